/* Line maps from the edit log: the two edit sequences of seed 003 (the same
 * final text, a different answer), and properties over random edits. */
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

static char *text_of(const struct buffer *buf)
{
	char *s = malloc(buf_size(buf) + 1);

	buf_read(buf, 0, buf_size(buf), s);
	s[buf_size(buf)] = '\0';
	return s;
}

static size_t line_start(const struct buffer *buf, size_t line)
{
	size_t start, end;

	CHECK(buf_line_span(buf, line, &start, &end));
	return start;
}

/* Deletes line `line` with its newline. */
static void delete_row(struct buffer *buf, size_t line)
{
	size_t start, end;

	CHECK(buf_line_span(buf, line, &start, &end));
	CHECK_INT(buf_delete(buf, start, end - start + 1), 0);
}

static void insert_row(struct buffer *buf, size_t line, const char *text)
{
	CHECK_INT(buf_insert(buf, line_start(buf, line), text, strlen(text)), 0);
}

static size_t map_line(const struct buffer *buf, uint64_t from, uint64_t to, size_t line)
{
	struct linemap *m = buf_linemap(buf, from, to);
	size_t out;

	CHECK(m != NULL);
	out = linemap_get(m, line);
	linemap_free(m);
	return out;
}

/* Seed 003, first sequence: delete row 1, delete row 3, insert Bar() above,
 * insert Foo() below: the IP on old line 2 stays with its Foo() on line 2. */
TEST(seed003_first_sequence_maps_line_2_to_2)
{
	struct buffer *buf = open_text("Foo();\nFoo();\nBar();\n");
	char *text;

	delete_row(buf, 1);             /* Foo();  <- IP on line 1 */
	delete_row(buf, 2);             /* the old row 3, Bar(); */
	insert_row(buf, 1, "Bar();\n"); /* Bar(); Foo(); <- IP on line 2 */
	insert_row(buf, 3, "Foo();\n"); /* ... Foo(); inserted below */
	text = text_of(buf);
	CHECK_STR(text, "Bar();\nFoo();\nFoo();\n");
	free(text);
	CHECK_INT(map_line(buf, 0, buf_version(buf), 2), 2);
	CHECK_INT(map_line(buf, 0, buf_version(buf), 1), 0);
	CHECK_INT(map_line(buf, 0, buf_version(buf), 3), 0);
	/* And back: new line 2 came from old line 2. */
	CHECK_INT(map_line(buf, buf_version(buf), 0, 2), 2);
	buf_free(buf);
}

/* Seed 003, second sequence: delete row 3, insert Bar() above: the same
 * final text, but the IP's Foo() is now on line 3. */
TEST(seed003_second_sequence_maps_line_2_to_3)
{
	struct buffer *buf = open_text("Foo();\nFoo();\nBar();\n");
	char *text;

	delete_row(buf, 3);
	insert_row(buf, 1, "Bar();\n");
	text = text_of(buf);
	CHECK_STR(text, "Bar();\nFoo();\nFoo();\n");
	free(text);
	CHECK_INT(map_line(buf, 0, buf_version(buf), 2), 3);
	CHECK_INT(map_line(buf, 0, buf_version(buf), 1), 2);
	CHECK_INT(map_line(buf, 0, buf_version(buf), 3), 0);
	buf_free(buf);
}

TEST(edits_inside_a_line_keep_it)
{
	struct buffer *buf = open_text("a\nbcd\ne\n");

	CHECK_INT(buf_insert(buf, 3, "X\nY", 3), 0); /* b|X\nY|cd */
	CHECK_INT(map_line(buf, 0, buf_version(buf), 2), 2);
	CHECK_INT(map_line(buf, 0, buf_version(buf), 3), 4);
	CHECK_INT(buf_delete(buf, 0, 1), 0); /* the 'a' only: line 1 stays */
	CHECK_INT(map_line(buf, 0, buf_version(buf), 1), 1);
	buf_free(buf);
}

/* A byte-tag model of the text: each byte remembers the old line it came
 * from (0 for inserted bytes); an old line no edit touched must map to the
 * new line made of exactly its bytes. */
struct model {
	char *s;        /* the text */
	int *tag;       /* per byte: old line, or 0 */
	bool *touched;  /* per old line */
	size_t len;
};

static int model_line_tag_at(const struct model *m, size_t pos)
{
	return pos < m->len ? m->tag[pos] : 0;
}

