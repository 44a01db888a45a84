#!/usr/bin/env python3
# test_manifest.py — train/manifest.json as docs/FORMAT.md describes it: keys and their order,
# string escaping, and the per-column stats (count, mean, std, min, max over valid rows) checked
# against numpy on random data, for several ways of splitting the rows into episodes.
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import bail, done, ok  # noqa: E402


def split_of(episode_id, seed, val_fraction):
    """The split rule of src/spec/rc_split.c, restated."""
    d = hashlib.sha256(struct.pack("<Q", seed) + episode_id.encode()).digest()
    return "val" if struct.unpack("<Q", d[:8])[0] / 2.0 ** 64 < val_fraction else "train"


fixture = os.path.join(os.environ["RC_BUILDDIR"], "tests", "writer", "manifest_fixture")
tmp = tempfile.mkdtemp(prefix="rc-test-manifest.")
try:
    results = []
    for lengths in (["3000"], ["1", "999", "2000"], ["1000"] * 3, ["7", "0", "2993"]):
        r = subprocess.run([fixture, tmp] + lengths, capture_output=True, text=True)
        if r.returncode:
            bail("manifest_fixture failed: " + r.stderr)
        with open(os.path.join(tmp, "manifest.json")) as f:
            m = json.load(f)
        rows = np.fromfile(os.path.join(tmp, "rows.f32"), dtype="<f4").reshape(-1, 4).astype(np.float64)
        valid = np.fromfile(os.path.join(tmp, "valid.u8"), dtype=np.uint8).astype(bool)
        results.append((lengths, m, rows[valid]))
    ok(not [x for x in os.listdir(tmp) if ".tmp." in x], "no temporary manifest left behind")

    lengths, m, x = results[1]
    ok(list(m) == ["format", "format_version", "tool_version", "backend", "spec_sha256", "shards", "episodes",
                   "skipped", "empty_splits", "fps", "features", "stats"], "top-level keys in the documented order")
    ok(m["empty_splits"] == [] and m["fps"] is None and m["features"] == {},
       "no empty split; no features without an output's attributes")
    ok(m["format"] == "robocache-manifest" and m["format_version"] == 1 and m["tool_version"] == "0.1.0-test" and
       m["backend"] == "cpu" and m["spec_sha256"] == "abcd", "header fields")
    ok(m["shards"] == [{"name": "shard-00000.h5", "bytes": 123456789012, "episodes": 3}], "shards entry")
    eps = m["episodes"]
    ok([e["id"] for e in eps] == ["ep-000000", "ep-000001", "ep-000002"] and [e["steps"] for e in eps] == [1, 999, 2000]
       and all(list(e) == ["id", "shard", "split", "steps", "content_sha256", "source_file"] for e in eps),
       "episode entries in order with the documented fields")
    ok(all(e["split"] == split_of(e["id"], 7, 0.25) for e in eps), "split of each episode follows the documented hash")
    ok(m["skipped"] == [{"source_file": 'raw/bad "one".h5', "episode": "ep-9",
                         "reason": "expected t increasing,\nfound a step back"}], "skipped entry, escaped strings round trip")
    empty = {"count": [0, 0]}
    empty.update({k: [None, None] for k in ("mean", "std", "min", "max", "q01", "q10", "q50", "q90", "q99")})
    empty["constant"] = [False, False]
    ok(m["stats"]["empty"] == dict(empty, names=None, train=empty, val=empty),
       "an output without values has count 0 and null statistics, in all and per split")

    def close(a, b, rtol):
        return np.allclose(np.array(a, dtype=np.float64), b, rtol=rtol, atol=0)

    for lengths, m, x in results:
        s = m["stats"]["state"]
        good = (s["count"] == [len(x)] * 4 and close(s["mean"], x.mean(axis=0), 1e-12) and
                close(s["std"], x.std(axis=0), 1e-9) and s["min"] == list(x.min(axis=0)) and
                s["max"] == list(x.max(axis=0)))
        if not ok(good, "stats equal numpy's over valid rows (episodes of %s rows)" % "+".join(lengths)):
            print("# got %s" % s)
            print("# numpy mean %s std %s" % (x.mean(axis=0), x.std(axis=0)))
    base = results[0][1]["stats"]["state"]
    same = all(close(r[1]["stats"]["state"][k], np.array(base[k], dtype=np.float64), 1e-12)
               for r in results[1:] for k in ("mean", "std", "min", "max"))
    ok(same and all(r[1]["stats"]["state"] == base for r in results[1:]),
       "stats do not depend on how rows are split into episodes (bit for bit)")
    ok(base["std"][3] == 0.0 and base["mean"][3] == 7.0, "a constant column has std 0 and its exact mean")
finally:
    shutil.rmtree(tmp)

done()
