#!/bin/bash
# Editing in the full-screen editor: typing edits the buffer (one undo step
# per run), selection, copy (and OSC 52 to the terminal's clipboard), paste,
# a bracketed paste as one undo step, incremental search with highlights,
# go to line, tabs and wide characters in the right cells, save, a compile
# error in the problems pane and Enter on it jumping to its line, the ':'
# line's completion and history, and the help.
set -u
SIZE=120x36
source "$SRC/tests/screen/lib.bash"

dir=$(project demo)
printf 'int wide(void)\n{\n\t/* a\tb */\n\t/* \xe4\xb8\xad\xe6\x96\x87x */\n\treturn 0;\n}\n' > "$dir/wide.c"
git -C "$dir" init -q -b trunk && git -C "$dir" add -A &&
	git -C "$dir" -c user.name=t -c user.email=t@t commit -qm demo || fail "cannot make a git repository"
start_server
start_encide edit "$dir"
wait_for '^ main\.c 1:1 +\| trunk \|' || fail "the status line does not show the git branch 'trunk'"

# Typing: a new line after line 10, one undo step for the run.
keys C-g
type_text 10
keys Enter End Enter
type_text "int added = 42;"
wait_for '│. +11 +int added = 42;' || fail "the typed line 11 is not shown"
wait_for '^ main\.c \[\+\] 11:' || fail "the status line does not show main.c modified at 11:"
wait_for '│\+ +11 +int added' || fail "the new line 11 has no git '+' mark in the gutter"
pass "typing inserts (Enter keeps the indent), marks the file modified and the line added since git's HEAD"
keys C-z
wait_gone 'int added = 42;' || fail "Ctrl-Z did not remove the typed run"
keys C-z
wait_for '│. +12 +for \(int i' || fail "the second Ctrl-Z did not undo the Enter"
keys C-y C-y
wait_for '│. +11 +int added = 42;' || fail "Ctrl-Y twice did not bring the typed line back"
pass "undo and redo: the typed run is one step, Enter another"

# Select the line's text (Home, Shift-End), copy: the terminal's clipboard
# (tmux's buffer through OSC 52) gets it.
keys Home S-End C-c
wait_for 'copied [0-9]+ bytes' || fail "Ctrl-C did not copy"
end=$((SECONDS + 10))
until [[ $(t show-buffer 2>/dev/null) == *"int added = 42;"* ]] || ((SECONDS > end)); do sleep 0.1; done
[[ $(t show-buffer 2>/dev/null) == *"int added = 42;"* ]] || fail "OSC 52 did not reach tmux's clipboard (got '$(t show-buffer 2>&1)')"
pass "Ctrl-C copied the selection, also to the terminal's clipboard (OSC 52)"
keys End Enter C-v
wait_for '│. +12 +int added = 42;' || fail "Ctrl-V did not paste on line 12"
pass "Ctrl-V pasted"
keys C-z
wait_gone '│. +12 +int added = 42;' || fail "Ctrl-Z did not undo the paste"

# A bracketed paste of two lines is one undo step.
t set-buffer "$(printf 'int p1;\nint p2 = 2')"
t paste-buffer -p
wait_for '│. +12 +int p1;' && wait_for '│. +13 +int p2 = 2' || fail "the bracketed paste did not insert both lines"
keys C-z
wait_gone 'int p1;|int p2 = 2' || fail "one Ctrl-Z did not remove the whole paste"
pass "a bracketed paste is inserted as one undo step"

# Incremental search: the cursor moves as the text is typed, matches are
# highlighted (the dark theme's search colour: background 180).
keys C-Home C-f
type_text "poin"
wait_for '^find: poin' || fail "Ctrl-F: no find prompt"
t capture-pane -p -e > "$tmp/search"
grep -qF '48;5;180' "$tmp/search" || fail "no match drawn in the search colour"
keys Enter
wait_for '^ main\.c \[\+\] 1:49 ' || fail "find did not move to the first 'poin' (1:49)"
keys F3
wait_for '^ main\.c \[\+\] 10:9 ' || fail "F3 did not move to the next match (10:9)"
pass "incremental search moves, highlights, F3 goes on"

# Tabs and wide characters in the right cells.
keys C-e
type_text "open wide.c"
keys Enter
wait_for '^ wide\.c 1:1' || fail "wide.c not opened"
t capture-pane -p > "$tmp/wide"
grep -qE '│ +3 +        /\* a    b \*/' "$tmp/wide" || fail "the tab is not drawn to the next tab stop"
grep -qE '│ +4 +        /\* 中文x \*/' "$tmp/wide" || fail "the wide characters are not drawn"
pass "tabs and wide characters are drawn in their cells"
keys C-g
type_text 4
keys Enter End Left Left Left Left
wait_for '^ wide\.c 4:11 ' || fail "the cursor did not move by characters over the wide ones"
pass "the cursor steps over wide characters"
keys C-k '['

# A compile error in the problems pane; Enter on it jumps to its line.
keys C-g
type_text 13
keys Enter End
type_text " oops"
keys C-s
wait_for '^ main\.c 13:' || fail "Ctrl-S: the status line still says modified"
keys C-k m
wait_for 'build failed' || fail "the build did not fail"
wait_for 'main\.c:13:[0-9]+: error' || fail "no error on main.c:13 in the problems pane"
keys C-g
type_text 1
keys Enter C-k 8 Enter
wait_for '^ main\.c 13:' || fail "Enter in the problems pane did not jump to line 13"
wait_for '│E +13 ' || fail "no error mark in line 13's gutter"
pass "the error is in the problems pane and its gutter; Enter jumps to its line"
keys C-z C-s
until_true bash -c "! grep -q oops '$dir/main.c'" || fail "Ctrl-Z then Ctrl-S did not save the undone file"
grep -q 'int added = 42;' "$dir/main.c" || fail "Ctrl-S did not save the typed line"
wait_for '^ ?M +main\.c' || fail "the file tree does not mark main.c modified (M) after the save"
wait_for '\| trunk\* \|' || fail "the status line does not say the working tree is dirty (trunk*)"
pass "Ctrl-S saved the file; git sees it: M in the tree, trunk* in the status line"

# The ':' line: Tab completes, Up recalls.
keys C-e
type_text "foc"
keys Tab
wait_for '^:focus ?$' || fail "Tab did not complete 'foc' to 'focus '"
type_text "st"
wait_for '^:focus st' || fail "the completion did not leave 'focus ' (with its blank)"
keys Tab Enter
wait_gone '^:focus' || fail "Enter did not run the line"
keys C-e Up
wait_for '^:focus stack' || fail "Up did not recall the last line"
keys Escape
pass "the command line completes and remembers"

# Help: ? in the call stack pane shows its keys; any key closes.
type_text "?"
wait_for 'Keys of the Call stack pane' || fail "? shows no help (or focus stack did not run)"
keys Escape
wait_gone 'Keys of the Call stack pane' || fail "Esc did not close the help"
pass "? shows the focused pane's keys"

keys C-q
check_restored edit 0
echo "all checks passed"