static void model_touch(struct model *m, size_t pos)
{
	int t = model_line_tag_at(m, pos);

	if (t)
		m->touched[t] = true;
}

static void model_insert(struct model *m, size_t pos, const char *s, size_t n)
{
	bool at_line_start = pos == 0 || m->s[pos - 1] == '\n';

	/* Inside a line, or a line start that does not get a whole line. */
	if (!at_line_start || n == 0 || s[n - 1] != '\n')
		model_touch(m, pos);
	if (!at_line_start && pos > 0)
		model_touch(m, pos - 1);
	m->s = realloc(m->s, m->len + n + 1);
	m->tag = realloc(m->tag, (m->len + n + 1) * sizeof(int));
	memmove(m->s + pos + n, m->s + pos, m->len - pos + 1);
	memmove(m->tag + pos + n, m->tag + pos, (m->len - pos) * sizeof(int));
	memcpy(m->s + pos, s, n);
	for (size_t i = 0; i < n; i++)
		m->tag[pos + i] = 0;
	m->len += n;
}

static void model_delete(struct model *m, size_t pos, size_t n)
{
	for (size_t i = pos; i < pos + n; i++)
		model_touch(m, i);
	if (pos + n < m->len && pos + n > 0 && m->s[pos + n - 1] == '\n')
		model_touch(m, pos + n); /* its line start went: it joins another */
	if (pos > 0)
		model_touch(m, pos - 1);
	memmove(m->s + pos, m->s + pos + n, m->len - pos - n + 1);
	memmove(m->tag + pos, m->tag + pos + n, (m->len - pos - n) * sizeof(int));
	m->len -= n;
}

