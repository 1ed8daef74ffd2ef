# The snapshot store lives in encide's state directory, never in the user's
# repository: a project under git is built, run, edited and applied, and its
# .git is byte for byte what it was. The store's blobs are git's: the
# baseline is HEAD's blob of main.c, upd001 reads back with git cat-file, a
# revert's generation is the baseline's source again.
# Then a restarted encide attaching to the same process finds its run.
. "$(dirname "$0")/lib.bash"

export ENCIDE_STATE_DIR=$tmp/state
git_() { git -C "$tmp/proj" -c user.name=t -c user.email=t@example.com "$@"; }
cp -a "$SRC/examples/demo" "$tmp/proj"
git_ init -q -b main && git_ add -A && git_ commit -q -m demo || fail "git setup"
gitsum() { (cd "$tmp/proj/.git" && find . -type f -print0 | sort -z | xargs -0 sha1sum); }
gitsum >"$tmp/before"

cat >"$tmp/apply.enc" <<'SCRIPT'
build
expect BUILD_FINISHED ok=true
break main.c:16
run
expect INFERIOR_STOPPED breakpoint=1 line=16
open main.c
goto 16
replace "iteration %d" "ITERATION %d"
apply
expect SNAPSHOT_RECORDED what=upd001
revert
expect SNAPSHOT_RECORDED what=upd002 generation=2 files=4
snapshots main.c
kill
SCRIPT
"$ENCIDE" -x "$tmp/apply.enc" "$tmp/proj" >"$tmp/out" 2>"$tmp/err" || fail "apply script: $(cat "$tmp/err")"
gitsum >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after" || fail "the user's .git changed: $(diff "$tmp/before" "$tmp/after")"
[ -z "$(git_ for-each-ref --format='%(refname)' | grep -v '^refs/heads/main$')" ] || fail "a ref appeared"
pass "the user's repository is untouched"

store=$(ls -d "$tmp"/state/projects/proj-*/snapshots) || fail "no store in the state directory"
base=$(sed -n 's/^baseline \([0-9a-f]\{40\}\) .*main\.c$/\1/p' "$tmp/out")
upd=$(sed -n 's/^upd001 \([0-9a-f]\{40\}\) .*main\.c$/\1/p' "$tmp/out")
[ "$base" = "$(git_ rev-parse HEAD:main.c)" ] || fail "baseline $base is not HEAD's blob of main.c"
git --git-dir="$store" cat-file -p "$upd" >"$tmp/upd001.c" || fail "git cannot read upd001 from $store"
cmp -s "$tmp/upd001.c" "$tmp/proj/main.c" || fail "upd001 is not the applied main.c"
[ -z "$(git --git-dir="$store" for-each-ref)" ] || fail "the store has a ref"
pass "blobs are git's: baseline = HEAD:main.c, upd001 = the applied file"
upd2=$(sed -n 's/^upd002 \([0-9a-f]\{40\}\) .*main\.c$/\1/p' "$tmp/out")
[ -n "$upd2" ] && [ "$upd2" = "$base" ] || fail "the revert's generation upd002 ($upd2) is not the baseline ($base)"
pass "a revert records the baseline's source as the next generation"

"$DEBUGGEES/debuggee-forever" >/dev/null 2>&1 &
victim=$!
background $victim
cat >"$tmp/attach.enc" <<SCRIPT
attach $victim
expect SNAPSHOT_RECORDED what=baseline
detach
SCRIPT
"$ENCIDE" -x "$tmp/attach.enc" "$tmp/proj" >"$tmp/out" 2>"$tmp/err" || fail "first attach: $(cat "$tmp/err")"
cat >"$tmp/reattach.enc" <<SCRIPT
attach $victim
expect MESSAGE "text~generations up to upd000 of this process are known"
expect-none SNAPSHOT_RECORDED
detach
SCRIPT
"$ENCIDE" -x "$tmp/reattach.enc" "$tmp/proj" >"$tmp/out" 2>"$tmp/err" || fail "reattach: $(cat "$tmp/err")"
kill "$victim"
pass "a restarted encide attaching to the same process keeps its run"
