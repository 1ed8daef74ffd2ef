/* The screen's layout and what every pane shares: where each pane goes at
 * the current size (side columns and the bottom row collapse first, so the
 * editor survives down to 20x5), zoom, focus, the lines between panes,
 * titles, the status line, list panes' keys and rows, and the cell-level
 * drawing helpers.
 *
 *   +--------+-------------------------------+---------------+
 *   | tree   | tabs                          | Call stack    |
 *   |        | editor                        +---------------+
 *   |        |                               | Locals        |
 *   |        |                               +---------------+
 *   |        |                               | Breakpoints   |
 *   |        |                               +---------------+
 *   |        |                               | Threads       |
 *   +--------+-------------------+-----------+---------------+
 *   | Output (the program's pty) | Problems (build)           |
 *   +----------------------------+----------------------------+
 *   status line, or the ':' prompt
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui/ui-int.h"

#define TAB_WIDTH 8
#define MIN_EDITOR_COLS 50 /* side columns go before the editor gets narrower */
#define MIN_EDITOR_ROWS 8  /* the bottom row goes before the editor gets shorter */

const struct ui_pane_type *const ui_pane_types[PANE__COUNT] = {
	[PANE_TREE] = &ui_tree_pane,       [PANE_EDITOR] = &ui_editor_pane,
	[PANE_STACK] = &ui_stack_pane,     [PANE_LOCALS] = &ui_locals_pane,
	[PANE_BREAKS] = &ui_breaks_pane,   [PANE_THREADS] = &ui_threads_pane,
	[PANE_OUTPUT] = &ui_output_pane,   [PANE_PROBLEMS] = &ui_problems_pane,
};

size_t ui_put_char(struct ui_row *r, const char *s, size_t n, size_t col, attr_t attr)
{
	unsigned char c = (unsigned char)*s;
	char ctl[2] = { '^', (char)(c ^ 0x40) };
	const char *out = s;
	size_t len = 1;
	int w = 1, outlen = 1;

	if (c == '\t') {
		w = TAB_WIDTH - (int)(col % TAB_WIDTH);
		out = "        ";
		outlen = w;
	} else if (c < 0x20 || c == 0x7f) {
		w = outlen = 2;
		out = ctl;
	} else if (c >= 0x80) {
		mbstate_t st;
		wchar_t wc;
		size_t k;

		memset(&st, 0, sizeof(st));
		k = mbrtowc(&wc, s, n, &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0 || (w = wcwidth(wc)) < 0) {
			out = "?";
			w = 1;
		} else {
			len = k;
			outlen = (int)k;
		}
	}
	if (r->x + w > r->end)
		return 0;
	/* A combining character (w == 0) joins the cell drawn before it. */
	attrset(attr);
	mvaddnstr(r->y, r->x, out, outlen);
	r->x += w;
	return len;
}

void ui_put_text(struct ui_row *r, const char *s, size_t n, attr_t attr)
{
	size_t k, col = 0;

	for (size_t i = 0; i < n; i += k, col++) {
		k = ui_put_char(r, s + i, n - i, col, attr);
		if (k == 0)
			break;
	}
}

void ui_put_fmt(struct ui_row *r, attr_t attr, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n > 0)
		ui_put_text(r, s, (size_t)n, attr);
	free(s);
}

void ui_fill(struct ui_row *r, attr_t attr)
{
	/* attrset first: curses draws a plain blank in the window's current
	 * attributes (the last character's, a gutter's background...). */
	attrset(attr);
	if (r->x < r->end)
		mvhline(r->y, r->x, ' ', r->end - r->x);
	r->x = r->end;
}

size_t ui_text_width(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		mbstate_t st;
		wchar_t wc;
		size_t k;
		int cw;

		if (c == '\t') {
			w += TAB_WIDTH - w % TAB_WIDTH;
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			w += 2;
			i++;
			continue;
		}
		memset(&st, 0, sizeof(st));
		k = mbrtowc(&wc, s + i, n - i, &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0 || (cw = wcwidth(wc)) < 0) {
			w++;
			i++;
			continue;
		}
		w += (size_t)cw;
		i += k;
	}
	return w;
}

int ui_pane_find(const char *name)
{
	for (int i = 0; i < PANE__COUNT; i++)
		if (strcmp(ui_pane_types[i]->name, name) == 0)
			return i;
	return -1;
}

