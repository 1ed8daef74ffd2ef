#!/bin/bash
# Bytes written to the terminal per typed character, encide against vim, in
# the same run, the same way (issue 8; the design's "over SSH" figure: what
# crosses the network for each key). Run by hand after a build (never by
# ctest; nothing here asserts):
#
#   tests/bench/tty.sh            # uses ./out; BUILD=... for another tree
#
# Both run on a 200x60 pseudo-terminal, under each TERM of TERMS, on the same
# generated 250,000-line C file, with the cursor at the end of line 125,000,
# and get KEYS characters (a-j, over and over) typed one at a time; after
# each, everything the program writes until it has been quiet for 40 ms is
# counted (tests/bench/tty-bytes.c). encide shows its whole layout (files,
# tabs, line numbers, the debugger's panes, status line); vim runs with
# --clean (syntax on, ruler) plus line numbers and a status line.
#
# Settings (environment): BUILD (out), LINES (250000), KEYS (200), TERMS
# ("xterm-256color screen-256color").
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD:-out}
[[ $build = /* ]] || build=$src/$build
lines=${LINES:-250000}
keys=${KEYS:-200}
terms=${TERMS:-xterm-256color screen-256color}
tty=$build/tests/bench/bench-tty
gen=$build/tests/bench/bench-editor

die() {
	echo "tty.sh: $*" >&2
	exit 1
}

[[ -x $tty && -x $gen && -x $build/encide ]] || die "build first: cmake --build $build"
if ! command -v vim >/dev/null; then
	echo "tty.sh: installing vim (Debian's package) ..." >&2
	if ! { apt-get install -y vim >/dev/null || { apt-get update >/dev/null && apt-get install -y vim >/dev/null; }; }; then
		die "vim is missing and 'apt-get install -y vim' failed: install the Debian package 'vim' (as root) and run again"
	fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/encide-tty.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/project" "$work/config"
echo "tty.sh: generating $lines lines of C ..." >&2
"$gen" generate "$lines" "$work/project/big.c"
line=$((lines / 2))
vimv=$(vim --version | sed -n '1s/^VIM - Vi IMproved \([0-9.]*\).*/\1/p')
encv=$("$build/encide" --version | cut -d' ' -f2)

rows=()
for term in $terms; do
	infocmp "$term" >/dev/null 2>&1 || die "no terminfo entry for TERM=$term (Debian's ncurses-term has it)"
	echo "tty.sh: encide, TERM=$term ..." >&2
	rm -rf "$work/state"
	mkdir -p "$work/state"
	enc=$(XDG_CONFIG_HOME=$work/config ENCIDE_STATE_DIR=$work/state \
		"$tty" -T "$term" -n "$keys" -s "\\x07$line\\r\\e[F" -q '\x11\x11' -- "$build/encide" "$work/project")
	echo "tty.sh: vim, TERM=$term ..." >&2
	vim_out=$("$tty" -T "$term" -n "$keys" -s "${line}GA" -q '\e:q!\r' -- \
		vim --clean -N -n -i NONE -c 'set number laststatus=2' "$work/project/big.c")
	read -r k t mean med p95 max first <<< "$enc"
	rows+=("$(printf '| %s | encide %s | %s | %s | %s | %s | %s |' "$term" "$encv" "$mean" "$med" "$p95" "$max" "$first")")
	read -r k t mean med p95 max first <<< "$vim_out"
	rows+=("$(printf '| %s | vim %s | %s | %s | %s | %s | %s |' "$term" "$vimv" "$mean" "$med" "$p95" "$max" "$first")")
done

printf '\nBytes written to a 200x60 terminal per typed character, %s-line file, %s keys\n\n' "$lines" "$keys"
printf '| TERM | program | bytes/key mean | median | p95 | max | first screen |\n'
printf '| --- | --- | --- | --- | --- | --- | --- |\n'
printf '%s\n' "${rows[@]}"
