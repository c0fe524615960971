#!/bin/bash
# runs.sh -- end-to-end properties of `harness import`, `runs add|list`,
# `calibrate --runs` and `validate --runs` (ctest runs it as:
# bash tests/runs.sh PATH/TO/ridgeline SRC):
#   - every fixture of tests/data/harness imports; nothing private (user
#     paths, addresses, generated text) reaches the records; an unreadable
#     file fails without writing --out; the captured llama.cpp output
#     imports, lists and drifts end to end;
#   - the store keeps each record once (duplicates counted), reports a bad
#     input line by number and still adds the rest;
#   - kill -9 of the writer at random moments, again and again: every
#     record the writer acknowledged ("added ID") is in the store, exactly
#     as written, once; nothing else is; a torn tail is reported with its
#     line number, skipped, and sealed by the next append;
#   - calibrate --runs stamps the versions, count and date; validate
#     --runs exits 0 on runs the model predicts and 1 (ALARM) on a miss.
# Prints "N passed, N failed" and exits non-zero on any failure.
rl=${1:?ridgeline binary}
src=${2:?source dir}
. "$src/tests/lib.sh" runs
H=$src/tests/data/harness
fixtures=("$H"/llama-bench.json "$H"/llama-bench.jsonl "$H"/llama-bench.csv "$H"/llama-bench.md
          "$H"/vllm-bench-serve.json "$H"/trtllm-bench.txt "$H"/llama-server.log
          "$H"/llama-cli.log "$H"/vllm-server.log)

# ---------------------------------------------------------------- import
"$rl" harness import "${fixtures[@]}" --model llama-3-8b --timestamp 2024-05-12T10:00:00Z \
    --out "$tmp/all.jsonl" 2> "$tmp/err"; rc=$?
[ "$rc" = 0 ] && ok || bad "harness import exit $rc: $(cat "$tmp/err")"
[ "$(wc -l < "$tmp/all.jsonl")" = 14 ] && ok || bad "$(wc -l < "$tmp/all.jsonl") records, want 14"
[ "$(grep -c '^harness: ' "$tmp/err")" = 9 ] && ok || bad "want one stderr line per file"
grep -q 'llama-bench.md: llama-bench-md, 3 records;.*absent: hardware_id' "$tmp/err" && ok \
    || bad "the md table has no device: stderr must say hardware_id is absent"
if grep -qE 'alice|/home/|/root/|10\.20\.30\.40|Once upon|quick brown' "$tmp/all.jsonl"; then
    bad "private data in the records"; else ok; fi
"$rl" harness import "$H/README.md" --out "$tmp/no.jsonl" 2> "$tmp/err"; rc=$?
[ "$rc" = 2 ] && [ ! -e "$tmp/no.jsonl" ] && ok || bad "unknown format: exit $rc, --out written?"

# real llama.cpp output (build 11669, tests/data/harness/captured): every
# file imports, no path of the capture machine survives, runs list shows
# the printed CPU name where no catalog id exists, and validate --runs
# says the speeds of records without catalog hardware went unchecked
C=$H/captured
"$rl" harness import "$C"/llama-* --model tinyllama-1.1b --out "$tmp/cap.jsonl" 2> "$tmp/err"; rc=$?
[ "$rc" = 0 ] && [ "$(wc -l < "$tmp/cap.jsonl")" = 24 ] && ok ||
    bad "captured: exit $rc, $(wc -l < "$tmp/cap.jsonl" 2>/dev/null) records, want 24: $(head -3 "$tmp/err")"
grep -q '/work/' "$tmp/cap.jsonl" && bad "a capture-machine path in the records" || ok
"$rl" runs add "$tmp/cap.jsonl" --store "$tmp/cstore" > /dev/null 2>&1
"$rl" runs list --store "$tmp/cstore" 2>/dev/null | grep -q ' tinyllama-1.1b   \[AMD EPYC\] ' && ok ||
    bad "runs list: no [AMD EPYC] for a record without a hardware id"
"$rl" validate --runs "$tmp/cap.jsonl" > "$tmp/drift" 2>&1; rc=$?
[ "$rc" = 0 ] && grep -q 'compared on file size only' "$tmp/drift" && ok ||
    bad "validate --runs on the captures: exit $rc, $(head -2 "$tmp/drift")"

# ---------------------------------------------------------------- add, list
S=$tmp/store
"$rl" runs add "$tmp/all.jsonl" --store "$S" > "$tmp/ack" 2> "$tmp/err"; rc=$?
[ "$rc" = 0 ] && [ "$(grep -c '^added ' "$tmp/ack")" = 14 ] && ok || bad "first add: exit $rc"
RIDGELINE_STORE=$S "$rl" runs add "$tmp/all.jsonl" > "$tmp/ack" 2> "$tmp/err"; rc=$?
[ "$rc" = 0 ] && grep -q '0 added, 14 duplicates ignored' "$tmp/err" && ok \
    || bad "second add must ignore 14 duplicates: $(cat "$tmp/err")"
"$rl" runs list --json --store "$S" > "$tmp/list" 2>/dev/null
cmp -s <(sort "$tmp/list") <(sort "$tmp/all.jsonl") && ok || bad "list --json differs from what was added"
{ head -3 "$tmp/all.jsonl"; echo '{"run_id":"x","metrics":{}}'; echo 'not json';
  printf '{"run_id":"extra-1","timestamp_utc":"2024-05-12T09:41:27Z","metrics":{"decode_toks_sec":1},"source":{"tool":"t"}}\n'; } > "$tmp/mixed.jsonl"
