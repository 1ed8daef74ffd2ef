# The debuggee is killed from outside while it runs: encide reports the
# exit and goes on. Then attach to a running process, look, detach: the
# process keeps running.
. "$(dirname "$0")/lib.bash"

prog=$DEBUGGEES/debuggee-forever
cat >"$tmp/kill.enc" <<SCRIPT
file $prog
run
expect INFERIOR_EXITED signal=SIGKILL
echo encide is still here
SCRIPT
"$ENCIDE" --batch -x "$tmp/kill.enc" "$SRC/examples/demo" >"$tmp/out" 2>"$tmp/err" &
encide=$!
background $encide
pid=
for _ in $(seq 200); do
	pid=$(pgrep -P "$encide" -f "^$prog\$") && break  # its own child: other tests run it too
	sleep 0.05
done
[ -n "$pid" ] || fail "the debuggee did not start"
background "$pid"
for _ in $(seq 100); do grep -q '"text":"beat 3' "$tmp/out" && break; sleep 0.05; done
kill -KILL "$pid"
wait $encide || fail "encide failed after its program was killed: $(cat "$tmp/err")"
grep -q '"event":"INFERIOR_EXITED".*"signal":"SIGKILL"' "$tmp/out" || fail "no INFERIOR_EXITED with SIGKILL"
grep -q '"text":"encide is still here"' "$tmp/out" || fail "the script did not go on"
pass "a debuggee killed from outside is reported; encide goes on"

"$prog" >"$tmp/victim.out" 2>&1 &
victim=$!
background $victim
# attach once it is in main's loop (a loaded machine may be slow to get there)
for _ in $(seq 200); do grep -q beat "$tmp/victim.out" && break; sleep 0.05; done
cat >"$tmp/attach.enc" <<SCRIPT
attach $victim
expect INFERIOR_STOPPED reason=attach
bt
expect MESSAGE "text~in main \\(\\) at .*forever\\.c"
detach
SCRIPT
"$ENCIDE" -x "$tmp/attach.enc" "$SRC/examples/demo" >"$tmp/out" 2>"$tmp/err" ||
	fail "attach/detach failed: $(cat "$tmp/err") $(cat "$tmp/out")"
sleep 0.2
kill -0 "$victim" 2>/dev/null || fail "the process died after detach"
grep State /proc/$victim/status | grep -qv "t (tracing stop)" || fail "the process is still stopped"
kill "$victim"
pass "attach, bt, detach: the process runs on"
