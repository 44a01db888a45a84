# test_quoted_figures.py — the statistics table of docs/FORMAT.md ("Quantile sketch") quotes the
# data file it names (bench/results/cpu/*.json) figure for figure, so the docs cannot drift from
# the measurement they cite.  Each table row is one "rows" entry of the file: peak RSS (sketch,
# exact, off), CPU (sketch / off), wall (sketch / off / exact), each as printed (rounded to the
# digits shown).
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import done, ok  # noqa: E402

SRC = os.environ["RC_SRCDIR"]
COLUMNS = ["rss_sketch", "rss_exact", "rss_off", "cpu_sketch", "cpu_off", "wall_sketch", "wall_off", "wall_exact"]

with open(os.path.join(SRC, "docs", "FORMAT.md")) as f:
    text = f.read()
start = text.find("#### Quantile sketch")
section = text[start:text.find("\n#### ", start + 1)]
named = re.findall(r"`(bench/results/cpu/[^`]+\.json)`", section)
ok(start >= 0 and len(named) == 1, "FORMAT.md's quantile sketch section names one data file: %s" % named)
data = {}
if len(named) == 1 and os.path.exists(os.path.join(SRC, named[0])):
    with open(os.path.join(SRC, named[0])) as f:
        data = json.load(f)
ok("rows" in data, "%s exists and has rows" % (named[0] if named else "the data file"))
rows = {r["episodes"]: r for r in data.get("rows", [])}
lines = [ln for ln in section.splitlines() if re.match(r"^\| *\d+ *\|", ln)]
ok(len(lines) == len(rows) > 0, "the table has one line per row of the data (%d lines, %d rows)" % (len(lines), len(rows)))
for ln in lines:
    cells = [c.strip() for c in ln.strip().strip("|").split("|")]
    n = int(cells[0])
    printed = re.findall(r"\d+(?:\.\d+)?", " ".join(cells[1:]))
    row = rows.get(n, {})
    same = len(printed) == len(COLUMNS) and all(
        k in row and round(row[k], len(p.split(".")[1]) if "." in p else 0) == float(p) for k, p in zip(COLUMNS, printed))
    ok(same, "%d episodes: the table quotes the data (%s)" % (n, ", ".join(
        "%s %s=%s" % (k, p, row.get(k)) for k, p in zip(COLUMNS, printed))))
done()
