/* Seed 003's example: three calls, the program stopped on the middle one.
 * The same final text must put the point of execution on line 2 or line 3
 * of the body, depending on how it was edited. */
#include <stdio.h>

static int calls;

void Foo(void)
{
	printf("Foo %d\n", ++calls);
}

void Bar(void)
{
	printf("Bar %d\n", ++calls);
}

int main(void)
{
	Bar();
	Foo();
	Foo();
	return 0;
}
