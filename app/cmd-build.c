/* Commands that build the project (build/): build and relink run in the
 * loop and scripts wait for them; build-cancel stops one; target chooses the
 * executable to debug; build-info shows the commands and the include graph. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app/cmd-int.h"
#include "build/build.h"

static int need_project(struct cmd_ctx *ctx)
{
	if (!ctx->app->project)
		return cmd_error(ctx, "%s: no project is open", ctx->entry->name);
	return 0;
}

static void say(struct app *app, const char *level, const char *text)
{
	bus_emit_message(app->bus, &(struct ev_message){ .level = level, .text = text });
}

static void build_done(void *arg, int status, const char *msg)
{
	struct app *app = arg;
	const char *warning = app->project ? project_graph_warning(app->project) : NULL;

	if (warning)
		say(app, "warning", warning);
	if (status == 0 && app->project && project_target(app->project)) {
		char *text;

		if (asprintf(&text, "built %s", project_target(app->project)) >= 0) {
			say(app, "info", text);
			free(text);
		}
	}
	if (app->pending.active)
		cmd_finish(app, status, msg);
}

static int cmd_build(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct build_opts opts = { .relink = strcmp(ctx->entry->name, "relink") == 0 };
	char *err = NULL;

	if (need_project(ctx) < 0)
		return -1;
	/* The compiler reads the files: what the editor shows is what gets
	 * built (and the "built" version of each buffer is its text). */
	if (app_save_modified(ctx->app, &err) < 0) {
		cmd_error(ctx, "%s: %s", ctx->entry->name, err ? err : "cannot save");
		free(err);
		return -1;
	}
	if (project_build(ctx->app->project, ctx->app->loop, ctx->app->bus, &opts, build_done, ctx->app, &err) < 0) {
		cmd_error(ctx, "%s: %s", ctx->entry->name, err ? err : "failed");
		free(err);
		return -1;
	}
	return CMD_PENDING;
}

const struct cmd_entry cmd_build_entry = {
	.name = "build",
	.alias = "make",
	.usage = "",
	.help = "Build the project in the EnC profile (only what changed); waits in scripts",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_build,
};

const struct cmd_entry cmd_relink_entry = {
	.name = "relink",
	.usage = "",
	.help = "Rebuild the executable on disk from the current sources",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_build,
};

static int cmd_build_cancel(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (need_project(ctx) < 0)
		return -1;
	if (!project_build_cancel(ctx->app->project))
		return cmd_error(ctx, "build-cancel: no build is running");
	return 0;
}

const struct cmd_entry cmd_build_cancel_entry = {
	.name = "build-cancel",
	.usage = "",
	.help = "Stop the running build (its compiler processes are terminated)",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_build_cancel,
};

int cmd_project_loaded(struct cmd_ctx *ctx)
{
	struct project *proj = ctx->app->project;
	char *err = NULL;

	if (project_tu_count(proj) || project_target_count(proj) || project_building(proj))
		return 0;
	if (project_load(proj, &err) < 0) {
		cmd_error(ctx, "%s: %s", ctx->entry->name, err ? err : "cannot load the project");
		free(err);
		return -1;
	}
	return 0;
}

static int cmd_target(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct project *proj = ctx->app->project;
	char *err = NULL;

	if (need_project(ctx) < 0 || cmd_project_loaded(ctx) < 0)
		return -1;
	if (argc == 2) {
		if (project_target_set(proj, argv[1], &err) < 0) {
			cmd_error(ctx, "target: %s", err ? err : "failed");
			free(err);
			return -1;
		}
		cmd_print(ctx, "target: %s", argv[1]);
		return 0;
	}
	if (!project_target_count(proj))
		return cmd_error(ctx, "target: no targets known yet in %s (build first)", project_name(proj));
	for (size_t i = 0; i < project_target_count(proj); i++) {
		const char *name = project_target_name(proj, i);

		cmd_print(ctx, "%s %s %s", strcmp(name, project_target(proj)) == 0 ? "*" : " ", name,
			  project_target_path(proj, i));
	}
	return 0;
}

const struct cmd_entry cmd_target_entry = {
	.name = "target",
	.usage = "[NAME]",
	.help = "List the executables, or choose NAME as the one to debug (remembered)",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_target,
};

