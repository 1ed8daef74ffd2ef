/* The Edit and Continue commands: apply (save what was edited, recompile,
 * load into the stopped program, redirect), and the engine's life beside the
 * debugger's. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "app/cmd-int.h"
#include "build/build.h"
#include "debugger/debugger.h"
#include "editor/editor.h"
#include "enc/enc.h"

/* The version of each buffer last applied (index-parallel to app->bufs). */
struct applied {
	struct buffer *buf;  /* the buffer */
	uint64_t version;    /* its version when last applied (or opened) */
};

/* A new program run starts from what was built: generations are gone. */
static void on_started(const struct bus_event *ev, void *arg)
{
	struct app *app = arg;

	enc_free(app->enc);
	app->enc = NULL;
	dbg_forget_code(app->dbg);
}

int enc_attach(struct app *app)
{
	return bus_subscribe(app->bus, EV_INFERIOR_STARTED, on_started, app) < 0 ? -ENOMEM : 0;
}

void enc_detach(struct app *app)
{
	enc_free(app->enc);
	app->enc = NULL;
	free(app->applied);
	app->applied = NULL;
	app->napplied = 0;
}

static uint64_t applied_version(struct app *app, struct buffer *buf)
{
	struct applied *v = app->applied;

	for (size_t i = 0; i < app->napplied; i++)
		if (v[i].buf == buf)
			return v[i].version;
	return 0;
}

static void applied_set(struct app *app, struct buffer *buf, uint64_t version)
{
	struct applied *v = app->applied;

	for (size_t i = 0; i < app->napplied; i++)
		if (v[i].buf == buf) {
			v[i].version = version;
			return;
		}
	v = realloc(app->applied, (app->napplied + 1) * sizeof(*v));
	if (!v)
		return;
	app->applied = v;
	v[app->napplied++] = (struct applied){ buf, version };
}

/* How a file's lines moved since it was last applied: the buffer's edit
 * log, replayed (files not open in encide did not move). */
static size_t lines_moved(void *arg, const char *file, int line)
{
	struct app *app = arg;
	char a[PATH_MAX], b[PATH_MAX];

	if (!realpath(file, a))
		return (size_t)line;
	for (size_t i = 0; i < app->nbufs; i++) {
		struct buffer *buf = app->bufs[i];
		struct linemap *m;
		size_t to;

		if (!realpath(buf_path(buf), b) || strcmp(a, b) != 0)
			continue;
		m = buf_linemap(buf, applied_version(app, buf), buf_version(buf));
		if (!m)
			return (size_t)line;
		to = linemap_get(m, (size_t)line);
		linemap_free(m);
		return to;
	}
	return (size_t)line;
}

static int cmd_apply(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	const char **files = calloc(app->nbufs + (size_t)argc + 1, sizeof(*files));
	size_t nfiles = 0;
	char *msg = NULL;
	int err, fail_at = 0;
	bool resume = false;

	if (!files)
		return cmd_error(ctx, "apply: out of memory");
	if (!app->project) {
		free(files);
		return cmd_error(ctx, "apply: no project");
	}
	if (dbg_pid(app->dbg) <= 0) {
		free(files);
		return cmd_error(ctx, "apply: the program is not running (edits take effect at the next build)");
	}
	/* Every buffer edited since it was last applied is saved and goes in. */
	for (size_t i = 0; i < app->nbufs; i++) {
		struct buffer *b = app->bufs[i];

		if (buf_version(b) == applied_version(app, b))
			continue;
		if (buf_modified(b) && buf_save(b, false, &msg) < 0) {
			cmd_error(ctx, "apply: %s", msg ? msg : "cannot save");
			free(msg);
			free(files);
			return -1;
		}
		files[nfiles++] = buf_path(b);
	}
	for (int i = 1; i < argc; i++) {
		/* Test-only: --fail-at=N makes step N of the pipeline fail. */
		if (strncmp(argv[i], "--fail-at=", 10) == 0)
			fail_at = atoi(argv[i] + 10);
		else
			files[nfiles++] = argv[i];
	}
	if (nfiles == 0) {
		free(files);
		return cmd_error(ctx, "apply: nothing was edited");
	}
	/* Apply while running: stop every thread, apply, let them go on. */
	if (dbg_state(app->dbg) == DBG_RUNNING) {
		if (dbg_interrupt(app->dbg, &msg) < 0) {
			cmd_error(ctx, "apply: %s", msg ? msg : "cannot stop the program");
			free(msg);
			free(files);
			return -1;
		}
		resume = true;
	}
	if (!app->enc)
		app->enc = enc_new(app->dbg, app->project, app->bus);
	if (!app->enc) {
		free(files);
		return cmd_error(ctx, "apply: out of memory");
	}
	enc_fail_at(app->enc, fail_at);
	err = enc_apply(app->enc, files, &(struct enc_lines){ lines_moved, app }, &msg);
	if (err == 0)
		snapshot_generation(app, files, enc_generation(app->enc));
	free(files);
	if (resume && dbg_pid(app->dbg) > 0)
		dbg_continue(app->dbg, NULL);
	if (err < 0) {
		cmd_error(ctx, "apply: %s", msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	for (size_t i = 0; i < app->nbufs; i++)
		applied_set(app, app->bufs[i], buf_version(app->bufs[i]));
	if (err == 1)
		cmd_print(ctx, "nothing to apply: the edits change no code");
	else
		cmd_print(ctx, "applied upd%03u", enc_generation(app->enc));
	return 0;
}

const struct cmd_entry cmd_apply_entry = {
	.name = "apply",
	.usage = "[FILE...] [--fail-at=STEP]",
	.help = "Apply code changes: save the edited files, recompile them, and load the new code into the stopped program",
	.min_args = 0,
	.max_args = -1,
	.exec = cmd_apply,
};
