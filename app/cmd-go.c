/* The commands behind the VC-style debugging keys, where gdb has no single
 * command: go (F5: build if needed and start, or continue; with a location,
 * Ctrl-F10's run to cursor), step-over and step-into (F10, F11: they also
 * start the program), break-toggle (F9), and the watch list (gdb's
 * display/undisplay), which the UI's watch pane shows. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "app/cmd-int.h"
#include "build/build.h"
#include "debugger/debugger.h"
#include "editor/editor.h"

/* A start of the program that waits for a build to end first: `go`'s
 * (the build it started, or one that runs), `run`'s and `start`'s (the
 * relink after a run with Edit and Continue rewrites the program and its
 * libraries: they start when it has ended, not on half-written files). */
struct go_state {
	struct app *app;  /* the session */
	const char *name; /* the command, for its messages: "go", "run", "start" */
	char *location;   /* run to here (a temporary breakpoint), or NULL */
	char **args;      /* the program's arguments (owned, NULL-terminated), or NULL */
	bool at_main;     /* stop at main (start) */
	bool bg;          /* run &: the command does not wait for the stop */
};

static void go_state_free(struct go_state *st)
{
	free(st->location);
	cmd_argv_free(st->args);
	free(st);
}

/* A copy of the NULL-terminated args, or NULL when out of memory. */
static char **args_dup(char *const *args)
{
	size_t n = 0;
	char **v;

	while (args[n])
		n++;
	if (!(v = calloc(n + 1, sizeof(*v))))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!(v[i] = strdup(args[i]))) {
			cmd_argv_free(v);
			return NULL;
		}
	return v;
}

/* Starts the program as st says (after a temporary breakpoint at its
 * location); the pending command then ends when it stops, unless st->bg.
 * 0 or negative with *errmsg. */
static int go_start(struct app *app, const struct go_state *st, char **errmsg)
{
	char *none[] = { NULL };
	int err, id;

	*errmsg = NULL;
	bool at_main = st->at_main || (st->location && strcmp(st->location, "main") == 0);

	if ((err = debug_program(app, errmsg)) < 0)
		return err;
	/* To main: the debugger's own stop at main (gdb's start), resolved in
	 * the process as it runs, so a relinked executable is no trouble. */
	if (st->location && !at_main && (err = dbg_break(app->dbg, st->location, true, &id, errmsg)) < 0)
		return err;
	if ((err = dbg_run(app->dbg, st->args ? st->args : none, at_main, errmsg)) < 0)
		return err;
	if (app->pending.active && !st->bg)
		app->pending.waits_for_stop = true;
	return 0;
}

/* The build the start waited for ended: start the program. In the UI other
 * commands (moving the cursor, focusing a pane) may have run meanwhile and
 * dropped the pending command; the program starts all the same, and the
 * pending command, if it is still there, ends when it stops. */
static void go_built(void *arg, int status, const char *msg)
{
	struct go_state *st = arg;
	struct app *app = st->app;
	char *err = NULL, *text = NULL;

	if (status == 0)
		enc_note_built(app); /* before the run resolves breakpoints */
	if (status < 0) {
		if (!msg && asprintf(&text, "%s: the build failed", st->name) < 0)
			text = NULL;
		if (app->pending.active)
			cmd_finish(app, status, msg ? msg : text ? text : "the build failed");
	} else if (go_start(app, st, &err) < 0) {
		if (asprintf(&text, "%s: %s", st->name, err ? err : "cannot start the program") < 0)
			text = NULL;
		if (app->pending.active)
			cmd_finish(app, -1, text ? text : "cannot start the program");
		else
			bus_emit_message(app->bus, &(struct ev_message){ .level = "error", .text = text });
	} else if (app->pending.active && (st->bg || dbg_state(app->dbg) != DBG_RUNNING)) {
		cmd_finish(app, 0, NULL); /* it stopped (or ended) at once, or runs in the background */
	}
	free(text);
	free(err);
	go_state_free(st);
}

/* A build already runs (the relink after a run with Edit and Continue, a
 * `build`): the start waits for its end instead of failing. One at a time. */
static struct go_state *go_waiting;
static int go_sub;

static void on_build_finished(const struct bus_event *ev, void *arg)
{
	const struct ev_build_finished *e = ev->payload;
	struct go_state *st = go_waiting;

	if (!st || st->app != arg)
		return;
	go_waiting = NULL;
	go_built(st, e->ok ? 0 : -1, NULL);
}

static int go_after_build(struct cmd_ctx *ctx, struct go_state *st)
{
	if (go_waiting || (go_sub <= 0 && (go_sub = bus_subscribe(ctx->app->bus, EV_BUILD_FINISHED,
								   on_build_finished, ctx->app)) < 0)) {
		cmd_error(ctx, "%s: a build is running and another %s waits for it", st->name,
			  go_waiting ? go_waiting->name : "start");
		go_state_free(st);
		return -1;
	}
	go_waiting = st;
	cmd_print(ctx, "%s: waiting for the build that runs", st->name);
	return CMD_PENDING;
}

