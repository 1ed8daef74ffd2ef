/* The demo's struct and the functions that use it. */
#include "demo.h"

void point_move(struct point *p, int dx, int dy)
{
	p->x += dx;
	p->y += dy;
}

int point_sum(const struct point *p)
{
	return (p->x + p->y) * SCALE;
}
