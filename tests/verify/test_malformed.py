# test_malformed.py — verify refuses outputs it cannot read, with exit 3 and a message naming the
# file (and episode and dataset where it has one): missing or broken manifest, missing shard,
# a damaged zstd chunk, a truncated shard, a dataset of a type no shard holds; a shape mismatch
# is a difference (exit 5), not an error; bad usage exits 1.
import os

import numpy as np

from verify_common import (copy_output, done, h5py, make_output, manifest, ok, replace_dataset, rc,
                           shard_of, scratch, verify, write_manifest)

base = scratch()
golden = make_output(base)
EP = manifest(golden)["episodes"][0]["id"]


def fresh(name):
    return copy_output(golden, os.path.join(base, name))


o = fresh("no_manifest")
os.remove(os.path.join(o, "manifest.json"))
code, out, err = verify(o, golden)
ok(code == 3 and "no_manifest/manifest.json: expected a manifest, found none" in err, "missing manifest: exit 3, named",
   err)
code, out, err = verify(golden, o)
ok(code == 3 and "manifest.json" in err, "missing golden manifest: exit 3", err)
code, out, err = verify(os.path.join(base, "nowhere"), golden)
ok(code == 3 and "nowhere/manifest.json" in err, "missing output folder: exit 3", err)

o = fresh("bad_json")
with open(os.path.join(o, "manifest.json"), "r+") as f:
    text = f.read()
    f.seek(0)
    f.write(text.replace('"episodes": [', '"episodes": [,', 1))
code, out, err = verify(o, golden)
ok(code == 3 and "expected JSON, found an error at line" in err, "manifest that is not JSON: exit 3, line named", err)

o = fresh("bad_format")
m = manifest(o)
m["format"] = "something-else"
write_manifest(o, m)
code, out, err = verify(o, golden)
ok(code == 3 and 'expected "format": "robocache-manifest", found "something-else"' in err, "wrong manifest format",
   err)

o = fresh("no_steps")
m = manifest(o)
del m["episodes"][1]["steps"]
write_manifest(o, m)
code, out, err = verify(o, golden)
ok(code == 3 and 'episodes[1]: expected a non-negative integer "steps"' in err, "manifest entry without steps", err)

o = fresh("escape")
m = manifest(o)
m["shards"][0]["name"] = "../elsewhere.h5"
write_manifest(o, m)
code, out, err = verify(o, golden)
ok(code == 3 and "shards[0]" in err and "inside the folder" in err, "a shard name leaving the folder is refused", err)

o = fresh("missing_shard")
os.remove(shard_of(o, EP))
code, out, err = verify(o, golden)
ok(code == 3 and os.path.basename(shard_of(o, EP)) in err, "missing shard: exit 3, named", err)

# Damage the first zstd chunk of observation/data in place: the file opens, decoding fails.
o = fresh("bad_chunk")
path = shard_of(o, EP)
with h5py.File(path, "r") as f:
    info = f["episodes/%s/observation/data" % EP].id.get_chunk_info(0)
with open(path, "r+b") as f:
    f.seek(info.byte_offset + 4)
    f.write(b"\xff" * min(64, info.size - 4))
code, out, err = verify(o, golden)
ok(code == 3 and os.path.basename(path) in err and "episode %s" % EP in err and "observation/data" in err
   and "decoding the dataset failed" in err, "damaged chunk: exit 3 naming file, episode and dataset", err)

o = fresh("truncated")
path = shard_of(o, EP)
with open(path, "r+b") as f:
    f.truncate(os.path.getsize(path) // 2)
code, out, err = verify(o, golden)
ok(code == 3 and os.path.basename(path) in err, "truncated shard: exit 3", err)

o = fresh("float64")
with h5py.File(shard_of(o, EP), "r+") as f:
    g = f["episodes/" + EP]
    replace_dataset(g, "observation/data", g["observation/data"][()].astype(np.float64))
code, out, err = verify(o, golden)
ok(code == 3 and "expected one of the shard element types" in err, "a float64 dataset is refused (exit 3)", err)

o = fresh("shape3d")
with h5py.File(shard_of(o, EP), "r+") as f:
    g = f["episodes/" + EP]
    a = g["grid/coords"][()]
    replace_dataset(g, "grid/coords", a.reshape(a.shape[0], 3, 1))
code, out, err = verify(o, golden)
ok(code == 5 and "grid/coords: shape: output [%d, 3, 1], golden [%d, 3]" % (a.shape[0], a.shape[0]) in out,
   "a shape mismatch (same elements, other rank) is a difference, exit 5", out + err)

for args, what in [((), "no folders"), ((golden,), "one folder"), ((golden, golden, golden), "three folders"),
                   ((golden, golden, "--tolerance", "-1"), "negative tolerance"),
                   ((golden, golden, "--tolerance", "1.5"), "fractional tolerance"),
                   ((golden, golden, "--tolerance", ""), "empty tolerance"),
                   ((golden, golden, "--frob"), "unknown option")]:
    code, out, err = rc("verify", *args)
    ok(code == 1 and "robocache-convert verify:" in err, "bad usage (%s): exit 1" % what, err)
code, out, err = rc("verify", "--help")
ok(code == 0 and "usage: robocache-convert verify OUTPUT_DIR GOLDEN_DIR" in out, "--help", out)
done()
