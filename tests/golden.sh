#!/bin/bash
# golden.sh -- end-to-end tests of the `ridgeline` command line.
#
#   bash tests/golden.sh PATH/TO/ridgeline SOURCE_DIR     (ctest runs it so)
#
# Three kinds of case, each a set of files sharing a NAME (and a fourth,
# the import round trip at the end, over a fixed list of real configs):
#
#   tests/cli/NAME.args      one line of arguments (shell words; $SRC is the
#                            source dir), run from tests/cli/.  Checked:
#     NAME.status            exit status (default 0)
#     NAME.expected.json     a SUBSET of stdout's JSON (tests/tools/jsonsubset:
#                            keys and array elements must exist, numbers within
#                            NAME.rtol relative, default 0.25, strings exact)
#     NAME.stderr            stderr exactly; without it stderr must be empty
#                            when the status is 0
#
#   tests/errors/X.args      arguments of a command that must fail, run from
#   tests/errors/X.cfg       tests/errors/ (X.cfg without X.args runs
#                            `ridgeline solve X.cfg`).  Checked: stderr exactly
#                            X.stderr, exit status X.status (default 2), and
#                            NOTHING on stdout.
#
#   tests/scenarios/X.cfg    with X.expected.json: `ridgeline solve X.cfg
#                            --json` run from tests/scenarios/; exit status is
#                            the expected file's "exit" key (default 0), the
#                            rest a subset of stdout as above.
#
# In stderr the source dir is written as $SRC, so expectations do not
# depend on where the tree lives.  RL_WRAP (e.g. a valgrind command line,
# see scripts/valgrind.sh) is put in front of every ridgeline run.
# Exit status: 0 when every case passes, 1 otherwise.
set -u

if [ $# -ne 2 ]; then
    echo "usage: bash tests/golden.sh PATH/TO/ridgeline SOURCE_DIR" >&2
    exit 2
fi
BIN=$(realpath "$1")
SRC=$(realpath "$2")
export SRC
WRAP=${RL_WRAP:-}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# jsonsubset: beside the binary (CMake builds it), else build it here.
JS=$(dirname "$BIN")/jsonsubset
if [ ! -x "$JS" ]; then
    JS=$TMP/jsonsubset
    if ! cc -std=c11 -O1 $(pkg-config --cflags libcjson) "$SRC/tests/tools/jsonsubset.c" \
            -o "$JS" $(pkg-config --libs libcjson) -lm; then
        echo "golden: cannot build tests/tools/jsonsubset" >&2
        exit 1
    fi
fi

pass=0
fail=0
failed_names=()

# run DIR ARGS... : run ridgeline from DIR; output in $TMP/out, $TMP/err, $rc
run() {
    local dir=$1
    shift
    (cd "$dir" && $WRAP "$BIN" "$@" >"$TMP/out" 2>"$TMP/err")
    rc=$?
    local e
    e=$(cat "$TMP/err"; printf x)
    e=${e%x}
    printf '%s' "${e//"$SRC"/\$SRC}" >"$TMP/err"
}

ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    failed_names+=("$1")
    echo "FAIL $1: $2"
}

# read_args FILE : the words of its first line into the array `args`
read_args() {
    local line
    IFS= read -r line <"$1" || true
    eval "args=($line)"
}

want_stderr() {       # NAME FILE : compare stderr exactly
    if ! cmp -s "$2" "$TMP/err"; then
        bad "$1" "stderr differs"
        diff "$2" "$TMP/err" | sed 's/^/    /' | head -20
        return 1
    fi
}

