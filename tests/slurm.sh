#!/bin/bash
# slurm.sh -- the example sweep as a real Slurm job array (ctest runs it as:
# bash tests/slurm.sh PATH/TO/ridgeline SRC).
#
# Starts a private single-node Slurm from the Debian packages (munged,
# slurmctld, slurmd; `make deps-test` installs them) in a temp directory:
# its own munge key and socket, slurm.conf, state, spool, pid and log files;
# two free TCP ports on 127.0.0.1 (NoCtldInAddrAny/NoInAddrAny: nothing is
# bound to another address); no cgroups (proctrack/linuxproc, task/none),
# so it also runs in containers.  The daemons must run as root.
# Then: sbatch --array=0-3 scripts/slurm/sweep.sbatch over the example sweep
# plus one broken scenario; wait (at most RL_SLURM_TIMEOUT s, default 120)
# and, on timeout, print squeue/scontrol and log tails; check every task
# completed; scripts/slurm/merge.sh; and compare with a local
# `ridgeline batch` of the same list: same exit status (2, the broken one),
# same bytes once elapsed_ms (wall clock) is zeroed.  The trap cancels the
# job, stops the daemons it started (by pid) and removes the temp dir.
rl=$(readlink -f "${1:?ridgeline binary}")
src=$(readlink -f "${2:?source dir}")
limit=${RL_SLURM_TIMEOUT:-120}
t_start=$SECONDS
fail() { echo "FAIL slurm: $*"; exit 1; }

for b in munged slurmctld slurmd sbatch squeue scontrol; do
    command -v "$b" >/dev/null ||
        fail "$b not installed: run 'make deps-test' (Debian: slurmctld slurmd slurm-client munge)"
done
[ "$(id -u)" = 0 ] || fail "the Slurm daemons must run as root (CI does); this runs as $(id -un)"

