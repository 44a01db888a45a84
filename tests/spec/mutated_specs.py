# mutated_specs.py — malformed input: 400 seeded random edits of the valid specs (inserted,
# deleted and replaced YAML punctuation, digits, letters, document markers).  Each must make
# `validate` exit 0 or 1 (never crash), and when it fails every stderr line must be a
# "FILE:LINE:COL: ..." error, in file order, with a final "FILE: N errors" that counts them.
import glob
import os
import random
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import diag, done, ok  # noqa: E402

src = os.environ["RC_SRCDIR"]
rc_bin = os.environ["RC_BIN"]
specs = sorted(glob.glob(src + "/tests/spec/valid/*.yaml")) + [src + "/pipelines/demo.yaml"]
texts = [open(f, encoding="utf-8").read() for f in specs]
pieces = list(":{}[]-, \n\"'&*!#|>?%@`\t") + list("0123456789abxyz.") + ["---", "...", "\u00e9", "1e400", "~", "  "]
rng = random.Random(20261125)
line_re = re.compile(r"^robocache-convert: error: m\.yaml:(\d+):(\d+): ")


def check_batch(first, count, work):
    problems = []
    for k in range(count):
        t = rng.choice(texts)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(t) + 1)
            op = rng.random()
            if op < 0.4:
                t = t[:i] + rng.choice(pieces) + t[i:]
            elif op < 0.7:
                t = t[:i] + t[i + rng.randint(1, 5):]
            else:
                t = t[:i] + rng.choice(pieces) + t[i + 1:]
        with open(os.path.join(work, "m.yaml"), "w", encoding="utf-8") as f:
            f.write(t)
        p = subprocess.run([rc_bin, "validate", "m.yaml"], cwd=work, capture_output=True, text=True)
        lines = p.stderr.splitlines()
        why = None
        if p.returncode not in (0, 1):
            why = "exit %d" % p.returncode
        elif p.returncode == 1:
            errs = lines[:-1]
            pos = [line_re.match(l) for l in errs]
            want_last = "m.yaml: %d error%s" % (len(errs), "" if len(errs) == 1 else "s")
            if not errs or None in pos:
                why = "an error line without FILE:LINE:COL"
            elif lines[-1] != want_last:
                why = "last line %r, expected %r" % (lines[-1], want_last)
            elif [(int(m.group(1)), int(m.group(2))) for m in pos] != sorted((int(m.group(1)), int(m.group(2))) for m in pos):
                why = "errors not in file order"
        if why:
            problems.append((first + k, why, t, p.stderr[-600:]))
    ok(not problems, "mutations %d..%d: validate exits 0/1 with well-formed errors" % (first, first + count - 1))
    for n, why, t, err in problems[:2]:
        diag("mutation %d: %s" % (n, why))
        for line in (t + "\n--- stderr:\n" + err).splitlines():
            diag("  " + line)


with tempfile.TemporaryDirectory() as work:
    for b in range(8):
        check_batch(b * 50, 50, work)
done()
