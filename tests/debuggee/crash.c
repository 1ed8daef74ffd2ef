/* A debuggee that dereferences a null pointer. */
#include <stdio.h>

static int deref(int *p)
{
	return *p;
}

int main(void)
{
	puts("about to crash");
	fflush(stdout);
	return deref(NULL);
}