tmp=$(mktemp -d) || fail "mktemp"
chmod 755 "$tmp"                # munged wants its socket's dir searchable by all
pids=() job=
cleanup() {
    if [ -n "$job" ]; then
        scancel "$job" 2>/dev/null
        for _ in $(seq 50); do
            [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
            sleep 0.2
        done
    fi
    [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
    for p in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Diagnostics for a failure with the cluster up.
diag() {
    echo "--- squeue"; squeue -a 2>&1
    [ -n "$job" ] && { echo "--- scontrol show job $job"; scontrol show job "$job" 2>&1; }
    echo "--- sinfo"; sinfo -N -l 2>&1
    for f in "$tmp"/*.log "$tmp"/*.out "$tmp"/logs/*; do
        [ -f "$f" ] && { echo "--- $f"; tail -n 25 "$f"; }
    done
}

# A free port: not in any state in /proc/net/tcp{,6}, none of those in $*.
free_port() {
    local p used
    used=$(awk 'FNR > 1 { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
    for _ in $(seq 100); do
        p=$((20000 + RANDOM % 40000))
        case " $* " in *" $p "*) continue ;; esac
        printf '%04X\n' "$p" | grep -qxF -f - <(echo "$used") || { echo "$p"; return; }
    done
    fail "no free port"
}

# --- munge: a private key and socket
head -c 1024 /dev/urandom > "$tmp/munge.key" && chmod 400 "$tmp/munge.key"
munged -F --key-file="$tmp/munge.key" --socket="$tmp/munge.sock" \
    --pid-file="$tmp/munged.pid" --seed-file="$tmp/munged.seed" \
    --log-file="$tmp/munged.log" > "$tmp/munged.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$tmp/munge.sock" ] && break; sleep 0.1; done
[ -S "$tmp/munge.sock" ] || { diag; fail "munged did not start"; }

# --- slurm.conf and the two daemons (new ports if the first pair is taken)
host=$(hostname -s)
export SLURM_CONF=$tmp/slurm.conf
start_slurm() {
    local ctld_port slurmd_port
    ctld_port=$(free_port)
    slurmd_port=$(free_port "$ctld_port")
    mkdir -p "$tmp/state" "$tmp/spool" "$tmp/logs"
    cat > "$SLURM_CONF" <<EOF
ClusterName=rltest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge.sock
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    slurmctld -D -f "$SLURM_CONF" > "$tmp/slurmctld.out" 2>&1 &
    ctld=$!
    slurmd -D -f "$SLURM_CONF" -N "$host" > "$tmp/slurmd.out" 2>&1 &
    slurmd=$!
    pids+=("$ctld" "$slurmd")
    for _ in $(seq 150); do               # 30 s for the node to come up idle
        kill -0 "$ctld" 2>/dev/null && kill -0 "$slurmd" 2>/dev/null || return 1
        [ "$(sinfo -h -n "$host" -o %t 2>/dev/null)" = idle ] && return 0
        sleep 0.2
    done
    return 1
}
up=0
for attempt in 1 2 3; do
    start_slurm && { up=1; break; }
    echo "slurm: start $attempt failed, retrying on other ports"
    tail -n 5 "$tmp/slurmctld.out" "$tmp/slurmd.out"
    kill "$ctld" "$slurmd" 2>/dev/null
    wait "$ctld" "$slurmd" 2>/dev/null
    rm -rf "$tmp/state" "$tmp/spool"
done
[ "$up" = 1 ] || { diag; fail "slurmctld/slurmd did not come up (node not idle)"; }
t_up=$SECONDS

# --- the sweep: the examples plus a broken scenario in the middle
printf 'name = "broken";\nmodel = "no-such-model";\nhardware = "rtx-4090";\n' > "$tmp/broken.cfg"
files=("$src"/scenarios/examples/sweep/*.cfg)
[ ${#files[@]} -ge 8 ] || fail "too few example scenarios: ${#files[@]}"
files=("${files[@]:0:5}" "$tmp/broken.cfg" "${files[@]:5}")

export RIDGELINE=$rl
job=$(sbatch --parsable --array=0-3 --chdir="$tmp" --output="$tmp/logs/%A_%a.out" \
    "$src/scripts/slurm/sweep.sbatch" "$tmp/out" "${files[@]}") ||
    { diag; fail "sbatch failed"; }
job=${job%%;*}
deadline=$((SECONDS + limit))
while [ -n "$(squeue -h -j "$job" 2>/dev/null)" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { diag; fail "job array $job not done after ${limit}s"; }
    sleep 0.5
done
states=$(scontrol -o show job "$job" 2>/dev/null |
         sed -nE 's/.*ArrayTaskId=([0-9]+) .*JobState=([A-Z_]+) .*ExitCode=([0-9:]+).*/\1 \2 \3/p' | sort -n)
[ "$states" = "$(printf '%s COMPLETED 0:0\n' 0 1 2 3)" ] ||
    { diag; fail "array tasks did not all complete: $(echo $states)"; }
t_run=$SECONDS

# --- merge and compare with one local run
bash "$src/scripts/slurm/merge.sh" "$tmp/out" "$tmp/merged.jsonl" "${files[@]}" 2> "$tmp/merge.err"
mrc=$?
"$rl" batch "${files[@]}" > "$tmp/local.jsonl" 2>/dev/null
lrc=$?
[ "$lrc" = 2 ] || fail "local batch exit $lrc, want 2 (the broken scenario)"
[ "$mrc" = "$lrc" ] || { cat "$tmp/merge.err"; diag; fail "merge exit $mrc, local batch $lrc"; }
grep -qx 'merge.sh: 25 scenarios from 4 shards: 24 solved, 1 error records -> .*' "$tmp/merge.err" ||
    fail "merge summary: $(cat "$tmp/merge.err")"
norm() { sed -E 's/"elapsed_ms":[0-9.eE+-]+/"elapsed_ms":0/g' "$1"; }
[ "$(wc -l < "$tmp/merged.jsonl")" = ${#files[@]} ] ||
    fail "merged $(wc -l < "$tmp/merged.jsonl") records for ${#files[@]} scenarios"
cmp -s <(norm "$tmp/merged.jsonl") <(norm "$tmp/local.jsonl") ||
    { diff <(norm "$tmp/merged.jsonl" | cut -c1-150) <(norm "$tmp/local.jsonl" | cut -c1-150) | head;
      fail "merged Slurm output differs from the local batch run"; }

echo "slurm: passed: 4-task array over ${#files[@]} scenarios equals local batch" \
     "(cluster up $((t_up - t_start)) s, array $((t_run - t_up)) s, total $((SECONDS - t_start)) s)"
