/* demo.h: what the demo's files share. The demo is the program the Visual
 * C++ 6 Edit and Continue tour is walked on, in C: a loop that prints each
 * iteration, a recursive function, a struct, a static counter and a global. */
#ifndef DEMO_H
#define DEMO_H

struct point {
	int x;
	int y;
};

/* A macro two files use: editing it recompiles and patches both. */
#define SCALE 1

extern int g_total;   /* the global: a running sum of every tick */

int count_away(int n);
int tick(void);
void point_move(struct point *p, int dx, int dy);
int point_sum(const struct point *p);

#endif
