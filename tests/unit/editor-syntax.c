/* Buffers as opened from files (lines, spans, reads, refusals) and their
 * tree-sitter highlight spans: the class of known tokens, and the shape of
 * the span list (in range, sorted, not overlapping).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "editor/editor.h"
#include "tests/unit/harness.h"

static const char demo[] =
	"/* A comment. */\n"                   /* 1 */
	"#include <stdio.h>\n"                 /* 2 */
	"#define MAX_LEN 10\n"                 /* 3 */
	"#define SQ(x) ((x) * (x))\n"          /* 4 */
	"\n"                                   /* 5 */
	"int main(void)\n"                     /* 6 */
	"{\n"                                  /* 7 */
	"\tint count = MAX_LEN;\n"             /* 8 */
	"\tprintf(\"h\xc3\xa9llo %d\\n\", count);\n" /* 9 */
	"\treturn 0;\n"                        /* 10 */
	"}\n";                                 /* 11, then an empty 12 */

/* Writes len bytes of text to a file named name in the case's directory. */
static char *write_file(const char *name, const char *text, size_t len)
{
	char *path;
	FILE *f;

	CHECK(asprintf(&path, "%s/%s", harness_tmpdir(), name) > 0);
	f = fopen(path, "w");
	CHECK(f != NULL);
	CHECK_INT(fwrite(text, 1, len, f), len);
	CHECK_INT(fclose(f), 0);
	return path;
}

static struct buffer *open_text(const char *name, const char *text, size_t len)
{
	struct buffer *buf = NULL;
	char *path = write_file(name, text, len), *err = NULL;
	int ret = buf_open(&buf, path, &err);

	if (ret != 0)
		printf("  buf_open: %s\n", err ? err : "(no message)");
	free(err);
	free(path);
	CHECK_INT(ret, 0);
	return buf;
}

/* The offset of the nth (from 1) occurrence of needle in demo. */
static size_t offset_of(const char *needle, int nth)
{
	const char *p = demo - 1;

	while (nth-- > 0) {
		p = strstr(p + 1, needle);
		CHECK(p != NULL);
	}
	return (size_t)(p - demo);
}

/* The class the spans give every byte of [pos, pos + len), or -1 when the
 * bytes are not all of one class. */
static int class_of(const struct syn_span *spans, ssize_t n, size_t pos, size_t len)
{
	int class = -1;

	for (size_t b = pos; b < pos + len; b++) {
		int c = SYN_NONE;

		for (ssize_t i = 0; i < n; i++)
			if (spans[i].start <= b && b < spans[i].end)
				c = (int)spans[i].class;
		if (class != -1 && c != class)
			return -1;
		class = c;
	}
	return class;
}

/* Checks the spans are within [start, end), sorted, not overlapping. */
static void check_shape(const struct syn_span *spans, ssize_t n, size_t start, size_t end)
{
	for (ssize_t i = 0; i < n; i++) {
		CHECK(spans[i].start < spans[i].end);
		CHECK(spans[i].start >= start);
		CHECK(spans[i].end <= end);
		CHECK(spans[i].class > SYN_NONE && spans[i].class < SYN__COUNT);
		if (i > 0)
			CHECK(spans[i - 1].end <= spans[i].start);
	}
}

