#!/bin/bash
# The first screen: encide opens examples/demo in a real terminal (a private
# tmux server): the file tree, main.c in the editor with line numbers,
# colours and a status line, the debugger's panes and the bottom panes;
# keys move and scroll; it survives tiny windows (panes collapse down to the
# editor at 20x5) and grows back; and it leaves the terminal as it found it
# after Ctrl-Q and after SIGTERM.
set -u
SIZE=100x30
source "$SRC/tests/screen/lib.bash"
ref="$SRC/tests/screen/0001-first-screen.ref"

start_server

# --- Part 1: the first screen, keys, a tiny window, Ctrl-Q.
start_encide quit "$SRC/examples/demo"
wait_for '^ main\.c 1:1 ' || fail "no status line starting ' main.c 1:1 '"
pass "status line shows main.c and 1:1"

# Rows 1-29 are the panes: the reference, exactly.
t capture-pane -p -S 0 -E 28 > "$tmp/screen"
if ! diff -u "$ref" "$tmp/screen" > "$tmp/diff"; then
	cat "$tmp/diff"
	fail "the first screen differs from $(basename "$ref")"
fi
pass "the layout and main.c's first lines match the reference"

# Colours: keywords and types are drawn after an SGR escape.
esc=$'\e'
t capture-pane -p -e > "$tmp/colours"
for word in return for int; do
	grep -Eq -- "$esc\\[[0-9;]*m($esc\\[[0-9;]*m)*$word($esc|[^A-Za-z0-9_])" "$tmp/colours" ||
		fail "'$word' is not drawn with a colour escape"
done
grep -Eq -- "$esc\\[[0-9;]*3[0-9][0-9;]*m" "$tmp/colours" || fail "no foreground colour on the screen"
pass "return, for and int are drawn in colour"

keys Down Down Down
wait_for '^ main\.c 4:1 ' || fail "Down x3: status line does not show 4:1"
pass "Down x3 moves to 4:1"

keys NPage
wait_for '^ main\.c 23:1 ' || fail "Page Down: status line does not show 23:1 (the last line)"
pass "Page Down moves a page (to the last line, 23: main.c ends with a newline)"

t resize-window -x 20 -y 5
wait_for '^ main\.c 23:1' || fail "20x5: no status line"
wait_for '^ *23 *$' || fail "20x5: the cursor's line 23 is not shown"
[[ -n $(encide_pid) ]] || fail "20x5: encide is not running any more"
t capture-pane -p > "$tmp/small"
grep -q '│' "$tmp/small" && fail "20x5: side panes are still drawn"
head -n 1 "$tmp/small" | grep -Eq '^ *20 ' || fail "20x5: the view did not scroll to show line 23 (top row is not 20)"
pass "20x5: still running, only the editor, scrolled so the cursor line stays visible"
keys Up Up Up Up
wait_for '^ *19 ' || fail "20x5: Up x4 did not scroll up to line 19"
pass "20x5: scrolling up follows the cursor"
t resize-window -x 3 -y 1
sleep 0.3
[[ -n $(encide_pid) ]] || fail "3x1: encide is not running any more"
t resize-window -x 100 -y 30
wait_for '^ main\.c 19:1 ' || fail "100x30: status line not redrawn after growing"
wait_for 'Call stack' || fail "100x30: the side panes did not come back"
pass "survives 3x1 and grows back with every pane"

keys C-q
check_restored quit 0

# --- Part 2: SIGTERM restores the terminal too.
start_encide sigterm "$SRC/examples/demo"
pid=$(encide_pid)
[[ -n $pid ]] || fail "sigterm: cannot find encide's pid"
kill -TERM "$pid"
check_restored sigterm 143

# --- Part 3: a crash signal restores it as well (SIGSEGV from outside).
start_encide crash "$SRC/examples/demo"
pid=$(encide_pid)
[[ -n $pid ]] || fail "crash: cannot find encide's pid"
kill -SEGV "$pid"
check_restored crash 139

echo "all checks passed"
