#!/usr/bin/env bash
# Edit and Continue turnaround, measured by hand (never part of the suite):
# encide's apply of a one-function change to a running program (from the
# ENC_APPLIED event: the compiler's time and the whole apply's), the same
# TU compiled alone by gcc, and the classic cycle on the same program in
# the same run: kill, rebuild, start under gdb and run to the same
# breakpoint. Two programs: the small beat.c fixture, and (with a directory)
# GNU bc, a real autotools project (apt-get source bc, then unpack its
# bc_*.orig.tar.gz: Debian's patches touch Makefile.am, which makes make
# want automake).
#
#   tests/bench/enc.sh [N] [BC_SOURCE_DIR]   (after a build into out/; N applies, default 20)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
encide=${ENCIDE:-$top/out/encide}
n=${1:-20}
bcdir=${2:-}
tmp=$(mktemp -d /tmp/encide-bench-enc-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
[ -x "$encide" ] || { echo "no $encide: build first (./setup.sh build)" >&2; exit 1; }
command -v gdb >/dev/null || { echo "gdb is needed (apt-get install gdb)" >&2; exit 1; }

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
now_us() { echo $(($(date +%s%N) / 1000)); }
field_ms() { grep '"event":"ENC_APPLIED"' "$1" | sed "s/.*\"$2\":\\([0-9]*\\).*/\\1/" | awk '{ print $1 / 1000 }' | median; }

# report NAME EVENTS ALONE_MS CLASSIC_MS
report() {
	local total compile overhead ratio
	total=$(field_ms "$2" total_us)
	compile=$(field_ms "$2" compile_us)
	overhead=$(awk -v t="$total" -v c="$compile" 'BEGIN { printf "%.2f", t - c }')
	ratio=$(awk -v a="$4" -v b="$total" 'BEGIN { printf "%.1f", a / b }')
	printf '\n%s: one-function change, median of %d\n' "$1" "$n"
	printf '%-56s %10s\n' "measure" "ms"
	printf '%-56s %10s\n' "encide apply: save to new code live (total)" "$total"
	printf '%-56s %10s\n' "  of which the compiler (gcc -c of the TU, in the apply)" "$compile"
	printf '%-56s %10s   (goal <= 5 ms)\n' "  overhead beyond the compiler" "$overhead"
	printf '%-56s %10s   (goal: apply <= this + 20 ms)\n' "the same TU compiled alone by gcc" "$3"
	printf '%-56s %10s\n' "classic: kill, rebuild, gdb run to the breakpoint" "$4"
	printf '%-56s %9sx   (goal >= 50x on a real project)\n' "classic / apply" "$ratio"
}

# ---- the small program: tests/fixtures/enc-running/beat.c ----
mkdir -p "$tmp/project" "$tmp/state"
cp "$top/tests/fixtures/enc-running/beat.c" "$tmp/project/"
export ENCIDE_STATE_DIR=$tmp/state
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

flags=(-g -O0 -fno-omit-frame-pointer -ffunction-sections -fdata-sections -fpatchable-function-entry=16,14)
cp "$tmp/project/beat.c" "$tmp/classic.c"
alone=() classic=()
for i in $(seq "$n"); do
	sed -i "s/beat v[0-9]*/beat c$i/; s/old beat/beat c$i/" "$tmp/classic.c"
	start=$(now_us)
	gcc "${flags[@]}" -c "$tmp/classic.c" -o "$tmp/alone.o"
	alone+=($(($(now_us) - start)))
	# the program runs under gdb: kill it, rebuild, run to the breakpoint
	gdb -batch -nx -ex 'break classic.c:17' -ex run "$tmp/classic" >/dev/null 2>&1 &
	sleep 0.2
	start=$(now_us)
	kill -KILL $! 2>/dev/null || true
	wait 2>/dev/null || true
	gcc "${flags[@]}" -c "$tmp/classic.c" -o "$tmp/classic.o"
	gcc "$tmp/classic.o" -o "$tmp/classic"
	gdb -batch -nx -ex 'break classic.c:17' -ex run -ex kill "$tmp/classic" >"$tmp/gdb.out" 2>&1
	classic+=($(($(now_us) - start)))
	[ "$i" = 1 ] || grep -q "Breakpoint 1, main" "$tmp/gdb.out" || { echo "gdb did not reach the breakpoint" >&2; exit 1; }
done
report "beat.c (one 20-line file)" "$tmp/events" \
	"$(printf '%s\n' "${alone[@]}" | awk '{ print $1 / 1000 }' | median)" \
	"$(printf '%s\n' "${classic[@]}" | awk '{ print $1 / 1000 }' | median)"

# ---- a real project: GNU bc, bc_out_num() in lib/number.c ----
[ -n "$bcdir" ] || exit 0
[ -f "$bcdir/lib/number.c" ] || { echo "$bcdir is not bc's source" >&2; exit 1; }
line=$(grep -n 'if (num->n_sign == MINUS)' "$bcdir/lib/number.c" | head -1 | cut -d: -f1)
mkdir -p "$tmp/bc" && cp -a "$bcdir/." "$tmp/bc/"
# configured here (encide would run ./configure too); without makeinfo the
# manuals cannot be made: they are taken as made.
(cd "$tmp/bc" && { [ -f Makefile ] || ./configure >/dev/null; } && touch doc/bc.info doc/dc.info)
printf 'for (i = 1; i <= %d; i++) { i * 7 }\nquit\n' "$((n + 1))" >"$tmp/calc.bc"
{
	echo "build"
	echo "expect BUILD_FINISHED ok=true"
	echo "break bc_out_num"
	echo "run -q $tmp/calc.bc"
	echo "open lib/number.c"
	echo 'search "if \\(num->n_sign == MINUS\\)"'
	echo "line-start"
	echo "insert \"(*out_char) ('a');\\n  \""
	letters=(a b c d e f g h i j k l m n o p q r s t u v w x y z)
	for i in $(seq "$n"); do
		echo "apply"
		echo "continue"
		echo "goto $line"
		echo "replace \"('${letters[$(((i - 1) % 26))]}')\" \"('${letters[$((i % 26))]}')\""
	done
	echo "kill"
} >"$tmp/bc.enc"
"$encide" --batch -x "$tmp/bc.enc" "$tmp/bc" >"$tmp/bc.events" 2>"$tmp/bc.err" || {
	echo "encide failed on bc: $(grep -i -m5 'error' "$tmp/bc.err")" >&2
	exit 1
}
[ "$(grep -c '"event":"ENC_APPLIED"' "$tmp/bc.events")" -eq "$n" ] || { echo "not every bc apply happened" >&2; exit 1; }
alone=() classic=()
for i in $(seq "$n"); do
	sed -i "${line}s/('[a-zA-Z]')/('${letters[$((i % 26))]^}')/" "$tmp/bc/lib/number.c"
	start=$(now_us)
	gcc -I"$tmp/bc" -I"$tmp/bc/h" "${flags[@]}" -c "$tmp/bc/lib/number.c" -o "$tmp/alone.o"
	alone+=($(($(now_us) - start)))
	gdb -batch -nx -ex 'break bc_out_num' -ex "run -q $tmp/calc.bc" "$tmp/bc/bc/bc" >/dev/null 2>&1 &
	sleep 0.3
	start=$(now_us)
	kill -KILL $! 2>/dev/null || true
	wait 2>/dev/null || true
	make -C "$tmp/bc" CFLAGS="${flags[*]}" >/dev/null 2>&1
	gdb -batch -nx -ex 'break bc_out_num' -ex "run -q $tmp/calc.bc" -ex kill "$tmp/bc/bc/bc" >"$tmp/gdb.out" 2>&1
	classic+=($(($(now_us) - start)))
	grep -q "Breakpoint 1, bc_out_num" "$tmp/gdb.out" || { echo "gdb did not reach bc_out_num" >&2; exit 1; }
done
report "GNU bc 1.07.1 (lib/number.c, 1,737 lines; bc linked from 13 objects)" "$tmp/bc.events" \
	"$(printf '%s\n' "${alone[@]}" | awk '{ print $1 / 1000 }' | median)" \
	"$(printf '%s\n' "${classic[@]}" | awk '{ print $1 / 1000 }' | median)"
