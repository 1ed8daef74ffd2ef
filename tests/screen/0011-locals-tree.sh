#!/bin/bash
# The locals and watch tree on a real stopped program (tests/debuggee's
# values.c, built and run by encide): structs, arrays and pointers opened and
# closed with keys (Enter, Right, Left, Space), a pointer inside a struct
# followed into the struct it points to and opened in turn, a null pointer
# and a function that have nothing to open, what was opened staying open
# after a step (with the new values), Left going from a part to its parent,
# a watch (w, display EXPR) opened like a local and removed with d, and a
# function's arguments shown before its locals.
# The pane is zoomed, so the program's terminal shrank and it has a
# SIGWINCH waiting: the step must not end on it (gdb lets it through).
set -u
SIZE=140x45
source "$SRC/tests/screen/lib.bash"

# rows: the locals pane's rows (zoomed: the screen minus its title and
# the status line).
rows() { t capture-pane -p | sed -e 1d -e '$d'; }
# choose ERE: puts the locals pane's selection on the first row matching ERE.
choose() {
	local n i

	n=$(rows | grep -nE -- "$1" | head -n 1 | cut -d: -f1)
	[[ -n $n ]] || fail "no row of the locals pane matches '$1'"
	keys Home
	for ((i = 1; i < n; i++)); do keys Down; done
}
# row_count ERE: how many rows match.
row_count() { rows | grep -cE -- "$1"; }

dir="$tmp/values"
mkdir -p "$dir"
cp "$SRC/tests/debuggee/values.c" "$dir/"
line=$(grep -n 'pr = swap(pr);' "$dir/values.c" | cut -d: -f1)

start_server
start_encide values "$dir"
keys C-g
type_text "$line"
keys Enter C-k b C-k c
wait_for "stopped in main:$line " || fail "C-k b, C-k c: the program did not stop on line $line"
pass "values.c built, run, stopped on line $line"

keys C-k 4 C-k z
wait_for '^\+ sq = \{name = 0x[0-9a-f]+ "square", corner = \{a = 1, b = 2\}' || fail "no closed row for the struct sq"
wait_for '^\+ numbers = \{10, 20, 30, 40, 50\}' || fail "no closed row for the array numbers"
wait_for '^\+ ptr = 0x[0-9a-f]+$' || fail "the pointer ptr cannot be opened (no +)"
wait_for '^  letter = 65 .A.$' || fail "letter is not a plain row"
pass "locals: sq, numbers and ptr can be opened, letter cannot"

# A struct: Enter opens it; its struct and array members can open, its
# null pointer cannot.
choose '^\+ sq = '
keys Enter
wait_for '^- sq = ' || fail "Enter did not open sq"
wait_for '^    name = 0x[0-9a-f]+ "square"$|^  \+ name = 0x[0-9a-f]+ "square"$' || fail "sq.name is not shown under sq"
wait_for '^  \+ corner = \{a = 1, b = 2\}$' || fail "sq.corner is not shown as a struct that opens"
wait_for '^    color = GREEN$' || fail "sq.color is not shown"
wait_for '^  \+ sides = \{4, 4, 4, 4\}$' || fail "sq.sides is not shown as an array that opens"
wait_for '^    next = 0x0$' || fail "sq.next (null) is not shown as a row that cannot open"
pass "Enter opened the struct sq: members at depth 1, a null pointer without +"

choose '^  \+ corner = '
keys Right
wait_for '^      a = 1$' || fail "Right did not open sq.corner (a = 1)"
wait_for '^      b = 2$' || fail "Right did not open sq.corner (b = 2)"
choose '^  \+ sides = '
keys Right
wait_for '^      \[3\] = 4$' || fail "Right did not open the array sq.sides ([3] = 4)"
[[ $(row_count '^      \[[0-9]\] = 4$') -eq 4 ]] || fail "sq.sides does not show 4 elements"
pass "Right opened a nested struct and an array (elements [0]..[3])"

