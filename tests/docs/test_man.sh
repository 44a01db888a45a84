#!/bin/sh
# test_man.sh — the man page (as make writes it from docs/robocache-convert.1.in): groff reads it
# without warnings; no make variable or placeholder is left in it and its FILES are absolute; it
# names every command of `robocache-convert --help`, every option of each command's --help
# as an entry of that command's own option list (-q and -v, which every command takes, in
# OPTIONS); every exit code; SEE ALSO names installed docs;
# its version is the tool's; `make install-man` puts it where `man robocache-convert` finds it.
. "$RC_SRCDIR/tests/lib.sh"

page="$RC_BUILDDIR/docs/robocache-convert.1"
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
! grep -nE '\$\(|@[a-z_]+@' "$page" >"$TMP/left"; tap_result $? "no \$(...) or @...@ left in the page"
[ -s "$TMP/left" ] && diag "$(head -3 "$TMP/left")"
grep -qE '^\.I /.*/share/robocache/schemas/pipeline\.schema\.yaml$' "$page"
tap_result $? "FILES names the installed schema by its absolute path"
# The options every command takes (-q, -v): entries of the OPTIONS section, not of each command.
for o in --quiet --verbose; do
    sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$TMP/plain" | grep -qE "^\.BR -[a-z] \", \" $o\$"
    tap_result $? "OPTIONS lists $o, which every command takes"
done
# Each command's options: entries (.B/.BI/.BR --option) of a list after the command's entry,
# before the next command's entry.
for c in $(cat "$TMP/cmds"); do
    for o in $("$RC_BIN" "$c" --help | grep -oE -- '--[a-z][a-z-]*' | grep -vxE -- '--(help|quiet|verbose)' | sort -u); do
        awk -v c="$c" -v o="$o" '
            /^\.BI? [a-z][a-z-]*( |$)/ && prev == ".TP" { split($2, w, " "); cur = w[1]; gsub(/"/, "", cur) }
            { prev = $0 }
            cur == c && ($1 == ".B" || $1 == ".BI" || $1 == ".BR") && $2 == o { found = 1 }
            END { exit found ? 0 : 1 }' "$TMP/plain"
        tap_result $? "the man page lists $c's option $o as an entry of its own"
    done
done
for d in README.md SPEC.md FORMAT.md PIPELINE-SPEC.md; do
    sed -n '/^\.SH SEE ALSO/,$p' "$page" | grep -qF "$d"; r=$?
    [ -f "$RC_SRCDIR/docs/$d" ] || [ -f "$RC_SRCDIR/$d" ] || r=1
    tap_result $r "SEE ALSO names $d, which make install puts in docdir"
done
grep -qE '^\.IR /.*/share/doc/robocache' "$page"; tap_result $? "SEE ALSO gives docdir as an absolute folder"
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
