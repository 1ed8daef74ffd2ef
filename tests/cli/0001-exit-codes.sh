# encide's command line: help, version, a failing script line, a missing
# project directory, a missing script.
. "$(dirname "$0")/lib.bash"

"$ENCIDE" --help >"$tmp/out" 2>&1 || fail "--help exited $?"
grep -q -- "-x, --script" "$tmp/out" || fail "--help does not describe -x"
pass "--help"

"$ENCIDE" --version >"$tmp/out" 2>&1 || fail "--version exited $?"
grep -Eq '^encide [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out" || fail "--version printed: $(cat "$tmp/out")"
pass "--version"

printf 'echo one\n# a comment\nfrobnicate --now\necho never\n' >"$tmp/s.enc"
"$ENCIDE" -x "$tmp/s.enc" "$SRC/examples/demo" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "a script with an unknown command exited $rc, not 1"
grep -qx "$tmp/s.enc:3: unknown command 'frobnicate' (try 'help')" "$tmp/err" ||
	fail "stderr was: $(cat "$tmp/err")"
grep -qx one "$tmp/out" || fail "line 1 did not run: $(cat "$tmp/out")"
! grep -q never "$tmp/out" || fail "the script went on after the failure"
pass "unknown command on line 3: exit 1, SCRIPT:3: message"

"$ENCIDE" -x "$tmp/s.enc" "$tmp/no-such-dir" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "a missing project directory exited $rc, not 2"
grep -q "project directory '$tmp/no-such-dir': No such file or directory" "$tmp/err" ||
	fail "stderr was: $(cat "$tmp/err")"
pass "missing project directory: exit 2, named"

"$ENCIDE" "$tmp/s.enc" >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
[ $rc -eq 2 ] || fail "a file as project directory exited $rc, not 2"
grep -q "Not a directory" "$tmp/err" || fail "stderr was: $(cat "$tmp/err")"
pass "a file as project directory: exit 2"

"$ENCIDE" -x "$tmp/missing.enc" "$SRC/examples/demo" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "a missing script exited $rc, not 2"
grep -q "cannot read script '$tmp/missing.enc'" "$tmp/err" || fail "stderr was: $(cat "$tmp/err")"
pass "missing script: exit 2"

"$ENCIDE" --frob >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] || fail "an unknown option did not exit 2"
pass "unknown option: exit 2"

printf 'echo ok\n' >"$tmp/ok.enc"
"$ENCIDE" -x "$tmp/ok.enc" "$SRC/examples/demo" >"$tmp/out" 2>"$tmp/err" || fail "a good script exited $?"
[ "$(cat "$tmp/out")" = ok ] || fail "a good script printed: $(cat "$tmp/out")"
pass "a good script: exit 0, output on stdout"
