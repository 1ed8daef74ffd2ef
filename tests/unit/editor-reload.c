/* A file changed by another program comes into its buffer as edits from a
 * line diff: the text becomes the file's, marks follow, line maps across it
 * are guesses, undo brings the text before back (unsaved edits included),
 * and keeping the buffer instead lets the next save overwrite the file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "editor/editor.h"
#include "tests/unit/harness.h"

static char path[256];

static void write_file(const char *text)
{
	char tmp[300];
	FILE *f;

	/* Another program's save: a new file renamed over the old one. */
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	CHECK(f != NULL);
	fputs(text, f);
	fclose(f);
	CHECK_INT(rename(tmp, path), 0);
}

static struct buffer *open_text(const char *text)
{
	static int n;
	struct buffer *buf;
	char *err = NULL;

	snprintf(path, sizeof(path), "%s/r%d.c", harness_tmpdir(), n++);
	write_file(text);
	CHECK_INT(buf_open(&buf, path, &err), 0);
	return buf;
}

static char *text_of(const struct buffer *buf)
{
	char *s = malloc(buf_size(buf) + 1);

	buf_read(buf, 0, buf_size(buf), s);
	s[buf_size(buf)] = '\0';
	return s;
}

static void check_text(const struct buffer *buf, const char *want)
{
	char *s = text_of(buf);

	CHECK_STR(s, want);
	free(s);
}

static size_t map(const struct buffer *buf, uint64_t from, uint64_t to, size_t line, bool *guess)
{
	struct linemap *m = buf_linemap(buf, from, to);
	size_t out;

	CHECK(m != NULL);
	out = linemap_get(m, line);
	*guess = linemap_guess(m);
	linemap_free(m);
	return out;
}

TEST(reload_takes_the_file_as_guessed_edits)
{
	struct buffer *buf = open_text("int a;\nint b;\nvoid f(void)\n{\n\tb++;\n}\n");
	size_t hunks, pos, start, end;
	char *err = NULL;
	uint64_t v0 = buf_version(buf);
	bool guess;
	int mark;

	CHECK(buf_line_span(buf, 5, &start, &end));
	mark = buf_mark_add(buf, start + 1); /* on "b++;" */
	CHECK(!buf_changed_on_disk(buf));
	write_file("int a;\n/* added */\nint b;\nvoid f(void)\n{\n\tb += 2;\n}\n");
	CHECK(buf_changed_on_disk(buf));
	CHECK_INT(buf_reload(buf, &hunks, &err), 0);
	CHECK_INT(hunks, 2);
	check_text(buf, "int a;\n/* added */\nint b;\nvoid f(void)\n{\n\tb += 2;\n}\n");
	CHECK(!buf_modified(buf));
	CHECK(!buf_changed_on_disk(buf));
	for (uint64_t v = v0 + 1; v <= buf_version(buf); v++)
		CHECK_INT(buf_op(buf, v)->origin, EDIT_OUTSIDE);
	/* Lines moved by the guess; the mark stayed on its line. */
	CHECK_INT(map(buf, v0, buf_version(buf), 2, &guess), 3);
	CHECK(guess);
	CHECK_INT(map(buf, v0, buf_version(buf), 5, &guess), 6);
	CHECK(buf_mark_pos(buf, mark, &pos));
	CHECK_INT(buf_line_of(buf, pos), 6);
	/* Undo: the text before, and a map across both is no guess. */
	CHECK_INT(buf_undo(buf, NULL), 0);
	check_text(buf, "int a;\nint b;\nvoid f(void)\n{\n\tb++;\n}\n");
	CHECK(buf_modified(buf));
	CHECK_INT(map(buf, v0, buf_version(buf), 5, &guess), 5);
	CHECK(!guess);
	/* Redo is a guess again. */
	CHECK_INT(buf_redo(buf, NULL), 0);
	CHECK_INT(map(buf, v0, buf_version(buf), 2, &guess), 3);
	CHECK(guess);
	buf_free(buf);
}

/* Seed 003: Foo Foo Bar rewritten to Bar Foo Foo. The diff cannot know how;
 * it says line 2 went to line 3, and says it is a guess. */
