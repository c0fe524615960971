# tests/lib.sh: what the CLI test scripts share.  After setting $src,
#   . "$src/tests/lib.sh" NAME
# gives a scratch directory $tmp (removed on exit), the counters
# pass/fail with ok and bad MESSAGE, and summary, which prints
# "NAME: N passed, N failed" and returns non-zero on any failure.
t_name=${1:?test name}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $t_name: $*"; }
summary() { echo "$t_name: $pass passed, $fail failed"; [ "$fail" = 0 ]; }