TEST(lines_and_reads)
{
	struct buffer *buf = open_text("demo.c", demo, strlen(demo));
	size_t start, end;
	char out[32];

	CHECK_INT(buf_line_count(buf), 12);
	CHECK_INT(buf_size(buf), strlen(demo));
	CHECK(strstr(buf_path(buf), "/demo.c") != NULL);

	CHECK(buf_line_span(buf, 1, &start, &end));
	CHECK_INT(start, 0);
	CHECK_INT(end, strlen("/* A comment. */"));
	CHECK(buf_line_span(buf, 8, &start, &end));
	CHECK_INT(start, offset_of("\tint count", 1));
	CHECK_INT(end - start, strlen("\tint count = MAX_LEN;"));
	CHECK(buf_line_span(buf, 11, &start, &end));
	CHECK_INT(start, strlen(demo) - 2);
	CHECK_INT(end, strlen(demo) - 1);
	CHECK(buf_line_span(buf, 12, &start, &end));
	CHECK_INT(start, strlen(demo));
	CHECK_INT(end, strlen(demo));
	CHECK(!buf_line_span(buf, 0, &start, &end));
	CHECK(!buf_line_span(buf, 13, &start, &end));

	CHECK_INT(buf_read(buf, offset_of("int main", 1), 8, out), 8);
	out[8] = '\0';
	CHECK_STR(out, "int main");
	CHECK_INT(buf_read(buf, strlen(demo) - 2, sizeof(out), out), 2);
	CHECK_INT(buf_read(buf, strlen(demo), 4, out), 0);
	buf_free(buf);
}

