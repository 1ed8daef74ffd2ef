/* The UI's side of the command table's UI rows (app/cmd-ui.c hands them
 * here through app->ui): focus, zoom, hiding and resizing panes, tabs,
 * the prompts, themes and the mouse; and how the UI itself runs a command
 * line (a key's binding, the ':' line), keeping each tab's cursor.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui-int.h"

void ui_say(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	free(ui->message);
	ui->message = s;
	ui->message_error = error;
	ui->message_kept = error;
	ui->dirty = true;
}

char *ui_quote(const char *s)
{
	char *q = malloc(2 * strlen(s) + 3), *o = q;

	if (!q)
		return NULL;
	*o++ = '"';
	for (; *s; s++) {
		/* Inside "...", cmd_split takes \" and \\ for " and \. */
		if (*s == '"' || *s == '\\' || *s == '$' || *s == '`')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '"';
	*o = '\0';
	return q;
}

/* Remembers the cursor and scroll of the buffer shown. */
static void view_save(struct ui *ui)
{
	const struct view *v = &ui->app->view;
	struct ui_bufview *views;

	if (!v->buf)
		return;
	for (size_t i = 0; i < ui->nviews; i++)
		if (ui->views[i].buf == v->buf) {
			ui->views[i] = (struct ui_bufview){ v->buf, v->line, v->col, ui->top, ui->left };
			return;
		}
	views = realloc(ui->views, (ui->nviews + 1) * sizeof(*views));
	if (!views)
		return;
	ui->views = views;
	views[ui->nviews++] = (struct ui_bufview){ v->buf, v->line, v->col, ui->top, ui->left };
}

/* Commands after which a selection stays. */
static bool keeps_selection(const char *word, bool mark)
{
	static const char *const keep[] = { "select", "copy", "find", "keys", "command-line", "redraw", "focus", NULL };

	for (size_t i = 0; keep[i]; i++)
		if (strcmp(word, keep[i]) == 0)
			return true;
	/* After Ctrl-Space, moving extends the selection. */
	return mark && (strncmp(word, "cursor-", 7) == 0 || strncmp(word, "line-", 5) == 0 ||
			strncmp(word, "page-", 5) == 0 || strncmp(word, "file-", 5) == 0 || strcmp(word, "goto") == 0);
}

void ui_run_line(struct ui *ui, const char *line)
{
	struct app *app = ui->app;
	const struct buffer *before = app->view.buf;
	char word[32] = "", *err = NULL;

	ui_edit_typing_end(ui);
	sscanf(line, "%31s", word);
	ui->jumped = strcmp(word, "goto") == 0 || strncmp(word, "search", 6) == 0;
	if (!keeps_selection(word, ui->sel_mark))
		ui->sel = ui->sel_mark = false;
	view_save(ui);
	/* A failure is published as COMMAND_FAILED, which the status line shows. */
	cmd_run_line(app, line, "key", &err);
	free(err);
	if (app->view.buf != before) {
		/* Another tab: back where its cursor was. */
		for (size_t i = 0; i < ui->nviews; i++)
			if (ui->views[i].buf == app->view.buf && app->view.line == 1 && app->view.col == 1) {
				/* (The file may have been reloaded shorter meanwhile.) */
				app->view.line = ui->views[i].line <= buf_line_count(app->view.buf)
						 ? ui->views[i].line : buf_line_count(app->view.buf);
				app->view.col = app->view.line == ui->views[i].line ? ui->views[i].col : 1;
				ui->top = ui->views[i].top;
				ui->left = ui->views[i].left;
				ui->shown = app->view.buf;
			}
		ui_focus(ui, PANE_EDITOR);
	}
	ui->dirty = true;
}

/* A pane named, or the focused one when name is NULL. */
static int pane_arg(struct ui *ui, struct cmd_ctx *ctx, const char *name)
{
	int id = name ? ui_pane_find(name) : ui->focus;

	if (id < 0)
		return cmd_error(ctx, "%s: no pane '%s' (tree editor stack locals breakpoints threads output problems)",
				 ctx->entry->name, name);
	return id;
}

