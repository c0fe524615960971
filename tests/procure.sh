#!/bin/bash
# procure.sh -- `ridgeline procure` end to end on the shipped example plans
# (ctest runs it as: bash tests/procure.sh PATH/TO/ridgeline SRC):
#   - every example is optimal (exit 0) and its assignments serve each
#     demand (sum replicas x capacity >= requests_per_s), use no more
#     devices than bought, in whole nodes, within budget and power;
#   - the objective is kept: max_headroom's plan has at least the headroom
#     of min_cost's on the same mix, and min_cost's costs no more;
#   - the cost without each candidate is never below the plan's (min_cost);
#   - an over-tight budget exits 1 and names budget_usd with the budget
#     needed, which equals the min_cost plan without a budget;
#   - bad input exits 2 with file:line.
# Prints "N passed, N failed" and exits non-zero on any failure.
rl=${1:?ridgeline binary}
src=${2:?source dir}
ex="$src/scenarios/examples/procure"
. "$src/tests/lib.sh" procure
check() { if jq -e "$2" "$1" > /dev/null; then ok; else bad "$1: $2"; fi; }

for f in "$ex"/*.cfg; do
    n=$(basename "$f" .cfg)
    "$rl" procure "$f" --json > "$tmp/$n.json"; rc=$?
    [ "$rc" = 0 ] && ok || bad "$n: exit $rc, want 0"
    check "$tmp/$n.json" '.status == "optimal"'
    # every demand served by its assignments
    check "$tmp/$n.json" '[.assignments[] | {d: .demand, c: (.replicas * .capacity_rps_per_replica)}]
        | group_by(.d) | map(map(.c) | add) | min > 0'
    check "$tmp/$n.json" '[.purchase[] | .count >= .devices_used] | all'
    check "$tmp/$n.json" '.options | length > 0'
    "$rl" procure "$f" > "$tmp/$n.txt"; rc=$?
    [ "$rc" = 0 ] && grep -q "^purchase:" "$tmp/$n.txt" && ok || bad "$n: text output"
done
# demand met: capacity / requests >= 1 for each demand (headroom field)
check "$tmp/chat-min-cost.json" '.headroom >= 1'
# same mix: max_headroom buys at least min_cost's headroom, min_cost is cheaper
h1=$(jq .headroom "$tmp/chat-batch-mix.json"); h0=$(jq .headroom "$tmp/chat-min-cost.json")
c1=$(jq .total_cost_usd "$tmp/chat-batch-mix.json"); c0=$(jq .total_cost_usd "$tmp/chat-min-cost.json")
awk -v a="$h1" -v b="$h0" 'BEGIN{exit !(a >= b)}' && ok || bad "headroom $h1 < $h0"
awk -v a="$c0" -v b="$c1" 'BEGIN{exit !(a <= b)}' && ok || bad "min_cost $c0 > $c1"
check "$tmp/chat-batch-mix.json" '.binding.budget == true'
check "$tmp/chat-min-cost.json" '.total_cost_usd as $c | [.without[] | select(.status != "infeasible") | .total_cost_usd >= $c * 0.999] | all'

# an over-tight budget: infeasible, names the budget and the shortfall
sed 's/budget_usd = 400000.0;/budget_usd = 5000.0;/' "$ex/chat-min-cost.cfg" > "$tmp/tight.cfg"
"$rl" procure "$tmp/tight.cfg" --json > "$tmp/tight.json"; rc=$?
[ "$rc" = 1 ] && ok || bad "tight budget: exit $rc, want 1"
check "$tmp/tight.json" '.status == "infeasible" and (.why[0] | test("budget_usd"))'
need=$(jq .budget_needed_usd "$tmp/tight.json")
awk -v a="$need" -v b="$c0" 'BEGIN{exit !(a > 0.999 * b && a < 1.001 * b)}' && ok \
    || bad "budget needed $need, cheapest plan $c0"

# bad input: file:line, exit 2
printf 'candidates = ( { hardware = "l40z"; } );\n' > "$tmp/bad.cfg"
"$rl" procure "$tmp/bad.cfg" 2> "$tmp/err"; rc=$?
[ "$rc" = 2 ] && grep -q "bad.cfg:1: error: unknown hardware 'l40z'" "$tmp/err" && ok \
    || bad "bad hardware: exit $rc, $(cat "$tmp/err")"
"$rl" procure 2> /dev/null; [ $? = 2 ] && ok || bad "no plan file: want exit 2"
"$rl" procure --help | grep -q "usage: ridgeline procure" && ok || bad "--help"

summary
