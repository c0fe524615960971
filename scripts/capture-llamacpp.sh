#!/bin/sh
# capture-llamacpp.sh OUTDIR -- capture real llama.cpp output for the
# harness importer's tests (tests/data/harness/captured): llama-bench in all
# four formats, llama-completion and llama-server logs at the default and
# at verbosity 4 (which adds the model, buffer, KV and memory-breakdown
# lines), then every GGUF type's file size (gguf-sizes.csv, for
# tests/data/gguf-sizes).  The model is a random-weight TinyLlama-1.1B-shaped GGUF
# (scripts/random-gguf.py) quantized to Q4_K_M, so nothing is downloaded.
#
# Needs llama.cpp-tools, python3-gguf and python3-numpy.  Debian 12 has no
# llama.cpp; the captured files were made in a Debian sid chroot:
#   debootstrap --variant=minbase sid /srv/sid http://deb.debian.org/debian
#   chroot /srv/sid apt-get install llama.cpp-tools python3-gguf python3-numpy curl
# and this script run inside it (2 vCPUs, CPU backend).
set -eu
out=${1:?usage: capture-llamacpp.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
cd "$out"
[ -f tinyllama-random-f16.gguf ] || python3 "$here/random-gguf.py" tinyllama-random-f16.gguf
[ -f tinyllama-random-Q4_K_M.gguf ] ||
    llama-quantize tinyllama-random-f16.gguf tinyllama-random-Q4_K_M.gguf Q4_K_M 2
q=tinyllama-random-Q4_K_M.gguf
prompt="The quick brown fox jumps over the lazy dog because"

# -oe writes a second format to stderr, after ggml's load_backend line
llama-bench -m $q -m tinyllama-random-f16.gguf -p 128 -n 32 -r 2 -t 2 \
    -o json -oe md >llama-bench-cpu.json 2>llama-bench-cpu.md
llama-bench -m $q -p 128,256 -n 32 -r 2 -t 2 \
    -o jsonl -oe csv >llama-bench-cpu.jsonl 2>llama-bench-cpu.csv
llama-bench -m $q -p 64 -n 16 -d 0,256 -r 2 -t 2 \
    -o md -oe json >llama-bench-cpu-depth.md 2>llama-bench-cpu-depth.json

llama-completion -m $q -p "$prompt" -n 24 -c 2048 -t 2 -no-cnv \
    >/dev/null 2>llama-completion.log
llama-completion -m $q -p "$prompt" -n 24 -c 2048 -t 2 -no-cnv -lv 4 \
    >/dev/null 2>llama-completion-lv4.log

for lv in 3 4; do
    log=llama-server.log
    [ $lv = 4 ] && log=llama-server-lv4.log
    llama-server -m $q -c 4096 -t 2 --port 18080 -lv $lv 2>$log &
    pid=$!
    i=0
    until curl -sf localhost:18080/health >/dev/null; do
        i=$((i + 1)); [ $i -lt 120 ] || { kill $pid; exit 1; }; sleep 1
    done
    curl -s localhost:18080/completion \
        -d "{\"prompt\": \"$prompt\", \"n_predict\": 24}" >/dev/null
    kill -INT $pid
    wait $pid || true
done

# weights as stored: one file per type (about 40 s each on 2 cores)
{
    echo "quant,file_bytes"
    echo "f16,$(stat -c %s tinyllama-random-f16.gguf)"
    echo "q4_k_m,$(stat -c %s $q)"
    for t in Q8_0 Q6_K Q5_K_M Q5_K_S Q5_0 Q4_K_S Q4_0 Q3_K_L Q3_K_M Q3_K_S Q2_K IQ4_XS; do
        llama-quantize tinyllama-random-f16.gguf q.gguf $t 2 >/dev/null 2>&1
        echo "$(echo $t | tr A-Z a-z),$(stat -c %s q.gguf)"
    done
    rm -f q.gguf
} >gguf-sizes.csv
ls -l "$out"