static int cmd_focus(struct ui *ui, struct cmd_ctx *ctx, const char *what)
{
	static const struct {
		const char *name;
		int dx, dy;
	} dirs[] = { { "left", -1, 0 }, { "right", 1, 0 }, { "up", 0, -1 }, { "down", 0, 1 } };
	int id;

	if (strcmp(what, "next") == 0 || strcmp(what, "prev") == 0) {
		ui_focus(ui, ui_pane_next(ui, strcmp(what, "next") == 0 ? 1 : -1));
		return 0;
	}
	for (size_t i = 0; i < 4; i++)
		if (strcmp(what, dirs[i].name) == 0) {
			id = ui_pane_toward(ui, dirs[i].dx, dirs[i].dy);
			if (id < 0)
				return cmd_error(ctx, "focus: no pane %s of this one", what);
			ui_focus(ui, id);
			return 0;
		}
	if ((id = pane_arg(ui, ctx, what)) < 0)
		return -1;
	ui_focus(ui, id);
	return 0;
}

static int cmd_resize(struct ui *ui, struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *amount = argv[argc - 1];
	int id = pane_arg(ui, ctx, argc > 2 ? argv[1] : NULL), *dim, n, cur;
	char *end;

	if (id < 0)
		return -1;
	n = (int)strtol(amount, &end, 10);
	if (*end || !*amount)
		return cmd_error(ctx, "pane-resize: '%s' is not +N, -N or N", amount);
	ui_layout(ui);
	switch (id) {
	case PANE_TREE:
		dim = &ui->tree_w;
		cur = ui->panes[id].w;
		break;
	case PANE_OUTPUT:
	case PANE_PROBLEMS:
		dim = &ui->bottom_h;
		cur = ui->panes[id].h;
		break;
	case PANE_EDITOR:
		/* The editor grows by taking from the side column. */
		dim = &ui->right_w;
		n = amount[0] == '+' || amount[0] == '-' ? -n : ui->panes[id].w - n;
		cur = 0;
		break;
	default:
		dim = &ui->right_w;
		cur = ui->panes[id].w;
		break;
	}
	*dim += amount[0] == '+' || amount[0] == '-' || id == PANE_EDITOR ? n : n - cur;
	ui->dirty = true;
	return 0;
}

static int cmd_tab(struct ui *ui, struct cmd_ctx *ctx, const char *what)
{
	struct app *app = ui->app;
	size_t cur = 0, n = app->nbufs, want;
	char *end;

	if (!n)
		return cmd_error(ctx, "tab: no file is open");
	for (size_t i = 0; i < n; i++)
		if (app->bufs[i] == app->view.buf)
			cur = i;
	if (strcmp(what, "next") == 0) {
		want = (cur + 1) % n;
	} else if (strcmp(what, "prev") == 0) {
		want = (cur + n - 1) % n;
	} else {
		want = (size_t)strtoul(what, &end, 10);
		if (*end || want < 1 || want > n)
			return cmd_error(ctx, "tab: '%s' is not next, prev or 1 to %zu", what, n);
		want--;
	}
	ui_editor_show(ui, app->bufs[want]);
	ui_focus(ui, PANE_EDITOR);
	return 0;
}

static int cmd_theme(struct ui *ui, struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui_theme t;
	char *err = NULL, *name;
	int rc;

	if (argc == 1) {
		cmd_print(ctx, "theme %s (built in: dark light high-contrast vc6; colours: %s, said by %s)",
			  ui->theme_name, ui->depth == UI_DEPTH_TRUE ? "24-bit" : ui->depth == UI_DEPTH_256 ? "256"
			  : ui->depth == UI_DEPTH_8 ? "8" : "none", ui->depth_why);
		return 0;
	}
	rc = ui_theme_load(&t, argv[1], &err);
	/* A bad theme is reported, and the default is used. */
	name = strdup(rc < 0 ? "dark" : argv[1]);
	ui_theme_start(&t, ui->depth);
	ui->theme = t;
	free(ui->theme_name);
	ui->theme_name = name;
	ui->full_redraw = true;
	ui->dirty = true;
	if (rc < 0) {
		cmd_error(ctx, "%s (using the default theme)", err ? err : "bad theme");
		free(err);
		return -1;
	}
	return 0;
}

/* True when the terminal reports the mouse xterm's way (terminfo kmous).
 * The Linux console's mouse goes through gpm, which encide does not use. */
static bool term_reports_mouse(void)
{
	const char *k = tigetstr("kmous");

	/* TERM=linux has kmous for gpm, which curses would load (and leak). */
	return k && k != (char *)-1 && *k && strncmp(termname(), "linux", 5) != 0;
}

