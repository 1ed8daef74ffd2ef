/* The syntax tree behind a buffer: incremental reparses give what a fresh
 * parse gives, function definitions and their lines, and the kind of
 * construct each edit touched (what the EnC engine warns about early). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "editor/editor.h"
#include "tests/unit/harness.h"

static const char source[] =
	"#include <stdio.h>\n"                        /* 1 */
	"#define SQ(x) ((x) * (x))\n"                 /* 2 */
	"struct point {\n"                            /* 3 */
	"\tint x;\n"                                  /* 4 */
	"};\n"                                        /* 5 */
	"typedef int count_t;\n"                      /* 6 */
	"int total = 3;\n"                            /* 7 */
	"int helper(int a);\n"                        /* 8 */
	"\n"                                          /* 9 */
	"static int *find(int n)\n"                   /* 10 */
	"{\n"                                         /* 11 */
	"\treturn &total + n;\n"                      /* 12 */
	"}\n"                                         /* 13 */
	"#ifdef DEBUG\n"                              /* 14 */
	"void trace(void) { puts(\"t\"); }\n"         /* 15 */
	"#endif\n"                                    /* 16 */
	"int main(void)\n"                            /* 17 */
	"{\n"                                         /* 18 */
	"\treturn helper(SQ(2));\n"                   /* 19 */
	"}\n";                                        /* 20 */

static struct buffer *open_source(const char *text)
{
	char path[256], *err = NULL;
	struct buffer *buf;
	FILE *f;