static unsigned rnd(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

static void random_edit(struct buffer *buf, struct model *m, unsigned *seed)
{
	static const char *pool[] = { "x", "\n", "y\n", "\nz", "ab\ncd\n", "q\n\n" };
	size_t len = buf_size(buf);

	if (rnd(seed) % 2 || len < 4) {
		const char *s = pool[rnd(seed) % 6];
		size_t pos = rnd(seed) % (len + 1);

		if (m)
			model_insert(m, pos, s, strlen(s));
		CHECK_INT(buf_insert(buf, pos, s, strlen(s)), 0);
	} else {
		size_t pos = rnd(seed) % len, n = 1 + rnd(seed) % 12;

		if (n > len - pos)
			n = len - pos;
		if (m)
			model_delete(m, pos, n);
		CHECK_INT(buf_delete(buf, pos, n), 0);
	}
}

static void check_monotone(const struct linemap *map)
{
	size_t last = 0;

	for (size_t l = 1; l <= linemap_old_lines(map); l++) {
		size_t to = linemap_get(map, l);

		if (!to)
			continue;
		CHECK(to >= last);
		CHECK(to <= linemap_new_lines(map));
		last = to;
	}
}

TEST(property_monotone_and_consistent_with_the_text)
{
	for (unsigned round = 0; round < 60; round++) {
		char text[4096] = "";
		unsigned seed = round * 7919u + 1;
		size_t old_lines = 20 + round % 30;
		struct model m = { 0 };
		struct buffer *buf;
		struct linemap *map;

		for (size_t l = 1; l <= old_lines; l++)
			snprintf(text + strlen(text), sizeof(text) - strlen(text), "line %zu;\n", l);
		buf = open_text(text);
		m.len = strlen(text);
		m.s = strdup(text);
		m.tag = malloc((m.len + 1) * sizeof(int));
		m.touched = calloc(old_lines + 2, sizeof(bool));
		for (size_t i = 0, l = 1; i < m.len; i++) {
			m.tag[i] = (int)l;
			if (text[i] == '\n')
				l++;
		}
		for (int e = 0; e < 1 + (int)(round % 25); e++)
			random_edit(buf, &m, &seed);
		{
			char *now = text_of(buf);

			CHECK_STR(now, m.s);
			free(now);
		}
		map = buf_linemap(buf, 0, buf_version(buf));
		CHECK(map != NULL);
		CHECK_INT(linemap_old_lines(map), old_lines + 1);
		CHECK_INT(linemap_new_lines(map), buf_line_count(buf));
		check_monotone(map);
		/* Every untouched old line is found, whole, on the line the map says. */
		for (size_t l = 1; l <= old_lines; l++) {
			size_t to = linemap_get(map, l), start, end;
			char want[32];

			if (m.touched[l])
				continue;
			snprintf(want, sizeof(want), "line %zu;", l);
			CHECK(to != 0);
			CHECK(buf_line_span(buf, to, &start, &end));
			CHECK_INT(end - start, strlen(want));
			CHECK(strncmp(m.s + start, want, strlen(want)) == 0);
		}
		linemap_free(map);
		free(m.s);
		free(m.tag);
		free(m.touched);
		buf_free(buf);
	}
}

static bool maps_equal(const struct linemap *a, const struct linemap *b)
{
	if (linemap_old_lines(a) != linemap_old_lines(b) || linemap_new_lines(a) != linemap_new_lines(b))
		return false;
	for (size_t l = 1; l <= linemap_old_lines(a); l++)
		if (linemap_get(a, l) != linemap_get(b, l))
			return false;
	return true;
}

TEST(property_composition)
{
	for (unsigned round = 0; round < 60; round++) {
		unsigned seed = round * 104729u + 3;
		struct buffer *buf = open_text("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n");
		uint64_t a, b, c;
		struct linemap *ab, *bc, *ac, *abc;

		for (int e = 0; e < 30; e++)
			random_edit(buf, NULL, &seed);
		a = rnd(&seed) % (buf_version(buf) + 1);
		b = a + rnd(&seed) % (buf_version(buf) - a + 1);
		c = b + rnd(&seed) % (buf_version(buf) - b + 1);
		ab = buf_linemap(buf, a, b);
		bc = buf_linemap(buf, b, c);
		ac = buf_linemap(buf, a, c);
		abc = linemap_compose(ab, bc);
		CHECK(maps_equal(abc, ac));
		check_monotone(ac);
		linemap_free(ab);
		linemap_free(bc);
		linemap_free(ac);
		linemap_free(abc);
		buf_free(buf);
	}
}

TEST(property_undo_gives_identity)
{
	for (unsigned round = 0; round < 40; round++) {
		unsigned seed = round * 31337u + 5;
		const char *orig = "one\ntwo\nthree\nfour\nfive\nsix\n";
		struct buffer *buf = open_text(orig);
		int edits = 1 + (int)(round % 20);
		struct linemap *map;
		char *text;
		uint64_t mid;

		for (int e = 0; e < edits; e++) {
			if (e % 3 == 0)
				buf_group_begin(buf);
			random_edit(buf, NULL, &seed);
			if (e % 3 == 2 || e == edits - 1)
				buf_group_end(buf);
		}
		mid = buf_version(buf);
		/* Undo a little, redo it, then undo everything. */
		CHECK_INT(buf_undo(buf, NULL), 0);
		CHECK_INT(buf_redo(buf, NULL), 0);
		map = buf_linemap(buf, mid, buf_version(buf));
		for (size_t l = 1; l <= linemap_old_lines(map); l++)
			CHECK_INT(linemap_get(map, l), l);
		linemap_free(map);
		while (buf_undo(buf, NULL) == 0)
			;
		text = text_of(buf);
		CHECK_STR(text, orig);
		free(text);
		map = buf_linemap(buf, 0, buf_version(buf));
		CHECK_INT(linemap_new_lines(map), 7);
		for (size_t l = 1; l <= 7; l++)
			CHECK_INT(linemap_get(map, l), l);
		linemap_free(map);
		CHECK_INT(buf_redo(buf, NULL), 0); /* the log only grew: redo still works */
		buf_free(buf);
	}
}

TEST(tags_name_versions)
{
	struct buffer *buf = open_text("x\n");
	uint64_t v;

	CHECK(!buf_tagged(buf, "built", &v));
	CHECK_INT(buf_tag(buf, "built"), 0);
	CHECK_INT(buf_insert(buf, 0, "y\n", 2), 0);
	CHECK_INT(buf_tag(buf, "applied upd001"), 0);
	CHECK(buf_tagged(buf, "built", &v) && v == 0);
	CHECK(buf_tagged(buf, "applied upd001", &v) && v == 1);
	CHECK_INT(map_line(buf, 0, v, 1), 2);
	CHECK(buf_op(buf, 1)->insert && buf_op(buf, 1)->origin == EDIT_USER);
	CHECK_INT(buf_undo(buf, NULL), 0);
	CHECK(buf_op(buf, 2)->origin == EDIT_UNDO && buf_op(buf, 2)->inverts == 1);
	buf_free(buf);
}
