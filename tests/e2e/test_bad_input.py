# test_bad_input.py — bad input data through a whole run: on_error fail stops with exit 2,
# names file, episode and HDF5 path, and leaves no output at all; on_error skip converts the
# rest and lists every skipped episode with its reason in the report and the manifest.
import json
import os
import shutil

import h5py
import numpy as np

from e2e_common import done, ok, rc, tmpdir, write_spec

D = tmpdir()
raw = os.path.join(D, "raw")
code, _, err = rc("synth", raw, "--preset", "tiny", "--episodes", "4", "--seconds", "2", "--seed", "9")
ok(code == 0, "synth tiny dataset", err)
shards = sorted(os.listdir(raw))
bad_file = os.path.join(raw, shards[-1])
with h5py.File(bad_file, "r+") as f:
    ids = sorted(f["episodes"])
    bad_id = ids[0]
    t = f["episodes"][bad_id]["imu"]["t"]
    v = t[()]
    v[5] = v[4]  # a duplicate timestamp
    t[...] = v

for per_shard in (1, 3):
    spec = write_spec(os.path.join(D, "fail%d.yaml" % per_shard), input="raw", output="out-fail%d" % per_shard,
                      per_shard=per_shard)
    code, _, err = rc("run", spec, "--backend", "cpu", "--progress", "never")
    ok(code == 2, "on_error fail: exit 2 (shard_max_episodes %d)" % per_shard, err)
    ok(bad_file in err and bad_id in err and "/episodes/%s/imu/t" % bad_id in err,
       "the message names file, episode and HDF5 path", err)
    out = os.path.join(D, "out-fail%d" % per_shard)
    left = os.listdir(out) if os.path.isdir(out) else []
    ok(left == [], "nothing is left in the output folder, committed shards included", left)

spec = write_spec(os.path.join(D, "skip.yaml"), input="raw", output="out-skip", on_error="skip", per_shard=1)
code, _, err = rc("run", spec, "--backend", "cpu", "--report", os.path.join(D, "rep.json"), "--progress", "never")
ok(code == 0, "on_error skip: the run finishes", err)
man = json.load(open(os.path.join(D, "out-skip", "manifest.json")))
ok(len(man["episodes"]) == 3 and bad_id not in [e["id"] for e in man["episodes"]],
   "the other episodes are converted")
sk = man.get("skipped", [])
ok(len(sk) == 1 and sk[0]["episode"] == bad_id and "imu/t" in sk[0]["reason"] and sk[0]["source_file"] == bad_file,
   "the manifest lists the skipped episode with its reason", sk)
rep = json.load(open(os.path.join(D, "rep.json")))
ok(len(rep["skipped"]) == 1 and rep["skipped"][0]["episode"] == bad_id, "the report lists it too", rep.get("skipped"))
ok("skipped" in err and bad_id in err, "the end-of-run summary names it", err)

# A run whose streams do not overlap in time is bad data for that episode.
raw2 = os.path.join(D, "raw2")
shutil.copytree(raw, raw2)
os.remove(os.path.join(raw2, shards[-1]))
with h5py.File(os.path.join(raw2, shards[0]), "r+") as f:
    eid = sorted(f["episodes"])[0]
    t = f["episodes"][eid]["action"]["t"]
    t[...] = t[()] + np.int64(3_600_000_000_000) // {"ns": 1, "us": 1000, "ms": 1000000}.get(
        t.attrs["units"].decode() if isinstance(t.attrs["units"], bytes) else t.attrs["units"], 1)
spec = write_spec(os.path.join(D, "gap.yaml"), input="raw2", output="out-gap")
code, _, err = rc("run", spec, "--backend", "cpu", "--progress", "never")
ok(code == 2 and "do not overlap" in err and eid in err, "streams that do not overlap: exit 2, named", err)
done()
