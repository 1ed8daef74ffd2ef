#!/usr/bin/env bash
# Runs one scenario: a private copy of the project (scripts may edit and
# save freely) and a private state directory (journals), then `encide -x`.
# The test programs the debugger runs are copied into the project's bin/.
# usage: run.sh ENCIDE SCRIPT PROJECT_DIR [DEBUGGEE_DIR]
set -u
encide=$1 script=$2 project=$3 debuggees=${4:-}
tmp=$(mktemp -d /tmp/encide-scenario-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/project" "$tmp/state"
cp -a "$project/." "$tmp/project/"
if [ -n "$debuggees" ]; then
	mkdir -p "$tmp/project/bin"
	cp "$debuggees"/debuggee-* "$tmp/project/bin/"
fi
ENCIDE_STATE_DIR=$tmp/state "$encide" -x "$script" "$tmp/project"
