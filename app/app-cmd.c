/* The command table and what runs it: shell-like word splitting, lookup by
 * name or alias, argument counts, the COMMAND/COMMAND_FAILED events, pending
 * commands, and the Markdown reference that docs/commands.md is made from.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/cmd-int.h"

/* Every command; `help` and docs/commands.md list them in this order. */
const struct cmd_entry *const cmd_table[] = {
	/* session */
	&cmd_help_entry,
	&cmd_echo_entry,
	&cmd_version_entry,
	&cmd_sleep_entry,
	&cmd_quit_entry,
	/* files and the cursor */
	&cmd_open_entry,
	&cmd_goto_entry,
	&cmd_cursor_up_entry,
	&cmd_cursor_down_entry,
	&cmd_cursor_left_entry,
	&cmd_cursor_right_entry,
	&cmd_line_start_entry,
	&cmd_line_end_entry,
	&cmd_page_up_entry,
	&cmd_page_down_entry,
	&cmd_file_start_entry,
	&cmd_file_end_entry,
	&cmd_info_entry,
	/* editing */
	&cmd_insert_entry,
	&cmd_delete_entry,
	&cmd_delete_line_entry,
	&cmd_replace_entry,
	&cmd_undo_entry,
	&cmd_redo_entry,
	&cmd_save_entry,
	&cmd_save_force_entry,
	&cmd_search_entry,
	&cmd_search_next_entry,
	&cmd_search_prev_entry,
	&cmd_recover_entry,
	&cmd_discard_entry,
	&cmd_reload_entry,
	&cmd_keep_buffer_entry,
	/* building */
	&cmd_build_entry,
	&cmd_relink_entry,
	&cmd_build_system_entry,
	&cmd_build_cancel_entry,
	&cmd_target_entry,
	&cmd_build_info_entry,
	/* debugging */
	&cmd_file_entry,
	&cmd_run_entry,
	&cmd_start_entry,
	&cmd_continue_entry,
	&cmd_next_entry,
	&cmd_step_entry,
	&cmd_finish_entry,
	&cmd_until_entry,
	&cmd_jump_entry,
	&cmd_stepi_entry,
	&cmd_nexti_entry,
	&cmd_break_entry,
	&cmd_tbreak_entry,
	&cmd_enable_entry,
	&cmd_disable_entry,
	&cmd_condition_entry,
	&cmd_ignore_entry,
	&cmd_bt_entry,
	&cmd_frame_entry,
	&cmd_up_entry,
	&cmd_down_entry,
	&cmd_threads_entry,
	&cmd_thread_entry,
	&cmd_attach_entry,
	&cmd_detach_entry,
	&cmd_kill_entry,
	&cmd_interrupt_entry,
	&cmd_handle_entry,
	&cmd_input_entry,
	&cmd_print_entry,
	&cmd_locals_entry,
	&cmd_args_entry,
	&cmd_watch_entry,
	&cmd_rwatch_entry,
	&cmd_awatch_entry,
	&cmd_go_entry,
	&cmd_step_over_entry,
	&cmd_step_into_entry,
	&cmd_break_toggle_entry,
	&cmd_display_entry,
	&cmd_undisplay_entry,
	/* Edit and Continue */
	&cmd_apply_entry,
	&cmd_snapshots_entry,
	&cmd_revert_entry,
	&cmd_generations_entry,
	&cmd_set_entry,
	/* git */
	&cmd_git_status_entry,
	&cmd_git_changes_entry,
	/* the full-screen UI */
	&cmd_focus_entry,
	&cmd_zoom_entry,
	&cmd_pane_hide_entry,
	&cmd_pane_show_entry,
	&cmd_pane_resize_entry,
	&cmd_tab_entry,
	&cmd_select_entry,
	&cmd_copy_entry,
	&cmd_cut_entry,
	&cmd_paste_entry,
	&cmd_command_line_entry,
	&cmd_find_entry,
	&cmd_theme_entry,
	&cmd_bind_entry,
	&cmd_unbind_entry,
	&cmd_mouse_entry,
	&cmd_keys_entry,
	&cmd_redraw_entry,
	/* scenario tests */
	&cmd_expect_entry,
	&cmd_expect_none_entry,
	&cmd_expect_file_entry,
	&cmd_expect_output_entry,
	&cmd_expect_memory_entry,
	&cmd_outside_write_entry,
	NULL,
};

