#!/usr/bin/python3
"""run_corpus.py — the malformed-input category through the CLI (TAP).  make_corpus.py writes the
corpus and its table (cases.tsv); each case is run and checked for: the expected exit code, every
expected message fragment on stderr, no file created anywhere in the case folder (no shard, no
manifest, no temporary file) unless the case is expected to succeed, and a peak RSS under
RSS_BOUND_KB (the 2^40-row cases claim terabytes).  A control case converts a good file, and its
shard is then damaged for the `inspect` cases.  Last, the zstd plugin is checked in h5py against a
decompression bomb (a foreign program: no converter bound, only cd_values[1]).

With RC_CORPUS_MEMORY=BYTES set (tests/safety/budget_ulimit.sh), every run, scan and inspect gets
--memory BYTES (a case's own --memory, or its spec's limits.memory, still wins) and runs with RLIMIT_AS = BYTES + 10%: the
budget must keep every command inside that address space, so none may end by a signal."""
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

RC_BIN = os.environ["RC_BIN"]
HERE = os.path.dirname(os.path.abspath(__file__))
MAKE = os.path.join(HERE, "make_corpus.py")
RSS_BOUND_KB = 512 * 1024     # peak resident memory of one command (ASan builds included)
HANG_S = 120                  # a command still running after this is a hang (not a timing test)

# ASan aborts on an allocation over its own maximum instead of returning NULL as malloc does;
# the code under test handles NULL (out of memory, exit 3), so let ASan return NULL too.
os.environ["ASAN_OPTIONS"] = "allocator_may_return_null=1:" + os.environ.get("ASAN_OPTIONS", "")
MEMORY = int(os.environ.get("RC_CORPUS_MEMORY", "0"))


def limit_address_space():
    as_bytes = MEMORY + MEMORY // 10
    resource.setrlimit(resource.RLIMIT_AS, (as_bytes, as_bytes))

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import done, ok  # noqa: E402


def run(args, cwd):
    """Runs robocache-convert; returns (exit code or -signal, stderr text, peak RSS in KB, wall
    seconds)."""
    with open(os.path.join(cwd, ".stderr"), "w+b") as err, open(os.devnull, "wb") as out:
        start = time.monotonic()
        spec = os.path.join(cwd, "spec.yaml")
        own = os.path.isfile(spec) and "limits:" in open(spec, errors="replace").read()
        if MEMORY and args[0] in ("run", "scan", "inspect") and not own:
            args = args[:1] + ["--memory", str(MEMORY)] + args[1:]
        p = subprocess.Popen([RC_BIN] + args, stdout=out, stderr=err, cwd=cwd,
                             preexec_fn=limit_address_space if MEMORY else None)
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > HANG_S:
                os.kill(p.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(p.pid, 0)
                break
            time.sleep(0.02)
        p.returncode = 0  # reaped here; keep Popen from waiting again
        err.seek(0)
        text = err.read().decode(errors="replace")
    os.remove(os.path.join(cwd, ".stderr"))
    code = os.waitstatus_to_exitcode(status)
    return code, text, usage.ru_maxrss, time.monotonic() - start


def listing(d):
    return sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs)


def check_case(root, case, command, code, fragments, extra):
    d = os.path.join(root, case)
    args = [a.replace("{D}", d) for a in command.split(" ")]
    before = listing(d)
    got, err, rss, seconds = run(args, d)
    what = "%s: %s" % (case, " ".join(a.replace(d + "/", "") for a in args))
    ok(got >= 0, "%s: not ended by a signal" % what, "signal %d\n%s" % (-got, err))
    ok(got == int(code), "%s: exit %s" % (what, code), "got %d\n%s" % (got, err))
    missing = [f for f in (x.replace("{D}", d) for x in fragments.split("|")) if f not in err]
    ok(not missing, "%s: stderr names %s" % (case, fragments.replace("{D}/", "")),
       "missing: %s\n%s" % (missing, err))
    ok(rss < RSS_BOUND_KB, "%s: peak RSS %d MB < %d MB" % (case, rss // 1024, RSS_BOUND_KB // 1024))
    if extra.startswith("seconds<"):
        bound = float(extra.split("<")[1])
        ok(seconds < bound, "%s: %.2f s < %g s" % (case, seconds, bound))
    after = listing(d)
    if int(code) != 0:
        ok(after == before, "%s: no file left behind (shard, manifest, temporary)" % case,
           "new: %s" % sorted(set(after) - set(before)))
        return
    man = os.path.join(d, "out", "manifest.json")
    steps = json.load(open(man))["episodes"][0]["steps"] if os.path.exists(man) else None
    want = int(extra.split("=")[1]) if extra.startswith("steps=") else None
    ok(steps is not None and (want is None or steps == want),
       "%s: the episode is converted (%s)" % (case, extra), "manifest steps %s" % steps)


# The plugin in a foreign HDF5 program (h5py through HDF5_PLUGIN_PATH) reading a bomb chunk.
BOMB_READER = """
import sys, h5py
try:
    h5py.File(sys.argv[1], "r")["d"][()]
except OSError as e:
    print("refused:", e)
    sys.exit(0)
sys.exit("read a bomb")
"""


def plugin_checks(root):
    """A dataset written through the plugin records its chunk size in cd_values[1] and reads back;
    a chunk forged into a zstd bomb fails the read in h5py, whose memory does not grow."""
    sys.path.insert(0, HERE)
    import h5py
    import numpy as np
    import make_hostile
    data = np.arange(64 * 7, dtype=np.float32).reshape(64, 7)
    for name, content_size in (("sized", True), ("streamed", False)):
        path = os.path.join(root, "plugin-%s.h5" % name)
        with h5py.File(path, "w") as f:
            d = f.create_dataset("d", data=data, chunks=(16, 7), compression=32015, compression_opts=(5,))
            cd = d.id.get_create_plist().get_filter_by_id(32015)[1]
        ok(tuple(cd) == (5, 16 * 7 * 4), "plugin %s: cd_values = [level, chunk bytes]" % name, "got %s" % (cd,))
        with h5py.File(path, "r") as f:
            ok(np.array_equal(f["d"][()], data), "plugin %s: the dataset reads back in h5py" % name)
        with h5py.File(path, "r+") as f:
            f["d"].id.write_direct_chunk((16, 0), make_hostile.zstd_bomb(content_size))
        p = subprocess.Popen([sys.executable, "-c", BOMB_READER, path], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        out = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode, rss = os.waitstatus_to_exitcode(status), usage.ru_maxrss
        ok(p.returncode == 0 and "refused" in out, "plugin %s: h5py fails the read of a bomb chunk" % name, out)
        ok(rss < RSS_BOUND_KB, "plugin %s: peak RSS %d MB < %d MB" % (name, rss // 1024, RSS_BOUND_KB // 1024))


def load(tsv):
    with open(tsv) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def main():
    root = tempfile.mkdtemp(prefix="rc-malformed-")
    try:
        subprocess.run([sys.executable, MAKE, "input", root], check=True)
        rows = load(os.path.join(root, "cases.tsv"))
        for row in rows:
            check_case(root, *row)
        shard = os.path.join(root, "control_good", "out", "shard-00000.h5")
        if not os.path.exists(shard):
            ok(False, "the control case wrote a shard to damage for the inspect cases")
        else:
            shard_root = os.path.join(root, "shards")
            subprocess.run([sys.executable, MAKE, "shard", shard, shard_root], check=True)
            for row in load(os.path.join(shard_root, "cases.tsv")):
                check_case(shard_root, *row)
        plugin_checks(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    done()


main()
