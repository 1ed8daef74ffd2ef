# A restarted encide attaching to a program its last session applied code
# to knows the generations. The program runs outside encide (its output in
# a file). The first session attaches, applies a change and detaches: the
# program goes on in its new code. The second attaches to the same
# process, is told which generation it runs, applies on top of it and
# reverts both: the program's own code runs again. Every step is checked
# in what the program prints. The program's file has over a hundred
# sections (the record's line for its region is long).
. "$(dirname "$0")/lib.bash"

mkdir -p "$tmp/project" "$tmp/state"
cp "$SRC/tests/fixtures/enc-reattach/beat.c" "$tmp/project/"
export ENCIDE_STATE_DIR=$tmp/state
pid=
cleanup() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

printf 'build\nexpect BUILD_FINISHED ok=true\n' >"$tmp/build.enc"
"$ENCIDE" -x "$tmp/build.enc" "$tmp/project" >/dev/null 2>"$tmp/build.err" || fail "build: $(cat "$tmp/build.err")"
prog=$(ls "$tmp/state/projects/"*/bin/project)
"$prog" >"$tmp/prog.out" 2>&1 &
pid=$!
background $pid
printed "$tmp/prog.out" '^old beat 3$' 1 || fail "the program does not run"

cat >"$tmp/first.enc" <<SCRIPT
attach $pid
expect INFERIOR_STOPPED reason=attach
open beat.c
search "old beat"
replace "\"old beat\"" "beats >= 0 ? \"new beat\" : \"\""
apply
expect ENC_APPLIED generation=1 "changed~beat_text"
detach
SCRIPT
"$ENCIDE" --batch -x "$tmp/first.enc" "$tmp/project" >"$tmp/first.out" 2>"$tmp/first.err" ||
	fail "first session: $(cat "$tmp/first.err")"
at=$(($(wc -c <"$tmp/prog.out") + 1))
printed "$tmp/prog.out" '^new beat [0-9]+$' "$at" || fail "the program does not print the new text after the first session"
[ -s "$(ls "$tmp/state/projects/"*/gen/record)" ] || fail "no record of the generations in the state directory"
# What the region's code binds to outside it (beats: a kept region keeps
# the earlier generations it refers to): read back by the second session.
grep -q "^refs	" "$(ls "$tmp/state/projects/"*/gen/record)" || fail "the record does not say what upd001 refers to"
pass "the first session applied upd001 to the running program and left it running"

cat >"$tmp/second.enc" <<SCRIPT
attach $pid
expect INFERIOR_STOPPED reason=attach
expect MESSAGE "text~runs generations up to upd001"
generations
expect MESSAGE "text~^upd001 0x[0-9a-f]+-0x[0-9a-f]+ .*beat\\\\.o: loaded$"
open beat.c
search "new beat"
replace "new beat" "newer beat"
apply
expect ENC_APPLIED generation=2 name=upd002 "changed~beat_text"
continue &
sleep 200
interrupt
expect INFERIOR_STOPPED
revert
expect ENC_REVERTED generation=3 "restored~beat_text"
detach
SCRIPT
at=$(($(wc -c <"$tmp/prog.out") + 1))
"$ENCIDE" --batch -x "$tmp/second.enc" "$tmp/project" >"$tmp/second.out" 2>"$tmp/second.err" ||
	fail "second session: $(cat "$tmp/second.err") $(tail -5 "$tmp/second.out")"
printed "$tmp/prog.out" '^newer beat [0-9]+$' "$at" || fail "upd002 did not run"
at2=$(($(wc -c <"$tmp/prog.out") + 1))
printed "$tmp/prog.out" '^old beat [0-9]+$' "$at2" || fail "after the revert the program does not run its own code"
tail -c +"$at2" "$tmp/prog.out" | sed 1d | grep -q 'new' && fail "new code still runs after the revert"
grep -q '"event":"COMMAND_FAILED"' "$tmp/second.out" && fail "a command failed: $(grep COMMAND_FAILED "$tmp/second.out")"
kill -0 "$pid" || fail "the program died"
pass "a restarted encide attached, knew upd001, applied upd002 on top and reverted both"
