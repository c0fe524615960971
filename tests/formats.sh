#!/bin/bash
# formats.sh -- the output formats of estimate, solve, batch and catalog
# (ctest runs it as: bash tests/formats.sh PATH/TO/ridgeline SRC):
#   - csv: one header row, every row with the header's field count, the
#     expected number of rows (one per recommendation / scenario / entry);
#   - md: a Markdown table (header, |---| separator, rows, same cell count);
#   - jsonl: every line a JSON document, as many as csv rows; json parses;
#   - text: no number in scientific notation; a configuration that does
#     not fit is marked NOT RUNNABLE and --strict exits 1 on it.
# JSON is checked with tests/tools/jsonsubset (built beside the binary).
# Prints "N passed, N failed" and exits non-zero on any failure.
rl=${1:?ridgeline binary}
src=${2:?source dir}
js=$(dirname "$rl")/jsonsubset
. "$src/tests/lib.sh" formats
check() { if eval "$2"; then ok; else bad "$1"; fi; }

echo '{}' > "$tmp/obj.json"
echo '[]' > "$tmp/arr.json"

# csv_fields FILE: the field count of each record, one a line (quotes
# respected: a quoted comma is not a separator)
csv_fields() {
    awk '{ n = 1; q = 0
           for (i = 1; i <= length($0); i++) {
               c = substr($0, i, 1)
               if (c == "\"") q = !q
               else if (c == "," && !q) n++
           }
           print n }' "$1"
}
# csv_ok FILE ROWS: header + ROWS records, all with the header's fields
csv_ok() {
    [ "$(wc -l < "$1")" = $(( $2 + 1 )) ] && [ "$(csv_fields "$1" | sort -u | wc -l)" = 1 ]
}
# md_ok FILE ROWS: | header |, |---|, ROWS rows, the same cell count
md_ok() {
    [ "$(wc -l < "$1")" = $(( $2 + 2 )) ] &&
    sed -n 2p "$1" | grep -Eq '^\|( ---:? \|)+$' &&
    ! grep -vq '^| .* |$\|^|\( ---:\? |\)*$' "$1" &&
    [ "$(sed 's/\\|//g; s/[^|]//g' "$1" | awk '{ print length($0) }' | sort -u | wc -l)" = 1 ]
}
# jsonl_ok FILE LINES: LINES lines, each a JSON object
jsonl_ok() {
    [ "$(wc -l < "$1")" = "$2" ] || return 1
    while IFS= read -r line; do
        printf '%s\n' "$line" > "$tmp/line.json"
        "$js" "$tmp/obj.json" "$tmp/line.json" 2>/dev/null || return 1
    done < "$1"
}
no_sci() { ! grep -Eq '[0-9]\.?[0-9]*[eE][+-][0-9]' "$1"; }

# ---------------------------------------------------------------- estimate
est=(estimate --model llama-3.1-70b --hardware h100-sxm --runtime vllm --tp 4)
"$rl" "${est[@]}" --format csv > "$tmp/e.csv"; rc=$?
check "estimate csv: exit $rc, header + 1 row" '[ $rc = 0 ] && csv_ok "$tmp/e.csv" 1'
check "estimate csv header" 'head -1 "$tmp/e.csv" | grep -q "^model,hardware,runtime,.*,runnable,.*,launch$"'
"$rl" "${est[@]}" --format md > "$tmp/e.md"
check "estimate md table" 'md_ok "$tmp/e.md" 1'
"$rl" "${est[@]}" --format jsonl > "$tmp/e.jsonl"
check "estimate jsonl: one object" 'jsonl_ok "$tmp/e.jsonl" 1'
"$rl" "${est[@]}" --format json > "$tmp/e1.json"
"$rl" "${est[@]}" --json > "$tmp/e2.json"
check "--json is --format json" 'cmp -s "$tmp/e1.json" "$tmp/e2.json"'
check "estimate json has launch" 'grep -q "\"launch\":[[:space:]]*\"vllm serve " "$tmp/e1.json"'

# 70B fp16 on one 24 GiB card: does not fit, end-to-end ~2e4 ms
big=(estimate --model llama-3.1-70b --hardware rtx-4090 --prompt 4096 --output 2048)
"$rl" "${big[@]}" > "$tmp/big.txt"; rc=$?
check "estimate text: exit 0 without --strict" '[ $rc = 0 ]'
check "estimate text: no scientific notation" 'no_sci "$tmp/big.txt"'
check "estimate text: NOT RUNNABLE mark" 'grep -q "NOT RUNNABLE: needs .* GiB per device" "$tmp/big.txt"'
check "estimate text: launch line" 'grep -q "^  launch: llama-server -m " "$tmp/big.txt"'
"$rl" "${big[@]}" --strict > /dev/null; rc=$?
check "--strict exits 1 when it does not fit (got $rc)" '[ $rc = 1 ]'
"$rl" "${est[@]}" --strict > "$tmp/fits.txt"; rc=$?
check "--strict exits 0 when it fits (got $rc)" '[ $rc = 0 ] && ! grep -q "NOT RUNNABLE" "$tmp/fits.txt"'