const struct cmd_entry *cmd_find(const char *name)
{
	for (size_t i = 0; cmd_table[i]; i++) {
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
		if (cmd_table[i]->alias && strcmp(cmd_table[i]->alias, name) == 0)
			return cmd_table[i];
	}
	return NULL;
}

void cmd_argv_free(char **argv)
{
	if (!argv)
		return;
	for (size_t i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* A growing string for one word. */
struct word {
	char *s;       /* the bytes, NUL-terminated when len > 0 or started */
	size_t len;    /* used bytes */
	size_t cap;    /* allocated bytes */
	bool started;  /* a word began (even "" is a word) */
};

static int word_add(struct word *w, char c)
{
	if (w->len + 2 > w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 32;
		char *s = realloc(w->s, cap);

		if (!s)
			return -ENOMEM;
		w->s = s;
		w->cap = cap;
	}
	w->s[w->len++] = c;
	w->s[w->len] = '\0';
	w->started = true;
	return 0;
}

/* Appends the finished word w to argv (taking its string). */
static int argv_push(char ***argv, int *argc, struct word *w)
{
	char **v = realloc(*argv, (size_t)(*argc + 2) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	*argv = v;
	if (!w->s && !(w->s = strdup("")))
		return -ENOMEM;
	v[(*argc)++] = w->s;
	v[*argc] = NULL;
	*w = (struct word){ 0 };
	return 0;
}

/*
 * POSIX shell quoting without expansion: blanks separate words; outside
 * quotes a backslash takes the next character literally; '...' is literal;
 * inside "..." a backslash escapes only $ ` " \ and newline, and stays
 * otherwise (so "a\nb" keeps its backslash for commands that read escapes).
 */
int cmd_split(const char *line, int *out_argc, char ***out_argv, char **errmsg)
{
	struct word w = { 0 };
	char **argv = calloc(1, sizeof(*argv));
	int argc = 0, err = 0;
	const char *p = line;

	if (!argv)
		return -ENOMEM;
	while (*p) {
		char c = *p++;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (w.started && (err = argv_push(&argv, &argc, &w)) < 0)
				goto out;
		} else if (c == '\\') {
			if (*p == '\n') {
				p++;
			} else if (*p) {
				err = word_add(&w, *p++);
			} else {
				err = word_add(&w, '\\');
			}
		} else if (c == '\'') {
			w.started = true;
			while (*p && *p != '\'')
				if ((err = word_add(&w, *p++)) < 0)
					goto out;
			if (!*p) {
				err = -EINVAL;
				if (errmsg)
					*errmsg = strdup("unterminated ' quote");
				goto out;
			}
			p++;
		} else if (c == '"') {
			w.started = true;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1] && strchr("$`\"\\\n", p[1]))
					p++;
				if ((err = word_add(&w, *p++)) < 0)
					goto out;
			}
			if (!*p) {
				err = -EINVAL;
				if (errmsg)
					*errmsg = strdup("unterminated \" quote");
				goto out;
			}
			p++;
		} else {
			err = word_add(&w, c);
		}
		if (err < 0)
			goto out;
	}
	if (w.started)
		err = argv_push(&argv, &argc, &w);
out:
	if (err < 0) {
		free(w.s);
		cmd_argv_free(argv);
		return err;
	}
	*out_argc = argc;
	*out_argv = argv;
	return 0;
}

int cmd_error(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	free(ctx->error);
	va_start(ap, fmt);
	if (vasprintf(&ctx->error, fmt, ap) < 0)
		ctx->error = NULL;
	va_end(ap);
	return -1;
}

/* A MESSAGE of level from a printf format and its arguments. */
static void say_v(struct app *app, const char *level, const char *fmt, va_list ap)
{
	char *text;

	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	if (text)
		bus_emit_message(app->bus, &(struct ev_message){ .level = level, .text = text });
	free(text);
}

void app_say(struct app *app, const char *level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say_v(app, level, fmt, ap);
	va_end(ap);
}

void cmd_print(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say_v(ctx->app, "info", fmt, ap);
	va_end(ap);
}

