#!/bin/sh
# test_slurm.sh — pipelines/convert.sbatch on a real single-node Slurm (Debian slurm-wlm + munge):
# starts munged, slurmctld and slurmd with a generated slurm.conf and state in a temporary folder
# (no systemd), submits the example as a 4-task array with `sbatch --wait` and the dependent
# merge, then checks the merged output equals a single-task run; a run called straight from the
# batch script of a 2-task job converts everything (same episodes in order, same
# content digests, same statistics) and that every task took its index from Slurm.  Then two
# conversions stopped by Slurm itself, `scancel --batch --signal=TERM` and a 1-minute time limit
# (held at their second shard by the fault shim of tests/safety, so the stop always lands while
# they write): each keeps its complete shards with a manifest marked incomplete, and a
# resubmission with --resume gives output verify-equal to the single run.  The daemons
# are stopped by the PIDs this test started.  Needs root (slurmd runs the jobs' processes) and
# the packages of scripts/deps.sh: without them the test FAILS, saying what is missing.
. "$RC_SRCDIR/tests/lib.sh"
[ -n "$TMP" ] && [ -d "$TMP" ] || { echo "Bail out! no temporary folder (run through make check)"; exit 1; }

missing=""
for b in munged slurmctld slurmd sbatch scontrol sinfo; do
    command -v "$b" >/dev/null 2>&1 || missing="$missing $b"
done
if [ -n "$missing" ]; then
    tap_result 1 "Slurm and munge are installed (missing:$missing; install Debian slurm-wlm and munge, scripts/deps.sh)"
    tap_done
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    tap_result 1 "runs as root (slurmd must start the jobs' processes; CI runs this test as root)"
    tap_done
    exit 1
fi

S="$TMP/slurm"
mkdir -p "$S/state" "$S/spool" "$S/munge" "$S/work"
chmod 700 "$S/munge"
pids=""
stop_daemons() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    for p in $pids; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$p" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap stop_daemons EXIT

# munge: a fresh key and socket in the temporary folder.
dd if=/dev/urandom of="$S/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$S/munge/munge.key"
munged --foreground --force --key-file="$S/munge/munge.key" --socket="$S/munge/munge.socket" \
    --pid-file="$S/munge/munged.pid" --log-file="$S/munge/munged.log" --seed-file="$S/munge/munged.seed" \
    >"$S/munge/stdout" 2>&1 &
pids="$pids $!"

