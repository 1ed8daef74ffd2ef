# Crash recovery with a real process: encide edits a file, is killed with
# SIGKILL before saving, and a new encide recovers the edits byte for byte.
. "$(dirname "$0")/lib.bash"

mkdir -p "$tmp/project" "$tmp/state"
export ENCIDE_STATE_DIR=$tmp/state
printf 'int main(void)\n{\n\treturn 0;\n}\n' >"$tmp/project/main.c"
cat >"$tmp/edit.enc" <<'SCRIPT'
goto 3
insert "\tint lives = 9;\n"
goto 1
insert "/* not saved ☃ */\n"
replace main "main "
delete-line
undo
echo edited
sleep 600000
SCRIPT
"$ENCIDE" -x "$tmp/edit.enc" "$tmp/project" >"$tmp/out1" 2>&1 &
pid=$!
background $pid
for _ in $(seq 200); do
	grep -qx edited "$tmp/out1" 2>/dev/null && break
	sleep 0.05
done
grep -qx edited "$tmp/out1" || fail "the editing encide did not get to its sleep: $(cat "$tmp/out1")"
kill -KILL $pid
wait $pid 2>/dev/null
journal=$(ls "$tmp/state/journal/"*.journal 2>/dev/null | head -n 1)
[ -n "$journal" ] || fail "no journal in $tmp/state/journal"
[ "$(stat -c %a "$journal")" = 600 ] || fail "the journal's mode is $(stat -c %a "$journal"), not 600"
cmp -s "$tmp/project/main.c" <(printf 'int main(void)\n{\n\treturn 0;\n}\n') ||
	fail "the file changed although nothing was saved"
pass "killed with SIGKILL after edits; the journal is there (mode 600)"

# What the first encide had in its buffer.
printf '/* not saved ☃ */\nint main (void)\n{\n\tint lives = 9;\n\treturn 0;\n}\n' >"$tmp/want.bin"
cat >"$tmp/recover.enc" <<SCRIPT
expect RECOVERY_AVAILABLE path~main\\.c\$
recover
save
SCRIPT
"$ENCIDE" -x "$tmp/recover.enc" "$tmp/project" >"$tmp/out2" 2>&1 || fail "recovering failed: $(cat "$tmp/out2")"
cmp "$tmp/project/main.c" "$tmp/want.bin" || fail "recovered text differs: $(od -c "$tmp/project/main.c" | head)"
pass "a new encide recovered the edits byte for byte"

"$ENCIDE" -x "$tmp/recover.enc" "$tmp/project" >"$tmp/out3" 2>&1 && fail "a second recovery was offered after saving"
pass "after saving there is nothing left to recover"