TEST(line_counts_at_the_edges)
{
	static const struct {
		const char *text;
		size_t lines;
	} cases[] = {
		{ "", 1 }, { "a", 1 }, { "a\n", 2 }, { "a\nb", 2 }, { "\n", 2 }, { "\n\n", 3 }, { "a\n\nb\n", 4 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buffer *buf = open_text("edge.c", cases[i].text, strlen(cases[i].text));
		size_t start, end, last = cases[i].lines;

		CHECK_INT(buf_line_count(buf), cases[i].lines);
		CHECK(buf_line_span(buf, last, &start, &end));
		CHECK(start <= end && end <= strlen(cases[i].text));
		CHECK(end == strlen(cases[i].text) || cases[i].text[end] == '\n');
		CHECK(!buf_line_span(buf, last + 1, &start, &end));
		buf_free(buf);
	}
}

TEST(empty_file)
{
	struct buffer *buf = open_text("empty.c", "", 0);
	struct syn_span *spans = NULL;
	size_t start = 1, end = 1;

	CHECK_INT(buf_line_count(buf), 1);
	CHECK_INT(buf_size(buf), 0);
	CHECK(buf_line_span(buf, 1, &start, &end));
	CHECK_INT(start, 0);
	CHECK_INT(end, 0);
	CHECK_INT(buf_highlight(buf, 0, 100, &spans), 0);
	free(spans);
	buf_free(buf);
}

TEST(highlight_classes)
{
	struct buffer *buf = open_text("demo.c", demo, strlen(demo));
	struct syn_span *spans = NULL;
	ssize_t n = buf_highlight(buf, 0, buf_size(buf), &spans);
	size_t str = offset_of("\"h", 1), str_len = offset_of(", count)", 1) - str;

	CHECK(n > 0);
	check_shape(spans, n, 0, buf_size(buf));
	CHECK_INT(class_of(spans, n, offset_of("/* A comment. */", 1), 16), SYN_COMMENT);
	CHECK_INT(class_of(spans, n, offset_of("#include", 1), 8), SYN_KEYWORD);
	CHECK_INT(class_of(spans, n, offset_of("<stdio.h>", 1), 9), SYN_STRING);
	CHECK_INT(class_of(spans, n, offset_of("int main", 1), 3), SYN_TYPE);
	CHECK_INT(class_of(spans, n, offset_of("main", 1), 4), SYN_FUNCTION);
	CHECK_INT(class_of(spans, n, offset_of("return", 1), 6), SYN_KEYWORD);
	CHECK_INT(class_of(spans, n, offset_of("0;", 1), 1), SYN_NUMBER);
	CHECK_INT(class_of(spans, n, str, str_len), SYN_STRING);
	CHECK_INT(class_of(spans, n, offset_of("printf", 1), 6), SYN_FUNCTION);
	/* #match? "^[A-Z][A-Z\d_]*$" makes an ALL_CAPS identifier a constant. */
	CHECK_INT(class_of(spans, n, offset_of("MAX_LEN;", 1), 7), SYN_CONSTANT);
	CHECK_INT(class_of(spans, n, offset_of("count =", 1), 5), SYN_VARIABLE);
	CHECK_INT(class_of(spans, n, offset_of("count)", 1), 5), SYN_VARIABLE);
	/* A function-like macro's name (@function.special). */
	CHECK_INT(class_of(spans, n, offset_of("SQ", 1), 2), SYN_PREPROC);
	CHECK_INT(class_of(spans, n, offset_of(" = ", 1) + 1, 1), SYN_OPERATOR);
	CHECK_INT(class_of(spans, n, offset_of("(void)", 1), 1), SYN_NONE);
	free(spans);
	buf_free(buf);
}

TEST(highlight_range)
{
	struct buffer *buf = open_text("demo.c", demo, strlen(demo));
	struct syn_span *spans = NULL;
	size_t start, end, mid;
	ssize_t n;

	/* Line 9, the printf call. */
	CHECK(buf_line_span(buf, 9, &start, &end));
	n = buf_highlight(buf, start, end, &spans);
	CHECK(n >= 3);
	check_shape(spans, n, start, end);
	CHECK_INT(class_of(spans, n, offset_of("printf", 1), 6), SYN_FUNCTION);
	free(spans);

	/* A range cutting the string literal: its span is clipped to the range. */
	mid = offset_of("llo", 1);
	n = buf_highlight(buf, mid, mid + 3, &spans);
	CHECK_INT(n, 1);
	CHECK_INT(spans[0].start, mid);
	CHECK_INT(spans[0].end, mid + 3);
	CHECK_INT(spans[0].class, SYN_STRING);
	free(spans);

	/* Past the end, and empty ranges. */
	spans = NULL;
	CHECK_INT(buf_highlight(buf, buf_size(buf), buf_size(buf) + 10, &spans), 0);
	CHECK_INT(buf_highlight(buf, 5, 5, &spans), 0);
	free(spans);
	buf_free(buf);
}

TEST(class_names)
{
	CHECK_STR(syn_class_name(SYN_KEYWORD), "keyword");
	CHECK_STR(syn_class_name(SYN_FUNCTION), "function");
	CHECK_STR(syn_class_name(SYN_VARIABLE), "variable");
	CHECK_STR(syn_class_name(SYN_PREPROC), "preproc");
	for (int c = 0; c < SYN__COUNT; c++)
		CHECK(syn_class_name((enum syn_class)c) != NULL);
}

/* Opening path must fail with a negative code and a message naming it. */
static void check_refused(const char *path, int code, const char *why)
{
	struct buffer *buf = (struct buffer *)&buf;
	char *err = NULL;

	CHECK_INT(buf_open(&buf, path, &err), code);
	CHECK(buf == (struct buffer *)&buf);
	CHECK(err != NULL);
	if (!strstr(err, path) || !strstr(err, why))
		printf("  message: %s\n", err);
	CHECK(strstr(err, path) != NULL);
	CHECK(strstr(err, why) != NULL);
	free(err);
}

TEST(open_errors)
{
	char *missing, *dir, *binary;

	CHECK(asprintf(&missing, "%s/missing.c", harness_tmpdir()) > 0);
	check_refused(missing, -ENOENT, "No such file or directory");
	CHECK(asprintf(&dir, "%s/dir.c", harness_tmpdir()) > 0);
	CHECK_INT(mkdir(dir, 0700), 0);
	check_refused(dir, -EISDIR, "Is a directory");
	/* Binary bytes are not refused: they survive open and save (issue 3). */
	binary = write_file("a.out", "\x7f" "ELF\0\0\1", 7);
	{
		struct buffer *buf = NULL;
		char *err = NULL;

		CHECK_INT(buf_open(&buf, binary, &err), 0);
		CHECK_INT(buf_size(buf), 7);
		buf_free(buf);
	}
	free(missing);
	free(dir);
	free(binary);
}
