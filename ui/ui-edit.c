/* Editing in the editor pane: typed text, Enter (with the line's indent),
 * Tab, Backspace and Delete go straight to the buffer API that the insert
 * and delete commands use, so the edit log and the line maps record every
 * key. A run of typing is one undo step (closed by anything that is not
 * typing), a bracketed paste is one, and so are cut and paste. Also the
 * selection, and the clipboard, which copy also sends to the terminal's
 * own clipboard with OSC 52 (so it reaches the local machine over SSH).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui/ui-int.h"

size_t ui_edit_cursor(const struct ui *ui)
{
	const struct view *v = &ui->app->view;
	size_t start, end;

	buf_line_span(v->buf, v->line, &start, &end);
	return start + v->col - 1 > end ? end : start + v->col - 1;
}

void ui_edit_cursor_set(struct ui *ui, size_t pos)
{
	app_view_goto_pos(&ui->app->view, pos);
}

bool ui_edit_selection(const struct ui *ui, size_t *start, size_t *end)
{
	size_t cur, size;

	if (!ui->sel || !ui->app->view.buf)
		return false;
	cur = ui_edit_cursor(ui);
	size = buf_size(ui->app->view.buf);
	*start = cur < ui->sel_anchor ? cur : ui->sel_anchor;
	*end = cur < ui->sel_anchor ? ui->sel_anchor : cur;
	if (*end > size)
		*end = size;
	return *start < *end;
}

/* One EDIT_APPLIED for a run of keys, not one per key. */
static void edited(struct ui *ui, const struct buffer *buf, const char *what)
{
	bus_emit_edit_applied(ui->app->bus, &(struct ev_edit_applied){
		.path = buf_path(buf), .command = what, .version = (int64_t)buf_version(buf),
		.line = (int64_t)ui->app->view.line });
	ui->dirty = true;
}

void ui_edit_typing_end(struct ui *ui)
{
	if (!ui->typing)
		return;
	ui->typing = false;
	buf_group_end((struct buffer *)ui->typing_buf);
	edited(ui, ui->typing_buf, "type");
	ui->typing_buf = NULL;
}

/* Opens the typing group on the current buffer if it is not open. */
static void typing_begin(struct ui *ui)
{
	struct buffer *buf = ui->app->view.buf;

	if (ui->typing && ui->typing_buf == buf)
		return;
	ui_edit_typing_end(ui);
	buf_group_begin(buf);
	ui->typing = true;
	ui->typing_buf = buf;
}

/* Deletes the selection (inside the caller's group); true if there was one. */
static bool delete_selection(struct ui *ui)
{
	size_t s, e;

	if (!ui_edit_selection(ui, &s, &e)) {
		ui->sel = false;
		return false;
	}
	ui->sel = ui->sel_mark = false;
	if (buf_delete(ui->app->view.buf, s, e - s) < 0) {
		ui_say(ui, true, "cannot delete the selection: out of memory");
		return false;
	}
	ui_edit_cursor_set(ui, s);
	return true;
}

/* Inserts s at the cursor and moves it after. */
static void insert(struct ui *ui, const char *s, size_t len)
{
	size_t pos = ui_edit_cursor(ui);

	if (buf_insert(ui->app->view.buf, pos, s, len) < 0) {
		ui_say(ui, true, "cannot insert: out of memory");
		return;
	}
	ui_edit_cursor_set(ui, pos + len);
}

/* Bytes of the character before (after) pos. */
static size_t char_len(const struct buffer *buf, size_t pos, bool before)
{
	size_t size = buf_size(buf), p = pos;
	char c;

	if (before) {
		if (p == 0)
			return 0;
		do
			p--;
		while (p > 0 && buf_read(buf, p, 1, &c) == 1 && ((unsigned char)c & 0xc0) == 0x80);
		return pos - p;
	}
	if (p >= size)
		return 0;
	p++;
	while (p < size && buf_read(buf, p, 1, &c) == 1 && ((unsigned char)c & 0xc0) == 0x80)
		p++;
	return p - pos;
}

/* Enter: a newline and the current line's leading blanks. */
static void newline(struct ui *ui)
{
	const struct view *v = &ui->app->view;
	size_t start, end, n;
	char indent[257];

	buf_line_span(v->buf, v->line, &start, &end);
	n = buf_read(v->buf, start, sizeof(indent) - 1 < end - start ? sizeof(indent) - 1 : end - start, indent + 1);
	indent[0] = '\n';
	n = strspn(indent + 1, " \t") < n ? strspn(indent + 1, " \t") : n;
	/* Only as far as the cursor: Enter inside the indent splits it. */
	if (n > v->col - 1)
		n = v->col - 1;
	insert(ui, indent, n + 1);
}

bool ui_edit_key(struct ui *ui, int key)
{
	struct buffer *buf = ui->app->view.buf;
	size_t pos, n;
	char utf8[MB_LEN_MAX + 1];

	if (!buf)
		return false;
	if (buf == ui->old_buf && (key == '\r' || key == '\t' || key == 0x7f || (key >= 0x20 && key < UI_FN) ||
				   key == (UI_FN | KEY_BACKSPACE) || key == (UI_FN | KEY_DC))) {
		ui_say(ui, true, "this is the old code's source, read-only: edit the file's own tab");
		return true;
	}
	if (key == '\r' || key == '\n' || key == (UI_FN | KEY_ENTER)) {
		ui_edit_typing_end(ui);
		buf_group_begin(buf);
		delete_selection(ui);
		newline(ui);
		buf_group_end(buf);
		edited(ui, buf, "newline");
		return true;
	}
	if (key == 0x7f || key == UI_CTRL('h') || key == (UI_FN | KEY_BACKSPACE) || key == (UI_FN | KEY_DC)) {
		bool back = key != (UI_FN | KEY_DC);

		typing_begin(ui);
		if (delete_selection(ui))
			return true;
		pos = ui_edit_cursor(ui);
		n = char_len(buf, pos, back);
		if (n == 0)
			return true;
		if (buf_delete(buf, back ? pos - n : pos, n) == 0)
			ui_edit_cursor_set(ui, back ? pos - n : pos);
		ui->dirty = true;
		return true;
	}
	if (key == '\t' || (key >= 0x20 && key < UI_FN && key != 0x7f)) {
		mbstate_t st;

		memset(&st, 0, sizeof(st));
		n = wcrtomb(utf8, (wchar_t)key, &st);
		if (n == (size_t)-1)
			return false;
		typing_begin(ui);
		delete_selection(ui);
		insert(ui, utf8, n);
		ui->dirty = true;
		return true;
	}
	return false;
}

