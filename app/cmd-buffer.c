/* Commands that change the text of the current buffer, save it, search it
 * and recover it: what a user types, as commands, so scripts edit exactly the
 * way keys do. Each command is one undo step and one EDIT_APPLIED event. */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "app/cmd-int.h"
#include "editor/editor.h"

static int need_buffer(struct cmd_ctx *ctx)
{
	if (!ctx->app->view.buf)
		return cmd_error(ctx, "%s: no file is open (use 'open FILE')", ctx->entry->name);
	return 0;
}

/* Byte offset of the cursor. */
static size_t cursor_pos(const struct view *v)
{
	size_t start, end;

	buf_line_span(v->buf, v->line, &start, &end);
	return start + v->col - 1 > end ? end : start + v->col - 1;
}

static void edited(struct cmd_ctx *ctx)
{
	struct view *v = &ctx->app->view;

	bus_emit_edit_applied(ctx->app->bus, &(struct ev_edit_applied){
		.path = buf_path(v->buf), .command = ctx->entry->name,
		.version = (int64_t)buf_version(v->buf), .line = (int64_t)v->line });
}

static int cmd_insert(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct view *v = &ctx->app->view;
	size_t len, pos;
	char *text;
	int err;

	if (need_buffer(ctx) < 0)
		return -1;
	text = cmd_unescape(argv[1], &len);
	if (!text)
		return cmd_error(ctx, "insert: out of memory");
	pos = cursor_pos(v);
	err = buf_insert(v->buf, pos, text, len);
	free(text);
	if (err < 0)
		return cmd_error(ctx, "insert: %s", strerror(-err));
	app_view_goto_pos(v, pos + len);
	edited(ctx);
	return 0;
}

const struct cmd_entry cmd_insert_entry = {
	.name = "insert",
	.alias = "i",
	.usage = "TEXT",
	.help = "Insert TEXT at the cursor (\\n, \\t and \\\\ are newline, tab, backslash)",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_insert,
};

/* Bytes taken by n characters from pos (a newline is a character). */
static size_t chars_to_bytes(const struct buffer *buf, size_t pos, long long n)
{
	size_t size = buf_size(buf), p = pos;
	char c;

	while (n-- > 0 && p < size) {
		p++;
		/* continuation bytes belong to the character */
		while (p < size && buf_read(buf, p, 1, &c) == 1 && ((unsigned char)c & 0xc0) == 0x80)
			p++;
	}
	return p - pos;
}

static long long count_arg(struct cmd_ctx *ctx, int argc, char **argv, bool *ok)
{
	char *end;
	long long n = 1;

	*ok = true;
	if (argc >= 2) {
		n = strtoll(argv[1], &end, 10);
		if (*end || n < 1) {
			*ok = false;
			cmd_error(ctx, "%s: '%s' is not a count (1 or more)", ctx->entry->name, argv[1]);
		}
	}
	return n;
}

static int cmd_delete(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct view *v = &ctx->app->view;
	size_t pos, len;
	bool ok;
	long long n;
	int err;

	/* gdb's `delete breakpoints N`: the one name, two meanings. */
	if (argc >= 2 && (strcmp(argv[1], "breakpoints") == 0 || strcmp(argv[1], "breakpoint") == 0))
		return cmd_delete_breakpoints(ctx, argc, argv);
	if (argc > 2)
		return cmd_error(ctx, "usage: delete [N] | delete breakpoints [N...]");
	if (need_buffer(ctx) < 0)
		return -1;
	n = count_arg(ctx, argc, argv, &ok);
	if (!ok)
		return -1;
	pos = cursor_pos(v);
	len = chars_to_bytes(v->buf, pos, n);
	if (len == 0)
		return cmd_error(ctx, "delete: nothing to delete at the end of the file");
	err = buf_delete(v->buf, pos, len);
	if (err < 0)
		return cmd_error(ctx, "delete: %s", strerror(-err));
	app_view_goto_pos(v, pos);
	edited(ctx);
	return 0;
}

const struct cmd_entry cmd_delete_entry = {
	.name = "delete",
	.usage = "[N] | breakpoints [N...]",
	.help = "Delete N characters (default 1) from the cursor on; or breakpoints N (all without N)",
	.min_args = 0,
	.max_args = -1,
	.exec = cmd_delete,
};

static int cmd_delete_line(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct view *v = &ctx->app->view;
	size_t first, last, start, end, lines;
	bool ok;
	long long n;
	int err;

	if (need_buffer(ctx) < 0)
		return -1;
	n = count_arg(ctx, argc, argv, &ok);
	if (!ok)
		return -1;
	lines = buf_line_count(v->buf);
	first = v->line;
	last = first + (size_t)n - 1 > lines ? lines : first + (size_t)n - 1;
	buf_line_span(v->buf, first, &start, &end);
	buf_line_span(v->buf, last, &end, &end);
	if (end < buf_size(v->buf)) {
		end++; /* the last line's newline goes with it */
	} else if (start > 0) {
		start--; /* no newline after the last line: take the one before */
	}
	if (end == start)
		return cmd_error(ctx, "delete-line: the file is empty");
	err = buf_delete(v->buf, start, end - start);
	if (err < 0)
		return cmd_error(ctx, "delete-line: %s", strerror(-err));
	v->line = first > buf_line_count(v->buf) ? buf_line_count(v->buf) : first;
	v->col = 1;
	edited(ctx);
	return 0;
}

