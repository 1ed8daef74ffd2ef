#!/bin/bash
# The in-band colour query: encide asks the terminal itself (DECRQSS,
# XTGETTCAP, ended by DA1) before curses starts. A real xterm on a virtual
# X server answers it: with direct colour encide draws 24-bit colour although
# TERM=xterm's terminfo has 8; with direct colour turned off, the 256-colour
# palette. The UI's own output is recorded by script(1) between xterm and
# encide. In tmux (which answers only DA1) terminfo decides, no byte of an
# answer reaches the buffer, and keys typed while encide starts are kept.
set -u
SIZE=160x30
source "$SRC/tests/screen/lib.bash"

command -v xvfb-run >/dev/null && command -v xterm >/dev/null && command -v script >/dev/null ||
	fail "xterm, xvfb-run and script are needed (./setup.sh installs them)"

# Whatever is still running from here (xterm, script, encide under them)
# goes when the test ends, passed or not.
trap 'pkill -f -- "$tmp"; pkill -f -- "^$ENCIDE $SRC/examples/demo\$"; cleanup' EXIT

# in_xterm NAME [XTERM OPTIONS...] -- CMD...: runs CMD in a new xterm on its
# own virtual X server, in the background; its exit status goes to
# $tmp/NAME.xstatus when xterm ends.
in_xterm() {
	local name=$1 opts=()
	shift
	while [[ $1 != -- ]]; do opts+=("$1"); shift; done
	shift
	rm -f "$tmp/$name.xstatus"
	(
		xvfb-run -a -s "-screen 0 1024x768x24" xterm -geometry 100x30 "${opts[@]}" -e "$@" \
			>"$tmp/$name.xlog" 2>&1
		echo "$?" >"$tmp/$name.xstatus"
	) &
}

# --colours: what encide finds out, said in words.
cat >"$tmp/colours.sh" <<EOF
#!/bin/bash
ENCIDE_STATE_DIR='$tmp/state' '$ENCIDE' --colours > "\$1" 2>&1
EOF
chmod +x "$tmp/colours.sh"

in_xterm c24 -- "$tmp/colours.sh" "$tmp/c24.out"
wait_file "$tmp/c24.xstatus" 60 || fail "xterm did not run encide --colours"
grep -q 'the terminal: answered 24-bit colour, to DECRQSS' "$tmp/c24.out" ||
	fail "xterm: --colours does not report xterm's 24-bit answer: $(cat "$tmp/c24.out" "$tmp/c24.xlog")"
grep -q 'TERM=xterm: terminfo says 8 colours' "$tmp/c24.out" || fail "xterm: --colours: $(cat "$tmp/c24.out")"
grep -q 'encide draws: 24-bit colour (said by DECRQSS)' "$tmp/c24.out" || fail "xterm: --colours: $(cat "$tmp/c24.out")"
pass "xterm: the terminal says 24-bit colour (DECRQSS) where terminfo says 8"

in_xterm c256 -xrm 'XTerm*directColor: false' -- "$tmp/colours.sh" "$tmp/c256.out"
wait_file "$tmp/c256.xstatus" 60 || fail "xterm (no direct colour) did not run encide --colours"
grep -q 'the terminal: answered 256 colours, to DECRQSS' "$tmp/c256.out" ||
	fail "xterm without direct colour: --colours: $(cat "$tmp/c256.out" "$tmp/c256.xlog")"
grep -q 'encide draws: 256 colours (said by DECRQSS)' "$tmp/c256.out" ||
	fail "xterm without direct colour: --colours: $(cat "$tmp/c256.out")"
pass "xterm without direct colour: the palette (256 colours) where terminfo says 8"

# The UI in xterm, recorded by script(1); SIGTERM ends it.
ui_in_xterm() {
	local name=$1 want=$2 pid
	shift 2
	cat >"$tmp/$name.sh" <<EOF
#!/bin/bash
script -q -f -e -c "ENCIDE_STATE_DIR='$tmp/state' XDG_CONFIG_HOME='$tmp/config' exec '$ENCIDE' '$SRC/examples/demo'" '$tmp/$name.typescript'
echo "exit=\$?" > '$tmp/$name.status'
EOF
	chmod +x "$tmp/$name.sh"
	in_xterm "$name" "$@" -- "$tmp/$name.sh"
	until_true grep -qF "$want" "$tmp/$name.typescript" 2>/dev/null ||
		fail "$name: keywords are not drawn with $want: $(cat "$tmp/$name.xlog" 2>/dev/null)"
	until_true pgrep -f "^$ENCIDE $SRC/examples/demo\$" >/dev/null || fail "$name: no encide process"
	pid=$(pgrep -f "^$ENCIDE $SRC/examples/demo\$" | head -n 1)
	kill -TERM "$pid"
	wait_file "$tmp/$name.status" || fail "$name: encide did not end on SIGTERM"
	[[ $(cat "$tmp/$name.status") == exit=143 ]] || fail "$name: encide ended with $(cat "$tmp/$name.status")"
	wait_file "$tmp/$name.xstatus" || fail "$name: xterm did not end"
}

ui_in_xterm u24 $'\e[38;2;86;156;214m'
[[ -f $tmp/state/terminfo/e/encide-xterm-direct ]] || fail "no terminfo entry encide-xterm-direct was made"
pass "xterm: the UI draws keywords in 24-bit #569cd6 (through its entry encide-xterm-direct)"
ui_in_xterm u256 $'\e[38;5;74m' -xrm 'XTerm*directColor: false'
[[ -f $tmp/state/terminfo/e/encide-xterm-256 ]] || fail "no terminfo entry encide-xterm-256 was made"
pass "xterm without direct colour: the UI draws keywords in palette colour 74"

# tmux: only DA1 comes back. Keys typed before the UI is up are kept.
start_server
dir=$(project ahead)
rm -f "$tmp/ahead.status"
run "TERM=xterm-256color XDG_CONFIG_HOME='$tmp/config' ENCIDE_STATE_DIR='$tmp/state' '$ENCIDE' '$dir' 2> '$tmp/ahead.err'; echo \"exit=\$?\" > '$tmp/ahead.status'"
type_text "/*ahead*/"
wait_for '^ main\.c \[\+\] 1:10 ' || fail "the keys typed while encide started are not all in the buffer"
wait_for '│. +1 +/\*ahead\*//\* The demo' || fail "line 1 is not the typed text then the file's own"
pass "keys typed while encide asked the terminal are in the buffer, in order, nothing else"
keys C-e
type_text "theme"
keys Enter
wait_for 'colours: 256, said by terminfo' || fail ":theme does not say terminfo decided 256 colours"
pass "tmux: terminfo decides (256 colours)"
keys C-q
wait_for 'unsaved files \(journaled\): Ctrl-Q again quits' || fail "Ctrl-Q with unsaved edits did not warn"
keys C-q
check_restored ahead 0
echo "all checks passed"