/* build-system [NAME]: which build system builds the project (a folder
 * may have several: xz has a configure script and an experimental
 * CMakeLists.txt whose Ninja build fails). */
static int cmd_build_system(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct project *proj = ctx->app->project;
	enum project_kind kinds[5];
	size_t n;
	char *err = NULL;

	if (need_project(ctx) < 0)
		return -1;
	if (argc == 2) {
		if (project_kind_set(proj, argv[1], &err) < 0) {
			cmd_error(ctx, "build-system: %s", err ? err : "failed");
			free(err);
			return -1;
		}
		/* Its records are read now: the targets of that build system. */
		if (project_load(proj, &err) < 0) {
			free(err);
			err = NULL;
		}
		cmd_print(ctx, "build-system: %s (remembered; 'build' builds with it)", argv[1]);
		return 0;
	}
	n = project_kinds(proj, kinds);
	for (size_t i = 0; i < n; i++)
		cmd_print(ctx, "%s %s", kinds[i] == project_kind(proj) ? "*" : " ", project_kind_name(kinds[i]));
	return 0;
}

const struct cmd_entry cmd_build_system_entry = {
	.name = "build-system",
	.usage = "[NAME]",
	.help = "List the build systems the project can be built with, or choose NAME: cmake, meson, make, "
		"compile_commands.json or folder (remembered)",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_build_system,
};

/* build-info FILE: a TU's command and headers, or a header's dependents. */
static int info_file(struct cmd_ctx *ctx, const char *path)
{
	struct project *proj = ctx->app->project;
	long tu = project_tu_find(proj, path);
	size_t *deps = NULL, n = 0;

	if (tu >= 0) {
		const char *const *argv = project_tu_argv(proj, (size_t)tu);
		const char **hdrs = NULL;
		char *words = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&words, &len);

		for (size_t i = 0; f && argv[i]; i++)
			fprintf(f, "%s%s", i ? " " : "", argv[i]);
		if (f)
			fclose(f);
		cmd_print(ctx, "tu: %s", project_tu_file(proj, (size_t)tu));
		cmd_print(ctx, "command: %s", words ? words : "?");
		cmd_print(ctx, "directory: %s", project_tu_dir(proj, (size_t)tu));
		cmd_print(ctx, "output: %s", project_tu_output(proj, (size_t)tu));
		cmd_print(ctx, "depfile: %s", project_tu_depfile(proj, (size_t)tu));
		free(words);
		if (project_tu_headers(proj, (size_t)tu, &hdrs, &n) < 0)
			return cmd_error(ctx, "build-info: out of memory");
		for (size_t i = 0; i < n; i++)
			cmd_print(ctx, "header: %s", hdrs[i]);
		free(hdrs);
		return 0;
	}
	if (project_dependents(proj, path, &deps, &n) < 0)
		return cmd_error(ctx, "build-info: out of memory");
	if (!n) {
		free(deps);
		return cmd_error(ctx, "build-info: no translation unit depends on '%s'", path);
	}
	cmd_print(ctx, "%zu translation unit%s depend on %s", n, n == 1 ? "" : "s", path);
	for (size_t i = 0; i < n; i++)
		cmd_print(ctx, "dependent: %s", project_tu_file(proj, deps[i]));
	free(deps);
	return 0;
}

static int cmd_build_info(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct project *proj = ctx->app->project;
	const char *warning;

	if (need_project(ctx) < 0 || cmd_project_loaded(ctx) < 0)
		return -1;
	if (argc == 2)
		return info_file(ctx, argv[1]);
	cmd_print(ctx, "project: %s (%s), %zu translation units, %zu targets", project_name(proj),
		  project_kind_name(project_kind(proj)), project_tu_count(proj), project_target_count(proj));
	cmd_print(ctx, "state: %s", project_state_path(proj));
	if (project_target(proj))
		cmd_print(ctx, "target: %s", project_target(proj));
	for (size_t i = 0; i < project_tu_count(proj); i++)
		cmd_print(ctx, "tu: %s", project_tu_file(proj, i));
	if ((warning = project_graph_warning(proj)))
		cmd_print(ctx, "warning: %s", warning);
	return 0;
}

const struct cmd_entry cmd_build_info_entry = {
	.name = "build-info",
	.usage = "[FILE]",
	.help = "Show the project's build: its TUs, or FILE's command and headers, or what depends on FILE",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_build_info,
};