const struct cmd_entry cmd_delete_line_entry = {
	.name = "delete-line",
	.usage = "[N]",
	.help = "Delete N lines (default 1) from the cursor's line on",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_delete_line,
};

static int cmd_replace(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct view *v = &ctx->app->view;
	size_t start, end, old_len, new_len;
	char *line = NULL, *old = NULL, *new = NULL, *hit;
	int err = -1;

	if (need_buffer(ctx) < 0)
		return -1;
	buf_line_span(v->buf, v->line, &start, &end);
	line = malloc(end - start + 1);
	old = cmd_unescape(argv[1], &old_len);
	new = cmd_unescape(argv[2], &new_len);
	if (!line || !old || !new) {
		cmd_error(ctx, "replace: out of memory");
		goto out;
	}
	buf_read(v->buf, start, end - start, line);
	line[end - start] = '\0';
	hit = old_len ? memmem(line, end - start, old, old_len) : NULL;
	if (!hit) {
		cmd_error(ctx, "replace: '%s' is not on line %zu", argv[1], v->line);
		goto out;
	}
	buf_group_begin(v->buf);
	err = buf_delete(v->buf, start + (size_t)(hit - line), old_len);
	if (err == 0)
		err = buf_insert(v->buf, start + (size_t)(hit - line), new, new_len);
	buf_group_end(v->buf);
	if (err < 0) {
		cmd_error(ctx, "replace: %s", strerror(-err));
		err = -1;
		goto out;
	}
	app_view_goto_pos(v, start + (size_t)(hit - line) + new_len);
	edited(ctx);
out:
	free(line);
	free(old);
	free(new);
	return err;
}

const struct cmd_entry cmd_replace_entry = {
	.name = "replace",
	.usage = "OLD NEW",
	.help = "Replace the first OLD on the cursor's line with NEW",
	.min_args = 2,
	.max_args = 2,
	.exec = cmd_replace,
};

static int cmd_undo_redo(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct view *v = &ctx->app->view;
	bool redo = strcmp(ctx->entry->name, "redo") == 0;
	size_t pos;
	int err;

	if (need_buffer(ctx) < 0)
		return -1;
	err = redo ? buf_redo(v->buf, &pos) : buf_undo(v->buf, &pos);
	if (err == -ENOENT)
		return cmd_error(ctx, "%s: nothing to %s", ctx->entry->name, ctx->entry->name);
	if (err < 0)
		return cmd_error(ctx, "%s: %s", ctx->entry->name, strerror(-err));
	app_view_goto_pos(v, pos);
	edited(ctx);
	return 0;
}

const struct cmd_entry cmd_undo_entry = {
	.name = "undo",
	.usage = "",
	.help = "Undo the last change (itself recorded as a change)",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_undo_redo,
};

const struct cmd_entry cmd_redo_entry = {
	.name = "redo",
	.usage = "",
	.help = "Redo the last change undone",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_undo_redo,
};

static int cmd_save(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct view *v = &ctx->app->view;
	char *err = NULL;

	if (need_buffer(ctx) < 0)
		return -1;
	if (buf_save(v->buf, strcmp(ctx->entry->name, "save!") == 0, &err) < 0) {
		cmd_error(ctx, "%s: %s", ctx->entry->name, err ? err : "failed");
		free(err);
		return -1;
	}
	bus_emit_file_saved(ctx->app->bus, &(struct ev_file_saved){
		.path = buf_path(v->buf), .bytes = (int64_t)buf_size(v->buf),
		.version = (int64_t)buf_version(v->buf) });
	return 0;
}

const struct cmd_entry cmd_save_entry = {
	.name = "save",
	.alias = "w",
	.usage = "",
	.help = "Write the file (refused if it changed on disk or is read-only)",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_save,
};

const struct cmd_entry cmd_save_force_entry = {
	.name = "save!",
	.alias = "w!",
	.usage = "",
	.help = "Write the file even if it changed on disk or is read-only",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_save,
};

/*
 * Search: POSIX extended regexes, one line at a time, from the cursor on
 * (or back), wrapping around the file once.
 */
static char *line_text(const struct buffer *buf, size_t line, size_t *start)
{
	size_t end;
	char *s;

	buf_line_span(buf, line, start, &end);
	s = malloc(end - *start + 1);
	if (s) {
		buf_read(buf, *start, end - *start, s);
		s[end - *start] = '\0';
	}
	return s;
}

