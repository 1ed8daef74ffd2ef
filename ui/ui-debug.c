/* The debugger's panes: the call stack (frames that run code an apply
 * replaced are drawn in the theme's superseded colour with their <updNNN>
 * label), locals and the watch list as one expandable tree (structs,
 * arrays and pointers open with Enter), breakpoints, and threads. They are
 * read from the debugger only when it changed (a stop, a frame or thread
 * chosen, an apply), never on every draw, and choosing a frame or a stop
 * shows its source in the editor.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/state.h"

#include "ui/ui-int.h"

#define MAX_FRAMES 256
#define MAX_DEPTH 6  /* nesting shown in the locals tree */
#define MAX_CHILDREN 64

/* Frames running code a later generation replaced: the debugger says so
 * (dbg_frame.superseded, the generation that replaced it). */
static void frames_mark_old(struct ui *ui)
{
	for (size_t i = 0; i < ui->nframes; i++) {
		ui->frame_old[i] = ui->frames[i].superseded != 0;
		ui->frame_gen[i] = ui->frames[i].superseded;
	}
}

/* The old source's tab goes when no code of that run is left (the program
 * ended or started again): the view goes back to a file's own tab. */
static void old_source_close(struct ui *ui)
{
	struct app *app = ui->app;

	if (!ui->old_buf)
		return;
	if (app->view.buf == ui->old_buf) {
		app->view.buf = NULL;
		for (size_t i = 0; i < app->nbufs && ui->old_label; i++) {
			const char *b = strrchr(buf_path(app->bufs[i]), '/');

			if (b && strncmp(b + 1, ui->old_label, strlen(b + 1)) == 0 && ui->old_label[strlen(b + 1)] == ' ')
				ui_editor_show(ui, app->bufs[i]);
		}
		if (!app->view.buf && app->nbufs)
			ui_editor_show(ui, app->bufs[0]);
	}
	for (size_t i = 0; i < ui->nviews; i++)
		if (ui->views[i].buf == ui->old_buf)
			ui->views[i--] = ui->views[--ui->nviews];
	buf_free(ui->old_buf);
	ui->old_buf = NULL;
	free(ui->old_label);
	ui->old_label = NULL;
}

static void on_event(const struct bus_event *ev, void *arg)
{
	struct ui *ui = arg;

	ui->dirty = true;
	switch (ev->type) {
	case EV_INFERIOR_STARTED:
	case EV_INFERIOR_EXITED:
		old_source_close(ui);
		break;
	case EV_INFERIOR_STOPPED:
		ui->stops++;
		ui->follow = true;
		/* Typing into the program's terminal, and it stopped: the keys
		 * go to the source it stopped in (they would wait in its input). */
		if (ui->focus == PANE_OUTPUT)
			ui_focus(ui, PANE_EDITOR);
		break;
	case EV_FRAME_REMAPPED: {
		const struct ev_frame_remapped *e = ev->payload;

		/* VC6's notice: the line of the point of execution is gone. */
		if (e->moved) {
			ui->moved_from = (int)e->old_line;
			ui->moved_to = (int)e->new_line;
		}
		ui->stops++;
		break;
	}
	case EV_FRAME_SUPERSEDED:
	case EV_ENC_APPLIED:
	case EV_ENC_REJECTED:
		ui->stops++;
		break;
	case EV_COMMAND: {
		const struct ev_command *e = ev->payload;

		/* print x = 3, set var...: values may have changed. */
		if (e->source && strcmp(e->source, "key") != 0)
			ui->vars_stale = true;
		break;
	}
	default:
		break;
	}
}

int ui_debug_attach(struct ui *ui)
{
	static const enum bus_event_type types[] = { EV_INFERIOR_STARTED, EV_INFERIOR_STOPPED, EV_INFERIOR_EXITED,
						     EV_FRAME_SUPERSEDED, EV_FRAME_REMAPPED, EV_ENC_APPLIED,
						     EV_ENC_REJECTED, EV_BREAKPOINT_SET, EV_THREAD_NEW,
						     EV_THREAD_EXITED, EV_COMMAND };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (ui_subscribe(ui, types[i], on_event) < 0)
			return -ENOMEM;
	return 0;
}

static void vars_free(struct ui *ui)
{
	for (size_t i = 0; i < ui->nvars; i++) {
		free(ui->vars[i].name);
		free(ui->vars[i].expr);
		free(ui->vars[i].value);
	}
	free(ui->vars);
	ui->vars = NULL;
	ui->nvars = 0;
}

