# serve_lib.sh -- what the serve tests share (sourced, not run: it lives in
# tests/tools/ so ctest does not take it for a test).  Sets BIN, TMP, PID,
# fails; defines fail, cleanup (kill -9 the server, remove TMP; an EXIT
# trap) and start ARGS... (a server on a free loopback port; sets PID,
# PORT and URL, exits 1 when it does not come up).
BIN=$(realpath "$1")
TMP=$(mktemp -d)
PID=
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
cleanup() { [ -n "$PID" ] && { kill -9 "$PID"; wait "$PID"; } 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

start() {
    : > "$TMP/serve.err"
    "$BIN" serve --port 0 --store "$TMP/store" "$@" 2>"$TMP/serve.err" &
    PID=$!
    PORT=
    for _ in $(seq 100); do
        PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$TMP/serve.err")
        [ -n "$PORT" ] && break
        sleep 0.05
    done
    [ -n "$PORT" ] || { echo "server did not start: $(cat "$TMP/serve.err")" >&2; exit 1; }
    URL=http://127.0.0.1:$PORT
}
