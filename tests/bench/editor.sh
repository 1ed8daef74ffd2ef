#!/bin/bash
# The editor benchmark of issue 3: encide against Debian's neovim on the same
# generated C file, the same work, in the same run, printed side by side. Run
# by hand after a build (never by ctest; nothing here asserts on time):
#
#   tests/bench/editor.sh            # uses ./out; BUILD=out-release for another tree
#
# What each side does, step for step the same:
#   open       read the file, parse all of it with tree-sitter-c, run the
#              grammar's highlights.scm over the first 60 lines (encide:
#              buf_open + buf_highlight; neovim: :edit, the treesitter
#              highlighter on a parser/c.so built from the same parser.c,
#              parse, iter_captures over rows 0-59). Startup of the process
#              is not counted on either side.
#   keystroke  for i = 0 .. KEYS-1: line (i * 7919) % lines + 1 (never the
#              same line twice), after its leading blanks, insert CHAR
#              (a space by default: the file stays valid C, as a real one
#              mostly is; CHAR=x leaves a syntax error at most of those
#              places, and 10,000 of them pile up, which measures
#              tree-sitter's error recovery more than typing)
#              (encide: buf_insert; neovim: nvim_buf_set_text), then reparse
#              incrementally and run the highlight query over the 60 lines
#              around it (encide: buf_highlight, which reparses; neovim:
#              LanguageTree:parse() and iter_captures). Finding the column is
#              not timed; everything else is, per keystroke, as one figure.
#              Each keystroke is timed twice: wall time, and the process's
#              CPU time (encide: CLOCK_PROCESS_CPUTIME_ID; neovim: os.clock),
#              which a machine busy with other work does not inflate.
#   memory     the process's peak resident set (VmHWM) at the end.
# Both sides count what they highlighted (encide: spans, neovim: captures
# with a highlight group) and write their final text, which must be equal.
#
# Settings (environment): BUILD (build tree, default out), LINES (250000),
# KEYS (10000), CHAR (' '), KEEP=1 keeps the work directory.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD:-out}
[[ $build = /* ]] || build=$src/$build
lines=${LINES:-250000}
keys=${KEYS:-10000}
char=${CHAR- }
bench=$build/tests/bench/bench-editor

die() {
	echo "editor.sh: $*" >&2
	exit 1
}

[[ -x $bench ]] || die "no $bench: build first (cd $src && cmake -S . -B out -G Ninja && cmake --build out)"
[[ ${#char} -eq 1 ]] || die "CHAR must be one character, not '$char'"

# The grammar encide was built with, for neovim's parser.
ts_c=$(sed -n 's/^ENCIDE_TS_C_DIR:PATH=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
if [[ -z $ts_c ]]; then
	ts_c=$src/.deps/tree-sitter-c-$(sed -n 's/^version //p' "$src/editor/tree-sitter-c.lock")
fi
[[ -f $ts_c/src/parser.c && -f $ts_c/queries/highlights.scm ]] || die "no tree-sitter-c in $ts_c: run ./setup.sh"

if ! command -v nvim >/dev/null; then
	echo "editor.sh: installing neovim (Debian's package) ..." >&2
	if ! { apt-get install -y neovim >/dev/null || { apt-get update >/dev/null && apt-get install -y neovim >/dev/null; }; }; then
		die "neovim is missing and 'apt-get install -y neovim' failed: install the Debian package 'neovim' (as root) and run again"
	fi
fi
nvim_version=$(nvim --version | sed -n '1s/^NVIM v//p')

work=$(mktemp -d "${TMPDIR:-/tmp}/encide-bench.XXXXXX")
if [[ ${KEEP:-0} = 1 ]]; then
	echo "editor.sh: work directory $work" >&2
else
	trap 'rm -rf "$work"' EXIT
fi
file=$work/bench-input.c

echo "editor.sh: generating $lines lines of C ..." >&2
"$bench" generate "$lines" "$file"

# neovim 0.7.2 ships no C parser: build one from the same parser.c.
mkdir -p "$work/nvim-rt/parser" "$work/nvim-rt/queries/c" "$work/state"
gcc -O2 -shared -fPIC -w -I "$ts_c/src" "$ts_c/src/parser.c" -o "$work/nvim-rt/parser/c.so"
cp "$ts_c/queries/highlights.scm" "$work/nvim-rt/queries/c/highlights.scm"

echo "editor.sh: encide: open and $keys keystrokes ..." >&2
ENCIDE_STATE_DIR=$work/state "$bench" run "$file" "$keys" "$char" "$work/encide-text.c" >"$work/encide.txt" ||
	die "bench-editor failed"

echo "editor.sh: neovim $nvim_version: open and $keys keystrokes ..." >&2
BENCH_FILE=$file BENCH_KEYS=$keys BENCH_CHAR=$char BENCH_TEXT_OUT=$work/nvim-text.c \
BENCH_RESULT=$work/nvim.txt timeout 3600 \
	nvim --headless -u NONE -i NONE -n --cmd "set rtp^=$work/nvim-rt" \
	-c "luafile $src/tests/bench/editor-nvim.lua" </dev/null >"$work/nvim.log" 2>&1 ||
	die "neovim failed: $(cat "$work/nvim.txt" "$work/nvim.log" 2>/dev/null | head -5)"
if grep -q '^error=' "$work/nvim.txt"; then
	die "neovim: $(sed -n 's/^error=//p' "$work/nvim.txt")"
fi

# value FILE KEY
value() {
	sed -n "s/^$2=//p" "$1"
}

for f in encide nvim; do
	for k in lines bytes open_ms p50_ms p99_ms cpu_p50_ms cpu_p99_ms peak_rss_mb open_spans key_spans; do
		[[ -n $(value "$work/$f.txt" $k) ]] || die "$f printed no $k"
	done
done
[[ $(value "$work/encide.txt" lines) = $(value "$work/nvim.txt" lines) ]] ||
	die "the editors see different line counts"
if cmp -s "$work/encide-text.c" "$work/nvim-text.c"; then
	same="identical"
else
	same="DIFFERENT (the comparison is void)"
fi

row() {
	printf '%-36s %12s %12s   %s\n' "$1" "$(value "$work/encide.txt" "$2")" "$(value "$work/nvim.txt" "$2")" "$3"
}

echo
printf 'Editor benchmark: %s lines (%s bytes) of generated C, %s keystrokes ('"'"'%s'"'"'), 60-line window\n' \
	"$(value "$work/encide.txt" lines)" "$(value "$work/encide.txt" bytes)" "$keys" "$char"
printf '%-36s %12s %12s   %s\n' "" "encide" "nvim $nvim_version" "target"
row "open to first highlighted screen, ms" open_ms "<= 400"
row "keystroke p50, ms" p50_ms ""
row "keystroke p99, ms" p99_ms "<= 2"
row "keystroke p50, ms of CPU time" cpu_p50_ms ""
row "keystroke p99, ms of CPU time" cpu_p99_ms "<= 2"
row "peak RSS, MB" peak_rss_mb ""
echo
printf 'checks: first screen %s spans / %s captures; keystrokes %s spans / %s captures;\n' \
	"$(value "$work/encide.txt" open_spans)" "$(value "$work/nvim.txt" open_spans)" \
	"$(value "$work/encide.txt" key_spans)" "$(value "$work/nvim.txt" key_spans)"
printf '        final texts %s; slowest keystroke %s / %s ms; encide build %s, grammar %s\n' \
	"$same" "$(value "$work/encide.txt" max_ms)" "$(value "$work/nvim.txt" max_ms)" \
	"$(value "$work/encide.txt" build)" "${ts_c##*/}"
