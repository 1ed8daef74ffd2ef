/* compile_commands.json read with json-c: both forms, relative paths, the
 * profile applied, and malformed files reported with line and column; the
 * encide-cc log with later records replacing earlier ones. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/build-int.h"
#include "tests/unit/harness.h"

static int parse(struct build_cmds *out, const char *text, char **err)
{
	*err = NULL;
	return build_compdb_parse(out, "/p/compile_commands.json", text, strlen(text), NULL, err);
}

static bool has(char *const *v, const char *s)
{
	for (size_t i = 0; v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

TEST(arguments_and_command_forms)
{
	const char *text =
		"[\n"
		" {\"directory\": \"/p/build\", \"file\": \"../src/a.c\",\n"
		"  \"arguments\": [\"gcc\", \"-O2\", \"-DNAME=a b\", \"-c\", \"../src/a.c\", \"-o\", \"a.o\"]},\n"
		" {\"directory\": \"/p/build\", \"file\": \"/p/src/b.c\",\n"
		"  \"command\": \"cc -DMSG='\\\"hi there\\\"' -c /p/src/b.c -o sub/b.o\"}\n"
		"]\n";
	struct build_cmds c = { 0 };
	char *err;

	CHECK_INT(parse(&c, text, &err), 0);
	CHECK_INT(c.ntu, 2);
	CHECK_STR(c.tu[0].file, "/p/src/a.c");
	CHECK_STR(c.tu[0].dir, "/p/build");
	CHECK_STR(c.tu[0].output, "/p/build/a.o");
	CHECK_STR(c.tu[0].depfile, "/p/build/a.d");
	CHECK(has(c.tu[0].argv, "-DNAME=a b") && !has(c.tu[0].argv, "-O2") && has(c.tu[0].argv, "-O0"));
	CHECK(has(c.tu[1].argv, "-DMSG=\"hi there\""));
	CHECK_STR(c.tu[1].output, "/p/build/sub/b.o");
	build_cmds_release(&c);
}

TEST(relative_directory_and_redirected_objects)
{
	const char *text = "[{\"directory\": \".\", \"file\": \"a.c\", \"arguments\": [\"cc\", \"-c\", \"a.c\"]}]";
	struct build_cmds c = { 0 };
	char *err = NULL;

	CHECK_INT(build_compdb_parse(&c, "/p/compile_commands.json", text, strlen(text), "/state/obj", &err), 0);
	CHECK_STR(c.tu[0].dir, "/p");
	CHECK(strncmp(c.tu[0].output, "/state/obj/a-", 13) == 0);
	CHECK(strncmp(c.tu[0].depfile, "/state/obj/a-", 13) == 0);
	CHECK(has(c.tu[0].argv, c.tu[0].output));
	build_cmds_release(&c);
}

/* Each malformed text and the start of the message it must give. */
static const struct {
	const char *text;
	const char *msg;
} bad[] = {
	{ "[\n  {\"directory\": \"/p\",\n   \"file\": \"a.c\" \"command\": \"cc\"}\n]",
	  "/p/compile_commands.json:3:18: malformed JSON" },
	{ "[\n {\"directory\": \"/p\", \"file\": \"a.c\",\n", "/p/compile_commands.json:3:1: malformed JSON: unexpected end" },
	{ "[{\"directory\": \"/p\", \"file\": \"a.c\", \"command\": \"cc\"}] x",
	  "/p/compile_commands.json:1:55: malformed JSON" },
	{ "{\"file\": \"a.c\"}", "/p/compile_commands.json: expected an array" },
	{ "[{\"directory\": \"/p\", \"command\": \"cc a.c\"}]", "/p/compile_commands.json: entry 1 has no \"file\"" },
	{ "[{\"directory\": \"/p\", \"file\": \"a.c\"}]", "/p/compile_commands.json: entry 1 has neither" },
	{ "[{\"directory\": \"/p\", \"file\": \"a.c\", \"command\": \"cc 'a.c\"}]",
	  "/p/compile_commands.json: entry 1: unterminated ' quote" },
	{ "[{\"directory\": \"/p\", \"file\": \"a.c\", \"arguments\": []}]", "/p/compile_commands.json: entry 1: the command is empty" },
	{ "[{\"directory\": \"/p\", \"file\": \"a.c\", \"arguments\": [1]}]", "/p/compile_commands.json: entry 1: \"arguments\" must be" },
};

TEST(malformed_inputs_say_where)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct build_cmds c = { 0 };
		char *err = NULL;

		CHECK_INT(parse(&c, bad[i].text, &err), -EINVAL);
		CHECK(c.ntu == 0);
		if (!err || strncmp(err, bad[i].msg, strlen(bad[i].msg)) != 0)
			harness_fail(__FILE__, __LINE__, "case %zu: got \"%s\", want \"%s...\"", i,
				     err ? err : "(null)", bad[i].msg);
		free(err);
	}
}

TEST(linecol)
{
	size_t l, c;

	build_text_linecol("ab\ncd\n", 6, 4, &l, &c);
	CHECK_INT(l, 2);
	CHECK_INT(c, 2);
}

TEST(cclog_later_records_win)
{
	char path[4096];
	struct build_cmds c = { 0 };
	char *err = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cc.log", harness_tmpdir());
	f = fopen(path, "w");
	CHECK(f != NULL);
	fputs("{\"kind\":\"compile\",\"directory\":\"/p\",\"arguments\":[\"cc\",\"-c\",\"a.c\",\"-o\",\"a.o\",\"-DOLD\"],"
	      "\"file\":\"a.c\",\"output\":\"a.o\",\"depfile\":\"/s/1.d\"}\n"
	      "{\"kind\":\"link\",\"directory\":\"/p\",\"arguments\":[\"cc\",\"-o\",\"tool\",\"a.o\"],\"output\":\"tool\"}\n"
	      "{\"kind\":\"compile\",\"directory\":\"/p\",\"arguments\":[\"cc\",\"-c\",\"a.c\",\"-o\",\"a.o\",\"-DNEW\"],"
	      "\"file\":\"a.c\",\"output\":\"a.o\",\"depfile\":\"/s/1.d\"}\n"
	      "{\"kind\":\"compile\",\"directory\":\"/p\",\"argum", f); /* a record cut short */
	fclose(f);
	CHECK_INT(build_cclog_load(&c, path, &err), 0);
	CHECK_INT(c.ntu, 1);
	CHECK(has(c.tu[0].argv, "-DNEW") && !has(c.tu[0].argv, "-DOLD"));
	CHECK_INT(c.nlink, 1);
	CHECK_STR(c.link[0].name, "tool");
	CHECK_STR(c.link[0].output, "/p/tool");
	build_cmds_release(&c);
	snprintf(path, sizeof(path), "%s/none.log", harness_tmpdir());
	CHECK_INT(build_cclog_load(&c, path, &err), 0);
	CHECK_INT(c.ntu, 0);
}