TEST(reload_seed003_is_a_guess)
{
	struct buffer *buf = open_text("Foo();\nFoo();\nBar();\n");
	uint64_t v0 = buf_version(buf);
	char *err = NULL;
	bool guess;

	write_file("Bar();\nFoo();\nFoo();\n");
	CHECK_INT(buf_reload(buf, NULL, &err), 0);
	CHECK_INT(map(buf, v0, buf_version(buf), 2, &guess), 3);
	CHECK(guess);
	buf_free(buf);
}

/* Unsaved edits: the reload replaces them, undo brings them back. */
TEST(reload_over_unsaved_edits_loses_nothing)
{
	struct buffer *buf = open_text("one\ntwo\nthree\n");
	uint64_t v0 = buf_version(buf);
	char *err = NULL;
	bool guess;

	CHECK_INT(buf_insert(buf, 0, "zero\n", 5), 0);
	CHECK(buf_modified(buf));
	write_file("one\n2\nthree\nfour\n");
	CHECK_INT(buf_reload(buf, NULL, &err), 0);
	check_text(buf, "one\n2\nthree\nfour\n");
	CHECK(!buf_modified(buf));
	/* zero (ours) was deleted by the reload; "one" is line 1 again. */
	CHECK_INT(map(buf, v0, buf_version(buf), 1, &guess), 1);
	CHECK(guess);
	CHECK_INT(buf_undo(buf, NULL), 0);
	check_text(buf, "zero\none\ntwo\nthree\n");
	buf_free(buf);
}

TEST(reload_random_texts_end_equal)
{
	static const char *words[] = { "a", "b", "", "{", "}", "x = 1;", "\tf();", "no newline" };
	unsigned seed = 5;

	for (int round = 0; round < 150; round++) {
		char a[512] = "", b[512] = "";
		struct buffer *buf;
		char *err = NULL;

		for (int i = rand_r(&seed) % 12; i > 0; i--)
			snprintf(a + strlen(a), sizeof(a) - strlen(a), "%s%s", words[rand_r(&seed) % 8],
				 i > 1 || rand_r(&seed) % 2 ? "\n" : "");
		for (int i = rand_r(&seed) % 12; i > 0; i--)
			snprintf(b + strlen(b), sizeof(b) - strlen(b), "%s%s", words[rand_r(&seed) % 8],
				 i > 1 || rand_r(&seed) % 2 ? "\n" : "");
		buf = open_text(a);
		write_file(b);
		CHECK_INT(buf_reload(buf, NULL, &err), 0);
		check_text(buf, b);
		while (buf_undo(buf, NULL) == 0)
			;
		check_text(buf, a);
		buf_free(buf);
	}
}

TEST(keep_the_buffer_then_save)
{
	struct buffer *buf = open_text("mine\n");
	char *err = NULL;
	FILE *f;
	char back[64] = "";

	CHECK_INT(buf_insert(buf, 0, "edited ", 7), 0);
	write_file("theirs\n");
	CHECK_INT(buf_save(buf, false, &err), -EEXIST); /* refused: changed on disk */
	CHECK(err && strstr(err, "changed on disk"));
	free(err);
	err = NULL;
	buf_keep(buf);
	CHECK(buf_modified(buf));
	CHECK(!buf_changed_on_disk(buf));
	CHECK_INT(buf_save(buf, false, &err), 0);
	f = fopen(path, "r");
	CHECK(f && fgets(back, sizeof(back), f));
	fclose(f);
	CHECK_STR(back, "edited mine\n");
	CHECK(!buf_modified(buf));
	/* A file that is gone: keep, and the save writes it again. */
	unlink(path);
	CHECK(buf_changed_on_disk(buf));
	CHECK_INT(buf_reload(buf, NULL, &err), -ENOENT);
	CHECK(err && strstr(err, "cannot reload"));
	free(err);
	err = NULL;
	buf_keep(buf);
	CHECK_INT(buf_save(buf, false, &err), 0);
	CHECK_INT(access(path, R_OK), 0);
	buf_free(buf);
}
