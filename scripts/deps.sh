# deps.sh — sourced by scripts/check and scripts/demo: installs the Debian packages the build
# and the tests need when they are missing (as root), or says what to install (not root).
# clang + libclang-rt-14-dev: libFuzzer (make fuzz); valgrind: memcheck in .ci/run.
RC_DEB_PACKAGES="build-essential autoconf automake libtool pkg-config libhdf5-dev libzstd-dev
libyaml-dev libturbojpeg0-dev python3 python3-h5py python3-numpy python3-pil python3-torch hdf5-tools
groff-base man-db slurm-wlm munge clang libclang-rt-14-dev valgrind"

rc_install_deps() {
    missing=""
    for p in $RC_DEB_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "robocache: missing Debian packages:$missing" >&2
        echo "robocache: install them with: sudo apt-get install -y$missing" >&2
        return 1
    fi
    echo "robocache: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing
}

# Configures (once) and builds in build/; CUDA kernels are compiled when nvcc is found.
rc_build() {
    [ -x configure ] && [ configure -nt configure.ac ] && [ Makefile.in -nt Makefile.am ] || autoreconf -fi
    mkdir -p build
    if [ ! -f build/Makefile ]; then
        (cd build && PATH="$PATH:/usr/local/cuda/bin" ../configure) || return 1
    fi
    make -C build -j"$(nproc)"
}
