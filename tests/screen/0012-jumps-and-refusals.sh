#!/bin/bash
# What opening real projects (lua, less) in the TUI showed, on a fixture of
# our own: a jump (Ctrl-G, a search) shows its line a third of the way down,
# not on the pane's last row; a search that wrapped says so; a program that
# stops while keys go to its terminal gives the keys back to the editor; an
# apply refused for a compile error while the program runs keeps its error
# on the status line (not where the program was interrupted), lists the
# compiler's errors in Problems (Enter goes to one), and the next apply
# clears them; a new run forgets the last process's apply; the file tree's
# folders fold and open, and a file whose name has a blank opens; at 80x24
# the file tree gives its columns to the editor and the debugger's panes,
# and comes back (in the debugger's place) when it gets the keyboard.
set -u
SIZE=120x36
source "$SRC/tests/screen/lib.bash"

dir="$tmp/answer"
mkdir -p "$dir"
cat > "$dir/main.c" <<'C'
#include <stdio.h>
#include <string.h>

static int answer(const char *line)
{
	int n = (int)strlen(line);

	return n * 2;
}

int main(void)
{
	char line[256];

	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		printf("%s: %d\n", line, answer(line));
		fflush(stdout);
	}
	return 0;
}
C
mkdir -p "$dir/lib"
for ((i = 1; i <= 300; i++)); do echo "int v_$i = $i;"; done > "$dir/lib/table.c"
echo '/* notes, not compiled */' > "$dir/lib/odd name.h"

# first_line: the line number on the editor's first text row.
first_line() { t capture-pane -p | sed -n 2p | sed -E 's/^[^│]*│.? *([0-9]+) .*/\1/'; }
# row_of N: the pane row showing line N.
row_of() { t capture-pane -p | grep -nE "│.? +$1 " | head -n 1 | cut -d: -f1; }

start_server
start_encide answer "$dir"

# The tree: lib/ folds and opens; a file with a blank in its name opens.
keys C-k 1 Home
wait_for '│?- lib/' || fail "the tree does not show the folder lib/ open"
wait_for '^ +table\.c ' || fail "the tree does not show lib/table.c"
keys Enter
wait_for '^\+ lib/' || fail "Enter on lib/ did not fold it"
wait_gone '^ +table\.c ' || fail "folding lib/ did not hide its files"
keys Right
wait_for '^ +table\.c ' || fail "Right did not open lib/ again"
keys Down
wait_for '^ +odd name\.h' || fail "the tree does not show 'odd name.h'"
keys Enter
wait_for '^ lib/odd name\.h 1:1 ' || fail "Enter on 'odd name.h' did not open it"
keys C-k 1 Left
wait_for '^- lib/' || fail "Left on a file did not go to its folder"
keys Left
wait_for '^\+ lib/' || fail "Left on an open folder did not fold it"
keys Right
pass "the tree's folder folds and opens (Enter, Left, Right); 'odd name.h' opens"

# Jumps: Ctrl-G 200 in table.c, then a search that wraps to line 100.
keys C-k 2 C-e
type_text "open lib/table.c"
keys Enter
wait_for '^ lib/table\.c 1:1 ' || fail "Ctrl-E open lib/table.c: not shown"
keys C-g
type_text 200
keys Enter
wait_for '^ lib/table\.c 200:1 ' || fail "Ctrl-G 200: the cursor is not on line 200"
top=$(first_line) row=$(row_of 200)
((row - 2 >= 5 && row - 2 <= 12)) || fail "Ctrl-G 200: line 200 is on text row $((row - 2)) (first line $top), not about a third down"
pass "Ctrl-G 200 shows line 200 a third of the way down (text row $((row - 2)))"
keys C-f
type_text "v_100 ="
keys Enter
wait_for '^ lib/table\.c 100:5 ' || fail "find 'v_100 =' from line 200 did not wrap to line 100"
wait_for 'search wrapped around the file' || fail "the search wrapped without saying so"
row=$(row_of 100)
((row - 2 >= 5 && row - 2 <= 12)) || fail "the match on line 100 is on text row $((row - 2)), not about a third down"
pass "a search that wrapped says so and shows its line a third of the way down"

