/* A debuggee whose main file only declares the struct it holds a pointer
 * to (like lua.h's lua_State): the debugger finds the definition in the
 * file that has it (opaque-def.c), as gdb does. */
#include <stdio.h>

struct counter;
struct counter *counter_new(const char *name);
int counter_bump(struct counter *c);

int main(void)
{
	struct counter *c = counter_new("clicks");

	counter_bump(c);
	printf("bumped %d\n", counter_bump(c));
	return 0;
}
