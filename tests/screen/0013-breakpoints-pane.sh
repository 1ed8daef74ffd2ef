#!/bin/bash
# The Breakpoints pane with keys only: Enter shows a breakpoint's line in
# the editor (also after an edit above it moved it, and in a file not open
# yet), Space disables and enables one (the gutter's mark says which, and a
# disabled one does not stop the program), d deletes one; a breakpoint on a
# function not known before the build says why Enter has no line to show.
set -u
SIZE=140x45
source "$SRC/tests/screen/lib.bash"

# bp_row ERE: puts the pane's selection on the first row matching ERE.
bp_row() {
	local n i

	# The pane's rows: the text after the last border, between its title and the next.
	n=$(t capture-pane -p | sed -n '/│ Breakpoints/,/│ Threads/p' | sed -e 1d -e 's/.*│//' | grep -nE -- "$1" |
		head -n 1 | cut -d: -f1)
	[[ -n $n ]] || fail "no row of the Breakpoints pane matches '$1'"
	keys C-k 5 Home
	for ((i = 1; i < n; i++)); do keys Down; done
}

dir=$(project demo)
start_server
start_encide bps "$dir"

# Two breakpoints with keys: main.c:13 and count.c:21.
keys C-g
type_text 13
keys Enter C-k b
wait_for '│\* +13 ' || fail "C-k b: no breakpoint mark on main.c:13"
keys C-e
type_text "open count.c"
keys Enter C-g
type_text 21
keys Enter C-k b
wait_for '│\* +21 ' || fail "C-k b: no breakpoint mark on count.c:21"
wait_for '│\*1  main\.c:13' || fail "the pane does not list breakpoint 1 at main.c:13"
wait_for '│\*2  count\.c:21' || fail "the pane does not list breakpoint 2 at count.c:21"
pass "two breakpoints set with C-k b, listed in the pane"

# Enter on main.c:13 shows it (count.c is shown now).
bp_row '^\*1 '
keys Enter
wait_for '^ main\.c 13:1 ' || fail "Enter on breakpoint 1 did not show main.c line 13"
pass "Enter on a breakpoint shows its line in the editor"

# An edit above count.c:21 moves it; Enter follows.
keys C-k ]
wait_for '^ count\.c ' || fail "C-k ]: count.c is not shown"
keys C-g
type_text 19
keys Enter End Enter
type_text "/* a line above */"
wait_for '│\* +22 ' || fail "the breakpoint did not move down with the line inserted above it"
wait_for '│\*2  count\.c:22' || fail "the pane does not show breakpoint 2 moved to count.c:22"
keys C-k [
wait_for '^ main\.c ' || fail "C-k [: main.c is not shown"
bp_row '^\*2 '
keys Enter
wait_for '^ count\.c \[\+\] 22:1 ' || fail "Enter on the moved breakpoint did not show count.c line 22"
pass "after an edit above it, the pane and Enter follow the breakpoint to line 22"
keys C-s
wait_gone '^ count\.c \[\+\]' || fail "Ctrl-S did not save count.c"

# Space disables breakpoint 1: the run stops at count.c:22 first.
bp_row '^\*1 '
keys Space
wait_for '│o1  main\.c:13' || fail "Space did not disable breakpoint 1"
keys C-k [
wait_for '│o +13 ' || fail "the disabled breakpoint's mark in main.c's gutter is not 'o'"
pass "Space disabled breakpoint 1 (o in the pane and the gutter)"
keys C-k c
wait_for '\| stopped in count_away:22 \|' || fail "the run did not stop at count.c:22 (the disabled breakpoint stopped it?)"
pass "the disabled breakpoint did not stop the program"

# Space enables it again; d deletes breakpoint 2; the next stop is main.c:13.
bp_row '^o1 '
keys Space
wait_for '│\*1  main\.c:13' || fail "Space did not enable breakpoint 1 again"
bp_row '^\*2 '
keys d
wait_gone '│\*2  count\.c' || fail "d did not delete breakpoint 2"
keys C-k c
wait_for '\| stopped in main:13 \|' || fail "continuing did not stop at main.c:13 (breakpoint 1)"
pass "Space enabled breakpoint 1 again, d deleted breakpoint 2: the next stop is main.c:13"
keys C-k x
wait_gone '\| stopped in' || fail "C-k x did not end the program"
keys C-q C-q
check_restored bps 0

# A breakpoint on a function before a build says where it is (a project
# not built yet).
dir=$(project fresh)
start_encide pending "$dir"
keys C-e
type_text "break no_such_function_yet"
keys Enter
bp_row 'no_such_function_yet'
keys Enter
wait_for 'has no line yet' || fail "Enter on a pending breakpoint does not say it has no line yet"
pass "Enter on a pending breakpoint says it has no line yet"

keys C-q
check_restored pending 0
echo "all checks passed"
