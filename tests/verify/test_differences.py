# test_differences.py — verify finds every kind of difference in edited copies of one output and
# names it: float values off by a known number of ULPs (float32, float16, bfloat16: the edit adds
# k to the bits, so the distance is known without our code), NaN, integers, dtype, shape, extra and
# missing datasets and episodes, steps and split; tolerances; the 20-line cap per dataset.
import os
import re

import numpy as np

from verify_common import (copy_output, done, h5py, make_output, manifest, ok, replace_dataset,
                           shard_of, scratch, verify, write_manifest)

base = scratch()
golden = make_output(base)
EP = manifest(golden)["episodes"][1]["id"]


def edited(name, edit):
    """A copy of the golden output with edit(h5py episode group) applied to episode EP."""
    out = copy_output(golden, os.path.join(base, name))
    with h5py.File(shard_of(out, EP), "r+") as f:
        edit(f["episodes/" + EP])
    return out


def add_to_bits(ds, flat, k, view):
    """Adds k to the bits of element flat of ds (read as the unsigned type view)."""
    a = ds[()]
    bits = a.view(view).reshape(-1)
    bits[flat] = bits[flat] + k
    ds[...] = bits.view(a.dtype).reshape(a.shape)


code, out, err = verify(copy_output(golden, os.path.join(base, "same")), golden)
ok(code == 0 and out.startswith("verify: equal: 3 episodes"), "an unchanged copy is equal (exit 0)", out + err)
code, out, err = verify(golden, golden)
ok(code == 0, "an output is equal to itself", out + err)

# float32: +3 in the bits of element 9 = [1, 1] of observation/data (11 columns)
o = edited("f32", lambda g: add_to_bits(g["observation/data"], 12, 3, np.uint32))
code, out, err = verify(o, golden)
ok(code == 5, "float32 edit: exit 5", out + err)
ok(re.search(r"^episode %s: observation/data: 1 of \d+ float32 elements differ \(tolerance 0 ulp\), first at "
             r"flat index 12 \[1, 1\], largest distance 3 ulp$" % EP, out, re.M),
   "float32 edit: summary line names episode, dataset, index and 3 ulp", out)
ok(re.search(r"^episode %s: observation/data\[12\] \[1, 1\]: output \S+ \(0x[0-9a-f]{8}\), golden \S+ "
             r"\(0x[0-9a-f]{8}\), 3 ulp$" % EP, out, re.M), "float32 edit: the element line gives both values", out)
ok(re.search(r"^verify: DIFFERENT: 1 difference in 1 of 3 episodes", out, re.M), "float32 edit: summary line", out)
code, out, err = verify(o, golden, "--tolerance", "3")
ok(code == 0, "float32 edit: equal within --tolerance 3", out + err)
code, out, err = verify(o, golden, "--tolerance", "2")
ok(code == 5, "float32 edit: different at --tolerance 2", out + err)

o = edited("f16", lambda g: add_to_bits(g["action_half/data"], 0, 1, np.uint16))
code, out, err = verify(o, golden)
ok(code == 5 and re.search(r"action_half/data: 1 of \d+ float16 elements differ .* largest distance 1 ulp", out),
   "float16 edit of 1 half ulp: exit 5, 1 ulp", out + err)
ok(verify(o, golden, "--tolerance", "1")[0] == 0, "float16 edit: equal within 1 ulp")

o = edited("bf16", lambda g: add_to_bits(g["action_bf16/data"], 5, 2, np.uint16))
code, out, err = verify(o, golden)
ok(code == 5 and re.search(r"action_bf16/data: 1 of \d+ bfloat16 elements differ .* flat index 5 \[0, 5\], "
                           r"largest distance 2 ulp", out),
   "bfloat16 edit of 2 bfloat16 ulp: exit 5, measured as bfloat16", out + err)
ok(verify(o, golden, "--tolerance", "2")[0] == 0 and verify(o, golden, "--tolerance", "1")[0] == 5,
   "bfloat16 edit: equal at tolerance 2, not at 1")


def set_nan(ds, flat, bits):
    a = ds[()]
    v = a.reshape(-1).view(np.uint32)
    v[flat] = bits
    ds[...] = a


o1 = edited("nan1", lambda g: set_nan(g["observation/data"], 4, 0x7fc00000))
o2 = edited("nan2", lambda g: set_nan(g["observation/data"], 4, 0x7fc00123))
ok(verify(o1, o2)[0] == 0, "NaN equals NaN (different payloads)")
code, out, err = verify(o1, golden, "--tolerance", "1000000")
ok(code == 5 and "one is NaN" in out, "NaN against a number differs at any tolerance", out + err)


def bump_valid(g):
    a = g["observation/valid"][()]
    a[0] = 1 - a[0]
    g["observation/valid"][...] = a


o = edited("u8", bump_valid)
code, out, err = verify(o, golden, "--tolerance", "5")
ok(code == 5 and re.search(r"observation/valid: 1 of \d+ uint8 elements differ, first at flat index 0 \[0\]", out)
   and re.search(r"observation/valid\[0\] \[0\]: output [01], golden [01]$", out, re.M),
   "uint8 edit: integers compare exactly whatever the tolerance", out + err)


