#!/bin/bash
# Panes and settings: the program's terminal (keys typed in the output pane
# reach the program, its size follows the pane, also after a resize), zoom,
# hide and show, resize, the user's config file (a binding, a bad line
# reported with its number), --theme, a malformed theme reported with its
# line (the default used), and :theme.
set -u
SIZE=120x36
source "$SRC/tests/screen/lib.bash"

dir="$tmp/echo"
mkdir -p "$dir" "$tmp/config/encide"
cat > "$dir/echo.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

int main(void)
{
	char line[256];
	struct winsize ws;

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		ioctl(0, TIOCGWINSZ, &ws);
		printf("got: %s size %d %d\n", line, ws.ws_row, ws.ws_col);
		fflush(stdout);
	}
	return 0;
}
C
cat > "$tmp/config/encide/config" <<'CONF'
# the user's bindings
bind C-k g go
frobnicate
CONF
printf 'normal = default\nkeyword = purple bold\n' > "$tmp/bad.theme"

start_server
mv "$tmp/config/encide/config" "$tmp/config.later"
start_encide theme "$dir" --theme "$tmp/bad.theme"
wait_for "bad\\.theme:2: 'purple': not a colour" || fail "the bad theme is not reported with its line"
t capture-pane -p -e > "$tmp/colours"
grep -qF '38;5;74' "$tmp/colours" || fail "the default (dark) theme is not used after the bad one"
pass "a malformed theme is reported with its line, and the default theme is used"
keys C-q
check_restored theme 0

mv "$tmp/config.later" "$tmp/config/encide/config"
start_encide panes "$dir"
wait_for "config/encide/config:3: unknown command 'frobnicate'" || fail "the config's bad line is not reported with its line"
pass "the config file's bad line is reported with its line"

# The config's binding: C-k g runs go (builds and starts the program).
keys C-k g
wait_for 'echo started, pid' || fail "C-k g (bound in the config file) did not start the program"
pass "the config file's binding works"
keys C-k 7
type_text "hello"
keys Enter
wait_for '^got: hello size 7 66 ' || fail "the program did not get 'hello' on a 7x66 terminal"
pass "keys in the output pane reach the program; its terminal is the pane's size (7x66)"
t resize-window -x 100 -y 30
wait_for '^ echo\.c' || true
type_text "again"
keys Enter
wait_for '^got: again size 6 55 ' || fail "after the resize the program's terminal is not 6x55"
pass "the program's terminal follows the pane after a resize (6x55)"
keys C-d
wait_for 'exited with status 0' || fail "Ctrl-D in the output pane did not end the program's input"
pass "Ctrl-D reached the program (end of input)"
t resize-window -x 120 -y 36

# Zoom, hide, show, resize.
keys C-k e C-k z
wait_for '\(zoomed\)' || fail "C-k z: the editor is not zoomed"
t capture-pane -p | grep -q 'Call stack' && fail "C-k z: the call stack is still shown"
keys C-k z
wait_for 'Call stack' || fail "C-k z again: the panes did not come back"
pass "zoom and back"
keys C-k 3 C-k h
wait_gone 'Call stack' || fail "C-k h did not hide the call stack"
keys C-e
type_text "pane-show all"
keys Enter
wait_for 'Call stack' || fail "pane-show all did not bring the call stack back"
pass "hide and show"
# Where the right column starts, once the screen has settled (two captures
# a moment apart agree).
right_at() { t capture-pane -p -S 0 -E 0 | grep -bo '│ Call stack' | cut -d: -f1; }
settled() { local a b; a=$(right_at); sleep 0.2; b=$(right_at); [[ -n $a && $a == "$b" ]]; }
keys C-k 3
until_true settled || fail "the screen does not settle"
before=$(right_at)
keys C-k + C-k +
until_true bash -c "[[ \$(tmux -L '$sock' capture-pane -p -S 0 -E 0 | grep -bo '│ Call stack' | cut -d: -f1) -lt $before ]]" ||
	fail "C-k + twice did not make the right column wider (before: $before, now: $(t capture-pane -p -S 0 -E 0 | grep -bo "│ Call stack"))"
pass "C-k + made the focused pane's column wider"
keys C-k e C-k + C-k + C-k +
until_true bash -c "[[ \$(tmux -L '$sock' capture-pane -p -S 0 -E 0 | grep -bo '│ Call stack' | cut -d: -f1) -gt $before ]]" ||
	fail "C-k + in the editor did not make the editor wider"
pass "C-k + in the editor made it wider"

# :theme light: a white page.
keys C-e
type_text "theme light"
keys Enter
until_true bash -c "tmux -L '$sock' capture-pane -p -e | grep -qF '48;5;231'" || fail ":theme light did not draw the white background"
pass ":theme light"

keys C-q
check_restored panes 0
echo "all checks passed"
