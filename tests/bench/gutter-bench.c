/* The change gutter's benchmark program (tests/bench/gutter.sh runs it):
 *
 *   bench-gutter generate FILE LINES   writes a C-like file of LINES lines
 *   bench-gutter modify FILE EVERY     edits every EVERY-th line on disk
 *   bench-gutter run FILE KEYS         opens FILE (in a git working tree),
 *                                      takes its blob in HEAD as the base,
 *                                      then types KEYS characters on
 *                                      scattered lines, asking for the
 *                                      changed lines after each
 *
 * `run` prints, per keystroke (a space after the line's leading blanks, so
 * the file stays valid C), the time of the gutter's update (encide's
 * partial re-diff) and, apart, of the insert itself (the editor's work,
 * tree-sitter included); and for comparison the time of a whole diff of
 * the buffer against the same base (what recomputing on every change would
 * cost), as "name p50 p99 max" lines in milliseconds.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "editor/editor.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return a < b ? -1 : a > b;
}

static void report(const char *name, double *v, size_t n)
{
	size_t p99 = (size_t)ceil(0.99 * (double)n);

	qsort(v, n, sizeof(*v), cmp_double);
	printf("%s %.4f %.4f %.4f\n", name, v[n / 2], v[p99 ? p99 - 1 : 0], v[n - 1]);
}

static int generate(const char *path, long lines)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return 1;
	for (long i = 0; i < lines; i++) {
		if (i % 20 == 0)
			fprintf(f, "static int step_%ld(int a, int b)\n", i);
		else if (i % 20 == 1)
			fprintf(f, "{\n");
		else if (i % 20 == 19)
			fprintf(f, "}\n");
		else
			fprintf(f, "\tint v%ld = f(a, %ld) + g(b) * %ld;\n", i, i * 7, i % 13);
	}
	return fclose(f) != 0;
}

static int modify(const char *path, long every)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *out = NULL;
	size_t cap = 0, len = 0;
	FILE *m = open_memstream(&out, &len);
	long n = 0;

	if (!f || !m)
		return 1;
	while (getline(&line, &cap, f) > 0) {
		n++;
		if (n % every == 0)
			fprintf(m, "\t/* changed since HEAD */ %s", line);
		else
			fputs(line, m);
	}
	fclose(f);
	fclose(m);
	free(line);
	f = fopen(path, "w");
	if (!f)
		return 1;
	fwrite(out, 1, len, f);
	free(out);
	return fclose(f) != 0;
}

static int run(const char *path, long keys)
{
	struct buffer *buf;
	struct repo *repo;
	struct linediff *d, *whole;
	struct blob_id id;
	const struct line_change *c;
	char *err = NULL, *base;
	size_t len, n, lines, full, partial;
	double *t = calloc((size_t)keys, sizeof(double)), *w = calloc((size_t)keys, sizeof(double)), t0;
	double *ins = calloc((size_t)keys, sizeof(double));
	long nwhole = keys < 50 ? keys : 50;

	if (buf_open(&buf, path, &err) < 0 || repo_open(&repo, path, &err) < 0) {
		fprintf(stderr, "bench-gutter: %s\n", err ? err : "cannot open");
		return 1;
	}
	if (repo_head_blob(repo, path, &id, &base, &len) < 0 || linediff_new(&d, buf) < 0 ||
	    linediff_new(&whole, buf) < 0) {
		fprintf(stderr, "bench-gutter: %s has no blob in HEAD\n", path);
		return 1;
	}
	linediff_set_base(d, base, len);
	t0 = now_ms();
	linediff_get(d, &c, &n);
	printf("first %.4f %.4f %.4f\n", now_ms() - t0, now_ms() - t0, now_ms() - t0);
	printf("marks %zu\n", n);
	lines = buf_line_count(buf);
	for (long i = 0; i < keys; i++) {
		size_t line = (size_t)(i * 7919) % (lines - 1) + 1, start, end;
		char ch;

		buf_line_span(buf, line, &start, &end);
		while (start < end && buf_read(buf, start, 1, &ch) == 1 && (ch == ' ' || ch == '\t'))
			start++;
		t0 = now_ms();
		buf_insert(buf, start, " ", 1);
		ins[i] = now_ms() - t0;
		t0 = now_ms();
		linediff_get(d, &c, &n);
		t[i] = now_ms() - t0;
		if (i < nwhole) {
			/* The same answer from a whole diff. */
			t0 = now_ms();
			linediff_set_base(whole, base, len);
			linediff_get(whole, &c, &n);
			w[i] = now_ms() - t0;
		}
	}
	linediff_counts(d, &full, &partial);
	report("gutter", t, (size_t)keys);
	report("insert", ins, (size_t)keys);
	report("whole", w, (size_t)nwhole);
	printf("diffs %zu %zu\n", full, partial);
	linediff_free(d);
	linediff_free(whole);
	repo_free(repo);
	buf_free(buf);
	free(base);
	free(t);
	free(w);
	free(ins);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "generate") == 0)
		return generate(argv[2], atol(argv[3]));
	if (argc == 4 && strcmp(argv[1], "modify") == 0)
		return modify(argv[2], atol(argv[3]));
	if (argc == 4 && strcmp(argv[1], "run") == 0)
		return run(argv[2], atol(argv[3]));
	fprintf(stderr, "usage: bench-gutter generate FILE LINES | modify FILE EVERY | run FILE KEYS\n");
	return 2;
}
