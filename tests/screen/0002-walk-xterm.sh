#!/bin/bash
# The debugging walk (tests/screen/walk.bash) under TERM=xterm-256color:
# 256 colours, the superseded frames in the dark theme's 256-colour value.
set -u
TERM_INSIDE=xterm-256color
SUPERSEDED_SGR=$'38;5;176'
source "$SRC/tests/screen/walk.bash"
