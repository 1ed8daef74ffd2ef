# Git status and changed lines on real repositories made here: a branch
# with a commit (edits show as added, modified and deleted lines before they
# are saved; the save makes the tree dirty), an untracked file, a detached
# HEAD, an unborn branch, and a folder that is no repository.
. "$(dirname "$0")/lib.bash"

export ENCIDE_STATE_DIR=$tmp/state
git_() { git -C "$1" -c user.name=t -c user.email=t@example.com "${@:2}"; }
run() { # run PROJECT SCRIPT-TEXT: encide -x on it, fails the test on error
	printf '%s\n' "$2" >"$tmp/script.enc"
	"$ENCIDE" --batch -x "$tmp/script.enc" "$1" >"$tmp/out" 2>"$tmp/err" ||
		fail "$(cat "$tmp/err") $(grep -o '"text":"[^"]*"' "$tmp/out" | tail -5)"
}

repo=$tmp/repo
mkdir -p "$repo"
printf 'int a;\nint b;\nint c;\nint d;\nint e;\n' >"$repo/main.c"
git_ "$repo" init -q -b main && git_ "$repo" add -A && git_ "$repo" commit -q -m one || fail "git setup"
printf 'int fresh;\n' >"$repo/fresh.c"
run "$repo" '
git-status
expect GIT_STATUS branch=main dirty=false changed=0 untracked=1 detached=false unborn=false
expect MESSAGE "text~^branch main at [0-9a-f]{7}, clean: 0 changed, 1 untracked$"
expect MESSAGE "text~^\? fresh\.c$"
open main.c
git-changes
expect GIT_CHANGES added=0 modified=0 deleted=0
goto 2
replace b B
goto 4
insert "int x;\n"
goto 6
delete-line
git-changes
expect GIT_CHANGES added=1 modified=1 deleted=1 '"'"'changes~^\["~2,1","\+4,1","-6,1"\]$'"'"'
expect MESSAGE "text~main\.c against HEAD: 1 added, 1 modified, 1 deleted$"
expect MESSAGE "text~^modified 2$"
expect MESSAGE "text~^added 4$"
expect MESSAGE "text~^deleted above 6 \(1 line\)$"
undo
undo
undo
git-changes
expect GIT_CHANGES added=0 modified=0 deleted=0
redo
save
expect GIT_STATUS branch=main dirty=true changed=1 untracked=1
git-status
expect MESSAGE "text~^M main\.c$"
open fresh.c
git-changes
expect MESSAGE "text~fresh\.c is not in HEAD \(untracked, or no commit yet\)"
'
pass "a branch: changed lines of unsaved edits, dirty after the save, untracked files"

git_ "$repo" commit -q -am two && git_ "$repo" checkout -q --detach HEAD~1 || fail "detach"
short=$(git_ "$repo" rev-parse --short=7 HEAD)
run "$repo" "
git-status
expect GIT_STATUS detached=true dirty=false
expect MESSAGE \"text~^HEAD detached at $short, clean: 0 changed, 1 untracked\$\"
open main.c
git-changes
expect GIT_CHANGES added=0 modified=0 deleted=0
"
pass "a detached HEAD"

unborn=$tmp/unborn
mkdir -p "$unborn" && printf 'int main(void) { return 0; }\n' >"$unborn/main.c"
git_ "$unborn" init -q -b trunk || fail "git init"
run "$unborn" '
git-status
expect GIT_STATUS branch=trunk unborn=true commit= untracked=1
expect MESSAGE "text~^branch trunk, no commit yet, clean: 0 changed, 1 untracked$"
open main.c
git-changes
expect MESSAGE "text~is not in HEAD"
'
pass "an unborn branch"

plain=$tmp/plain
mkdir -p "$plain" && printf 'int main(void) { return 0; }\n' >"$plain/main.c"
run "$plain" '
git-status
expect MESSAGE "text~^not in a git repository: .*/plain$"
expect-none GIT_STATUS
open main.c
git-changes
expect MESSAGE "text~main\.c is not in a git repository$"
'
pass "a folder that is no repository"