static void place(struct ui_pane *p, int y, int x, int h, int w)
{
	p->y = y;
	p->x = x;
	p->h = h > 0 && w > 0 ? h : 0;
	p->w = w > 0 ? w : 0;
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Stacks the shown panes of ids[] from row y down, h rows, x..x+w. Panes
 * that would get fewer than 3 rows are dropped from the end. */
static void stack_panes(struct ui *ui, const int *ids, const int *weights, int n, int y, int x, int h, int w)
{
	int shown[8], wsum = 0, k = 0;

	for (int i = 0; i < n; i++)
		if (!ui->panes[ids[i]].hidden)
			shown[k++] = i;
	while (k > 0 && h / k < 3)
		k--;
	for (int i = 0; i < k; i++)
		wsum += weights[shown[i]];
	for (int i = 0, row = y; i < k; i++) {
		int rows = i == k - 1 ? y + h - row : h * weights[shown[i]] / wsum;

		place(&ui->panes[ids[shown[i]]], row, x, rows, w);
		row += rows;
	}
}

void ui_layout(struct ui *ui)
{
	static const int right_ids[] = { PANE_STACK, PANE_LOCALS, PANE_BREAKS, PANE_THREADS };
	static const int right_weights[] = { 3, 3, 2, 2 };
	int W = COLS, H = LINES - 1, rw, lw, bh, top_h, ex, ew;
	bool right = false, left, bottom;

	for (int i = 0; i < PANE__COUNT; i++)
		ui->panes[i].h = ui->panes[i].w = 0;
	if (H < 1 || W < 1)
		return;
	if (ui->zoomed >= 0) {
		place(&ui->panes[ui->zoomed], 0, 0, H, W);
		return;
	}
	rw = clamp(W * 3 / 10 + ui->right_w, 12, W);
	lw = clamp(W / 7 + ui->tree_w, 8, W);
	bh = clamp(H / 4 + ui->bottom_h, 3, H);
	for (size_t i = 0; i < 4; i++)
		right |= !ui->panes[right_ids[i]].hidden;
	left = !ui->panes[PANE_TREE].hidden;
	/* Too narrow for both side columns: the file tree goes first (the
	 * debugger's panes matter more while debugging), unless it has the
	 * keyboard; then the other one. */
	if ((left || right) && W - (right ? rw + 1 : 0) - (left ? lw + 1 : 0) < MIN_EDITOR_COLS) {
		if (ui->focus == PANE_TREE)
			right = false;
		else
			left = false;
	}
	right = right && W - rw - 1 >= MIN_EDITOR_COLS;
	left = left && W - (right ? rw + 1 : 0) - lw - 1 >= MIN_EDITOR_COLS;
	bottom = (!ui->panes[PANE_OUTPUT].hidden || !ui->panes[PANE_PROBLEMS].hidden) &&
		 H - bh >= MIN_EDITOR_ROWS;
	top_h = bottom ? H - bh : H;
	ex = left ? lw + 1 : 0;
	ew = W - ex - (right ? rw + 1 : 0);
	if (left)
		place(&ui->panes[PANE_TREE], 0, 0, top_h, lw);
	if (!ui->panes[PANE_EDITOR].hidden || (!left && !right && !bottom))
		place(&ui->panes[PANE_EDITOR], 0, ex, top_h, ew);
	else
		ew = 0;
	if (right)
		stack_panes(ui, right_ids, right_weights, 4, 0, W - rw, top_h, rw);
	if (bottom) {
		bool out = !ui->panes[PANE_OUTPUT].hidden, probs = !ui->panes[PANE_PROBLEMS].hidden;
		int ow = out && probs && W >= 60 ? W * 11 / 20 : W;

		if (out)
			place(&ui->panes[PANE_OUTPUT], H - bh, 0, bh, ow);
		if (probs && (!out || ow < W))
			place(&ui->panes[PANE_PROBLEMS], H - bh, out ? ow + 1 : 0, bh, out ? W - ow - 1 : W);
	}
	if (ew == 0 && ui->panes[PANE_EDITOR].h == 0 && !right && !left && !bottom)
		place(&ui->panes[PANE_EDITOR], 0, 0, H, W);
}

void ui_focus(struct ui *ui, int id)
{
	if (id < 0 || id >= PANE__COUNT)
		return;
	ui->panes[id].hidden = false;
	if (ui->zoomed >= 0 && ui->zoomed != id)
		ui->zoomed = -1;
	if (ui->focus != id)
		ui_edit_typing_end(ui);
	ui->focus = id;
	ui->help = false;
	ui->dirty = true;
}

int ui_pane_next(struct ui *ui, int dir)
{
	ui_layout(ui);
	for (int k = 1; k <= PANE__COUNT; k++) {
		int id = ((ui->focus + dir * k) % PANE__COUNT + PANE__COUNT) % PANE__COUNT;

		if (ui->panes[id].h > 0)
			return id;
	}
	return ui->focus;
}

int ui_pane_toward(struct ui *ui, int dx, int dy)
{
	const struct ui_pane *f = &ui->panes[ui->focus];
	int best = -1, bestd = 1 << 30;

	ui_layout(ui);
	/* From the middle of the focused pane's edge, the nearest pane beyond it. */
	for (int i = 0; i < PANE__COUNT; i++) {
		const struct ui_pane *p = &ui->panes[i];
		int d, across;

		if (i == ui->focus || p->h == 0)
			continue;
		if (dx > 0 && p->x >= f->x + f->w)
			d = p->x - (f->x + f->w);
		else if (dx < 0 && p->x + p->w <= f->x)
			d = f->x - (p->x + p->w);
		else if (dy > 0 && p->y >= f->y + f->h)
			d = p->y - (f->y + f->h);
		else if (dy < 0 && p->y + p->h <= f->y)
			d = f->y - (p->y + p->h);
		else
			continue;
		across = dx ? abs((p->y + p->h / 2) - (f->y + f->h / 2)) : abs((p->x + p->w / 2) - (f->x + f->w / 2));
		if (d * 1000 + across < bestd) {
			bestd = d * 1000 + across;
			best = i;
		}
	}
	return best;
}

void ui_list_fit(struct ui_pane *p, size_t rows)
{
	size_t body = p->h > 1 ? (size_t)p->h - 1 : 1;

	p->rows = rows;
	if (p->sel >= rows)
		p->sel = rows ? rows - 1 : 0;
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + body)
		p->top = p->sel - body + 1;
	if (p->top + body > rows)
		p->top = rows > body ? rows - body : 0;
}

