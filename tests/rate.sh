#!/bin/bash
# rate.sh -- `solve` at a request rate, end to end (ctest runs it as:
# bash tests/rate.sh PATH/TO/ridgeline SRC), on
# tests/scenarios/rate-70b-8xh100.cfg (llama-3.1-70b, 8 x H100, 20 req/s of
# 2000-in / 200-out, TTFT p95 1500 ms, TPOT p95 60 ms):
#   - two paths, one answer: the top recommendation's serving figures equal
#     `estimate --rate R` on that configuration (its flags rebuilt from the
#     JSON, the batch cap as --max-num-seqs);
#   - the flag form (--rate) is the file form;
#   - raising the rate never grows the feasible count;
#   - a rate above every capacity: no recommendation, exit 1 (nothing
#     feasible), "saturated" the reason, with the capacity in the text;
#   - csv rows and batch records carry the serving figures.
# Prints "N passed, N failed" and exits non-zero on any failure.
rl=${1:?ridgeline binary}
src=${2:?source dir}
. "$src/tests/lib.sh" rate
scn=$src/tests/scenarios/rate-70b-8xh100.cfg
# within relative tol (estimate --json rounds to 4 significant digits)
near() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); sys.exit(0 if abs(a-b) <= 1e-3*max(1,abs(a),abs(b)) else 1)" "$1" "$2"; }

"$rl" solve "$scn" --json > "$tmp/s.json"; rc=$?
[ "$rc" = 0 ] && ok || bad "solve exit $rc, want 0"
top() { jq -r ".recommended_configs[0].$1" "$tmp/s.json"; }
[ "$(jq .request_rate "$tmp/s.json")" = 20 ] && ok || bad "no request_rate in the scenario JSON"
[ "$(top throughput_kind)" = "served at 20 req/s" ] && ok || bad "throughput_kind $(top throughput_kind)"
# every recommendation serves the rate's output: 20 x 200 tok/s
[ "$(jq '[.recommended_configs[].throughput_tok_s] | unique' -c "$tmp/s.json")" = "[4000]" ] &&
    ok || bad "served throughput differs from rate x output"
# headroom = capacity / rate, and ranks (throughput objective) descending
jq -e '[.recommended_configs[].serving | (.headroom - .capacity_rps / .request_rate | fabs) < 1e-9] | all' \
    "$tmp/s.json" >/dev/null && ok || bad "headroom is not capacity / rate"
jq -e '[.recommended_configs[].serving.capacity_rps] | . == (sort | reverse)' "$tmp/s.json" >/dev/null &&
    ok || bad "recommendations not ranked by capacity"

# ---- two paths, one answer ----------------------------------------------------
"$rl" estimate --model llama-3.1-70b --hardware h100-sxm --devices 8 --runtime "$(top runtime)" \
    --quant "$(top quant)" --kv-dtype "$(top kv_dtype)" --tp "$(top tp)" --pp "$(top pp)" \
    --replicas "$(top replicas)" --context "$(top context_cap)" --prompt 2000 --output 200 \
    --concurrency "$(top concurrency)" --max-num-seqs "$(top serving.max_num_seqs)" --rate 20 \
    --json > "$tmp/e.json" || bad "estimate failed"
for f in capacity_rps in_flight_per_replica throughput_tok_s ttft_ms.p95 tpot_ms.p95 \
         e2e_latency_ms.p50; do
    a=$(jq ".recommended_configs[0].estimates.serving.$f" "$tmp/s.json")
    b=$(jq ".serving.$f" "$tmp/e.json")
    near "$a" "$b" && ok || bad "serving.$f: solve $a, estimate --rate $b"
done
[ "$(jq .serving.saturated "$tmp/e.json")" = false ] && ok || bad "estimate says the top one is saturated"
near "$(top serving.ttft_ms_p95)" "$(jq .serving.ttft_ms.p95 "$tmp/e.json")" && ok ||
    bad "recommendation's serving.ttft_ms_p95 differs from estimate --rate"

# ---- flags = file -------------------------------------------------------------
strip='del(.scenario, .file, .search.elapsed_ms)'
"$rl" solve --model llama-3.1-70b --hardware h100-sxm --devices 8 --runtime vllm --isl 2000 \
    --osl 200 --rate 20 --ttft 1500 --tpot 60 --quant fp8,awq-int4,fp16 \
    --context-cap 2200,8192 --json > "$tmp/f.json" || bad "flag form failed"
cmp -s <(jq -S "$strip" "$tmp/f.json") <(jq -S "$strip" "$tmp/s.json") && ok ||
    bad "--rate differs from the file: $(diff <(jq -S "$strip" "$tmp/f.json") <(jq -S "$strip" "$tmp/s.json") | head -4)"

# ---- monotone in the rate -------------------------------------------------------
prev=
for r in 1 5 10 20 24; do
    sed "s/request_rate = 20.0/request_rate = $r.0/" "$scn" > "$tmp/r.cfg"
    n=$("$rl" solve "$tmp/r.cfg" --json | jq .search.feasible)
    [ -z "$prev" ] || [ "$n" -le "$prev" ] && ok || bad "feasible $n at $r req/s > $prev at a lower rate"
    prev=$n
done

# ---- beyond every capacity ----------------------------------------------------------
sed "s/request_rate = 20.0/request_rate = 100000.0/" "$scn" > "$tmp/sat.cfg"
"$rl" solve "$tmp/sat.cfg" --json > "$tmp/sat.json"; rc=$?
[ "$rc" = 1 ] && ok || bad "saturated scenario: exit $rc, want 1"
[ "$(jq '.recommended_configs | length' "$tmp/sat.json")" = 0 ] && ok || bad "a recommendation beyond capacity"
[ "$(jq '.rejected.saturated // 0' "$tmp/sat.json")" -gt 0 ] && ok || bad "no saturated rejections"
[ "$(jq -r '.near_misses[0].reasons[0].code' "$tmp/sat.json")" = saturated ] && ok ||
    bad "closest miss is not saturated: $(jq -c '.near_misses[0].reasons' "$tmp/sat.json")"
"$rl" solve "$tmp/sat.cfg" > "$tmp/sat.txt"; rc=$?
[ "$rc" = 1 ] && ok || bad "text: exit $rc, want 1"
grep -q "  - saturated: capacity [0-9.]* req/s < 100000 req/s" "$tmp/sat.txt" && ok ||
    bad "no 'saturated: capacity X req/s < R' line: $(grep -m1 saturated "$tmp/sat.txt")"

# ---- rows and records ------------------------------------------------------------------
"$rl" solve "$scn" --format csv > "$tmp/s.csv" || bad "csv failed"
python3 - "$tmp/s.csv" <<'PY' && ok || bad "csv serving columns"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows and all(float(r["request_rate"]) == 20 for r in rows)
assert all(abs(float(r["headroom"]) - float(r["capacity_rps"]) / 20) < 1e-3 * float(r["headroom"]) for r in rows)
assert all(float(r["served_tok_s"]) == 4000 for r in rows)
PY
"$rl" batch "$scn" > "$tmp/b.jsonl" || bad "batch failed"
jq -e '.result.request_rate == 20 and (.result.recommended_configs[0].serving.capacity_rps > 20)' \
    "$tmp/b.jsonl" >/dev/null && ok || bad "batch record lacks the serving figures"

summary
