#!/usr/bin/env bash
# Edit and Continue turnaround, measured by hand (never part of the suite):
# encide's apply of a one-function change to a running program (compile time
# and the overhead beyond the compiler, from the ENC_APPLIED event), against
# the classic cycle on the same program in the same run: rebuild the TU, link,
# start under gdb and run to the same breakpoint.
#
#   tests/bench/enc.sh [N]     (after a build into out/; N applies, default 20)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
encide=${ENCIDE:-$top/out/encide}
n=${1:-20}
tmp=$(mktemp -d /tmp/encide-bench-enc-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
[ -x "$encide" ] || { echo "no $encide: build first (./setup.sh build)" >&2; exit 1; }
command -v gdb >/dev/null || { echo "gdb is needed (apt-get install gdb)" >&2; exit 1; }

mkdir -p "$tmp/project" "$tmp/state"
cp "$top/tests/fixtures/enc-running/beat.c" "$tmp/project/"
export ENCIDE_STATE_DIR=$tmp/state

# encide: stopped at the printf in main; each round changes beat_text()'s
# string, applies, and continues to the next stop.
{
	echo "build"
	echo "break beat.c:17"
	echo "run"
	echo "open beat.c"
	echo 'search "old beat"'
	for i in $(seq "$n"); do
		echo "replace \"beat v$((i - 1))\" \"beat v$i\"" | sed 's/beat v0/old beat/'
		echo "apply"
		echo "continue"
	done
	echo "kill"
} >"$tmp/bench.enc"
"$encide" --batch -x "$tmp/bench.enc" "$tmp/project" >"$tmp/events" 2>"$tmp/err" || {
	echo "encide failed: $(tail -3 "$tmp/err")" >&2
	exit 1
}
grep -q "beat v$n" "$tmp/events" || { echo "the last apply's output is missing" >&2; exit 1; }

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
total_ms=$(grep '"event":"ENC_APPLIED"' "$tmp/events" | sed 's/.*"total_us":\([0-9]*\).*/\1/' |
	awk '{ print $1 / 1000 }' | median)
compile_ms=$(grep '"event":"ENC_APPLIED"' "$tmp/events" | sed 's/.*"compile_us":\([0-9]*\).*/\1/' |
	awk '{ print $1 / 1000 }' | median)
overhead_ms=$(awk -v t="$total_ms" -v c="$compile_ms" 'BEGIN { printf "%.2f", t - c }')

# The classic cycle: the same one-line change, then compile + link + gdb to
# the same breakpoint, N times.
cp "$tmp/project/beat.c" "$tmp/classic.c"
classic=()
for i in $(seq "$n"); do
	sed -i "s/beat v[0-9]*/beat c$i/; s/old beat/beat c$i/" "$tmp/classic.c"
	start=$(date +%s%N)
	gcc -g -O0 -fno-omit-frame-pointer -ffunction-sections -fdata-sections \
		-fpatchable-function-entry=16,14 -c "$tmp/classic.c" -o "$tmp/classic.o"
	gcc "$tmp/classic.o" -o "$tmp/classic"
	gdb -batch -nx -ex 'break classic.c:17' -ex run -ex kill "$tmp/classic" >"$tmp/gdb.out" 2>&1
	end=$(date +%s%N)
	grep -q "Breakpoint 1, main" "$tmp/gdb.out" || { echo "gdb did not reach the breakpoint" >&2; exit 1; }
	classic+=($(((end - start) / 1000)))
done
classic_ms=$(printf '%s\n' "${classic[@]}" | awk '{ print $1 / 1000 }' | median)
ratio=$(awk -v a="$classic_ms" -v b="$total_ms" 'BEGIN { printf "%.1f", a / b }')

printf '\nEdit and Continue turnaround, one-function change, median of %d\n' "$n"
printf '%-52s %10s\n' "measure" "ms"
printf '%-52s %10s\n' "encide apply: save to new code live (total)" "$total_ms"
printf '%-52s %10s\n' "  of which the compiler (gcc -c of the TU)" "$compile_ms"
printf '%-52s %10s   (goal <= 5 ms)\n' "  overhead beyond the compiler" "$overhead_ms"
printf '%-52s %10s\n' "classic: compile + link + gdb run to the breakpoint" "$classic_ms"
printf '%-52s %9sx   (goal >= 50x on a real project)\n' "classic / apply" "$ratio"