bool ui_list_row(struct ui *ui, struct ui_pane *p, size_t i, struct ui_row *r, attr_t *attr)
{
	size_t body = p->h > 1 ? (size_t)p->h - 1 : 0;

	if (i < p->top || i >= p->top + body)
		return false;
	*r = (struct ui_row){ .y = p->y + 1 + (int)(i - p->top), .x = p->x, .end = p->x + p->w };
	*attr = ui->theme.attr[SYN_NONE][0];
	if (i == p->sel && &ui->panes[ui->focus] == p)
		*attr = ui->theme.attr[UI_LIST_SELECTED][0];
	return true;
}

bool ui_list_key(struct ui *ui, struct ui_pane *p, int key)
{
	size_t body = p->h > 2 ? (size_t)p->h - 2 : 1;

	switch (key) {
	case UI_FN | KEY_UP:
		p->sel = p->sel ? p->sel - 1 : 0;
		break;
	case UI_FN | KEY_DOWN:
		p->sel = p->sel + 1 < p->rows ? p->sel + 1 : p->sel;
		break;
	case UI_FN | KEY_PPAGE:
		p->sel = p->sel > body ? p->sel - body : 0;
		break;
	case UI_FN | KEY_NPAGE:
		p->sel = p->sel + body < p->rows ? p->sel + body : (p->rows ? p->rows - 1 : 0);
		break;
	case UI_FN | KEY_HOME:
		p->sel = 0;
		break;
	case UI_FN | KEY_END:
		p->sel = p->rows ? p->rows - 1 : 0;
		break;
	case '\r':
	case '\n':
	case UI_FN | KEY_ENTER:
		if (ui_pane_types[p - ui->panes]->activate && p->rows)
			ui_pane_types[p - ui->panes]->activate(ui, p);
		break;
	default:
		return false;
	}
	ui_list_fit(p, p->rows);
	ui->dirty = true;
	return true;
}

