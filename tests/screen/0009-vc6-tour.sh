#!/bin/bash
# The Visual C++ 6 Edit and Continue tour (shared/seeds/002), in C, with
# keys only and never an F-key: the prefix key C-k, Ctrl keys, arrows. Each
# part checks the program's own output:
#   1. change a printf's string while stopped on it, C-k a, C-k n: the new
#      string is printed;
#   2. add a function and a call to it, apply, step into it (C-k s);
#   3. delete the call on the current line, step (debug commands apply
#      first): the point of execution moves on, the call never happens;
#   4. add two locals and a loop to the active main, apply, set next
#      statement to them (C-k j), run to cursor (C-k u): the loop runs;
#   5. change the initialiser above, apply, set next statement: the loop
#      counts on with the new value;
#   6. the recursive CountAway: comment out the recursive call while four
#      invocations are on the stack, apply: the point of execution moves,
#      three frames are <upd001>, and they are upgraded one by one.
set -u
SIZE=140x44
source "$SRC/tests/screen/lib.bash"

right() { local i; for ((i = 0; i < $1; i++)); do t send-keys Right; done; }
paste_text() { t set-buffer -- "$1"; t paste-buffer -p; }

mkdir -p "$tmp/p1" "$tmp/p4" "$tmp/p6"
printf '#include <stdio.h>\n\nint main()\n{\n\tprintf("Introducing Edit and Continue!\\n");\n\treturn 0;\n}\n' > "$tmp/p1/ec_demo.c"
printf '#include <stdio.h>\n\nvoid Count(int iValue)\n{\n\tprintf("Counting: %%d\\n", iValue);\n}\n\nint main()\n{\n\treturn 0;\n}\n' > "$tmp/p4/count.c"
printf '#include <stdio.h>\n\nvoid CountAway(int iValue)\n{\n\tiValue++;\n\tCountAway(iValue);\n}\n\nint main()\n{\n\tCountAway(1);\n\treturn 0;\n}\n' > "$tmp/p6/count_away.c"
start_server

start_encide p1 "$tmp/p1"
keys C-k n
wait_for 'stopped in main:5 ' || fail "1: C-k n did not start and stop on the printf (line 5)"
keys C-g; type_text 5; keys Enter Home; right 21; keys C-Space; right 17
type_text "Your Name"
wait_for 'printf\("Introducing Your Name!' || fail "1: the edit is not shown"
keys C-k a
wait_for 'applied upd001' || fail "1: C-k a did not apply"
keys C-k n
wait_for '^Introducing Your Name!' || fail "1: the new string was not printed"
t capture-pane -p | grep -q '^Introducing Edit and Continue' && fail "1: the old string was printed"
pass "1. printf's new string printed by the same process"

keys C-k c
wait_for 'exited with status 0' || fail "2: the program did not end"
keys C-k n
wait_for 'stopped in main:5 ' || fail "2: C-k n did not start the program again"
keys C-g; type_text 5; keys Enter End Enter; type_text "NewFunction();"
keys C-g; type_text 2; keys Enter Home Enter; type_text "int NewFunction(void)"; keys Enter; type_text "{"
keys Enter Tab; type_text 'printf("The new function has executed.\n");'; keys Enter
type_text "return 0;"; keys Enter BSpace; type_text "}"; keys Enter
wait_for '│. +12 +NewFunction\(\);' || fail "2: the new call is not on line 12"
keys C-k a
wait_for 'applied upd001' || fail "2: C-k a did not apply"
keys C-k n
wait_for 'stopped in main:12 ' || fail "2: C-k n did not reach the new call"
keys C-k s
wait_for 'stopped in NewFunction:5 ' || fail "2: C-k s did not step into the new function"
keys C-k f
wait_for '^The new function has executed\.' || fail "2: the new function's output is missing"
pass "2. a new function, stepped into"