void ui_debug_free(struct ui *ui)
{
	old_source_close(ui);
	vars_free(ui);
	free(ui->frames);
	free(ui->frame_gen);
	free(ui->frame_old);
	free(ui->threads);
	free(ui->read_bufs);
	free(ui->read_versions);
	for (size_t i = 0; i < ui->nopen; i++)
		free(ui->open_exprs[i]);
	free(ui->open_exprs);
}

static bool is_open(const struct ui *ui, const char *expr)
{
	for (size_t i = 0; i < ui->nopen; i++)
		if (strcmp(ui->open_exprs[i], expr) == 0)
			return true;
	return false;
}

/* A value that has parts to show: a struct, union or array ({...}, not a
 * function's "{int (int)} 0x... <f>"), or a non-null pointer, written
 * "(T *) 0x..." by print and "0x..." by info locals and inside a struct. */
static bool can_open(const char *value)
{
	const char *h = value;

	if (value[0] == '{') {
		const char *close = strchr(value, '}');

		return !(close && strncmp(close, "} 0x", 4) == 0 && !strchr(value + 1, '='));
	}
	if (value[0] == '(' && (h = strstr(value, "*) 0x")))
		h += 3;
	if (strncmp(h, "0x", 2) != 0 || !h[2])
		return false;
	for (h += 2; *h == '0'; h++)
		;
	return *h && *h != ' ';
}

/* expr needs parentheses as the operand of . or [] ("*p" -> "(*p).x"). */
static bool needs_parens(const char *expr)
{
	return expr[0] == '*' || expr[0] == '&' || expr[0] == '(';
}

static void var_add(struct ui *ui, const char *name, const char *expr, const char *value, int depth, bool watch);

/* The top-level parts of a {...} value: "a = 1, b = {2, 3}" -> each part. */
static void add_parts(struct ui *ui, const char *expr, const char *value, int depth)
{
	const char *p = value + 1, *lp = needs_parens(expr) ? "(" : "", *rp = *lp ? ")" : "";
	int index = 0;

	while (*p && *p != '}' && index < MAX_CHILDREN) {
		const char *start, *eq = NULL;
		int nest = 0;
		bool quoted = false;
		char *part, *name, *sub;

		while (*p == ' ')
			p++;
		start = p;
		for (; *p && (nest > 0 || quoted || (*p != ',' && *p != '}')); p++) {
			if (*p == '"' && p[-1] != '\\')
				quoted = !quoted;
			else if (!quoted && (*p == '{' || *p == '('))
				nest++;
			else if (!quoted && (*p == '}' || *p == ')'))
				nest--;
			else if (!quoted && !nest && !eq && p[0] == ' ' && p[1] == '=' && p[2] == ' ')
				eq = p;
		}
		part = strndup(start, (size_t)(p - start));
		if (*p == ',')
			p++;
		if (!part)
			return;
		name = sub = NULL;
		if (eq && asprintf(&name, "%.*s", (int)(eq - start), start) >= 0 &&
		    asprintf(&sub, "%s%s%s.%s", lp, expr, rp, name) >= 0) {
			var_add(ui, name, sub, part + (eq - start) + 3, depth, false);
		} else if (!eq && asprintf(&name, "[%d]", index) >= 0 &&
			   asprintf(&sub, "%s%s%s[%d]", lp, expr, rp, index) >= 0) {
			var_add(ui, name, sub, part, depth, false);
		}
		free(name);
		free(sub);
		free(part);
		index++;
	}
}

/* Adds a row and, when the user opened it, its parts. */
static void var_add(struct ui *ui, const char *name, const char *expr, const char *value, int depth, bool watch)
{
	struct ui_var *v = realloc(ui->vars, (ui->nvars + 1) * sizeof(*v));

	if (!v)
		return;
	ui->vars = v;
	v = &ui->vars[ui->nvars];
	*v = (struct ui_var){ .name = strdup(name), .expr = strdup(expr), .value = strdup(value),
			      .depth = depth, .can_open = can_open(value), .watch = watch };
	if (!v->name || !v->expr || !v->value) {
		free(v->name);
		free(v->expr);
		free(v->value);
		return;
	}
	ui->nvars++;
	v->open = v->can_open && is_open(ui, expr);
	if (!v->open || depth >= MAX_DEPTH)
		return;
	if (value[0] == '{') {
		add_parts(ui, expr, value, depth + 1);
	} else {
		char *star = NULL, *shown = NULL, *out = NULL, *err = NULL;

		/* Shown as *NAME ("*next"), read as *EXPR ("*(*p).next"). */
		if (asprintf(&star, "*%s", expr) >= 0 && asprintf(&shown, "*%s", name) >= 0) {
			if (dbg_eval(ui->app->dbg, star, &out, &err) == 0)
				var_add(ui, shown, star, out, depth + 1, false);
			else
				var_add(ui, shown, star, err ? err : "?", depth + 1, false);
		}
		free(star);
		free(shown);
		free(out);
		free(err);
	}
}