/* The byte column (1-based) of screen cell x in the editor's line. */
static size_t cell_to_col(struct ui *ui, size_t line, int x)
{
	const struct buffer *buf = ui->app->view.buf;
	size_t s, e, i = 0, want = (line == ui->app->view.line ? ui->left : 0) +
				   (size_t)(x > ui->text_x ? x - ui->text_x : 0);
	char text[1024];
	size_t len;

	buf_line_span(buf, line, &s, &e);
	len = buf_read(buf, s, e - s < sizeof(text) ? e - s : sizeof(text), text);
	/* Past the character whose cells hold x, the next one starts. */
	while (i < len) {
		size_t k = 1;

		while (i + k < len && ((unsigned char)text[i + k] & 0xc0) == 0x80)
			k++;
		if (ui_text_width(text, i + k) > want)
			break;
		i += k;
	}
	return i + 1;
}

void ui_mouse(struct ui *ui)
{
	MEVENT ev;
	struct ui_pane *p = NULL;
	int id;

	if (getmouse(&ev) != OK)
		return;
	for (id = 0; id < PANE__COUNT; id++) {
		p = &ui->panes[id];
		if (p->h && ev.y >= p->y && ev.y < p->y + p->h && ev.x >= p->x && ev.x < p->x + p->w)
			break;
	}
	if (id == PANE__COUNT)
		return;
	ui->dirty = true;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		bool up = ev.bstate & BUTTON4_PRESSED;

		if (id == PANE_EDITOR) {
			ui_run_line(ui, up ? "cursor-up 3" : "cursor-down 3");
		} else if (id == PANE_OUTPUT) {
			ui->out_follow = false;
			p->top = up ? (p->top > 3 ? p->top - 3 : 0) : p->top + 3;
			if (p->top + (size_t)p->h >= ui->nout + 1)
				ui->out_follow = true;
		} else {
			p->sel = up ? (p->sel > 3 ? p->sel - 3 : 0) : p->sel + 3;
			ui_list_fit(p, p->rows);
		}
		return;
	}
	if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return;
	if (ui->focus != id)
		ui_focus(ui, id);
	if (id == PANE_EDITOR && ui->app->view.buf && ev.y >= ui->text_y) {
		size_t line = ui->top + (size_t)(ev.y - ui->text_y);

		if (line > buf_line_count(ui->app->view.buf))
			line = buf_line_count(ui->app->view.buf);
		ui_edit_typing_end(ui);
		ui->sel = ui->sel_mark = false;
		ui->app->view.line = line;
		ui->app->view.col = cell_to_col(ui, line, ev.x);
	} else if (id != PANE_EDITOR && id != PANE_OUTPUT && ev.y > p->y) {
		size_t row = p->top + (size_t)(ev.y - p->y - 1);

		bool again = row == p->sel;

		if (row >= p->rows)
			return;
		p->sel = row;
		/* A click on the chosen row acts on it, like Enter. */
		if (again && ui_pane_types[id]->key)
			ui_pane_types[id]->key(ui, p, '\r');
		else if (again)
			ui_list_key(ui, p, '\r');
	}
}

void ui_pane_note(struct ui *ui, struct ui_pane *p, const char *text)
{
	struct ui_row r = { .y = p->y + 1, .x = p->x + 1, .end = p->x + p->w };

	if (p->h > 1)
		ui_put_text(&r, text, strlen(text), ui->theme.attr[UI_LINENR][0]);
}

/* A pane's title row; the editor draws its own (the tabs). */
static void draw_title(struct ui *ui, int id)
{
	const struct ui_pane *p = &ui->panes[id];
	attr_t attr = ui->theme.attr[id == ui->focus ? UI_TITLE_FOCUS : UI_TITLE][0];
	struct ui_row r = { .y = p->y, .x = p->x, .end = p->x + p->w };

	ui_put_fmt(&r, attr, " %s%s", ui_pane_types[id]->title, ui->zoomed == id ? " (zoomed)" : "");
	ui_fill(&r, attr);
}

/* The lines between side by side panes. */
static void draw_borders(struct ui *ui)
{
	attr_t attr = ui->theme.attr[UI_BORDER][0];

	for (int i = 0; i < PANE__COUNT; i++) {
		const struct ui_pane *p = &ui->panes[i];

		if (p->h == 0 || p->x == 0)
			continue;
		attrset(attr);
		if (ui->utf8) {
			/* The character itself: terminals and tmux's capture agree on it. */
			for (int y = p->y; y < p->y + p->h; y++)
				mvaddstr(y, p->x - 1, "\u2502");
		} else {
			mvvline(p->y, p->x - 1, ACS_VLINE, p->h);
		}
	}
}

