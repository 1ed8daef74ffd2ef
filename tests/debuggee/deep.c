/* A debuggee that recurses 10,000 calls deep before stopping in bottom(). */
#include <stdio.h>

static int bottom(int n)
{
	return n * 2;
}

static int dive(int n)
{
	if (n == 0)
		return bottom(n);
	return dive(n - 1) + 1;
}

int main(void)
{
	printf("%d\n", dive(10000));
	return 0;
}