int go_after_build_run(struct cmd_ctx *ctx, char *const *args, bool at_main, bool bg)
{
	struct go_state *st = calloc(1, sizeof(*st));

	if (!st || !(st->args = args_dup(args))) {
		free(st);
		return cmd_error(ctx, "%s: out of memory", ctx->entry->name);
	}
	st->app = ctx->app;
	st->name = ctx->entry->name;
	st->at_main = at_main;
	st->bg = bg;
	return go_after_build(ctx, st);
}

static int cmd_go(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	const char *location = argc > 1 ? argv[1] : NULL;
	struct go_state *st;
	char *msg = NULL;
	int err;

	switch (dbg_state(app->dbg)) {
	case DBG_RUNNING:
		return cmd_error(ctx, "go: the program is running ('interrupt' stops it)");
	case DBG_STOPPED: {
		int id;

		/* Run to cursor as VC6 does: a temporary breakpoint (resolved in
		 * the newest code, like any breakpoint) and continue. */
		err = location ? dbg_break(app->dbg, location, true, &id, &msg) : 0;
		if (err == 0)
			err = dbg_continue(app->dbg, &msg);
		break;
	}
	case DBG_IDLE:
	default:
		if (!app->project) {
			err = go_start(app, &(struct go_state){ .app = app, .name = "go", .location = (char *)location },
				       &msg);
			break;
		}
		/* Build first (nothing is compiled when nothing changed), then run. */
		st = calloc(1, sizeof(*st));
		if (!st || (location && !(st->location = strdup(location)))) {
			free(st);
			return cmd_error(ctx, "go: out of memory");
		}
		st->app = app;
		st->name = "go";
		if (project_building(app->project))
			return go_after_build(ctx, st);
		if (app_save_modified(app, &msg) < 0) {
			cmd_error(ctx, "go: %s", msg ? msg : "cannot save");
			free(msg);
			go_state_free(st);
			return -1;
		}
		if (project_build(app->project, app->loop, app->bus, &(struct build_opts){ 0 }, go_built, st, &msg) < 0) {
			cmd_error(ctx, "go: %s", msg ? msg : "cannot build");
			free(msg);
			go_state_free(st);
			return -1;
		}
		return CMD_PENDING;
	}
	if (err < 0) {
		cmd_error(ctx, "go: %s", msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	free(msg);
	if (dbg_state(app->dbg) == DBG_RUNNING) {
		app->pending.waits_for_stop = true;
		return CMD_PENDING;
	}
	return 0;
}

const struct cmd_entry cmd_go_entry = {
	.name = "go",
	.usage = "[LOCATION]",
	.help = "Continue, or build if needed and start the program; with LOCATION, run to it (run to cursor)",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_go,
};

/* F10 and F11: next and step; with nothing running, build if needed and
 * start, stopping at the beginning of main (VC6's Step Over and Step
 * Into). The table's own next and step run, so edits are applied first. */
static int cmd_vc_step(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry *e = strcmp(ctx->entry->name, "step-into") == 0 ? &cmd_step_entry : &cmd_next_entry;
	struct cmd_ctx sub = *ctx;
	char *args[] = { (char *)e->name, NULL };
	int rc;

	if (dbg_state(ctx->app->dbg) == DBG_IDLE) {
		char *go[] = { "go", "main", NULL };

		return cmd_go(ctx, 2, go);
	}
	sub.entry = e;
	sub.error = NULL;
	rc = e->exec(&sub, 1, args);
	free(ctx->error);
	ctx->error = sub.error;
	return rc;
}

const struct cmd_entry cmd_step_over_entry = {
	.name = "step-over",
	.usage = "",
	.help = "next; with no program running, build if needed, start and stop at main (F10)",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_vc_step,
};

const struct cmd_entry cmd_step_into_entry = {
	.name = "step-into",
	.usage = "",
	.help = "step; with no program running, build if needed, start and stop at main (F11)",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_vc_step,
};

/* True when a and b name the same file. */
static bool same_file(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (!a || !b)
		return false;
	if (strcmp(a, b) == 0)
		return true;
	return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

static int cmd_break_toggle(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	const struct dbg_bp_info *list;
	char location[PATH_MAX + 32], file[PATH_MAX + 32], *msg = NULL, *colon;
	long line = 0;
	size_t n;
	int id, err;

	if (argc > 1) {
		snprintf(location, sizeof(location), "%s", argv[1]);
	} else if (app->view.buf) {
		snprintf(location, sizeof(location), "%s:%zu", buf_path(app->view.buf), app->view.line);
	} else {
		return cmd_error(ctx, "break-toggle: where? (FILE:LINE, or open a file)");
	}
	/* No program yet (nothing built) is fine: the breakpoint waits. */
	if ((err = debug_program(app, &msg)) < 0 && err != -ENOENT) {
		cmd_error(ctx, "break-toggle: %s", msg ? msg : "no program");
		free(msg);
		return -1;
	}
	free(msg);
	msg = NULL;
	/* FILE:LINE: an existing breakpoint there (as asked or as resolved) goes. */
	snprintf(file, sizeof(file), "%s", location);
	colon = strrchr(file, ':');
	if (colon) {
		*colon = '\0';
		line = strtol(colon + 1, NULL, 10);
	}
	n = dbg_break_list(app->dbg, &list);
	for (size_t i = 0; i < n; i++) {
		bool here = strcmp(list[i].location, location) == 0 ||
			    (colon && line > 0 && list[i].line == line && same_file(list[i].file, file));

		if (!here)
			continue;
		id = list[i].id;
		if (dbg_break_delete(app->dbg, id, &msg) < 0) {
			cmd_error(ctx, "break-toggle: %s", msg ? msg : "cannot delete");
			free(msg);
			return -1;
		}
		cmd_print(ctx, "Deleted breakpoint %d", id);
		return 0;
	}
	if ((err = dbg_break(app->dbg, location, false, &id, &msg)) < 0) {
		cmd_error(ctx, "break-toggle: %s", msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	app_breakpoint_anchor(app, id);
	n = dbg_break_list(app->dbg, &list);
	for (size_t i = 0; i < n; i++)
		if (list[i].id == id)
			cmd_print(ctx, "Breakpoint %d at %s:%d", id, list[i].file ? list[i].file : location, list[i].line);
	return 0;
}

const struct cmd_entry cmd_break_toggle_entry = {
	.name = "break-toggle",
	.usage = "[FILE:LINE]",
	.help = "Set a breakpoint on the line (default: the cursor's), or delete the one there",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_break_toggle,
};

/* Prints display n (1-based) the way gdb does: "N: EXPR = VALUE". */
static void display_show(struct cmd_ctx *ctx, size_t n)
{
	const char *expr = ctx->app->displays[n - 1];
	char *value = NULL, *msg = NULL;

	if (dbg_eval(ctx->app->dbg, expr, &value, &msg) == 0)
		cmd_print(ctx, "%zu: %s = %s", n, expr, value);
	else
		cmd_print(ctx, "%zu: %s = <%s>", n, expr, msg ? msg : "error");
	free(value);
	free(msg);
}

static int cmd_display(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	size_t len = 1;
	char *expr, **v;

	if (argc == 1) {
		for (size_t i = 0; i < app->ndisplays; i++)
			display_show(ctx, i + 1);
		return 0;
	}
	for (int i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	expr = calloc(1, len);
	v = realloc(app->displays, (app->ndisplays + 1) * sizeof(*v));
	if (!expr || !v) {
		free(expr);
		if (v)
			app->displays = v;
		return cmd_error(ctx, "display: out of memory");
	}
	for (int i = 1; i < argc; i++) {
		strcat(expr, argv[i]);
		if (i + 1 < argc)
			strcat(expr, " ");
	}
	app->displays = v;
	v[app->ndisplays++] = expr;
	display_show(ctx, app->ndisplays);
	return 0;
}

const struct cmd_entry cmd_display_entry = {
	.name = "display",
	.usage = "[EXPRESSION]",
	.help = "Add EXPRESSION to the watch list (shown at every stop); without it, print the list",
	.min_args = 0,
	.max_args = -1,
	.exec = cmd_display,
};

void display_release(struct app *app)
{
	for (size_t i = 0; i < app->ndisplays; i++)
		free(app->displays[i]);
	free(app->displays);
	app->displays = NULL;
	app->ndisplays = 0;
}

static int cmd_undisplay(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	char *end;
	long n;

	if (argc == 1) {
		display_release(app);
		return 0;
	}
	n = strtol(argv[1], &end, 10);
	if (*end || n < 1 || (size_t)n > app->ndisplays)
		return cmd_error(ctx, "undisplay: '%s' is not a watch number (1 to %zu)", argv[1], app->ndisplays);
	free(app->displays[n - 1]);
	memmove(&app->displays[n - 1], &app->displays[n], (app->ndisplays - (size_t)n) * sizeof(*app->displays));
	app->ndisplays--;
	return 0;
}

const struct cmd_entry cmd_undisplay_entry = {
	.name = "undisplay",
	.usage = "[N]",
	.help = "Remove watch N from the watch list (all without N)",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_undisplay,
};
