/* A debuggee with a value of every kind the expression evaluator prints:
 * ints, chars, a struct, arrays, strings, an enum, pointers, a double, a
 * function pointer, nested blocks, globals and file statics. */
#include <stdbool.h>
#include <stdio.h>

enum color { RED, GREEN = 5, BLUE };

struct pair {
	int a;
	int b;
};

struct shape {
	const char *name;
	struct pair corner;
	enum color color;
	double scale;
	int sides[4];
	struct shape *next;
};

typedef unsigned long counter_t;

int g_total = 42;
static int s_hidden = -7;
char g_name[16] = "encide";
int g_zeros[20];
long g_big = 1234567890123L;
float g_ratio = 0.75f;
counter_t g_count = 3;
struct pair g_pair = { 3, 4 };
const char *g_greeting = "hello, \"world\"\n";
bool g_flag = true;
unsigned char g_byte = 200;
short g_short = -12;
int *g_null;

static int add(int x, int y)
{
	int sum = x + y;

	return sum;
}

static double half(double v)
{
	return v / 2;
}

static struct pair swap(struct pair p)
{
	struct pair r = { p.b, p.a };

	return r;
}

static int apply(int (*op)(int, int), int v)
{
	int r = op(v, 1);

	return r;
}

static int tick(int i)
{
	return i + 1;
}

int main(void)
{
	struct shape sq = { "square", { 1, 2 }, GREEN, 2.5, { 4, 4, 4, 4 }, NULL };
	struct shape tri = { "triangle", { -1, 9 }, BLUE, 0.1, { 3, 3, 3, 0 }, &sq };
	int numbers[5] = { 10, 20, 30, 40, 50 };
	int *ptr = &numbers[2];
	char letter = 'A';
	const char *text = "it's";
	enum color c = RED;
	double d = 3.14;
	int (*fn)(int, int) = add;
	struct pair pr = { 7, 8 };
	int total = 0;

	for (int i = 0; i < 3; i++) {
		int inner = i * 10;

		total += add(inner, i);
	}
	total += apply(fn, 5);
	pr = swap(pr);
	d = half(d);
	for (int i = 0; i < 10000; i++)
		total += tick(i) > 0;
	printf("%s %s %d %c %s %d %g %d %d\n", sq.name, tri.name, numbers[4], letter, text, c, d, total, pr.a);
	g_total += total + *ptr;
	return 0;
}
