/* Commands about the session itself: help, echo, version, sleep, quit. */
#include <stdlib.h>
#include <string.h>

#include "app/cmd-int.h"

static int cmd_help(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (argc == 2) {
		const struct cmd_entry *e = cmd_find(argv[1]);

		if (!e)
			return cmd_error(ctx, "unknown command '%s'", argv[1]);
		cmd_print(ctx, "%s%s%s -- %s", e->name, *e->usage ? " " : "", e->usage, e->help);
		return 0;
	}
	for (size_t i = 0; cmd_table[i]; i++)
		cmd_print(ctx, "%-14s %s", cmd_table[i]->name, cmd_table[i]->help);
	return 0;
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.alias = "h",
	.usage = "[COMMAND]",
	.help = "List the commands, or show how to use one",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_help,
};

static int cmd_echo(struct cmd_ctx *ctx, int argc, char **argv)
{
	size_t len = 1;
	char *text;

	for (int i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	text = calloc(1, len);
	if (!text)
		return cmd_error(ctx, "out of memory");
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			strcat(text, " ");
		strcat(text, argv[i]);
	}
	cmd_print(ctx, "%s", text);
	free(text);
	return 0;
}

const struct cmd_entry cmd_echo_entry = {
	.name = "echo",
	.usage = "TEXT...",
	.help = "Print the words given, separated by spaces",
	.min_args = 0,
	.max_args = -1,
	.exec = cmd_echo,
};

static int cmd_version(struct cmd_ctx *ctx, int argc, char **argv)
{
	cmd_print(ctx, "encide %s", ENCIDE_VERSION);
	return 0;
}

const struct cmd_entry cmd_version_entry = {
	.name = "version",
	.usage = "",
	.help = "Print encide's version",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_version,
};

static void sleep_done(void *arg)
{
	struct app *app = arg;

	if (app->pending.active)
		cmd_finish(app, 0, NULL);
}

static int cmd_sleep(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *end;
	long ms = strtol(argv[1], &end, 10);

	if (*end || ms < 0 || ms > 3600000)
		return cmd_error(ctx, "sleep: '%s' is not a number of milliseconds (0 to 3600000)", argv[1]);
	if (loop_timer_add(ctx->app->loop, (unsigned)ms, false, sleep_done, ctx->app) < 0)
		return cmd_error(ctx, "sleep: out of memory");
	return CMD_PENDING;
}

const struct cmd_entry cmd_sleep_entry = {
	.name = "sleep",
	.usage = "MS",
	.help = "Wait MS milliseconds while the loop runs (scripts continue after)",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_sleep,
};

static int cmd_quit(struct cmd_ctx *ctx, int argc, char **argv)
{
	bus_emit_quit(ctx->app->bus, &(struct ev_quit){ .reason = "command", .status = 0 });
	loop_quit(ctx->app->loop, 0);
	return 0;
}

const struct cmd_entry cmd_quit_entry = {
	.name = "quit",
	.alias = "q",
	.usage = "",
	.help = "Leave encide",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_quit,
};
