/* The project end to end in one process: kinds, a build in a real loop with
 * real gcc, the graph after it, a failed reload that keeps the previous
 * graph, targets remembered, the default target, and cancelling. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/bus.h"
#include "app/loop.h"
#include "build/build-int.h"
#include "build/build.h"
#include "tests/unit/harness.h"

static void put(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	CHECK(f != NULL);
	fputs(text, f);
	fclose(f);
}

/* A project directory "app" under the case's tmpdir, state beside it. */
static const char *make_project(void)
{
	static char dir[4096];
	char state[4096];

	snprintf(dir, sizeof(dir), "%s/app", harness_tmpdir());
	snprintf(state, sizeof(state), "%s/state", harness_tmpdir());
	setenv("ENCIDE_STATE_DIR", state, 1);
	mkdir(dir, 0700);
	put(dir, "lib.h", "int twice(int);\n");
	put(dir, "lib.c", "#include \"lib.h\"\nint twice(int x) { return 2 * x; }\n");
	put(dir, "main.c", "#include \"lib.h\"\nint main(void) { return twice(0); }\n");
	return dir;
}

/* The result a build reported. */
struct result {
	bool done;    /* the callback ran */
	int status;   /* its status */
	char *msg;    /* its message (owned) */
};

static void on_done(void *arg, int status, const char *msg)
{
	struct result *r = arg;

	r->done = true;
	r->status = status;
	r->msg = msg ? strdup(msg) : NULL;
}

static int build(struct project *proj, struct loop *loop, struct bus *bus, struct result *r)
{
	char *err = NULL;
	int ret;

	*r = (struct result){ 0 };
	ret = project_build(proj, loop, bus, NULL, on_done, r, &err);
	free(err);
	if (ret < 0)
		return ret;
	CHECK(!r->done); /* never from inside project_build */
	while (!r->done)
		CHECK_INT(loop_run_once(loop, 5000), 0);
	bus_dispatch(bus);
	return r->status;
}

TEST(build_then_query_then_bad_reload)
{
	const char *dir = make_project();
	struct loop *loop = loop_new();
	struct bus *bus = bus_new();
	struct project *proj = NULL;
	struct result r;
	char *err = NULL, path[4096];
	size_t *deps, n;

	CHECK_INT(project_open(&proj, dir, &err), 0);
	CHECK_INT(project_kind(proj), PROJECT_FOLDER);
	CHECK_INT(build(proj, loop, bus, &r), 0);
	CHECK_INT(project_tu_count(proj), 2);
	CHECK(access(project_target_path(proj, 0), X_OK) == 0);
	CHECK_INT(project_dependents(proj, "lib.h", &deps, &n), 0);
	CHECK_INT(n, 2);
	free(deps);

	/* Now a compile_commands.json that is malformed: the load fails with
	 * line:col, the previous commands and graph stay. */
	put(dir, "compile_commands.json", "[\n{\"directory\": \".\",\n \"file\": }\n]\n");
	CHECK_INT(project_load(proj, &err), -EINVAL);
	CHECK(err && strstr(err, "compile_commands.json:3:10: malformed JSON"));
	free(err);
	err = NULL;
	CHECK_INT(project_tu_count(proj), 2);
	CHECK_INT(project_dependents(proj, "lib.h", &deps, &n), 0);
	CHECK_INT(n, 2);
	free(deps);
	CHECK_INT(build(proj, loop, bus, &r), -EINVAL);
	CHECK_INT(project_tu_count(proj), 2);
	snprintf(path, sizeof(path), "%s/compile_commands.json", dir);
	unlink(path);
	project_free(proj);
	bus_free(bus);
	loop_free(loop);
}

TEST(target_remembered)
{
	const char *dir = make_project();
	struct project *proj = NULL;
	char *err = NULL;

	CHECK_INT(project_open(&proj, dir, &err), 0);
	CHECK_INT(project_load(proj, &err), 0);
	CHECK_STR(project_target(proj), "app");
	CHECK_INT(project_target_set(proj, "nope", &err), -ENOENT);
	CHECK(err && strstr(err, "no target 'nope' in app (app)"));
	free(err);
	CHECK_INT(project_target_set(proj, "app", &err), 0);
	project_free(proj);
	CHECK_INT(project_open(&proj, dir, &err), 0);
	CHECK_INT(project_load(proj, &err), 0);
	CHECK_STR(project_target(proj), "app");
	project_free(proj);
}