static char *usage_text(const struct cmd_entry *e)
{
	char *s;

	if (asprintf(&s, "usage: %s%s%s", e->name, *e->usage ? " " : "", e->usage) < 0)
		return NULL;
	return s;
}

int cmd_run_line(struct app *app, const char *line, const char *source, char **errmsg)
{
	struct cmd_ctx ctx = { .app = app, .source = source };
	char **argv = NULL;
	int argc = 0, ret;

	*errmsg = NULL;
	ret = cmd_split(line, &argc, &argv, errmsg);
	if (ret < 0) {
		if (!*errmsg)
			*errmsg = strdup(strerror(-ret));
		goto failed;
	}
	if (argc == 0)
		goto out;
	if (app->dbg)
		app_breakpoints_follow(app); /* lines typed since: breakpoints moved first */
	bus_emit_command(app->bus, &(struct ev_command){ .source = source, .line = line });
	ctx.entry = cmd_find(argv[0]);
	if (!ctx.entry) {
		ret = cmd_error(&ctx, "unknown command '%s' (try 'help')", argv[0]);
	} else if (argc - 1 < ctx.entry->min_args ||
		   (ctx.entry->max_args >= 0 && argc - 1 > ctx.entry->max_args)) {
		ctx.error = usage_text(ctx.entry);
		ret = -EINVAL;
	} else {
		if (app->pending.active) {
			/* One command waits at a time; the UI never blocks on it. */
			free(app->pending.error);
			app->pending = (struct cmd_pending){ 0 };
		}
		app->pending.waits_for_stop = false;
		ret = ctx.entry->exec(&ctx, argc, argv);
		if (ret == CMD_PENDING)
			app->pending.active = true;
		app_flush_journals(app); /* edits survive a crash from here on */
	}
	if (ret < 0) {
		*errmsg = ctx.error ? ctx.error : strdup("failed");
		ctx.error = NULL;
		goto failed;
	}
	goto out;
failed:
	if (*errmsg)
		bus_emit_command_failed(app->bus, &(struct ev_command_failed){
			.source = source, .line = line, .error = *errmsg });
out:
	free(ctx.error);
	cmd_argv_free(argv);
	return ret;
}

void cmd_finish(struct app *app, int status, const char *error)
{
	assert(app->pending.active);
	app->pending.active = false;
	app->pending.waits_for_stop = false;
	app->pending.status = status;
	free(app->pending.error);
	app->pending.error = NULL;
	if (status < 0) {
		app->pending.error = strdup(error ? error : "failed");
		bus_emit_command_failed(app->bus, &(struct ev_command_failed){
			.source = "pending", .error = app->pending.error });
	}
}

void cmd_write_markdown(FILE *f)
{
	fprintf(f, "# encide commands\n\n"
		   "Generated from the command table (`encide --commands-md`); do not edit.\n"
		   "The `:` line, the keymap and `-x` scripts all run these. Arguments are\n"
		   "split like a shell splits words: \"double\" and 'single' quotes, backslash\n"
		   "escapes, no expansion. In scripts a line starting with `#` is a comment.\n\n"
		   "| command | arguments | what it does |\n"
		   "| --- | --- | --- |\n");
	for (size_t i = 0; cmd_table[i]; i++) {
		const struct cmd_entry *e = cmd_table[i];

		fprintf(f, "| `%s`%s%s%s | %s%s%s | %s |\n", e->name,
			e->alias ? " (`" : "", e->alias ? e->alias : "", e->alias ? "`)" : "",
			*e->usage ? "`" : "", e->usage, *e->usage ? "`" : "", e->help);
	}
}

char *cmd_unescape(const char *s, size_t *len)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			*o++ = *s;
			continue;
		}
		switch (*++s) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'r': *o++ = '\r'; break;
		case '0': *o++ = '\0'; break;
		case '\\': *o++ = '\\'; break;
		case 'x':
			if (isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
				char hex[3] = { s[1], s[2], '\0' };

				*o++ = (char)strtol(hex, NULL, 16);
				s += 2;
				break;
			}
			*o++ = '\\'; /* not an escape: kept as it is */
			*o++ = *s;
			break;
		default: *o++ = '\\'; *o++ = *s; break;
		}
	}
	*len = (size_t)(o - out);
	return out;
}
