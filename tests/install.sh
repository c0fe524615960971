#!/usr/bin/env bash
# install.sh BIN SRC -- `make install` gives a tree that works on its own.
#
# Installs the build beside BIN into a temporary prefix, MOVES that prefix
# elsewhere (an installed tree must not depend on where it was put), then
# from / with no RIDGELINE_* variables set: --version must name the moved
# catalog and data, estimate and validate --priors must run on them, the
# man page and completion must be there, and a program built against the
# installed library and headers (pkg-config) must run.
set -u
bin=$1 src=$2
build=$(dirname "$bin")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rl-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { fails=$((fails + 1)); echo "FAIL install/$1: $2"; }

cmake --install "$build" --prefix "$tmp/first" >"$tmp/log" 2>&1 ||
    { cat "$tmp/log"; bad cmake-install "cmake --install failed"; echo "0 passed, 1 failed"; exit 1; }
mv "$tmp/first" "$tmp/moved"
p=$tmp/moved
unset RIDGELINE_CATALOG RIDGELINE_DATA

out=$(cd / && "$p/bin/ridgeline" --version)
case $out in
    *"catalog: $p/bin/../share/ridgeline/catalog"*"data: $p/bin/../share/ridgeline/data/benchmarks"*) ok ;;
    *) bad version "--version does not name the moved prefix: $out" ;;
esac

out=$(cd / && "$p/bin/ridgeline" estimate --model llama-3.1-8b --hardware rtx-4090 --quant q4_k_m --json)
rc=$?
if [ $rc = 0 ] && printf '%s' "$out" | grep -q '"feasibility":[[:space:]]*"in_vram"'; then ok
else bad estimate "exit $rc: $(printf '%s' "$out" | head -3)"; fi

out=$(cd / && "$p/bin/ridgeline" validate --priors --json)
rc=$?
if [ $rc -le 1 ] && printf '%s' "$out" | grep -q '"measurements":[[:space:]]*[1-9]'; then ok
else bad validate "exit $rc: $(printf '%s' "$out" | tail -3)"; fi

if [ -f "$p/share/man/man1/ridgeline.1" ] && grep -q 'COMMAND: ESTIMATE' "$p/share/man/man1/ridgeline.1"
then ok; else bad man "no man page with the subcommands"; fi

out=$(bash -c 'source "$1"; COMP_WORDS=("$2" est); COMP_CWORD=1; _ridgeline; echo "${COMPREPLY[*]}";
               COMP_WORDS=("$2" estimate --hardware rtx-40); COMP_CWORD=3; _ridgeline; echo "${COMPREPLY[*]}";
               COMP_WORDS=("$2" estimate --qu); COMP_CWORD=2; _ridgeline; echo "${COMPREPLY[*]}"' _ \
      "$p/share/bash-completion/completions/ridgeline" "$p/bin/ridgeline")
case $out in
    estimate*rtx-4090*--quant*) ok ;;
    *) bad completion "unexpected completions: $out" ;;
esac

# a sanitizer build's library needs the sanitizer runtimes to link
san=
nm "$p/lib/librl.a" 2>/dev/null | grep -q __asan_ && san="-fsanitize=address,undefined"
if PKG_CONFIG_PATH="$p/lib/pkgconfig" cc -std=c11 $san -o "$tmp/libuse" "$src/tests/tools/libuse.c" \
       $(PKG_CONFIG_PATH="$p/lib/pkgconfig" pkg-config --cflags --libs ridgeline) 2>"$tmp/cc"; then
    out=$("$tmp/libuse" "$p/share/ridgeline/catalog")
    rc=$?
    if [ $rc = 0 ]; then ok; else bad library "libuse exit $rc: $out"; fi
else
    bad library "cannot build against the installed library: $(head -3 "$tmp/cc")"
fi

echo "install: $passes passed, $fails failed"
[ $fails = 0 ]
