# Code encide did not build for Edit and Continue is refused, quoting what
# its DW_AT_producer says: a program compiled with -O2, and one compiled
# with -O0 but without the patchable entries of encide's profile. Nothing
# in the program changes; it goes on and ends normally.
. "$(dirname "$0")/lib.bash"

mkdir -p "$tmp/project"
export ENCIDE_STATE_DIR=$tmp/state
cat >"$tmp/project/main.c" <<'C'
#include <stdio.h>

static int twice(int x)
{
	return 2 * x;
}

int main(void)
{
	for (int i = 1; i <= 3; i++)
		printf("twice %d\n", twice(i));
	return 0;
}
C
for case in O2:-O2 plain:-O0; do
	name=${case%%:*} flag=${case#*:}
	gcc -g "$flag" -o "$tmp/project/prog-$name" "$tmp/project/main.c" || fail "gcc $flag"
	cat >"$tmp/$name.enc" <<SCRIPT
file prog-$name
start
expect INFERIOR_STOPPED function=main
open main.c
search "2 \\\\* x"
replace "2 * x" "3 * x"
! apply
expect ENC_REJECTED "reason~the running code of '.*main\\\\.c' was compiled with $( [ "$name" = O2 ] && printf %s -O2 || printf %s "no -fpatchable-function-entry=16,14") \\\\(its DW_AT_producer says so\\\\)"
set auto-apply off
continue
expect-output "^twice 2\$"
expect-output "^twice 6\$"
expect INFERIOR_EXITED status=0
SCRIPT
	"$ENCIDE" -x "$tmp/$name.enc" "$tmp/project" >"$tmp/$name.out" 2>"$tmp/$name.err" ||
		fail "$name: $(cat "$tmp/$name.err")"
	sed -i 's/3 \* x/2 * x/' "$tmp/project/main.c"
	pass "code built with $flag$( [ "$name" = plain ] && echo ' (no profile)') is refused with the reason; the program goes on"
done
