/* The debugger's commands, named as gdb names them: run, start, continue,
 * next, step, finish, until, jump, stepi, nexti, break, tbreak, delete
 * breakpoints, disable, enable, condition, ignore, bt, frame, up, down,
 * threads, thread, attach, detach, kill, interrupt, file, print, locals,
 * watch, rwatch, awatch. Resuming commands are pending until the program
 * stops or exits, so scripts wait for them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/cmd-int.h"
#include "build/build.h"
#include "debugger/debugger.h"
#include "editor/editor.h"

/* Line `line` of the file at path, without its newline, into buf. */
static bool source_line(const char *path, int line, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return false;
	while (fgets(buf, (int)size, f)) {
		size_t len = strlen(buf);
		bool whole = len > 0 && buf[len - 1] == '\n';

		if (whole)
			n++;
		if (n == line || (!whole && n + 1 == line && feof(f))) {
			buf[strcspn(buf, "\n")] = '\0';
			fclose(f);
			return true;
		}
	}
	fclose(f);
	return false;
}

/* The text of the line a frame shows: a superseded frame's is in its
 * generation's source (the snapshot store), any other's in the text the
 * user sees now (the open buffer, else the file). */
static bool frame_source_line(struct app *app, const char *file, unsigned generation, bool superseded, int line,
			      char *buf, size_t size)
{
	char a[4096], b[4096];

	if (!file || line <= 0)
		return false;
	if (superseded)
		return app_generation_line(app, file, generation, line, buf, size);
	for (size_t i = 0; realpath(file, a) && i < app->nbufs; i++) {
		size_t start, end, n;

		if (!realpath(buf_path(app->bufs[i]), b) || strcmp(a, b) != 0)
			continue;
		if (!buf_line_span(app->bufs[i], (size_t)line, &start, &end))
			return false;
		n = buf_read(app->bufs[i], start, end - start < size - 1 ? end - start : size - 1, buf);
		buf[n] = '\0';
		return true;
	}
	return source_line(file, line, buf, size);
}

/* Says where the program stopped, or how it ended, the way gdb does. */
static void describe(struct app *app, const struct bus_event *ev)
{
	char head[512], text[1024], src[512];

	if (ev->type == EV_INFERIOR_EXITED) {
		const struct ev_inferior_exited *e = ev->payload;

		if (e->signal)
			snprintf(text, sizeof(text), "[process %lld killed by %s]", (long long)e->pid, e->signal);
		else if (e->status)
			snprintf(text, sizeof(text), "[process %lld exited with code %lld]", (long long)e->pid,
				 (long long)e->status);
		else
			snprintf(text, sizeof(text), "[process %lld exited normally]", (long long)e->pid);
		bus_emit_message(app->bus, &(struct ev_message){ .level = "info", .text = text });
		return;
	}
	{
		const struct ev_inferior_stopped *e = ev->payload;
		char where[400], *args = NULL;
		struct dbg_frame *top = NULL;

		/* gdb's "add (x=0, y=0) at loop.c:16": the arguments of frame 0 */
		if (e->file && dbg_backtrace(app->dbg, 2, &top) > 0 && dbg_frame_args(app->dbg, &top[0], true, &args) < 0)
			args = NULL;
		free(top);
		if (e->file)
			snprintf(where, sizeof(where), "%s (%s) at %s:%lld", e->function ? e->function : "??",
				 args ? args : "", e->file, (long long)e->line);
		else
			snprintf(where, sizeof(where), "0x%016llx in %s ()", (unsigned long long)e->pc,
				 e->function ? e->function : "??");
		free(args);
		if (e->breakpoint > 0 && strcmp(e->reason, "watchpoint") != 0)
			snprintf(head, sizeof(head), "Breakpoint %lld, %s", (long long)e->breakpoint, where);
		else if (e->signal)
			snprintf(head, sizeof(head), "Program received %s, %s", e->signal, where);
		else
			snprintf(head, sizeof(head), "%s", where);
		bus_emit_message(app->bus, &(struct ev_message){ .level = "info", .text = head });
		if (e->file && frame_source_line(app, e->file, (unsigned)e->generation, e->superseded, (int)e->line, src,
						 sizeof(src))) {
			snprintf(text, sizeof(text), "%lld\t%s", (long long)e->line, src);
			bus_emit_message(app->bus, &(struct ev_message){ .level = "info", .text = text });
		}
	}
}

/* A `finish` under way: the function whose return value to show when the
 * program stops at its return address (one session per process). */
static struct {
	bool active;      /* a finish is running */
	uint64_t func_pc; /* an address inside the function being finished */
} finishing;

static void show_return_value(struct app *app, const struct bus_event *ev);

/* Resuming commands wait for the stop (or the exit) they cause. */
static void on_stop(const struct bus_event *ev, void *arg)
{
	struct app *app = arg;

	describe(app, ev);
	show_return_value(app, ev);
	if (app->pending.active && app->pending.waits_for_stop)
		cmd_finish(app, 0, NULL);
}

int debug_attach(struct app *app)
{
	app->dbg = dbg_new(app->loop, app->bus);
	if (!app->dbg)
		return -ENOMEM;
	if (bus_subscribe(app->bus, EV_INFERIOR_STOPPED, on_stop, app) < 0 ||
	    bus_subscribe(app->bus, EV_INFERIOR_EXITED, on_stop, app) < 0)
		return -ENOMEM;
	dbg_set_condition_evaluator(app->dbg, dbg_eval_condition, NULL);
	return 0;
}

void debug_detach(struct app *app)
{
	dbg_free(app->dbg);
	app->dbg = NULL;
}