void ui_edit_paste(struct ui *ui, const char *s, size_t len)
{
	struct buffer *buf = ui->app->view.buf;
	char *text;
	size_t n = 0;

	if (!buf || len == 0)
		return;
	/* Terminals send Enter as CR: a pasted CRLF or CR is one newline. */
	text = malloc(len);
	if (!text)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r') {
			text[n++] = '\n';
			if (i + 1 < len && s[i + 1] == '\n')
				i++;
		} else {
			text[n++] = s[i];
		}
	}
	ui_edit_typing_end(ui);
	buf_group_begin(buf);
	delete_selection(ui);
	insert(ui, text, n);
	buf_group_end(buf);
	free(text);
	edited(ui, buf, "paste");
}

/* Base64 of s[0..n), for OSC 52. */
static char *base64(const char *s, size_t n)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;

		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		*o++ = digits[(v >> 18) & 63];
		*o++ = digits[(v >> 12) & 63];
		*o++ = i + 1 < n ? digits[(v >> 6) & 63] : '=';
		*o++ = i + 2 < n ? digits[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

/* Copies [s, e) to the clipboard, and to the terminal's with OSC 52. */
static int copy_range(struct ui *ui, size_t s, size_t e)
{
	char *text = malloc(e - s + 1), *b64;

	if (!text)
		return -1;
	buf_read(ui->app->view.buf, s, e - s, text);
	text[e - s] = '\0';
	free(ui->clip);
	ui->clip = text;
	ui->cliplen = e - s;
	b64 = base64(text, e - s);
	free(ui->osc);
	ui->osc = NULL;
	if (b64 && asprintf(&ui->osc, "\033]52;c;%s\a", b64) < 0)
		ui->osc = NULL;
	free(b64);
	return 0;
}

/* The selection, or the cursor's whole line (with its newline) without one. */
static void copy_extent(struct ui *ui, size_t *s, size_t *e)
{
	const struct view *v = &ui->app->view;

	if (ui_edit_selection(ui, s, e))
		return;
	buf_line_span(v->buf, v->line, s, e);
	if (*e < buf_size(v->buf))
		(*e)++;
}

int ui_edit_command(struct ui *ui, struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *name = ctx->entry->name;
	struct view *v = &ui->app->view;
	size_t s, e;

	if (!v->buf)
		return cmd_error(ctx, "%s: no file is open", name);
	ui_edit_typing_end(ui);
	if (v->buf == ui->old_buf && (strcmp(name, "cut") == 0 || strcmp(name, "paste") == 0))
		return cmd_error(ctx, "%s: this is the old code's source, read-only", name);
	if (strcmp(name, "select") == 0) {
		char *line = NULL, *err = NULL;
		int rc;

		if (strcmp(argv[1], "all") == 0) {
			ui->sel = true;
			ui->sel_anchor = 0;
			ui_edit_cursor_set(ui, buf_size(v->buf));
			return 0;
		}
		if (strncmp(argv[1], "cursor-", 7) != 0 && strncmp(argv[1], "line-", 5) != 0 &&
		    strncmp(argv[1], "page-", 5) != 0 && strncmp(argv[1], "file-", 5) != 0)
			return cmd_error(ctx, "select: '%s' is not a cursor command (cursor-left, line-end, page-down...)",
					 argv[1]);
		if (!ui->sel) {
			ui->sel = true;
			ui->sel_anchor = ui_edit_cursor(ui);
		}
		if (asprintf(&line, "%s %s", argv[1], argc > 2 ? argv[2] : "1") < 0)
			return cmd_error(ctx, "select: out of memory");
		rc = cmd_run_line(ui->app, line, ctx->source, &err);
		free(line);
		if (rc < 0) {
			cmd_error(ctx, "%s", err ? err : "select failed");
			free(err);
			return -1;
		}
		free(err);
		return 0;
	}
	if (strcmp(name, "paste") == 0) {
		if (!ui->clip)
			return cmd_error(ctx, "paste: the clipboard is empty (copy or cut first)");
		buf_group_begin(v->buf);
		delete_selection(ui);
		insert(ui, ui->clip, ui->cliplen);
		buf_group_end(v->buf);
		edited(ui, v->buf, "paste");
		return 0;
	}
	copy_extent(ui, &s, &e);
	if (e == s)
		return cmd_error(ctx, "%s: nothing to %s", name, name);
	if (copy_range(ui, s, e) < 0)
		return cmd_error(ctx, "%s: out of memory", name);
	if (strcmp(name, "cut") == 0) {
		if (buf_delete(v->buf, s, e - s) < 0)
			return cmd_error(ctx, "cut: out of memory");
		ui_edit_cursor_set(ui, s);
		edited(ui, v->buf, "cut");
	}
	ui->sel = ui->sel_mark = false;
	cmd_print(ctx, "%s %zu bytes", strcmp(name, "cut") == 0 ? "cut" : "copied", e - s);
	return 0;
}
