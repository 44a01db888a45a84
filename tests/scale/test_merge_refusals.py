# test_merge_refusals.py — merge-manifests refuses an incomplete or inconsistent sharded run
# (exit 3, naming what is wrong, no manifest.json written): a missing task, an episode given to
# two tasks or listed by the wrong one, a missing episode, altered statistics state, another spec,
# a missing shard, malformed JSON; bad usage is exit 1.
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.environ["RC_SRCDIR"], "tests", "e2e"))
from e2e_common import done, ok, rc, tmpdir  # noqa: E402

SPEC = """version: 1
input: {dir: raw, pattern: "*.h5", layout: robocache-raw}
output: {dir: out, shard_max_episodes: 1}
timeline: {rate_hz: 20, span: intersection}
stages:
  - resample: {name: action, stream: action, method: linear}
stats: true
"""

D = tmpdir()
code, _, err = rc("synth", os.path.join(D, "raw"), "--preset", "tiny", "--episodes", "5", "--seconds", "1", "--seed", "4")
ok(code == 0, "synth 5 episodes", err)
spec = os.path.join(D, "spec.yaml")
with open(spec, "w") as f:
    f.write(SPEC)
base = os.path.join(D, "out")
ok(all(rc("run", spec, "--shard", "%d/3" % i, "--progress", "never")[0] == 0 for i in range(3)), "3 tasks run")


def manifest(d, i):
    return os.path.join(d, "manifest-t%04d-of-0003.json" % i)


def load(d, i):
    with open(manifest(d, i)) as f:
        return json.load(f)


def save(d, i, m):
    with open(manifest(d, i), "w") as f:
        json.dump(m, f, indent=2)


def case(name, damage, code_want, text):
    d = os.path.join(D, name)
    shutil.copytree(base, d)
    damage(d)
    code, _, err = rc("merge-manifests", d)
    ok(code == code_want and text in err and not os.path.exists(os.path.join(d, "manifest.json")),
       "%s: exit %d, '%s'" % (name, code_want, text), err)


tasks = [load(base, i) for i in range(3)]
t2_ep = tasks[2]["episodes"][0]


def drop_task(d):
    os.unlink(manifest(d, 1))


def steal_episode(d):  # task 0 also lists an episode that the plan gave to task 2
    m = load(d, 0)
    m["episodes"].append(t2_ep)
    save(d, 0, m)


def double_assign(d):  # task 0 claims task 2's part too: the plan is no partition
    m = load(d, 0)
    m["task"]["assigned"].append([t2_ep["source_file"], t2_ep["id"]])
    m["episodes"].append(t2_ep)
    save(d, 0, m)


def lose_episode(d):
    m = load(d, 1)
    m["episodes"].pop()
    save(d, 1, m)


def alter_state(d):
    p = os.path.join(d, tasks[0]["task"]["stats_state"])
    b = bytearray(open(p, "rb").read())
    b[-1] ^= 1
    open(p, "wb").write(bytes(b))


def other_spec(d):
    m = load(d, 2)
    m["spec_sha256"] = "0" * 64
    save(d, 2, m)


def lose_shard(d):
    os.unlink(os.path.join(d, tasks[1]["shards"][0]["name"]))


def bad_split(d):
    m = load(d, 0)
    m["episodes"][0]["split"] = "both"
    save(d, 0, m)


def break_json(d):
    with open(manifest(d, 2), "a") as f:
        f.write("\n,")


case("missing-task", drop_task, 3, "task 1 of 3 is missing: manifest-t0001-of-0003.json not found")
case("stolen-episode", steal_episode, 3, "task 0 lists episode %s of %s, which the plan gave to task 2" %
     (t2_ep["id"], t2_ep["source_file"]))
case("double-assigned", double_assign, 3, "episode %s of %s is assigned to tasks 0 and 2" %
     (t2_ep["id"], t2_ep["source_file"]))
case("lost-episode", lose_episode, 3, "(task 1) is missing: neither converted nor skipped")
case("altered-state", alter_state, 3, "expected sha256")
case("other-spec", other_spec, 3, "expected spec_sha256")
case("lost-shard", lose_shard, 3, "task 1's shard %s is missing" % tasks[1]["shards"][0]["name"])
case("bad-split", bad_split, 3, "expected split train or val, found 'both'")
case("broken-json", break_json, 3, "expected the end of the text after the value")
empty = os.path.join(D, "empty")
os.mkdir(empty)
code, _, err = rc("merge-manifests", empty)
ok(code == 3 and "found none" in err, "a folder without task manifests: exit 3", err)
code, _, err = rc("merge-manifests")
ok(code == 1 and "missing OUTPUT_DIR" in err, "no OUTPUT_DIR: exit 1", err)
code, _, err = rc("merge-manifests", base)
ok(code == 0 and os.path.exists(os.path.join(base, "manifest.json")), "the undamaged run merges", err)
done()
