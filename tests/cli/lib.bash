# Helpers the command-line tests share (sourced, not a test itself).
set -u
fail() { printf 'FAIL: %s\n' "$*"; exit 1; }
pass() { printf 'ok: %s\n' "$*"; }
tmp=$(mktemp -d /tmp/encide-cli-XXXXXX)
# Processes a test starts in the background: killed when it ends, however
# it ends (a survivor holding the test's output would keep ctest waiting).
bg_pids=()
background() { bg_pids+=("$1"); }
trap 'for p in "${bg_pids[@]}"; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
# printed FILE ERE [FROM]: waits (10 s at most) until FILE, from byte FROM
# on (default 1), has a line matching ERE: a program's output as it runs.
printed() {
	for _ in $(seq 200); do
		tail -c +"${3:-1}" "$1" 2>/dev/null | grep -Eq "$2" && return 0
		sleep 0.05
	done
	return 1
}
