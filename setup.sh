#!/usr/bin/env bash
# Sets up, builds and runs encide on a Debian 12 machine: installs the Debian
# packages that are missing, fetches and checks the tree-sitter C grammar, then
# (with an action) configures and builds into out/ and opens the demo or runs
# every test. Idempotent: with everything present, setup takes well under 2 s.
#
#   ./setup.sh          install what is missing (packages, grammar)
#   ./setup.sh build    ... and build into out/
#   ./setup.sh demo     ... and open encide full-screen on examples/demo
#   ./setup.sh test     ... and run every test (CTest's summary last)
#
# Environment: ENCIDE_WERROR=ON makes compiler warnings errors (CI sets it);
# ENCIDE_SANITIZE=ON builds with ASan+UBSan; ENCIDE_OUT chooses the binary dir.
set -euo pipefail

top=$(cd "$(dirname "$0")" && pwd)
cd "$top"

die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

# Every Debian package encide needs to build, test and run. Why each is here
# is written in docs/architecture.md ("Dependencies").
packages=(
	build-essential cmake ninja-build pkg-config git
	libncurses-dev libtree-sitter-dev libgit2-dev libdw-dev libelf-dev
	libjson-c-dev libcapstone-dev
	tmux gdb meson jq strace xterm xvfb xauth libtool-bin
)

install_packages() {
	local missing=() p status
	# One dpkg-query for all packages keeps the "everything present" path fast.
	while read -r p status; do
		[ "$status" = installed ] || missing+=("$p")
	done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true)
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Package}\n' "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	command -v npm >/dev/null 2>&1 || missing+=(npm)
	[ ${#missing[@]} -eq 0 ] && return 0
	# de-duplicate (a package absent from dpkg's database is listed twice)
	mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
	[ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (run as root, or apt-get install them)"
	printf 'setup: installing %s\n' "${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || die "apt-get update failed"
	if ! apt-get install -y -qq "${missing[@]}" >/tmp/encide-apt.log 2>&1; then
		# Name the package that failed: retry them one at a time.
		for p in "${missing[@]}"; do
			apt-get install -y -qq "$p" >>/tmp/encide-apt.log 2>&1 ||
				die "apt-get could not install package '$p' (log: /tmp/encide-apt.log)"
		done
	fi
}

# The C grammar: npm pack of the pinned version, checked against the integrity
# recorded in editor/tree-sitter-c.lock, unpacked into .deps/ (git-ignored).
fetch_grammar() {
	local lock=editor/tree-sitter-c.lock version integrity dir stamp tmp tgz want got
	version=$(awk '$1 == "version" { print $2 }' "$lock")
	integrity=$(awk '$1 == "integrity" { print $2 }' "$lock")
	[ -n "$version" ] && [ -n "$integrity" ] || die "$lock: no version or integrity line"
	dir=.deps/tree-sitter-c-$version
	stamp=$dir/.integrity
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$integrity" ] &&
		[ -f "$dir/src/parser.c" ] && [ -f "$dir/queries/highlights.scm" ]; then
		return 0
	fi
	printf 'setup: fetching tree-sitter-c@%s\n' "$version"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	(cd "$tmp" && npm pack --silent "tree-sitter-c@$version" >npm.log 2>&1) ||
		die "npm pack could not fetch package 'tree-sitter-c@$version' ($(tail -n 1 "$tmp/npm.log"))"
	tgz=$tmp/tree-sitter-c-$version.tgz
	[ -f "$tgz" ] || die "npm pack of 'tree-sitter-c@$version' made no $(basename "$tgz")"
	# npm's integrity is "sha512-" + base64 of the digest: compare in hex.
	want=$(printf '%s' "${integrity#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
	got=$(sha512sum "$tgz" | cut -d' ' -f1)
	[ "$want" = "$got" ] || die "package 'tree-sitter-c@$version' does not match the integrity in $lock"
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xzf "$tgz" -C "$dir" --strip-components=1 package/src package/queries package/LICENSE ||
		die "could not unpack package 'tree-sitter-c@$version'"
	printf '%s\n' "$integrity" >"$stamp"
}

build() {
	local out=${ENCIDE_OUT:-out}
	local gen=()
	command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)
	[ -f "$out/CMakeCache.txt" ] && gen=()	# the generator is fixed once chosen
	cmake -S . -B "$out" "${gen[@]}" -DCMAKE_BUILD_TYPE=Debug \
		-DENCIDE_WERROR="${ENCIDE_WERROR:-OFF}" \
		-DENCIDE_SANITIZE="${ENCIDE_SANITIZE:-OFF}" >/dev/null
	cmake --build "$out" -j "$(nproc)"
}

install_packages
fetch_grammar

case "${1:-}" in
"") ;;
build) build ;;
demo)
	build
	exec "${ENCIDE_OUT:-out}/encide" examples/demo
	;;
test)
	build
	cd "${ENCIDE_OUT:-out}"
	exec ctest --output-on-failure -j "$(nproc)"
	;;
*) die "unknown action '$1' (use: build, demo or test)" ;;
esac