	snprintf(path, sizeof(path), "%s/t.c", harness_tmpdir());
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	CHECK_INT(buf_open(&buf, path, &err), 0);
	return buf;
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

TEST(function_definitions_and_lines)
{
	struct buffer *buf = open_source(source);
	struct buf_function *v, f;
	ssize_t n = buf_functions(buf, &v);

	CHECK_INT(n, 3);
	CHECK_STR(v[0].name, "find"); /* through the pointer declarator */
	CHECK_INT(v[0].first_line, 10);
	CHECK_INT(v[0].body_line, 11);
	CHECK_INT(v[0].last_line, 13);
	CHECK_STR(v[1].name, "trace"); /* inside #ifdef */
	CHECK_INT(v[1].first_line, 15);
	CHECK_STR(v[2].name, "main");
	CHECK_INT(v[2].last_line, 20);
	buf_functions_free(v, (size_t)n);
	CHECK_INT(buf_function_at(buf, 12, &f), 0);
	CHECK_STR(f.name, "find");
	free(f.name);
	CHECK_INT(buf_function_at(buf, 7, &f), -ENOENT);
	buf_free(buf);
}

TEST(functions_follow_edits)
{
	struct buffer *buf = open_source(source);
	struct buf_function *v, f;
	ssize_t n;

	/* A new function above main: main moves down three lines. */
	CHECK_INT(buf_insert(buf, pos_of(buf, "int main"), "int added(void)\n{\n}\n", 20), 0);
	n = buf_functions(buf, &v);
	CHECK_INT(n, 4);
	CHECK_STR(v[2].name, "added");
	CHECK_INT(v[2].first_line, 17);
	CHECK_STR(v[3].name, "main");
	CHECK_INT(v[3].first_line, 20);
	buf_functions_free(v, (size_t)n);
	CHECK_INT(buf_undo(buf, NULL), 0);
	CHECK_INT(buf_function_at(buf, 17, &f), 0);
	CHECK_STR(f.name, "main");
	free(f.name);
	buf_free(buf);
}

/* The kinds recorded for the edit just made. */
static unsigned last_kinds(const struct buffer *buf)
{
	return buf_op(buf, buf_version(buf))->kinds;
}

TEST(edit_kinds)
{
	struct buffer *buf = open_source(source);

	CHECK_INT(buf_insert(buf, pos_of(buf, "return &total"), "n++; ", 5), 0);
	CHECK_INT(last_kinds(buf), EDIT_KIND_BODY);
	CHECK_INT(buf_insert(buf, pos_of(buf, "int x;") + 4, "_pos", 4), 0);
	CHECK_INT(last_kinds(buf), EDIT_KIND_TYPE);
	CHECK_INT(buf_insert(buf, pos_of(buf, "count_t;"), "my", 2), 0);
	CHECK_INT(last_kinds(buf), EDIT_KIND_TYPE);
	CHECK_INT(buf_delete(buf, pos_of(buf, "= 3") + 2, 1), 0);
	CHECK_INT(last_kinds(buf), EDIT_KIND_GLOBAL);
	CHECK_INT(buf_insert(buf, pos_of(buf, "int a);"), "long b, ", 8), 0);
	CHECK_INT(last_kinds(buf), EDIT_KIND_PROTOTYPE);
	CHECK_INT(buf_insert(buf, pos_of(buf, "int n)"), "unsigned ", 9), 0);
	CHECK_INT(last_kinds(buf), EDIT_KIND_PROTOTYPE); /* a definition's signature */
	CHECK_INT(buf_insert(buf, pos_of(buf, "((x) * (x))"), " 1 + ", 5), 0);
	CHECK_INT(last_kinds(buf), EDIT_KIND_PREPROC);
	CHECK_INT(buf_insert(buf, pos_of(buf, "puts("), "(void)", 6), 0);
	CHECK_INT(last_kinds(buf), EDIT_KIND_BODY); /* a body inside #ifdef */
	CHECK_INT(buf_insert(buf, pos_of(buf, "\n\nstatic") + 1, "// note\n", 8), 0);
	CHECK_INT(last_kinds(buf), EDIT_KIND_OTHER);
	/* A deletion across two constructs touches both. */
	CHECK_INT(buf_delete(buf, pos_of(buf, "typedef"), pos_of(buf, " = ") - pos_of(buf, "typedef")), 0);
	CHECK_INT(last_kinds(buf), EDIT_KIND_TYPE | EDIT_KIND_GLOBAL);
	buf_free(buf);
}

/* Spans of the whole buffer as one string: "start-end:class ...". */
static char *spans_text(const struct buffer *buf)
{
	struct syn_span *spans;
	ssize_t n = buf_highlight(buf, 0, buf_size(buf), &spans);
	size_t cap = 64 + 32 * (size_t)(n > 0 ? n : 0), len = 0;
	char *s = malloc(cap);

	CHECK(n >= 0);
	s[0] = '\0';
	for (ssize_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%zu-%zu:%d ", spans[i].start, spans[i].end, spans[i].class);
	free(spans);
	return s;
}

TEST(incremental_reparse_equals_a_fresh_parse)
{
	struct buffer *buf = open_source(source), *fresh;
	unsigned seed = 99;
	char *text, *a, *b;

	free(spans_text(buf)); /* parse once, so the next ones are incremental */
	for (int i = 0; i < 200; i++) {
		static const char *pool[] = { "x", ";", "(", ")", "{\n", "}\n", "\"s\"", "/*c*/", "\n", "int " };
		size_t size = buf_size(buf), pos;

		seed = seed * 1103515245u + 12345u;
		pos = (seed >> 8) % (size + 1);
		if ((seed >> 4) % 3 == 0 && size > 10)
			CHECK_INT(buf_delete(buf, pos > size - 3 ? size - 3 : pos, 3), 0);
		else
			CHECK_INT(buf_insert(buf, pos, pool[(seed >> 12) % 10], strlen(pool[(seed >> 12) % 10])), 0);
		if (i % 20 == 0)
			free(spans_text(buf)); /* reparse in between, sometimes */
	}
	text = malloc(buf_size(buf) + 1);
	text[buf_read(buf, 0, buf_size(buf), text)] = '\0';
	a = spans_text(buf);
	{
		char path[256], *err = NULL;
		FILE *f;

		snprintf(path, sizeof(path), "%s/fresh.c", harness_tmpdir());
		f = fopen(path, "w");
		fputs(text, f);
		fclose(f);
		CHECK_INT(buf_open(&fresh, path, &err), 0);
	}
	b = spans_text(fresh);
	CHECK_STR(a, b);
	free(a);
	free(b);
	free(text);
	buf_free(fresh);
	buf_free(buf);
}
