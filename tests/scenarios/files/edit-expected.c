/* edited by a script */
int f(void)
{
	int y = 2;
	int x = 1;
	return x + y;
}

/* end */