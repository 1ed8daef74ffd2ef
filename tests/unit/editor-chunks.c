/* The syntax layer parses a buffer in chunks of whole top-level items
 * (editor-syntax.c): on valid C the chunks give exactly what one parse of
 * the whole text gives, and stay so through edits, deletions across cuts
 * and a chunk that grows past its size; an unclosed brace stays inside its
 * chunk. Each case compares a buffer cut into small chunks with the same
 * text parsed in one piece. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "editor/editor-int.h"
#include "editor/editor.h"
#include "tests/unit/harness.h"

/* Valid C with every kind of top-level item, n of each. */
static char *generate(int n)
{
	size_t cap = (size_t)n * 400 + 64, len = 0;
	char *s = malloc(cap);

	len += (size_t)snprintf(s + len, cap - len, "#include <stdio.h>\n");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len,
					"/* item %d: a comment,\n * two lines */\n"
					"struct s%d {\n\tint a;\n\tchar *name;\n};\n"
					"#define M%d(x) ((x) + %d)\n"
					"static int g%d = %d;\n"
					"int f%d(int x)\n{\n\tif (x > %d)\n\t\treturn M%d(x);\n"
					"\tprintf(\"f%d %%d\\n\", x);\n\treturn g%d;\n}\n",
					i, i, i, i, i, i, i, i, i, i, i);
	return s;
}

static struct buffer *open_text(const char *name, const char *text, size_t chunk_bytes)
{
	char path[256], *err = NULL;
	struct buffer *buf;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", harness_tmpdir(), name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	CHECK_INT(buf_open(&buf, path, &err), 0);
	syn_set_chunk_bytes(buf_syntax(buf), chunk_bytes);
	return buf;
}

