/* The EnC profile applied to commands: what a command is, optimisation
 * dropped, the profile added once, depfiles kept or added. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "build/build-int.h"
#include "tests/unit/harness.h"

static bool has(char *const *v, const char *s)
{
	for (size_t i = 0; v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static size_t count(char *const *v, const char *s)
{
	size_t n = 0;

	for (size_t i = 0; v[i]; i++)
		n += strcmp(v[i], s) == 0;
	return n;
}

TEST(classify)
{
	char *c[] = { "gcc", "-O2", "-I", "inc", "-c", "a.c", "-o", "a.o", NULL };
	char *l[] = { "gcc", "-o", "prog", "a.o", "b.o", "-lm", NULL };
	char *v[] = { "gcc", "--version", NULL };
	char *two[] = { "gcc", "-c", "a.c", "b.c", NULL };
	const char *src, *out;

	CHECK_INT(build_cmd_classify(c, &src, &out), BUILD_CMD_COMPILE);
	CHECK_STR(src, "a.c");
	CHECK_STR(out, "a.o");
	CHECK_INT(build_cmd_classify(l, &src, &out), BUILD_CMD_LINK);
	CHECK_STR(out, "prog");
	CHECK_INT(build_cmd_classify(v, NULL, NULL), BUILD_CMD_OTHER);
	CHECK_INT(build_cmd_classify(two, NULL, NULL), BUILD_CMD_OTHER);
}

TEST(drops_optimisation_adds_profile)
{
	char *in[] = { "gcc", "-O2", "-Wall", "-Os", "-flto", "-fomit-frame-pointer", "-c", "a.c", "-o", "obj/a.o", NULL };
	char **v = NULL, *dep = NULL;

	CHECK_INT(build_profile_apply(&v, in, NULL, &dep), 0);
	CHECK(!has(v, "-O2") && !has(v, "-Os") && !has(v, "-flto") && !has(v, "-fomit-frame-pointer"));
	CHECK(has(v, "-Wall") && has(v, "-O0") && has(v, "-g") && has(v, "-fno-omit-frame-pointer"));
	CHECK(has(v, "-ffunction-sections") && has(v, "-fdata-sections"));
	CHECK(has(v, "-fpatchable-function-entry=16,14") && has(v, "-MMD"));
	CHECK_STR(dep, "obj/a.d"); /* gcc's default: the object's name with .d */
	free(dep);
	build_argv_free(v);
}

TEST(idempotent_with_depfile)
{
	char *in[] = { "cc", "-O3", "-c", "a.c", "-o", "a.o", NULL };
	char **once = NULL, **twice = NULL, *dep = NULL;

	CHECK_INT(build_profile_apply(&once, in, "/s/a.d", NULL), 0);
	CHECK_INT(build_profile_apply(&twice, once, "/s/other.d", &dep), 0);
	CHECK_INT(build_argv_len(once), build_argv_len(twice));
	for (size_t i = 0; once[i]; i++)
		CHECK_STR(twice[i], once[i]);
	CHECK_STR(dep, "/s/a.d");
	CHECK_INT(count(twice, "-O0"), 1);
	free(dep);
	build_argv_free(once);
	build_argv_free(twice);
}

TEST(keeps_existing_depfile_and_g_level)
{
	char *in[] = { "cc", "-g3", "-MD", "-MT", "x.o", "-MF", "x.o.d", "-c", "x.c", "-o", "x.o", NULL };
	char **v = NULL, *dep = NULL;

	CHECK_INT(build_profile_apply(&v, in, "/ignored.d", &dep), 0);
	CHECK_STR(dep, "x.o.d");
	CHECK(has(v, "-g3") && !has(v, "-g") && !has(v, "-MMD"));
	free(dep);
	build_argv_free(v);
}

TEST(compile_and_link_taken_apart)
{
	char *in[] = { "cc", "-O2", "-Iinc", "-o", "prog", "main.c", "-D", "X=1", "lib/part.c", "extra.o",
		       "-Lout", "-lm", "-Wl,--as-needed", NULL };
	const char *objs[] = { "/s/0.o", "/s/1.o", NULL }, *src;
	char **c = NULL, **l = NULL;

	CHECK_INT(build_cmd_classify(in, NULL, NULL), BUILD_CMD_LINK);
	CHECK_INT(build_cmd_nsources(in), 2);
	/* The second source alone: options kept (a -D's value is no source),
	 * the output, the other inputs and the linker's options left out. */
	CHECK_INT(build_cmd_compile_of(&c, in, 1, "/s/1.o", &src), 0);
	CHECK_STR(src, "lib/part.c");
	CHECK(has(c, "-O2") && has(c, "-Iinc") && has(c, "X=1") && has(c, "lib/part.c"));
	CHECK(!has(c, "main.c") && !has(c, "extra.o") && !has(c, "prog") && !has(c, "-lm") &&
	      !has(c, "-Lout") && !has(c, "-Wl,--as-needed"));
	CHECK_INT(build_cmd_classify(c, &src, NULL), BUILD_CMD_COMPILE);
	CHECK_INT(build_cmd_compile_of(&l, in, 2, "/s/2.o", &src), -ENOENT);
	/* The link: the sources replaced by their objects, in place. */
	CHECK_INT(build_cmd_link_of(&l, in, objs), 0);
	CHECK_STR(l[5], "/s/0.o");
	CHECK_STR(l[8], "/s/1.o");
	CHECK(has(l, "extra.o") && has(l, "-lm") && !has(l, "main.c"));
	build_argv_free(c);
	build_argv_free(l);
}
