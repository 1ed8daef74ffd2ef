#!/usr/bin/env bash
# Build-graph benchmark (issue 4): a generated folder project of N TUs and H
# headers (default 5,000 and 500). Times, side by side in one run:
#   - loading the graph from the depfiles of a full build (fresh process)
#   - dependents(header) for every header (goal: <= 10 ms)
#   - a no-op incremental build: encide's (content hashes, mtime cache)
#     against ninja on a build.ninja with the same compile commands
# usage: tests/bench/build.sh [N] [H]     (from the source root, after a build into out/)
set -euo pipefail
n=${1:-5000} h=${2:-500}
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${ENCIDE_OUT:-$top/out}
work=$(mktemp -d /tmp/encide-bench-build-XXXXXX)
trap 'rm -rf "$work"' EXIT
export ENCIDE_STATE_DIR=$work/state

cmake --build "$out" --target encide-build-bench -j2 >/dev/null
bench=$out/build/encide-build-bench
ms() { date +%s%N | awk '{ printf "%.1f", $1 / 1e6 }'; }

"$bench" gen "$work/proj" "$n" "$h"
echo "generated $n TUs, $h headers; full builds (2 of them, this takes a while)..." >&2
ours_full=$("$bench" build "$work/proj" | awk '$1 == "full_build_ms" { print $2 }')
"$bench" ninja "$work/proj" "$work/ninja"
t0=$(ms); ninja -C "$work/ninja" -j"$(nproc)" >/dev/null; t1=$(ms)
ninja_full=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')

"$bench" noop "$work/proj" >"$work/noop.txt"
t0=$(ms); "$bench" noop "$work/proj" >/dev/null; t1=$(ms)
ours_proc=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
t0=$(ms); ninja -C "$work/ninja" >"$work/ninja-noop.txt"; t1=$(ms)
ninja_noop=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
grep -q 'no work to do' "$work/ninja-noop.txt" || echo "warning: ninja's second run did work" >&2
get() { awk -v k="$1" '$1 == k { print $2 }' "$work/noop.txt"; }

printf '\n%-46s %12s %12s\n' "build graph, $n TUs / $h headers" encide ninja
printf '%-46s %12s %12s\n' "full build, $(nproc) jobs (ms)" "$ours_full" "$ninja_full"
printf '%-46s %12s %12s\n' "graph load from depfiles (ms)" "$(get graph_load_ms)" "-"
printf '%-46s %12s %12s\n' "dependents(h000.h), first: builds index (ms)" "$(get dependents_first_ms)" "-"
printf '%-46s %12s %12s\n' "dependents(header), mean of $h (ms)" "$(get dependents_avg_ms)" "-"
printf '%-46s %12s %12s\n' "dependents(header), worst of $h (ms)" "$(get dependents_max_ms)" "-"
printf '%-46s %12s %12s\n' "most TUs depending on one header" "$(get dependents_most)" "-"
printf '%-46s %12s %12s\n' "no-op build, in process (ms)" "$(get noop_build_ms)" "-"
printf '%-46s %12s %12s\n' "no-op: process, load graph, check all (ms)" "$ours_proc" "$ninja_noop"
