/* Commands that open files and move the cursor of the current view. The UI's
 * keymap runs these too, so a script moves exactly as a user's keys do. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app/cmd-int.h"
#include "build/build.h"
#include "debugger/debugger.h"
#include "editor/editor.h"

static int need_buffer(struct cmd_ctx *ctx)
{
	if (!ctx->app->view.buf)
		return cmd_error(ctx, "%s: no file is open (use 'open FILE')", ctx->entry->name);
	return 0;
}

/* Bytes in line (without its newline). */
static size_t line_len(const struct buffer *buf, size_t line)
{
	size_t start, end;

	return buf_line_span(buf, line, &start, &end) ? end - start : 0;
}

/* Puts the cursor at line:col, both clamped into the buffer. */
static void view_set(struct view *v, long long line, long long col)
{
	long long lines = (long long)buf_line_count(v->buf), len;

	if (line > lines)
		line = lines;
	if (line < 1)
		line = 1;
	len = (long long)line_len(v->buf, (size_t)line);
	if (col > len + 1)
		col = len + 1;
	if (col < 1)
		col = 1;
	v->line = (size_t)line;
	v->col = (size_t)col;
}

/* Parses an optional count argument (default 1). */
static int parse_count(struct cmd_ctx *ctx, int argc, char **argv, long long *out)
{
	char *end;

	*out = 1;
	if (argc < 2)
		return 0;
	*out = strtoll(argv[1], &end, 10);
	if (*end || *out < 0)
		return cmd_error(ctx, "%s: '%s' is not a count", ctx->entry->name, argv[1]);
	return 0;
}

static int cmd_open(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *err = NULL;

	if (app_open_file(ctx->app, argv[1], &err) < 0) {
		cmd_error(ctx, "%s", err ? err : "open failed");
		free(err);
		return -1;
	}
	return 0;
}

const struct cmd_entry cmd_open_entry = {
	.name = "open",
	.alias = "e",
	.usage = "FILE",
	.help = "Open FILE (relative to the project) in the editor",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_open,
};

static int cmd_goto(struct cmd_ctx *ctx, int argc, char **argv)
{
	long long line, col = 1;
	char *end;

	if (need_buffer(ctx) < 0)
		return -1;
	line = strtoll(argv[1], &end, 10);
	if (*end == ':')
		col = strtoll(end + 1, &end, 10);
	if (*end || line < 1 || col < 1)
		return cmd_error(ctx, "goto: '%s' is not LINE or LINE:COL", argv[1]);
	if ((size_t)line > buf_line_count(ctx->app->view.buf))
		return cmd_error(ctx, "goto: line %lld is past the end (%zu lines)", line,
				 buf_line_count(ctx->app->view.buf));
	view_set(&ctx->app->view, line, col);
	return 0;
}

const struct cmd_entry cmd_goto_entry = {
	.name = "goto",
	.usage = "LINE[:COL]",
	.help = "Move the cursor to LINE (and column COL)",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_goto,
};

/* The cursor-* and page-* commands: one handler, told apart by name. */
static int cmd_move(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct view *v = &ctx->app->view;
	const char *name = ctx->entry->name;
	long long n, line, col, page = ctx->app->page_lines ? (long long)ctx->app->page_lines : 20;

	if (need_buffer(ctx) < 0 || parse_count(ctx, argc, argv, &n) < 0)
		return -1;
	line = (long long)v->line;
	col = (long long)v->col;
	if (strcmp(name, "cursor-up") == 0) {
		line -= n;
	} else if (strcmp(name, "cursor-down") == 0) {
		line += n;
	} else if (strcmp(name, "page-up") == 0) {
		line -= n * page;
	} else if (strcmp(name, "page-down") == 0) {
		line += n * page;
	} else if (strcmp(name, "line-start") == 0) {
		col = 1;
	} else if (strcmp(name, "line-end") == 0) {
		col = (long long)line_len(v->buf, v->line) + 1;
	} else if (strcmp(name, "file-start") == 0) {
		line = col = 1;
	} else if (strcmp(name, "file-end") == 0) {
		line = (long long)buf_line_count(v->buf);
		col = (long long)line_len(v->buf, (size_t)line) + 1;
	} else {
		/* cursor-left / cursor-right: by characters, across line ends. */
		int dir = strcmp(name, "cursor-left") == 0 ? -1 : 1;

		while (n-- > 0) {
			size_t start, end;
			char c;

			buf_line_span(v->buf, (size_t)line, &start, &end);
			if (dir < 0 && col == 1) {
				if (line == 1)
					break;
				line--;
				col = (long long)line_len(v->buf, (size_t)line) + 1;
				continue;
			}
			if (dir > 0 && col == (long long)(end - start) + 1) {
				if ((size_t)line == buf_line_count(v->buf))
					break;
				line++;
				col = 1;
				continue;
			}
			/* Step over UTF-8 continuation bytes (10xxxxxx). */
			do {
				col += dir;
				buf_read(v->buf, start + (size_t)col - 1, 1, &c);
			} while (col > 1 && col <= (long long)(end - start) && ((unsigned char)c & 0xc0) == 0x80);
		}
	}
	view_set(v, line, col);
	return 0;
}

