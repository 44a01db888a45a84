# determinism.py — the streaming run's output bytes do not depend on thread timing, the number
# of compression workers (--threads), of buffers in flight (--buffers) or of reader processes
# (--readers 1, 4, 16, 2, one per core by default, and 0: read in the run's own process): every
# configuration gives byte-identical shards and manifest, with a bad episode skipped in the middle
# of the run, and with on_error: fail every configuration stops on the same (first in run order)
# episode.
import filecmp
import os
import sys

sys.path.insert(0, os.path.join(os.environ["RC_SRCDIR"], "tests", "e2e"))
import h5py  # noqa: E402

from e2e_common import done, ok, rc, tmpdir, write_spec  # noqa: E402

D = tmpdir()
raw = os.path.join(D, "raw")
code, _, err = rc("synth", raw, "--preset", "tiny", "--episodes", "7", "--seconds", "2", "--seed", "21")
ok(code == 0, "synth tiny dataset (7 episodes)", err)
files = sorted(os.listdir(raw))
ok(len(files) >= 3, "several input files", files)


def break_episode(path, which):
    """Gives one episode a duplicate imu timestamp; returns its id."""
    with h5py.File(path, "r+") as f:
        eid = sorted(f["episodes"])[which]
        t = f["episodes"][eid]["imu"]["t"]
        v = t[()]
        v[3] = v[2]
        t[...] = v
    return eid


bad_mid = break_episode(os.path.join(raw, files[1]), 0)
# (--threads, --buffers, --readers); "" = the default
CONFIGS = [("1", "2", "1"), ("4", "2", "4"), ("3", "4", "16"), ("2", "7", "2"), ("2", "4", ""), ("2", "4", "0")]


def run_all(spec_kw, tag):
    outs = []
    spec = write_spec(os.path.join(D, tag + ".yaml"), input="raw", output="unused", **spec_kw)
    for threads, buffers, readers in CONFIGS:
        out = os.path.join(D, "%s-t%s-b%s-r%s" % (tag, threads, buffers, readers or "default"))
        code, _, err = rc("run", spec, "--backend", "cpu", "--output", out, "--threads", threads,
                          "--buffers", buffers, "--progress", "never", *(["--readers", readers] if readers else []))
        ok(code == 0, "%s: --threads %s --buffers %s --readers %s runs" % (tag, threads, buffers, readers or "default"),
           err)
        outs.append(out)
    names = sorted(os.listdir(outs[0]))
    ok(len([n for n in names if n.startswith("shard-")]) >= 2 and "manifest.json" in names,
       "%s: several shards and a manifest" % tag, names)
    for out in outs[1:]:
        same = sorted(os.listdir(out)) == names and all(
            filecmp.cmp(os.path.join(outs[0], n), os.path.join(out, n), shallow=False) for n in names)
        ok(same, "%s: %s gives the same bytes as %s" % (tag, os.path.basename(out), os.path.basename(outs[0])))
    return outs[0]


first = run_all(dict(on_error="skip", per_shard=2, mode="points", layout="dense"), "skip-points")
man = open(os.path.join(first, "manifest.json")).read()
ok(bad_mid in man and man.count('"content_sha256"') == 6, "the bad episode is skipped, the 6 others written")
run_all(dict(on_error="skip", per_shard=3, dtype="float16", mode="mean", layout="dense", span="union"), "f16-mean")
run_all(dict(on_error="skip", per_shard=1, dtype="bfloat16", mode="count", layout="sparse"), "bf16-count")

# on_error fail: a second bad episode later in the run; the first in run order stops it
bad_late = break_episode(os.path.join(raw, files[-1]), 0)
spec = write_spec(os.path.join(D, "fail.yaml"), input="raw", output="unused", on_error="fail")
for threads, buffers, readers in CONFIGS:
    out = os.path.join(D, "fail-t%s-b%s-r%s" % (threads, buffers, readers or "default"))
    code, _, err = rc("run", spec, "--backend", "cpu", "--output", out, "--threads", threads, "--buffers", buffers,
                      "--progress", "never", *(["--readers", readers] if readers else []))
    left = os.listdir(out) if os.path.isdir(out) else []
    ok(code == 2 and bad_mid in err and bad_late not in err and left == [],
       "fail with --threads %s --buffers %s --readers %s: exit 2 on the first bad episode, nothing left"
       % (threads, buffers, readers or "default"),
       err + str(left))
done()
