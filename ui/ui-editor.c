/* The editor pane: a tab per open file, then the visible lines of the
 * buffer in syntax colours, with a gutter of marks (breakpoints, the
 * execution arrow, frames running replaced code, compiler diagnostics) and
 * line numbers, the cursor line, the selection and the search's matches.
 * Only the visible range is read and highlighted, so a 250,000-line file
 * draws as fast as a small one; curses sends only the cells that changed.
 * The cursor line is marked in the gutter only: a background across the
 * line would be sent again with every character typed into it.
 */
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "build/build.h"
#include "ui/ui-int.h"

#define TAB_WIDTH 8
/* The gutter goes when it would leave the text fewer columns than this. */
#define MIN_TEXT_COLS 8
/* The tab row goes in a pane shorter than this. */
#define MIN_ROWS_FOR_TABS 6

const char *ui_display_name(const struct ui *ui, const char *path)
{
	const char *dir;
	size_t n;

	if (!ui->app->project || !path)
		return path ? path : "";
	dir = project_dir(ui->app->project);
	n = strlen(dir);
	if (strncmp(path, dir, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

/* True when a and b name the same file (the debugger's paths are the
 * compiler's; the buffers' are real paths). */
static bool same_file(const char *a, const char *b)
{
	const char *ba, *bb;
	char ra[PATH_MAX], rb[PATH_MAX];

	if (!a || !b)
		return false;
	if (strcmp(a, b) == 0)
		return true;
	ba = strrchr(a, '/');
	bb = strrchr(b, '/');
	if (strcmp(ba ? ba + 1 : a, bb ? bb + 1 : b) != 0)
		return false;
	return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

size_t ui_editor_frame_line(struct ui *ui, const struct buffer *buf, size_t line)
{
	struct linemap *m;
	size_t to;

	for (size_t i = 0; i < ui->nread; i++) {
		if (ui->read_bufs[i] != buf)
			continue;
		if (ui->read_versions[i] == buf_version(buf))
			return line;
		m = buf_linemap(buf, ui->read_versions[i], buf_version(buf));
		if (!m)
			return line;
		to = linemap_get(m, line);
		linemap_free(m);
		return to;
	}
	return line;
}

void ui_editor_scroll(struct ui *ui)
{
	const struct view *v = &ui->app->view;
	size_t rows = ui->text_rows > 0 ? (size_t)ui->text_rows : 1, lines, line, start, end, chars, cells;
	size_t cols = ui->text_cols > 0 ? (size_t)ui->text_cols : 1;

	if (!v->buf)
		return;
	lines = buf_line_count(v->buf);
	line = v->line < 1 ? 1 : v->line > lines ? lines : v->line;
	if (ui->shown != v->buf) {
		ui->shown = v->buf;
		ui->top = 1;
		ui->left = 0;
	}
	if (ui->top + rows > lines + 1)
		ui->top = lines + 1 > rows ? lines + 1 - rows : 1;
	if (ui->top < 1)
		ui->top = 1;
	/* A jump out of sight shows the line with what is around it; a move
	 * past an edge scrolls no more than it needs. */
	if (ui->jumped && (line < ui->top || line >= ui->top + rows))
		ui->top = line > rows / 3 ? line - rows / 3 : 1;
	else if (line < ui->top)
		ui->top = line;
	else if (line >= ui->top + rows)
		ui->top = line - rows + 1;
	ui->jumped = false;
	if (ui->top + rows > lines + 1)
		ui->top = lines + 1 > rows ? lines + 1 - rows : 1;
	buf_line_span(v->buf, line, &start, &end);
	buf_columns(v->buf, start + v->col - 1 > end ? end : start + v->col - 1, TAB_WIDTH, &chars, &cells);
	/* Only the cursor line scrolls sideways (as nano does, and Emacs with
	 * auto-hscroll-mode current-line): the lines around it stay in sight
	 * from their start, and a scroll sends one line, not the screen. The
	 * line's start stays in sight whenever the cursor fits; otherwise the
	 * line jumps by half the width (vim's sidescroll=0), not a column per
	 * key. */
	if (cells < cols)
		ui->left = 0;
	else if (cells < ui->left || cells >= ui->left + cols)
		ui->left = cells - cols / 2;
}

void ui_editor_show(struct ui *ui, struct buffer *buf)
{
	struct app *app = ui->app;
	struct ui_bufview *saved = NULL;

	if (app->view.buf == buf)
		return;
	ui_edit_typing_end(ui);
	ui->sel = false;
	for (size_t i = 0; i < ui->nviews; i++) {
		if (ui->views[i].buf == app->view.buf)
			ui->views[i] = (struct ui_bufview){ app->view.buf, app->view.line, app->view.col, ui->top, ui->left };
		if (ui->views[i].buf == buf)
			saved = &ui->views[i];
	}
	if (app->view.buf && !saved) {
		bool known = false;

		for (size_t i = 0; i < ui->nviews; i++)
			known |= ui->views[i].buf == app->view.buf;
		if (!known) {
			struct ui_bufview *v = realloc(ui->views, (ui->nviews + 1) * sizeof(*v));

			if (v) {
				ui->views = v;
				v[ui->nviews++] = (struct ui_bufview){ app->view.buf, app->view.line, app->view.col,
								      ui->top, ui->left };
			}
			for (size_t i = 0; i < ui->nviews; i++)
				if (ui->views[i].buf == buf)
					saved = &ui->views[i];
		}
	}
	app->view = (struct view){ .buf = buf, .line = saved ? saved->line : 1, .col = saved ? saved->col : 1 };
	ui->shown = buf;
	ui->top = saved ? saved->top : 1;
	ui->left = saved ? saved->left : 0;
	ui->dirty = true;
}

bool ui_editor_goto(struct ui *ui, const char *path, int line)
{
	struct app *app = ui->app;
	struct buffer *buf = NULL;
	char *err = NULL;

	for (size_t i = 0; i < app->nbufs && !buf; i++)
		if (same_file(buf_path(app->bufs[i]), path))
			buf = app->bufs[i];
	if (!buf) {
		struct buffer *before = app->view.buf;
		struct view keep = app->view;

		if (app_open_file(app, path, &err) < 0) {
			ui_say(ui, true, "%s", err ? err : "cannot open the file");
			free(err);
			return false;
		}
		buf = app->view.buf;
		/* Keep the old buffer's cursor for its tab. */
		app->view = keep;
		app->view.buf = before;
	}
	ui_editor_show(ui, buf);
	if (line < 1)
		line = 1;
	if ((size_t)line > buf_line_count(buf))
		line = (int)buf_line_count(buf);
	app->view.line = (size_t)line;
	app->view.col = 1;
	ui->jumped = true; /* out of sight, it is shown a third of the way down */
	ui->dirty = true;
	return true;
}

/* The class of the byte at pos: spans are sorted, *i only moves forward. */
static enum syn_class class_at(const struct syn_span *spans, ssize_t n, ssize_t *i, size_t pos)
{
	while (*i < n && spans[*i].end <= pos)
		(*i)++;
	return *i < n && spans[*i].start <= pos ? spans[*i].class : SYN_NONE;
}

/* Decimal digits of n. */
static int digits(size_t n)
{
	int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* A gutter mark on one screen row. */
struct mark {
	char c;     /* the mark, ' ' for none */
	int elem;   /* its theme element */
	int prio;   /* a higher one wins */
};

static void mark_set(struct mark *marks, size_t first, size_t rows, size_t line, char c, int elem, int prio)
{
	if (line < first || line >= first + rows || marks[line - first].prio > prio)
		return;
	marks[line - first] = (struct mark){ c, elem, prio };
}

/* Breakpoints, frames and diagnostics in buf, on lines first.. */
static void collect_marks(struct ui *ui, const struct buffer *buf, size_t first, size_t rows, struct mark *marks)
{
	const char *path = buf_path(buf);
	const struct dbg_bp_info *bps;
	size_t n;

	const struct line_change *changes;
	size_t nchanges;

	for (size_t i = 0; i < rows; i++)
		marks[i] = (struct mark){ ' ', UI_LINENR, 0 };
	/* Git's changes since HEAD, under everything else. */
	if (buf != ui->old_buf && app_git_changes(ui->app, (struct buffer *)buf, &changes, &nchanges) == 0) {
		for (size_t i = 0; i < nchanges; i++) {
			const struct line_change *c = &changes[i];

			if (c->kind == LINE_DELETED) {
				/* Removed just above c->line: '_' on the line above. */
				mark_set(marks, first, rows, c->line > 1 ? c->line - 1 : 1, '_', UI_GIT_DELETED, 1);
				continue;
			}
			for (size_t l = c->line; l < c->line + c->count && l < first + rows; l++)
				mark_set(marks, first, rows, l, c->kind == LINE_ADDED ? '+' : '~',
					 c->kind == LINE_ADDED ? UI_GIT_ADDED : UI_GIT_MODIFIED, 1);
		}
	}
	for (size_t i = 0; i < ui->ndiags; i++)
		if (same_file(ui->diags[i].file, path))
			mark_set(marks, first, rows, (size_t)ui->diags[i].line, ui->diags[i].error ? 'E' : 'W',
				 ui->diags[i].error ? UI_DIAG_ERROR : UI_DIAG_WARNING, 2);
	n = ui->app->dbg ? dbg_break_list(ui->app->dbg, &bps) : 0;
	for (size_t i = 0; i < n; i++)
		if (bps[i].line > 0 && same_file(bps[i].file, path))
			mark_set(marks, first, rows, (size_t)bps[i].line, /* follows edits (app-breaks.c) */
				 bps[i].enabled ? '*' : 'o', UI_BREAKPOINT, 3);
	if (!ui->app->dbg || dbg_state(ui->app->dbg) != DBG_STOPPED)
		return;
	if (buf == ui->old_buf) {
		/* The old source: its line numbers are the old code's own. */
		mark_set(marks, first, rows, ui->old_line, '=', UI_SUPERSEDED, 4);
		return;
	}
	for (size_t i = 0; i < ui->nframes; i++) {
		const struct dbg_frame *f = &ui->frames[i];
		size_t line;

		if (f->line <= 0 || !same_file(f->file, path))
			continue;
		line = ui->frame_old[i] ? (size_t)f->line : ui_editor_frame_line(ui, buf, (size_t)f->line);
		if (i == 0)
			mark_set(marks, first, rows, line, '>', UI_EXECUTION, 5);
		else if (ui->frame_old[i])
			mark_set(marks, first, rows, line, '=', UI_SUPERSEDED, 4);
		else if (i == dbg_selected_frame(ui->app->dbg))
			mark_set(marks, first, rows, line, '-', UI_EXECUTION, 4);
	}
}

/* The search's matches on one line: [start, end) pairs into *out. */
static size_t line_matches(const regex_t *re, const char *s, size_t len, size_t *out, size_t max)
{
	char *line = strndup(s, len);
	size_t n = 0, off = 0;
	regmatch_t m;

	if (!line)
		return 0;
	while (n + 2 <= max && off <= len && regexec(re, line + off, 1, &m, off ? REG_NOTBOL : 0) == 0) {
		out[n++] = off + (size_t)m.rm_so;
		out[n++] = off + (size_t)m.rm_eo;
		off += m.rm_eo > m.rm_so ? (size_t)m.rm_eo : (size_t)m.rm_so + 1;
	}
	free(line);
	return n;
}

/* The tab row: one tab per open file, the current one highlighted. */
static void draw_tabs(struct ui *ui, struct ui_pane *p)
{
	const struct app *app = ui->app;
	struct ui_row r = { .y = p->y, .x = p->x, .end = p->x + p->w };
	attr_t other = ui->theme.attr[UI_TITLE][0], cur = ui->theme.attr[UI_TITLE_FOCUS][0];

	if (ui->focus != PANE_EDITOR)
		cur = ui->theme.attr[UI_TITLE][0] | A_BOLD | A_UNDERLINE;
	for (size_t i = 0; i < app->nbufs; i++) {
		const char *name = ui_display_name(ui, buf_path(app->bufs[i]));
		const char *base = strrchr(name, '/');

		ui_put_fmt(&r, app->bufs[i] == app->view.buf ? cur : other, " %s%s ", base ? base + 1 : name,
			   buf_modified(app->bufs[i]) ? "+" : "");
		ui_put_text(&r, " ", 1, other);
	}
	if (ui->old_buf && ui->old_label)
		ui_put_fmt(&r, app->view.buf == ui->old_buf ? cur | A_ITALIC : other | A_ITALIC, " %s (read-only) ",
			   ui->old_label);
	if (ui->zoomed == PANE_EDITOR)
		ui_put_text(&r, " (zoomed)", 9, other);
	ui_fill(&r, other);
}

/* One character of the text with the horizontal scroll: cells before left
 * are skipped (a wide character cut by the edge becomes spaces). */
static size_t draw_char(struct ui_row *r, const char *s, size_t n, size_t *col, size_t left, attr_t attr)
{
	unsigned char c = (unsigned char)*s;
	size_t k, w;

	if (*col >= left) {
		int x = r->x;

		k = ui_put_char(r, s, n, *col, attr);
		*col += (size_t)(r->x - x);
		return k;
	}
	/* Left of the scroll: measure only. */
	if (c == '\t') {
		w = TAB_WIDTH - *col % TAB_WIDTH;
		k = 1;
	} else {
		k = 1;
		w = 1;
		if (c < 0x20 || c == 0x7f) {
			w = 2;
		} else if (c >= 0x80) {
			mbstate_t st;
			wchar_t wc;
			size_t m;
			int cw;

			memset(&st, 0, sizeof(st));
			m = mbrtowc(&wc, s, n, &st);
			if (m != (size_t)-1 && m != (size_t)-2 && m != 0 && (cw = wcwidth(wc)) >= 0) {
				k = m;
				w = (size_t)cw;
			}
		}
	}
	if (*col + w > left) {
		size_t vis = *col + w - left;

		if (r->x + (int)vis > r->end)
			return 0;
		attrset(attr);
		mvhline(r->y, r->x, ' ', (int)vis);
		r->x += (int)vis;
	}
	*col += w;
	return k;
}

static void ed_draw(struct ui *ui, struct ui_pane *p)
{
	const struct view *v = &ui->app->view;
	const struct ui_theme *th = &ui->theme;
	bool tabs = p->h >= MIN_ROWS_FOR_TABS, sel, focused = ui->focus == PANE_EDITOR;
	int y0 = p->y + (tabs ? 1 : 0), rows = p->h - (tabs ? 1 : 0), nd, gutter;
	size_t lines, first, last, s, e, cap, sel_s = 0, sel_e = 0, hits[64];
	struct syn_span *spans = NULL;
	struct mark *marks;
	ssize_t nspans, si = 0;
	regex_t re;
	bool have_re = false;
	char *text;

	if (tabs)
		draw_tabs(ui, p);
	if (!v->buf) {
		struct ui_row r = { .y = y0, .x = p->x, .end = p->x + p->w };

		ui_put_text(&r, "No file is open (Ctrl-E: open FILE).", 36, th->attr[SYN_NONE][0]);
		return;
	}
	lines = buf_line_count(v->buf);
	nd = digits(lines) < 3 ? 3 : digits(lines);
	gutter = nd + 2; /* the mark, the number, a blank */
	if (p->w < gutter + MIN_TEXT_COLS)
		gutter = 0;
	ui->text_rows = rows;
	ui->text_cols = p->w - gutter;
	ui->text_y = y0;
	ui->text_x = p->x + gutter;
	ui_editor_scroll(ui);
	last = ui->top + (size_t)rows - 1 < lines ? ui->top + (size_t)rows - 1 : lines;
	buf_line_span(v->buf, ui->top, &first, &e);
	buf_line_span(v->buf, last, &s, &e);
	nspans = buf_highlight(v->buf, first, e, &spans);
	if (nspans < 0)
		nspans = 0; /* draw without colours rather than not at all */
	marks = calloc((size_t)rows, sizeof(*marks));
	if (marks)
		collect_marks(ui, v->buf, ui->top, (size_t)rows, marks);
	sel = ui_edit_selection(ui, &sel_s, &sel_e);
	if (ui->search_hl && ui->app->search && regcomp(&re, ui->app->search, REG_EXTENDED | REG_NEWLINE) == 0)
		have_re = true;

	/* A line is read only as far as the screen could show it. */
	cap = (ui->left + (size_t)p->w) * 4 + 64;
	text = malloc(cap);
	for (int y = 0; y < rows; y++) {
		size_t line = ui->top + (size_t)y, len, col = 0, k, nhits = 0, h = 0;
		bool cur = line == v->line;
		size_t left = cur ? ui->left : 0;
		struct ui_row r = { .y = y0 + y, .x = p->x, .end = p->x + p->w };

		if (line > lines) {
			ui_put_text(&r, "~", 1, th->attr[UI_LINENR][0]);
			ui_fill(&r, th->attr[SYN_NONE][0]);
			continue;
		}
		if (gutter) {
			const struct mark *m = marks ? &marks[y] : &(struct mark){ ' ', UI_LINENR, 0 };

			ui_put_char(&r, &m->c, 1, 0, th->attr[m->elem][cur]);
			ui_put_fmt(&r, th->attr[m->prio >= 4 ? m->elem : UI_LINENR][cur], "%*zu ", nd, line);
		}
		buf_line_span(v->buf, line, &s, &e);
		len = text ? buf_read(v->buf, s, e - s < cap ? e - s : cap, text) : 0;
		if (have_re)
			nhits = line_matches(&re, text, len, hits, sizeof(hits) / sizeof(hits[0]));
		if (cur && focused) {
			/* Past the right edge unless found on the way. */
			ui->cy = r.y;
			ui->cx = r.end - 1;
		}
		for (size_t i = 0; i < len; i += k) {
			enum syn_class class = class_at(spans, nspans, &si, s + i);
			attr_t attr = th->attr[class][0];
			int x = r.x;

			while (h + 1 < nhits && hits[h + 1] <= i)
				h += 2;
			if (sel && s + i >= sel_s && s + i < sel_e)
				attr = th->attr[UI_SELECTION][0];
			else if (h + 1 < nhits && hits[h] <= i && i < hits[h + 1])
				attr = th->attr[UI_SEARCH][0];
			k = draw_char(&r, text + i, len - i, &col, left, attr);
			if (k == 0)
				break;
			if (cur && focused && i + 1 == v->col && r.x > x)
				ui->cx = x;
			else if (cur && focused && i + 1 == v->col && col <= left)
				ui->cx = r.x;
		}
		if (cur && focused && v->col > len && len == e - s)
			ui->cx = r.x;
		/* The newline of a selected line is shown as one selected cell. */
		if (sel && e >= sel_s && e < sel_e && r.x < r.end)
			ui_put_text(&r, " ", 1, th->attr[UI_SELECTION][0]);
		ui_fill(&r, th->attr[SYN_NONE][0]);
	}
	if (ui->cx >= p->x + p->w)
		ui->cx = p->x + p->w - 1;
	if (have_re)
		regfree(&re);
	free(text);
	free(marks);
	free(spans);
}

static bool ed_key(struct ui *ui, struct ui_pane *p, int key)
{
	return ui_edit_key(ui, key);
}

const struct ui_pane_type ui_editor_pane = {
	.name = "editor",
	.title = "Editor",
	.draw = ed_draw,
	.key = ed_key,
	.help = "typing\tinserts (Enter, Tab, Backspace, Delete edit too)\n"
		"arrows Home End PgUp PgDn\tmove (Ctrl-Home/End: file start/end)\n"
		"Shift-arrows, Ctrl-Space\tselect (Ctrl-Space starts a selection moves extend)\n"
		"Ctrl-C Ctrl-X Ctrl-V\tcopy, cut, paste (copy also reaches the local clipboard)\n"
		"Ctrl-Z Ctrl-Y\tundo, redo\n"
		"Ctrl-S\tsave\n"
		"Ctrl-F, F3\tfind (incremental), find next\n"
		"Ctrl-G\tgo to line\n"
		"Ctrl-E\tthe ':' command line\n",
};
