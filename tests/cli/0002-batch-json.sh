# --batch prints every bus event as one JSON object per line: each line is
# parsed with json-c (tools/jsonl-check) and must carry an "event" field.
. "$(dirname "$0")/lib.bash"

cat >"$tmp/s.enc" <<'SCRIPT'
echo "quotes \" and \\ and tabs	and é"
help quit
goto 5
info cursor
sleep 10
goto 999
SCRIPT
"$ENCIDE" --batch -x "$tmp/s.enc" "$SRC/examples/demo" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "the script should fail on its last line; exit $rc"
grep -q ':6: goto: line 999 is past the end' "$tmp/err" || fail "stderr was: $(cat "$tmp/err")"
"$TOOLS/jsonl-check" FILE_OPENED COMMAND MESSAGE COMMAND_FAILED <"$tmp/out" ||
	fail "the --batch transcript is not JSON lines: $(head -c 2000 "$tmp/out")"
grep -q '"text":"quotes \\" and \\\\ and tabs\\tand é"' "$tmp/out" || fail "echo's text not in the transcript"
grep -q '"text":".*main.c:5:1"' "$tmp/out" || fail "info cursor not in the transcript"
pass "--batch transcript is JSON lines with events"
