/* The definition opaque.c does not see. */
#include <stdlib.h>

struct counter {
	int n;
	const char *name;
};

struct counter *counter_new(const char *name)
{
	struct counter *c = calloc(1, sizeof(*c));

	c->name = name;
	return c;
}

int counter_bump(struct counter *c)
{
	return ++c->n;
}
