/* What reaches the program from outside, besides the debugger's own
 * stops: signals (gdb's `handle`: stop, say so, give it to the program;
 * the settings live in the debugger and hold for every later run) and the
 * input typed into its terminal (`input`). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/cmd-int.h"
#include "debugger/debugger.h"

/* "SIGUSR1", "USR1" or "10" -> 10; 0 when it names no signal. */
static int signal_number(const char *name)
{
	char *end;
	long n = strtol(name, &end, 10);

	if (*name && !*end)
		return n > 0 && n < DBG_NSIG ? (int)n : 0;
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (int i = 1; i < DBG_NSIG; i++) {
		const char *abbrev = sigabbrev_np(i);

		if (abbrev && strcasecmp(abbrev, name) == 0)
			return i;
	}
	return 0;
}

/* gdb's table: "SIGUSR1       Yes	Yes	Yes		User defined signal 1". */
static void show(struct cmd_ctx *ctx, int signo, const struct dbg_signal_action *a)
{
	const char *abbrev = sigabbrev_np(signo);
	char name[16];

	snprintf(name, sizeof(name), "SIG%s", abbrev ? abbrev : "?");
	cmd_print(ctx, "%-13s %s\t%s\t%s\t\t%s", name, a->stop ? "Yes" : "No", a->print ? "Yes" : "No",
		  a->pass ? "Yes" : "No", strsignal(signo));
}

static int cmd_handle(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct dbg *dbg = ctx->app->dbg;
	struct dbg_signal_action a;
	int signo = signal_number(argv[1]);

	if (!signo)
		return cmd_error(ctx, "handle: '%s' is not a signal (SIGUSR1, USR1 or a number 1-%d)", argv[1],
				 DBG_NSIG - 1);
	dbg_signal_get(dbg, signo, &a);
	/* gdb's words and their implications: stopping means printing, not
	 * printing means not stopping. */
	for (int i = 2; i < argc; i++) {
		const char *w = argv[i];

		if (strcmp(w, "stop") == 0)
			a.stop = a.print = true;
		else if (strcmp(w, "nostop") == 0)
			a.stop = false;
		else if (strcmp(w, "print") == 0)
			a.print = true;
		else if (strcmp(w, "noprint") == 0)
			a.print = a.stop = false;
		else if (strcmp(w, "pass") == 0 || strcmp(w, "noignore") == 0)
			a.pass = true;
		else if (strcmp(w, "nopass") == 0 || strcmp(w, "ignore") == 0)
			a.pass = false;
		else
			return cmd_error(ctx, "handle: '%s' is not one of stop, nostop, print, noprint, pass, nopass", w);
	}
	if (argc > 2)
		dbg_signal_set(dbg, signo, &a);
	cmd_print(ctx, "Signal        Stop\tPrint\tPass to program\tDescription");
	show(ctx, signo, &a);
	return 0;
}

const struct cmd_entry cmd_handle_entry = {
	.name = "handle",
	.usage = "SIGNAL [stop|nostop] [print|noprint] [pass|nopass]",
	.help = "Say what a signal does to the program under the debugger: stop it, print it, pass it on (kept for later runs)",
	.min_args = 1,
	.max_args = 4,
	.exec = cmd_handle,
};

/* input TEXT: what a user types in the program's pane, for scripts. */
static int cmd_input(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *msg = NULL, *text;
	size_t len;
	int err;

	if (!(text = cmd_unescape(argv[1], &len)))
		return cmd_error(ctx, "input: out of memory");
	err = dbg_input(ctx->app->dbg, text, len, &msg);
	free(text);
	if (err < 0) {
		cmd_error(ctx, "input: %s", msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	return 0;
}

const struct cmd_entry cmd_input_entry = {
	.name = "input",
	.usage = "TEXT",
	.help = "Type TEXT into the program's terminal (\\n newline, \\x04 end of input)",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_input,
};