/* Spans of [start, end) as one string: "start-end:class ...". */
static char *spans_text(const struct buffer *buf, size_t start, size_t end)
{
	struct syn_span *spans;
	ssize_t n = buf_highlight(buf, start, end, &spans);
	size_t cap = 64 + 32 * (size_t)(n > 0 ? n : 0), len = 0;
	char *s = malloc(cap);

	CHECK(n >= 0);
	s[0] = '\0';
	for (ssize_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%zu-%zu:%d ", spans[i].start, spans[i].end, spans[i].class);
	free(spans);
	return s;
}

/* Function definitions as one string: "name:first-last/body ...". */
static char *functions_text(const struct buffer *buf)
{
	struct buf_function *v;
	ssize_t n = buf_functions(buf, &v);
	size_t cap = 64 + 64 * (size_t)(n > 0 ? n : 0), len = 0;
	char *s = malloc(cap);

	CHECK(n >= 0);
	s[0] = '\0';
	for (ssize_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s:%zu-%zu/%zu ", v[i].name, v[i].first_line,
					v[i].last_line, v[i].body_line);
	buf_functions_free(v, (size_t)n);
	return s;
}

/* The chunked buffer and the one-piece buffer agree on everything. */
static void check_same(struct buffer *chunked, struct buffer *whole)
{
	char *a, *b;

	CHECK_INT(buf_size(chunked), buf_size(whole));
	a = spans_text(chunked, 0, buf_size(chunked));
	b = spans_text(whole, 0, buf_size(whole));
	CHECK_STR(a, b);
	free(a);
	free(b);
	a = functions_text(chunked);
	b = functions_text(whole);
	CHECK_STR(a, b);
	free(a);
	free(b);
}

static size_t pos_of(const struct buffer *buf, const char *needle)
{
	char *text = malloc(buf_size(buf) + 1), *hit;
	size_t pos;

	text[buf_read(buf, 0, buf_size(buf), text)] = '\0';
	hit = strstr(text, needle);
	CHECK(hit != NULL);
	pos = (size_t)(hit - text);
	free(text);
	return pos;
}

TEST(chunks_equal_one_parse)
{
	char *text = generate(60);
	struct buffer *a = open_text("a.c", text, 512), *b = open_text("b.c", text, 0);

	check_same(a, b);
	CHECK(syn_chunk_count(buf_syntax(a)) > 10);
	CHECK_INT(syn_chunk_count(buf_syntax(b)), 1);
	free(text);
	buf_free(a);
	buf_free(b);
}

TEST(opening_parses_only_what_is_shown)
{
	char *text = generate(60);
	struct buffer *a = open_text("a.c", text, 512);
	char *s = spans_text(a, 0, 200);

	CHECK(strlen(s) > 0);
	CHECK(syn_chunk_count(buf_syntax(a)) <= 2);
	free(s);
	free(text);
	buf_free(a);
}

TEST(edits_keep_them_equal)
{
	char *text = generate(60);
	struct buffer *a = open_text("a.c", text, 512), *b = open_text("b.c", text, 0);
	unsigned seed = 7;

	check_same(a, b);
	/* Statements typed into function bodies all over the file (the text
	 * stays valid C), with highlights asked for in between. */
	for (int i = 0; i < 300; i++) {
		static const char *pool[] = { "\tx++;\n", "\tif (x) x--;\n", "\t/* note */\n", "\tx = 3;\n" };
		char needle[32];
		const char *ins;
		size_t pos;

		seed = seed * 1103515245u + 12345u;
		snprintf(needle, sizeof(needle), "\treturn g%u;", (seed >> 8) % 60);
		ins = pool[(seed >> 16) % 4];
		pos = pos_of(a, needle);
		CHECK_INT(buf_insert(a, pos, ins, strlen(ins)), 0);
		CHECK_INT(buf_insert(b, pos, ins, strlen(ins)), 0);
		if (i % 25 == 0) {
			char *x = spans_text(a, pos > 300 ? pos - 300 : 0, pos + 300);
			char *y = spans_text(b, pos > 300 ? pos - 300 : 0, pos + 300);

			CHECK_STR(x, y);
			free(x);
			free(y);
		}
	}
	check_same(a, b);
	/* Undo them all: back to the text of the start. */
	for (int i = 0; i < 300; i++) {
		size_t cur;

		CHECK_INT(buf_undo(a, &cur), 0);
		CHECK_INT(buf_undo(b, &cur), 0);
	}
	check_same(a, b);
	free(text);
	buf_free(a);
	buf_free(b);
}

TEST(deletions_across_cuts_and_a_grown_chunk)
{
	char *text = generate(60), *block = generate(20);
	struct buffer *a = open_text("a.c", text, 512), *b = open_text("b.c", text, 0);
	size_t from, to, chunks;

	check_same(a, b);
	/* Whole items 10..29 go: many cuts inside the deleted bytes. */
	from = pos_of(a, "/* item 10:");
	to = pos_of(a, "/* item 30:");
	CHECK_INT(buf_delete(a, from, to - from), 0);
	CHECK_INT(buf_delete(b, from, to - from), 0);
	check_same(a, b);
	/* A big paste into one chunk: it is cut again. */
	chunks = syn_chunk_count(buf_syntax(a));
	from = pos_of(a, "/* item 40:");
	CHECK_INT(buf_insert(a, from, block, strlen(block)), 0);
	CHECK_INT(buf_insert(b, from, block, strlen(block)), 0);
	check_same(a, b);
	CHECK(syn_chunk_count(buf_syntax(a)) > chunks);
	free(text);
	free(block);
	buf_free(a);
	buf_free(b);
}

TEST(an_unclosed_brace_stays_in_its_chunk)
{
	char *text = generate(60);
	struct buffer *a = open_text("a.c", text, 512);
	size_t tail = pos_of(a, "/* item 59:"), pos;
	char *before, *after;

	before = spans_text(a, tail, buf_size(a));
	pos = pos_of(a, "\treturn g3;");
	CHECK_INT(buf_insert(a, pos, "\twhile (x) {\n", 13), 0);
	after = spans_text(a, tail + 13, buf_size(a));
	/* The same spans, 13 bytes later: the last item is untouched. */
	{
		char *shifted = malloc(strlen(before) * 2 + 16), *o = shifted;
		const char *p = before;
		size_t s, e;
		int cls, used;

		*o = '\0';
		while (sscanf(p, "%zu-%zu:%d %n", &s, &e, &cls, &used) == 3) {
			o += sprintf(o, "%zu-%zu:%d ", s + 13, e + 13, cls);
			p += used;
		}
		CHECK_STR(after, shifted);
		free(shifted);
	}
	free(before);
	free(after);
	free(text);
	buf_free(a);
}

TEST(emptied_then_typed_again)
{
	char *text = generate(10), *a, *b;
	struct buffer *buf = open_text("a.c", text, 512), *fresh;
	static const char typed[] = "int typed(void)\n{\n\treturn 1;\n}\n";

	free(spans_text(buf, 0, buf_size(buf)));
	CHECK_INT(buf_delete(buf, 0, buf_size(buf)), 0);
	free(spans_text(buf, 0, 1));
	CHECK_INT(buf_insert(buf, 0, typed, strlen(typed)), 0);
	fresh = open_text("b.c", typed, 0);
	a = spans_text(buf, 0, buf_size(buf));
	b = spans_text(fresh, 0, buf_size(fresh));
	CHECK(strlen(a) > 0);
	CHECK_STR(a, b);
	free(a);
	free(b);
	free(text);
	buf_free(buf);
	buf_free(fresh);
}