# ---------------------------------------------------------------- solve
s1=$src/scenarios/examples/llama70b-dual-4090.cfg
s2=$src/scenarios/examples/chat-8b-l4-ttft.cfg
"$rl" solve "$s1" "$s2" --top 3 --format csv > "$tmp/s.csv"; rc=$?
check "solve csv: header + 3 rows a scenario (exit $rc)" '[ $rc = 0 ] && csv_ok "$tmp/s.csv" 6'
check "solve csv header" 'head -1 "$tmp/s.csv" | grep -q "^scenario,rank,runtime,quant,kv_dtype,tp,pp,concurrency,decode_tok_s_p50,total_tok_s,ttft_ms_p95,tpot_ms_p95,memory_gib_peak,request_rate,capacity_rps,headroom,in_flight,served_tok_s,feasibility,score,launch$"'
"$rl" solve "$s1" "$s2" --top 3 --format md > "$tmp/s.md"
check "solve md table" 'md_ok "$tmp/s.md" 6'
"$rl" solve "$s1" "$s2" --top 3 --format jsonl > "$tmp/s.jsonl"
check "solve jsonl: one object a recommendation" 'jsonl_ok "$tmp/s.jsonl" 6'
"$rl" solve "$s1" "$s2" --top 3 > "$tmp/s.txt"
check "solve text: no scientific notation" 'no_sci "$tmp/s.txt"'
check "solve text: a launch line under each recommendation" '[ "$(grep -c "^     launch: " "$tmp/s.txt")" = 6 ]'
"$rl" solve --model llama-3.1-8b --hardware l4 --isl 1024 --osl 256 --ttft 2000 --top 2 \
    --format csv > "$tmp/f.csv"; rc=$?
check "solve from flags csv (exit $rc)" '[ $rc = 0 ] && csv_ok "$tmp/f.csv" 2 && grep -q "^command-line,1," "$tmp/f.csv"'

# ---------------------------------------------------------------- batch
sweep=("$src"/scenarios/examples/sweep/*.cfg)
sweep=("${sweep[@]:0:4}")
"$rl" batch "${sweep[@]}" --format csv > "$tmp/b.csv"; rc=$?
check "batch csv: header + a row a scenario (exit $rc)" '[ $rc = 0 ] && csv_ok "$tmp/b.csv" 4'
check "batch csv header" 'head -1 "$tmp/b.csv" | grep -q "^index,scenario,exit,feasible,rank,.*,launch,error$"'
"$rl" batch "${sweep[@]}" --format csv --shard 1/2 > "$tmp/b1.csv"
check "batch csv shard: its own header + 2 rows" 'csv_ok "$tmp/b1.csv" 2'
"$rl" batch "${sweep[@]}" --format md --jobs 2 > "$tmp/b.md"
check "batch md table" 'md_ok "$tmp/b.md" 4'
"$rl" batch "${sweep[@]}" > "$tmp/b.jsonl"
check "batch default is jsonl" 'jsonl_ok "$tmp/b.jsonl" 4'
"$rl" batch "${sweep[@]}" --format json > "$tmp/b.json"
check "batch json is one array" '"$js" "$tmp/arr.json" "$tmp/b.json" 2>/dev/null && [ "$(grep -c "^  {\|^{" "$tmp/b.json")" -ge 1 ]'
"$rl" batch "${sweep[@]}" --format text > "$tmp/b.txt"
check "batch text: a table a scenario, no scientific notation" '[ "$(grep -c "^== " "$tmp/b.txt")" = 4 ] && no_sci "$tmp/b.txt"'

# ---------------------------------------------------------------- catalog
for k in models hardware runtimes quant; do
    "$rl" catalog $k --format jsonl > "$tmp/c.jsonl"
    n=$(wc -l < "$tmp/c.jsonl")
    "$rl" catalog $k --format csv > "$tmp/c.csv"
    check "catalog $k csv: a row an entry ($n)" '[ "$n" -gt 0 ] && csv_ok "$tmp/c.csv" "$n"'
    "$rl" catalog $k > "$tmp/c.txt"
    check "catalog $k text: header row, aligned, no scientific notation" \
        'head -1 "$tmp/c.txt" | grep -q "^id  " && [ "$(wc -l < "$tmp/c.txt")" = $((n + 1)) ] && no_sci "$tmp/c.txt"'
done

summary
