# Programs the debugger cannot (fully) work with, each with a clear
# message: no debug information, stripped, optimised (a warning: it still
# debugs), and processes it may not attach to.
. "$(dirname "$0")/lib.bash"

printf 'int twice(int x) { return 2 * x; }\nint main(void) { return twice(0); }\n' >"$tmp/m.c"
gcc -O0 "$tmp/m.c" -o "$tmp/nodebug" || fail "gcc failed"
gcc -g -O0 "$tmp/m.c" -o "$tmp/stripped" && strip "$tmp/stripped" || fail "gcc or strip failed"
gcc -g -O2 "$tmp/m.c" -o "$tmp/optimised" || fail "gcc failed"

# run SCRIPT-TEXT: encide --batch on it, stdout in $tmp/out, stderr in $tmp/err
run() {
	printf '%s\n' "$1" >"$tmp/s.enc"
	"$ENCIDE" --batch -x "$tmp/s.enc" "$tmp" >"$tmp/out" 2>"$tmp/err"
}

for b in nodebug stripped; do
	run "file $b" && fail "$b: 'file' succeeded"
	grep -q "s.enc:1: file: .*$b.* has no debug information" "$tmp/err" || fail "$b: stderr was: $(cat "$tmp/err")"
	pass "a binary $b: refused, named, and why"
done

run "file optimised
break twice
run
expect INFERIOR_EXITED status=0" || fail "an optimised binary could not be debugged: $(cat "$tmp/err")"
grep -q '"level":"warning","text":"'"'"'[^"]*/m.c'"'"' was compiled with -O2: .*Edit and Continue refuses it' "$tmp/out" ||
	fail "no warning about -O2: $(grep MESSAGE "$tmp/out")"
pass "an optimised binary: debugged, with a warning naming the file and the flag"

run "attach 999999" && fail "attaching to a pid that does not exist succeeded"
grep -q "attach: cannot attach to process 999999: No such process" "$tmp/err" || fail "stderr was: $(cat "$tmp/err")"
pass "a pid that does not exist: named"

# A process another tracer holds: the kernel says no, and we say why.
strace -o /dev/null "$DEBUGGEES/debuggee-forever" >/dev/null 2>&1 &
tracer=$!
background $tracer
victim=
for _ in $(seq 200); do
	# (strace's child matches by its command line before its exec, too)
	victim=$(pgrep -P "$tracer" -f debuggee-forever) &&
		[[ $(readlink "/proc/$victim/exe") == */debuggee-forever ]] && break
	victim=
	sleep 0.05
done
[ -n "$victim" ] || fail "strace did not start the program"
background "$victim"
run "attach $victim" && fail "attaching to a traced process succeeded"
kill -KILL "$victim" "$tracer" 2>/dev/null
wait "$tracer" 2>/dev/null
grep -q "attach: cannot attach to process $victim: Operation not permitted" "$tmp/err" ||
	fail "stderr was: $(cat "$tmp/err")"
pass "a process another debugger traces: refused, with the kernel's reason"
