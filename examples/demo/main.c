/* The demo's main loop: each iteration moves a point, counts away from it
 * recursively and prints what it did. */
#include <stdio.h>
#include <unistd.h>

#include "demo.h"

int main(void)
{
	struct point p = { 1, 2 };

	for (int i = 0; i < 5; i++) {
		int depth = count_away(3);

		point_move(&p, 1, 1);
		printf("iteration %d: point (%d, %d), depth %d, ticks %d\n",
		       i, p.x, p.y, depth, tick());
		fflush(stdout);
	}
	printf("total %d, sum %d\n", g_total, point_sum(&p));
	return 0;
}
