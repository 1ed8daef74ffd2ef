/* The recursive part of the demo, and its state: a static counter private to
 * this file and the global total. */
#include <stdio.h>

#include "demo.h"

int g_total;

static int ticks;

int tick(void)
{
	ticks++;
	g_total += ticks;
	return ticks;
}

/* changed by another program */
int count_away(int n)
{
	if (n == 0)
		return 0;
	return 2 * SCALE + count_away(n - 1);
}
