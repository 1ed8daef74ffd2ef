/* The members of a static archive made by the real ar: short names, and a
 * name over 15 characters, which GNU ar keeps in its long-name table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/build-int.h"
#include "tests/unit/harness.h"

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	CHECK(f != NULL);
	fputs(text, f);
	fclose(f);
}

TEST(members_short_and_long_names)
{
	const char *dir = harness_tmpdir();
	char *ar[] = { "ar", "rcs", "libx.a", "a.o", "a_rather_long_member_name.o", "b.o", NULL };
	char path[4096], **m;

	write_file(dir, "a.o", "one");
	write_file(dir, "a_rather_long_member_name.o", "two, odd");
	write_file(dir, "b.o", "three");
	CHECK_INT(harness_run(dir, ar, NULL), 0);
	snprintf(path, sizeof(path), "%s/libx.a", dir);
	m = build_ar_members(path);
	CHECK(m != NULL);
	CHECK_STR(m[0], "a.o");
	CHECK_STR(m[1], "a_rather_long_member_name.o");
	CHECK_STR(m[2], "b.o");
	CHECK(m[3] == NULL);
	build_argv_free(m);
	/* Not an archive. */
	snprintf(path, sizeof(path), "%s/a.o", dir);
	CHECK(build_ar_members(path) == NULL);
}
