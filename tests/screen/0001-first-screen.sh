#!/bin/bash
# The first screen: encide opens examples/demo in a real terminal (a private
# tmux server), shows main.c with line numbers, colours and a status line,
# moves and scrolls with keys, survives a tiny window, and leaves the terminal
# as it found it after q and after SIGTERM.
set -u

: "${ENCIDE:?the encide binary}" "${SRC:?the source root}"
ref="$SRC/tests/screen/0001-first-screen.ref"
sock="encide-test-$$"
tmp=$(mktemp -d)
prompt='encide-test$ '

t() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
	t kill-server 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	echo "--- the pane:"
	t capture-pane -p 2>/dev/null
	exit 1
}
pass() { echo "ok: $*"; }

# wait_for ERE [SECONDS]: polls the pane until a line matches.
wait_for() {
	local tries=$((${2:-10} * 20))

	while ((tries-- > 0)); do
		t capture-pane -p | grep -Eq -- "$1" && return 0
		sleep 0.05
	done
	return 1
}

# wait_file PATH [SECONDS]: polls until the shell has written PATH.
wait_file() {
	local tries=$((${2:-10} * 20))

	while ((tries-- > 0)); do
		[[ -s $1 ]] && return 0
		sleep 0.05
	done
	return 1
}

# run LINE: types a command line into the pane's shell.
run() { t send-keys -l "$1" && t send-keys Enter; }

# start_encide NAME: runs encide on the demo; its exit status goes to
# $tmp/NAME.status when it ends. Waits for the first screen.
start_encide() {
	rm -f "$tmp/$1.status"
	run "'$ENCIDE' '$SRC/examples/demo'; echo \"exit=\$?\" > '$tmp/$1.status'"
	wait_for '^ main\.c +1:1 ' || fail "$1: no status line with 'main.c  1:1' within 10 s"
}

# encide_pid: the encide process, a child of the pane's shell.
encide_pid() { pgrep -P "$(t display -p '#{pane_pid}')" | head -n 1; }

# check_restored NAME STATUS: encide ended with STATUS and the terminal is
# back to the shell's: main screen, same stty settings, the prompt.
check_restored() {
	wait_file "$tmp/$1.status" || fail "$1: encide did not exit within 10 s"
	[[ $(cat "$tmp/$1.status") == "exit=$2" ]] || fail "$1: encide ended with $(cat "$tmp/$1.status"), expected exit=$2"
	pass "$1: encide exited with status $2"
	[[ $(t display -p '#{alternate_on}') == 0 ]] || fail "$1: the alternate screen is still on"
	pass "$1: alternate screen off"
	rm -f "$tmp/stty.after"
	run "stty -g > '$tmp/stty.after'"
	wait_file "$tmp/stty.after" || fail "$1: the shell does not answer"
	cmp -s "$tmp/stty.before" "$tmp/stty.after" ||
		fail "$1: stty settings changed: $(cat "$tmp/stty.before") -> $(cat "$tmp/stty.after")"
	pass "$1: terminal modes restored (stty -g unchanged)"
	wait_for "^${prompt//$/\\$}?\$" || fail "$1: no shell prompt"
}

command -v tmux >/dev/null || fail "tmux is not installed"
[[ -x $ENCIDE ]] || fail "no encide binary at $ENCIDE"

t new-session -d -x 100 -y 30 -e LANG=C.UTF-8 "bash --norc --noprofile" || fail "cannot start tmux"
t set -g window-size manual
t set -g status off
run "PS1='$prompt'; stty -g > '$tmp/stty.before'"
wait_file "$tmp/stty.before" || fail "the shell in the pane does not answer"

# --- Part 1: the first screen, keys, a tiny window, q.
start_encide quit
pass "status line shows main.c and 1:1"

# Rows 1-29 are the editor pane: the reference, exactly.
t capture-pane -p -S 0 -E 28 > "$tmp/screen"
if ! diff -u "$ref" "$tmp/screen" > "$tmp/diff"; then
	cat "$tmp/diff"
	fail "the first screen differs from $(basename "$ref")"
fi
pass "line numbers and main.c's first lines match the reference"
t capture-pane -p -S 29 -E 29 | grep -Eq '^ main\.c  1:1  23 lines' ||
	fail "status line is not ' main.c  1:1  23 lines'"
pass "status line has the file, 1:1 and 23 lines"

# Colours: keywords and types are drawn after an SGR escape.
esc=$'\e'
t capture-pane -p -e > "$tmp/colours"
for word in return for int; do
	grep -Eq -- "$esc\\[[0-9;]*m($esc\\[[0-9;]*m)*$word($esc|[^A-Za-z0-9_])" "$tmp/colours" ||
		fail "'$word' is not drawn with a colour escape"
done
grep -Eq -- "$esc\\[[0-9;]*3[1-7][0-9;]*m" "$tmp/colours" || fail "no foreground colour on the screen"
pass "return, for and int are drawn in colour"

t send-keys Down Down Down
wait_for '^ main\.c +4:1 ' || fail "Down x3: status line does not show 4:1"
pass "Down x3 moves to 4:1"

t send-keys NPage
wait_for '^ main\.c +23:1 ' || fail "Page Down: status line does not show 23:1 (the last line)"
pass "Page Down moves a page (to the last line, 23: main.c ends with a newline)"

t resize-window -x 20 -y 5
wait_for '^ main\.c  23:1' || fail "20x5: no status line"
sleep 0.2
[[ -n $(encide_pid) ]] || fail "20x5: encide is not running any more"
t capture-pane -p > "$tmp/small"
head -n 1 "$tmp/small" | grep -Eq '^ 20 ' || fail "20x5: the view did not scroll to show line 23 (top row is not 20)"
grep -Eq '^ 22 }' "$tmp/small" && grep -Eq '^ 23$' "$tmp/small" || fail "20x5: lines 22 and 23 are not visible"
pass "20x5: still running, scrolled so the cursor line stays visible"
t send-keys Up Up Up Up
wait_for '^ 19( |$)' || fail "20x5: Up x4 did not scroll up to line 19"
pass "20x5: scrolling up follows the cursor"
t resize-window -x 3 -y 1
sleep 0.3
[[ -n $(encide_pid) ]] || fail "3x1: encide is not running any more"
t resize-window -x 100 -y 30
wait_for '^ main\.c +19:1 ' || fail "100x30: status line not redrawn after growing"
pass "survives 3x1 and grows back"

t send-keys q
check_restored quit 0

# --- Part 2: SIGTERM restores the terminal too.
start_encide sigterm
pid=$(encide_pid)
[[ -n $pid ]] || fail "sigterm: cannot find encide's pid"
kill -TERM "$pid"
check_restored sigterm 143

echo "all checks passed"
