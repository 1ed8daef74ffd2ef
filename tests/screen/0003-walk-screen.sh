#!/bin/bash
# The debugging walk (tests/screen/walk.bash) under TERM=screen-256color, as
# inside tmux or screen.
set -u
TERM_INSIDE=screen-256color
SUPERSEDED_SGR=$'38;5;176'
source "$SRC/tests/screen/walk.bash"
