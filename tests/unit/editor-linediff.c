/* Changed lines against a base (the gutter): the marks always describe a
 * valid alignment of the buffer with the base (unchanged lines equal, in
 * order), while random edits are diffed only where they touched; undoing
 * everything leaves no mark. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "editor/editor.h"
#include "tests/unit/harness.h"

static struct buffer *open_text(const char *text)
{
	char path[256], *err = NULL;
	struct buffer *buf;
	FILE *f;
	static int n;

	snprintf(path, sizeof(path), "%s/f%d.c", harness_tmpdir(), n++);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	CHECK_INT(buf_open(&buf, path, &err), 0);
	return buf;
}

/* Line l of text (1-based) as [*s, *s + *len), without its newline. */
static void text_line(const char *text, size_t l, const char **s, size_t *len)
{
	const char *p = text, *nl;

	for (size_t i = 1; i < l; i++)
		p = strchr(p, '\n') + 1;
	nl = strchr(p, '\n');
	*s = p;
	*len = nl ? (size_t)(nl - p) : strlen(p);
}

static char *text_of(const struct buffer *buf)
{
	char *s = malloc(buf_size(buf) + 1);

	buf_read(buf, 0, buf_size(buf), s);
	s[buf_size(buf)] = '\0';
	return s;
}

/* Lines as git counts them: the empty line after a final newline is none. */
static size_t count_lines(const char *s)
{
	size_t n = 1, len = strlen(s);

	for (const char *p = s; *p; p++)
		n += *p == '\n';
	return len == 0 || s[len - 1] == '\n' ? n - 1 : n;
}

/* Walks the marks: lines between them must be equal, in order, to the end
 * (of the lines git counts: a mark may sit on the empty line after a final
 * newline, which then ends the walk). */
static void check_alignment(const char *base, const struct buffer *buf, const struct line_change *c, size_t n)
{
	char *now = text_of(buf);
	size_t bl = 1, nl = 1, nbase = count_lines(base), nnow = count_lines(now);

	for (size_t i = 0; i <= n; i++) {
		size_t until = i < n ? c[i].line : nnow + 1;

		if (until > nnow + 1)
			until = nnow + 1;
		CHECK(until >= nl);
		for (; nl < until; nl++, bl++) {
			const char *a, *b;
			size_t alen, blen;

			CHECK(bl <= nbase);
			text_line(base, bl, &a, &alen);
			text_line(now, nl, &b, &blen);
			if (alen != blen || memcmp(a, b, alen) != 0)
				harness_fail(__FILE__, __LINE__, "base line %zu and line %zu differ outside the marks", bl, nl);
		}
		if (i == n)
			break;
		if (c[i].kind == LINE_MODIFIED) {
			CHECK_INT(c[i].count, c[i].old_count);
			nl += c[i].count;
			bl += c[i].old_count;
		} else if (c[i].kind == LINE_ADDED) {
			nl += c[i].count;
		} else {
			CHECK_INT(c[i].count, 0);
			bl += c[i].old_count;
		}
	}
	CHECK_INT(bl, nbase + 1);
	free(now);
}

