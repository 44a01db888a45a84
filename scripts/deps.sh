# deps.sh — sourced by scripts/demo and scripts/check: the one list of Debian packages, in two
# sets, and the shared install and build steps.  As root the missing packages are installed with
# apt-get; otherwise the scripts say what to install and stop, or go on when nothing is missing.
#
# RC_BUILD_PACKAGES: what `./scripts/demo` needs: the build (configure, make) and the demo run
# (libssl-dev: libcrypto's SHA-256 for digests; libdeflate-dev, liblz4-dev: direct reads;
# libturbojpeg0-dev: JPEG camera frames).
RC_BUILD_PACKAGES="build-essential autoconf automake pkg-config libhdf5-dev libzstd-dev libyaml-dev
libdeflate-dev liblz4-dev libssl-dev libturbojpeg0-dev"
# RC_TEST_PACKAGES: what `./scripts/check` (make check) and .ci/run add on top:
#   python3 python3-h5py python3-numpy: the reference tests; python3-torch, python3-zarr: the
#     reader tests; python3-pil: JPEG frames checked by Pillow;
#   hdf5-tools: h5dump/h5ls checks; time: /usr/bin/time (tests/streaming/memory_bound.py);
#   groff-base man-db: the man page test; slurm-wlm munge: tests/slurm on a real local Slurm;
#   clang libclang-rt-14-dev: libFuzzer (make fuzz);
#   valgrind: memcheck in .ci/run.
RC_TEST_PACKAGES="python3 python3-h5py python3-numpy python3-torch python3-zarr python3-pil
hdf5-tools time groff-base man-db slurm-wlm munge clang libclang-rt-14-dev valgrind"

# rc_install_deps PACKAGES...: installs the missing ones (root), or names them and fails.
rc_install_deps() {
    missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "robocache: missing Debian packages:$missing" >&2
        echo "robocache: install them with: sudo apt-get install -y --no-install-recommends$missing" >&2
        return 1
    fi
    echo "robocache: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing
}

# Configures and builds in build/; CUDA kernels are compiled when nvcc is found.  configure runs
# again when packages were installed since it last ran (./scripts/demo configures before
# ./scripts/check installs python3 and the other test tools, which configure looks for).
rc_build() {
    [ -x configure ] && [ configure -nt configure.ac ] && [ Makefile.in -nt Makefile.am ] || autoreconf -fi
    mkdir -p build
    if [ ! -f build/Makefile ] || [ /var/lib/dpkg/status -nt build/config.status ]; then
        (cd build && PATH="$PATH:/usr/local/cuda/bin" ../configure) || return 1
    fi
    make -C build -j"$(nproc)"
}
