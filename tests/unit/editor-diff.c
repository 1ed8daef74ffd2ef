/* Line diffs (libgit2's xdiff behind a prefix/suffix cut) and the guessed
 * line maps made from them: the hunks rebuild the new text from the old
 * one exactly, on hand-picked edges and on random texts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "editor/editor.h"
#include "editor/editor-diff.h"
#include "editor/editor-linemap.h"
#include "tests/unit/harness.h"

/* Offset of line (1-based) in s, or len when past the end. */
static size_t line_off(const char *s, size_t len, size_t line)
{
	size_t off = 0;

	for (size_t l = 1; l < line && off < len; off++)
		if (s[off] == '\n')
			l++;
	return off;
}

/* Rebuilds b from a and the hunks; checks it is b. */
static void check_rebuild(const char *a, const char *b)
{
	size_t alen = strlen(a), blen = strlen(b), n, at = 1, len = 0;
	struct diff_hunk *h;
	char *out = malloc(alen + blen + 1);

	CHECK_INT(diff_lines(a, alen, b, blen, &h, &n), 0);
	for (size_t i = 0; i < n; i++) {
		size_t from = line_off(a, alen, at), to = line_off(a, alen, h[i].old_start);
		size_t ns = line_off(b, blen, h[i].new_start), ne = line_off(b, blen, h[i].new_start + h[i].new_count);

		CHECK(h[i].old_start >= at);
		memcpy(out + len, a + from, to - from); /* the same lines */
		len += to - from;
		memcpy(out + len, b + ns, ne - ns); /* the hunk's new lines */
		len += ne - ns;
		at = h[i].old_start + h[i].old_count;
	}
	memcpy(out + len, a + line_off(a, alen, at), alen - line_off(a, alen, at));
	len += alen - line_off(a, alen, at);
	out[len] = '\0';
	CHECK_STR(out, b);
	free(out);
	free(h);
}

TEST(diff_hunks_rebuild_edges)
{
	static const char *pairs[][2] = {
		{ "", "" }, { "", "a\n" }, { "a\n", "" }, { "a", "a\n" }, { "a\n", "a" },
		{ "a\nb\nc\n", "a\nb\nc\n" }, { "a\nb\nc\n", "a\nX\nc\n" }, { "a\nb\nc\n", "X\nb\nc\n" },
		{ "a\nb\nc\n", "a\nb\nX\n" }, { "a\nb\nc", "a\nb\nc\nd" }, { "a\nb\nc\n", "a\nc\n" },
		{ "a\nb\nc\n", "b\nc\n" }, { "a\nb\nc\n", "a\nb\n" }, { "abc\n", "abd\n" },
		{ "x\nsame\ny\n", "x\nsame\nsame\ny\n" }, { "aa\naa\n", "aa\naa\naa\n" },
		{ "Foo();\nFoo();\nBar();\n", "Bar();\nFoo();\nFoo();\n" },
		{ "tail\n", "head\ntail\n" }, { "l1\nl2\n", "l1\nl2 more\n" },
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		check_rebuild(pairs[i][0], pairs[i][1]);
		check_rebuild(pairs[i][1], pairs[i][0]);
	}
}

static char *random_text(unsigned *seed, size_t lines)
{
	static const char *words[] = { "a", "b", "foo();", "", "{", "}", "x = 1;", "return 0;" };
	char *s = malloc(lines * 12 + 1);
	size_t len = 0;

	for (size_t i = 0; i < lines; i++) {
		const char *w = words[rand_r(seed) % 8];

		memcpy(s + len, w, strlen(w));
		len += strlen(w);
		if (i + 1 < lines || rand_r(seed) % 2)
			s[len++] = '\n';
	}
	s[len] = '\0';
	return s;
}

/* Random texts and random line edits of them: the hunks rebuild the new
 * text, and the guessed map is monotone and lands on equal lines outside
 * hunks. */
TEST(diff_hunks_rebuild_random)
{
	unsigned seed = 9;

	for (int round = 0; round < 300; round++) {
		char *a = random_text(&seed, (size_t)(rand_r(&seed) % 30)), *b;
		size_t alen = strlen(a);

		if (rand_r(&seed) % 4 == 0) {
			b = random_text(&seed, (size_t)(rand_r(&seed) % 30));
		} else {
			/* A few line edits of a. */
			char *ins = random_text(&seed, (size_t)(rand_r(&seed) % 4));
			size_t cut = alen ? (size_t)rand_r(&seed) % alen : 0, del = alen - cut ? (size_t)rand_r(&seed) % (alen - cut + 1) : 0;

			b = malloc(alen + strlen(ins) + 1);
			memcpy(b, a, cut);
			strcpy(b + cut, ins);
			strcat(b, a + cut + del);
			free(ins);
		}
		check_rebuild(a, b);
		{
			struct diff_hunk *h;
			size_t n, prev = 0, na = diff_line_count(a, alen), nb = diff_line_count(b, strlen(b));
			struct linemap *m;

			CHECK_INT(diff_lines(a, alen, b, strlen(b), &h, &n), 0);
			m = linemap_from_hunks(na, nb, h, n);
			CHECK(m != NULL);
			CHECK(linemap_guess(m));
			for (size_t l = 1; l <= na; l++) {
				size_t to = linemap_get(m, l);

				CHECK(to <= nb);
				if (to) {
					CHECK(to > prev);
					prev = to;
				}
			}
			linemap_free(m);
			free(h);
		}
		free(a);
		free(b);
	}
}

static size_t map_of(const char *a, const char *b, size_t line)
{
	struct diff_hunk *h;
	size_t n, to;
	struct linemap *m;

	CHECK_INT(diff_lines(a, strlen(a), b, strlen(b), &h, &n), 0);
	m = linemap_from_hunks(diff_line_count(a, strlen(a)), diff_line_count(b, strlen(b)), h, n);
	to = linemap_get(m, line);
	linemap_free(m);
	free(h);
	return to;
}

/* In a hunk, lines are taken as edited in place; the rest are deleted. */
TEST(diff_linemap_guesses)
{
	CHECK_INT(map_of("a\nb\nc\n", "a\nB\nc\n", 2), 2);              /* edited in place */
	CHECK_INT(map_of("a\nb\nc\n", "a\nnew\nb\nc\n", 2), 3);         /* a line inserted above */
	CHECK_INT(map_of("a\nb\nc\nd\n", "a\nd\n", 2), 0);              /* deleted */
	CHECK_INT(map_of("a\nb\nc\nd\n", "a\nd\n", 4), 2);
	CHECK_INT(map_of("a\nb\nc\nd\n", "a\nX\nd\n", 2), 2);           /* 2 lines became 1 */
	CHECK_INT(map_of("a\nb\nc\nd\n", "a\nX\nd\n", 3), 0);
	CHECK_INT(map_of("a\nb\n", "top\na\nb\n", 3), 4);               /* the empty last line */
	CHECK_INT(map_of("", "return 0;", 1), 1);                       /* ... that gets text */
	CHECK_INT(map_of("x\n", "x\ny", 2), 2);
	CHECK_INT(map_of("x\n", "x\ny", 1), 1);
	/* Seed 003: the diff cannot know how the edits went; it picks line 3. */
	CHECK_INT(map_of("Foo();\nFoo();\nBar();\n", "Bar();\nFoo();\nFoo();\n", 2), 3);
}
