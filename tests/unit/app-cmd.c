/* The command table: shell-like splitting, lookup, argument checks, the
 * events a command publishes, and commands that finish later (pending). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "tests/unit/harness.h"

/* Splits line and joins the words with '|' into out. */
static int split_join(const char *line, char *out, size_t cap)
{
	char **argv, *err = NULL;
	int argc, ret = cmd_split(line, &argc, &argv, &err);

	out[0] = '\0';
	if (ret < 0) {
		snprintf(out, cap, "ERR:%s", err ? err : "?");
		free(err);
		return ret;
	}
	for (int i = 0; i < argc; i++) {
		strncat(out, argv[i], cap - strlen(out) - 1);
		if (i + 1 < argc)
			strncat(out, "|", cap - strlen(out) - 1);
	}
	CHECK(argv[argc] == NULL);
	cmd_argv_free(argv);
	return argc;
}

TEST(split_like_a_shell)
{
	char out[256];

	CHECK_INT(split_join("break main.c:12", out, sizeof(out)), 2);
	CHECK_STR(out, "break|main.c:12");
	CHECK_INT(split_join("  \t ", out, sizeof(out)), 0);
	CHECK_INT(split_join("echo \"two words\" 'single \"q\"' x", out, sizeof(out)), 4);
	CHECK_STR(out, "echo|two words|single \"q\"|x");
	CHECK_INT(split_join("replace \"a\\\"b\" c\\ d", out, sizeof(out)), 3);
	CHECK_STR(out, "replace|a\"b|c d");
	/* Inside double quotes \n is kept for commands that read escapes. */
	CHECK_INT(split_join("insert \"x\\ny\"", out, sizeof(out)), 2);
	CHECK_STR(out, "insert|x\\ny");
	CHECK_INT(split_join("echo \"\" ''", out, sizeof(out)), 3);
	CHECK_STR(out, "echo||");
	CHECK_INT(split_join("print $x `y` *p", out, sizeof(out)), 4); /* no expansion */
	CHECK_STR(out, "print|$x|`y`|*p");
	CHECK_INT(split_join("a\"b c\"d", out, sizeof(out)), 1);
	CHECK_STR(out, "ab cd");
	CHECK_INT(split_join("echo \"open", out, sizeof(out)), -EINVAL);
	CHECK_STR(out, "ERR:unterminated \" quote");
	CHECK_INT(split_join("echo 'open", out, sizeof(out)), -EINVAL);
	CHECK_STR(out, "ERR:unterminated ' quote");
}

TEST(table_is_consistent)
{
	for (size_t i = 0; cmd_table[i]; i++) {
		const struct cmd_entry *e = cmd_table[i];

		CHECK(e->name && e->usage && e->help && e->exec);
		CHECK(e->max_args < 0 || e->max_args >= e->min_args);
		CHECK(cmd_find(e->name) == e);
		for (size_t j = 0; j < i; j++) {
			CHECK(strcmp(cmd_table[j]->name, e->name) != 0);
			CHECK(!e->alias || !cmd_table[j]->alias || strcmp(cmd_table[j]->alias, e->alias) != 0);
		}
	}
	CHECK(cmd_find("q") == cmd_find("quit"));
	CHECK(cmd_find("frobnicate") == NULL);
}

static char last_error[256], last_text[256];

static void on_event(const struct bus_event *ev, void *arg)
{
	if (ev->type == EV_COMMAND_FAILED) {
		const struct ev_command_failed *f = ev->payload;

		snprintf(last_error, sizeof(last_error), "%s", f->error);
	} else if (ev->type == EV_MESSAGE) {
		const struct ev_message *m = ev->payload;

		snprintf(last_text, sizeof(last_text), "%s", m->text);
	}
}

TEST(run_line_reports)
{
	struct app app;
	char *err = NULL;

	CHECK_INT(app_init(&app, NULL, &err), 0);
	bus_subscribe(app.bus, EV_ANY, on_event, NULL);
	CHECK_INT(cmd_run_line(&app, "frobnicate now", "script", &err), -1);
	CHECK_STR(err, "unknown command 'frobnicate' (try 'help')");
	free(err);
	bus_dispatch(app.bus);
	CHECK_STR(last_error, "unknown command 'frobnicate' (try 'help')");

	CHECK(cmd_run_line(&app, "goto", "script", &err) < 0);
	CHECK_STR(err, "usage: goto LINE[:COL]");
	free(err);
	CHECK(cmd_run_line(&app, "goto 3", "script", &err) < 0);
	CHECK_STR(err, "goto: no file is open (use 'open FILE')");
	free(err);

	CHECK_INT(cmd_run_line(&app, "echo hello   \"big world\"", ":", &err), 0);
	CHECK(err == NULL);
	bus_dispatch(app.bus);
	CHECK_STR(last_text, "hello big world");
	app_release(&app);
}

TEST(pending_command_finishes_in_the_loop)
{
	struct app app;
	char *err = NULL;
	uint64_t start;

	CHECK_INT(app_init(&app, NULL, &err), 0);
	start = loop_now_ms();
	CHECK_INT(cmd_run_line(&app, "sleep 30", "script", &err), CMD_PENDING);
	CHECK(app.pending.active);
	while (app.pending.active)
		loop_run_once(app.loop, -1);
	CHECK_INT(app.pending.status, 0);
	CHECK(loop_now_ms() - start >= 30);
	CHECK(cmd_run_line(&app, "sleep soon", "script", &err) < 0);
	CHECK_STR(err, "sleep: 'soon' is not a number of milliseconds (0 to 3600000)");
	free(err);
	app_release(&app);
}

TEST(cursor_commands_clamp)
{
	struct app app;
	char *err = NULL, path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/t.c", harness_tmpdir());
	f = fopen(path, "w");
	fputs("int a;\n\xc3\xa9t\xc3\xa9;\nx\n", f);
	fclose(f);
	CHECK_INT(app_init(&app, harness_tmpdir(), &err), 0);
	CHECK_INT(cmd_run_line(&app, "open t.c", "script", &err), 0);
	CHECK_INT(app.view.line, 1);
	CHECK_INT(cmd_run_line(&app, "cursor-down 100", "key", &err), 0);
	CHECK_INT(app.view.line, 4); /* "x\n" then an empty last line */
	CHECK_INT(cmd_run_line(&app, "goto 2", "key", &err), 0);
	CHECK_INT(cmd_run_line(&app, "cursor-right", "key", &err), 0);
	CHECK_INT(app.view.col, 3); /* over the two bytes of é */
	CHECK_INT(cmd_run_line(&app, "line-end", "key", &err), 0);
	CHECK_INT(app.view.col, 7);
	CHECK_INT(cmd_run_line(&app, "cursor-right", "key", &err), 0);
	CHECK_INT(app.view.line, 3);
	CHECK_INT(app.view.col, 1);
	CHECK_INT(cmd_run_line(&app, "cursor-left 2", "key", &err), 0);
	CHECK_INT(app.view.line, 2);
	CHECK_INT(app.view.col, 6);
	CHECK(cmd_run_line(&app, "goto 9", "key", &err) < 0);
	CHECK_STR(err, "goto: line 9 is past the end (4 lines)");
	free(err);
	CHECK(cmd_run_line(&app, "open nope.c", "script", &err) < 0);
	CHECK(strstr(err, "nope.c") != NULL);
	free(err);
	app_release(&app);
}
