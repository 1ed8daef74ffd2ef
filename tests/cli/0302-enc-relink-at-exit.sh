# VC6's end of a session, when encide itself ends: a script applies a
# change to a program it launched and ends with the program still stopped
# in it. encide ends the program, waits for the relink (saying so on
# stderr) and exits; the executable and the project's shared library on
# disk then run the new code. A program encide attached to is left
# running, not killed.
. "$(dirname "$0")/lib.bash"

mkdir -p "$tmp/project" "$tmp/state"
cp -r "$SRC/tests/fixtures/enc-shared-lib/." "$tmp/project/"
export ENCIDE_STATE_DIR=$tmp/state

cat >"$tmp/apply.enc" <<'SCRIPT'
build
expect BUILD_FINISHED ok=true
break greeting
run
expect INFERIOR_STOPPED breakpoint=1 function=greeting
open greet.c
search "\"hello\""
replace "\"hello\"" "\"bonjour\""
apply
expect ENC_APPLIED generation=1
SCRIPT
"$ENCIDE" -x "$tmp/apply.enc" "$tmp/project" >"$tmp/apply.out" 2>"$tmp/apply.err" ||
	fail "the script failed: $(cat "$tmp/apply.err")"
grep -q 'waiting for the build that runs (the relink after Edit and Continue' "$tmp/apply.err" ||
	fail "encide did not say it waits for the relink: $(cat "$tmp/apply.err")"
pgrep -f "$tmp/state/projects/.*/hello" >/dev/null && fail "the program is still running"
pass "at the end of the script the program was ended and the relink waited for"
prog=$(ls "$tmp/state/projects/"*/cmake/hello)
"$prog" >"$tmp/run.out" 2>&1 || fail "the relinked program does not run: $(cat "$tmp/run.out")"
grep -qx 'bonjour 1' "$tmp/run.out" || fail "the executable on disk does not run the new code: $(cat "$tmp/run.out")"
pass "the executable and its library on disk run the new code (bonjour 1)"

# Attached, not launched: a script that attaches, applies and ends leaves
# the program running its new code (detached, not killed).
mkdir -p "$tmp/beat"
cp "$SRC/tests/fixtures/enc-reattach/beat.c" "$tmp/beat/"
printf 'build\nexpect BUILD_FINISHED ok=true\n' >"$tmp/build.enc"
"$ENCIDE" -x "$tmp/build.enc" "$tmp/beat" >/dev/null 2>"$tmp/build.err" || fail "build: $(cat "$tmp/build.err")"
"$(ls "$tmp/state/projects/"beat-*/bin/beat)" >"$tmp/beat.out" 2>&1 &
pid=$!
background $pid
printed "$tmp/beat.out" '^old beat' || fail "the program does not run"
cat >"$tmp/attach.enc" <<SCRIPT
attach $pid
expect INFERIOR_STOPPED reason=attach
open beat.c
search "old beat"
replace "\"old beat\"" "beats >= 0 ? \"new beat\" : \"\""
apply
expect ENC_APPLIED generation=1
SCRIPT
"$ENCIDE" -x "$tmp/attach.enc" "$tmp/beat" >/dev/null 2>"$tmp/attach.err" || fail "attach: $(cat "$tmp/attach.err")"
kill -0 "$pid" 2>/dev/null || fail "the attached program was killed when encide ended"
at=$(($(wc -c <"$tmp/beat.out") + 1))
printed "$tmp/beat.out" '^new beat' "$at" || fail "the attached program does not run the new code"
pass "an attached program goes on running, in its new code, when encide ends"