static void vars_load(struct ui *ui)
{
	struct dbg *dbg = ui->app->dbg;
	char *text = NULL, *err = NULL, *line, *save = NULL;

	vars_free(ui);
	for (size_t i = 0; i < ui->app->ndisplays; i++) {
		const char *expr = ui->app->displays[i];
		char *out = NULL, *msg = NULL;

		if (dbg_eval(dbg, expr, &out, &msg) == 0)
			var_add(ui, expr, expr, out, 0, true);
		else
			var_add(ui, expr, expr, msg ? msg : "?", 0, true);
		free(out);
		free(msg);
	}
	/* The function's arguments, then its locals (Visual Studio's Locals). */
	for (int k = 0; k < 2; k++) {
		if ((k == 0 ? dbg_args : dbg_locals)(dbg, &text, &err) < 0) {
			free(err);
			err = NULL;
			continue;
		}
		save = NULL;
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *eq = strstr(line, " = ");

			if (!eq)
				continue;
			*eq = '\0';
			var_add(ui, line, line, eq + 3, 0, false);
		}
		free(text);
		text = NULL;
	}
}

/* Shows the source a superseded frame runs: the file as its generation
 * was compiled from (the snapshot store's), written to encide's state
 * directory and opened read-only in a tab of its own. False when the store
 * has no record of it. */
static bool show_old_source(struct ui *ui, const struct dbg_frame *f)
{
	struct app *app = ui->app;
	char *dir = NULL, *odir = NULL, *path = NULL, *text = NULL, *err = NULL;
	const char *name = strrchr(f->file, '/') ? strrchr(f->file, '/') + 1 : f->file;
	struct buffer *buf = NULL;
	size_t len;
	bool ok = false;
	FILE *out;

	if (app_generation_source(app, f->file, f->generation, &text, &len) < 0)
		goto out;
	dir = state_dir();
	if (!dir || asprintf(&odir, "%s/old-source", dir) < 0)
		goto out;
	mkdir(dir, 0700);
	mkdir(odir, 0700);
	if (asprintf(&path, "%s/%d-gen%03u-%s", odir, (int)getpid(), f->generation, name) < 0)
		goto out;
	if (!(out = fopen(path, "w")))
		goto out;
	ok = fwrite(text, 1, len, out) == len;
	ok = fclose(out) == 0 && ok;
	if (!ok || buf_open(&buf, path, &err) < 0) {
		ok = false;
		goto out;
	}
	/* The previous old source goes; the view never keeps a freed buffer. */
	if (app->view.buf == ui->old_buf)
		app->view.buf = NULL;
	for (size_t i = 0; i < ui->nviews; i++)
		if (ui->views[i].buf == ui->old_buf)
			ui->views[i--] = ui->views[--ui->nviews];
	buf_free(ui->old_buf);
	ui->old_buf = buf;
	free(ui->old_label);
	if (asprintf(&ui->old_label, "%s before upd%03u", name, f->superseded) < 0)
		ui->old_label = NULL;
	ui->old_line = (size_t)f->line;
	ui_editor_show(ui, buf);
	app->view.line = (size_t)f->line <= buf_line_count(buf) ? (size_t)f->line : 1;
	app->view.col = 1;
out:
	free(err);
	free(text);
	free(path);
	free(odir);
	free(dir);
	return ok;
}

/* Shows frame i's source in the editor. Its line is the debugger's: the
 * current text's, or the old source's for a superseded frame. */