/* After a resuming call: pending while the program runs, unless it was
 * sent to the background (gdb's `run &`, `continue &`). */
static int resumed_bg(struct cmd_ctx *ctx, int err, char *msg, bool background)
{
	if (err < 0) {
		cmd_error(ctx, "%s: %s", ctx->entry->name, msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	free(msg);
	if (dbg_state(ctx->app->dbg) == DBG_RUNNING && !background) {
		ctx->app->pending.waits_for_stop = true;
		return CMD_PENDING;
	}
	return 0; /* it stopped (or ended) already, or runs on in the background */
}

/* True when the last argument is "&" (run in the background). */
static bool background(int argc, char **argv)
{
	return argc > 1 && strcmp(argv[argc - 1], "&") == 0;
}

/* After a resuming call: pending while the program runs. */
static int resumed(struct cmd_ctx *ctx, int err, char *msg)
{
	return resumed_bg(ctx, err, msg, false);
}

/* The program file as its symbols were read: a build (a relink after Edit
 * and Continue) that rewrote it makes them stale. */
static struct {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
} program_read;

static void program_stat(const char *path, bool record, bool *changed)
{
	struct stat st;

	if (!path || stat(path, &st) < 0)
		return;
	if (changed)
		*changed = st.st_dev != program_read.dev || st.st_ino != program_read.ino ||
			   st.st_size != program_read.size || st.st_mtim.tv_sec != program_read.mtime.tv_sec ||
			   st.st_mtim.tv_nsec != program_read.mtime.tv_nsec;
	if (record) {
		program_read.dev = st.st_dev;
		program_read.ino = st.st_ino;
		program_read.size = st.st_size;
		program_read.mtime = st.st_mtim;
	}
}

/* libtool's wrapper script of an uninstalled program (its first lines
 * say so): NULL, or its text (owned). */
static char *libtool_wrapper(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	text = malloc(65536);
	if (text)
		len = fread(text, 1, 65535, f);
	fclose(f);
	if (!text || len < 2 || text[0] != '#' || text[1] != '!' || !memmem(text, len, "libtool", 7)) {
		free(text);
		return NULL;
	}
	text[len] = '\0';
	return text;
}

/* An uninstalled libtool program (autotools with shared libraries): the
 * build tree has a wrapper script NAME that runs .libs/NAME (or
 * .libs/lt-NAME) with the project's library directories first in
 * LD_LIBRARY_PATH, or the system's installed copies would be loaded. path
 * is either; *real gets the program to run (owned; NULL: path itself) and
 * *dirs the directories (owned), when path is one. */
static void libtool_program(const char *path, char **real, char **dirs)
{
	char *copy = strdup(path), *slash, *wrapper = NULL, *text = NULL, *at, *end;
	const char *name;

	*real = *dirs = NULL;
	if (!copy || !(slash = strrchr(copy, '/')))
		goto out;
	*slash = '\0';
	name = slash + 1;
	if ((text = libtool_wrapper(path))) {
		/* The wrapper itself: the program is in .libs beside it. */
		if (asprintf(real, "%s/.libs/lt-%s", copy, name) >= 0 && access(*real, X_OK) != 0) {
			free(*real);
			if (asprintf(real, "%s/.libs/%s", copy, name) < 0)
				*real = NULL;
		}
	} else {
		const char *dir = strrchr(copy, '/') ? strrchr(copy, '/') + 1 : copy;

		if (strcmp(dir, ".libs") != 0)
			goto out;
		if (strncmp(name, "lt-", 3) == 0)
			name += 3;
		if (asprintf(&wrapper, "%.*s/%s", (int)(dir - copy - 1 > 0 ? dir - copy - 1 : 0), copy, name) < 0 ||
		    !(text = libtool_wrapper(wrapper)))
			goto out;
	}
	/* LD_LIBRARY_PATH="/src/.libs:$LD_LIBRARY_PATH" */
	if ((at = strstr(text, "LD_LIBRARY_PATH=\"")) && (end = strchr(at += 17, '"'))) {
		char *tail = memmem(at, (size_t)(end - at), ":$LD_LIBRARY_PATH", 17);

		*dirs = strndup(at, (size_t)((tail ? tail : end) - at));
	}
out:
	free(copy);
	free(wrapper);
	free(text);
}

/* Sets the program to debug: path, or the program libtool's wrapper at
 * path runs, with its library directories. */
static int program_set(struct app *app, const char *path, char **errmsg)
{
	char *real = NULL, *dirs = NULL;
	int err;

	libtool_program(path, &real, &dirs);
	err = dbg_set_program(app->dbg, real ? real : path, errmsg);
	if (err == 0)
		err = dbg_set_library_path(app->dbg, dirs);
	free(real);
	free(dirs);
	return err;
}

int debug_program(struct app *app, char **errmsg)
{
	const char *name, *target = NULL;
	char *msg = NULL;
	int err;

	*errmsg = NULL;
	/* A project built in an earlier session: its records name the target
	 * (what a failed load leaves is the same "no program" as before). */
	if (app->project && !dbg_program(app->dbg) && !project_tu_count(app->project) &&
	    !project_target_count(app->project) && !project_building(app->project) &&
	    project_load(app->project, &msg) < 0) {
		free(msg);
		msg = NULL;
	}
	name = app->project ? project_target(app->project) : NULL;
	for (size_t i = 0; name && i < project_target_count(app->project); i++)
		if (strcmp(project_target_name(app->project, i), name) == 0)
			target = project_target_path(app->project, i);

	if (dbg_program(app->dbg)) {
		bool changed = false;
		char *path;

		program_stat(dbg_program(app->dbg), false, &changed);
		if (!changed || dbg_pid(app->dbg) > 0)
			return 0;
		/* Rebuilt since its symbols were read: read them again. */
		path = strdup(dbg_program(app->dbg));
		err = path ? program_set(app, path, errmsg) : -ENOMEM;
		if (err == 0)
			program_stat(path, true, NULL);
		free(path);
		return err;
	}
	/* The project's built target, when there is one. */
	if (target && access(target, X_OK) == 0) {
		if ((err = program_set(app, target, &msg)) == 0) {
			program_stat(target, true, NULL);
			return 0;
		}
		*errmsg = msg ? msg : strdup("cannot debug the target");
		return err;
	}
	*errmsg = strdup("no program to debug (use 'build', or 'file PROGRAM')");
	return -ENOENT;
}

/* The program: set by `file`, else the project's built target. */
static int ensure_program(struct cmd_ctx *ctx)
{
	char *msg = NULL;

	if (debug_program(ctx->app, &msg) == 0)
		return 0;
	cmd_error(ctx, "%s: %s", ctx->entry->name, msg ? msg : "no program");
	free(msg);
	return -1;
}

static int cmd_file(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	char *path = NULL, *msg = NULL;
	int err;

	if (argv[1][0] != '/' && app->project && asprintf(&path, "%s/%s", project_dir(app->project), argv[1]) < 0)
		return cmd_error(ctx, "file: out of memory");
	err = program_set(app, path ? path : argv[1], &msg);
	free(path);
	if (err < 0) {
		cmd_error(ctx, "file: %s", msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	cmd_print(ctx, "debugging %s", dbg_program(app->dbg));
	return 0;
}

const struct cmd_entry cmd_file_entry = {
	.name = "file",
	.usage = "PROGRAM",
	.help = "Debug PROGRAM (an executable with debug information)",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_file,
};

/* gdb's run redirections among args: "< in", "> out", ">> out", "2> err",
 * "2>> err" (the file attached or the next word; a relative one in the
 * project). They are set for the run and taken out of args
 * (NULL-terminated, in place). 0, or -1 after cmd_error (a redirection
 * without its file). */
static int run_redirections(struct cmd_ctx *ctx, char **args)
{
	static const char *const ops[] = { "2>>", "2>", ">>", ">", "<" };
	const char *file[3] = { NULL }, *op;
	bool append[3] = { false };
	size_t j = 0;

	for (size_t i = 0; args[i]; i++) {
		size_t k = 0, len;
		int fd;

		while (k < 5 && strncmp(args[i], ops[k], strlen(ops[k])) != 0)
			k++;
		if (k == 5) {
			args[j++] = args[i];
			continue;
		}
		op = ops[k];
		len = strlen(op);
		fd = op[0] == '<' ? 0 : op[0] == '2' ? 2 : 1;
		if (args[i][len]) {
			file[fd] = args[i] + len;
		} else if (args[i + 1]) {
			file[fd] = args[++i];
		} else {
			return cmd_error(ctx, "%s: '%s' without a file", ctx->entry->name, op);
		}
		append[fd] = strstr(op, ">>") != NULL;
	}
	args[j] = NULL;
	/* A relative name is the project's file (VS's working directory). */
	{
		char *abs[3] = { NULL };
		int err = 0;

		for (int fd = 0; fd < 3 && err == 0; fd++)
			if (file[fd] && file[fd][0] != '/' && ctx->app->project) {
				if (asprintf(&abs[fd], "%s/%s", project_dir(ctx->app->project), file[fd]) < 0)
					err = -ENOMEM;
				else
					file[fd] = abs[fd];
			}
		if (err == 0)
			err = dbg_set_redirect(ctx->app->dbg, file[0], file[1], append[1], file[2], append[2]);
		for (int fd = 0; fd < 3; fd++)
			free(abs[fd]);
		if (err < 0)
			return cmd_error(ctx, "%s: out of memory", ctx->entry->name);
	}
	return 0;
}

static int cmd_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *msg = NULL, **args = calloc((size_t)argc + 1, sizeof(*args));
	bool bg = background(argc, argv);
	int err;

	if (!args)
		return cmd_error(ctx, "%s: out of memory", ctx->entry->name);
	for (int i = 1; i < argc - (bg ? 1 : 0); i++)
		args[i - 1] = argv[i];
	if (run_redirections(ctx, args) < 0) {
		free(args);
		return -1;
	}
	if (ctx->app->project && project_building(ctx->app->project) && dbg_pid(ctx->app->dbg) <= 0) {
		err = go_after_build_run(ctx, args, strcmp(ctx->entry->name, "start") == 0, bg);
		free(args);
		return err;
	}
	if (ensure_program(ctx) < 0) {
		free(args);
		return -1;
	}
	err = dbg_run(ctx->app->dbg, args, strcmp(ctx->entry->name, "start") == 0, &msg);
	free(args);
	return resumed_bg(ctx, err, msg, bg);
}

const struct cmd_entry cmd_run_entry = {
	.name = "run",
	.alias = "r",
	.usage = "[ARGS...] [< IN] [> OUT] [2> ERR] [&]",
	.help = "Start the program (with ARGS, input and output redirected as in a shell) under the debugger "
		"(& : without waiting for it to stop)",
	.min_args = 0,
	.max_args = -1,
	.exec = cmd_run,
};

const struct cmd_entry cmd_start_entry = {
	.name = "start",
	.usage = "[ARGS...]",
	.help = "Start the program and stop at the beginning of main",
	.min_args = 0,
	.max_args = -1,
	.exec = cmd_run,
};

static int cmd_continue(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *msg = NULL;
	int err;

	if (enc_apply_first(ctx) < 0)
		return -1;
	err = dbg_continue(ctx->app->dbg, &msg);

	return resumed_bg(ctx, err, msg, background(argc, argv));
}

const struct cmd_entry cmd_continue_entry = {
	.name = "continue",
	.alias = "c",
	.usage = "[&]",
	.help = "Let the program run until a breakpoint, a signal or its end (& : without waiting)",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_continue,
};

/* next, step, stepi, nexti, finish: told apart by name. */
static int cmd_step(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *name = ctx->entry->name;
	enum dbg_step how = strcmp(name, "next") == 0 ? DBG_STEP_OVER
			  : strcmp(name, "step") == 0 ? DBG_STEP_INTO
			  : strcmp(name, "stepi") == 0 ? DBG_STEP_INSN
			  : strcmp(name, "nexti") == 0 ? DBG_STEP_INSN_OVER : DBG_STEP_OUT;
	char *msg = NULL;
	int err;

	/* Source-level steps apply unapplied edits first (VC6's "debug
	 * commands invoke Edit and Continue"); stepi and nexti do not. */
	if (how == DBG_STEP_OVER || how == DBG_STEP_INTO) {
		int applied = enc_apply_first(ctx);

		if (applied < 0)
			return -1;
		/* The point of execution moved off a deleted line: that is the
		 * step (the deleted statement never runs). */
		if (applied == 1)
			return dbg_report(ctx->app->dbg, "step") < 0 ? cmd_error(ctx, "%s: not stopped", ctx->entry->name) : 0;
	}
	err = dbg_step(ctx->app->dbg, how, &msg);
	return resumed(ctx, err, msg);
}

const struct cmd_entry cmd_next_entry = {
	.name = "next",
	.alias = "n",
	.usage = "",
	.help = "Run to the next line of this function, calls included",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_step,
};

const struct cmd_entry cmd_step_entry = {
	.name = "step",
	.alias = "s",
	.usage = "",
	.help = "Run to the next line, entering functions that have source",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_step,
};

const struct cmd_entry cmd_stepi_entry = {
	.name = "stepi",
	.alias = "si",
	.usage = "",
	.help = "Run one machine instruction",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_step,
};

const struct cmd_entry cmd_nexti_entry = {
	.name = "nexti",
	.alias = "ni",
	.usage = "",
	.help = "Run one machine instruction, a call as one",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_step,
};

static int cmd_finish_frame(struct cmd_ctx *ctx, int argc, char **argv);

const struct cmd_entry cmd_finish_entry = {
	.name = "finish",
	.alias = "fin",
	.usage = "",
	.help = "Run until the selected frame returns, and show the value it returns",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_finish_frame,
};

static int cmd_until(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *msg = NULL;
	int err;

	if (enc_apply_first(ctx) < 0)
		return -1;
	err = argc == 1 ? dbg_step(ctx->app->dbg, DBG_STEP_OVER, &msg) : dbg_until(ctx->app->dbg, argv[1], &msg);

	return resumed(ctx, err, msg);
}

const struct cmd_entry cmd_until_entry = {
	.name = "until",
	.alias = "u",
	.usage = "[[FILE:]LINE]",
	.help = "Run to LINE (or until the current frame returns); without LINE, like next",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_until,
};

static int cmd_jump(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *msg = NULL;
	int err = dbg_jump(ctx->app->dbg, argv[1], &msg);

	if (err < 0) {
		cmd_error(ctx, "%s", msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	return 0;
}

const struct cmd_entry cmd_jump_entry = {
	.name = "jump",
	.alias = "j",
	.usage = "[FILE:]LINE",
	.help = "Set the next statement: move execution to LINE of the current function (it stays stopped)",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_jump,
};

static int cmd_break(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	bool temporary = strcmp(ctx->entry->name, "tbreak") == 0;
	char *msg = NULL, location[512];
	int id, err;

	/* No program yet (nothing built) is fine: the breakpoint waits. */
	if ((err = debug_program(app, &msg)) < 0 && err != -ENOENT) {
		cmd_error(ctx, "%s: %s", ctx->entry->name, msg ? msg : "no program");
		free(msg);
		return -1;
	}
	free(msg);
	msg = NULL;
	if (argc == 1) {
		/* The line under the cursor, like a click in the gutter. */
		if (!app->view.buf)
			return cmd_error(ctx, "%s: where? (FILE:LINE, LINE, FUNCTION or *ADDRESS)", ctx->entry->name);
		snprintf(location, sizeof(location), "%s:%zu", buf_path(app->view.buf), app->view.line);
	} else {
		snprintf(location, sizeof(location), "%s", argv[1]);
	}
	err = dbg_break(app->dbg, location, temporary, &id, &msg);
	if (err < 0) {
		cmd_error(ctx, "%s: %s", ctx->entry->name, msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	app_breakpoint_anchor(app, id);
	if (argc == 3) {
		if (strcmp(argv[2], "if") != 0)
			return cmd_error(ctx, "%s: expected 'if CONDITION' after the location", ctx->entry->name);
	} else if (argc > 3) {
		char *cond = NULL;
		size_t len = 0;

		if (strcmp(argv[2], "if") != 0)
			return cmd_error(ctx, "%s: expected 'if CONDITION' after the location", ctx->entry->name);
		for (int i = 3; i < argc; i++)
			len += strlen(argv[i]) + 1;
		cond = calloc(1, len);
		for (int i = 3; cond && i < argc; i++) {
			strcat(cond, argv[i]);
			if (i + 1 < argc)
				strcat(cond, " ");
		}
		if (!cond || dbg_break_condition(app->dbg, id, cond, NULL) < 0) {
			free(cond);
			return cmd_error(ctx, "%s: out of memory", ctx->entry->name);
		}
		free(cond);
	}
	{
		const struct dbg_bp_info *list;
		size_t n = dbg_break_list(app->dbg, &list);

		for (size_t i = 0; i < n; i++) {
			if (list[i].id != id)
				continue;
			if (!dbg_program(app->dbg))
				cmd_print(ctx, "%s %d at %s (set when the program runs: nothing is built yet)",
					  temporary ? "Temporary breakpoint" : "Breakpoint", id, list[i].location);
			else if (!list[i].file)
				cmd_print(ctx, "%s %d (%s) pending", temporary ? "Temporary breakpoint" : "Breakpoint",
					  id, list[i].location);
			else
				cmd_print(ctx, "%s %d at %s:%d%s", temporary ? "Temporary breakpoint" : "Breakpoint",
					  id, list[i].file ? list[i].file : list[i].location, list[i].line,
					  dbg_pid(app->dbg) > 0 ? "" : " (set when the program runs)");
		}
	}
	return 0;
}

const struct cmd_entry cmd_break_entry = {
	.name = "break",
	.alias = "b",
	.usage = "[LOCATION [if CONDITION]]",
	.help = "Stop at LOCATION: FILE:LINE, LINE, FUNCTION or *ADDRESS (default: the cursor's line)",
	.min_args = 0,
	.max_args = -1,
	.exec = cmd_break,
};

const struct cmd_entry cmd_tbreak_entry = {
	.name = "tbreak",
	.usage = "[LOCATION [if CONDITION]]",
	.help = "Like break, but the breakpoint is deleted when first hit",
	.min_args = 0,
	.max_args = -1,
	.exec = cmd_break,
};

static int parse_id(struct cmd_ctx *ctx, const char *s, int *id)
{
	char *end;
	long v = strtol(s, &end, 10);

	*id = 0;
	if (*end || v <= 0)
		return cmd_error(ctx, "%s: '%s' is not a breakpoint number", ctx->entry->name, s);
	*id = (int)v;
	return 0;
}

/* delete breakpoints [N...], disable [N...], enable [N...]. */
static int bp_each(struct cmd_ctx *ctx, int argc, char **argv, int first)
{
	struct app *app = ctx->app;
	const char *name = ctx->entry->name;
	char *msg = NULL;
	int id, err = 0;

	if (argc <= first) {
		/* No numbers: all of them. */
		const struct dbg_bp_info *list;
		size_t n = dbg_break_list(app->dbg, &list);
		int *ids = calloc(n ? n : 1, sizeof(*ids));

		for (size_t i = 0; ids && i < n; i++)
			ids[i] = list[i].id;
		for (size_t i = 0; ids && i < n && err == 0; i++)
			err = strcmp(name, "delete") == 0 ? dbg_break_delete(app->dbg, ids[i], &msg)
							  : dbg_break_enable(app->dbg, ids[i], strcmp(name, "enable") == 0, &msg);
		free(ids);
		if (strcmp(name, "delete") == 0 && err == 0) {
			int wids[DBG_WATCH_MAX];
			size_t nw = dbg_watch_list(app->dbg, wids);

			for (size_t i = 0; i < nw && err == 0; i++)
				err = dbg_watch_delete(app->dbg, wids[i], &msg);
		}
	}
	for (int i = first; i < argc && err == 0; i++) {
		if (parse_id(ctx, argv[i], &id) < 0)
			return -1;
		err = strcmp(name, "delete") == 0 ? dbg_break_delete(app->dbg, id, &msg)
						  : dbg_break_enable(app->dbg, id, strcmp(name, "enable") == 0, &msg);
		if (err == -ENOENT && strcmp(name, "delete") == 0) {
			/* Watchpoints share the numbers. */
			free(msg);
			msg = NULL;
			err = dbg_watch_delete(app->dbg, id, &msg);
		}
	}
	if (err < 0) {
		cmd_error(ctx, "%s: %s", name, msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	return 0;
}

int cmd_delete_breakpoints(struct cmd_ctx *ctx, int argc, char **argv)
{
	return bp_each(ctx, argc, argv, 2);
}

static int cmd_enable(struct cmd_ctx *ctx, int argc, char **argv)
{
	return bp_each(ctx, argc, argv, 1);
}

const struct cmd_entry cmd_enable_entry = {
	.name = "enable",
	.usage = "[N...]",
	.help = "Enable breakpoints N (all without N)",
	.min_args = 0,
	.max_args = -1,
	.exec = cmd_enable,
};

const struct cmd_entry cmd_disable_entry = {
	.name = "disable",
	.usage = "[N...]",
	.help = "Disable breakpoints N (all without N)",
	.min_args = 0,
	.max_args = -1,
	.exec = cmd_enable,
};

static int cmd_condition(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *msg = NULL, *cond = NULL;
	size_t len = 1;
	int id, err;

	if (parse_id(ctx, argv[1], &id) < 0)
		return -1;
	for (int i = 2; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if (argc > 2) {
		cond = calloc(1, len);
		for (int i = 2; cond && i < argc; i++) {
			strcat(cond, argv[i]);
			if (i + 1 < argc)
				strcat(cond, " ");
		}
	}
	err = dbg_break_condition(ctx->app->dbg, id, cond, &msg);
	free(cond);
	if (err < 0) {
		cmd_error(ctx, "condition: %s", msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	return 0;
}

const struct cmd_entry cmd_condition_entry = {
	.name = "condition",
	.usage = "N [EXPRESSION]",
	.help = "Stop at breakpoint N only when EXPRESSION is true (none: always)",
	.min_args = 1,
	.max_args = -1,
	.exec = cmd_condition,
};

static int cmd_ignore(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *msg = NULL, *end;
	long count = strtol(argv[2], &end, 10);
	int id, err;

	if (parse_id(ctx, argv[1], &id) < 0)
		return -1;
	if (*end || count < 0)
		return cmd_error(ctx, "ignore: '%s' is not a count", argv[2]);
	err = dbg_break_ignore(ctx->app->dbg, id, (unsigned)count, &msg);
	if (err < 0) {
		cmd_error(ctx, "ignore: %s", msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	return 0;
}

const struct cmd_entry cmd_ignore_entry = {
	.name = "ignore",
	.usage = "N COUNT",
	.help = "Pass breakpoint N the next COUNT times it is hit",
	.min_args = 2,
	.max_args = 2,
	.exec = cmd_ignore,
};

/* Frame i as gdb's bt shows it, "#1  0x... in f (x=1) at file.c:12" (or
 * "from MODULE" without source), with Edit and Continue's marks: <updN>
 * after the function when the frame runs code updN replaced (its line is
 * then its generation's, and why it stays follows), [updN] after a line of
 * code generation N loaded. The caller frees the text. */
static char *frame_text(struct dbg *dbg, size_t i, const struct dbg_frame *f)
{
	char *args = NULL, *text = NULL, label[32] = "", gen[32] = "";
	int len;

	if (dbg_frame_args(dbg, f, i == 0, &args) < 0)
		args = NULL;
	if (f->superseded)
		snprintf(label, sizeof(label), " <upd%03u>", f->superseded);
	if (f->generation)
		snprintf(gen, sizeof(gen), " [upd%03u]", f->generation);
	if (f->file)
		len = asprintf(&text, "#%-2zu 0x%016llx in %s (%s)%s at %s:%d%s%s%s", i, (unsigned long long)f->pc,
			       f->function ? f->function : "??", args ? args : "", label, f->file, f->line, gen,
			       f->reason ? " -- " : "", f->reason ? f->reason : "");
	else
		len = asprintf(&text, "#%-2zu 0x%016llx in %s (%s)%s%s%s", i, (unsigned long long)f->pc,
			       f->function ? f->function : "??", args ? args : "", label, f->module ? " from " : "",
			       f->module ? f->module : "");
	free(args);
	return len < 0 ? NULL : text;
}

/* One line of bt; the selected frame is marked with '>'. */
static void print_frame(struct cmd_ctx *ctx, size_t i, const struct dbg_frame *f, bool selected)
{
	char *text = frame_text(ctx->app->dbg, i, f);

	cmd_print(ctx, "%s%s", selected ? ">" : " ", text ? text : "(out of memory)");
	free(text);
}

static int cmd_bt(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct dbg *dbg = ctx->app->dbg;
	struct dbg_frame *frames;
	size_t max = 100000;
	ssize_t n;

	if (argc == 2) {
		char *end;
		long v = strtol(argv[1], &end, 10);

		if (*end || v <= 0)
			return cmd_error(ctx, "bt: '%s' is not a number of frames", argv[1]);
		max = (size_t)v;
	}
	n = dbg_backtrace(dbg, max, &frames);
	if (n < 0)
		return cmd_error(ctx, "bt: the program is not stopped");
	for (ssize_t i = 0; i < n; i++)
		print_frame(ctx, (size_t)i, &frames[i], (size_t)i == dbg_selected_frame(dbg));
	free(frames);
	return 0;
}

const struct cmd_entry cmd_bt_entry = {
	.name = "bt",
	.alias = "backtrace",
	.usage = "[N]",
	.help = "Show the call stack of the current thread (N innermost frames)",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_bt,
};

/* frame [N], up [N], down [N]. */
static int cmd_frame(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct dbg *dbg = ctx->app->dbg;
	const char *name = ctx->entry->name;
	size_t cur = dbg_selected_frame(dbg), want = cur;
	struct dbg_frame *frames;
	char *msg = NULL;
	long v = strcmp(name, "frame") == 0 ? (long)cur : 1;
	ssize_t n;

	if (argc == 2) {
		char *end;

		v = strtol(argv[1], &end, 10);
		if (*end || v < 0)
			return cmd_error(ctx, "%s: '%s' is not a frame number", name, argv[1]);
	}
	if (strcmp(name, "frame") == 0)
		want = (size_t)v;
	else if (strcmp(name, "up") == 0)
		want = cur + (size_t)v;
	else
		want = (size_t)v > cur ? 0 : cur - (size_t)v;
	if (dbg_select_frame(dbg, want, &msg) < 0) {
		cmd_error(ctx, "%s: %s", name, msg ? msg : "no such frame");
		free(msg);
		return -1;
	}
	n = dbg_backtrace(dbg, want + 1, &frames);
	if (n > (ssize_t)want) {
		const struct dbg_frame *f = &frames[want];
		char src[512];

		print_frame(ctx, want, f, true);
		/* gdb's "LINE\tTEXT"; a superseded frame's from the source it runs. */
		if (frame_source_line(ctx->app, f->file, f->generation, f->superseded, f->line, src, sizeof(src)))
			cmd_print(ctx, "%d\t%s", f->line, src);
		else if (f->superseded && f->file)
			cmd_print(ctx, "%d\t(the source of this generation is not in the snapshot store)", f->line);
	}
	free(frames);
	return 0;
}

const struct cmd_entry cmd_frame_entry = {
	.name = "frame",
	.alias = "f",
	.usage = "[N]",
	.help = "Select frame N (0 is the innermost) and show it",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_frame,
};

const struct cmd_entry cmd_up_entry = {
	.name = "up",
	.usage = "[N]",
	.help = "Select the frame N calls out (the caller)",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_frame,
};

const struct cmd_entry cmd_down_entry = {
	.name = "down",
	.usage = "[N]",
	.help = "Select the frame N calls in (the callee)",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_frame,
};

/* The innermost frame of the current thread as gdb's thread lines show
 * it: "work (id=0) at threads.c:10" (caller frees). */
static char *where_text(struct dbg *dbg)
{
	struct dbg_frame *f = NULL;
	char *args = NULL, *text = NULL;
	ssize_t n = dbg_backtrace(dbg, 2, &f);
	int len = -1;

	if (n > 0 && dbg_frame_args(dbg, &f[0], true, &args) < 0)
		args = NULL;
	if (n > 0 && f[0].file)
		len = asprintf(&text, "%s (%s) at %s:%d", f[0].function ? f[0].function : "??", args ? args : "",
			       f[0].file, f[0].line);
	else if (n > 0)
		len = asprintf(&text, "0x%016llx in %s ()", (unsigned long long)f[0].pc,
			       f[0].function ? f[0].function : "??");
	free(args);
	free(f);
	return len < 0 ? NULL : text;
}

/* gdb's `info threads`: "* 1    LWP 4242  main () at loop.c:35". */
static int cmd_threads(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct dbg *dbg = ctx->app->dbg;
	struct dbg_thread_info *v;
	ssize_t n = dbg_threads(dbg, &v);
	pid_t current = dbg_current_thread(dbg);
	size_t frame = dbg_selected_frame(dbg);

	if (n < 0)
		return cmd_error(ctx, "threads: the program is not stopped");
	for (ssize_t i = 0; i < n; i++) {
		char *where;

		dbg_select_thread(dbg, v[i].tid, NULL);
		where = where_text(dbg);
		cmd_print(ctx, "%s %-4d LWP %d  %s", v[i].current ? "*" : " ", v[i].num, v[i].tid,
			  where ? where : "??");
		free(where);
	}
	/* back to the thread and frame the user had */
	dbg_select_thread(dbg, current, NULL);
	dbg_select_frame(dbg, frame, NULL);
	free(v);
	return 0;
}

const struct cmd_entry cmd_threads_entry = {
	.name = "threads",
	.usage = "",
	.help = "List the program's threads (gdb's numbers) and where each one is",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_threads,
};

/* thread N: gdb's thread number, as `threads` lists them. */
static int cmd_thread(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct dbg *dbg = ctx->app->dbg;
	struct dbg_thread_info *v;
	char *end, *where;
	long num = strtol(argv[1], &end, 10);
	pid_t tid = 0;
	ssize_t n;

	if (*end || num <= 0)
		return cmd_error(ctx, "thread: '%s' is not a thread number", argv[1]);
	n = dbg_threads(dbg, &v);
	if (n < 0)
		return cmd_error(ctx, "thread: the program is not stopped");
	for (ssize_t i = 0; i < n; i++)
		if (v[i].num == num)
			tid = v[i].tid;
	free(v);
	if (!tid)
		return cmd_error(ctx, "thread: no thread %ld (see `threads`)", num);
	dbg_select_thread(dbg, tid, NULL);
	where = where_text(dbg);
	cmd_print(ctx, "[Switching to thread %ld (LWP %d)]", num, tid);
	cmd_print(ctx, "#0  %s", where ? where : "??");
	free(where);
	return 0;
}

const struct cmd_entry cmd_thread_entry = {
	.name = "thread",
	.usage = "N",
	.help = "Make thread N (its number in `threads`) the one commands act on",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_thread,
};

static int cmd_attach(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *msg = NULL, *end;
	long pid = strtol(argv[1], &end, 10);
	int err;

	if (*end || pid <= 0)
		return cmd_error(ctx, "attach: '%s' is not a process id", argv[1]);
	err = dbg_attach(ctx->app->dbg, (pid_t)pid, &msg);
	if (err < 0) {
		cmd_error(ctx, "attach: %s", msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	return 0;
}

const struct cmd_entry cmd_attach_entry = {
	.name = "attach",
	.usage = "PID",
	.help = "Debug the running process PID (it stops)",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_attach,
};

/* detach, kill, interrupt: no arguments, one call each. */
static int cmd_process(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct dbg *dbg = ctx->app->dbg;
	const char *name = ctx->entry->name;
	char *msg = NULL;
	int err = strcmp(name, "detach") == 0 ? dbg_detach(dbg, &msg)
		: strcmp(name, "kill") == 0 ? dbg_kill(dbg, &msg) : dbg_interrupt(dbg, &msg);

	if (err < 0) {
		cmd_error(ctx, "%s: %s", name, msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	return 0;
}

const struct cmd_entry cmd_detach_entry = {
	.name = "detach",
	.usage = "",
	.help = "Let the program go on without the debugger",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_process,
};

const struct cmd_entry cmd_kill_entry = {
	.name = "kill",
	.alias = "k",
	.usage = "",
	.help = "Kill the program",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_process,
};

const struct cmd_entry cmd_interrupt_entry = {
	.name = "interrupt",
	.usage = "",
	.help = "Stop the running program (all threads)",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_process,
};

/* The words of a command after its name, joined by spaces: an expression. */
static char *joined(int argc, char **argv, int first)
{
	size_t len = 1;
	char *s;

	for (int i = first; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	for (int i = first; s && i < argc; i++) {
		strcat(s, argv[i]);
		if (i + 1 < argc)
			strcat(s, " ");
	}
	return s;
}

static int cmd_finish_frame(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct dbg *dbg = ctx->app->dbg;
	size_t sel;
	struct dbg_frame *frames;
	ssize_t n;
	char *msg = NULL;
	int err;

	if (enc_apply_first(ctx) < 0)
		return -1;
	sel = dbg_selected_frame(dbg);
	n = dbg_backtrace(dbg, sel + 2, &frames);

	finishing.active = false;
	if (n > (ssize_t)sel + 1) {
		/* gdb's "Run till exit from #0 ...", and what to show after. */
		char *text = frame_text(dbg, sel, &frames[sel]);

		cmd_print(ctx, "Run till exit from %s", text ? text : "(out of memory)");
		free(text);
		finishing.func_pc = sel == 0 ? frames[sel].pc : frames[sel].pc - 1;
	}
	free(frames);
	err = dbg_step(dbg, DBG_STEP_OUT, &msg);
	finishing.active = err == 0 && n > (ssize_t)sel + 1;
	return resumed(ctx, err, msg);
}

/* After a finish: "Value returned is $N = VALUE" when it stopped where the
 * function returned (not at a breakpoint on the way). */
static void show_return_value(struct app *app, const struct bus_event *ev)
{
	const struct ev_inferior_stopped *e = ev->payload;
	char *text = NULL, *msg = NULL, *line = NULL;
	int err;

	if (!finishing.active)
		return;
	finishing.active = false;
	if (ev->type != EV_INFERIOR_STOPPED || strcmp(e->reason, "step") != 0)
		return;
	err = dbg_return_value(app->dbg, finishing.func_pc, &text, &msg);
	if (err == 0 && asprintf(&line, "Value returned is $%u = %s", dbg_history_next(app->dbg), text) >= 0)
		bus_emit_message(app->bus, &(struct ev_message){ .level = "info", .text = line });
	else if (err < 0 && err != -ENODATA && asprintf(&line, "cannot show the returned value: %s",
							  msg ? msg : strerror(-err)) >= 0)
		bus_emit_message(app->bus, &(struct ev_message){ .level = "warning", .text = line });
	free(line);
	free(text);
	free(msg);
}

static int cmd_print_expr(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct dbg *dbg = ctx->app->dbg;
	char *expr = joined(argc, argv, 1), *text = NULL, *msg = NULL;
	int err;

	if (!expr)
		return cmd_error(ctx, "print: out of memory");
	err = dbg_eval(dbg, expr, &text, &msg);
	free(expr);
	if (err < 0) {
		cmd_error(ctx, "%s", msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	cmd_print(ctx, "$%u = %s", dbg_history_next(dbg), text);
	free(text);
	return 0;
}

const struct cmd_entry cmd_print_entry = {
	.name = "print",
	.alias = "p",
	.usage = "EXPRESSION",
	.help = "Show the value of a C expression in the selected frame (x = 5 assigns; quote "
		"'c' and \"s\" literals: print \"c == 'A'\")",
	.min_args = 1,
	.max_args = -1,
	.exec = cmd_print_expr,
};

/* locals and args: told apart by name. */
static int cmd_locals(struct cmd_ctx *ctx, int argc, char **argv)
{
	bool args = strcmp(ctx->entry->name, "args") == 0;
	char *text = NULL, *msg = NULL;
	int err = (args ? dbg_args : dbg_locals)(ctx->app->dbg, &text, &msg);

	if (err < 0) {
		cmd_error(ctx, "%s", msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	if (!*text)
		cmd_print(ctx, args ? "No arguments." : "No locals.");
	for (char *line = text, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		cmd_print(ctx, "%s", line);
		if (!nl)
			break;
	}
	free(text);
	return 0;
}

const struct cmd_entry cmd_locals_entry = {
	.name = "locals",
	.usage = "",
	.help = "Show the local variables of the selected frame, innermost block first (gdb's info locals)",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_locals,
};

const struct cmd_entry cmd_args_entry = {
	.name = "args",
	.usage = "",
	.help = "Show the arguments of the selected frame's function (gdb's info args)",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_locals,
};

/* watch, rwatch, awatch: told apart by name. */
static int cmd_watch(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *name = ctx->entry->name;
	enum dbg_watch_kind kind = name[0] == 'r' ? DBG_WATCH_READ : name[0] == 'a' ? DBG_WATCH_ACCESS
										     : DBG_WATCH_WRITE;
	char *expr = joined(argc, argv, 1), *msg = NULL;
	int id, err;

	if (!expr)
		return cmd_error(ctx, "%s: out of memory", name);
	err = dbg_watch(ctx->app->dbg, expr, kind, &id, &msg);
	if (err < 0) {
		free(expr);
		cmd_error(ctx, "%s: %s", name, msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	cmd_print(ctx, "Hardware %swatchpoint %d: %s",
		  kind == DBG_WATCH_READ ? "read " : kind == DBG_WATCH_ACCESS ? "access (read/write) " : "", id, expr);
	free(expr);
	return 0;
}

const struct cmd_entry cmd_watch_entry = {
	.name = "watch",
	.usage = "EXPRESSION",
	.help = "Stop when the program changes EXPRESSION (1, 2, 4 or 8 bytes; a debug register)",
	.min_args = 1,
	.max_args = -1,
	.exec = cmd_watch,
};

const struct cmd_entry cmd_rwatch_entry = {
	.name = "rwatch",
	.usage = "EXPRESSION",
	.help = "Stop when the program reads EXPRESSION (x86 also stops on writes)",
	.min_args = 1,
	.max_args = -1,
	.exec = cmd_watch,
};

const struct cmd_entry cmd_awatch_entry = {
	.name = "awatch",
	.usage = "EXPRESSION",
	.help = "Stop when the program reads or writes EXPRESSION",
	.min_args = 1,
	.max_args = -1,
	.exec = cmd_watch,
};
