#!/bin/bash
# The colour depth: 256 colours from terminfo (xterm-256color), 24-bit when
# COLORTERM=truecolor says so although terminfo does not (encide compiles a
# private direct-colour terminfo entry once), 8 on the Linux console; each
# time the theme's value for that depth (keywords: #569cd6, 74, blue).
set -u
SIZE=100x30
source "$SRC/tests/screen/lib.bash"

start_server

TERM_INSIDE=xterm-256color start_encide d256 "$SRC/examples/demo"
until_true bash -c "tmux -L '$sock' capture-pane -p -e | grep -qF '38;5;74m'" ||
	fail "xterm-256color: keywords are not drawn in palette colour 74"
pass "xterm-256color: 256 colours (keyword 38;5;74)"
keys C-q
check_restored d256 0

ENV_INSIDE=COLORTERM=truecolor TERM_INSIDE=xterm-256color start_encide d24 "$SRC/examples/demo"
until_true bash -c "tmux -L '$sock' capture-pane -p -e | grep -qF '38;2;86;156;214m'" ||
	fail "COLORTERM=truecolor: keywords are not drawn in #569cd6 (38;2;86;156;214)"
keys C-e
type_text "theme"
keys Enter
wait_for 'theme dark .*colours: 24-bit' || fail ":theme does not say 24-bit"
pass "COLORTERM=truecolor: 24-bit colour (keyword 38;2;86;156;214)"
keys C-q
check_restored d24 0

TERM_INSIDE=linux start_encide d8 "$SRC/examples/demo"
until_true bash -c "tmux -L '$sock' capture-pane -p -e | grep -qF '[34m'" ||
	fail "TERM=linux: keywords are not drawn in blue (34)"
t capture-pane -p -e | grep -qF '38;5;' && fail "TERM=linux: 256-colour escapes on an 8-colour terminal"
pass "TERM=linux: 8 colours"
keys C-q
check_restored d8 0
echo "all checks passed"
