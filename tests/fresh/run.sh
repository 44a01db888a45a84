#!/bin/bash
# tests/fresh/run.sh — the README's two commands on a freshly installed minimal Debian 12: run by
# .ci/run (root).  Debootstraps a bookworm minbase root from this machine's own apt mirror, gives
# it /proc, /dev, /sys (with its cgroups), /etc/hosts and resolv.conf, copies in a clean
# `git clone` of the repository (the committed HEAD) at /work/robocache with the real data folder
# ../shared/data bind-mounted read-only beside it, and runs `./scripts/demo` then
# `./scripts/check` in it through chroot, as root, exactly as the README says.  Afterwards every
# process still running in the root (munged, slurmctld, slurmd, ...) is stopped and every mount
# is undone, also on failure or interruption (trap).  Prints TAP, which .ci/run counts.
#
# Cache (RC_FRESH_CACHE, default /var/cache/robocache-fresh): base-KEY.tar is the debootstrapped
# root (KEY: suite and mirror); deps-KEY.tar is the root after a passing run, keyed also by the
# package lists of scripts/deps.sh, so a changed list starts again from the bare root and a
# missing install step fails here, not on a user's machine.  RC_FRESH_NOCACHE=1 ignores the
# deps cache.  Logs go to RC_FRESH_LOGS (default: the current folder, fresh-*.log).
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${RC_FRESH_CACHE:-/var/cache/robocache-fresh}
logs=${RC_FRESH_LOGS:-$PWD}
suite=bookworm
n=0
failed=0
tap() { # COND DESC
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
bail() { echo "Bail out! $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || bail "needs root (debootstrap, chroot, mounts)"
command -v debootstrap >/dev/null 2>&1 || {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null ||
        bail "cannot install debootstrap"
}

# The Debian mirror this machine uses (deb822 .sources or a one-line sources.list).
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -v security | head -1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "'$suite'" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

. "$repo/scripts/deps.sh"
base_key=$(echo "$suite $mirror" | sha256sum | cut -c1-16)
deps_key=$(echo "$suite $mirror $RC_BUILD_PACKAGES $RC_TEST_PACKAGES" | sha256sum | cut -c1-16)
mkdir -p "$cache" "$logs" || bail "cannot create $cache or $logs"
work=$(mktemp -d /var/tmp/robocache-fresh.XXXXXX) || bail "no temporary folder"
root=$work/root
mkdir -p "$root"

# Every process whose root is $root, then every mount under it, deepest first.
procs_in_root() {
    local p r
    for p in /proc/[0-9]*; do
        r=$(readlink "$p/root" 2>/dev/null) || continue
        case "$r" in "$root" | "$root"/*) echo "${p#/proc/}" ;; esac
    done
}
stopped=""
stop_procs() {
    local pids p i
    pids=$(procs_in_root)
    [ -z "$pids" ] && return 0
    stopped="${stopped:+$stopped }$(for p in $pids; do cat "/proc/$p/comm" 2>/dev/null; done | sort -u | tr '\n' ' ' | sed 's/ $//')"
    for p in $pids; do kill "$p" 2>/dev/null; done
    i=0
    while [ -n "$(procs_in_root)" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
    for p in $(procs_in_root); do kill -9 "$p" 2>/dev/null; done
}
mounts_in_root() { awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/self/mounts | sort -r; }
undo_mounts() {
    local m
    for m in $(mounts_in_root); do umount -l "$m" 2>/dev/null; done
}
cleanup() {
    stop_procs
    undo_mounts
    [ -z "$(mounts_in_root)" ] && rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. the root: the deps cache, else the bare debootstrap cache, else a new debootstrap.
t0=$(date +%s)
from=""
if [ "${RC_FRESH_NOCACHE:-0}" != 1 ] && [ -f "$cache/deps-$deps_key.tar" ]; then
    tar -C "$root" -xf "$cache/deps-$deps_key.tar" && from="cached root with the packages of deps.sh ($deps_key)"
fi
if [ -z "$from" ]; then
    if [ ! -f "$cache/base-$base_key.tar" ]; then
        debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$logs/fresh-debootstrap.log" 2>&1 &&
            tar -C "$root" -cf "$cache/base-$base_key.tar.part" . &&
            mv "$cache/base-$base_key.tar.part" "$cache/base-$base_key.tar" ||
            { tap 1 "debootstrap $suite from $mirror (see $logs/fresh-debootstrap.log)"; echo "1..$n"; exit 1; }
    else
        tar -C "$root" -xf "$cache/base-$base_key.tar"
    fi
    from="bare debootstrap --variant=minbase root ($base_key)"
fi
# The machine's own apt sources (updates and security too); no service starts inside the root.
rm -f "$root/etc/apt/sources.list"
cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/" 2>/dev/null ||
    echo "deb $mirror $suite main" >"$root/etc/apt/sources.list"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
cp /etc/hosts /etc/resolv.conf "$root/etc/"
cp /etc/hostname "$root/etc/" 2>/dev/null
tap 0 "Debian 12 root ready in $(($(date +%s) - t0)) s from the $from"

# 2. mounts and the clean clone.
ok=0
mount -t proc proc "$root/proc" &&
    mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys" &&
    mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev" || ok=1
mkdir -p "$root/work/shared/data" "$root/tmp" && chmod 1777 "$root/tmp"
if [ -d "$repo/../shared/data" ]; then
    mount --bind "$repo/../shared/data" "$root/work/shared/data" &&
        mount -o remount,bind,ro "$root/work/shared/data" || ok=1
fi
git clone -q --no-hardlinks "$repo" "$root/work/robocache" || ok=1
tap $ok "/proc, /sys (cgroups: $(ls "$root/sys/fs/cgroup" 2>/dev/null | wc -l) entries), /dev, shared/data (read-only) and a clean clone of $(git -C "$repo" rev-parse --short HEAD) in place"

# 3. the README's two commands.
in_root() {
    chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        /bin/sh -c "cd /work/robocache && $1"
}
pass_all=0
for cmd in demo check; do
    t=$(date +%s)
    in_root "./scripts/$cmd" >"$logs/fresh-$cmd.log" 2>&1
    rc=$?
    [ $rc -eq 0 ] || pass_all=1
    extra=""
    if [ $cmd = check ] && [ -f "$root/work/robocache/build/test-suite.log" ]; then
        cp "$root/work/robocache/build/test-suite.log" "$logs/fresh-test-suite.log"
        extra=", make check: $(sed -n 's/^# PASS: *//p' "$logs/fresh-test-suite.log" | head -1) tests passed, $(sed -n 's/^# FAIL: *//p' "$logs/fresh-test-suite.log" | head -1) failed"
    fi
    tap $rc "./scripts/$cmd in the fresh root (exit $rc, $(($(date +%s) - t)) s$extra; log $logs/fresh-$cmd.log)"
    [ $rc -eq 0 ] || tail -30 "$logs/fresh-$cmd.log" | sed 's/^/# /'
done

# 4. nothing left running or mounted.
stop_procs
tap 0 "every process left in the root stopped (${stopped:-none were left})"
undo_mounts
left=$(mounts_in_root)
tap "$([ -z "$left" ] && echo 0 || echo 1)" "every mount under the root undone${left:+ (left: $left)}"

# 5. keep the root with its packages for the next run (only after a passing run).
if [ $pass_all -eq 0 ] && [ -z "$left" ] && [ ! -f "$cache/deps-$deps_key.tar" ]; then
    rm -f "$cache"/deps-*.tar
    tar -C "$root" --exclude=./work --exclude=./tmp/* -cf "$cache/deps-$deps_key.tar.part" . &&
        mv "$cache/deps-$deps_key.tar.part" "$cache/deps-$deps_key.tar"
fi
echo "1..$n"
echo "# fresh: $(($(date +%s) - t0)) s"
[ $failed -eq 0 ]
