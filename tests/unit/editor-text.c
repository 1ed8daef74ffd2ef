/* The piece table: inserts, deletes, reads and the newline index, checked
 * against a plain string doing the same edits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "editor/editor-text.h"
#include "tests/unit/harness.h"

/* Checks every query of t against the plain string s. */
static void check_same(const struct text *t, const char *s)
{
	size_t len = strlen(s), nl = 0, line = 1, pos;
	char *buf = malloc(len + 1);

	CHECK_INT(text_size(t), len);
	CHECK_INT(text_read(t, 0, len + 10, buf), len);
	buf[len] = '\0';
	CHECK_STR(buf, s);
	free(buf);
	for (size_t i = 0; i < len; i++)
		nl += s[i] == '\n';
	CHECK_INT(text_newlines(t), nl);
	CHECK(text_line_start(t, 1, &pos) && pos == 0);
	for (size_t i = 0; i <= len; i++) {
		CHECK_INT(text_line_of(t, i), line);
		if (i < len && s[i] == '\n') {
			line++;
			CHECK(text_line_start(t, line, &pos));
			CHECK_INT(pos, i + 1);
		}
	}
	CHECK(!text_line_start(t, line + 1, &pos));
}

TEST(edits_match_a_plain_string)
{
	struct text *t;

	CHECK_INT(text_new(&t, "int main(void)\n{\n}\n", 19), 0);
	check_same(t, "int main(void)\n{\n}\n");
	CHECK_INT(text_insert(t, 17, "\treturn 0;\n", 11), 0);
	check_same(t, "int main(void)\n{\n\treturn 0;\n}\n");
	CHECK_INT(text_insert(t, 27, " ", 1), 0); 
	check_same(t, "int main(void)\n{\n\treturn 0; \n}\n");
	CHECK_INT(text_delete(t, 0, 4), 0);
	check_same(t, "main(void)\n{\n\treturn 0; \n}\n");
	CHECK_INT(text_delete(t, 5, 15), 0);
	check_same(t, "main( 0; \n}\n");
	CHECK_INT(text_insert(t, text_size(t), "x", 1), 0);
	CHECK_INT(text_insert(t, text_size(t), "y\n", 2), 0);
	check_same(t, "main( 0; \n}\nxy\n");
	CHECK_INT(text_delete(t, 0, text_size(t)), 0);
	check_same(t, "");
	CHECK_INT(text_insert(t, 1, "x", 1), -EINVAL);
	CHECK_INT(text_delete(t, 0, 1), -EINVAL);
	text_free(t);
	text_free(NULL);
}

TEST(random_edits_match_a_plain_string)
{
	char s[4096] = "";
	struct text *t;
	unsigned seed = 12345;

	CHECK_INT(text_new(&t, "", 0), 0);
	for (int round = 0; round < 3000; round++) {
		size_t len = strlen(s);

		seed = seed * 1103515245 + 12345;
		if ((seed >> 16) % 3 != 0 || len < 10) {
			const char *pool[] = { "a", "\n", "bc\nd", "\n\n", "xyz", "é" };
			const char *ins = pool[(seed >> 8) % 6];
			size_t pos = len ? (seed >> 4) % (len + 1) : 0, n = strlen(ins);

			if (len + n >= sizeof(s) - 1)
				continue;
			memmove(s + pos + n, s + pos, len - pos + 1);
			memcpy(s + pos, ins, n);
			CHECK_INT(text_insert(t, pos, ins, n), 0);
		} else {
			size_t pos = (seed >> 4) % len, n = 1 + (seed >> 9) % 7;

			if (n > len - pos)
				n = len - pos;
			memmove(s + pos, s + pos + n, len - pos - n + 1);
			CHECK_INT(text_delete(t, pos, n), 0);
		}
		if (round % 100 == 0)
			check_same(t, s);
	}
	check_same(t, s);
	{
		size_t n = 0, pos = 0, len;

		while (pos < text_size(t)) { /* chunks tile the text */
			text_chunk(t, pos, &len);
			CHECK(len > 0);
			pos += len;
			n++;
		}
		CHECK_INT(text_count_newlines(t, 0, text_size(t)), text_newlines(t));
		CHECK(n > 0);
	}
	text_free(t);
}

TEST(binary_bytes_survive)
{
	const char data[] = { 'a', 0, '\r', '\n', (char)0xff, (char)0xc3, 'b' };
	char out[sizeof(data)];
	struct text *t;

	CHECK_INT(text_new(&t, data, sizeof(data)), 0);
	CHECK_INT(text_insert(t, 1, "\0", 1), 0);
	CHECK_INT(text_delete(t, 1, 1), 0);
	CHECK_INT(text_read(t, 0, sizeof(out), out), sizeof(data));
	CHECK(memcmp(out, data, sizeof(data)) == 0);
	CHECK_INT(text_byte(t, 1), 0);
	CHECK_INT(text_byte(t, 4), 0xff);
	CHECK_INT(text_byte(t, 99), -1);
	text_free(t);
}
