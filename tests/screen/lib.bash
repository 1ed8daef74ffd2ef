# Shared by the screen tests: a private tmux server running a bash whose
# terminal encide is started in, polling helpers that wait for text to
# appear (never fixed sleeps: the suite runs on a loaded 2-core machine),
# and the check that the terminal was given back as it was found.
#
# A test sets nothing before sourcing; it may set TERM_INSIDE (the TERM
# encide sees), ENV_INSIDE (more VAR=VALUE words for it) and SIZE
# ("COLSxROWS") first.

: "${ENCIDE:?the encide binary}" "${SRC:?the source root}"
sock="encide-test-$$"
tmp=$(mktemp -d)
prompt='encide-test$ '
DEADLINE=${DEADLINE:-30}

t() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
	t kill-server 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	echo "--- the pane:"
	t capture-pane -p 2>/dev/null
	exit 1
}
pass() { echo "ok: $*"; }

# wait_for ERE [SECONDS]: polls the pane until a line matches.
wait_for() {
	local end=$((SECONDS + ${2:-$DEADLINE}))

	while ((SECONDS <= end)); do
		t capture-pane -p | grep -Eq -- "$1" && return 0
		sleep 0.05
	done
	return 1
}

# wait_gone ERE [SECONDS]: polls the pane until no line matches.
wait_gone() {
	local end=$((SECONDS + ${2:-$DEADLINE}))

	while ((SECONDS <= end)); do
		t capture-pane -p | grep -Eq -- "$1" || return 0
		sleep 0.05
	done
	return 1
}

# wait_file PATH [SECONDS]: polls until PATH is there and not empty.
wait_file() {
	local end=$((SECONDS + ${2:-$DEADLINE}))

	while ((SECONDS <= end)); do
		[[ -s $1 ]] && return 0
		sleep 0.05
	done
	return 1
}

# until_true CMD...: polls until CMD succeeds.
until_true() {
	local end=$((SECONDS + DEADLINE))

	while ((SECONDS <= end)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# region Y0 Y1 X0 X1: the pane's text in rows Y0..Y1, columns X0..X1.
region() { t capture-pane -p -S "$1" -E "$2" | cut -c"$(($3 + 1))-$(($4 + 1))"; }

# run LINE: types a command line into the pane's shell.
run() { t send-keys -l "$1" && t send-keys Enter; }

# keys WORDS...: tmux key names sent one by one (C-k, F5, Up...).
keys() { local k; for k in "$@"; do t send-keys "$k"; done; }

# type TEXT: literal text typed into encide (tmux takes a ';' ending an
# argument for a command separator: it goes on its own, escaped).
type_text() {
	if [[ $1 == *';' ]]; then
		[[ ${#1} -gt 1 ]] && t send-keys -l "${1%;}"
		t send-keys -l '\;'
	else
		t send-keys -l "$1"
	fi
}

# start_server: the tmux server with a bash in a window of SIZE.
start_server() {
	local size=${SIZE:-120x36}

	command -v tmux >/dev/null || fail "tmux is not installed"
	[[ -x $ENCIDE ]] || fail "no encide binary at $ENCIDE"
	t new-session -d -x "${size%x*}" -y "${size#*x}" -e LANG=C.UTF-8 "bash --norc --noprofile" ||
		fail "cannot start tmux"
	t set -g window-size manual
	t set -g status off
	t set -g set-clipboard on
	run "PS1='$prompt'; stty -g > '$tmp/stty.before'"
	wait_file "$tmp/stty.before" || fail "the shell in the pane does not answer"
}

# start_encide NAME DIR [ARGS...]: runs encide on DIR with TERM_INSIDE; its
# exit status goes to $tmp/NAME.status. Waits for the status line.
start_encide() {
	local name=$1 dir=$2 args=""
	shift 2
	for a in "$@"; do args+=" '$a'"; done
	rm -f "$tmp/$name.status"
	run "${ENV_INSIDE:-} TERM=${TERM_INSIDE:-xterm-256color} XDG_CONFIG_HOME='$tmp/config' ENCIDE_STATE_DIR='$tmp/state' '$ENCIDE'$args '$dir' 2> '$tmp/$name.err'; echo \"exit=\$?\" > '$tmp/$name.status'"
	wait_for ' [0-9]+:[0-9]+ ' || fail "$name: no status line with the cursor position"
}

# encide_pid: the encide process, a child of the pane's shell.
encide_pid() { pgrep -P "$(t display -p '#{pane_pid}')" -x encide | head -n 1; }

# check_restored NAME STATUS: encide ended with STATUS and the terminal is
# back to the shell's: main screen, same stty settings, the prompt.
check_restored() {
	wait_file "$tmp/$1.status" || fail "$1: encide did not exit"
	[[ $(cat "$tmp/$1.status") == "exit=$2" ]] ||
		fail "$1: encide ended with $(cat "$tmp/$1.status"), expected exit=$2; its stderr: $(head -c 3000 "$tmp/$1.err")"
	pass "$1: encide exited with status $2"
	[[ $(t display -p '#{alternate_on}') == 0 ]] || fail "$1: the alternate screen is still on"
	pass "$1: alternate screen off"
	rm -f "$tmp/stty.after"
	run "stty -g > '$tmp/stty.after'"
	wait_file "$tmp/stty.after" || fail "$1: the shell does not answer"
	cmp -s "$tmp/stty.before" "$tmp/stty.after" ||
		fail "$1: stty settings changed: $(cat "$tmp/stty.before") -> $(cat "$tmp/stty.after")"
	pass "$1: terminal modes restored (stty -g unchanged)"
	t send-keys C-l
	wait_for "^${prompt//$/\\$}?\$" || fail "$1: no shell prompt"
}

# project NAME: a private copy of examples/demo (scenarios edit it).
project() {
	rm -rf "$tmp/$1"
	cp -r "$SRC/examples/demo" "$tmp/$1"
	echo "$tmp/$1"
}
