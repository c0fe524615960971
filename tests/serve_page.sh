#!/bin/bash
# serve_page.sh -- the planning page in headless Chromium (Debian's
# chromium; make deps-test installs it).  Each mode is loaded by its
# permalink (the URL hash restores the form and runs it); the numbers the
# page shows (data-k / data-v on each cell) must equal the API's for the
# same request.  A screenshot per mode is kept under the build folder:
# BUILD/serve-page/{target,hardware,whatif}.png.
#
#   bash tests/serve_page.sh PATH/TO/ridgeline SOURCE_DIR
set -u
. "$2/tests/tools/serve_lib.sh"      # BIN TMP PID fails fail cleanup start
ART=$(dirname "$BIN")/serve-page
CHROME=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROME" ] || { echo "serve_page: chromium not installed (make deps-test)" >&2; exit 1; }
mkdir -p "$ART"

start --threads 2

chrome() {   # chrome OUTPUT-FLAG URL
    timeout 120 "$CHROME" --headless --disable-gpu --no-sandbox --hide-scrollbars \
        --user-data-dir="$TMP/profile" --virtual-time-budget=30000 \
        --window-size=1400,1400 "$@" 2>/dev/null
}
# Load a permalink; the shown numbers go to $TMP/NAME.kv as "key value".
page() {   # page NAME HASH
    chrome --dump-dom "$URL/$2" > "$TMP/$1.html"
    grep -q 'data-state="done"' "$TMP/$1.html" || fail "$1: page not done ($(grep -o 'data-state="[a-z]*"' "$TMP/$1.html"))"
    grep -o 'data-k="[^"]*" data-v="[^"]*"' "$TMP/$1.html" |
        sed 's/data-k="\([^"]*\)" data-v="\([^"]*\)"/\1 \2/' > "$TMP/$1.kv"
    chrome --screenshot="$ART/$1.png" "$URL/$2" >/dev/null
    [ -s "$ART/$1.png" ] || fail "$1: no screenshot"
}
shown() { awk -v k="$2" '$1 == k { print $2; exit }' "$TMP/$1.kv"; }
same() {   # same MODE KEY API-VALUE
    local s; s=$(shown "$1" "$2")
    [ -n "$s" ] && [ "$s" = "$3" ] || fail "$1: $2 shown '$s', API says '$3'"
}
api() { curl -s -X POST -H 'Content-Type: application/json' --data-binary "$2" "$URL$1"; }
est() {   # est MODEL HW COUNT RUNTIME QUANT CTX OUT USERS
    api /v1/estimate "{\"model_id\":\"$1\",\"hardware\":{\"hardware_id\":\"$2\",\"count\":$3},\"runtime_id\":\"$4\",\"quant\":\"$5\",\"workload\":{\"context_tokens\":$6,\"output_tokens\":$7,\"concurrency\":$8}}"
}

# ---- what-if: two builds side by side -------------------------------------------
page whatif '#mode=whatif&b=llama-3.1-8b~rtx-4090~1~llama.cpp~q4_k_m~1024~256~1&b=llama-3.1-70b~a100-80g-sxm~2~vllm~awq-int4~4096~256~8'
i=0
for b in "llama-3.1-8b rtx-4090 1 llama.cpp q4_k_m 1024 256 1" "llama-3.1-70b a100-80g-sxm 2 vllm awq-int4 4096 256 8"; do
    # shellcheck disable=SC2086
    est $b > "$TMP/e.json"
    for k in p10 p50 p90; do same whatif "b$i.decode_$k" "$(jq .estimates.decode_toks_sec.$k "$TMP/e.json")"; done
    same whatif "b$i.decode_total_p50" "$(jq .estimates.decode_toks_sec_total.p50 "$TMP/e.json")"
    same whatif "b$i.prefill_p50" "$(jq .estimates.prefill_toks_sec.p50 "$TMP/e.json")"
    same whatif "b$i.ttft_p50" "$(jq .estimates.ttft_ms.p50 "$TMP/e.json")"
    same whatif "b$i.ttft_p95" "$(jq .estimates.ttft_ms.p95 "$TMP/e.json")"
    same whatif "b$i.vram" "$(jq .estimates.vram_peak_gb.p50 "$TMP/e.json")"
    same whatif "b$i.power" "$(jq .estimates.power_w "$TMP/e.json")"
    same whatif "b$i.cost" "$(jq .cost.hardware_usd "$TMP/e.json")"
    same whatif "b$i.feasibility" "$(jq -r .feasibility "$TMP/e.json")"
    for k in weights kv_cache compute communication overhead offload; do   # bars drawn for > 0
        v=$(jq .bottleneck_shares_pct.$k "$TMP/e.json")
        if [ "$v" != 0 ]; then same whatif "b$i.share_$k" "$v"
        else [ -z "$(shown whatif "b$i.share_$k")" ] || fail "whatif: b$i.share_$k drawn at 0"; fi
    done
    i=$((i + 1))
