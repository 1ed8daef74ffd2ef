#!/bin/bash
# Git in the full-screen UI, on a repository made here: the branch in the
# status line (with '*' once a saved file differs from HEAD), '?' and 'M'
# before files in the tree, '~' and '_' in the gutter for a modified line
# and a deleted one. Then, stopped in the program, another program rewrites
# main.c: the buffer is reloaded (the gutter shows the new line), and the
# apply says the execution point was moved by a diff's guess.
set -u
SIZE=200x40
source "$SRC/tests/screen/lib.bash"

dir=$(project gitdemo)
git -C "$dir" init -q -b trunk && git -C "$dir" add -A &&
	git -C "$dir" -c user.name=t -c user.email=t@t commit -qm demo || fail "cannot make a git repository"
printf 'notes\n' > "$dir/notes.md"
start_server
start_encide git "$dir"
wait_for '^ main\.c 1:1 +\| trunk \|' || fail "the status line does not show the clean branch 'trunk'"
wait_for '^\? notes\.md' || fail "the untracked notes.md has no '?' in the file tree"
wait_for '^  main\.c' || fail "main.c is not listed clean in the file tree"
pass "branch in the status line, untracked file marked in the tree"

# Line 2 modified, line 5 (blank) deleted: '~' on 2, '_' on 4 (deleted below).
keys C-g
type_text 2
keys Enter Home
type_text "Edited"
wait_for '│~ +2 Edited' || fail "the modified line 2 has no '~' in the gutter"
keys C-e
type_text "goto 5"
keys Enter C-e
type_text "delete-line"
keys Enter
wait_for '│_ +4 #include <unistd\.h>' || fail "no '_' above the deleted line"
pass "the gutter marks a modified line and a deleted one"
keys C-s
wait_for '\| trunk\* \|' || fail "after the save the status line does not show 'trunk*'"
wait_for '^M main\.c' || fail "after the save main.c has no 'M' in the tree"
pass "a saved change makes the branch dirty and marks the file"

# Stopped on the printf (line 15 now); another program rewrites main.c.
keys C-k m
wait_for '\| built \|' || fail "the build did not finish"
keys C-g
type_text 15
keys Enter C-k b
wait_for '│\* +15 ' || fail "no breakpoint on line 15"
keys C-k c
wait_for '│> +15 ' || fail "the program did not stop on line 15"
{ head -n 7 "$dir/main.c"; echo "/* by another program */"; tail -n +8 "$dir/main.c" | sed 's/iteration %d/ITERATION %d/'; } > "$dir/main.c.new"
mv "$dir/main.c.new" "$dir/main.c"
wait_for 'changed on disk: reloaded' || fail "the rewrite was not reloaded"
wait_for '│\+ +8 /\* by another program \*/' || fail "the line another program added has no '+'"
pass "a file rewritten by another program is reloaded"
keys C-e
type_text "apply"
keys Enter
wait_for 'applied upd001, line guessed by a diff' || fail "the apply does not say the line was a guess"
wait_for '│> +16 .*ITERATION' || fail "the execution point is not on the rewritten printf (line 16)"
pass "apply moves the execution point by the diff and says it is a guess"

keys C-e
type_text "kill"
keys Enter
wait_for 'not stopped|exited|killed' || fail "kill did not end the program"
keys C-q
check_restored git 0
echo "all checks passed"
