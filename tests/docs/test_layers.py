# test_layers.py — the layers of docs/DESIGN.md ("The code, layer by layer") as a check: reads
# the layer order and each module's one public header from that section, then over src/ and
# kernels/ fails on an include that climbs a layer, an include of another module's private
# (*_int.h) or unlisted header, an include circle between files, and a call circle between
# the object files of the library (from nm over librobocache.a, when it is built).
import collections
import os
import re
import subprocess
import sys

SRC = os.environ.get("RC_SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("RC_BUILDDIR", "")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import done, ok, skip  # noqa: E402


def design():
    """The layer of each module and its public header, from docs/DESIGN.md."""
    text = open(os.path.join(SRC, "docs", "DESIGN.md"), encoding="utf-8").read()
    m = re.search(r"^Layer order: `([^`]*)`", text, re.M)
    rank = {}
    if m:
        for i, group in enumerate(m.group(1).split("<")):
            for name in group.split(","):
                rank[name.strip()] = i
    public = {}
    for row in re.finditer(r"^\| `(src/[a-z]+|kernels)`(?:, `(kernels)`)? \| ([^|]*) \|", text, re.M):
        headers = set(re.findall(r"`([A-Za-z0-9_]+\.h)`", row.group(3)))
        for folder in (row.group(1), row.group(2)):
            if folder:
                public[folder.split("/")[-1]] = headers
    return rank, public


def sources():
    """Every C/CUDA file of src/ and kernels/: path relative to SRC -> module."""
    out = {}
    for top in ("src", "kernels"):
        for dirpath, _, names in os.walk(os.path.join(SRC, top)):
            for name in names:
                if name.endswith((".c", ".h", ".cu", ".cuh")):
                    rel = os.path.relpath(os.path.join(dirpath, name), SRC)
                    parts = rel.split(os.sep)
                    out[rel] = parts[1] if parts[0] == "src" else "kernels"
    return out


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def includes(rel):
    """The files of ours that rel includes, as paths relative to SRC."""
    text = open(os.path.join(SRC, rel), encoding="utf-8").read()
    found = []
    for target in INCLUDE.findall(text):
        if target == "config.h":
            continue
        if "/" in target:
            cand = os.path.join("src", target)
        else:
            cand = os.path.join(os.path.dirname(rel), target)
        found.append((target, os.path.normpath(cand)))
    return found


def cycles(graph):
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            pushed = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    pushed = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if pushed:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


rank, public = design()
files = sources()
ok(len(rank) >= 10, "docs/DESIGN.md states the layer order (%d modules)" % len(rank))
modules = sorted(set(files.values()))
ok(all(m in rank for m in modules), "every module of src/ and kernels/ has a layer",
   [m for m in modules if m not in rank])
ok(all(m in public for m in modules), "every module has its public header listed",
   [m for m in modules if m not in public])
ok(all(len(hs) == 1 for m, hs in public.items() if m != "cli"),
   "every module (but the CLI, which has none) has exactly one public header",
   sorted((m, sorted(hs)) for m, hs in public.items() if len(hs) != 1 and m != "cli"))
listed = [(m, h) for m, hs in public.items() for h in hs
          if not os.path.exists(os.path.join(SRC, "src" if m != "kernels" else "", m, h))
          and not os.path.exists(os.path.join(SRC, "src", "backend", h))]
ok(not listed, "every public header listed exists", listed)

climbs, private, unlisted, missing = [], [], [], []
graph = collections.defaultdict(set)
for rel, mod in sorted(files.items()):
    for target, path in includes(rel):
        if path not in files:
            missing.append("%s: %s" % (rel, target))
            continue
        graph[rel].add(path)
        tmod = files[path]
        if tmod == mod:
            continue
        if rank.get(tmod, -1) > rank.get(mod, -1):
            climbs.append("%s (%s) includes %s (%s)" % (rel, mod, target, tmod))
        base = os.path.basename(path)
        same_layer = rank.get(tmod) == rank.get(mod)
        if base.endswith("_int.h") and not same_layer:
            private.append("%s includes %s, private to %s" % (rel, target, tmod))
        elif not base.endswith("_int.h") and base not in public.get(tmod, set()):
            unlisted.append("%s includes %s, not a public header of %s" % (rel, target, tmod))
ok(not missing, "every include of ours names a file that exists", "\n".join(missing))
ok(not climbs, "no include climbs a layer", "\n".join(climbs))
ok(not private, "no module includes another's private (*_int.h) header", "\n".join(private))
ok(not unlisted, "modules include only the public headers DESIGN.md lists", "\n".join(unlisted))
circles = cycles(graph)
ok(not circles, "no include circle between files", "\n".join(" -> ".join(c) for c in circles))
bad_names = [rel for rel, mod in files.items() if rel.endswith(".h") and not rel.endswith("_int.h")
             and os.path.basename(rel) not in public.get(mod, set())]
ok(not bad_names, "every header is public (listed) or named *_int.h", "\n".join(sorted(bad_names)))

lib = os.path.join(BUILD, "librobocache.a") if BUILD else ""
if lib and os.path.exists(lib):
    out = subprocess.run(["nm", "-A", lib], capture_output=True, text=True, check=True).stdout
    defined, used = {}, collections.defaultdict(set)
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        obj = parts[0].split(":")[1]
        if parts[1] == "U":
            used[obj].add(parts[2])
        elif parts[1] in "TDBR":
            defined[parts[2]] = obj
    calls = collections.defaultdict(set)
    for obj, syms in used.items():
        for sym in syms:
            if sym in defined and defined[sym] != obj:
                calls[obj].add(defined[sym])
    circles = cycles(calls)
    ok(sum(len(v) for v in calls.values()) > 50, "the library's call graph is read (%d edges)"
       % sum(len(v) for v in calls.values()))
    ok(not circles, "no call circle between the library's object files",
       "\n".join(" -> ".join(c) for c in circles))
else:
    skip("the library's call graph", "librobocache.a not built")

done()
