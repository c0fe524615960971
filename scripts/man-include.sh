#!/usr/bin/env bash
# man-include.sh BIN OUT -- the help2man include file for ridgeline.1:
# one section per subcommand, its own --help verbatim, plus FILES and
# ENVIRONMENT.  CMake runs it after the binary is built (make build).
set -eu
bin=$1 out=$2
{
    printf '[FILES]\n'
    printf '.TP\n<prefix>/share/ridgeline/catalog\nmodels.cfg, hardware.cfg, runtimes.cfg, quant.cfg, calibration.cfg: the built-in catalog.\n'
    printf '.TP\n<prefix>/share/ridgeline/data/benchmarks\nthe public measurements calibrate and validate use (README.md there cites each source).\n'
    printf '[ENVIRONMENT]\n'
    printf '.TP\nRIDGELINE_CATALOG\nuse this catalog folder instead of the installed one.\n'
    printf '.TP\nRIDGELINE_DATA\nuse this benchmark folder instead of the installed one.\n'
    for c in $("$bin" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p'); do
        printf '[COMMAND: %s]\n.nf\n' "$c"
        "$bin" "$c" --help | sed 's/\\/\\e/g; s/^\./\\\&./; s/^'"'"'/\\\&'"'"'/'
        printf '.fi\n'
    done
} > "$out"
