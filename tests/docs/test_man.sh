#!/bin/sh
# test_man.sh — the man page: groff reads it without warnings; it names every command of
# `robocache-convert --help`, every option of `run --help` and every exit code; its version is the
# tool's; `make install-man` puts it where `man robocache-convert` finds it (MANPATH, DESTDIR).
. "$RC_SRCDIR/tests/lib.sh"

page="$RC_SRCDIR/docs/robocache-convert.1"
groff -man -ww -z "$page" >"$TMP/groff" 2>&1
[ ! -s "$TMP/groff" ]; tap_result $? "groff -man -ww reads the page without warnings"
[ -s "$TMP/groff" ] && diag "$(head "$TMP/groff")"

# Commands as `--help` lists them (lines "  NAME ..." under "commands:").
"$RC_BIN" --help | sed -n '/^commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p' >"$TMP/cmds"
[ "$(wc -l <"$TMP/cmds")" -ge 8 ]; tap_result $? "--help lists at least 8 commands ($(wc -l <"$TMP/cmds"))"
sed 's/\\-/-/g' "$page" >"$TMP/plain"
for c in $(cat "$TMP/cmds"); do
    grep -qE "^\.BI? $c( |\$)" "$TMP/plain"; tap_result $? "the man page has an entry for command '$c'"
done
for o in $("$RC_BIN" run --help | grep -o -- '--[a-z]*' | sort -u); do
    grep -qF -- "$o" "$TMP/plain"; tap_result $? "the man page names run option $o"
done
for code in 0 1 2 3 4 5; do
    grep -qx "\.B $code" "$TMP/plain"; tap_result $? "EXIT STATUS lists $code"
done
grep -q "^\.TH ROBOCACHE-CONVERT 1 [0-9-]* \"robocache $RC_VERSION\"" "$page"
tap_result $? "the page's version is the tool's ($RC_VERSION)"

make -s -C "$RC_BUILDDIR" install-man DESTDIR="$TMP/inst" >"$TMP/make" 2>&1
tap_result $? "make install-man DESTDIR=... installs the page"
inst=$(find "$TMP/inst" -name robocache-convert.1 | head -1)
case "$inst" in */man1/robocache-convert.1) r=0 ;; *) r=1 ;; esac
tap_result $r "it lands in a man1 folder (${inst#"$TMP"/inst})"
mandir=$(dirname "$(dirname "$inst")")
MANPATH="$mandir" MANPAGER=cat MANWIDTH=80 man robocache-convert >"$TMP/man" 2>"$TMP/manerr"
grep -q "turn raw robot logs into training-ready" "$TMP/man"; tap_result $? "man robocache-convert shows it"
tap_done