static void show_frame(struct ui *ui, size_t i)
{
	const struct dbg_frame *f = &ui->frames[i];

	if (!f->file || f->line <= 0 || access(f->file, R_OK) != 0)
		return;
	if (ui->frame_old[i]) {
		if (show_old_source(ui, f)) {
			ui_say(ui, false, "frame #%zu runs code that upd%03u replaced: its source then (read-only)%s%s", i,
			       ui->frame_gen[i], f->reason ? "; " : "", f->reason ? f->reason : "");
			return;
		}
		ui_say(ui, false, "frame #%zu runs code that upd%03u replaced (line %d of the old source, "
		       "which the snapshot store does not have)", i, ui->frame_gen[i], f->line);
	}
	ui_editor_goto(ui, f->file, f->line);
}

void ui_debug_refresh(struct ui *ui)
{
	struct dbg *dbg = ui->app->dbg;
	struct dbg_frame *frames = NULL;
	struct dbg_thread_info *threads = NULL;
	size_t sel;
	ssize_t n;
	bool stop_changed;

	if (!dbg || dbg_state(dbg) != DBG_STOPPED) {
		if (ui->nframes || ui->nthreads || ui->nvars) {
			ui->nframes = ui->nthreads = 0;
			vars_free(ui);
		}
		return;
	}
	sel = dbg_selected_frame(dbg);
	stop_changed = ui->stops != ui->shown_stops || dbg_current_thread(dbg) != ui->shown_thread;
	if (!stop_changed && sel == ui->shown_frame && !ui->vars_stale)
		return;
	if (stop_changed) {
		n = dbg_backtrace(dbg, MAX_FRAMES, &frames);
		free(ui->frames);
		ui->frames = n > 0 ? frames : NULL;
		ui->nframes = n > 0 ? (size_t)n : 0;
		if (n <= 0)
			free(frames);
		free(ui->frame_gen);
		free(ui->frame_old);
		ui->frame_gen = calloc(ui->nframes + 1, sizeof(*ui->frame_gen));
		ui->frame_old = calloc(ui->nframes + 1, sizeof(*ui->frame_old));
		if (!ui->frame_gen || !ui->frame_old)
			ui->nframes = 0;
		frames_mark_old(ui);
		/* The versions the frames' lines are of: edits made from now on
		 * move the marks with their lines. */
		free(ui->read_bufs);
		free(ui->read_versions);
		ui->nread = 0;
		ui->read_bufs = calloc(ui->app->nbufs + 1, sizeof(*ui->read_bufs));
		ui->read_versions = calloc(ui->app->nbufs + 1, sizeof(*ui->read_versions));
		for (size_t i = 0; ui->read_bufs && ui->read_versions && i < ui->app->nbufs; i++) {
			ui->read_bufs[i] = ui->app->bufs[i];
			ui->read_versions[i] = buf_version(ui->app->bufs[i]);
			ui->nread++;
		}
		n = dbg_threads(dbg, &threads);
		free(ui->threads);
		ui->threads = n > 0 ? threads : NULL;
		ui->nthreads = n > 0 ? (size_t)n : 0;
		if (n <= 0)
			free(threads);
	}
	vars_load(ui);
	if ((ui->follow || sel != ui->shown_frame) && sel < ui->nframes)
		show_frame(ui, sel);
	ui->panes[PANE_STACK].sel = sel;
	ui->follow = false;
	ui->vars_stale = false;
	ui->shown_stops = ui->stops;
	ui->shown_frame = sel;
	ui->shown_thread = dbg_current_thread(dbg);
}

/* The basename of a path. */
static const char *base(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path ? path : "??";
}

static void stack_draw(struct ui *ui, struct ui_pane *p)
{
	size_t cur = ui->app->dbg ? dbg_selected_frame(ui->app->dbg) : 0;

	if (!ui->nframes) {
		ui_pane_note(ui, p, ui->app->dbg && dbg_state(ui->app->dbg) == DBG_RUNNING ? "running" : "not stopped");
		return;
	}
	ui_list_fit(p, ui->nframes);
	for (size_t i = 0; i < ui->nframes; i++) {
		const struct dbg_frame *f = &ui->frames[i];
		struct ui_row r;
		attr_t attr, old = ui->theme.attr[UI_SUPERSEDED][0];

		if (!ui_list_row(ui, p, i, &r, &attr))
			continue;
		if (ui->frame_old[i] && !(i == p->sel && ui->focus == PANE_STACK))
			attr = old;
		ui_put_fmt(&r, attr, "%s#%-2zu %s()", i == cur ? ">" : " ", i, f->function ? f->function : "??");
		if (f->file)
			ui_put_fmt(&r, attr, " %s:%d", base(f->file), f->line);
		if (ui->frame_old[i])
			ui_put_fmt(&r, old | A_BOLD, " <upd%03u>", ui->frame_gen[i]);
		ui_fill(&r, attr);
	}
}

