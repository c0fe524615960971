#!/bin/bash
# slurm_merge.sh -- scripts/slurm/ without a cluster (ctest runs it as:
# bash tests/slurm_merge.sh PATH/TO/ridgeline SRC).  tests/slurm.sh runs the
# same scripts under a real Slurm; this one covers what a healthy cluster
# never shows:
#   - sweep.sbatch, run as Slurm would with SLURM_ARRAY_* set, writes
#     shard-I-of-N.jsonl for I = ID - MIN (arrays 1-4 and 0-3 alike), takes
#     RL_SHARDS for re-runs, refuses a stepped array, exits 0 when a
#     scenario failed but its shard was written;
#   - merge.sh joins complete shards into exactly the local batch output and
#     exits like batch; it refuses (exit 1, one line, nothing written) a
#     missing shard, a missing / duplicated / misplaced record, a different
#     file list, shards of two different N, and a malformed line.
# Prints "N passed, N failed" and exits non-zero on any failure.
rl=$(readlink -f "${1:?ridgeline binary}")
src=$(readlink -f "${2:?source dir}")
sb=$src/scripts/slurm/sweep.sbatch
merge=$src/scripts/slurm/merge.sh
. "$src/tests/lib.sh" slurm_merge
norm() { sed -E 's/"elapsed_ms":[0-9.eE+-]+/"elapsed_ms":0/g' "$1"; }

printf 'name = "broken";\nmodel = "no-such-model";\nhardware = "rtx-4090";\n' > "$tmp/broken.cfg"
files=("$src"/scenarios/examples/sweep/*.cfg)
files=("${files[@]:0:3}" "$tmp/broken.cfg" "${files[@]:3:6}")   # 10 scenarios
"$rl" batch "${files[@]}" > "$tmp/local" 2>/dev/null
[ $? = 2 ] && ok || bad "local batch with a broken scenario should exit 2"

# An array task as Slurm starts it: task ID, array bounds and count.
task() {  # task ID MIN MAX COUNT [VAR=VALUE...] -- runs sweep.sbatch into $tmp/s
    local id=$1 min=$2 max=$3 count=$4
    shift 4
    env SLURM_ARRAY_TASK_ID="$id" SLURM_ARRAY_TASK_MIN="$min" SLURM_ARRAY_TASK_MAX="$max" \
        SLURM_ARRAY_TASK_COUNT="$count" RIDGELINE="$rl" "$@" \
        bash "$sb" "$tmp/s" "${files[@]}" 2> "$tmp/task.err"
}
for id in 1 2 3 4; do task $id 1 4 4 || bad "task $id of array 1-4: exit $?: $(cat "$tmp/task.err")"; done
[ "$(cd "$tmp/s" && echo shard-*)" = "shard-0-of-4.jsonl shard-1-of-4.jsonl shard-2-of-4.jsonl shard-3-of-4.jsonl" ] &&
    ok || bad "array 1-4 wrote: $(cd "$tmp/s" && echo *)"
grep -q 'shard 3/4: some scenarios failed' "$tmp/task.err" && ok ||   # the broken one is index 3
    bad "task 4 (shard 3/4, the broken scenario) said: $(cat "$tmp/task.err")"
"$rl" batch "${files[@]}" --shard 3/4 > "$tmp/want3" 2>/dev/null
cmp -s <(norm "$tmp/s/shard-3-of-4.jsonl") <(norm "$tmp/want3") && ok || bad "array task 4 of 1-4 is not shard 3/4"
task 3 0 3 4 RL_SHARDS=4 && cmp -s <(norm "$tmp/s/shard-3-of-4.jsonl") <(norm "$tmp/want3") &&
    ok || bad "RL_SHARDS=4 task 3 is not shard 3/4"
task 2 0 6 4 >/dev/null; rc=$?
[ "$rc" = 2 ] && grep -q 'not a plain range' "$tmp/task.err" && ok ||
    bad "stepped array 0-6:2: exit $rc: $(cat "$tmp/task.err")"
task 0 0 3 4 RIDGELINE=/nonexistent/ridgeline; rc=$?
[ "$rc" != 0 ] && [ ! -e "$tmp/s/shard-0-of-4.jsonl" ] && ok || bad "a task whose batch cannot run exited $rc"
task 0 0 3 4 || bad "task 0 re-run"

m() {  # m WANT_EXIT PATTERN [merge args after DIR OUT]
    local want=$1 pat=$2
    shift 2
    rm -f "$tmp/merged"
    bash "$merge" "$tmp/s" "$tmp/merged" "$@" 2> "$tmp/merge.err"
    local rc=$?
    [ "$rc" = "$want" ] && grep -qE "$pat" "$tmp/merge.err" &&
        [ "$(wc -l < "$tmp/merge.err")" = 1 ] && ok ||
        { bad "merge: exit $rc (want $want), stderr: $(cat "$tmp/merge.err") (want /$pat/)"; return; }
    [ "$want" = 1 ] && [ -e "$tmp/merged" ] && bad "merge wrote output although it failed"
    compgen -G "$tmp/merged.tmp*" > /dev/null && bad "merge left a temp file"
}
m 2 '10 scenarios from 4 shards: 9 solved, 1 error records' "${files[@]}"
cmp -s <(norm "$tmp/merged") <(norm "$tmp/local") && ok || bad "merged shards differ from the local batch run"

cp -r "$tmp/s" "$tmp/keep"
reset() { rm -rf "$tmp/s"; cp -r "$tmp/keep" "$tmp/s"; }
rm "$tmp/s/shard-2-of-4.jsonl"
m 1 'shard 2 of 4 missing' "${files[@]}"; reset
sed -i 1d "$tmp/s/shard-2-of-4.jsonl"
m 1 '1 of 10 scenarios missing, first 2 ' "${files[@]}"; reset
sed -n 2p "$tmp/keep/shard-1-of-4.jsonl" >> "$tmp/s/shard-1-of-4.jsonl"
m 1 'scenario 5 .* came back twice' "${files[@]}"; reset
sed -n 1p "$tmp/keep/shard-1-of-4.jsonl" >> "$tmp/s/shard-2-of-4.jsonl"
m 1 'index 1 does not belong in shard 2 of 4' "${files[@]}"; reset
m 1 'index 0 is .*, expected .*a different file list' "${files[@]:1}" "${files[0]}"
m 1 '1 of 11 scenarios missing' "${files[@]}" "$tmp/extra.cfg"
cp "$tmp/s/shard-0-of-4.jsonl" "$tmp/s/shard-0-of-3.jsonl"
m 1 'mixes shards of' "${files[@]}"; reset
echo '{"index":9,"scenario":' >> "$tmp/s/shard-1-of-4.jsonl"
m 1 'shard-1-of-4.jsonl:4: not a ridgeline batch record' "${files[@]}"; reset
m 2 'usage' 
bash "$merge" "$tmp/s" - "${files[@]}" > "$tmp/stdout" 2>/dev/null
cmp -s <(norm "$tmp/stdout") <(norm "$tmp/local") && ok || bad "merge to stdout differs"

summary
