#!/bin/bash
# batch.sh -- end-to-end properties of `ridgeline batch` over the sweep
# examples (ctest runs it as: bash tests/batch.sh PATH/TO/ridgeline SRC):
#   - the output does not depend on --jobs;
#   - --shard I/N for every I covers each scenario exactly once, and
#     together the shards equal the unsharded run;
#   - a broken scenario yields an error record, not an aborted batch, and
#     the batch exits with that scenario's status;
#   - --out writes the same lines atomically, leaving no temp file.
# Prints "N passed, N failed" and exits non-zero on any failure.
rl=${1:?ridgeline binary}
src=${2:?source dir}
. "$src/tests/lib.sh" batch

# elapsed_ms is a wall-clock measurement: the one field that may differ
norm() { sed -E 's/"elapsed_ms":[0-9.eE+-]+/"elapsed_ms":0/g' "$@"; }

files=("$src"/scenarios/examples/sweep/*.cfg)
files=("${files[@]:0:8}")               # enough to split, quick to run

"$rl" batch "${files[@]}" --jobs 1 > "$tmp/j1" 2>/dev/null; rc1=$?
"$rl" batch "${files[@]}" --jobs 3 > "$tmp/j3" 2>/dev/null; rc3=$?
[ "$rc1" = 0 ] && [ "$rc3" = 0 ] && ok || bad "exit $rc1 / $rc3, want 0"
[ "$(wc -l < "$tmp/j1")" = "${#files[@]}" ] && ok || bad "$(wc -l < "$tmp/j1") lines for ${#files[@]} files"
cmp -s <(norm "$tmp/j1") <(norm "$tmp/j3") && ok || bad "--jobs 3 output differs from --jobs 1"

: > "$tmp/shards"
for i in 0 1 2; do
    "$rl" batch "${files[@]}" --shard "$i/3" >> "$tmp/shards" 2>/dev/null || bad "shard $i/3 failed"
done
norm "$tmp/shards" | sort > "$tmp/shards.sorted"
norm "$tmp/j1" | sort > "$tmp/j1.sorted"
cmp -s "$tmp/shards.sorted" "$tmp/j1.sorted" && ok || bad "shards 0..2 of 3 do not add up to the whole run"

printf 'name = "broken";\nmodel = "no-such-model";\nhardware = "rtx-4090";\n' > "$tmp/broken.cfg"
"$rl" batch "${files[0]}" "$tmp/broken.cfg" "${files[1]}" > "$tmp/mixed" 2>/dev/null; rc=$?
[ "$rc" = 2 ] && ok || bad "a broken scenario: exit $rc, want 2"
[ "$(wc -l < "$tmp/mixed")" = 3 ] && ok || bad "a broken scenario aborted the batch"
sed -n 2p "$tmp/mixed" | grep -q '"error"' && ok || bad "no error record for the broken scenario"
sed -n 3p "$tmp/mixed" | grep -q '"result"' && ok || bad "the scenario after the broken one was not solved"

"$rl" batch "${files[@]}" --out "$tmp/out.jsonl" > "$tmp/stdout" 2>/dev/null || bad "--out failed"
cmp -s <(norm "$tmp/out.jsonl") <(norm "$tmp/j1") && ok || bad "--out differs from stdout output"
[ ! -s "$tmp/stdout" ] && ok || bad "--out also wrote to stdout"
ls "$tmp" | grep -q 'ridgeline-tmp' && bad "temp file left behind" || ok

summary