"$rl" runs add "$tmp/mixed.jsonl" --store "$S" > "$tmp/ack" 2> "$tmp/err"; rc=$?
[ "$rc" = 2 ] && grep -q "mixed.jsonl:4: error: " "$tmp/err" && grep -q "mixed.jsonl:5: error: not valid JSON" "$tmp/err" \
    && grep -q '^added extra-1$' "$tmp/ack" && ok || bad "bad lines: exit $rc, $(cat "$tmp/err")"

# ---------------------------------------------------------------- kill -9
K=$tmp/kstore
: > "$tmp/acks"
for round in $(seq 1 15); do
    for i in $(seq 1 100); do
        printf '{"run_id":"k%02d-%04d","timestamp_utc":"2024-05-12T09:41:27Z","metrics":{"decode_toks_sec":%d.25},"source":{"tool":"test"}}\n' \
            "$round" "$i" "$i"
    done > "$tmp/k$round.jsonl"
    cat "$tmp/k$round.jsonl" >> "$tmp/kall.jsonl"
    "$rl" runs add "$tmp/k$round.jsonl" --store "$K" > "$tmp/ack$round" 2>/dev/null &
    pid=$!
    # kill it mid-stream: once it has acknowledged a first record (a slow
    # build -- ASan, valgrind, a loaded CI -- may take a while to start),
    # then at a random moment within the next ~50 ms
    for t in $(seq 1 500); do [ -s "$tmp/ack$round" ] && break; sleep 0.01; done
    sleep "0.0$((RANDOM % 5))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    grep '^added ' "$tmp/ack$round" >> "$tmp/acks"
done
"$rl" runs list --json --store "$K" > "$tmp/klist" 2> "$tmp/kerr"; rc=$?
[ "$rc" = 0 ] && ok || bad "list after kills: exit $rc"
missing=0
while read -r _ id; do grep -q "\"run_id\":\"$id\"" "$tmp/klist" || missing=$((missing + 1)); done < "$tmp/acks"
[ "$missing" = 0 ] && [ -s "$tmp/acks" ] && ok || bad "$missing acknowledged records lost ($(wc -l < "$tmp/acks") acks)"
# everything listed is an input line verbatim, once
[ -z "$(grep -Fxvf "$tmp/kall.jsonl" "$tmp/klist")" ] && ok || bad "a listed record is not an input line"
[ -z "$(sort "$tmp/klist" | uniq -d)" ] && ok || bad "a record is stored twice"
# what is stored but unacknowledged can only be the one in flight per kill
extra=$(( $(wc -l < "$tmp/klist") - $(wc -l < "$tmp/acks") ))
[ -n "${RL_DEBUG:-}" ] && echo "kill loop: $(wc -l < "$tmp/acks") acknowledged, $extra stored unacknowledged, $(wc -l < "$tmp/kall.jsonl") offered"
[ "$extra" -ge 0 ] && [ "$extra" -le 15 ] && ok || bad "$extra stored records were never acknowledged"

# a writer killed inside its write: cut the log in the middle of its last line
log=$K/runs.log
n=$(wc -l < "$log")
head -c -40 "$log" > "$tmp/cut" && cat "$tmp/cut" > "$log"
"$rl" runs list --json --store "$K" > "$tmp/klist2" 2> "$tmp/kerr"; rc=$?
[ "$rc" = 0 ] && [ "$(wc -l < "$tmp/klist2")" = $(( $(wc -l < "$tmp/klist") - 1 )) ] && ok \
    || bad "torn tail: exit $rc, $(wc -l < "$tmp/klist2") records"
grep -q "runs.log:$n: warning: corrupt line skipped: incomplete last line" "$tmp/kerr" && ok \
    || bad "torn tail not reported at line $n: $(cat "$tmp/kerr")"
"$rl" runs add "$tmp/kall.jsonl" --store "$K" > /dev/null 2>&1
"$rl" runs list --json --store "$K" > "$tmp/klist3" 2> "$tmp/kerr"
[ "$(wc -l < "$tmp/klist3")" = "$(wc -l < "$tmp/kall.jsonl")" ] && ok || bad "re-add did not complete the store"
grep -q "runs.log:$n: warning: corrupt line skipped: checksum mismatch" "$tmp/kerr" && ok \
    || bad "sealed torn line not reported at line $n: $(cat "$tmp/kerr")"

# ---------------------------------------------------------------- fit, drift
# the RTX 4090 runs (the H100 report and server log say no device)
grep -v -e trtllm -e vllm-log "$tmp/all.jsonl" > "$tmp/fit.jsonl"
"$rl" calibrate --runs "$tmp/fit.jsonl" --out "$tmp/cal.cfg" 2> "$tmp/err"; rc=$?
[ "$rc" = 0 ] && ok || bad "calibrate --runs: exit $rc $(cat "$tmp/err")"
grep -q "^# Runs: 12 run records from .*fitted 20[0-9-]*T[0-9:]*Z$" "$tmp/cal.cfg" && \
    grep -q "^# runtime versions in those records: .*llama.cpp b2824 (4426e298)" "$tmp/cal.cfg" && ok \
    || bad "calibration file not stamped: $(head -4 "$tmp/cal.cfg")"
"$rl" validate --runs "$tmp/fit.jsonl" > "$tmp/out" 2>&1; rc=$?
[ "$rc" = 0 ] && ! grep -q ALARM "$tmp/out" && ok || bad "validate --runs on public numbers: exit $rc $(cat "$tmp/out")"
sed -E 's/"decode_toks_sec":([0-9]+)/"decode_toks_sec":\10/' "$tmp/fit.jsonl" > "$tmp/miss.jsonl"
"$rl" validate --runs "$tmp/miss.jsonl" --json > "$tmp/out" 2>&1; rc=$?
[ "$rc" = 1 ] && grep -q '"alarm":	true' "$tmp/out" && ok || bad "a 10x decode miss: exit $rc"

summary