keys C-k c
wait_for 'exited with status 0' || fail "3: the program did not end"
keys C-k n
wait_for 'stopped in main:11 ' || fail "3: C-k n did not start the program again"
keys C-k n
wait_for 'stopped in main:12 ' || fail "3: C-k n did not reach the call"
keys Home C-Space End; type_text "	/* NewFunction(); */"
keys C-k n
wait_for 'stopped in main:13 ' || fail "3: after deleting the call, C-k n did not move on to line 13"
keys C-k c
wait_for 'exited with status 0' || fail "3: the program did not end"
[[ $(t capture-pane -p -S - | grep -c '^The new function has executed') == 1 ]] ||
	fail "3: the deleted call ran"
pass "3. the deleted call on the current line never ran (the step applied first)"
keys C-q
check_restored p1 0

start_encide p4 "$tmp/p4"
keys C-k n
wait_for 'stopped in main:10 ' || fail "4: C-k n did not stop in main"
keys Home
paste_text "$(printf '\tint iCountMax = 10;\n\tint iLoopCount;\n\n\tfor (iLoopCount = 1; iLoopCount <= iCountMax; iLoopCount++) {\n\t\tCount(iLoopCount);\n\t}\n')"$'\n'
wait_for '│. +16 +return 0' || fail "4: the pasted loop is not there"
keys C-k a
wait_for 'applied upd001' || fail "4: C-k a did not apply"
keys C-g; type_text 10; keys Enter C-k j
wait_for 'stopped in main:10 ' || fail "4: C-k j did not set the next statement to line 10"
keys C-g; type_text 16; keys Enter C-k u
wait_for 'stopped in main:16 ' || fail "4: C-k u did not run to line 16"
wait_for '^Counting: 10' || fail "4: the loop did not count to 10"
pass "4. two new locals and a loop in the active main count 1 to 10"
keys C-g; type_text 10; keys Enter End Left BSpace BSpace; type_text 12
wait_for 'int iCountMax = 12;' || fail "5: the edit is not shown"
keys C-k a
wait_for 'applied upd002' || fail "5: C-k a did not apply"
keys C-k j
wait_for '│> +10 ' || fail "5: C-k j did not move the point of execution to line 10"
keys C-k c
wait_for 'exited with status 0' || fail "5: the program did not end"
wait_for '^Counting: 12' || fail "5: the loop did not go on to the new initialiser (12)"
pass "5. the initialiser changed, set next statement: the loop counts to 12"
keys C-q
check_restored p4 0

start_encide p6 "$tmp/p6"
keys C-k n
wait_for 'stopped in main:11 ' || fail "6: C-k n did not stop in main"
for i in 1 2 3 4 5 6 7 8; do
	keys C-k s
	wait_for "stopped in CountAway:[56] " || fail "6: C-k s did not step in CountAway"
done
wait_for '#3  CountAway\(\) count_away\.c:6' || fail "6: four CountAway frames are not on the stack"
wait_for 'stopped in CountAway:6 ' || fail "6: not stopped on the recursive call"
keys Home C-Space End; type_text "	// CountAway(iValue);"
keys C-k a
wait_for 'applied upd001: the point of execution moved from line 6 to 7' ||
	fail "6: the apply does not say the point of execution moved"
for f in 1 2 3; do
	wait_for "#$f  CountAway\\(\\) count_away\\.c:6 <upd001>" || fail "6: frame #$f is not <upd001>"
done
t capture-pane -p -e | grep -F '<upd001>' | grep -qF '38;5;176' || fail "6: <upd001> frames not in the superseded colour"
pass "6. CountAway: the point of execution moved, three frames <upd001> in the superseded colour"
keys C-k n
wait_for '#2  CountAway\(\) count_away\.c:6 <upd001>' || fail "6: C-k n: frames not upgraded one at a time"
t capture-pane -p | grep -q '#3  CountAway' && fail "6: C-k n: the stack did not shrink"
keys C-k c
wait_for 'exited with status 0' || fail "6: the program did not end (no stack overflow)"
pass "6. upgraded one by one as they return; no stack overflow"
keys C-q
check_restored p6 0
echo "all checks passed"
