# The binaries encide builds describe themselves: every CU's DW_AT_producer
# shows -O0 and the patchable entry, for a folder, CMake, Make (whose
# Makefile says -O2; also one compiling without -o), an unconfigured autotools-like tree, one made by hand
# with -O2 before, and Meson project; Make's depfiles stay out of the tree;
# the chosen target is remembered by the next session.
. "$(dirname "$0")/lib.bash"
export ENCIDE_STATE_DIR=$tmp/state

check_producers() { # BINARY WHAT
	local p
	p=$(readelf --debug-dump=info "$1" 2>/dev/null | grep DW_AT_producer | grep -v 'GNU AS')
	[ -n "$p" ] || fail "$2: no DW_AT_producer in $1"
	if echo "$p" | grep -v -- '-O0' | grep -q .; then fail "$2: a CU without -O0: $p"; fi
	if echo "$p" | grep -v -- '-fpatchable-function-entry=16,14' | grep -q .; then fail "$2: a CU without the patchable entry: $p"; fi
	if echo "$p" | grep -q -- '-O2'; then fail "$2: -O2 survived: $p"; fi
	pass "$2: every CU is -O0 with -fpatchable-function-entry=16,14"
}

echo build >"$tmp/build.enc"
for kind in folder cmake make makeo meson; do
	cp -a "$SRC/tests/fixtures/build-$kind" "$tmp/$kind"
	[ "$kind" = meson ] && ! command -v meson >/dev/null && { pass "meson not installed: skipped"; continue; }
	"$ENCIDE" --batch -x "$tmp/build.enc" "$tmp/$kind" >"$tmp/$kind.out" 2>"$tmp/$kind.err" ||
		fail "$kind build failed: $(cat "$tmp/$kind.err")"
	exe=$(sed -n 's/.*"event":"BUILD_FINISHED".*"output":"\([^"]*\)".*/\1/p' "$tmp/$kind.out")
	[ -x "$exe" ] || fail "$kind: no executable in BUILD_FINISHED: $(grep BUILD_FINISHED "$tmp/$kind.out")"
	check_producers "$exe" "$kind"
done
# An autotools-like tree: encide runs ./configure, then make. And the same
# tree configured and made by hand first (objects with -O2): encide's first
# build cleans them (not make -B, which would also remake configure's work).
for kind in configure configured; do
	cp -a "$SRC/tests/fixtures/build-configure" "$tmp/$kind"
	if [ $kind = configured ]; then
		(cd "$tmp/$kind" && ./configure && make) >/dev/null || fail "configured by hand: failed"
		check_producers_o2=$(readelf --debug-dump=info "$tmp/$kind/greet" | grep DW_AT_producer | grep -c -- -O2)
		[ "$check_producers_o2" -gt 0 ] || fail "the hand-made build has no -O2 CU"
	fi
	"$ENCIDE" --batch -x "$tmp/build.enc" "$tmp/$kind" >"$tmp/$kind.out" 2>"$tmp/$kind.err" ||
		fail "$kind build failed: $(cat "$tmp/$kind.err")"
	grep -q '"kind":"make"' "$tmp/$kind.out" || fail "$kind: not a make project: $(grep BUILD_STARTED "$tmp/$kind.out")"
	[ -f "$tmp/$kind/Makefile" ] || fail "$kind: ./configure did not run"
	check_producers "$tmp/$kind/greet" "$kind"
	[ "$("$tmp/$kind/greet")" = configured ] || fail "$kind: the program does not run"
done

ls "$tmp/make" | grep -q '\.d$' && fail "make: depfiles written into the project: $(ls "$tmp/make")"
[ "$("$tmp/make/tool")" = 42 ] || fail "make: the tool does not print 42"
printf 'build-info\n' >"$tmp/info.enc"
"$ENCIDE" -x "$tmp/info.enc" "$tmp/makeo" >"$tmp/out" 2>&1 || fail "build-info: $(cat "$tmp/out")"
[ "$(grep -c '^tu: ' "$tmp/out")" = 2 ] || fail "makeo: the TUs compiled without -o are not known: $(cat "$tmp/out")"
pass "make: depfiles kept in the state dir, the program runs"

printf 'target calc-test\n' >"$tmp/t1.enc"
printf 'build-info\n' >"$tmp/t2.enc"
"$ENCIDE" -x "$tmp/t1.enc" "$tmp/cmake" >/dev/null 2>"$tmp/err" || fail "target calc-test: $(cat "$tmp/err")"
"$ENCIDE" -x "$tmp/t2.enc" "$tmp/cmake" >"$tmp/out" 2>&1 || fail "build-info: $(cat "$tmp/out")"
grep -qx 'target: calc-test' "$tmp/out" || fail "the target was not remembered: $(cat "$tmp/out")"
pass "target remembered per project across sessions"

# A session after the build: the breakpoint needs no build first, the
# target an earlier session built is the program.
printf 'break main\ninfo breakpoints\n' >"$tmp/t3.enc"
"$ENCIDE" -x "$tmp/t3.enc" "$tmp/folder" >"$tmp/out" 2>&1 || fail "break in a new session: $(cat "$tmp/out")"
grep -q '^1 .*enabled' "$tmp/out" || fail "no breakpoint listed: $(cat "$tmp/out")"
pass "a new session debugs the target an earlier one built"
