/* The headless runner behind `encide -x SCRIPT`: one command per line, `#`
 * comments, waiting for commands that continue in the loop, and the bus
 * printed as JSON lines (--batch) or as plain text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"

/* --batch: every event, one JSON object per line. */
static void print_json(const struct bus_event *ev, void *arg)
{
	char *json = bus_event_json(ev);

	if (json) {
		fputs(json, stdout);
		fputc('\n', stdout);
		free(json);
	}
	fflush(stdout);
}

/* Without --batch: messages are the command's output, and the program's
 * output passes through as it is. */
static void print_message(const struct bus_event *ev, void *arg)
{
	if (ev->type == EV_PROGRAM_OUTPUT) {
		const struct ev_program_output *o = ev->payload;

		fputs(o->text ? o->text : "", stdout);
	} else {
		const struct ev_message *m = ev->payload;

		fprintf(stdout, "%s\n", m->text ? m->text : "");
	}
	fflush(stdout);
}

static void on_quit_signal(int signo, void *arg)
{
	struct app *app = arg;

	bus_emit_quit(app->bus, &(struct ev_quit){
		.reason = signo == SIGINT ? "SIGINT" : "SIGTERM", .status = 128 + signo });
	loop_quit(app->loop, 128 + signo);
}

/* Runs the loop until the pending command finishes or the session quits. */
static void wait_pending(struct app *app)
{
	while (app->pending.active && !loop_quitting(app->loop)) {
		if (loop_run_once(app->loop, -1) < 0)
			break;
		/* What the iteration published (a stop, a build's end) may end
		 * the command: deliver it now, not after the next poll, which
		 * may sleep until a timer. */
		bus_dispatch(app->bus);
	}
	bus_dispatch(app->bus);
}

int app_script_run(struct app *app, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *err = NULL;
	size_t cap = 0;
	ssize_t len;
	int status = 0, lineno = 0, sigs[2];
	bool must_fail;

	if (!f) {
		fprintf(stderr, "encide: cannot read script '%s': %s\n", path, strerror(errno));
		return 2;
	}
	app->script = path;
	if (app->batch) {
		bus_subscribe(app->bus, EV_ANY, print_json, NULL);
	} else {
		bus_subscribe(app->bus, EV_MESSAGE, print_message, NULL);
		bus_subscribe(app->bus, EV_PROGRAM_OUTPUT, print_message, NULL);
	}
	sigs[0] = loop_signal_add(app->loop, SIGINT, on_quit_signal, app);
	sigs[1] = loop_signal_add(app->loop, SIGTERM, on_quit_signal, app);
	bus_dispatch(app->bus); /* what happened before the script (FILE_OPENED) */

	while ((len = getline(&line, &cap, f)) >= 0) {
		const char *p = line;
		int ret;

		lineno++;
		app->script_line = lineno;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\0')
			continue;
		/* "! COMMAND": the command must fail (scenario tests of bad input). */
		must_fail = *p == '!';
		if (must_fail)
			for (p++; *p == ' ' || *p == '\t'; p++)
				;
		ret = cmd_run_line(app, p, "script", &err);
		if (ret == CMD_PENDING) {
			wait_pending(app);
			if (app->pending.active) { /* interrupted: a signal or quit */
				ret = -EINTR;
				err = strdup("interrupted");
			} else if ((ret = app->pending.status) < 0) {
				err = strdup(app->pending.error ? app->pending.error : "failed");
			}
		}
		/* Run one iteration so fds ready now (output, signals) are seen. */
		loop_run_once(app->loop, 0);
		bus_dispatch(app->bus);
		if (must_fail) {
			if (ret >= 0) {
				ret = -EINVAL;
				err = strdup("the command was expected to fail, and succeeded");
			} else {
				ret = 0;
				free(err);
				err = NULL;
			}
		}
		if (ret < 0) {
			fprintf(stderr, "%s:%d: %s\n", path, lineno, err ? err : "failed");
			status = 1;
			break;
		}
		if (loop_quitting(app->loop)) {
			status = loop_run(app->loop); /* the status given to loop_quit */
			break;
		}
	}
	free(err);
	free(line);
	fclose(f);
	bus_dispatch(app->bus);
	loop_signal_remove(app->loop, sigs[0]);
	loop_signal_remove(app->loop, sigs[1]);
	return status;
}