TEST(cancel_and_free_while_running)
{
	const char *dir = make_project();
	struct loop *loop = loop_new();
	struct bus *bus = bus_new();
	struct project *proj = NULL;
	struct result r = { 0 };
	char *err = NULL;

	CHECK_INT(project_open(&proj, dir, &err), 0);
	CHECK_INT(project_build(proj, loop, bus, NULL, on_done, &r, &err), 0);
	CHECK(project_building(proj));
	CHECK_INT(project_build(proj, loop, bus, NULL, on_done, &r, &err), -EBUSY);
	free(err);
	err = NULL;
	CHECK(project_build_cancel(proj));
	while (!r.done)
		CHECK_INT(loop_run_once(loop, 5000), 0);
	CHECK_INT(r.status, -ECANCELED);
	CHECK_STR(r.msg, "build cancelled");
	free(r.msg);
	CHECK(!project_building(proj));
	/* Started, children running, then the project goes away. */
	r = (struct result){ 0 };
	CHECK_INT(project_build(proj, loop, bus, NULL, on_done, &r, &err), 0);
	loop_run_once(loop, 0);
	project_free(proj);
	CHECK(!r.done);
	bus_free(bus);
	loop_free(loop);
}

TEST(default_target)
{
	/* Meson's targets of fribidi 1.0.8, sorted by name as the project
	 * keeps them: the program named after the folder wins over the
	 * tests that sort first; without one, the first program. */
	char *fribidi[] = { "BidiCharacterTest", "BidiTest", "fribidi", "fribidi-benchmark", "libfribidi.so.0.4.0" };
	char *cjson[] = { "cJSON_test", "libcjson.so.1.7.15", "parse_array" };
	char *libs[] = { "libz.a", "libz.so.1" };
	struct project p = { .name = "fribidi-1.0.8", .targets = fribidi, .ntargets = 5 };

	CHECK_STR(project_target(&p), "fribidi");
	p.name = "fribidi";
	CHECK_STR(project_target(&p), "fribidi");
	p = (struct project){ .name = "cJSON-1.7.15", .targets = cjson, .ntargets = 3 };
	CHECK_STR(project_target(&p), "cJSON_test");
	p = (struct project){ .name = "zlib", .targets = libs, .ntargets = 2 };
	CHECK_STR(project_target(&p), "libz.a");
	p.target = "libz.so.1";
	CHECK_STR(project_target(&p), "libz.so.1");
}

TEST(build_system_chosen_and_remembered)
{
	const char *dir = make_project();
	struct project *proj = NULL;
	enum project_kind kinds[5];
	char *err = NULL;

	put(dir, "CMakeLists.txt", "project(app C)\nadd_executable(app main.c lib.c)\n");
	put(dir, "Makefile", "app: main.o lib.o\n\t$(CC) -o app main.o lib.o\n");
	CHECK_INT(project_open(&proj, dir, &err), 0);
	CHECK_INT(project_kind(proj), PROJECT_CMAKE);
	CHECK_INT(project_kinds(proj, kinds), 3);
	CHECK_INT(kinds[0], PROJECT_CMAKE);
	CHECK_INT(kinds[1], PROJECT_MAKE);
	CHECK_INT(kinds[2], PROJECT_FOLDER);
	CHECK_INT(project_kind_set(proj, "meson", &err), -ENOENT);
	CHECK(err && strstr(err, "cannot be built with meson: it has no meson.build"));
	free(err);
	err = NULL;
	CHECK_INT(project_kind_set(proj, "scons", &err), -EINVAL);
	CHECK(err && strstr(err, "no build system 'scons'"));
	free(err);
	err = NULL;
	CHECK_INT(project_kind_set(proj, "make", &err), 0);
	CHECK_INT(project_kind(proj), PROJECT_MAKE);
	project_free(proj);
	/* Remembered by the next session; gone with its file, the default. */
	CHECK_INT(project_open(&proj, dir, &err), 0);
	CHECK_INT(project_kind(proj), PROJECT_MAKE);
	project_free(proj);
	{
		char path[4096];

		snprintf(path, sizeof(path), "%s/Makefile", dir);
		unlink(path);
	}
	CHECK_INT(project_open(&proj, dir, &err), 0);
	CHECK_INT(project_kind(proj), PROJECT_CMAKE);
	project_free(proj);
}