def shift_t(g):
    a = g["grid/t"][()]
    a[-1] += 1
    g["grid/t"][...] = a


o = edited("i64", shift_t)
code, out, err = verify(o, golden)
ok(code == 5 and re.search(r"grid/t\[\d+\] \[\d+\]: output (\d+), golden (\d+)$", out, re.M),
   "int64 edit found", out + err)
m = re.search(r"grid/t\[\d+\] \[\d+\]: output (\d+), golden (\d+)$", out, re.M)
ok(m and int(m.group(1)) == int(m.group(2)) + 1, "int64 edit: both values printed exactly", out)

o = edited("dtype", lambda g: replace_dataset(g, "observation/valid", g["observation/valid"][()].astype(np.uint32)))
code, out, err = verify(o, golden)
ok(code == 5 and "observation/valid: dtype: output uint32, golden uint8" in out, "dtype change named", out + err)

with h5py.File(shard_of(golden, EP), "r") as f:
    obs_shape = f["episodes/%s/observation/data" % EP].shape
o = edited("shape", lambda g: replace_dataset(g, "observation/data", g["observation/data"][1:]))
code, out, err = verify(o, golden)
want = "observation/data: shape: output [%d, %d], golden [%d, %d]" % (obs_shape[0] - 1, obs_shape[1], *obs_shape)
ok(code == 5 and want in out, "shape change named: " + want, out + err)

o = edited("extra_ds", lambda g: g.create_dataset("observation/extra", data=np.zeros(3, np.int32)))
code, out, err = verify(o, golden)
ok(code == 5 and "observation/extra: extra dataset: output has it, golden does not" in out, "extra dataset", out + err)


def drop(path):
    return lambda g: g.__delitem__(path)


o = edited("missing_ds", drop("action_half/t"))
code, out, err = verify(o, golden)
ok(code == 5 and "episode %s: action_half/t: missing dataset: golden has it, output does not" % EP in out,
   "missing dataset", out + err)


def set_steps(g):
    g.attrs["steps"] = np.int64(g.attrs["steps"] + 1)


o = edited("steps", set_steps)
code, out, err = verify(o, golden)
ok(code == 5 and re.search(r"episode %s: steps: output (\d+), golden \d+" % EP, out), "steps attribute compared", out)

# Provenance is not content: changing it keeps the outputs equal.
def provenance(g):
    g.attrs["source_file"] = np.bytes_(b"elsewhere/raw-99999.h5")
    root = g.file
    root.attrs["tool_version"] = np.bytes_(b"9.9.9")
    root.attrs["backend"] = np.bytes_(b"cuda (Imaginary GPU (sm_99))")
    root.attrs["created_from"] = np.bytes_(b"0" * 64)


o = edited("provenance", provenance)
code, out, err = verify(o, golden)
ok(code == 0, "tool_version, backend, created_from and source_file are not compared", out + err)

# Episodes: missing (deleted from shard and manifest), extra, listed but absent, split.
o = copy_output(golden, os.path.join(base, "missing_ep"))
with h5py.File(shard_of(o, EP), "r+") as f:
    del f["episodes/" + EP]
m = manifest(o)
m["episodes"] = [e for e in m["episodes"] if e["id"] != EP]
write_manifest(o, m)
code, out, err = verify(o, golden)
ok(code == 5 and "episode %s: missing: golden has it, output does not" % EP in out, "missing episode", out + err)
code, out, err = verify(golden, o)
ok(code == 5 and "episode %s: extra: output has it, golden does not" % EP in out, "extra episode", out + err)

o = copy_output(golden, os.path.join(base, "absent_ep"))
with h5py.File(shard_of(o, EP), "r+") as f:
    del f["episodes/" + EP]
code, out, err = verify(o, golden)
ok(code == 5 and "episode %s: output: listed in manifest.json in" % EP in out and "does not hold it" in out,
   "an episode the manifest lists but its shard lacks", out + err)

o = copy_output(golden, os.path.join(base, "split"))
m = manifest(o)
for e in m["episodes"]:
    if e["id"] == EP:
        e["split"] = "val" if e["split"] == "train" else "train"
write_manifest(o, m)
code, out, err = verify(o, golden)
ok(code == 5 and re.search(r"episode %s: split: output \w+, golden \w+" % EP, out), "split compared", out + err)

# Many differing elements: 20 listed, the rest counted.
def bump_all(g):
    a = g["observation/data"][()]
    g["observation/data"][...] = a + np.float32(1)


o = edited("many", bump_all)
code, out, err = verify(o, golden)
n = obs_shape[0] * obs_shape[1]
elem_lines = [ln for ln in out.splitlines() if ln.startswith("episode %s: observation/data[" % EP)]
ok(code == 5 and len(elem_lines) == 20, "20 differing elements listed per dataset (%d)" % len(elem_lines), out)
ok("observation/data: %d more differing elements not listed" % (n - 20) in out, "the rest counted", out)
done()
