/* The UI's life: sets the terminal up, joins the event loop (keys from stdin,
 * SIGWINCH, SIGINT and SIGTERM from the loop's signalfd, messages from the
 * bus), draws once per loop iteration when something changed, and always
 * restores the terminal before returning.
 */
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ui/ui-int.h"
#include "ui/ui.h"

/* The latest MESSAGE or COMMAND_FAILED: copied, the payload is the bus's. */
static void on_message(const struct bus_event *ev, void *arg)
{
	struct ui *ui = arg;
	const char *text;
	bool error;
	char *copy;

	if (ev->type == EV_MESSAGE) {
		const struct ev_message *m = ev->payload;

		text = m->text;
		error = m->level && strcmp(m->level, "error") == 0;
	} else {
		const struct ev_command_failed *f = ev->payload;

		text = f->error;
		error = true;
	}
	copy = strdup(text ? text : "");
	if (!copy)
		return; /* keep showing the previous one */
	free(ui->message);
	ui->message = copy;
	ui->message_error = error;
	ui->dirty = true;
}

/* A file was opened: the pane shows it from its top. */
static void on_event(const struct bus_event *ev, void *arg)
{
	struct ui *ui = arg;

	ui->dirty = true;
}

/* The screen has a new size: Page Up/Down follow the pane's height. */
static void resized(struct ui *ui)
{
	ui->app->page_lines = ui_editor_rows();
	ui->dirty = true;
}

static void on_key(struct ui *ui, int key)
{
	const char *line;
	char *err = NULL;

	if (key == KEY_RESIZE) {
		resized(ui);
		return;
	}
	line = ui_keymap_lookup(key);
	if (!line)
		return;
	/* A failure is published as COMMAND_FAILED, which the status line shows. */
	cmd_run_line(ui->app, line, "key", &err);
	free(err);
	ui->dirty = true;
}

static void on_stdin(int fd, short revents, void *arg)
{
	struct ui *ui = arg;
	int key;

	while (!loop_quitting(ui->app->loop) && (key = wgetch(stdscr)) != ERR)
		on_key(ui, key);
	if ((revents & (POLLHUP | POLLERR | POLLNVAL)) && !loop_quitting(ui->app->loop)) {
		/* The terminal went away: nothing more can be read or shown. */
		bus_emit_quit(ui->app->bus, &(struct ev_quit){ .reason = "terminal closed", .status = 128 + SIGHUP });
		loop_quit(ui->app->loop, 128 + SIGHUP);
	}
}

static void on_signal(int signo, void *arg)
{
	struct ui *ui = arg;
	struct winsize ws;

	if (signo == SIGWINCH) {
		/* The loop took SIGWINCH from curses' own handler: tell curses here. */
		if ((ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 || ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) &&
		    ws.ws_row > 0 && ws.ws_col > 0)
			resizeterm(ws.ws_row, ws.ws_col);
		resized(ui);
		return;
	}
	bus_emit_quit(ui->app->bus, &(struct ev_quit){
		.reason = signo == SIGINT ? "SIGINT" : "SIGTERM", .status = 128 + signo });
	loop_quit(ui->app->loop, 128 + signo);
}

/* Before the loop sleeps (after the bus was dispatched): draw if needed. */
static void on_before_sleep(void *arg)
{
	struct ui *ui = arg;

	if (!ui->dirty || loop_quitting(ui->app->loop))
		return;
	ui->dirty = false;
	ui_editor_draw(ui);
	refresh();
}

/* Puts the terminal in the mode the UI needs. */
static void terminal_setup(void)
{
	raw(); /* every key reaches the keymap: Ctrl-Q, Ctrl-C (no flow control, no ISIG) */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(1);
}

int ui_run(struct app *app)
{
	static const int signals[] = { SIGWINCH, SIGINT, SIGTERM };
	struct ui ui = { .app = app, .top = 1, .dirty = true };
	int subs[3] = { 0 }, sigs[3] = { 0 }, hook = 0, status = 1, err;
	bool watching = false;
	SCREEN *screen = NULL;
	char *errmsg = NULL;

	setlocale(LC_ALL, "");
	if (ui_theme_default(&ui.theme, &errmsg) < 0)
		goto out;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		errmsg = strdup("the full-screen UI needs a terminal (without one, run a script with -x)");
		goto out;
	}
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		if (asprintf(&errmsg, "cannot use the terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") : "") < 0)
			errmsg = NULL;
		goto out;
	}
	terminal_setup();
	ui_theme_start(&ui.theme);
	resized(&ui);

	subs[0] = bus_subscribe(app->bus, EV_MESSAGE, on_message, &ui);
	subs[1] = bus_subscribe(app->bus, EV_COMMAND_FAILED, on_message, &ui);
	subs[2] = bus_subscribe(app->bus, EV_FILE_OPENED, on_event, &ui);
	for (size_t i = 0; i < 3; i++)
		if (subs[i] < 0)
			goto nomem;
	for (size_t i = 0; i < 3; i++)
		if ((sigs[i] = loop_signal_add(app->loop, signals[i], on_signal, &ui)) < 0)
			goto nomem;
	if ((err = loop_fd_add(app->loop, STDIN_FILENO, POLLIN, on_stdin, &ui)) < 0) {
		if (asprintf(&errmsg, "cannot watch the terminal: %s", strerror(-err)) < 0)
			errmsg = NULL;
		goto out;
	}
	watching = true;
	if ((hook = loop_hook_add(app->loop, on_before_sleep, &ui)) < 0)
		goto nomem;

	status = loop_run(app->loop);
	if (status < 0) {
		if (asprintf(&errmsg, "the event loop failed: %s", strerror(-status)) < 0)
			errmsg = NULL;
		status = 1;
	}
	goto out;
nomem:
	errmsg = strdup("out of memory");
out:
	if (hook > 0)
		loop_hook_remove(app->loop, hook);
	if (watching)
		loop_fd_remove(app->loop, STDIN_FILENO);
	for (size_t i = 0; i < 3; i++)
		if (sigs[i] > 0)
			loop_signal_remove(app->loop, sigs[i]);
	for (size_t i = 0; i < 3; i++)
		if (subs[i] > 0)
			bus_unsubscribe(app->bus, subs[i]);
	if (screen) {
		endwin();
		delscreen(screen);
	}
	if (errmsg)
		fprintf(stderr, "encide: %s\n", errmsg);
	free(errmsg);
	free(ui.message);
	return status;
}
