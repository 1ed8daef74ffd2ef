# Helpers the command-line tests share (sourced, not a test itself).
set -u
fail() { printf 'FAIL: %s\n' "$*"; exit 1; }
pass() { printf 'ok: %s\n' "$*"; }
tmp=$(mktemp -d /tmp/encide-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