#define MOVE_ENTRY(var, cmd, text)                                             \
	const struct cmd_entry var = {                                         \
		.name = cmd,                                                   \
		.usage = "[N]",                                                \
		.help = text,                                                  \
		.min_args = 0,                                                 \
		.max_args = 1,                                                 \
		.exec = cmd_move,                                              \
	}
MOVE_ENTRY(cmd_cursor_up_entry, "cursor-up", "Move the cursor up N lines");
MOVE_ENTRY(cmd_cursor_down_entry, "cursor-down", "Move the cursor down N lines");
MOVE_ENTRY(cmd_cursor_left_entry, "cursor-left", "Move the cursor left N characters");
MOVE_ENTRY(cmd_cursor_right_entry, "cursor-right", "Move the cursor right N characters");
MOVE_ENTRY(cmd_line_start_entry, "line-start", "Move the cursor to the start of its line");
MOVE_ENTRY(cmd_line_end_entry, "line-end", "Move the cursor to the end of its line");
MOVE_ENTRY(cmd_page_up_entry, "page-up", "Move the cursor up N pages");
MOVE_ENTRY(cmd_page_down_entry, "page-down", "Move the cursor down N pages");
MOVE_ENTRY(cmd_file_start_entry, "file-start", "Move the cursor to the first line");
MOVE_ENTRY(cmd_file_end_entry, "file-end", "Move the cursor to the end of the last line");

static int cmd_info(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;

	if (strcmp(argv[1], "cursor") == 0) {
		if (need_buffer(ctx) < 0)
			return -1;
		cmd_print(ctx, "%s:%zu:%zu", buf_path(app->view.buf), app->view.line, app->view.col);
	} else if (strcmp(argv[1], "project") == 0) {
		if (!app->project)
			return cmd_error(ctx, "info project: no project is open");
		cmd_print(ctx, "%s: %s, %zu source files", project_name(app->project),
			  project_dir(app->project), project_source_count(app->project));
	} else if (strcmp(argv[1], "breakpoints") == 0 || strcmp(argv[1], "break") == 0) {
		const struct dbg_bp_info *list;
		size_t n = dbg_break_list(app->dbg, &list);

		if (n == 0)
			cmd_print(ctx, "No breakpoints.");
		for (size_t i = 0; i < n; i++)
			cmd_print(ctx, "%-3d %s%s %s at %s:%d (%zu address%s)%s%s, hit %u time%s", list[i].id,
				  list[i].temporary ? "temporary " : "", list[i].enabled ? "enabled " : "disabled",
				  list[i].location, list[i].file ? list[i].file : "?", list[i].line, list[i].nsites,
				  list[i].nsites == 1 ? "" : "es", list[i].condition ? " if " : "",
				  list[i].condition ? list[i].condition : "", list[i].hits, list[i].hits == 1 ? "" : "s");
	} else if (strcmp(argv[1], "functions") == 0) {
		struct buf_function *v;
		ssize_t n;

		if (need_buffer(ctx) < 0)
			return -1;
		n = buf_functions(app->view.buf, &v);
		if (n < 0)
			return cmd_error(ctx, "info functions: %s", strerror((int)-n));
		for (ssize_t i = 0; i < n; i++)
			cmd_print(ctx, "%s:%zu-%zu", v[i].name, v[i].first_line, v[i].last_line);
		buf_functions_free(v, (size_t)n);
	} else {
		return cmd_error(ctx, "info: unknown subject '%s' (breakpoints, cursor, functions, project)", argv[1]);
	}
	return 0;
}

const struct cmd_entry cmd_info_entry = {
	.name = "info",
	.usage = "breakpoints|cursor|functions|project",
	.help = "Show the breakpoints, where the cursor is, the functions defined in the file, or the project",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_info,
};
