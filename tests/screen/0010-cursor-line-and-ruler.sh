#!/bin/bash
# What typing sends is kept small (tests/bench/tty.sh counts the bytes):
# the cursor line is marked in the gutter only (its number in the theme's
# cursorline colours, the text without a background), the cursor's
# line:col is the status line's ruler in the terminal's own colours, the
# blanks after a line take none of the gutter's background, and a line too
# long for the pane scrolls sideways alone, the lines around it staying in
# sight from their start. Under xterm-256color and screen-256color.
set -u
SIZE=100x30
source "$SRC/tests/screen/lib.bash"
esc=$'\e'

# row_of LINE: the pane row (0-based) showing editor line LINE.
row_of() { t capture-pane -p | grep -nE "│.? +$1 " | head -n 1 | cut -d: -f1 | awk '{ print $1 - 1 }'; }
# row_e ROW: that row of the pane with its colour escapes.
row_e() { t capture-pane -p -e -S "$1" -E "$1"; }

start_server
for term in xterm-256color screen-256color; do
	dir=$(project "demo-$term")
	TERM_INSIDE=$term start_encide "$term" "$dir"

	keys C-g
	type_text 10
	keys Enter End
	wait_for '^ main\.c 10:28 +\|' || fail "$term: Ctrl-G 10, End: the ruler does not say 10:28"
	row=$(row_of 10)
	[[ -n $row ]] || fail "$term: line 10 is not shown"
	row_e "$row" > "$tmp/line10"
	grep -qF '48;5;235m' "$tmp/line10" || {
		cat -v "$tmp/line10"
		fail "$term: the cursor line's number is not drawn on the cursorline background (48;5;235)"
	}
	# After the number, nothing on that row has a background (the border
	# and side panes are past the editor: cut at the line's last character).
	sed -e "s/.*  10 //" -e 's/};.*/};/' "$tmp/line10" | grep -q "$esc\\[[0-9;]*48;5;" && {
		cat -v "$tmp/line10"
		fail "$term: the cursor line's text is drawn with a background"
	}
	pass "$term: the cursor line is marked in the gutter only"

	type_text " /* xy */"
	wait_for '^ main\.c \[\+\] 10:37 +\|' || fail "$term: after typing, the ruler does not say 10:37"
	row_e "$row" > "$tmp/line10"
	grep -qF 'xy */' "$tmp/line10" || fail "$term: the typed text is not shown"
	sed -e "s/.*  10 //" "$tmp/line10" | grep -q "$esc\\[[0-9;]*48;5;235m" && {
		cat -v "$tmp/line10"
		fail "$term: the typed text or the blanks after it have the cursorline background"
	}
	pass "$term: typed text and the blanks after it are drawn without a background"

	# The ruler: the status line's colours stop before it and start after.
	t capture-pane -p -e -S 29 -E 29 > "$tmp/status"
	grep -qE "main\\.c \\[\\+\\]($esc\\[[0-9;]*m)+ 10:37 +($esc\\[[0-9;]*m)+ \\|" "$tmp/status" || {
		cat -v "$tmp/status"
		fail "$term: the ruler is not drawn in colours of its own"
	}
	pass "$term: the ruler has its own colours"

	# A long line scrolls alone: type past the pane's right edge.
	type_text " and a comment long enough to go past the right edge of the editor"
	wait_for '│ +10 .*right edge of the editor +│' || fail "$term: line 10 did not scroll to show its end and the cursor"
	t capture-pane -p > "$tmp/screen"
	grep -q 'struct point p' "$tmp/screen" && fail "$term: line 10's start is still shown (it did not scroll)"
	grep -qE '│ +8 int main\(void\)' "$tmp/screen" || fail "$term: line 8 scrolled with the cursor line"
	grep -qE '│ +12 +for \(int i = 0' "$tmp/screen" || fail "$term: line 12 scrolled with the cursor line"
	pass "$term: the long cursor line scrolled sideways, lines 8 and 12 still show their start"
	keys Home
	wait_for '│ +10 +struct point p' || fail "$term: Home: line 10 is not shown from its start"
	pass "$term: Home brings the line's start back"

	keys C-q C-q
	check_restored "$term" 0
done
echo "all checks passed"
