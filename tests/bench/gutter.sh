#!/usr/bin/env bash
# The change gutter, measured by hand (never part of the suite): a generated
# file of LINES lines (250,000 by default) committed to a git repository,
# then edited on disk every 2,500th line (100 changed places), is opened and
# typed into at KEYS scattered places; after each keystroke the gutter's
# changed lines are asked for, as a pane drawing would. Side by side, in the
# same run, on the same file:
#   encide      the gutter's update after a keystroke (only the lines the
#               edit touched are diffed again, libgit2's xdiff on that
#               window); the keystroke itself (insert, tree-sitter) apart
#   whole diff  a whole diff of the buffer against HEAD's blob, in-process
#               (what recomputing the gutter on every change would cost)
#   git diff    `git diff -U0 FILE`, the command gutter plugins (vim's
#               gitgutter, gitsigns' fallback) run on each update
#
#   tests/bench/gutter.sh          (after a build into out/; LINES, KEYS, RUNS;
#                                   BUILD=out-release for a Release tree)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
[[ ${BUILD:-} != "" && ${BUILD:0:1} != / ]] && BUILD=$top/$BUILD
bench=${BUILD:-$top/out}/tests/bench/bench-gutter
lines=${LINES:-250000}
keys=${KEYS:-10000}
runs=${RUNS:-20}
tmp=$(mktemp -d /tmp/encide-bench-gutter-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
[ -x "$bench" ] || { echo "no $bench: build first (./setup.sh build)" >&2; exit 1; }

file=$tmp/repo/big.c
mkdir -p "$tmp/repo"
"$bench" generate "$file" "$lines"
git -C "$tmp/repo" init -q
git -C "$tmp/repo" add big.c
git -C "$tmp/repo" -c user.name=bench -c user.email=bench@example.com commit -q -m base
"$bench" modify "$file" 2500

"$bench" run "$file" "$keys" >"$tmp/encide"
gitms=()
for _ in $(seq "$runs"); do
	t0=$(date +%s%N)
	git -C "$tmp/repo" diff -U0 big.c >/dev/null
	t1=$(date +%s%N)
	gitms+=("$(( (t1 - t0) / 1000 ))")
done
read -r gp50 gp99 gmax < <(printf '%s\n' "${gitms[@]}" | sort -n |
	awk '{ v[NR] = $1 } END { p = int(NR * 0.99 + 0.999); printf "%.3f %.3f %.3f\n", v[int((NR + 1) / 2)] / 1000, v[p] / 1000, v[NR] / 1000 }')

row() { printf '| %-34s | %10s | %10s | %10s |\n' "$@"; }
get() { awk -v k="$1" '$1 == k { print $'"$2"' }' "$tmp/encide"; }
btype=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "${BUILD:-$top/out}/CMakeCache.txt" 2>/dev/null || true)
echo "gutter on a $lines-line file, $(get marks 2) marks against HEAD, $keys keystrokes (ms; encide built ${btype:-?})"
row "" p50 p99 max
row "---" "---:" "---:" "---:"
row "encide: first gutter (whole diff)" "$(get first 2)" "" ""
row "encide: gutter update" "$(get gutter 2)" "$(get gutter 3)" "$(get gutter 4)"
row "(encide: the insert itself)" "$(get insert 2)" "$(get insert 3)" "$(get insert 4)"
row "whole diff in-process (libgit2)" "$(get whole 2)" "$(get whole 3)" "$(get whole 4)"
row "git diff -U0 ($runs runs)" "$gp50" "$gp99" "$gmax"
echo "encide ran $(get diffs 2) whole and $(get diffs 3) partial diffs"