# Free TCP ports for this run, so parallel test runs do not collide.
ports=$("$PYTHON3" -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
ctld_port=${ports% *}
slurmd_port=${ports#* }
host=$(hostname -s)
cat >"$S/slurm.conf" <<EOF
ClusterName=rctest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$S/munge/munge.socket
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
KillWait=30
NodeName=rcnode NodeHostname=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=rctest Nodes=rcnode Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$S/slurm.conf"

i=0
while [ ! -S "$S/munge/munge.socket" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
slurmctld -D -i -f "$SLURM_CONF" >"$S/slurmctld.stdout" 2>&1 &
pids="$pids $!"
slurmd -D -N rcnode -f "$SLURM_CONF" >"$S/slurmd.stdout" 2>&1 &
pids="$pids $!"
i=0
state=""
while [ $i -lt 600 ]; do
    state=$(sinfo -h -n rcnode -o %T 2>/dev/null)
    [ "$state" = "idle" ] && break
    sleep 0.1
    i=$((i + 1))
done
tap_result "$([ "$state" = "idle" ]; echo $?)" "munged, slurmctld and slurmd started from a generated slurm.conf; node idle"
if [ "$state" != "idle" ]; then
    diag "node state: '$state'"
    diag "$(tail -n 15 "$S/slurmctld.log" "$S/slurmd.log" "$S/slurmd.stdout" "$S/munge/munged.log" 2>&1)"
    tap_done
    exit 1
fi

# The example: synthetic episodes, a spec with an absolute output folder.
W="$S/work"
check "synth 10 episodes" "$RC_BIN" synth "$W/raw" --preset tiny --episodes 10 --seconds 2 --seed 21
cat >"$W/spec.yaml" <<EOF
version: 1
input: {dir: $W/raw, pattern: "*.h5", layout: robocache-raw}
output: {dir: $W/single, shard_max_episodes: 2, split: {val_fraction: 0.3, seed: 3}}
timeline: {rate_hz: 50, span: intersection}
stages:
  - fuse:
      name: observation
      max_gap_ms: 120
      streams:
        - {name: joint_pos, method: linear}
        - {name: gripper, method: previous}
  - resample: {name: action, stream: action, method: linear}
stats: true
EOF
check "single-task run" "$RC_BIN" run "$W/spec.yaml" --progress never

export RC_BIN
(cd "$W" && timeout 300 "$RC_SRCDIR/pipelines/convert.sbatch" --submit --wait "$W/spec.yaml" "$W/out" 4) \
    >"$TMP/submit.out" 2>&1
r=$?
tap_result $r "convert.sbatch --submit --wait: a 4-task array, then the merge after it (afterok)"
[ $r -eq 0 ] || { diag "$(cat "$TMP/submit.out")"; diag "$(cat "$W"/robocache-*.out 2>/dev/null | tail -n 20)"; }
n_logs=$(ls "$W" | grep -c '^robocache-.*_[0-3]\.out$')
tap_result "$([ "$n_logs" -eq 4 ] && [ -f "$W/out/manifest.json" ]; echo $?)" \
    "4 array task logs and a merged manifest.json"

"$PYTHON3" - "$W/single/manifest.json" "$W/out" >"$TMP/cmp.out" 2>&1 <<'EOF'
import json, sys
one = json.load(open(sys.argv[1]))
out = sys.argv[2]
merged = json.load(open(out + "/manifest.json"))
tasks = [json.load(open(out + "/manifest-t%04d-of-0004.json" % i)) for i in range(4)]
key = lambda m: [(e["id"], e["split"], e["steps"], e["content_sha256"], e["source_file"]) for e in m["episodes"]]
bad = []
if key(merged) != key(one): bad.append("episodes differ")
if merged["stats"] != one["stats"]: bad.append("stats differ")
if len(one["episodes"]) != 10: bad.append("expected 10 episodes")
if [t["task"]["source"] for t in tasks] != ["SLURM_ARRAY_TASK_ID"] * 4: bad.append("task index not from Slurm")
if sum(len(t["episodes"]) for t in tasks) != 10 or min(len(t["episodes"]) for t in tasks) == 0:
    bad.append("episodes per task: %s" % [len(t["episodes"]) for t in tasks])
print("; ".join(bad))
sys.exit(1 if bad else 0)
EOF
r=$?
tap_result $r "4 Slurm tasks + merge = one task: same episodes in order, digests, splits and statistics; each task had episodes"
[ $r -eq 0 ] || diag "$(cat "$TMP/cmp.out")"

# Called straight from the batch script of a 2-task job, outside srun: Slurm sets SLURM_PROCID=0 and
# SLURM_NTASKS=2 there, and the run must still be one process converting every episode.
sbatch --parsable --wait --ntasks=2 --job-name=rc-batch2 --output="$W/batch2.log" --chdir="$W" \
    --wrap "exec '$RC_BIN' run '$W/spec.yaml' --output '$W/batch2' --progress never" >/dev/null 2>&1
r=$?
[ $r -eq 0 ] && [ -f "$W/batch2/manifest.json" ]
r=$?
tap_result $r "sbatch --ntasks=2, the tool in the batch script itself: an ordinary run writing manifest.json"
[ $r -eq 0 ] || diag "$(tail -n 5 "$W/batch2.log")"
check "that run is verify-equal to the single run (all episodes, not a half)" "$RC_BIN" verify "$W/batch2" "$W/single"

# Stopped by Slurm: scancel --signal=TERM, and the time limit (SIGTERM, then SIGKILL after
# KillWait); submitted without --ntasks, as most batch jobs are.  Both jobs are held by the fault shim at their second temporary shard (preloaded:
# a sanitizer build must be told that its runtime need not come first).
SHIM="$RC_BUILDDIR/tests/safety/fault_shim.so"
held_job() { # NAME SBATCH_OPTION...: submits a held conversion into $W/NAME; prints the job id
    name=$1
    shift
    sbatch --parsable "$@" --job-name="rc-$name" --output="$W/$name.log" --chdir="$W" \
        --wrap "ASAN_OPTIONS=verify_asan_link_order=0 RC_SHIM_PAUSE_AT_TMP=2 RC_SHIM_MARK='$W/$name.mark' LD_PRELOAD='$SHIM' exec '$RC_BIN' run '$W/spec.yaml' --output '$W/$name' --progress never"
}
job_gone() { # JOBID: waits up to 200 s for the job to leave the queue
    i=0
    while [ -n "$(squeue -h -j "$1" 2>/dev/null)" ] && [ $i -lt 2000 ]; do sleep 0.1; i=$((i + 1)); done
    [ -z "$(squeue -h -j "$1" 2>/dev/null)" ]
}
wait_mark() { # FILE: up to 120 s
    i=0
    while [ ! -e "$1" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
    [ -e "$1" ]
}
limit_job=$(held_job limit --time=1)
cancel_job=$(held_job cancel)
wait_mark "$W/cancel.mark" && wait_mark "$W/limit.mark"
tap_result $? "two conversions run under Slurm, held while writing their second shard"
scancel --batch --signal=TERM "$cancel_job"
job_gone "$cancel_job"
tap_result $? "scancel --batch --signal=TERM ends the first job"
job_gone "$limit_job"
tap_result $? "the 1-minute time limit ends the second job"
for name in cancel limit; do
    grep -q "stopped by SIGTERM" "$W/$name.log" &&
        "$PYTHON3" -c 'import json,sys; m=json.load(open(sys.argv[1])); sys.exit(m.get("complete") is not False or [s["name"] for s in m["shards"]] != ["shard-00000.h5"])' \
            "$W/$name/manifest.json"
    r=$?
    tap_result $r "$name: stopped by SIGTERM, shard 0 kept, manifest marked incomplete"
    [ $r -eq 0 ] || diag "$(tail -n 5 "$W/$name.log")"
    sbatch --parsable --wait --job-name="rc-$name-resume" --output="$W/$name-resume.log" --chdir="$W" \
        --wrap "exec '$RC_BIN' run '$W/spec.yaml' --output '$W/$name' --resume --progress never" >/dev/null 2>&1
    r=$?
    tap_result $r "$name: resubmitted with --resume, the job succeeds"
    [ $r -eq 0 ] || diag "$(tail -n 5 "$W/$name-resume.log")"
    check "$name: the output is verify-equal to the single run" "$RC_BIN" verify "$W/$name" "$W/single"
done
tap_done