done
grep -q '<svg[^>]*class="roof"' "$TMP/whatif.html" || fail "whatif: no roofline chart"
ridge=$(jq .roofline.ridge_flop_per_byte "$TMP/e.json")
grep -q "data-k=\"ridge\" data-v=\"$ridge\"" "$TMP/whatif.html" || fail "whatif: ridge point $ridge not drawn"

# ---- hardware first: what runs on one RTX 4090 -----------------------------------------
page hardware '#mode=hardware&hw=rtx-4090&count=1&runtime=llama.cpp&quant=q4_k_m&ctx=1024&out=256&users=1'
for m in llama-3.1-8b qwen2.5-32b llama-3.1-70b; do
    est $m rtx-4090 1 llama.cpp q4_k_m 1024 256 1 > "$TMP/e.json"
    same hardware "$m.feasibility" "$(jq -r .feasibility "$TMP/e.json")"
    same hardware "$m.decode_p50" "$(jq .estimates.decode_toks_sec.p50 "$TMP/e.json")"
    same hardware "$m.decode_p90" "$(jq .estimates.decode_toks_sec.p90 "$TMP/e.json")"
    same hardware "$m.ttft_p50" "$(jq .estimates.ttft_ms.p50 "$TMP/e.json")"
    same hardware "$m.vram" "$(jq .estimates.vram_peak_gb.p50 "$TMP/e.json")"
done
rows=$(grep -o 'data-row="' "$TMP/hardware.html" | wc -l)
[ "$rows" -ge 20 ] || fail "hardware: only $rows models listed"

# ---- target model first: llama-3.1-70b for 8 users over a few builds ----------------------
page target '#mode=target&model=llama-3.1-70b&ctx=2048&out=256&users=8&hw=rtx-4090,a100-80g-sxm&counts=1,2,4&objective=throughput'
for hn in rtx-4090:2 rtx-4090:4 a100-80g-sxm:1 a100-80g-sxm:2; do
    h=${hn%%:*} n=${hn##*:}
    api /v1/solve "{\"model\":\"llama-3.1-70b\",\"hardware\":\"$h\",\"devices\":$n,\"objective\":\"throughput\",\"top\":1,\"workload\":{\"prompt_tokens\":2048,\"output_tokens\":256,\"concurrency\":8}}" > "$TMP/s.json"
    if [ "$(jq .search.feasible "$TMP/s.json")" = 0 ]; then
        grep -q "data-row=\"$hn\"" "$TMP/target.html" || fail "target: row $hn missing"
        continue
    fi
    same target "$hn.decode_total_p50" "$(jq '.recommended_configs[0].estimates.decode_tok_s_total.p50' "$TMP/s.json")"
    same target "$hn.decode_total_p10" "$(jq '.recommended_configs[0].estimates.decode_tok_s_total.p10' "$TMP/s.json")"
    same target "$hn.ttft_p95" "$(jq '.recommended_configs[0].estimates.ttft_ms.p95' "$TMP/s.json")"
    same target "$hn.power" "$(jq '.recommended_configs[0].estimates.power_w' "$TMP/s.json")"
done
grep -q 'class="mvb"' "$TMP/target.html" || fail "target: no minimum viable build marked"

[ $fails = 0 ] && echo "serve_page: all passed; screenshots in $ART"
exit $((fails > 0))