/* What the debugger is doing, for the status line. */
static void debugger_state(struct ui *ui, char *buf, size_t size)
{
	struct dbg *dbg = ui->app->dbg;

	*buf = '\0';
	if (!dbg)
		return;
	switch (dbg_state(dbg)) {
	case DBG_RUNNING:
		snprintf(buf, size, "running");
		break;
	case DBG_STOPPED:
		if (ui->nframes && ui->frames[0].function)
			snprintf(buf, size, "stopped in %s:%d", ui->frames[0].function, ui->frames[0].line);
		else
			snprintf(buf, size, "stopped");
		break;
	default:
		break;
	}
}

static void draw_status(struct ui *ui, int y)
{
	const struct app *app = ui->app;
	attr_t attr = ui->theme.attr[UI_STATUS][0];
	struct ui_row r = { .y = y, .x = 0, .end = COLS };
	char dstate[160];

	if (app->view.buf) {
		char pos[48];
		int n, width = 1;

		ui_put_fmt(&r, attr, " %s%s",
			   app->view.buf == ui->old_buf && ui->old_label ? ui->old_label
									 : ui_display_name(ui, buf_path(app->view.buf)),
			   buf_modified(app->view.buf) ? " [+]" : "");
		/* The ruler: its own colours (the terminal's by default) and a
		 * width that fits the file's last line and a 3-digit column, so a
		 * typed character changes a digit or two here and nothing moves. */
		for (size_t l = buf_line_count(app->view.buf); l >= 10; l /= 10)
			width++;
		n = snprintf(pos, sizeof(pos), " %zu:%zu", app->view.line, app->view.col);
		ui_put_fmt(&r, ui->theme.attr[UI_RULER][0], "%-*s", n > width + 5 ? n : width + 5, pos);
		ui_put_text(&r, " ", 1, attr);
	}
	debugger_state(ui, dstate, sizeof(dstate));
	if (*dstate)
		ui_put_fmt(&r, attr | A_BOLD, "| %s ", dstate);
	if (ui->build_state)
		ui_put_fmt(&r, attr, "| %s ", ui->build_state);
	if (ui->apply_state)
		ui_put_fmt(&r, attr, "| %s ", ui->apply_state);
	{
		struct git_summary g;

		if (app_git_summary(ui->app, &g) == 0 && g.repo)
			ui_put_fmt(&r, attr, "| %s%s ", g.branch ? g.branch : g.detached ? "(detached)" : "?",
				   g.dirty ? "*" : "");
	}
	ui_put_text(&r, "| ", 2, attr);
	if (ui->prefix)
		ui_prefix_hint(ui, &r, attr);
	else if (ui->quit_armed)
		ui_put_text(&r, "unsaved files (journaled): Ctrl-Q again quits", 46, ui->theme.attr[UI_ERROR][0]);
	else if (ui->message)
		ui_put_text(&r, ui->message, strcspn(ui->message, "\n"),
			    ui->message_error ? ui->theme.attr[UI_ERROR][0] : attr);
	ui_fill(&r, attr);
}

void ui_draw(struct ui *ui)
{
	erase();
	if (ui->full_redraw) {
		clearok(curscr, TRUE);
		ui->full_redraw = false;
	}
	ui->cy = -1;
	if (LINES < 1 || COLS < 1)
		return;
	ui_layout(ui);
	if (ui->panes[ui->focus].h == 0)
		ui->focus = PANE_EDITOR;
	ui_debug_refresh(ui);
	for (int i = 0; i < PANE__COUNT; i++) {
		struct ui_pane *p = &ui->panes[i];

		if (p->h == 0)
			continue;
		if (i != PANE_EDITOR)
			draw_title(ui, i);
		ui_pane_types[i]->draw(ui, p);
	}
	draw_borders(ui);
	if (ui->help)
		ui_help_draw(ui);
	if (ui->prompt.kind != PROMPT_NONE) {
		int cx = 0;

		ui_prompt_draw(ui, LINES - 1, &cx);
		ui->cy = LINES - 1;
		ui->cx = cx;
	} else if (LINES > 1) {
		draw_status(ui, LINES - 1);
	}
	if (ui->cy >= 0) {
		curs_set(1);
		move(ui->cy, ui->cx < COLS ? ui->cx : COLS - 1);
	} else {
		curs_set(0);
	}
}
