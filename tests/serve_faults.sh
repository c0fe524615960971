#!/bin/bash
# serve_faults.sh -- `ridgeline serve` under load and faults, loopback only,
# bounded to seconds: 8 concurrent clients get no error; 10,000 malformed
# requests do not kill it; slowloris connections are dropped by the
# --conn-timeout watchdog while normal requests still succeed; kill -9
# while run records are being posted loses none that was acknowledged.
# Uses bench_serve (bench/bench_serve.c, built beside ridgeline).
#
#   bash tests/serve_faults.sh PATH/TO/ridgeline SOURCE_DIR
set -u
. "$2/tests/tools/serve_lib.sh"      # BIN TMP PID fails fail cleanup start
BENCH=$(dirname "$BIN")/bench_serve
[ -x "$BENCH" ] || { echo "no $BENCH" >&2; exit 1; }

alive() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz" | grep -q 200; }

start --threads 2 --conn-timeout 2

# 8 concurrent clients, no errors (bench_serve exits 1 on any)
out=$("$BENCH" --port "$PORT" --clients 8 --seconds 2) || fail "load: $out"
echo "$out"

# 10,000 malformed requests: every one answered 4xx or closed, server alive
out=$("$BENCH" --port "$PORT" --malformed 10000) || fail "malformed: $out"
echo "$out"
alive || fail "server dead after malformed requests"
kill -0 "$PID" || fail "server process gone"

# slowloris: 40 clients trickling headers for 4 s against a 2 s timeout
out=$("$BENCH" --port "$PORT" --slow 40 --seconds 4)
echo "$out"
case $out in
    *"slow_dropped=40 "*"normal_fail=0"*) ;;
    *) fail "slowloris: $out" ;;
esac
echo "$out" | grep -q 'normal_ok=[1-9]' || fail "no normal request succeeded: $out"
alive || fail "server dead after slow clients"

# kill -9 while records are posted: every acknowledged one survives
"$BENCH" --port "$PORT" --post-runs 100000 --acked "$TMP/acked" &
BP=$!
sleep 1.5
kill -9 "$PID"; wait "$PID" 2>/dev/null
PID=
wait "$BP"
acked=$(wc -l < "$TMP/acked")
[ "$acked" -gt 0 ] || fail "no record was acknowledged"
printf "deadbeef {\"torn" >> "$TMP/store/runs.log"    # as if a write was cut too
start
curl -s "http://127.0.0.1:$PORT/v1/calibrate" > "$TMP/list.json"
jq -r '.runs[].run_id' "$TMP/list.json" | sort > "$TMP/stored"
sort "$TMP/acked" > "$TMP/acked.s"
lost=$(comm -23 "$TMP/acked.s" "$TMP/stored" | wc -l)
echo "kill -9: $acked acknowledged, $(wc -l < "$TMP/stored") stored, $lost lost"
[ "$lost" = 0 ] || fail "$lost acknowledged records lost"
# and the store still takes records after the torn tail
code=$(curl -s -o /dev/null -w '%{http_code}' -d '{"run_id":"after","model_id":"m","runtime_id":"r","hardware_id":"h","metrics":{"x":1}}' "http://127.0.0.1:$PORT/v1/calibrate")
[ "$code" = 201 ] || fail "append after torn tail: $code"
kill -TERM "$PID"; wait "$PID"; PID=
start
[ "$(curl -s "http://127.0.0.1:$PORT/v1/calibrate" | jq -r '.runs[-1].run_id')" = after ] || fail "record after torn tail lost"

[ $fails = 0 ] && echo "serve_faults: all passed"
exit $((fails > 0))
