#!/usr/bin/env bash
# fuzz.sh -- run the libFuzzer targets (fuzz/fuzz_*.c) for a while each.
#
#   scripts/fuzz.sh BUILD_DIR SECONDS [hf|gguf|cfg|csv|solve|api|harness ...]
#
# BUILD_DIR holds fuzz_hf, fuzz_gguf, fuzz_cfg, fuzz_csv, fuzz_solve, fuzz_api, fuzz_harness
# (CC=clang cmake -DRL_FUZZ=ON; for coverage the library itself must be built with
# -fsanitize=fuzzer-no-link,address,undefined, e.g. via CMAKE_C_FLAGS).
# fuzz_csv inputs are hardware.csv, a line "--", then measurements.csv
# (the benchmark loader, calibrate.h; see fuzz/fuzz_csv.c).
# fuzz_api inputs are HTTP request bodies of `serve` (fuzz/api_input.h).
# fuzz_harness inputs are one byte (0: detect the format, else force one)
# then a benchmark report or runtime log (fuzz/harness_input.h).
# Each target runs SECONDS over fuzz/corpus/<target>/ (seeds) with
# -max_len 65536 and the dictionary fuzz/corpus/<target>.dict if present.
# New inputs go to a scratch folder; afterwards seeds, corpus and new
# inputs are minimised together (libFuzzer -merge=1 into an empty folder)
# and the result replaces the generated files of fuzz/corpus/<target>/.
# Crashes, leaks, timeouts and OOMs land in tests/data/crashers/<target>-*,
# where tests/test_fuzz_replay.c replays them on every `make test`.
# The committed corpus is capped at RL_FUZZ_CORPUS_CAP (100) files per
# target, named seeds included, so that the replay stays fast (the largest
# generated inputs go first).
# Exit status: 0 when no target found anything, 1 otherwise.
set -u
build=${1:?usage: fuzz.sh BUILD_DIR SECONDS [target...]}
secs=${2:?usage: fuzz.sh BUILD_DIR SECONDS [target...]}
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(hf gguf cfg csv solve api harness)
crash_dir="$root/tests/data/crashers"
mkdir -p "$crash_dir"
found=0
cap=${RL_FUZZ_CORPUS_CAP:-100}       # files kept per target in fuzz/corpus/

for t in "${targets[@]}"; do
    bin="$build/fuzz_$t"
    if [ ! -x "$bin" ]; then
        echo "fuzz.sh: $bin not found (configure with CC=clang -DRL_FUZZ=ON)" >&2
        exit 2
    fi
    corpus="$root/fuzz/corpus/$t"
    mkdir -p "$corpus"
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/rl-fuzz-$t.XXXXXX")
    dict=()
    [ -f "$root/fuzz/corpus/$t.dict" ] && dict=("-dict=$root/fuzz/corpus/$t.dict")
    before=$(ls "$crash_dir" | wc -l)
    export LSAN_OPTIONS="suppressions=$root/fuzz/corpus/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
    echo "== fuzz_$t for ${secs}s (seeds: $(ls "$corpus" | wc -l))"
    "$bin" "$scratch" "$corpus" "${dict[@]}" \
        -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$crash_dir/$t-" -print_final_stats=1 2>&1 |
        grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' || true
    # Minimise: libFuzzer's merge into an empty folder keeps the smallest
    # set of inputs (old corpus and new ones alike) that reaches every
    # feature any of them reaches.  Its files replace the generated
    # (hash-named) ones; named seeds always stay.  (Merging only new inputs
    # into the corpus and then dropping the largest, as before, pushed the
    # deep structured inputs out in favour of small new ones.)
    fresh=$(mktemp -d "${TMPDIR:-/tmp}/rl-fuzz-$t-min.XXXXXX")
    if "$bin" -merge=1 -max_len=65536 "$fresh" "$corpus" "$scratch" >/dev/null 2>&1 &&
       [ -n "$(ls "$fresh")" ]; then
        seeds=$(ls "$corpus" | grep -vE '^[0-9a-f]{40}$' |
                (cd "$corpus" && xargs -r -d '\n' sha1sum) | cut -c1-40)
        ls "$corpus" | grep -E '^[0-9a-f]{40}$' | (cd "$corpus" && xargs -r rm -f)
        for f in $(ls "$fresh"); do
            grep -qx "$f" <<<"$seeds" || cp "$fresh/$f" "$corpus/$f"
        done
    fi
    rm -rf "$scratch" "$fresh"
    # Cap the committed corpus (the replay test reads all of it) at $cap
    # files: drop the largest generated inputs beyond it; named seeds stay.
    ls -S "$corpus" | grep -E '^[0-9a-f]{40}$' |
        while read -r f; do
            [ "$(ls "$corpus" | wc -l)" -le "$cap" ] && break
            rm -f "$corpus/$f"
        done
    after=$(ls "$crash_dir" | wc -l)
    if [ "$after" -gt "$before" ]; then
        echo "fuzz_$t: $((after - before)) new file(s) in tests/data/crashers/" >&2
        found=1
    fi
    echo "   corpus now $(ls "$corpus" | wc -l) files"
done
exit $found
