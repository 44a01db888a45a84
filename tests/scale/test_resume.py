# test_resume.py — `run --resume` after SIGKILL: a run of many one-episode shards is killed at
# three points (each resume continuing the last), then resumed to the end; every shard and the
# manifest must be byte-identical to an uninterrupted run's.  Also: a damaged shard and the
# shards after it are redone, leftover temporary files are removed, a sharded task resumes to the
# same task manifest and state, and resuming a finished run converts nothing again.
import os
import shutil
import signal
import subprocess
import sys
import time

import h5py

sys.path.insert(0, os.path.join(os.environ["RC_SRCDIR"], "tests", "e2e"))
from e2e_common import done, ok, rc, tmpdir  # noqa: E402

SPEC = """version: 1
input: {dir: raw, pattern: "*.h5", layout: robocache-raw}
output: {dir: full, shard_max_episodes: 1, split: {val_fraction: 0.3, seed: 5}}
timeline: {rate_hz: 50, span: intersection}
stages:
  - fuse:
      name: observation
      max_gap_ms: 120
      streams:
        - {name: joint_pos, method: linear}
        - {name: gripper, method: previous}
  - resample: {name: action, stream: action, method: linear, dtype: bfloat16}
stats: true
"""

D = tmpdir()
code, _, err = rc("synth", os.path.join(D, "raw"), "--preset", "tiny", "--episodes", "40", "--seconds", "1",
                  "--seed", "12")
ok(code == 0, "synth 60 episodes", err)
spec = os.path.join(D, "spec.yaml")
with open(spec, "w") as f:
    f.write(SPEC)


def cmd(out, *extra):
    return [os.environ["RC_BIN"], "run", spec, "--output", out, "--progress", "never", "--threads", "1"] + list(extra)


def shards(d):
    return sorted(n for n in os.listdir(d) if n.startswith("shard-") and n.endswith(".h5")) if os.path.isdir(d) else []


def same_files(a, b):
    na = sorted(n for n in os.listdir(a))
    nb = sorted(n for n in os.listdir(b))
    if na != nb:
        return False, "files differ: %s vs %s" % (na, nb)
    for n in na:
        if open(os.path.join(a, n), "rb").read() != open(os.path.join(b, n), "rb").read():
            return False, "%s differs" % n
    return True, ""


def kill_after(out, n_shards, *extra):
    """Starts a run and SIGKILLs it once out holds n_shards shards; returns its exit status.  No
    race with the run (1 ms a shard): the fault shim holds it right after it has created the
    temporary file of shard n_shards (one episode a shard; the run's other temporary files come
    at its end), the kept shards and the ones before all committed."""
    kept = len(shards(os.path.join(D, out)))
    mark = os.path.join(D, "held.%s.%d" % (out, n_shards))
    env = dict(os.environ, LD_PRELOAD=os.path.join(os.environ["RC_BUILDDIR"], "tests", "safety", "fault_shim.so"),
               RC_SHIM_PAUSE_AT_TMP=str(n_shards - kept + 1), RC_SHIM_MARK=mark,
               ASAN_OPTIONS="verify_asan_link_order=0:" + os.environ.get("ASAN_OPTIONS", ""))
    p = subprocess.Popen(cmd(out, *extra), cwd=D, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + 120
    while p.poll() is None and not os.path.exists(mark) and time.time() < deadline:
        time.sleep(0.01)
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
    return p.wait()


def run(out, *extra):
    p = subprocess.run(cmd(out, *extra), cwd=D, capture_output=True, text=True)
    return p.returncode, p.stderr


code, err = run("full")
ok(code == 0 and len(shards(os.path.join(D, "full"))) == 40, "uninterrupted run: 40 shards", err)

points = [3, 12, 24]
status = [kill_after("killed", points[0])]
status += [kill_after("killed", k, "--resume") for k in points[1:]]
ok(status == [-signal.SIGKILL] * 3, "three runs killed by SIGKILL, at 3, 12 and 24 shards", status)
left = len(shards(os.path.join(D, "killed")))
ok(not os.path.exists(os.path.join(D, "killed", "manifest.json")) and left == 24,
   "a killed run leaves complete shards and no manifest (%d shards)" % left)
code, err = run("killed", "--resume")
ok(code == 0 and "complete shard(s) kept" in err, "the last resume finishes", err)
same, why = same_files(os.path.join(D, "full"), os.path.join(D, "killed"))
ok(same, "killed three times and resumed: every shard and the manifest byte-identical to the uninterrupted run",
   why)

# Damage: flipped bytes in a compressed chunk of shard 20, and a leftover temporary file.
dmg = os.path.join(D, "damaged")
shutil.copytree(os.path.join(D, "full"), dmg)
os.unlink(os.path.join(dmg, "manifest.json"))
p = os.path.join(dmg, "shard-00020.h5")
with h5py.File(p, "r") as f:
    ep = list(f["episodes"])[0]
    info = f["episodes"][ep]["observation"]["data"].id.get_chunk_info(0)
b = bytearray(open(p, "rb").read())
for i in range(info.byte_offset + info.size // 2, info.byte_offset + info.size // 2 + 16):
    b[i] ^= 0x5a
open(p, "wb").write(bytes(b))
open(os.path.join(dmg, "shard-00031.h5.tmp.99999"), "wb").write(b"partial")
code, err = run("damaged", "--resume")
ok(code == 0 and "shard-00020.h5 is not kept" in err and "20 complete shard(s) kept" in err,
   "a damaged shard is found by the content check and it and the shards after it are redone", err)
same, why = same_files(os.path.join(D, "full"), dmg)
ok(same, "after the damage and resume: identical to the uninterrupted run, no temporary file left", why)

# Resuming a finished run converts nothing again and changes nothing.
code, err = run("damaged", "--resume")
same, why = same_files(os.path.join(D, "full"), dmg)
ok(code == 0 and "40 complete shard(s) kept, 40 episode(s)" in err and same,
   "resuming a finished run keeps everything and rewrites the same manifest", err + why)

# Without --resume an earlier attempt is refused as before.
code, err = run("damaged")
ok(code == 1 and "use --force" in err, "without --resume or --force an earlier conversion is refused", err)

# A sharded task killed and resumed ends like the same task uninterrupted.
code, err = run("task", "--shard", "1/2")
ok(code == 0, "task 1 of 2 uninterrupted", err)
st = kill_after("task-killed", 8, "--shard", "1/2")
code, err = run("task-killed", "--shard", "1/2", "--resume")
same, why = same_files(os.path.join(D, "task"), os.path.join(D, "task-killed"))
ok(st == -signal.SIGKILL and code == 0 and same,
   "task 1 of 2 killed and resumed: its shards, task manifest and state equal the uninterrupted task's", err + why)
done()
