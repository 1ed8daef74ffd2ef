/* The editor pane: the visible lines of the view's buffer in syntax colours
 * with a line-number gutter and the cursor line, and the status line under
 * it. Drawing is a pure function of the session and the scroll position.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "build/build.h"
#include "ui/ui-int.h"

#define TAB_WIDTH 8
/* The gutter goes when it would leave the text fewer columns than this. */
#define MIN_TEXT_COLS 8

/* A screen row being filled left to right, clipped at its right edge. */
struct row {
	int y;     /* screen row */
	int x;     /* next free column */
	int width; /* columns in the row */
};

size_t ui_editor_rows(void)
{
	return LINES > 1 ? (size_t)LINES - 1 : 1;
}

/*
 * Draws the character at s (at most n bytes) at the row's next column and
 * returns the bytes it took, or 0 when it does not fit (the row is full).
 * col is its column in the text, for tab stops. Tabs become spaces, control
 * bytes ^X, bytes that are not valid in the locale's encoding '?'.
 */
static size_t put_char(struct row *r, const char *s, size_t n, size_t col, attr_t attr)
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
	if (r->x + w > r->width)
		return 0;
	/* A combining character (w == 0) joins the cell drawn before it. */
	attrset(attr);
	mvaddnstr(r->y, r->x, out, outlen);
	r->x += w;
	return len;
}

/* Draws s[0..n) with one attribute, as far as it fits. */
static void put_text(struct row *r, const char *s, size_t n, attr_t attr)
{
	size_t k, col = 0;

	for (size_t i = 0; i < n; i += k, col++) {
		k = put_char(r, s + i, n - i, col, attr);
		if (k == 0)
			break;
	}
}

/* Blanks the rest of the row with attr. */
static void fill(struct row *r, attr_t attr)
{
	if (r->x < r->width)
		mvhline(r->y, r->x, ' ' | attr, r->width - r->x);
	r->x = r->width;
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

/* Moves the scroll position so the cursor line is on screen, and no more
 * rows than needed are left empty past the end of the file. */
static void scroll_to_cursor(struct ui *ui, size_t rows)
{
	const struct view *v = &ui->app->view;
	size_t lines = buf_line_count(v->buf);
	size_t line = v->line < 1 ? 1 : v->line > lines ? lines : v->line;

	if (ui->shown != v->buf) {
		ui->shown = v->buf;
		ui->top = 1;
	}
	if (ui->top + rows > lines + 1)
		ui->top = lines + 1 > rows ? lines + 1 - rows : 1;
	if (ui->top < 1)
		ui->top = 1;
	if (line < ui->top)
		ui->top = line;
	else if (line >= ui->top + rows)
		ui->top = line - rows + 1;
}

/* The class of the byte at pos: spans are sorted, *i only moves forward. */
static enum syn_class class_at(const struct syn_span *spans, ssize_t n, ssize_t *i, size_t pos)
{
	while (*i < n && spans[*i].end <= pos)
		(*i)++;
	return *i < n && spans[*i].start <= pos ? spans[*i].class : SYN_NONE;
}

/* Draws the buffer's lines from ui->top into rows rows; sets *cy, *cx to
 * where the cursor is on screen. */
static void draw_lines(struct ui *ui, size_t rows, int *cy, int *cx)
{
	const struct view *v = &ui->app->view;
	const struct ui_theme *th = &ui->theme;
	size_t lines = buf_line_count(v->buf), first, last, s, e, cap;
	int nd = digits(lines) < 3 ? 3 : digits(lines), gutter = nd + 1;
	struct syn_span *spans = NULL;
	ssize_t nspans, si = 0;
	char *text;

	if (COLS < gutter + MIN_TEXT_COLS)
		gutter = 0;
	scroll_to_cursor(ui, rows);
	last = ui->top + rows - 1 < lines ? ui->top + rows - 1 : lines;
	buf_line_span(v->buf, ui->top, &first, &e);
	buf_line_span(v->buf, last, &s, &e);
	nspans = buf_highlight(v->buf, first, e, &spans);
	if (nspans < 0)
		nspans = 0; /* draw without colours rather than not at all */

	/* A line is read only as far as the screen could show it. */
	cap = (size_t)COLS * 4 + 64;
	text = malloc(cap);
	*cy = 0;
	*cx = gutter;
	for (size_t y = 0; y < rows; y++) {
		size_t line = ui->top + y, len, col = 0, k;
		bool cur = line == v->line;
		struct row r = { .y = (int)y, .width = COLS };
		char num[32];

		if (line > lines) {
			put_text(&r, "~", 1, th->attr[UI_LINENR][0]);
			fill(&r, th->attr[SYN_NONE][0]);
			continue;
		}
		if (gutter) {
			snprintf(num, sizeof(num), "%*zu ", nd, line);
			put_text(&r, num, strlen(num), th->attr[UI_LINENR][cur]);
		}
		buf_line_span(v->buf, line, &s, &e);
		len = text ? buf_read(v->buf, s, e - s < cap ? e - s : cap, text) : 0;
		if (cur) {
			/* Past the right edge unless found on the way. */
			*cy = (int)y;
			*cx = COLS - 1;
		}
		for (size_t i = 0; i < len; i += k) {
			enum syn_class class = class_at(spans, nspans, &si, s + i);
			int x = r.x;

			k = put_char(&r, text + i, len - i, col, th->attr[class][cur]);
			if (k == 0)
				break;
			if (cur && i < v->col && v->col <= i + k)
				*cx = x;
			col += (size_t)(r.x - x);
		}
		if (cur && v->col > len && len == e - s)
			*cx = r.x;
		fill(&r, th->attr[SYN_NONE][cur]);
	}
	if (*cx >= COLS)
		*cx = COLS - 1;
	free(text);
	free(spans);
}

/* The buffer's path as the user knows it: relative to the project. */
static const char *display_name(const struct app *app)
{
	const char *path = buf_path(app->view.buf), *dir;
	size_t n;

	if (!app->project)
		return path;
	dir = project_dir(app->project);
	n = strlen(dir);
	if (strncmp(path, dir, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

/* The status line: file, line:col, lines, then the latest message. */
static void draw_status(struct ui *ui, int y)
{
	const struct app *app = ui->app;
	struct row r = { .y = y, .width = COLS };
	attr_t attr = ui->theme.attr[UI_STATUS][0];
	char *left = NULL;
	int n;

	if (app->view.buf)
		n = asprintf(&left, " %s  %zu:%zu  %zu lines  ", display_name(app), app->view.line,
			     app->view.col, buf_line_count(app->view.buf));
	else
		n = asprintf(&left, " no file  ");
	if (n > 0)
		put_text(&r, left, (size_t)n, attr);
	free(left);
	if (ui->message)
		put_text(&r, ui->message, strlen(ui->message),
			 ui->message_error ? ui->theme.attr[UI_ERROR][0] : attr);
	fill(&r, attr);
}

void ui_editor_draw(struct ui *ui)
{
	const struct view *v = &ui->app->view;
	size_t rows = LINES > 1 ? (size_t)LINES - 1 : 0;
	int cy = 0, cx = 0;

	erase();
	if (LINES < 1 || COLS < 1)
		return;
	if (rows && v->buf) {
		draw_lines(ui, rows, &cy, &cx);
	} else if (rows) {
		struct row r = { .y = 0, .width = COLS };

		put_text(&r, "No file is open.", 16, ui->theme.attr[SYN_NONE][0]);
	}
	draw_status(ui, LINES - 1);
	move(cy, cx);
}
