#!/bin/bash
# signoff.sh -- golden sign-off cases of `ridgeline signoff`.
#
#   bash tests/signoff.sh PATH/TO/ridgeline SOURCE_DIR     (ctest runs it so)
#
# For each tests/signoff/NAME.args (one line of arguments; $SRC is the
# source dir) the command runs three times, from tests/signoff/:
#   ARGS --json --report R.md   stdout must be a superset of
#                               NAME.expected.json (tests/tools/jsonsubset,
#                               numbers within rtol 0.25), exit status
#                               NAME.status (default 0);
#   the report R.md             its skeleton -- headings, each check's name
#                               and status, each "what would pass" item's
#                               name, the verdict line -- must equal
#                               NAME.report exactly (figures may drift with
#                               calibration; the document's shape may not);
#   ARGS (plain)                one "PASS|FAIL  name" line per check in the
#                               same order as the JSON, then the verdict.
# Then: a --report into a folder that does not exist fails with status 4,
# nothing on stdout and no file left behind.
set -u
[ $# -eq 2 ] || { echo "usage: bash tests/signoff.sh PATH/TO/ridgeline SOURCE_DIR" >&2; exit 2; }
BIN=$(realpath "$1")
SRC=$(realpath "$2")
export SRC
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
JS=$(dirname "$BIN")/jsonsubset
[ -x "$JS" ] || { echo "signoff: no jsonsubset beside $BIN" >&2; exit 1; }
pass=0
fail=0
bad() { fail=$((fail + 1)); echo "FAIL $1: $2"; }

# The skeleton of a sign-off report (see above).
skeleton() {
    sed -n -e 's/^\(#.*\)$/\1/p' \
           -e 's/^\*\*\(Verdict: [A-Z]*\)\*\*$/\1/p' \
           -e 's/^| \([a-z_0-9]*\) | \(PASS\|FAIL\) |.*/\1 \2/p' \
           -e 's/^- \*\*\([a-z_0-9]*\)\*\*:.*/to pass: \1/p' "$1"
}

for a in "$SRC"/tests/signoff/*.args; do
    [ -e "$a" ] || continue
    base=${a%.args}
    name=signoff/$(basename "$base")
    IFS= read -r line <"$a"
    eval "args=($line)"
    want=0
    [ -f "$base.status" ] && want=$(tr -d ' \n' <"$base.status")
    rm -f "$TMP/r.md"
    (cd "$SRC/tests/signoff" && "$BIN" "${args[@]}" --json --report "$TMP/r.md" \
        >"$TMP/out" 2>"$TMP/err")
    rc=$?
    if [ "$rc" != "$want" ]; then
        bad "$name" "exit status $rc, expected $want"; head -3 "$TMP/err"; continue
    fi
    if [ -s "$TMP/err" ]; then bad "$name" "unexpected stderr"; head -3 "$TMP/err"; continue; fi
    if ! "$JS" --rtol 0.25 "$base.expected.json" "$TMP/out" 2>"$TMP/js"; then
        bad "$name" "stdout is not a superset of $(basename "$base").expected.json"
        head -20 "$TMP/js"; continue
    fi
    skeleton "$TMP/r.md" >"$TMP/skel"
    if ! cmp -s "$base.report" "$TMP/skel"; then
        bad "$name" "report skeleton differs"; diff "$base.report" "$TMP/skel" | head -20
        continue
    fi
    (cd "$SRC/tests/signoff" && "$BIN" "${args[@]}" >"$TMP/plain" 2>/dev/null)
    grep -o '"name":[^,]*' "$TMP/out" | sed 's/.*"\([^"]*\)"$/\1/' >"$TMP/names.json"
    sed -n 's/^\(PASS\|FAIL\)  \([a-z_0-9]*\) .*/\2/p' "$TMP/plain" >"$TMP/names.txt"
    if ! cmp -s "$TMP/names.json" "$TMP/names.txt" ||
       ! tail -1 "$TMP/plain" | grep -q '^verdict: \(PASS\|FAIL\) ('; then
        bad "$name" "plain output does not list the JSON's checks, then the verdict"
        continue
    fi
    pass=$((pass + 1))
done

# A report that cannot be written: status 4, no stdout, no file.
(cd "$SRC/tests/signoff" && "$BIN" signoff "$SRC/scenarios/examples/signoff/resnet50-hailo8.cfg" \
    --report "$TMP/missing/r.md" >"$TMP/out" 2>"$TMP/err")
rc=$?
if [ "$rc" = 4 ] && [ ! -s "$TMP/out" ] && [ ! -e "$TMP/missing" ]; then
    pass=$((pass + 1))
else
    bad "signoff/report-unwritable" "status $rc (want 4), stdout $(wc -c <"$TMP/out") bytes"
fi

# solve on a hybrid scenario ranks the LLM alone and says so (the encoder
# stream is signoff's to check), rather than dropping it silently.
"$BIN" solve "$SRC/scenarios/examples/signoff/hybrid-rk3588.cfg" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" = 0 ] && grep -q "note: encoder_stream (resnet-50 at 15 inputs/s) is checked by \`ridgeline signoff\`" "$TMP/err"; then
    pass=$((pass + 1))
else
    bad "signoff/solve-hybrid-note" "status $rc, stderr: $(head -c 300 "$TMP/err")"
fi

echo "signoff: $pass passed, $fail failed"
[ "$fail" = 0 ]