# ---------------------------------------------------------------- tests/cli
for a in "$SRC"/tests/cli/*.args; do
    [ -e "$a" ] || continue
    name=cli/$(basename "$a" .args)
    base=${a%.args}
    read_args "$a"
    run "$SRC/tests/cli" "${args[@]}"
    want=0
    [ -f "$base.status" ] && want=$(tr -d ' \n' <"$base.status")
    if [ "$rc" != "$want" ]; then
        bad "$name" "exit status $rc, expected $want"
        sed 's/^/    /' "$TMP/err" | head -5
        continue
    fi
    if [ -f "$base.expected.json" ]; then
        rtol=0.25
        [ -f "$base.rtol" ] && rtol=$(tr -d ' \n' <"$base.rtol")
        if ! "$JS" --rtol "$rtol" "$base.expected.json" "$TMP/out" 2>"$TMP/js"; then
            bad "$name" "stdout is not a superset of $(basename "$base").expected.json"
            sed 's/^/    /' "$TMP/js" | head -20
            continue
        fi
    fi
    if [ -f "$base.stderr" ]; then
        want_stderr "$name" "$base.stderr" || continue
    elif [ "$rc" = 0 ] && [ -s "$TMP/err" ]; then
        bad "$name" "unexpected stderr on success"
        sed 's/^/    /' "$TMP/err" | head -5
        continue
    fi
    ok
done

# ------------------------------------------------------------- tests/errors
for f in "$SRC"/tests/errors/*.args "$SRC"/tests/errors/*.cfg; do
    [ -e "$f" ] || continue
    base=${f%.*}
    x=$(basename "$base")
    name=errors/$x
    case $f in
        *.cfg) [ -f "$base.args" ] && continue      # the .args drive this case
               args=(solve "$x.cfg") ;;
        *)     read_args "$f" ;;
    esac
    if [ ! -f "$base.stderr" ]; then
        bad "$name" "no $x.stderr"
        continue
    fi
    run "$SRC/tests/errors" "${args[@]}"
    want=2
    [ -f "$base.status" ] && want=$(tr -d ' \n' <"$base.status")
    if [ "$rc" != "$want" ]; then
        bad "$name" "exit status $rc, expected $want"
        sed 's/^/    /' "$TMP/err" | head -5
        continue
    fi
    if [ -s "$TMP/out" ]; then
        bad "$name" "wrote to stdout on error"
        head -c 300 "$TMP/out" | sed 's/^/    /'
        continue
    fi
    want_stderr "$name" "$base.stderr" || continue
    ok
done

# ---------------------------------------------------------- tests/scenarios
for e in "$SRC"/tests/scenarios/*.expected.json; do
    [ -e "$e" ] || continue
    x=$(basename "$e" .expected.json)
    name=scenarios/$x
    if [ ! -f "$SRC/tests/scenarios/$x.cfg" ]; then
        bad "$name" "no $x.cfg beside $x.expected.json"
        continue
    fi
    run "$SRC/tests/scenarios" solve "$x.cfg" --json
    want=$("$JS" --get exit 0 "$e") || { bad "$name" "invalid $x.expected.json"; continue; }
    if [ "$rc" != "$want" ]; then
        bad "$name" "exit status $rc, expected $want"
        sed 's/^/    /' "$TMP/err" | head -5
        continue
    fi
    rtol=0.25
    [ -f "$SRC/tests/scenarios/$x.rtol" ] && rtol=$(tr -d ' \n' <"$SRC/tests/scenarios/$x.rtol")
    if ! "$JS" --rtol "$rtol" --skip exit "$e" "$TMP/out" 2>"$TMP/js"; then
        bad "$name" "stdout is not a superset of $x.expected.json"
        sed 's/^/    /' "$TMP/js" | head -20
        continue
    fi
    ok
done

# ---------------------------------------------------------- import round trip
# The text `import` prints is a model spec: loading it back with the
# importer must give the same model (params, KV and fixed state, top-k).
# One real config per layout (data/hf-configs ships with the repo).
HF="$SRC/data/hf-configs"
for x in Qwen--Qwen3.5-35B-A3B nvidia--NVIDIA-Nemotron-3-Nano-30B-A3B-BF16 \
         zai-org--GLM-5 deepseek-ai--DeepSeek-V3.2 meta-llama--Meta-Llama-3.1-405B \
         openai--gpt-oss-120b google--gemma-4-26B-A4B \
         nvidia--NVIDIA-Nemotron-3-Super-120B-A12B-FP8 XiaomiMiMo--MiMo-V2-Flash; do
    f="$HF/${x}_config.json"
    name=roundtrip/$x
    [ -f "$f" ] || { bad "$name" "missing $f"; continue; }
    run "$SRC" import "$f"
    [ "$rc" = 0 ] || { bad "$name" "import exit $rc"; continue; }
    cp "$TMP/out" "$TMP/spec.cfg"
    run "$SRC" import "$f" --json
    cp "$TMP/out" "$TMP/direct.json"
    run "$SRC" import "$TMP/spec.cfg" --json
    [ "$rc" = 0 ] || { bad "$name" "reloading the spec: exit $rc"; sed 's/^/    /' "$TMP/err" | head -3; continue; }
    if ! "$JS" --rtol 1e-6 "$TMP/direct.json" "$TMP/out" 2>"$TMP/js"; then
        bad "$name" "the reloaded spec differs from the import"
        sed 's/^/    /' "$TMP/js" | head -10
        continue
    fi
    ok
done

echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ] || { printf '  %s\n' "${failed_names[@]}"; exit 1; }
exit 0
