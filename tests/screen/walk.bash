# The debugging walk of the screen tests, run under the TERM the test sets
# (TERM_INSIDE): build, a breakpoint set with keys, run, the arrow, an edit
# typed in, apply with the prefix key (never an F-key: it must work where
# F-keys do not arrive), superseded frames with their <upd001> label in the
# theme's superseded colour, the program's output changing, resizing, and
# quitting with the terminal restored. The program is the recursive
# CountAway of the VC6 tour (examples/demo's count.c).
#
# SUPERSEDED_SGR: the colour escape the superseded frames must be drawn
# with at this TERM's depth.
SIZE=140x45
source "$SRC/tests/screen/lib.bash"
: "${SUPERSEDED_SGR:?the superseded colour escape}"

dir=$(project demo)
start_server
start_encide walk "$dir"
pass "encide started with TERM=$TERM_INSIDE"

# Build (C-k m), then open count.c from the command line (Ctrl-E).
keys C-k m
wait_for '\| built \|' || fail "C-k m: the status line does not say 'built'"
pass "C-k m built the demo"
keys C-e
type_text "open count.c"
keys Enter
wait_for '^ count\.c [0-9]+:[0-9]+ ' || fail "Ctrl-E open count.c: not shown"
pass "the command line opened count.c in a tab"

# A breakpoint on line 21 with keys: Ctrl-G 21, then the prefix's b.
keys C-g
type_text "21"
keys Enter
wait_for '^ count\.c 21:1 ' || fail "Ctrl-G 21: the cursor is not on line 21"
keys C-k b
wait_for 'Breakpoint 1 at .*count\.c:21' || fail "C-k b: no 'Breakpoint 1 at count.c:21'"
wait_for '│\* +21 ' || fail "C-k b: no breakpoint mark in line 21's gutter"
pass "C-k b set breakpoint 1 on line 21 and its mark is in the gutter"

# Run: C-k c (go) stops at the bottom of the recursion.
keys C-k c
wait_for '\| stopped in count_away:21 \|' || fail "C-k c: the status line does not say 'stopped in count_away:21'"
wait_for '│> +21 ' || fail "no execution arrow on line 21"
pass "C-k c ran to the breakpoint: the arrow is on line 21"
wait_for '#3  count_away\(\) count\.c:22' || fail "the call stack does not show frame #3 count_away at count.c:22"
pass "the call stack shows the recursion"

# Edit line 22: select its text (Ctrl-Space, End) and type the new line.
keys Down Home C-Space End
type_text "	return SCALE + 0; /* no recursion */"
wait_for '22 	?.*return SCALE \+ 0; /\* no recursion \*/' || fail "the typed line 22 is not shown"
wait_for '^ count\.c \[\+\] 22:' || fail "the status line does not say count.c is modified ([+])"
pass "typing replaced the selection on line 22"

# Apply with the prefix key.
keys C-k a
wait_for 'applied upd001' || fail "C-k a: no 'applied upd001'"
pass "C-k a applied upd001"
wait_for '#1  count_away\(\) count\.c:22 <upd001>' || fail "frame #1 is not labelled <upd001>"
wait_for '#3  count_away\(\) count\.c:22 <upd001>' || fail "frame #3 is not labelled <upd001>"
t capture-pane -p -e | grep -F '<upd001>' > "$tmp/superseded"
[[ $(wc -l < "$tmp/superseded") -eq 3 ]] || fail "expected 3 superseded frames, found $(wc -l < "$tmp/superseded")"
grep -qF -- "$SUPERSEDED_SGR" "$tmp/superseded" || {
	cat -v "$tmp/superseded"
	fail "the superseded frames are not drawn with $SUPERSEDED_SGR"
}
pass "three superseded frames, labelled <upd001>, in the superseded colour ($(printf %q "$SUPERSEDED_SGR"))"

# Choose a superseded frame in the call stack (C-k 3, Down, Enter).
keys C-k 3 Down Enter
wait_for 'frame #1 runs code that upd001 replaced' || fail "choosing frame #1 does not say it runs replaced code"
wait_for 'count\.c before upd001 \(read-only\)' || fail "no tab with the old source of count.c"
wait_for '│= +22 +return SCALE \+ count_away\(n - 1\);' || fail "the old source's line 22 (the recursive call) is not shown with the frame's mark"
pass "choosing a superseded frame shows the source it runs (before upd001), read-only"
type_text "x"
wait_for 'read-only' || fail "typing in the old source is not refused"
keys Escape

# Remove the breakpoint (C-k 5: the breakpoints pane, d) and continue.
keys C-k 5 d
wait_for 'none \(F9 or C-k b' || fail "d in the breakpoints pane did not delete the breakpoint"
keys C-k e C-k c
wait_for 'iteration 1: point \(3, 4\), depth 1, ticks 2' || fail "the output does not show the new code's 'depth 1'"
wait_for 'iteration 0: point \(2, 3\), depth 3, ticks 1' || fail "the output does not show iteration 0 (old code, depth 3)"
wait_for 'exited with status 0 ---' || fail "the program did not end"
pass "the program's output changed: depth 3 before the apply, 1 after"

# Resize: smaller, tiny, back.
t resize-window -x 90 -y 30
wait_for '^ count\.c 2[0-9]:[0-9]+ ' || fail "90x30: no status line"
t resize-window -x 20 -y 5
sleep 0.3
[[ -n $(encide_pid) ]] || fail "20x5: encide died"
t resize-window -x 140 -y 45
wait_for 'Call stack' || fail "140x45: the panes did not come back"
pass "resized to 90x30, 20x5 and back"

keys C-q
check_restored walk 0
echo "all checks passed"
