#!/bin/bash
# reliability.sh -- issue 13's contract, end to end (ctest runs it as
# bash tests/reliability.sh PATH/TO/ridgeline SRC):
#   - every input path that is a FIFO (or a device) gives exit 2 and one
#     line on stderr at once: no command may block on it;
#   - --out of batch and calibrate refuses a device node, a symbolic link
#     to one, a FIFO, a directory and the process's own redirected stdout,
#     leaving each as it was; '-' is stdout; a link to a regular file
#     writes that file and stays a link;
#   - a scenario name that is not UTF-8 is an input error with file:line,
#     and every JSON line printed (a non-UTF-8 scenario *file name*
#     included) is valid UTF-8 JSON;
#   - calibrate with nothing to fit exits 1 and touches no file;
#   - SIGTERM / SIGINT / SIGHUP during `batch --out` leave no temp file.
# Prints "N passed, N failed" and exits non-zero on any failure.
rl=$(realpath "${1:?ridgeline binary}")
src=$(realpath "${2:?source dir}")
. "$src/tests/lib.sh" reliability
js=$(dirname "$rl")/jsonsubset
scn=$src/scenarios/examples/sweep/01-llama-3.1-8b-1xrtx-4090.cfg
cd "$tmp" || exit 1

# run NAME WANT_RC CMD...: the command must end within 20 s with WANT_RC
# and (for errors) exactly one line on stderr.
run() {
    local name=$1 want=$2
    shift 2
    timeout 20 "$rl" "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
    local rc=$?
    if [ "$rc" = 124 ]; then bad "$name: hung (killed after 20 s)"; return; fi
    [ "$rc" = "$want" ] && ok || bad "$name: exit $rc, want $want ($(head -c 300 "$tmp/err"))"
    if [ "$want" != 0 ] && [ "$want" != 1 ]; then
        [ "$(wc -l < "$tmp/err")" = 1 ] && ok || bad "$name: stderr is not one line: $(cat "$tmp/err")"
    fi
}

# valid UTF-8 and JSON on every line of FILE
json_lines_ok() {
    iconv -f UTF-8 -t UTF-8 "$1" > /dev/null 2>&1 || return 1
    echo '{}' > "$tmp/empty.json"
    while IFS= read -r line; do
        printf '%s\n' "$line" > "$tmp/line.json"
        "$js" "$tmp/empty.json" "$tmp/line.json" 2> /dev/null
        [ $? = 2 ] && return 1
    done < "$1"
    return 0
}

# ---- FIFO inputs: each kind of path --------------------------------------
mkfifo fifo
mkdir -p data && mkfifo data/measurements.csv && : > data/hardware.csv
mkdir -p data2 && mkfifo data2/hardware.csv
printf 'name = "m";\nmodel_file = "fifo";\nhardware = "rtx-4090";\n' > model-fifo.cfg
printf 'name = "h";\nmodel = "llama-3.1-8b";\nhardware_file = "fifo";\n' > hw-fifo.cfg
printf '@include "fifo"\nname = "i";\n' > inc-fifo.cfg
printf '@include "inc-fifo.cfg"\n' > inc-nested.cfg
run "import FIFO" 2 import fifo
run "estimate --model-file FIFO" 2 estimate --model-file fifo --hardware rtx-4090
run "estimate --hardware-file FIFO" 2 estimate --model llama-3.1-8b --hardware-file fifo
run "estimate --calibration FIFO" 2 estimate --model llama-3.1-8b --hardware rtx-4090 --calibration fifo
run "solve FIFO" 2 solve fifo
run "scenario model_file FIFO" 2 solve model-fifo.cfg
run "scenario hardware_file FIFO" 2 solve hw-fifo.cfg
run "scenario @include FIFO" 2 solve inc-fifo.cfg
run "scenario nested @include FIFO" 2 solve inc-nested.cfg
run "validate --data, FIFO measurements.csv" 2 validate --data data
run "validate --data, FIFO hardware.csv" 2 validate --data data2
run "calibrate --data, FIFO measurements.csv" 2 calibrate --data data --out cal.cfg
run "import /dev/zero" 2 import /dev/zero
timeout 20 "$rl" batch fifo "$scn" > batch.jsonl 2> /dev/null < /dev/null; rc=$?
[ "$rc" = 2 ] && ok || bad "batch with a FIFO scenario: exit $rc, want 2"
[ "$(wc -l < batch.jsonl)" = 2 ] && sed -n 1p batch.jsonl | grep -q 'FIFO' &&
    sed -n 2p batch.jsonl | grep -q '"result"' && ok || bad "batch FIFO: want an error record then a result"
[ ! -e cal.cfg ] && ok || bad "calibrate wrote cal.cfg from unreadable data"

# ---- --out: special files refused, links to regular files followed -------
ln -s /dev/null null-link
mkfifo out-fifo
mkdir out-dir
for t in /dev/null null-link out-fifo out-dir; do
    run "batch --out $t" 2 batch "$scn" --out "$t"
    run "calibrate --out $t" 2 calibrate --out "$t"
done
[ -c /dev/null ] && ok || bad "/dev/null is no longer a character device"
[ -L null-link ] && [ "$(readlink null-link)" = /dev/null ] && ok || bad "null-link was replaced"
[ -p out-fifo ] && [ -d out-dir ] && ok || bad "the FIFO or directory target was replaced"
# --out /dev/stdout with stdout a regular file: that file must survive
echo keep > stdout.txt
timeout 20 "$rl" batch "$scn" --out /dev/stdout >> stdout.txt 2> err.txt; rc=$?
[ "$rc" = 2 ] && [ "$(cat stdout.txt)" = keep ] && ok ||
    bad "batch --out /dev/stdout (stdout a file): exit $rc, stdout file now $(head -c 80 stdout.txt)"