static void stack_activate(struct ui *ui, struct ui_pane *p)
{
	char line[32];

	snprintf(line, sizeof(line), "frame %zu", p->sel);
	ui_run_line(ui, line);
}

const struct ui_pane_type ui_stack_pane = {
	.name = "stack",
	.title = "Call stack",
	.draw = stack_draw,
	.activate = stack_activate,
	.help = "Up Down\tchoose a frame\nEnter\tselect it (frame N): its source, locals\n",
};

static void locals_draw(struct ui *ui, struct ui_pane *p)
{
	if (!ui->nvars) {
		bool stopped = ui->app->dbg && dbg_state(ui->app->dbg) == DBG_STOPPED;

		ui_pane_note(ui, p, stopped ? "no arguments or locals here (display EXPR adds a watch)"
				    : ui->app->ndisplays ? "not stopped" : "not stopped (display EXPR adds a watch)");
		return;
	}
	ui_list_fit(p, ui->nvars);
	for (size_t i = 0; i < ui->nvars; i++) {
		const struct ui_var *v = &ui->vars[i];
		struct ui_row r;
		attr_t attr;

		if (!ui_list_row(ui, p, i, &r, &attr))
			continue;
		ui_put_fmt(&r, attr, "%*s%s ", v->depth * 2, "", v->can_open ? (v->open ? "-" : "+") : " ");
		ui_put_fmt(&r, attr | (v->watch ? A_UNDERLINE : 0), "%s", v->name);
		ui_put_fmt(&r, attr, " = %s", v->value);
		ui_fill(&r, attr);
	}
}

static void locals_toggle(struct ui *ui, struct ui_pane *p, int want)
{
	struct ui_var *v;

	if (p->sel >= ui->nvars)
		return;
	v = &ui->vars[p->sel];
	if (!v->can_open || (want >= 0 && v->open == (want == 1)))
		return;
	if (v->open) {
		for (size_t i = 0; i < ui->nopen; i++)
			if (strcmp(ui->open_exprs[i], v->expr) == 0) {
				free(ui->open_exprs[i]);
				ui->open_exprs[i] = ui->open_exprs[--ui->nopen];
				break;
			}
	} else {
		char **o = realloc(ui->open_exprs, (ui->nopen + 1) * sizeof(*o));

		if (!o)
			return;
		ui->open_exprs = o;
		if ((o[ui->nopen] = strdup(v->expr)))
			ui->nopen++;
	}
	ui->vars_stale = true;
	ui->shown_frame = (size_t)-1 == ui->shown_frame ? 0 : ui->shown_frame;
}

static bool locals_key(struct ui *ui, struct ui_pane *p, int key)
{
	if (key == (UI_FN | KEY_RIGHT) || key == ' ' || key == '\r' || key == '+') {
		locals_toggle(ui, p, key == ' ' || key == '\r' ? -1 : 1);
	} else if ((key == (UI_FN | KEY_LEFT) || key == '-') && p->sel < ui->nvars && !ui->vars[p->sel].open &&
		   ui->vars[p->sel].depth > 0) {
		/* On a part that is not open: to the row it is a part of. */
		size_t i = p->sel;

		while (i > 0 && ui->vars[i].depth >= ui->vars[p->sel].depth)
			i--;
		p->sel = i;
		ui_list_fit(p, ui->nvars);
	} else if (key == (UI_FN | KEY_LEFT) || key == '-') {
		locals_toggle(ui, p, 0);
	} else if (key == 'w' || key == (UI_FN | KEY_IC)) {
		ui_prompt_open(ui, PROMPT_COMMAND, "display ");
	} else if ((key == (UI_FN | KEY_DC) || key == 'd') && p->sel < ui->nvars && ui->vars[p->sel].watch) {
		size_t n = 0;
		char line[32];

		for (size_t i = 0; i <= p->sel; i++)
			n += ui->vars[i].watch && ui->vars[i].depth == 0;
		snprintf(line, sizeof(line), "undisplay %zu", n);
		ui_run_line(ui, line);
		ui->vars_stale = true;
	} else {
		return ui_list_key(ui, p, key);
	}
	ui->dirty = true;
	return true;
}