# A breakpoint in answer(), the program run; keys typed into its terminal
# reach it, and when it stops there the keys go to the editor again.
keys C-k ]
wait_for '^ main\.c 1:1 ' || fail "C-k ]: main.c is not shown"
keys C-g
type_text 6
keys Enter C-k b
wait_for '│\* +6 ' || fail "C-k b: no breakpoint on line 6"
keys C-k c
wait_for '^ready' || fail "C-k c: the program did not start"
keys C-k 7
type_text "hello"
keys Enter
wait_for '\| stopped in answer:6 \|' || fail "typing a line into the program did not reach the breakpoint"
keys Down
wait_for '^ main\.c 7:1 ' || fail "after the stop, Down did not move the editor's cursor (the keys still go to the program)"
pass "the stop gave the keys back to the editor"

# Delete the breakpoint, let the program wait for input, then a change that
# does not compile, applied while it runs.
keys C-k 5 d
wait_for 'none \(F9 or C-k b' || fail "d in the breakpoints pane did not delete the breakpoint"
keys C-k c
wait_for '^hello: 10' || fail "the program did not answer 'hello: 10'"
keys C-k 2 C-g
type_text 8
keys Enter End
type_text " oops"
wait_for 'return n \* 2; oops' || fail "the typed error is not shown"
keys C-k a
wait_for '\| apply refused \|' || fail "C-k a: the status line does not say 'apply refused'"
wait_for '│compile error, nothing applied:' || fail "Problems does not say 'compile error, nothing applied:'"
wait_for '│main\.c:8:[0-9]+: error: ' || fail "Problems does not list the compiler's error on main.c:8"
sleep 0.5
t capture-pane -p | tail -n 1 > "$tmp/status"
grep -q 'compile error' "$tmp/status" || fail "the status line does not keep the apply's error: $(cat "$tmp/status")"
grep -q '__libc_read\|read\.c' "$tmp/status" && fail "the status line shows where the program was interrupted: $(cat "$tmp/status")"
pass "a refused apply: its error stays on the status line, the compiler's error is in Problems"
keys C-k 8 Down Enter
wait_for '^ main\.c 8:23 ' || fail "Enter on the error in Problems did not go to main.c line 8"
wait_for '│E +8 ' || fail "no E mark in line 8's gutter"
pass "Enter on the error goes to its line; the gutter marks it"

# Fix it (undo the typing, change 2 to 3) and apply: the rows go.
keys C-z
wait_gone 'return n \* 2; oops' || fail "Ctrl-Z did not undo the typing"
keys C-g
type_text 8
keys Enter End Left BSpace
type_text "3"
wait_for 'return n \* 3;' || fail "the fix is not shown"
keys C-k a
wait_for '\| applied upd001 \|' || fail "C-k a: the fix was not applied"
wait_gone '│compile error, nothing applied:' || fail "Problems still shows the refused apply"
keys C-k 7
type_text "abc"
keys Enter
wait_for '^abc: 9' || fail "the program does not run the applied code (abc: 9)"
pass "the fix applied: Problems cleared, the program answers with the new code"

# A new run: the last process's apply is not the new one's.
keys C-k x
wait_gone '\| running \|' || fail "C-k x did not stop the program"
keys C-k c
wait_for 'answer started' || fail "C-k c did not start the program again"
wait_gone 'applied upd001' || fail "the status line still says 'applied upd001' for the new process"
pass "a new run forgets the last process's apply"

# 80x24: the editor keeps 50 columns; the tree goes first.
t resize-window -x 80 -y 24
wait_gone '^ Files ' || fail "80x24: the file tree is still shown"
wait_for '│ Call stack' || fail "80x24: the call stack is not shown"
keys C-k 1
wait_for '^ Files ' || fail "80x24: C-k 1 did not show the file tree"
wait_gone 'Call stack' || fail "80x24: with the tree shown, the debugger's column should give way"
keys C-k 2
wait_for '│ Call stack' || fail "80x24: C-k 2 did not bring the debugger's column back"
pass "80x24: the tree gives way to the editor and the debugger's panes, and comes back with the keyboard"

keys C-k x C-q
check_restored answer 0
echo "all checks passed"