# Left on an element goes to its array's row; Left there closes it.
choose '^      \[2\] = 4$'
keys Left Left
wait_gone '^      \[3\] = 4$' || fail "Left, Left from an element did not close sq.sides"
wait_for '^  \+ sides = ' || fail "sq.sides is not shown closed"
wait_for '^      a = 1$' || fail "closing sq.sides closed sq.corner too"
pass "Left from an element went to its array, Left again closed it"

# A pointer: Right follows it.
choose '^\+ ptr = '
keys Right
wait_for '^- ptr = 0x' || fail "Right did not open ptr"
wait_for '^    \*ptr = 30$' || fail "opening ptr does not show *ptr = 30"
pass "the pointer ptr opened: *ptr = 30"

# A pointer inside a struct, followed into the struct it points to, opened.
choose '^\+ tri = '
keys Enter
wait_for '^  \+ next = 0x[0-9a-f]+$' || fail "tri.next (a pointer to sq) cannot be opened"
choose '^  \+ next = '
keys Enter
wait_for '^    \+ \*next = \{name = 0x[0-9a-f]+ "square"' || fail "opening tri.next does not show *next (sq)"
choose '^    \+ \*next = '
keys Enter
wait_for '^      \+ corner = \{a = 1, b = 2\}$' || fail "opening *tri.next does not show its members"
choose '^      \+ corner = \{a = 1, b = 2\}$'
keys Enter
wait_for '^          b = 2$' || fail "(*tri.next).corner did not open"
pass "tri.next followed to sq and its corner opened (4 levels)"

# A function pointer opens to the function, which opens no further.
choose '^\+ fn = '
keys Enter
wait_for '^    \*fn = \{int \(int, int\)\} 0x[0-9a-f]+ <add>$' || fail "opening fn does not show the function (*fn) as a row that cannot open"
pass "fn opened to *fn = {int (int, int)} ... <add>, which has nothing to open"

# A step: what was opened stays open, with the new values.
wait_for '^\+ pr = \{a = 7, b = 8\}$' || fail "pr is not {a = 7, b = 8} before the step"
choose '^\+ pr = '
keys Space
wait_for '^    a = 7$' || fail "Space did not open pr"
keys C-k n
wait_for "stopped in main:$((line + 1)) " || fail "C-k n did not step to line $((line + 1))"
wait_for '^- pr = \{a = 8, b = 7\}$' || fail "after the step pr is not shown open with its new value"
wait_for '^    a = 8$' || fail "after the step pr.a is not 8"
wait_for '^    \*ptr = 30$' || fail "after the step *ptr is not shown any more"
wait_for '^          b = 2$' || fail "after the step (*tri.next).corner is not open any more"
pass "after a step the opened rows stay open and show the new values"

# Close sq with Space: its rows go, the others stay.
choose '^- sq = '
keys Space
wait_gone '^    color = GREEN$' || fail "Space did not close sq"
wait_for '^\+ sq = ' || fail "sq is not shown closed"
wait_for '^    \*ptr = 30$' || fail "closing sq closed ptr too"
pass "Space closed sq"

# A watch: w opens the command line with 'display '.
keys w
wait_for '^:display$' || fail "w did not open the command line with 'display '"
type_text "g_pair"
keys Enter
wait_for '^\+ g_pair = \{a = 3, b = 4\}$' || fail "the watch g_pair is not shown"
choose '^\+ g_pair = '
keys Right
wait_for '^    b = 4$' || fail "the watch g_pair did not open"
choose '^- g_pair = '
keys d
wait_gone '^[-+] g_pair = ' || fail "d did not remove the watch"
pass "a watch added with w, opened with Right, removed with d"

# A function's arguments come first in the pane (half() has no locals).
keys C-k s
wait_for "stopped in half:" || fail "C-k s did not step into half()"
wait_for '^  v = [0-9.e+-]+$' || fail "the argument v of half() is not in the locals pane"
pass "stepped into half(): its argument v is shown (arguments, then locals)"

keys C-k x
wait_gone 'stopped in' || fail "C-k x did not stop debugging"
keys C-q
check_restored values 0
echo "all checks passed"
