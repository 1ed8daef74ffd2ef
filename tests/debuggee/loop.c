/* A debuggee: a loop calling a small function, recursion, a global and a
 * static, a struct; each iteration prints a line the tests check. */
#include <stdio.h>
#include <string.h>

struct pair {
	int a;
	int b;
};

int g_counter = 10;
static int s_calls;

static int add(int x, int y)
{
	int sum = x + y;

	s_calls++;
	return sum;
}

int countdown(int n)
{
	if (n == 0)
		return 0;
	return 1 + countdown(n - 1);
}

int main(int argc, char **argv)
{
	struct pair p = { 1, 2 };
	int total = 0;

	for (int i = 0; i < 3; i++) {
		total = add(total, i);
		g_counter++;
		printf("loop %d total %d\n", i, total);
	}
	p.a = countdown(4);
	printf("pair %d %d calls %d counter %d\n", p.a, p.b, s_calls, g_counter);
	return argc > 1 ? (int)strlen(argv[1]) : 0;
}
