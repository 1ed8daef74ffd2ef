int f(void)
{
	int x = 1;
	return x;
}

static int unused;
static int unused2;
