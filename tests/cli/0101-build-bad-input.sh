# Every bad input gives a clear message and nothing crashes: no .c files, a
# malformed compile_commands.json (line and column), a compiler not found, a
# TU whose command cannot start, a header cycle, a file deleted between
# scans, and compile errors listed as file:line:col: error: message.
. "$(dirname "$0")/lib.bash"
export ENCIDE_STATE_DIR=$tmp/state
echo build >"$tmp/build.enc"

# expect_fail DIR MESSAGE-REGEX: `build` fails in DIR with the message.
expect_fail() {
	local rc
	"$ENCIDE" --batch -x "$tmp/build.enc" "$1" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 1 ] || fail "$1: exit $rc (want 1): $(cat "$tmp/err")"
	grep -Eq "$2" "$tmp/err" || fail "$1: message was: $(cat "$tmp/err")"
	grep -q '"event":"BUILD_FINISHED","seq":[0-9]*,"ok":false' "$tmp/out" || fail "$1: no failed BUILD_FINISHED"
	pass "$(basename "$1"): $(head -1 "$tmp/err" | cut -c1-150)"
}

mkdir "$tmp/empty" && echo "notes" >"$tmp/empty/README"
expect_fail "$tmp/empty" "build: project 'empty' has no \.c files"

mkdir "$tmp/baddb" && echo 'int main(void) { return 0; }' >"$tmp/baddb/a.c"
printf '[\n  {"directory": ".",\n   "file": "a.c" "command": "cc -c a.c"}\n]\n' >"$tmp/baddb/compile_commands.json"
expect_fail "$tmp/baddb" "build: .*/baddb/compile_commands.json:3:18: malformed JSON"

mkdir "$tmp/nocc" && echo 'int main(void) { return 0; }' >"$tmp/nocc/a.c"
CC=no-such-cc-xyz expect_fail "$tmp/nocc" "/a\.c: cannot start 'no-such-cc-xyz': not found"

mkdir "$tmp/nostart" && echo 'int main(void) { return 0; }' >"$tmp/nostart/a.c"
printf '[{"directory": "/nonexistent-dir-xyz", "file": "%s/a.c", "arguments": ["cc", "-c", "%s/a.c"]}]\n' \
	"$tmp/nostart" "$tmp/nostart" >"$tmp/nostart/compile_commands.json"
expect_fail "$tmp/nostart" "cannot start 'cc': its directory '/nonexistent-dir-xyz': No such file or directory"

mkdir "$tmp/gone"
echo 'int f(void); int main(void) { return f(); }' >"$tmp/gone/a.c"
printf '[{"directory": ".", "file": "a.c", "command": "cc -c a.c"},\n {"directory": ".", "file": "b.c", "command": "cc -c b.c"}]\n' \
	>"$tmp/gone/compile_commands.json"
expect_fail "$tmp/gone" "/gone/b\.c: deleted since the project was scanned"

mkdir "$tmp/errors"
printf '#include <stdio.h>\nint main(void)\n{\n\tint *p = 1;\n\tprintf("x")\n\treturn 0;\n}\n' >"$tmp/errors/main.c"
expect_fail "$tmp/errors" ": build failed: 1 error$"
grep -Eq '^/.*/errors/main\.c:5:13: error: expected .* before .*return' "$tmp/err" || fail "error line: $(cat "$tmp/err")"
grep -q '"event":"DIAGNOSTIC","seq":[0-9]*,"file":"[^"]*/errors/main.c","line":5,"column":13,"severity":"error"' "$tmp/out" ||
	fail "no DIAGNOSTIC for the error: $(grep DIAGNOSTIC "$tmp/out")"
grep -q '"severity":"warning","message":"initialization of' "$tmp/out" || fail "no DIAGNOSTIC for the warning"
grep -q '"fixits":\["5:13-5:13: ;"\]' "$tmp/out" || fail "no fix-it: $(grep DIAGNOSTIC "$tmp/out")"
pass "errors: DIAGNOSTIC events with fix-its, and file:line:col: error: in the failure"

mkdir "$tmp/cycle"
printf '#ifndef A_H\n#define A_H\n#include "b.h"\n#endif\n' >"$tmp/cycle/a.h"
printf '#ifndef B_H\n#define B_H\n#include "a.h"\n#endif\n' >"$tmp/cycle/b.h"
printf '#include "a.h"\nint main(void) { return 0; }\n' >"$tmp/cycle/main.c"
printf 'build-info\nbuild\nbuild-info b.h\n' >"$tmp/cycle.enc"
"$ENCIDE" -x "$tmp/cycle.enc" "$tmp/cycle" >"$tmp/out" 2>&1 || fail "cycle: $(cat "$tmp/out")"
grep -Eq '^warning: header cycle: .*/a\.h -> .*/b\.h -> .*/a\.h$' "$tmp/out" || fail "cycle: $(cat "$tmp/out")"
grep -q '^dependent: .*/main\.c$' "$tmp/out" || fail "cycle: b.h has no dependent: $(cat "$tmp/out")"
pass "a header cycle is a warning; the graph still answers"
