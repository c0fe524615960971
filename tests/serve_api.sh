#!/bin/bash
# serve_api.sh -- `ridgeline serve` end to end over loopback: every route,
# /v1/estimate equal to `ridgeline estimate --json`, /v1/solve equal to
# `ridgeline solve --json`, the catalog routes equal to `catalog --json`,
# run records, malformed / oversized / unknown / unauthorised requests,
# /metrics, and a graceful stop.  Needs curl and jq (make deps-test).
#
#   bash tests/serve_api.sh PATH/TO/ridgeline SOURCE_DIR
set -u
. "$2/tests/tools/serve_lib.sh"      # BIN TMP PID fails fail cleanup start
# req METHOD PATH [BODY-FILE-OR-STRING] -> prints the status, body in $TMP/out
req() {
    local data=()
    [ $# -ge 3 ] && data=(--data-binary "$3")
    curl -s -o "$TMP/out" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/json' "${data[@]}" "$URL$2"
}
expect() {   # expect STATUS METHOD PATH [BODY]
    local want=$1; shift
    local got; got=$(req "$@")
    [ "$got" = "$want" ] || fail "$1 $2: status $got, want $want: $(head -c 300 "$TMP/out")"
}

TOKEN=s3cret-token
start --token "$TOKEN" --max-body 65536 --threads 2

# ---- health, page, catalog -------------------------------------------------
expect 200 GET /healthz
[ "$(jq -r .status "$TMP/out")" = ok ] || fail "healthz body"
expect 200 GET /
grep -q '<title>ridgeline planner</title>' "$TMP/out" || fail "page not served"
expect 200 GET /app.js
for pair in models:models runtimes:runtimes quantizations:quant hardware-profiles:hardware; do
    route=${pair%%:*} kind=${pair##*:}
    expect 200 GET "/v1/catalog/$route"
    "$BIN" catalog "$kind" --json > "$TMP/cli.json"
    cmp -s <(jq -S . "$TMP/out") <(jq -S . "$TMP/cli.json") || fail "catalog $route differs from catalog $kind --json"
done
expect 404 GET /v1/catalog/quants

# ---- estimate == CLI ----------------------------------------------------------
est_case() {   # est_case 'JSON' CLI-ARGS...
    local body=$1; shift
    expect 200 POST /v1/estimate "$body"
    cp "$TMP/out" "$TMP/api.json"
    "$BIN" estimate "$@" --json > "$TMP/cli.json" || fail "cli estimate $*"
    cmp -s <(jq -S .estimate "$TMP/api.json") <(jq -S . "$TMP/cli.json") ||
        fail "estimate differs from CLI ($*): $(diff <(jq -S .estimate "$TMP/api.json") <(jq -S . "$TMP/cli.json") | head -5)"
    # the seed's fields carry the same numbers
    [ "$(jq -c .estimates.decode_toks_sec "$TMP/api.json")" = "$(jq -c .decode_tok_s "$TMP/cli.json")" ] || fail "decode_toks_sec ($*)"
    [ "$(jq -c .estimates.prefill_toks_sec "$TMP/api.json")" = "$(jq -c .prefill_tok_s "$TMP/cli.json")" ] || fail "prefill_toks_sec ($*)"
    [ "$(jq -c .estimates.ttft_ms "$TMP/api.json")" = "$(jq -c .ttft_ms "$TMP/cli.json")" ] || fail "ttft_ms ($*)"
    [ "$(jq .estimates.vram_peak_gb.p50 "$TMP/api.json")" = "$(jq .memory_gib.device_peak "$TMP/cli.json")" ] || fail "vram ($*)"
    [ "$(jq -r .feasibility "$TMP/api.json")" = "$(jq -r .feasibility "$TMP/cli.json")" ] || fail "feasibility ($*)"
}
est_case '{"model_id":"llama-3.1-8b","runtime_id":"llama.cpp","quant":"q4_k_m","hardware":{"hardware_id":"rtx-4090","count":1},"workload":{"context_tokens":1024,"output_tokens":256,"concurrency":2}}' \
    --model llama-3.1-8b --runtime llama.cpp --quant q4_k_m --hardware rtx-4090 --devices 1 --prompt 1024 --output 256 --concurrency 2
est_case '{"model_id":"llama-3.1-70b","runtime_id":"vllm","quant":"awq-int4","hardware":{"hardware_id":"a100-80g-sxm","count":2},"tp":2,"workload":{"context_tokens":8192,"output_tokens":512,"concurrency":16}}' \
    --model llama-3.1-70b --runtime vllm --quant awq-int4 --hardware a100-80g-sxm --devices 2 --tp 2 --prompt 8192 --output 512 --concurrency 16
est_case '{"model_id":"qwen2.5-72b","hardware":{"hardware_id":"rtx-4090"}}' --model qwen2.5-72b --hardware rtx-4090
[ "$(jq -r .feasibility "$TMP/api.json")" = insufficient_memory ] || fail "qwen2.5-72b fp16 on one 4090 should not fit"
# an inline profile gives what the same profile as --hardware-file gives
cat > "$TMP/hw.cfg" <<'CFG'
id = "my-card"; class = "gpu"; count = 1;
memory = ( { tier = "gddr"; capacity_gib = 24.0; bandwidth_gbps = 900.0; } );
compute = { fp16_tflops = 160.0; };
CFG
est_case '{"model_id":"llama-3.1-8b","quant":"q8_0","hardware":{"id":"my-card","class":"gpu","count":1,"memory":[{"tier":"gddr","capacity_gib":24.0,"bandwidth_gbps":900.0}],"compute":{"fp16_tflops":160.0}}}' \
    --model llama-3.1-8b --quant q8_0 --hardware-file "$TMP/hw.cfg"
# objective: recommended_configs from a search
expect 200 POST /v1/estimate '{"model_id":"llama-3.1-8b","hardware":{"hardware_id":"rtx-4090"},"objective":"latency"}'
[ "$(jq '.recommended_configs | length' "$TMP/out")" -ge 1 ] || fail "objective gave no recommended_configs"
# ... at the request's rate: every recommendation is served at it
expect 200 POST /v1/estimate '{"model_id":"llama-3.1-8b","hardware":{"hardware_id":"h100-sxm"},"runtime_id":"vllm","quant":"fp8","workload":{"prompt_tokens":1024,"output_tokens":256,"request_rate":20},"objective":"throughput"}'
[ "$(jq '[.recommended_configs[] | select(.serving.request_rate == 20)] | length' "$TMP/out")" -ge 1 ] &&
[ "$(jq '[.recommended_configs[] | select(.serving.request_rate != 20)] | length' "$TMP/out")" = 0 ] ||
    fail "objective at a rate: recommendations not served at 20 req/s: $(jq -c '[.recommended_configs[].serving]' "$TMP/out")"

# ---- solve == CLI ----------------------------------------------------------------
cat > "$TMP/s.cfg" <<'CFG'
model = "llama-3.1-8b"; hardware = "rtx-4090"; devices = 2; runtimes = ["vllm", "llama.cpp"];
workload = { prompt_tokens = 2048; output_tokens = 256; concurrency = 8; };
requirements = { ttft_ms_p95 = 2000.0; };
search = { quant = ["fp16", "q4_k_m", "awq-int4"]; };
objective = "throughput"; top = 3;
CFG
expect 200 POST /v1/solve '{"model":"llama-3.1-8b","hardware":"rtx-4090","devices":2,"runtimes":["vllm","llama.cpp"],"workload":{"prompt_tokens":2048,"output_tokens":256,"concurrency":8},"requirements":{"ttft_ms_p95":2000},"search":{"quant":["fp16","q4_k_m","awq-int4"]},"objective":"throughput","top":3}'
"$BIN" solve "$TMP/s.cfg" --json > "$TMP/cli.json"
strip='del(.scenario, .file, .search.elapsed_ms)'
cmp -s <(jq -S "$strip" "$TMP/out") <(jq -S "$strip" "$TMP/cli.json") ||
    fail "solve differs from CLI: $(diff <(jq -S "$strip" "$TMP/out") <(jq -S "$strip" "$TMP/cli.json") | head -5)"
[ "$(jq '.recommended_configs | length' "$TMP/out")" = 3 ] || fail "solve: want 3 recommended configs"
# workload.request_rate: the same search at a rate, as the CLI runs it
cat > "$TMP/r.cfg" <<'CFG'
model = "llama-3.1-8b"; hardware = "rtx-4090"; devices = 2; runtimes = ["vllm"];
workload = { prompt_tokens = 2048; output_tokens = 256; request_rate = 3.5; };
requirements = { ttft_ms_p95 = 2000.0; };
top = 3;
CFG
expect 200 POST /v1/solve '{"model":"llama-3.1-8b","hardware":"rtx-4090","devices":2,"runtimes":["vllm"],"workload":{"prompt_tokens":2048,"output_tokens":256,"request_rate":3.5},"requirements":{"ttft_ms_p95":2000},"top":3}'
"$BIN" solve "$TMP/r.cfg" --json > "$TMP/cli.json"
cmp -s <(jq -S "$strip" "$TMP/out") <(jq -S "$strip" "$TMP/cli.json") ||
    fail "solve at a rate differs from CLI: $(diff <(jq -S "$strip" "$TMP/out") <(jq -S "$strip" "$TMP/cli.json") | head -5)"
[ "$(jq '.recommended_configs[0].serving.request_rate' "$TMP/out")" = 3.5 ] || fail "solve at a rate: no serving figures"
expect 400 POST /v1/solve '{"model":"llama-3.1-8b","hardware":"rtx-4090","workload":{"request_rate":0}}'
[ "$(jq -r .field "$TMP/out")" = workload.request_rate ] || fail "solve rate 0: $(cat "$TMP/out")"
expect 400 POST /v1/solve '{"model":"llama-3.1-8b","hardware":"rtx-4090","workload":{"request_rate":"fast"}}'
[ "$(jq -r .field "$TMP/out")" = workload.request_rate ] || fail "solve rate type: $(cat "$TMP/out")"

# ---- errors ----------------------------------------------------------------------------
expect 400 POST /v1/estimate '{"model_id": "llama-3.1-8b", '
jq -e '.error | test("malformed JSON")' "$TMP/out" >/dev/null || fail "malformed JSON message"
expect 400 POST /v1/estimate ''
expect 400 POST /v1/estimate '{"model_id":"llama-3.1-8b","hardware":{"hardware_id":"rtx-4090"},"workload":{"concurrency":"8"}}'
[ "$(jq -r .field "$TMP/out")" = workload.concurrency ] || fail "wrong type: field $(cat "$TMP/out")"
expect 422 POST /v1/estimate '{"model_id":"llama-3.1-8bb","hardware":{"hardware_id":"rtx-4090"}}'
[ "$(jq -r .suggestion "$TMP/out")" = llama-3.1-8b ] || fail "unknown model: suggestion $(cat "$TMP/out")"
expect 422 POST /v1/solve '{"model":"llama-3.1-8b","hardware":"rtx-490"}'
[ "$(jq -r .field "$TMP/out")" = hardware ] && [ "$(jq -r .suggestion "$TMP/out")" = rtx-4090 ] || fail "solve unknown hw: $(cat "$TMP/out")"
expect 400 POST /v1/solve '{"model":"llama-3.1-8b","hardware":"rtx-4090","workload":{"concurrency":0}}'
[ "$(jq -r .field "$TMP/out")" = workload.concurrency ] || fail "solve range: $(cat "$TMP/out")"
expect 400 POST /v1/solve '{"model":"llama-3.1-8b","hardware":"rtx-4090","objective":"fastest"}'
[ "$(jq -r .field "$TMP/out")" = objective ] || fail "solve objective: $(cat "$TMP/out")"
expect 400 POST /v1/solve '{"model_file":"/etc/passwd","hardware":"rtx-4090"}'
# a key given twice: 400 on every route (cJSON keeps both; libconfig refuses them)
expect 400 POST /v1/estimate '{"model_id":"llama-3.1-8b","model_id":"nope","hardware":{"hardware_id":"rtx-4090"}}'
[ "$(jq -r .field "$TMP/out")" = model_id ] || fail "duplicate key field: $(cat "$TMP/out")"
expect 400 POST /v1/solve '{"model":"llama-3.1-8b","model":"nope","hardware":"rtx-4090"}'
head -c 70000 /dev/zero | tr '\0' ' ' > "$TMP/big.json"
expect 413 POST /v1/estimate "@$TMP/big.json"
expect 404 GET /v1/nothing
expect 404 GET /nothing.html
expect 405 GET /v1/estimate
expect 405 PUT /v1/calibrate '{}'

# ---- estimate at a request rate == CLI --------------------------------------------------
expect 200 POST /v1/estimate '{"model_id":"llama-3.1-8b","runtime_id":"vllm","quant":"fp8","hardware":{"hardware_id":"h100-sxm"},"workload":{"prompt_tokens":1024,"output_tokens":256,"request_rate":20.0}}'
"$BIN" estimate --model llama-3.1-8b --runtime vllm --quant fp8 --hardware h100-sxm --prompt 1024 --output 256 --rate 20 --json > "$TMP/cli.json"
diff <(jq -S .estimates.serving "$TMP/out") <(jq -S .serving "$TMP/cli.json") > /dev/null ||
    fail "serving differs from CLI: $(jq -c .estimates.serving "$TMP/out")"
[ "$(jq -r .estimates.serving.throughput_tok_s "$TMP/out")" = 5120 ] || fail "serving tok/s: $(jq -c .estimates.serving "$TMP/out")"
expect 400 POST /v1/estimate '{"model_id":"llama-3.1-8b","hardware":{"hardware_id":"h100-sxm"},"workload":{"request_rate":-1}}'
[ "$(jq -r .field "$TMP/out")" = workload.request_rate ] || fail "rate field: $(cat "$TMP/out")"

# ---- power modes, replicas, memory share: the CLI's flags -------------------------------
expect 200 POST /v1/estimate '{"model_id":"llama-3.2-1b","hardware":{"hardware_id":"jetson-orin-nano","power_mode":"7W"},"workload":{"prompt_tokens":256,"output_tokens":128}}'
"$BIN" estimate --model llama-3.2-1b --hardware jetson-orin-nano --power-mode 7W --prompt 256 --output 128 --json > "$TMP/cli.json"
diff <(jq -S '.estimate | del(.assumptions)' "$TMP/out") <(jq -S 'del(.assumptions)' "$TMP/cli.json") > /dev/null ||
    fail "power mode differs from CLI: $(jq -c .estimate.config "$TMP/out")"
expect 422 POST /v1/estimate '{"model_id":"llama-3.2-1b","hardware":{"hardware_id":"jetson-orin-nano","power_mode":"3W"}}'
[ "$(jq -r .field "$TMP/out")" = hardware.power_mode ] || fail "power mode field: $(cat "$TMP/out")"
expect 200 POST /v1/estimate '{"model_id":"llama-3.1-8b","runtime_id":"vllm","hardware":{"hardware_id":"h100-sxm","count":4},"replicas":2,"tp":2,"gpu_memory_utilization":0.8}'
[ "$(jq -c '[.estimate.config.replicas, .estimate.config.tp, .estimate.config.gpu_memory_utilization]' "$TMP/out")" = '[2,2,0.8]' ] ||
    fail "replicas/mem share: $(jq -c .estimate.config "$TMP/out")"

# ---- procure == CLI ---------------------------------------------------------------------
# a one-candidate plan as JSON and as a plan file: the same document (but its timing)
PLAN='{"name":"one-node","objective":"min_cost","candidates":[{"hardware":"h100-sxm","devices_per_node":8}],"demand":[{"name":"chat","model":"llama-3.1-8b","prompt_tokens":1024,"output_tokens":256,"requests_per_s":20.0,"ttft_ms_p95":1000.0,"tpot_ms_p95":50.0,"quants":["fp16","fp8"]}]}'
expect 200 POST /v1/procure "$PLAN"
printf '%s' "$PLAN" | jq -r '"name = \"\(.name)\"; objective = \"\(.objective)\";
  candidates = ( { hardware = \"h100-sxm\"; devices_per_node = 8; } );
  demand = ( { name = \"chat\"; model = \"llama-3.1-8b\"; prompt_tokens = 1024; output_tokens = 256;
    requests_per_s = 20.0; ttft_ms_p95 = 1000.0; tpot_ms_p95 = 50.0; quants = [ \"fp16\", \"fp8\" ]; } );"' > "$TMP/plan.cfg"
"$BIN" procure "$TMP/plan.cfg" --json > "$TMP/cli.json" || fail "procure CLI exit $?"
[ "$(jq -r .status "$TMP/out")" = optimal ] || fail "procure status: $(jq -r .status "$TMP/out")"
diff <(jq -S 'del(.elapsed_ms)' "$TMP/out") <(jq -S 'del(.elapsed_ms)' "$TMP/cli.json") > /dev/null ||
    fail "procure differs from CLI: $(diff <(jq -S 'del(.elapsed_ms)' "$TMP/out") <(jq -S 'del(.elapsed_ms)' "$TMP/cli.json") | head -5)"
expect 400 POST /v1/procure '{"candidates":[{"hardware":"h100-sxm"}],"demand":[{"name":"chat","model":"llama-3.1-8b","prompt_tokens":1024,"output_tokens":256,"requests_per_s":"x"}]}'
[ "$(jq -r .field "$TMP/out")" = "demand[0].requests_per_s" ] || fail "procure field: $(cat "$TMP/out")"
expect 422 POST /v1/procure '{"candidates":[{"hardware":"h100-sxn"}],"demand":[{"name":"chat","model":"llama-3.1-8b","prompt_tokens":1024,"output_tokens":256,"requests_per_s":1.0}]}'
[ "$(jq -r .suggestion "$TMP/out")" = h100-sxm ] || fail "procure unknown hw: $(cat "$TMP/out")"

# ---- signoff == CLI ---------------------------------------------------------------------
# the thermal example as JSON: FAIL at 70 C, the same document as the CLI's
expect 200 POST /v1/signoff '{"name":"thermal-rk3588-70c","model":"llama-3.2-1b","hardware":"rk3588","runtime":"rknn-llm","workload":{"mode":"decode","prompt_tokens":256,"output_tokens":256},"requirements":{"context_tokens":2048,"tpot_ms_p95":200.0,"ambient_c":70.0,"deterministic":true},"search":{"quant":"int8"}}'
"$BIN" signoff "$2/scenarios/examples/signoff/thermal-rk3588-70c.cfg" --json > "$TMP/cli.json"
[ "$(jq -r .verdict "$TMP/out")" = FAIL ] || fail "signoff verdict: $(jq -r .verdict "$TMP/out")"
diff <(jq -S . "$TMP/out") <(jq -S . "$TMP/cli.json") > /dev/null ||
    fail "signoff differs from CLI: $(diff <(jq -S . "$TMP/out") <(jq -S . "$TMP/cli.json") | head -5)"
expect 400 POST /v1/signoff '{"model":"llama-3.1-8b","hardware":"rtx-4090","runtime":"llama.cpp","search":{"quant":["fp16","q8_0"]}}'
jq -e '.error | contains("search.quant")' "$TMP/out" >/dev/null || fail "signoff axis: $(cat "$TMP/out")"

# ---- token ----------------------------------------------------------------------------
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/catalog/models")
[ "$code" = 401 ] || fail "no token: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer s3cret-tokeN' "$URL/v1/catalog/models")
[ "$code" = 401 ] || fail "wrong token: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer s3cret' "$URL/metrics")
[ "$code" = 401 ] || fail "prefix of the token: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")
[ "$code" = 200 ] || fail "healthz needs no token: $code"

# ---- run records ----------------------------------------------------------------------
rec='{"run_id":"t-1","model_id":"llama-3.1-8b","runtime_id":"llama.cpp","runtime_version":"b4426","hardware_id":"rtx-4090","quant":"q4_k_m","context_tokens":512,"output_tokens":128,"concurrency":1,"metrics":{"decode_toks_sec":120.5,"ttft_ms_p50":80}}'
expect 201 POST /v1/calibrate "$rec"
expect 200 POST /v1/calibrate "$rec"
[ "$(jq .duplicate "$TMP/out")" = true ] || fail "duplicate run_id not reported"
expect 400 POST /v1/calibrate '{"model_id":"m","runtime_id":"r","hardware_id":"h","metrics":{"decode_toks_sec":"x"}}'
[ "$(jq -r .field "$TMP/out")" = metrics.decode_toks_sec ] || fail "record field: $(cat "$TMP/out")"
expect 201 POST /v1/calibrate '{"model_id":"llama-3.1-8b","runtime_id":"vllm","hardware_id":"l40s","metrics":{"decode_toks_sec":50}}'
expect 200 GET /v1/calibrate
[ "$(jq .count "$TMP/out")" = 2 ] || fail "GET /v1/calibrate count $(jq .count "$TMP/out")"
[ "$(jq -r '.runs[0].run_id' "$TMP/out")" = t-1 ] || fail "first record"

# ---- metrics -------------------------------------------------------------------------
expect 200 GET /metrics
grep -q '^ridgeline_http_requests_total{route="estimate",code="200"} [1-9]' "$TMP/out" || fail "metrics: estimate 200"
grep -q '^ridgeline_http_requests_total{route="too_large",code="413"} 1$' "$TMP/out" || fail "metrics: 413"
grep -q '^ridgeline_http_errors_total{code="422"} [1-9]' "$TMP/out" || fail "metrics: errors by code"
grep -q '^ridgeline_http_request_duration_seconds_bucket{route="estimate",le="+Inf"} ' "$TMP/out" || fail "metrics: histogram"

# ---- graceful stop, records survive a restart -----------------------------------------
kill -TERM "$PID"
wait "$PID"; rc=$?
[ $rc = 0 ] || fail "SIGTERM: exit $rc"
PID=
TOKEN=
start
expect 200 GET /v1/calibrate
[ "$(jq .count "$TMP/out")" = 2 ] || fail "records after restart: $(jq .count "$TMP/out")"
# a port in use is an I/O error (4), bad flags 2
"$BIN" serve --port "$PORT" --store "$TMP/store2" 2>/dev/null; rc=$?
[ $rc = 4 ] || fail "port in use: exit $rc"
"$BIN" serve --host localhost 2>/dev/null; rc=$?
[ $rc = 2 ] || fail "--host localhost: exit $rc"

[ $fails = 0 ] && echo "serve_api: all passed"
exit $((fails > 0))