int ui_mouse_set(struct ui *ui, bool on)
{
	if (on && !term_reports_mouse()) {
		ui->mouse = false;
		return -1;
	}
	ui->mouse = on;
	mousemask(on ? (BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON4_PRESSED | BUTTON5_PRESSED) : 0, NULL);
	return 0;
}

static int cmd_mouse(struct ui *ui, struct cmd_ctx *ctx, const char *what)
{
	bool on = strcmp(what, "on") == 0;

	if (!on && strcmp(what, "off") != 0)
		return cmd_error(ctx, "mouse: 'on' or 'off', not '%s'", what);
	if (ui_mouse_set(ui, on) < 0)
		return cmd_error(ctx, "mouse: this terminal (TERM=%s) does not report the mouse", termname());
	return 0;
}

int ui_cmd_exec(void *arg, struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = arg;
	const char *name = ctx->entry->name;
	int id;

	ui->dirty = true;
	if (strcmp(name, "focus") == 0)
		return cmd_focus(ui, ctx, argv[1]);
	if (strcmp(name, "zoom") == 0) {
		if ((id = pane_arg(ui, ctx, argc > 1 ? argv[1] : NULL)) < 0)
			return -1;
		ui->zoomed = ui->zoomed == id ? -1 : id;
		ui_focus(ui, id);
		if (ui->zoomed < 0 && argc == 1)
			ui->zoomed = -1;
		return 0;
	}
	if (strcmp(name, "pane-hide") == 0) {
		if ((id = pane_arg(ui, ctx, argc > 1 ? argv[1] : NULL)) < 0)
			return -1;
		if (id == PANE_EDITOR)
			return cmd_error(ctx, "pane-hide: the editor stays (zoom another pane instead)");
		ui->panes[id].hidden = true;
		if (ui->zoomed == id)
			ui->zoomed = -1;
		if (ui->focus == id)
			ui->focus = PANE_EDITOR;
		return 0;
	}
	if (strcmp(name, "pane-show") == 0) {
		if (strcmp(argv[1], "all") == 0) {
			for (int i = 0; i < PANE__COUNT; i++)
				ui->panes[i].hidden = false;
			ui->zoomed = -1;
			return 0;
		}
		if ((id = pane_arg(ui, ctx, argv[1])) < 0)
			return -1;
		ui->panes[id].hidden = false;
		return 0;
	}
	if (strcmp(name, "pane-resize") == 0)
		return cmd_resize(ui, ctx, argc, argv);
	if (strcmp(name, "tab") == 0)
		return cmd_tab(ui, ctx, argv[1]);
	if (strcmp(name, "select") == 0 && strcmp(argv[1], "mark") == 0) {
		/* Ctrl-Space: start a selection that moves extend, or drop it. */
		ui->sel = ui->sel_mark = !ui->sel_mark;
		if (ui->sel && ui->app->view.buf)
			ui->sel_anchor = ui_edit_cursor(ui);
		return 0;
	}
	if (strcmp(name, "select") == 0 || strcmp(name, "copy") == 0 || strcmp(name, "cut") == 0 ||
	    strcmp(name, "paste") == 0)
		return ui_edit_command(ui, ctx, argc, argv);
	if (strcmp(name, "command-line") == 0) {
		ui_prompt_open(ui, PROMPT_COMMAND, argc > 1 ? argv[1] : "");
		return 0;
	}
	if (strcmp(name, "find") == 0) {
		if (!ui->app->view.buf)
			return cmd_error(ctx, "find: no file is open");
		ui_focus(ui, PANE_EDITOR);
		ui_prompt_open(ui, PROMPT_FIND, "");
		return 0;
	}
	if (strcmp(name, "theme") == 0)
		return cmd_theme(ui, ctx, argc, argv);
	if (strcmp(name, "mouse") == 0)
		return cmd_mouse(ui, ctx, argv[1]);
	if (strcmp(name, "bind") == 0 || strcmp(name, "unbind") == 0 || strcmp(name, "keys") == 0)
		return ui_keymap_command(ui, ctx, argc, argv);
	if (strcmp(name, "redraw") == 0) {
		ui->full_redraw = true;
		return 0;
	}
	return cmd_error(ctx, "%s: not a command of the UI", name);
}
