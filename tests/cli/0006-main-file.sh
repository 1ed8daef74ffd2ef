# encide opens the file that defines main (main.c, or the one named after
# the target, first): at the top of the project, else
# one folder down (src/), where the one named like the project wins over
# the project's other programs (lua-5.4's src/lua.c, not src/luac.c).
. "$(dirname "$0")/lib.bash"
export ENCIDE_STATE_DIR=$tmp/state

mkdir -p "$tmp/widget-2.0/src"
printf 'int helper(void) { return 1; }\n' >"$tmp/widget-2.0/src/util.c"
printf 'int main(void) { return 0; }\n' >"$tmp/widget-2.0/src/widgetc.c"
printf 'int main (int argc, char **argv) { return argc; }\n' >"$tmp/widget-2.0/src/widget.c"
printf 'int main(void) { return 2; }\n' >"$tmp/widget-2.0/src/atool.c"
printf 'all:\n\t@true\n' >"$tmp/widget-2.0/Makefile"
echo 'echo hi' >"$tmp/s.enc"
"$ENCIDE" --batch -x "$tmp/s.enc" "$tmp/widget-2.0" >"$tmp/out" 2>"$tmp/err" || fail "encide failed: $(cat "$tmp/err")"
grep -q '"event":"FILE_OPENED","seq":[0-9]*,"path":"[^"]*/widget-2.0/src/widget.c"' "$tmp/out" ||
	fail "opened: $(grep FILE_OPENED "$tmp/out")"
pass "src/widget.c of widget-2.0 (not widgetc.c, atool.c or util.c)"

printf 'int main(void) { return 0; }\n' >"$tmp/widget-2.0/top.c"
"$ENCIDE" --batch -x "$tmp/s.enc" "$tmp/widget-2.0" >"$tmp/out" 2>"$tmp/err" || fail "encide failed: $(cat "$tmp/err")"
grep -q '"path":"[^"]*/widget-2.0/top.c"' "$tmp/out" || fail "opened: $(grep FILE_OPENED "$tmp/out")"
pass "a main at the top comes first"

# At the top, main.c wins over other programs' files (less: main.c, not
# lessecho.c, which comes first in the folder).
printf 'int main(void) { return 3; }\n' >"$tmp/widget-2.0/main.c"
printf 'int main(void) { return 4; }\n' >"$tmp/widget-2.0/aecho.c"
"$ENCIDE" --batch -x "$tmp/s.enc" "$tmp/widget-2.0" >"$tmp/out" 2>"$tmp/err" || fail "encide failed: $(cat "$tmp/err")"
grep -q '"path":"[^"]*/widget-2.0/main.c"' "$tmp/out" || fail "opened: $(grep FILE_OPENED "$tmp/out")"
pass "main.c before the other programs at the top"
