# test_doc_examples.py — runs the examples of README.md and docs/*.md, so the docs cannot drift
# from the tool.  The convention (docs/LAYOUTS.md, "Examples in the docs"):
#   ```sh            a command example: run with `sh -e` in the file's scratch folder; exit 0
#   ```sh exit=N     the same, expected to exit N (an example of an error)
#   ```sh gpu | slurm | install | repo   needs a GPU, a Slurm cluster, `make install` / system
#                    changes, or runs in the repository itself (its build tree, regenerating
#                    goldens, committing): not run here, counted by marker and printed
#   ```python        run with the tests' Python (h5py, numpy, torch) in the same folder
#   ```yaml file=NAME (or any language with file=NAME)   written to NAME before later blocks run
# Other fences (```yaml, ```json, plain ```) are illustrations.  Each document gets one fresh
# scratch folder; its blocks run in document order, so later ones use what earlier ones made.
# On PATH: robocache-convert (the built one) and python3 (the tests' Python).
import os
import re
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ["RC_SRCDIR"]
RC_BIN = os.environ["RC_BIN"]
PY = os.environ.get("PYTHON3", "/usr/bin/python3")
MARKERS = ("gpu", "slurm", "install", "repo")
FENCE = re.compile(r"^```(\S*)\s*(.*)$")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import done, ok  # noqa: E402


def blocks(path):
    """[(line, lang, options, text)] of the fenced blocks of a Markdown file."""
    out, cur = [], None
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            m = FENCE.match(line.rstrip("\n"))
            if cur is None and m:
                cur = (no, m.group(1), m.group(2).split(), [])
            elif cur is not None and line.rstrip() == "```":
                out.append((cur[0], cur[1], cur[2], "".join(cur[3])))
                cur = None
            elif cur is not None:
                cur[3].append(line)
    ok(cur is None, "%s: every fence is closed" % os.path.relpath(path, SRC))
    return out


def environment(bindir):
    env = dict(os.environ)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    return env


docs = [os.path.join(SRC, "README.md")] + sorted(
    os.path.join(SRC, "docs", n) for n in os.listdir(os.path.join(SRC, "docs")) if n.endswith(".md"))
bindir = tempfile.mkdtemp(prefix="rc-docs-bin-")
os.symlink(RC_BIN, os.path.join(bindir, "robocache-convert"))
os.symlink(PY, os.path.join(bindir, "python3"))
env = environment(bindir)
ran, excluded = 0, {m: 0 for m in MARKERS}
for doc in docs:
    rel = os.path.relpath(doc, SRC)
    work = None
    for line, lang, opts, text in blocks(doc):
        where = "%s:%d" % (rel, line)
        files = [o[5:] for o in opts if o.startswith("file=")]
        if files:
            work = work or tempfile.mkdtemp(prefix="rc-docs-")
            ok(len(files) == 1 and "/" not in files[0] and files[0],
               "%s: file=%s names one file of the scratch folder" % (where, files[0] if files else ""))
            with open(os.path.join(work, files[0]), "w") as f:
                f.write(text)
            continue
        if lang not in ("sh", "python"):
            continue
        rest = [o for o in opts if not o.startswith("exit=")]
        want = [int(o[5:]) for o in opts if o.startswith("exit=") and o[5:].isdigit()]
        if lang == "sh" and rest and rest[0] in MARKERS and len(rest) == 1:
            excluded[rest[0]] += 1
            print("# %s: sh %s block not run here" % (where, rest[0]))
            continue
        if not ok(not rest and len(want) == len([o for o in opts if o.startswith("exit=")]) <= 1,
                  "%s: ```%s %s follows the convention" % (where, lang, " ".join(opts))):
            continue
        work = work or tempfile.mkdtemp(prefix="rc-docs-")
        argv = ["sh", "-e", "-c", text] if lang == "sh" else [PY, "-c", text]
        p = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True, timeout=300)
        code = want[0] if want else 0
        ran += 1
        ok(p.returncode == code, "%s: %s block exits %d" % (where, lang, code),
           "exit %d\n--- block\n%s--- stdout\n%s--- stderr\n%s" % (p.returncode, text, p.stdout, p.stderr))
    if work:
        shutil.rmtree(work)
shutil.rmtree(bindir)
print("# ran %d blocks; not run here: %s" % (ran, ", ".join("%d %s" % (excluded[m], m) for m in MARKERS)))
ok(ran >= 10, "at least 10 example blocks found and run (%d)" % ran)
done()
