# The debugger against gdb: at a set of stops in debuggee-values, `bt`,
# `info locals` (`locals`), `info args` (`args`) and `print EXPR` for ints, chars, a
# struct, arrays, strings, an enum, pointers, a double, a function pointer,
# globals and statics must give the same values as `gdb -batch` at the same
# stops. Normalised: stack addresses (gdb gives the program another
# environment) and $N numbers; in bt each frame's function, arguments and
# file:line are compared, up to main.
. "$(dirname "$0")/lib.bash"
command -v gdb >/dev/null || fail "gdb is not installed (./setup.sh installs it)"
command -v jq >/dev/null || fail "jq is not installed (./setup.sh installs it)"

prog=$DEBUGGEES/debuggee-values
checked=0

# One stop: LOCATION then expressions (no quotes in them; "!!EXPR" when
# both must fail, with the same message).
compare() {
	local loc=$1
	shift
	local gargs=(-batch -nx -ex "break $loc" -ex run -ex 'echo @@bt\n' -ex bt -ex 'echo @@locals\n'
		     -ex 'info locals' -ex 'echo @@args\n' -ex 'info args')
	{
		echo "file $prog"
		echo "break $loc"
		echo "run"
		echo "expect INFERIOR_STOPPED reason=breakpoint"
		echo "echo @@bt"
		echo "bt"
		echo "echo @@locals"
		echo "locals"
		echo "echo @@args"
		echo "args"
	} >"$tmp/s.enc"
	for e in "$@"; do
		local bang=
		# "!EXPR": an error is expected (the messages are compared)
		if [ "${e:0:2}" = "!!" ]; then
			e=${e:2}
			bang="! "
		fi
		gargs+=(-ex "echo @@print $e\\n" -ex "print $e")
		printf 'echo "@@print %s"\n%sprint %s\n' "$e" "$bang" "$e" >>"$tmp/s.enc"
	done
	gargs+=(-ex 'echo @@end\n' -ex kill)
	echo "echo @@end" >>"$tmp/s.enc"
	echo "kill" >>"$tmp/s.enc"
	gdb "${gargs[@]}" "$prog" </dev/null >"$tmp/gdb.raw" 2>&1
	"$ENCIDE" --batch -x "$tmp/s.enc" "$SRC/examples/demo" >"$tmp/enc.json" 2>"$tmp/enc.err" ||
		fail "encide failed at $loc: $(cat "$tmp/enc.err")"
	jq -r 'select(.event == "MESSAGE" or .event == "COMMAND_FAILED") | .text // .error' "$tmp/enc.json" \
		>"$tmp/enc.raw"
	normalise gdb <"$tmp/gdb.raw" >"$tmp/gdb.out"
	normalise enc <"$tmp/enc.raw" >"$tmp/enc.out"
	diff -u "$tmp/gdb.out" "$tmp/enc.out" >"$tmp/diff" ||
		fail "encide and gdb differ at $loc:$(printf '\n')$(cat "$tmp/diff")"
	[ "$(grep -c '^print\|^local\|^arg\|^frame' "$tmp/gdb.out")" -gt 0 ] || fail "nothing compared at $loc"
	checked=$((checked + $(grep -c '^print\|^local\|^arg\|^frame' "$tmp/gdb.out")))
}

# The sections between the @@ markers, one comparable line per value:
#   frame FUNCTION FILE:LINE     (bt, up to main)
#   local NAME = VALUE
#   print EXPR => VALUE
normalise() {
	awk -v who="$1" '
	/^@@/ { split($0, w, " "); section = substr(w[1], 3); expr = substr($0, length(w[1]) + 2); done = 0; next }
	section == "bt" && !done {
		line = $0
		sub(/^[> ]?#[0-9]+ +/, "", line)
		sub(/^0x[0-9a-f]+ in /, "", line)
		fn = line; sub(/ .*/, "", fn)
		args = line; sub(/ at [^ ]*$/, "", args); sub(/^[^ ]* /, "", args)
		where = line; if (!sub(/.* at /, "", where)) where = "?"
		n = split(where, parts, "/"); where = parts[n]
		print "frame " fn " " args " " where
		if (fn == "main") done = 1
		next
	}
	section == "locals" { print "local " $0; next }
	section == "args" { print "arg " $0; next }
	section == "print" {
		line = $0
		if (!sub(/^\$[0-9]+ = /, "", line)) line = "error: " line
		print "print " expr " => " line
		next
	}' | sed -E 's/0x7ff[0-9a-f]{9}/0xSTACK/g'
}

compare values.c:94 sq tri '&sq' '*tri.next' numbers ptr '*ptr' letter text c d fn add main g_name g_zeros \
	g_greeting '&g_count' g_flag g_byte g_short g_null s_hidden g_pair g_big g_ratio g_count '&numbers' \
	'tri.next->corner' 'numbers[1] + 2 * 3' 'sizeof(sq)' 'sizeof(struct shape)' '(long)d' 'ptr - numbers' \
	'&g_name[2]' '(char)66' '-1u' '10/3' '1.5+1' 'sq.sides' '&sq.corner' '(struct pair *)&g_pair' \
	'g_ratio * 2' '(enum color)6' '!g_null && letter > 64' 'tri.scale * 10' '!!nosuch' '!!*(int *)8' '!!sq.nope' '!!5/0'
compare values.c:87 inner i total 'inner + i' 'sq.corner.a - tri.corner.a'
compare add x y sum 'x * y + 1'
compare swap p 'p.a' 'p.b * 3' r
compare half v 'v * 2' '(int)v' '(float)v'
compare apply op '*op' v 'op == add' r
compare tick i
pass "bt, locals, args and print agree with gdb on $checked values"
