#!/bin/sh
# pack-for-device.sh — run HERE, from anywhere, after `make check` in a CUDA build: copies the
# shared libraries that robocache-convert and the GPU test programs load (the ldd closure:
# libhdf5, libyaml, libzstd, libsz/libaec, libcurl and its TLS stack, ...) into .carry/lib at
# the repository root, and gcc's runtime (libstdc++, libgcc_s, libgomp) into .carry/lib-gcc,
# leaving out glibc's own libraries, which every Linux has.
# The GPU machine has no build tools or -dev packages; tests/cuda/gpu-session.sh runs the
# carried tree with LD_LIBRARY_PATH=.carry/lib.  CUDA itself is linked statically (cudart_static)
# and the driver (libcuda) comes from the GPU machine, never from here.
# It also copies what the GPU machine runs out of the build (robocache-convert, config.h, the
# filter plugins, the GPU test programs, rc-bench when built) into .carry/build: a whole build
# folder does not fit the device's 64 MiB carry, its object files are never needed there.
# usage: tests/cuda/pack-for-device.sh [BUILD_DIR [EXTRA_BINARY...]]   (default: build, relative
# to the repo root; extra binaries, e.g. build/bench/rc-bench, have their libraries packed too)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
b=${1:-build}
[ $# -gt 0 ] && shift
bins="$b/robocache-convert $b/tests/cuda/test_backend_select $b/tests/cuda/test_fuse_exact $b/tests/cuda/test_voxelize_exact $b/tests/cuda/test_image_exact $*"
for f in $bins; do
    [ -x "$f" ] || { echo "pack-for-device: $f is missing: build with CUDA and run 'make -C $b check' first" >&2; exit 1; }
done
grep -q '^#define RC_HAVE_CUDA 1' "$b/config.h" || {
    echo "pack-for-device: $b was configured without CUDA (configure --with-cuda=yes)" >&2; exit 1; }

rm -rf .carry/lib .carry/lib-gcc .carry/build
mkdir -p .carry/lib .carry/lib-gcc .carry/build/tests/cuda .carry/build/bench
cp "$b/robocache-convert" "$b/config.h" .carry/build/
cp -R "$b/plugins" .carry/build/
for t in "$b"/tests/cuda/test_*; do
    case $t in *.o|*.log|*.trs) ;; *) [ -x "$t" ] && cp "$t" .carry/build/tests/cuda/ ;; esac
done
[ -x "$b/bench/rc-bench" ] && cp "$b/bench/rc-bench" .carry/build/bench/
# "libfoo.so.1 => /usr/lib/.../libfoo.so.1 (0x...)": the resolved path is field 3.  gcc's
# runtime goes to lib-gcc: the GPU machine's own copy is preferred (ours may need a newer
# glibc than it has), and gpu-session.sh adds lib-gcc only when one is missing there.
ldd $bins | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u | while read -r lib; do
    case $(basename "$lib") in
        libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|libresolv.so.*|ld-linux*|libcuda.so*)
            ;;
        libstdc++.so.*|libgcc_s.so.*|libgomp.so.*)
            cp -L "$lib" .carry/lib-gcc/ ;;
        *)
            cp -L "$lib" .carry/lib/ ;;
    esac
done
missing=$(ldd $bins | grep 'not found' || true)
[ -z "$missing" ] || { echo "pack-for-device: unresolved libraries here already:" >&2; echo "$missing" >&2; exit 1; }
echo "pack-for-device: $(du -sh .carry | cut -f1) in .carry:"
(cd .carry && ls lib/* lib-gcc/* 2>/dev/null | sed 's/^/  /')
echo "carry .carry to the GPU machine; there run: sh tests/cuda/gpu-session.sh .carry/build"
