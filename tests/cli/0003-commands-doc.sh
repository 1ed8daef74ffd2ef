# docs/commands.md is the command table printed by `encide --commands-md`:
# a command added without regenerating the doc fails here.
. "$(dirname "$0")/lib.bash"

"$ENCIDE" --commands-md >"$tmp/commands.md" || fail "--commands-md exited $?"
diff -u "$SRC/docs/commands.md" "$tmp/commands.md" ||
	fail "docs/commands.md is stale: run out/encide --commands-md > docs/commands.md"
pass "docs/commands.md matches the command table"
