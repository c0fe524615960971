#!/usr/bin/env bash
# merge.sh -- join the shards of a `ridgeline batch --shard I/N` sweep into
# one JSONL file, after checking that every scenario came back exactly once.
#
#   scripts/slurm/merge.sh DIR MERGED.jsonl SCENARIO...
#
# DIR holds shard-I-of-N.jsonl, one per array task (what sweep.sbatch or a
# Kubernetes Indexed Job writes); SCENARIO... is the file list the shards
# were run on, same paths, same order.  Checks, before anything is written:
#   - every shard 0..N-1 is there and all were cut for the same N;
#   - every line is a batch record whose index k belongs in its shard
#     (k % N == I) and whose "scenario" is the k-th SCENARIO;
#   - each of the SCENARIOs appears exactly once (none missing, none twice).
# Error records (scenarios that could not be loaded or solved) are results:
# they are kept and counted.  MERGED (or "-" for stdout) gets the records in
# index order -- the same bytes a single `ridgeline batch SCENARIO...` run
# prints, elapsed_ms aside -- written atomically (temp file + rename).
# A summary line goes to stderr.
#
# Exit status: like `ridgeline batch` on the whole list once the shards add
# up -- 0 every scenario solved, else the worst error record's exit (2 input,
# 3 solver, 4 unreadable file); 1 the shards do not add up (one line on
# stderr says why; nothing is written); 2 usage; 4 MERGED cannot be written.
set -u
export LC_ALL=C
me=merge.sh
die() { echo "$me: error: $2" >&2; exit "$1"; }

[ $# -ge 3 ] || die 2 "usage: $me DIR MERGED.jsonl SCENARIO... (the list the shards ran on)"
dir=$1 out=$2
shift 2
[ -d "$dir" ] || die 1 "no shard directory '$dir'"

# The expected list, one JSON-escaped path a line, as batch prints it.
list=$(mktemp) || die 4 "cannot create a temp file"
tmp=
trap 'rm -f "$list" ${tmp:+"$tmp"}' EXIT
for f in "$@"; do
    case $f in *$'\n'*) die 2 "scenario path with a newline: '$f'" ;; esac
    printf '%s\n' "$f"
done | sed 's/\\/\\\\/g; s/"/\\"/g; s/\t/\\t/g' > "$list"

# Shard files: shard-I-of-N.jsonl, all the same N, none missing.
shopt -s nullglob
n_shards=
declare -a shard=()
for f in "$dir"/shard-*-of-*.jsonl; do
    [[ $f =~ shard-([0-9]+)-of-([0-9]+)\.jsonl$ ]] || continue
    i=$((10#${BASH_REMATCH[1]})) n=$((10#${BASH_REMATCH[2]}))
    [ -z "$n_shards" ] || [ "$n" = "$n_shards" ] ||
        die 1 "$dir mixes shards of $n_shards and of $n: remove the stale ones"
    n_shards=$n
    shard[i]=$f
done
[ -n "$n_shards" ] || die 1 "no shard-I-of-N.jsonl files in $dir"
files=()
for ((i = 0; i < n_shards; i++)); do
    [ -n "${shard[i]:-}" ] ||
        die 1 "shard $i of $n_shards missing ($dir/shard-$i-of-$n_shards.jsonl): did array task $i fail? see its log"
    files+=("${shard[i]}")
done
[ "${#shard[@]}" = "$n_shards" ] || die 1 "$dir has shards numbered $n_shards or more of $n_shards"

# One pass over every record: format, shard membership, identity, count.
# Prints "solved errors worst" or one reason, exit 1.
summary=$(awk -v N="$n_shards" '
function bad(msg) { if (!problems++) first = msg }
# Split the fixed record head {"index":K,"scenario":"S","exit":E,"result"|"error"
function head(line,   r) {
    r = line
    if (!sub(/^\{"index":/, "", r) || !match(r, /^[0-9]+/)) return 0
    K = substr(r, 1, RLENGTH) + 0; r = substr(r, RLENGTH + 1)
    if (!sub(/^,"scenario":"/, "", r) || !match(r, /^([^"\\]|\\.)*/)) return 0
    S = substr(r, 1, RLENGTH); r = substr(r, RLENGTH + 1)
    if (!sub(/^","exit":/, "", r) || !match(r, /^-?[0-9]+/)) return 0
    E = substr(r, 1, RLENGTH) + 0; r = substr(r, RLENGTH + 1)
    if (r ~ /^,"result":/) { KIND = "result"; return 1 }
    if (r ~ /^,"error":/) { KIND = "error"; return 1 }
    return 0
}
FNR == NR { want[n++] = $0; next }
FNR == 1 { I = FILENAME; sub(/.*shard-/, "", I); sub(/-of-.*/, "", I); I += 0 }
{
    at = FILENAME ":" FNR
    if (!head($0)) { bad(at ": not a ridgeline batch record"); next }
    if (K >= n) { bad(at ": index " K " but only " n " scenarios given: a different file list?"); next }
    if (K % N != I) { bad(at ": index " K " does not belong in shard " I " of " N); next }
    if (S != want[K]) { bad(at ": index " K " is " S ", expected " want[K] ": a different file list or order?"); next }
    if (seen[K]++) { bad(at ": scenario " K " (" S ") came back twice, first in " where[K]); next }
    where[K] = at
    if (KIND == "error") { errors++; if (E > worst) worst = E } else solved++
}
END {
    for (k = 0; k < n; k++)
        if (!(k in seen) && !missing++) gone = k
    if (missing)
        bad(missing " of " n " scenarios missing, first " gone " (" want[gone] ") from shard " gone % N)
    if (problems) {
        print first (problems > 1 ? " (and " problems - 1 " more problems)" : "")
        exit 1
    }
    print solved + 0, errors + 0, worst + 0
}' "$list" "${files[@]}")
[ $? = 0 ] || die 1 "$summary"
read -r solved errors worst <<< "$summary"

# Index order, written atomically.
if [ "$out" = - ]; then
    sort -s -t, -k1.10,1n "${files[@]}" || die 4 "cannot write the merged records"
else
    tmp=$(mktemp "$out.tmpXXXXXX") || die 4 "cannot write $out"
    mode=$(printf '%o' $((0666 & ~$(umask))))
    { sort -s -t, -k1.10,1n "${files[@]}" > "$tmp" && sync "$tmp" && chmod "$mode" "$tmp" &&
      mv -f "$tmp" "$out"; } ||
        die 4 "cannot write $out"
    tmp=
fi
[ "$out" = - ] && to= || to=" -> $out"
echo "$me: $((solved + errors)) scenarios from $n_shards shards: $solved solved, $errors error records$to" >&2
exit "$worst"
