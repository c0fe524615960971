#!/usr/bin/env bash
# demo.sh -- the main job on the built-in catalog: what `make demo` runs.
#   scripts/demo.sh path/to/ridgeline
set -u
rl=${1:-build/ridgeline}
here=$(cd "$(dirname "$0")/.." && pwd)
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step ridgeline estimate --model llama-3.1-8b --hardware rtx-4090 --quant q4_k_m
"$rl" estimate --model llama-3.1-8b --hardware rtx-4090 --quant q4_k_m || exit $?

step ridgeline estimate --model llama-3.1-70b --hardware rtx-4090 --devices 2 --quant q4_k_m --prompt 4096 --output 512
"$rl" estimate --model llama-3.1-70b --hardware rtx-4090 --devices 2 --quant q4_k_m \
    --prompt 4096 --output 512 || exit $?

step ridgeline estimate --model llama-3.1-70b --hardware rtx-4090 --quant fp16 --json '| feasibility'
"$rl" estimate --model llama-3.1-70b --hardware rtx-4090 --quant fp16 --json |
    grep -E '"(feasibility|device_peak|device_capacity)"' || exit $?

ex="$here/scenarios/examples/llama70b-dual-4090.cfg"
if [ -f "$ex" ]; then
    step ridgeline solve scenarios/examples/llama70b-dual-4090.cfg --top 5
    "$rl" solve "$ex" --top 5
    rc=$?
    [ "$rc" -le 1 ] || exit $rc
fi

sweep=("$here"/scenarios/examples/sweep/*.cfg)
if [ -f "${sweep[0]}" ]; then
    step "ridgeline batch scenarios/examples/sweep/*.cfg --jobs 2   # ${#sweep[@]} scenarios, one JSON line each"
    "$rl" batch "${sweep[@]}" --jobs 2 --out /tmp/ridgeline-demo-sweep.jsonl || exit $?
    echo "wrote /tmp/ridgeline-demo-sweep.jsonl ($(wc -l < /tmp/ridgeline-demo-sweep.jsonl) lines)"
fi

step "ridgeline validate   # model error on devices the fit never saw"
"$rl" validate
rc=$?
# validate exits 1 when an accuracy gate is missed: the demo reports, not fails
[ "$rc" -le 1 ] || exit $rc
exit 0
