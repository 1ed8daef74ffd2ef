#!/bin/bash
# The debugging walk (tests/screen/walk.bash) under TERM=linux, the Linux
# console: 8 colours (the superseded frames in the dark theme's magenta) and
# no F-keys with modifiers, which the prefix key stands in for.
set -u
TERM_INSIDE=linux
SUPERSEDED_SGR=$'\e[35m'
source "$SRC/tests/screen/walk.bash"
