#!/bin/sh
# deps.sh — scripts/deps.sh, the one package list: the demo's set (build) holds none of the test
# tools; every listed package exists in the apt index; as a user without root, installing
# packages that are all present succeeds (so ./scripts/demo runs) and a missing one is named
# with the apt-get line to run, and fails.
. "$RC_SRCDIR/tests/lib.sh"
. "$RC_SRCDIR/scripts/deps.sh"

heavy=""
for p in $RC_BUILD_PACKAGES; do
    case " python3-torch slurm-wlm munge clang libclang-rt-14-dev valgrind python3 python3-h5py time " in
    *" $p "*) heavy="$heavy $p" ;;
    esac
done
[ -z "$heavy" ]; tap_result $? "the demo's package set holds no test tool${heavy:+ (found:$heavy)}"
for p in time python3-torch python3-zarr slurm-wlm; do
    echo " $RC_TEST_PACKAGES " | tr '\n' ' ' | grep -q " $p "
    tap_result $? "the test set installs $p"
done
echo " $RC_BUILD_PACKAGES " | tr '\n' ' ' | grep -q " libssl-dev "
tap_result $? "the build set installs libssl-dev (libcrypto's SHA-256 of the digests)"
unknown=""
for p in $RC_BUILD_PACKAGES $RC_TEST_PACKAGES; do
    apt-cache show "$p" >/dev/null 2>&1 || unknown="$unknown $p"
done
[ -z "$unknown" ]; tap_result $? "every listed package is in the apt index${unknown:+ (not:$unknown)}"

as_user=""
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
    as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
$as_user sh -c '. "$1/scripts/deps.sh" && rc_install_deps $RC_BUILD_PACKAGES' sh "$RC_SRCDIR" >"$TMP/out" 2>&1
tap_result $? "without root, the build's packages being present, nothing is asked for"
$as_user sh -c '. "$1/scripts/deps.sh" && rc_install_deps libzstd-dev rc-no-such-package' sh "$RC_SRCDIR" >"$TMP/out" 2>&1
r=$?
[ "$r" -eq 1 ] && grep -qF "missing Debian packages: rc-no-such-package" "$TMP/out" &&
    grep -qF "sudo apt-get install -y --no-install-recommends rc-no-such-package" "$TMP/out"
tap_result $? "without root, a missing package is named with the apt-get line (exit $r)"
[ "$r" -eq 1 ] || diag "$(cat "$TMP/out")"
tap_done