/* Finds the first match in line at byte offset >= from (forward), or the
 * last one starting before `from` (backward). Returns its offset or -1. */
static long match_in_line(const regex_t *re, const char *s, size_t from, bool back)
{
	long found = -1;
	size_t off = 0, len = strlen(s);
	regmatch_t m;

	while (off <= len && regexec(re, s + off, 1, &m, off ? REG_NOTBOL : 0) == 0) {
		size_t at = off + (size_t)m.rm_so;

		if (!back && at >= from)
			return (long)at;
		if (back && at >= from)
			break;
		if (back)
			found = (long)at;
		off = at + 1; /* overlapping matches: next start one byte on */
	}
	return found;
}

static int search(struct cmd_ctx *ctx, bool back)
{
	struct app *app = ctx->app;
	struct view *v = &app->view;
	size_t lines = buf_line_count(v->buf);
	regex_t re;
	int rc;

	rc = regcomp(&re, app->search, REG_EXTENDED | REG_NEWLINE);
	if (rc != 0) {
		char msg[128];

		regerror(rc, &re, msg, sizeof(msg));
		return cmd_error(ctx, "%s: bad regex '%s': %s", ctx->entry->name, app->search, msg);
	}
	for (size_t i = 0; i <= lines; i++) {
		/* i == 0 is the cursor's line from the cursor; i == lines is the
		 * same line again, the part before (after) the cursor. */
		size_t line = back ? (v->line + lines - i - 1) % lines + 1 : (v->line - 1 + i) % lines + 1;
		size_t start, from;
		char *s = line_text(v->buf, line, &start);
		long at;

		if (!s) {
			regfree(&re);
			return cmd_error(ctx, "%s: out of memory", ctx->entry->name);
		}
		if (i == 0)
			from = back ? v->col - 1 : v->col; /* not the match under the cursor */
		else
			from = back ? strlen(s) + 1 : 0;
		at = match_in_line(&re, s, from, back);
		free(s);
		if (at >= 0) {
			bool wrapped = back ? (line > v->line || (line == v->line && i > 0))
					    : (line < v->line || (line == v->line && i > 0));

			regfree(&re);
			v->line = line;
			v->col = (size_t)at + 1;
			if (wrapped)
				cmd_print(ctx, "search wrapped around the file");
			return 0;
		}
	}
	regfree(&re);
	return cmd_error(ctx, "%s: '%s' not found", ctx->entry->name, app->search);
}

static int cmd_search(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;

	if (need_buffer(ctx) < 0)
		return -1;
	if (argc == 2) {
		char *s = strdup(argv[1]);

		if (!s)
			return cmd_error(ctx, "search: out of memory");
		free(app->search);
		app->search = s;
	} else if (!app->search) {
		return cmd_error(ctx, "%s: no search yet (use 'search REGEX')", ctx->entry->name);
	}
	return search(ctx, strcmp(ctx->entry->name, "search-prev") == 0);
}

const struct cmd_entry cmd_search_entry = {
	.name = "search",
	.alias = "/",
	.usage = "REGEX",
	.help = "Move to the next match of REGEX (POSIX extended), wrapping around",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_search,
};

const struct cmd_entry cmd_search_next_entry = {
	.name = "search-next",
	.usage = "",
	.help = "Move to the next match of the last search",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_search,
};

const struct cmd_entry cmd_search_prev_entry = {
	.name = "search-prev",
	.usage = "",
	.help = "Move to the previous match of the last search",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_search,
};

static int cmd_recover(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct view *v = &ctx->app->view;
	bool discard = strcmp(ctx->entry->name, "discard") == 0;
	size_t n;
	int err;

	if (need_buffer(ctx) < 0)
		return -1;
	n = buf_recovery_count(v->buf);
	if (n == 0)
		return cmd_error(ctx, "%s: '%s' has no unsaved edits from an earlier session",
				 ctx->entry->name, buf_path(v->buf));
	if (discard) {
		buf_recovery_discard(v->buf);
		cmd_print(ctx, "dropped %zu unsaved edits of '%s'", n, buf_path(v->buf));
		return 0;
	}
	err = buf_recover(v->buf);
	if (err == -EINVAL)
		return cmd_error(ctx, "recover: the journal's edits do not fit '%s'; nothing changed",
				 buf_path(v->buf));
	if (err < 0)
		return cmd_error(ctx, "recover: %s", strerror(-err));
	cmd_print(ctx, "recovered %zu edits of '%s' (not saved yet)", n, buf_path(v->buf));
	edited(ctx);
	return 0;
}

const struct cmd_entry cmd_recover_entry = {
	.name = "recover",
	.usage = "",
	.help = "Restore the unsaved edits an earlier session left for this file",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_recover,
};

const struct cmd_entry cmd_discard_entry = {
	.name = "discard",
	.usage = "",
	.help = "Drop the unsaved edits an earlier session left for this file",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_recover,
};