# '-' is stdout
timeout 20 "$rl" batch "$scn" --out - > dash.jsonl 2> /dev/null
[ "$(wc -l < dash.jsonl)" = 1 ] && grep -q '"result"' dash.jsonl && ok || bad "batch --out - did not write stdout"
mkdir -p few && cp "$src/data/benchmarks/hardware.csv" few/ &&
    head -40 "$src/data/benchmarks/measurements.csv" > few/measurements.csv   # a quick fit
timeout 60 "$rl" calibrate --data few --out - > dash.cfg 2> /dev/null; rc=$?
[ "$rc" = 0 ] && grep -q '^calibration = (' dash.cfg && ok || bad "calibrate --out -: exit $rc / no calibration on stdout"
# a link to a regular file: the file is replaced, the link stays
echo old > real.jsonl && ln -s real.jsonl real-link
timeout 20 "$rl" batch "$scn" --out real-link > /dev/null 2>&1
[ -L real-link ] && grep -q '"result"' real.jsonl && ok || bad "--out through a link to a regular file"
ls | grep -q 'ridgeline-tmp' && bad "temp file left behind: $(ls | grep ridgeline-tmp)" || ok

# ---- UTF-8 ----------------------------------------------------------------
printf 'name = "bad\xff\xfename";\nmodel = "llama-3.1-8b";\nhardware = "rtx-4090";\n' > utf8.cfg
run "non-UTF-8 scenario name" 2 solve utf8.cfg --json
grep -q '^utf8.cfg:1: error: name is not valid UTF-8 text$' err && ok || bad "non-UTF-8 name message: $(cat err)"
[ ! -s out ] && ok || bad "non-UTF-8 name: something on stdout"
# a non-UTF-8 file name and an error record quoting it: still valid JSON
cp "$scn" "$(printf 'sweep-\xff.cfg')"
printf 'model = "no-such-\xff";\nhardware = "rtx-4090";\n' > "$(printf 'bad-\xfe.cfg')"
timeout 20 "$rl" batch "$(printf 'sweep-\xff.cfg')" "$(printf 'bad-\xfe.cfg')" utf8.cfg > u.jsonl 2> /dev/null
[ "$(wc -l < u.jsonl)" = 3 ] && json_lines_ok u.jsonl && ok || bad "batch output with non-UTF-8 names is not valid UTF-8 JSON"
timeout 20 "$rl" solve "$(printf 'sweep-\xff.cfg')" --json > u.json 2> /dev/null
iconv -f UTF-8 -t UTF-8 u.json > /dev/null 2>&1 && ok || bad "solve --json of a non-UTF-8 file name is not UTF-8"

# ---- calibrate with nothing to fit -----------------------------------------
mkdir -p empty cal
head -1 "$src/data/benchmarks/measurements.csv" > empty/measurements.csv
head -1 "$src/data/benchmarks/hardware.csv" > empty/hardware.csv
echo "# mine" > cal/mine.cfg
before=$(ls -la --time-style=full-iso cal | md5sum)
catsum=$(cat "$src"/model/catalog/*.cfg | md5sum)
run "calibrate, 0 rows" 1 calibrate --data empty --out cal/mine.cfg
grep -q 'nothing to fit' err && ok || bad "empty fit message: $(cat err)"
[ "$(cat cal/mine.cfg)" = "# mine" ] && ok || bad "empty fit changed mine.cfg"
run "calibrate, 0 rows, new file" 1 calibrate --data empty --out cal/new.cfg
[ ! -e cal/new.cfg ] && [ "$(ls -la --time-style=full-iso cal | md5sum)" = "$before" ] && ok ||
    bad "empty fit created or touched a file"
[ "$(cat "$src"/model/catalog/*.cfg | md5sum)" = "$catsum" ] && ok ||
    bad "the catalog changed"

# ---- signals: no temp file outlives the process ------------------------------
big=$tmp/big.cfg
{
    printf 'name = "big";\nmodel = "llama-3.1-70b";\nhardware = "h100-sxm";\ndevices = 8;\n'
    printf 'search = { offload = ["none", "partial", "full"];\n'
    printf '  sliding_window = [0, 1024, 2048, 4096, 8192, 16384, 32768, 65536];\n'
    printf '  context_cap = [%s];\n' "$(seq -s ', ' 4608 4096 131072)"
    printf '  concurrency = [%s]; };\n' "$(seq -s ', ' 1 32)"
} > "$big"
for sig in TERM INT HUP; do
    mkdir -p "sig-$sig"
    ( trap - INT; exec "$rl" batch "$big" "$big" "$big" "$big" --out "sig-$sig/r.jsonl" ) \
        > /dev/null 2>&1 &
    pid=$!
    for _ in $(seq 50); do ls "sig-$sig" | grep -q ridgeline-tmp && break; sleep 0.1; done
    ls "sig-$sig" | grep -q ridgeline-tmp && ok || bad "SIG$sig: no temp file while running"
    kill -"$sig" "$pid"
    wait "$pid" 2> /dev/null; rc=$?
    [ "$rc" -gt 128 ] && ok || bad "SIG$sig: exit $rc, want death by the signal"
    [ -z "$(ls "sig-$sig")" ] && ok || bad "SIG$sig left $(ls "sig-$sig")"
done

summary
