/* build/'s own shell-word splitter (compile_commands.json "command"),
 * quoting for messages, and lexical absolute paths. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "build/build-int.h"
#include "tests/unit/harness.h"

static char **split(const char *cmd)
{
	char **v = NULL, *err = NULL;

	CHECK_INT(build_argv_split(&v, cmd, &err), 0);
	CHECK(err == NULL);
	return v;
}

TEST(split_plain_words)
{
	char **v = split("  cc  -c\tmain.c -o main.o ");

	CHECK_INT(build_argv_len(v), 5);
	CHECK_STR(v[0], "cc");
	CHECK_STR(v[2], "main.c");
	CHECK_STR(v[4], "main.o");
	build_argv_free(v);
}

TEST(split_quotes_and_escapes)
{
	char **v = split("cc -DMSG=\"\\\"hi there\\\"\" 'a b.c' x\\ y.c \"\" -DP='$HOME' \"a\\nb\"");

	CHECK_INT(build_argv_len(v), 7);
	CHECK_STR(v[1], "-DMSG=\"hi there\"");
	CHECK_STR(v[2], "a b.c");
	CHECK_STR(v[3], "x y.c");
	CHECK_STR(v[4], "");
	CHECK_STR(v[5], "-DP=$HOME");
	CHECK_STR(v[6], "a\\nb"); /* inside "...", \n is not an escape */
	build_argv_free(v);
}

TEST(split_line_continuation)
{
	char **v = split("cc \\\n-c a.c");

	CHECK_INT(build_argv_len(v), 3);
	CHECK_STR(v[1], "-c");
	build_argv_free(v);
}

TEST(split_unterminated_quote)
{
	char **v = NULL, *err = NULL;

	CHECK_INT(build_argv_split(&v, "cc 'a.c", &err), -EINVAL);
	CHECK(v == NULL);
	CHECK(err && strstr(err, "unterminated ' quote"));
	free(err);
	err = NULL;
	CHECK_INT(build_argv_split(&v, "cc \"a.c", &err), -EINVAL);
	CHECK(err && strstr(err, "unterminated \" quote"));
	free(err);
}

TEST(join_round_trips)
{
	char *in[] = { "cc", "-DX=\"a b\"", "it's", "", "plain.c", NULL };
	char *s = build_argv_join(in), **v;

	CHECK(s != NULL);
	v = split(s);
	CHECK_INT(build_argv_len(v), 5);
	for (size_t i = 0; i < 5; i++)
		CHECK_STR(v[i], in[i]);
	build_argv_free(v);
	free(s);
}

TEST(path_abs_is_lexical)
{
	char *p = build_path_abs("/a/b", "../c/./d.h");

	CHECK_STR(p, "/a/c/d.h");
	free(p);
	p = build_path_abs("/a", "/x/../y");
	CHECK_STR(p, "/y");
	free(p);
	/* Nothing to resolve (the quick way), and each thing that is. */
	static const char *const cases[][3] = {
		{ "/a/b", "c/d.h", "/a/b/c/d.h" },  { "/a/b", "/usr/include/stdio.h", "/usr/include/stdio.h" },
		{ "/a/b", ".hidden/x.h", "/a/b/.hidden/x.h" }, { "/a/b", "x..h", "/a/b/x..h" },
		{ "/a/b/", "c.h", "/a/b/c.h" },     { "/a//b", "c.h", "/a/b/c.h" },
		{ "/a/./b", "c.h", "/a/b/c.h" },    { "/a/b", "./c.h", "/a/b/c.h" },
		{ "/a/b", "..", "/a" },              { "/a/b", "c/..", "/a/b" },
		{ "/a/b", "/x//y/.", "/x/y" },      { "/", "c.h", "/c.h" },
		{ "/a/b/..", "c.h", "/a/c.h" },     { "/a/b", "c/.", "/a/b/c" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = build_path_abs(cases[i][0], cases[i][1]);
		CHECK_STR(p, cases[i][2]);
		free(p);
	}
}