const struct ui_pane_type ui_locals_pane = {
	.name = "locals",
	.title = "Locals and watch",
	.draw = locals_draw,
	.key = locals_key,
	.help = "Enter Space\topen or close a struct, array or pointer\n"
		"Right Left\topen, close (Left on a closed part: the row it is part of)\n"
		"w Ins\tadd a watch (display EXPR)\nd Del\tremove the watch\n",
};

static void breaks_draw(struct ui *ui, struct ui_pane *p)
{
	const struct dbg_bp_info *bps;
	size_t n = ui->app->dbg ? dbg_break_list(ui->app->dbg, &bps) : 0;

	if (!n) {
		ui_pane_note(ui, p, "none (F9 or C-k b on a line)");
		p->rows = 0;
		return;
	}
	ui_list_fit(p, n);
	for (size_t i = 0; i < n; i++) {
		struct ui_row r;
		attr_t attr;

		if (!ui_list_row(ui, p, i, &r, &attr))
			continue;
		ui_put_fmt(&r, attr, "%c%-2d ", bps[i].enabled ? '*' : 'o', bps[i].id);
		if (bps[i].file)
			ui_put_fmt(&r, attr, "%s:%d", base(bps[i].file), bps[i].line);
		else
			ui_put_fmt(&r, attr, "%s (pending)", bps[i].location);
		if (bps[i].function)
			ui_put_fmt(&r, attr, " %s()", bps[i].function);
		if (bps[i].hits)
			ui_put_fmt(&r, attr, " hit %u", bps[i].hits);
		if (bps[i].condition)
			ui_put_fmt(&r, attr, " if %s", bps[i].condition);
		ui_fill(&r, attr);
	}
}

static bool breaks_key(struct ui *ui, struct ui_pane *p, int key)
{
	const struct dbg_bp_info *bps;
	size_t n = ui->app->dbg ? dbg_break_list(ui->app->dbg, &bps) : 0;
	char line[64];

	if (p->sel >= n)
		return ui_list_key(ui, p, key);
	if (key == ' ') {
		snprintf(line, sizeof(line), "%s %d", bps[p->sel].enabled ? "disable" : "enable", bps[p->sel].id);
	} else if (key == (UI_FN | KEY_DC) || key == 'd') {
		snprintf(line, sizeof(line), "delete breakpoints %d", bps[p->sel].id);
	} else if (key == '\r' && bps[p->sel].file) {
		ui_editor_goto(ui, bps[p->sel].file, bps[p->sel].line);
		ui_focus(ui, PANE_EDITOR);
		return true;
	} else if (key == '\r') {
		ui_say(ui, false, "breakpoint %d (%s) has no line yet: it is placed when the program runs",
		       bps[p->sel].id, bps[p->sel].location ? bps[p->sel].location : "?");
		return true;
	} else {
		return ui_list_key(ui, p, key);
	}
	ui_run_line(ui, line);
	return true;
}

const struct ui_pane_type ui_breaks_pane = {
	.name = "breakpoints",
	.title = "Breakpoints",
	.draw = breaks_draw,
	.key = breaks_key,
	.help = "Enter\tshow its line\nSpace\tenable or disable\nd Del\tdelete\n",
};

static void threads_draw(struct ui *ui, struct ui_pane *p)
{
	if (!ui->nthreads) {
		ui_pane_note(ui, p, "not stopped");
		return;
	}
	ui_list_fit(p, ui->nthreads);
	for (size_t i = 0; i < ui->nthreads; i++) {
		const struct dbg_thread_info *t = &ui->threads[i];
		struct ui_row r;
		attr_t attr;

		if (!ui_list_row(ui, p, i, &r, &attr))
			continue;
		ui_put_fmt(&r, attr, "%s%d %s()", t->current ? "*" : " ", (int)t->tid, t->function ? t->function : "??");
		if (t->file)
			ui_put_fmt(&r, attr, " %s:%d", base(t->file), t->line);
		ui_fill(&r, attr);
	}
}

static void threads_activate(struct ui *ui, struct ui_pane *p)
{
	char line[32];

	if (p->sel >= ui->nthreads)
		return;
	snprintf(line, sizeof(line), "thread %d", (int)ui->threads[p->sel].tid);
	ui_run_line(ui, line);
}

const struct ui_pane_type ui_threads_pane = {
	.name = "threads",
	.title = "Threads",
	.draw = threads_draw,
	.activate = threads_activate,
	.help = "Up Down\tchoose a thread\nEnter\tmake it current (thread TID)\n",
};
