/* Diagnostics: gcc 12's JSON (from a real compile), the text form of gcc
 * and clang, clang's parseable fix-its, the linker's undefined references. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#include "build/build-int.h"
#include "tests/unit/harness.h"

/* Runs gcc -fdiagnostics-format=json on src and returns its stderr. */
static char *gcc_json(const char *src)
{
	char path[4096], outpath[4096], *out = NULL;
	char *argv[] = { "gcc", "-fdiagnostics-format=json", "-Wall", "-c", "t.c", "-o", "t.o", NULL };
	posix_spawn_file_actions_t fa;
	size_t len = 0, r;
	char buf[4096];
	FILE *f, *m;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/t.c", harness_tmpdir());
	snprintf(outpath, sizeof(outpath), "%s/out.txt", harness_tmpdir());
	f = fopen(path, "w");
	CHECK(f != NULL);
	fputs(src, f);
	fclose(f);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addchdir_np(&fa, harness_tmpdir());
	posix_spawn_file_actions_addopen(&fa, 2, outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK_INT(posix_spawnp(&pid, "gcc", &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	CHECK(waitpid(pid, NULL, 0) == pid);
	f = fopen(outpath, "r");
	CHECK(f != NULL);
	m = open_memstream(&out, &len);
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, r, m);
	fclose(f);
	fclose(m);
	return out;
}

TEST(gcc_json_errors_warnings_fixits)
{
	char *out = gcc_json("#include <stdio.h>\nint main(void)\n{\n\tint unused;\n\tprintf(\"x\")\n\treturn 0;\n}\n");
	struct build_diags d = { 0 };
	long errors, warnings;
	const struct build_diag *e = NULL;

	CHECK_INT(build_diag_parse(&d, out, strlen(out)), 0);
	build_diags_count(&d, &errors, &warnings);
	CHECK_INT(errors, 1);
	CHECK(warnings >= 1);
	for (size_t i = 0; i < d.n; i++)
		if (strcmp(d.v[i].severity, "error") == 0)
			e = &d.v[i];
	CHECK(e != NULL);
	CHECK_STR(e->file, "t.c");
	CHECK_INT(e->line, 5);
	CHECK(e->col > 0);
	CHECK_INT(e->col, 13); /* bytes: the tab counts 1 */
	CHECK(strstr(e->message, "expected") && strstr(e->message, "before"));
	CHECK(e->fixits && e->fixits[0] && strstr(e->fixits[0], ": ;"));
	build_diags_release(&d);
	free(out);
}

TEST(text_gcc_and_clang)
{
	const char *text =
		"In file included from main.c:2:\n"
		"util.h:3:1: error: unknown type name 'intx'\n"
		"main.c:7:9: warning: unused variable 'y' [-Wunused-variable]\n"
		"main.c:10:5: error: expected ';' after expression\n"
		"fix-it:\"main.c\":{10:15-10:15}:\";\"\n"
		"main.c:4: note: declared here\n"
		"cc1: fatal error: nope.c: No such file or directory\n"
		"/usr/bin/ld: a.o: in function `main':\n"
		"a.c:(.text+0x9): undefined reference to `missing'\n";
	struct build_diags d = { 0 };
	long errors, warnings;

	CHECK_INT(build_diag_parse(&d, text, strlen(text)), 0);
	CHECK_INT(d.n, 6);
	CHECK_STR(d.v[0].file, "util.h");
	CHECK_INT(d.v[0].line, 3);
	CHECK_INT(d.v[0].col, 1);
	CHECK_STR(d.v[1].severity, "warning");
	CHECK_STR(d.v[2].message, "expected ';' after expression");
	CHECK(d.v[2].fixits && strcmp(d.v[2].fixits[0], "10:15-10:15: ;") == 0);
	CHECK_INT(d.v[3].line, 4);
	CHECK_INT(d.v[3].col, 0);
	CHECK_STR(d.v[4].severity, "fatal error");
	CHECK_STR(d.v[4].file, "cc1");
	CHECK_STR(d.v[5].message, "undefined reference to `missing'");
	build_diags_count(&d, &errors, &warnings);
	CHECK_INT(errors, 4);
	CHECK_INT(warnings, 1);
	build_diags_release(&d);
}

TEST(nothing_to_report)
{
	struct build_diags d = { 0 };

	CHECK_INT(build_diag_parse(&d, "", 0), 0);
	CHECK_INT(build_diag_parse(&d, "[]", 2), 0);
	CHECK_INT(build_diag_parse(&d, "make: Nothing to be done\n", 25), 0);
	CHECK_INT(d.n, 0);
	build_diags_release(&d);
}