TEST(linediff_marks_simple_edits)
{
	const char *base = "int a;\nint b;\nint c;\nint d;\n";
	struct buffer *buf = open_text(base);
	struct linediff *d;
	const struct line_change *c;
	size_t n, start, end;

	CHECK_INT(linediff_new(&d, buf), 0);
	CHECK_INT(linediff_get(d, &c, &n), 0);
	CHECK_INT(n, 0); /* no base: nothing */
	CHECK_INT(linediff_set_base(d, base, strlen(base)), 0);
	CHECK_INT(linediff_get(d, &c, &n), 0);
	CHECK_INT(n, 0);
	/* Modify line 2, add a line after 3, delete line 4. */
	CHECK(buf_line_span(buf, 2, &start, &end));
	CHECK_INT(buf_insert(buf, end, " /* two */", 10), 0);
	CHECK_INT(linediff_get(d, &c, &n), 0);
	CHECK_INT(n, 1);
	CHECK_INT(c[0].kind, LINE_MODIFIED);
	CHECK_INT(c[0].line, 2);
	CHECK_INT(c[0].count, 1);
	CHECK(buf_line_span(buf, 4, &start, &end));
	CHECK_INT(buf_delete(buf, start, end - start + 1), 0);
	CHECK(buf_line_span(buf, 4, &start, &end));
	CHECK_INT(buf_insert(buf, start, "int e;\n", 7), 0);
	CHECK_INT(linediff_get(d, &c, &n), 0);
	CHECK_INT(n, 2);
	CHECK_INT(c[1].kind, LINE_MODIFIED); /* "int d;" became "int e;" */
	CHECK_INT(c[1].line, 4);
	/* Line 1 goes: lines 1-2 of the base became the new line 1. */
	CHECK(buf_line_span(buf, 1, &start, &end));
	CHECK_INT(buf_delete(buf, start, end - start + 1), 0);
	CHECK_INT(linediff_get(d, &c, &n), 0);
	CHECK_INT(n, 3);
	CHECK_INT(c[0].kind, LINE_MODIFIED);
	CHECK_INT(c[0].line, 1);
	CHECK_INT(c[1].kind, LINE_DELETED);
	CHECK_INT(c[1].line, 2);
	CHECK_INT(c[1].old_count, 1);
	check_alignment(base, buf, c, n);
	while (buf_undo(buf, NULL) == 0)
		;
	CHECK_INT(linediff_get(d, &c, &n), 0);
	CHECK_INT(n, 0);
	linediff_free(d);
	buf_free(buf);
}

/* Random edits: after each, the marks align; only the first diff is whole. */
TEST(linediff_random_edits_stay_aligned)
{
	static const char *pieces[] = { "x", "\n", "int y = 2;\n", "\n\n", "}", "{\n\tf();\n}\n", "a\nb" };
	char base[4096] = "";
	unsigned seed = 3;
	struct buffer *buf;
	struct linediff *d;
	const struct line_change *c;
	size_t n, full, partial;

	for (int i = 0; i < 120; i++)
		snprintf(base + strlen(base), sizeof(base) - strlen(base), "line %d %s\n", i, i % 7 ? "" : "{");
	buf = open_text(base);
	CHECK_INT(linediff_new(&d, buf), 0);
	CHECK_INT(linediff_set_base(d, base, strlen(base)), 0);
	for (int round = 0; round < 400; round++) {
		int edits = 1 + rand_r(&seed) % 3;

		for (int e = 0; e < edits; e++) {
			size_t size = buf_size(buf), pos = size ? (size_t)rand_r(&seed) % (size + 1) : 0;

			if (rand_r(&seed) % 3 == 0 && size > 0) {
				size_t len = 1 + (size_t)rand_r(&seed) % 40;

				if (pos + len > size)
					len = size - pos;
				buf_delete(buf, pos, len);
			} else if (rand_r(&seed) % 5 == 0) {
				buf_undo(buf, NULL);
			} else {
				const char *p = pieces[rand_r(&seed) % 7];

				CHECK_INT(buf_insert(buf, pos, p, strlen(p)), 0);
			}
		}
		CHECK_INT(linediff_get(d, &c, &n), 0);
		check_alignment(base, buf, c, n);
	}
	linediff_counts(d, &full, &partial);
	CHECK_INT(full, 1);
	CHECK(partial > 300);
	while (buf_undo(buf, NULL) == 0)
		;
	CHECK_INT(linediff_get(d, &c, &n), 0);
	CHECK_INT(n, 0);
	/* A new base starts again from a whole diff. */
	CHECK_INT(linediff_set_base(d, "other\n", 6), 0);
	CHECK_INT(linediff_get(d, &c, &n), 0);
	check_alignment("other\n", buf, c, n);
	linediff_counts(d, &full, &partial);
	CHECK_INT(full, 2);
	linediff_free(d);
	buf_free(buf);
}
