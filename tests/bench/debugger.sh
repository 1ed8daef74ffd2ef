#!/usr/bin/env bash
# The debugger against gdb, measured by hand (never part of the suite), in
# the same run on the same programs (tests/debuggee, built by the suite).
# Times are taken when the tool prints the line that shows the thing is
# done (both flush each line), from the tool's start:
#   - conditional breakpoint hits per second: `break tick if i < 0` is hit
#     10,000 times and never true: (exit with it - exit without it) / 10,000;
#   - a 10,000-frame backtrace (deep.c): from the stop at bottom() to bt's
#     line for main();
#   - launch to the first breakpoint (`break main`, `run`): from the tool's
#     start to its "Breakpoint 1, main" line.
# Each number is the median of N runs (default 5).
#
#   tests/bench/debugger.sh [N]     (after a build into out/)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$top/out}
encide=${ENCIDE:-$out/encide}
values=$out/tests/debuggee/debuggee-values
deep=$out/tests/debuggee/debuggee-deep
n=${1:-5}
tmp=$(mktemp -d /tmp/encide-bench-dbg-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
[ -x "$encide" ] && [ -x "$values" ] || { echo "build first: cmake --build out" >&2; exit 1; }
command -v gdb >/dev/null || { echo "gdb is needed (apt-get install gdb)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed for the clock" >&2; exit 1; }
mkdir -p "$tmp/project" "$tmp/state"
export ENCIDE_STATE_DIR=$tmp/state

# stamp REGEX -- COMMAND...: milliseconds from the start of COMMAND to the
# first line of its output matching REGEX (the whole output goes to
# $tmp/last.out; a regex never seen is an error).
stamp() {
	python3 - "$tmp/last.out" "$@" <<'PY'
import re, subprocess, sys, time
log, regex, cmd = sys.argv[1], re.compile(sys.argv[2]), sys.argv[4:]
start = time.monotonic()
p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
seen = None
with open(log, "wb") as f:
    for line in p.stdout:
        if seen is None and regex.search(line.decode(errors="replace")):
            seen = (time.monotonic() - start) * 1000
        f.write(line)
p.wait()
if seen is None:
    sys.exit("no line matched %s: %s" % (sys.argv[2], open(log, errors="replace").read()[-300:]))
print("%.1f" % seen)
PY
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
runs() { for _ in $(seq "$n"); do "$@"; done | median; }
gdbx() { local prog=$1 args=(); shift; for c in "$@"; do args+=(-ex "$c"); done; echo gdb -batch -nx "${args[@]}" "$prog"; }

printf 'file %s\nrun\nexpect INFERIOR_EXITED\n' "$values" >"$tmp/base.enc"
printf 'file %s\nbreak tick if i < 0\nrun\nexpect INFERIOR_EXITED\n' "$values" >"$tmp/cond.enc"
printf 'file %s\nbreak bottom\nrun\nbt\nkill\n' "$deep" >"$tmp/deep.enc"
printf 'file %s\nbreak main\nrun\nkill\n' "$values" >"$tmp/launch.enc"
E=("$encide" -x)
P=("$tmp/project")

# Sanity: both backtraces have the 10,000 frames.
stamp 'exited|killed' -- "${E[@]}" "$tmp/deep.enc" "${P[@]}" >/dev/null
[ "$(grep -c '#[0-9]' "$tmp/last.out")" -ge 10000 ] || { echo "encide's bt is short" >&2; exit 1; }
stamp 'in main \(' -- gdb -batch -nx -ex 'break bottom' -ex run -ex bt -ex kill "$deep" >/dev/null
[ "$(grep -c '^#[0-9]' "$tmp/last.out")" -ge 10000 ] || { echo "gdb's bt is short" >&2; exit 1; }

deep_bt() { # the bt's time: its main() line minus the stop's line
	local a b
	a=$(stamp 'Breakpoint 1, bottom' -- "$@")
	b=$(stamp 'in main \(' -- "$@")
	awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f\n", b - a }'
}
exit_ms() { stamp 'exited normally' -- "$@"; }

g_base=$(runs exit_ms gdb -batch -nx -ex run "$values")
g_cond=$(runs exit_ms gdb -batch -nx -ex 'break tick if i < 0' -ex run "$values")
e_base=$(runs exit_ms "${E[@]}" "$tmp/base.enc" "${P[@]}")
e_cond=$(runs exit_ms "${E[@]}" "$tmp/cond.enc" "${P[@]}")
g_bt=$(runs deep_bt gdb -batch -nx -ex 'break bottom' -ex run -ex bt -ex kill "$deep")
e_bt=$(runs deep_bt "${E[@]}" "$tmp/deep.enc" "${P[@]}")
g_launch=$(runs stamp 'Breakpoint 1, main' -- gdb -batch -nx -ex 'break main' -ex run -ex kill "$values")
e_launch=$(runs stamp 'Breakpoint 1, main' -- "${E[@]}" "$tmp/launch.enc" "${P[@]}")

rate() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; printf (d > 0 ? "%d" : "?"), 10000 * 1000 / d }'; }
printf '%-46s %10s %10s\n' "debugger benchmark (median of $n)" "encide" "gdb $(gdb --version | head -1 | awk '{ print $NF }')"
printf '%-46s %10s %10s\n' "conditional breakpoint hits/s (10,000 hits)" "$(rate "$e_cond" "$e_base")" "$(rate "$g_cond" "$g_base")"
printf '%-46s %10s %10s\n' "10,000-frame backtrace (ms)" "$e_bt" "$g_bt"
printf '%-46s %10s %10s\n' "launch to first breakpoint (ms)" "$e_launch" "$g_launch"
