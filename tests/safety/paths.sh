#!/bin/sh
# paths.sh — output and input folders that cannot be used: an earlier conversion (from another
# spec) is refused without --force and left byte for byte; a read-only output folder and an
# unreadable input file fail with exit 3 naming the path, leaving nothing behind.  Root ignores
# file modes, so as root the read-only folder is a read-only tmpfs and the unreadable file is
# tried as user nobody (setpriv); where neither works the case is marked SKIP with the reason.
. "$RC_SRCDIR/tests/lib.sh"
. "$RC_SRCDIR/tests/safety/safety_lib.sh"
trap 'umount "$TMP/ro" 2>/dev/null; rm -rf "$TMP"' EXIT

skip_n() { # COUNT REASON
    i=0
    while [ "$i" -lt "$1" ]; do
        i=$((i + 1)); tap_n=$((tap_n + 1))
        echo "ok $tap_n - # SKIP $2"
    done
}

make_input "$TMP/raw" 2
write_spec "$TMP/a.yaml" "$TMP/raw" 1
write_spec "$TMP/b.yaml" "$TMP/raw" 2 25

# An earlier conversion from another spec: refused, untouched; --force replaces only its files.
check "a first conversion (spec a)" "$RC_BIN" run "$TMP/a.yaml" --output "$TMP/conv" --progress never
echo "kept" >"$TMP/conv/notes.txt"
(cd "$TMP/conv" && cksum ./* | sort) >"$TMP/before"
expect_exit 1 "spec b into spec a's output folder is refused" "$RC_BIN" run "$TMP/b.yaml" --output "$TMP/conv" --progress never
grep -q "already holds a conversion" "$TMP/err" && grep -q "$TMP/conv" "$TMP/err"
tap_result $? "the refusal names the folder and says why"
(cd "$TMP/conv" && cksum ./* | sort) >"$TMP/after"
cmp -s "$TMP/before" "$TMP/after"
tap_result $? "the earlier conversion is left byte for byte (never mixed)"
check "with --force spec b replaces it" "$RC_BIN" run "$TMP/b.yaml" --output "$TMP/conv" --force --progress never
[ -f "$TMP/conv/notes.txt" ] && [ ! -e "$TMP/conv/shard-00001.h5" ] &&
    "$PYTHON3" -c 'import json,sys; sys.exit(len(json.load(open(sys.argv[1]))["shards"]) != 1)' "$TMP/conv/manifest.json"
tap_result $? "--force removed spec a's shards, kept the user's file, wrote spec b's one shard"

# A read-only output folder.
mkdir -p "$TMP/ro"
ro=""
if [ "$(id -u)" -eq 0 ]; then
    mount -t tmpfs -o ro,size=64k tmpfs "$TMP/ro" 2>/dev/null && ro="read-only tmpfs"
else
    chmod 555 "$TMP/ro" && ro="mode 555 folder"
fi
if [ -n "$ro" ]; then
    expect_exit 3 "output folder on a $ro" "$RC_BIN" run "$TMP/a.yaml" --output "$TMP/ro" --progress never
    grep "error:" "$TMP/err" | grep -q "$TMP/ro/shard-00000.h5"
    tap_result $? "the message names the shard it could not create"
    expect_exit 3 "output folder to be made inside a $ro" "$RC_BIN" run "$TMP/a.yaml" --output "$TMP/ro/sub" --progress never
    grep "error:" "$TMP/err" | grep -q "cannot create the folder $TMP/ro/sub"
    tap_result $? "the message names the folder it could not create"
    tap_result $([ -z "$(ls -A "$TMP/ro")" ]; echo $?) "nothing is left in the read-only folder"
else
    skip_n 5 "read-only output: as root without permission to mount a read-only tmpfs"
fi

# An unreadable input file.
mkdir -p "$TMP/unreadable"
cp "$TMP/raw"/*.h5 "$TMP/unreadable/"
chmod 000 "$TMP/unreadable"/*.h5
bad=$(ls "$TMP/unreadable"/*.h5 | head -1)
write_spec "$TMP/u.yaml" "$TMP/unreadable" 1
as=""
mkdir -p "$TMP/u-out"
if [ "$(id -u)" -ne 0 ]; then
    runner=""
elif command -v setpriv >/dev/null 2>&1 && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
    runner="setpriv --reuid=65534 --regid=65534 --clear-groups"
    as=" (as user nobody)"
    chmod 755 "$TMP"
    chmod 777 "$TMP/u-out"
else
    runner="none"
fi
if [ "$runner" != "none" ]; then
    expect_exit 3 "an unreadable input file$as" $runner "$RC_BIN" run "$TMP/u.yaml" --output "$TMP/u-out/o" --progress never
    grep "error:" "$TMP/err" | grep "$bad" | grep -q "Permission denied"
    tap_result $? "the message names the file and says 'Permission denied'"
    left=$(no_conversion_in "$TMP/u-out")
    tap_result $([ -z "$left" ]; echo $?) "nothing is left in the output folder"
else
    skip_n 3 "unreadable input: as root without setpriv to drop to user nobody"
fi
tap_done
