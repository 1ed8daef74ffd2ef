# setup.sh stops with a message naming the package when the grammar cannot
# be fetched or does not match the integrity recorded in the repository.
# (Runs setup.sh from a scratch copy so the real .deps/ is never touched.)
. "$(dirname "$0")/lib.bash"

scratch() {
	rm -rf "$tmp/s"
	mkdir -p "$tmp/s/editor"
	cp "$SRC/setup.sh" "$tmp/s/"
	printf 'version %s\nintegrity %s\n' "$1" "$2" >"$tmp/s/editor/tree-sitter-c.lock"
}

good=$(awk '$1 == "integrity" { print $2 }' "$SRC/editor/tree-sitter-c.lock")

scratch 0.0.0-no-such-version "$good"
bash "$tmp/s/setup.sh" >"$tmp/out" 2>&1 && fail "setup.sh succeeded with a version that does not exist"
grep -q "could not fetch package 'tree-sitter-c@0.0.0-no-such-version'" "$tmp/out" ||
	fail "no message naming the package: $(cat "$tmp/out")"
[ ! -e "$tmp/s/.deps/tree-sitter-c-0.0.0-no-such-version/src" ] || fail "something was unpacked"
pass "a version npm does not have: stopped, package named"

scratch 0.23.6 "sha512-$(head -c 64 /dev/zero | base64 -w0)"
bash "$tmp/s/setup.sh" >"$tmp/out" 2>&1 && fail "setup.sh accepted a tarball that does not match the integrity"
grep -q "package 'tree-sitter-c@0.23.6' does not match the integrity" "$tmp/out" ||
	fail "no integrity message: $(cat "$tmp/out")"
[ ! -e "$tmp/s/.deps/tree-sitter-c-0.23.6/src/parser.c" ] || fail "a mismatching grammar was unpacked"
pass "a tarball that does not match the integrity: stopped, package named"
