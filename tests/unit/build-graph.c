/* The dependency graph: depfiles, the #include scanner with -I, -iquote and
 * -isystem, header cycles, files deleted between scans, and the question EnC
 * asks: which TUs depend on this header? */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/build-int.h"
#include "tests/unit/harness.h"

static char *path_of(const char *name)
{
	char *p;

	CHECK(asprintf(&p, "%s/%s", harness_tmpdir(), name) >= 0);
	return p;
}

static void put(const char *name, const char *text)
{
	char *p = path_of(name);
	FILE *f;

	for (char *s = p + strlen(harness_tmpdir()) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0700);
		*s = '/';
	}
	f = fopen(p, "w");
	CHECK(f != NULL);
	fputs(text, f);
	fclose(f);
	free(p);
}

/* The TUs depending on name, as "0,2". */
static char *deps_of(struct build_graph *g, const char *name)
{
	char *p = path_of(name), *s = calloc(1, 256);
	size_t *v, n;

	CHECK_INT(build_graph_dependents(g, p, &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		snprintf(s + strlen(s), 256 - strlen(s), "%s%zu", i ? "," : "", v[i]);
	free(v);
	free(p);
	return s;
}

static void add_tu(struct build_graph *g, size_t i, const char *name)
{
	char *p = path_of(name);

	CHECK_INT(build_graph_add_tu(g, i, p), 0);
	free(p);
}

TEST(depfile_with_escapes_and_continuations)
{
	struct build_graph *g = build_graph_new();
	char *dep = path_of("obj/a.d"), *s;
	const char **h;
	size_t n;

	put("a.c", "");
	put("obj/a.d", "obj/a.o: a.c inc/my\\ file.h \\\n  shared.h \\\n  /usr/include/stdio.h\n\nshared.h:\n");
	add_tu(g, 0, "a.c");
	CHECK_INT(build_graph_read_depfile(g, 0, dep, harness_tmpdir(), NULL), 0);
	CHECK_INT(build_graph_headers(g, 0, &h, &n), 0);
	CHECK_INT(n, 3);
	CHECK(strstr(h[0], "/inc/my file.h"));
	CHECK(strstr(h[1], "/shared.h"));
	CHECK_STR(h[2], "/usr/include/stdio.h");
	free(h);
	s = deps_of(g, "inc/my file.h");
	CHECK_STR(s, "0");
	free(s);
	free(dep);
	build_graph_free(g);
}

TEST(bad_and_missing_depfiles)
{
	struct build_graph *g = build_graph_new();
	char *dep = path_of("bad.d"), *err = NULL;

	put("a.c", "");
	put("bad.d", "no rule here\n");
	add_tu(g, 0, "a.c");
	CHECK_INT(build_graph_read_depfile(g, 0, dep, harness_tmpdir(), &err), -EINVAL);
	CHECK(err && strstr(err, "no \"target: dependencies\" rule"));
	free(err);
	free(dep);
	dep = path_of("none.d");
	CHECK_INT(build_graph_read_depfile(g, 0, dep, harness_tmpdir(), NULL), -ENOENT);
	free(dep);
	build_graph_free(g);
}

/*
 *   main.c -> "shared.h" -> <lib/deep.h>      (-isystem sys)
 *   util.c -> "shared.h", "q.h" (-iquote quote)
 *   other.c -> <stdio.h> only
 */
TEST(scanner_follows_search_paths_transitively)
{
	struct build_graph *g = build_graph_new();
	char *sys = path_of("sys"), *quote = path_of("quote"), *isys, *s;
	char *argv_main[] = { "cc", NULL, "-c", "main.c", NULL };
	char *argv_util[] = { "cc", "-iquote", NULL, "-c", "util.c", NULL };
	char *argv_other[] = { "cc", "-c", "other.c", NULL };

	CHECK(asprintf(&isys, "-isystem%s", sys) >= 0);
	argv_main[1] = isys;
	argv_util[2] = quote;
	put("main.c", "#include \"shared.h\"\nint main(void) { return 0; }\n");
	put("util.c", "  #  include \"shared.h\"\n#include \"q.h\"\n");
	put("other.c", "#include <stdio.h>\n");
	put("shared.h", "#include <lib/deep.h>\n");
	put("sys/lib/deep.h", "/* deep */\n");
	put("quote/q.h", "\n");
	add_tu(g, 0, "main.c");
	add_tu(g, 1, "util.c");
	add_tu(g, 2, "other.c");
	CHECK_INT(build_graph_scan(g, 0, argv_main, harness_tmpdir()), 0);
	CHECK_INT(build_graph_scan(g, 1, argv_util, harness_tmpdir()), 0);
	CHECK_INT(build_graph_scan(g, 2, argv_other, harness_tmpdir()), 0);
	s = deps_of(g, "shared.h");
	CHECK_STR(s, "0,1");
	free(s);
	s = deps_of(g, "sys/lib/deep.h"); /* util.c has no -isystem: unresolved */
	CHECK_STR(s, "0");
	free(s);
	s = deps_of(g, "quote/q.h");
	CHECK_STR(s, "1");
	free(s);
	s = deps_of(g, "other.c"); /* a TU's own source */
	CHECK_STR(s, "2");
	free(s);
	s = deps_of(g, "nothing.h");
	CHECK_STR(s, "");
	free(s);
	CHECK(build_graph_warning(g) == NULL);
	free(isys);
	free(sys);
	free(quote);
	build_graph_free(g);
}

TEST(header_cycle_is_reported_not_fatal)
{
	struct build_graph *g = build_graph_new();
	char *argv[] = { "cc", "-c", "main.c", NULL }, *s;
	const char **h;
	size_t n;

	put("main.c", "#include \"a.h\"\n");
	put("a.h", "#ifndef A\n#define A\n#include \"b.h\"\n#endif\n");
	put("b.h", "#ifndef B\n#define B\n#include \"a.h\"\n#endif\n");
	add_tu(g, 0, "main.c");
	CHECK_INT(build_graph_scan(g, 0, argv, harness_tmpdir()), 0);
	CHECK(build_graph_warning(g) && strstr(build_graph_warning(g), "header cycle: "));
	CHECK(strstr(build_graph_warning(g), "a.h -> ") && strstr(build_graph_warning(g), "b.h -> "));
	CHECK_INT(build_graph_headers(g, 0, &h, &n), 0);
	CHECK_INT(n, 2);
	free(h);
	s = deps_of(g, "b.h");
	CHECK_STR(s, "0");
	free(s);
	build_graph_free(g);
}

TEST(file_deleted_between_scans)
{
	struct build_graph *g = build_graph_new();
	char *argv[] = { "cc", "-c", "main.c", NULL }, *p = path_of("gone.h"), *s;

	put("main.c", "#include \"gone.h\"\n");
	put("gone.h", "\n");
	add_tu(g, 0, "main.c");
	CHECK_INT(build_graph_scan(g, 0, argv, harness_tmpdir()), 0);
	s = deps_of(g, "gone.h");
	CHECK_STR(s, "0");
	free(s);
	unlink(p);
	free(p);
	p = path_of("main.c");
	unlink(p);
	free(p);
	/* The old answer stays until a new scan; a new scan finds nothing. */
	s = deps_of(g, "gone.h");
	CHECK_STR(s, "0");
	free(s);
	CHECK_INT(build_graph_scan(g, 0, argv, harness_tmpdir()), 0);
	s = deps_of(g, "gone.h");
	CHECK_STR(s, "");
	free(s);
	build_graph_free(g);
}
