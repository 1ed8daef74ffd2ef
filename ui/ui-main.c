/* The UI's life: sets the terminal up (raw keys, a 25 ms ESC delay,
 * bracketed paste, the mouse, the theme at the terminal's colour depth),
 * joins the event loop (keys from stdin, SIGWINCH, SIGINT and SIGTERM from
 * the loop's signalfd, events from the bus), draws once per loop iteration
 * when something changed, and always restores the terminal: on quit, on
 * SIGTERM, and from a crash signal's handler.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "ui/ui-int.h"
#include "ui/ui.h"

/* Modes encide turns on that the terminal must lose again, in one write. */
#define MODES_ON "\033[?2004h"
#define MODES_OFF "\033[?2004l\033[?1000l\033[?1002l\033[?1006l"

/* What a crash handler needs to give the terminal back (async-signal-safe
 * use only: write and tcsetattr). */
static struct termios saved_tio;
static bool have_saved_tio;
static volatile sig_atomic_t screen_on;

static void crash_handler(int signo)
{
	static const char restore[] = MODES_OFF "\033[0m\033[?25h\033[?1049l\r\n";

	if (screen_on) {
		if (write(STDOUT_FILENO, restore, sizeof(restore) - 1) < 0) {
			/* nothing more can be done from here */
		}
		if (have_saved_tio)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	}
	signal(signo, SIG_DFL);
	raise(signo);
}

static void crash_handlers(bool on)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = on ? crash_handler : SIG_DFL };

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* MESSAGE and COMMAND_FAILED: the status line shows the latest. */
static void on_message(const struct bus_event *ev, void *arg)
{
	struct ui *ui = arg;

	if (ev->type == EV_MESSAGE) {
		const struct ev_message *m = ev->payload;
		bool error = m->level && strcmp(m->level, "error") == 0;

		/* An error stays until a key is pressed: what follows it (where
		 * a refused apply's stop was, say) would hide it at once. */
		if (error || !ui->message_kept)
			ui_say(ui, error, "%s", m->text ? m->text : "");
		else
			ui->dirty = true;
	} else if (ev->type == EV_COMMAND_FAILED) {
		const struct ev_command_failed *f = ev->payload;

		/* The config file's failures are said with their line numbers. */
		if (!f->source || strcmp(f->source, "config") != 0)
			ui_say(ui, true, "%s", f->error ? f->error : "failed");
	} else if (ev->type == EV_COMMAND) {
		const struct ev_command *c = ev->payload;

		if (c->line && strncmp(c->line, "search", 6) == 0)
			ui->search_hl = true;
		ui->dirty = true;
	} else {
		ui->dirty = true;
	}
}

int ui_subscribe(struct ui *ui, enum bus_event_type type, bus_fn *fn)
{
	int id;

	if (ui->nsubs == sizeof(ui->subs) / sizeof(ui->subs[0]))
		return -ENOMEM;
	id = bus_subscribe(ui->app->bus, type, fn, ui);
	if (id < 0)
		return -ENOMEM;
	ui->subs[ui->nsubs++] = id;
	return 0;
}

static void on_stdin(int fd, short revents, void *arg)
{
	struct ui *ui = arg;

	ui_keys_read(ui);
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
		ui->full_redraw = true;
		ui->dirty = true;
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
	app_breakpoints_follow(ui->app); /* typed lines move breakpoints before they are drawn */
	ui_draw(ui);
	ui->app->page_lines = ui->text_rows > 1 ? (size_t)ui->text_rows - 1 : 1;
	ui_output_winsize(ui);
	refresh();
	if (ui->osc) {
		/* After curses' own output, so the sequence is not split. */
		fputs(ui->osc, stdout);
		fflush(stdout);
		free(ui->osc);
		ui->osc = NULL;
	}
}

/* How long the terminal may take to answer encide's question about colour
 * (ui-query.c). Terminals answer at once; over SSH the answer takes a
 * round trip. Only a terminal that answers nothing at all waits this long. */
#define QUERY_TIMEOUT_MS 500

/* The colour depth someone other than terminfo says the terminal has, and
 * who (*why): COLORTERM, or the terminal's answer when asked (q is filled
 * then, its typed keys to be handed back); UI__DEPTHS when nobody says.
 * in, out: the terminal's fds to read and write. */
static enum ui_depth depth_said(struct ui_query *q, int in, int out, const char **why)
{
	const char *ct = getenv("COLORTERM");

	*q = (struct ui_query){ 0 };
	*why = NULL;
	if (ct && (strcmp(ct, "truecolor") == 0 || strcmp(ct, "24bit") == 0)) {
		*why = "COLORTERM";
		return UI_DEPTH_TRUE;
	}
	if (!ui_query_wanted() || ui_query_terminal(q, in, out, QUERY_TIMEOUT_MS) < 0 || !q->how)
		return UI__DEPTHS;
	*why = q->how;
	return q->truecolor ? UI_DEPTH_TRUE : q->colors >= 256 ? UI_DEPTH_256 : UI__DEPTHS;
}

/* Whether terminfo's colours (-1: unknown) are fewer than depth has. */
static bool entry_wanted(enum ui_depth depth, int colors)
{
	return (depth == UI_DEPTH_TRUE && colors < 0x1000000) || (depth == UI_DEPTH_256 && colors < 256);
}

/* The terminal has more colours than terminfo says: the screen on encide's
 * own entry for TERM with them (ui_theme_term_entry), TERMINFO set only
 * while curses reads it. NULL to use TERM as it is. */
static SCREEN *entry_screen(const struct loop *loop, enum ui_depth depth)
{
	char *dir = NULL, *name = ui_theme_term_entry(loop, depth, &dir), *old = NULL;
	SCREEN *screen = NULL;

	if (!name)
		return NULL;
	if (getenv("TERMINFO"))
		old = strdup(getenv("TERMINFO"));
	if (setenv("TERMINFO", dir, 1) == 0)
		screen = newterm(name, stdout, stdin);
	if (old)
		setenv("TERMINFO", old, 1);
	else
		unsetenv("TERMINFO");
	free(old);
	free(dir);
	free(name);
	return screen;
}

int ui_colours_report(FILE *f)
{
	static const char *const depths[] = { "24-bit colour", "256 colours", "8 colours", "no colour" };
	const char *term = getenv("TERM"), *ct = getenv("COLORTERM"), *why;
	struct ui_query q;
	enum ui_depth said;
	int colors, tty = open("/dev/tty", O_RDWR | O_CLOEXEC);

	if (tty < 0) {
		fprintf(stderr, "encide: --colours asks the terminal, and there is none: %s\n", strerror(errno));
		return 1;
	}
	colors = term && *term ? ui_query_terminfo_colours(tty) : -1;
	fprintf(f, "TERM=%s: terminfo says %d colours\n", term ? term : "", colors);
	fprintf(f, "COLORTERM=%s\n", ct ? ct : "");
	said = depth_said(&q, tty, tty, &why);
	close(tty);
	if (why && strcmp(why, "COLORTERM") == 0)
		fprintf(f, "the terminal: not asked (COLORTERM says 24-bit)\n");
	else if (!ui_query_wanted())
		fprintf(f, "the terminal: not asked (TERM=%s, or ENCIDE_TERM_QUERY=off)\n", term ? term : "");
	else if (!q.answered)
		fprintf(f, "the terminal: no answer in %d ms\n", QUERY_TIMEOUT_MS);
	else if (q.how)
		fprintf(f, "the terminal: answered %s, to %s\n", q.truecolor ? "24-bit colour" : "256 colours", q.how);
	else
		fprintf(f, "the terminal: answered nothing about colour\n");
	if (said != UI__DEPTHS && entry_wanted(said, colors))
		fprintf(f, "encide draws: %s (said by %s), through its terminfo entry encide-%s-%s\n", depths[said],
			why, term, said == UI_DEPTH_TRUE ? "direct" : "256");
	else
		fprintf(f, "encide draws: %s (terminfo)\n", colors >= 0x1000000 ? depths[UI_DEPTH_TRUE]
			: colors >= 256 ? depths[UI_DEPTH_256] : colors >= 8 ? depths[UI_DEPTH_8] : depths[UI_DEPTH_NONE]);
	return 0;
}

/* Puts the terminal in the mode the UI needs. */
static void terminal_setup(void)
{
	raw(); /* every key reaches the keymap: Ctrl-Q, Ctrl-C, Ctrl-Z (no flow control, no ISIG) */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	mouseinterval(0);
	ui_keys_define();
	fputs(MODES_ON, stdout);
	fflush(stdout);
}

static void terminal_restore(SCREEN *screen, bool mouse)
{
	fputs(MODES_OFF, stdout);
	fflush(stdout);
	if (mouse)
		mousemask(0, NULL);
	endwin();
	delscreen(screen);
	screen_on = 0;
}

int ui_run(struct app *app, const char *theme)
{
	static const int signals[] = { SIGWINCH, SIGINT, SIGTERM };
	static const enum bus_event_type types[] = { EV_MESSAGE, EV_COMMAND_FAILED, EV_COMMAND, EV_FILE_OPENED,
						     EV_EDIT_APPLIED, EV_FILE_SAVED };
	struct ui ui = { .app = app, .top = 1, .dirty = true, .zoomed = -1, .focus = PANE_EDITOR, .mouse = true };
	int sigs[3] = { 0 }, hook = 0, status = 1, err;
	bool watching = false;
	SCREEN *screen = NULL;
	char *errmsg = NULL, *theme_err = NULL;
	struct ui_query query;
	enum ui_depth said;
	const char *why;

	setlocale(LC_ALL, "");
	ui.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		errmsg = strdup("the full-screen UI needs a terminal (without one, run a script with -x)");
		goto out;
	}
	if (ui_keymap_init(&ui) < 0 || ui_debug_attach(&ui) < 0 || ui_output_attach(&ui) < 0)
		goto nomem;
	/* A bad theme is reported once the screen is up; the default is used. */
	if (ui_theme_load(&ui.theme, theme ? theme : "dark", &theme_err) < 0)
		theme = "dark";
	ui.theme_name = strdup(theme ? theme : "dark");
	have_saved_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
	said = depth_said(&query, STDIN_FILENO, STDOUT_FILENO, &why);
	if (said == UI__DEPTHS || !entry_wanted(said, ui_query_terminfo_colours(STDOUT_FILENO)) ||
	    (screen = entry_screen(app->loop, said)) == NULL) {
		why = NULL;
		screen = newterm(NULL, stdout, stdin);
	}
	if (!screen) {
		if (asprintf(&errmsg, "cannot use the terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") : "") < 0)
			errmsg = NULL;
		goto out;
	}
	screen_on = 1;
	crash_handlers(true);
	terminal_setup();
	ui.depth = ui_theme_depth();
	ui.depth_why = why ? why : "terminfo";
	/* Keys typed while the terminal was answering: read first, in order. */
	for (size_t i = query.ntyped; i-- > 0;)
		ungetch((unsigned char)query.typed[i]);
	ui_theme_start(&ui.theme, ui.depth);
	ui.hook = (struct app_ui){ .exec = ui_cmd_exec, .arg = &ui };
	app->ui = &ui.hook;
	ui_tree_load(&ui);

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (ui_subscribe(&ui, types[i], on_message) < 0)
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
	ui_mouse_set(&ui, true); /* on where the terminal has it; `mouse off` in the config turns it off */
	ui_config_load(&ui);
	if (theme_err && ui.message)
		ui_say(&ui, true, "%s (using the default theme); %s", theme_err, ui.message);
	else if (theme_err)
		ui_say(&ui, true, "%s (using the default theme)", theme_err);

	if (query.ntyped)
		ui_keys_read(&ui);
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
	ui_edit_typing_end(&ui);
	app->ui = NULL;
	if (hook > 0)
		loop_hook_remove(app->loop, hook);
	if (watching)
		loop_fd_remove(app->loop, STDIN_FILENO);
	for (size_t i = 0; i < 3; i++)
		if (sigs[i] > 0)
			loop_signal_remove(app->loop, sigs[i]);
	for (size_t i = 0; i < ui.nsubs; i++)
		bus_unsubscribe(app->bus, ui.subs[i]);
	if (screen)
		terminal_restore(screen, ui.mouse);
	crash_handlers(false);
	if (errmsg)
		fprintf(stderr, "encide: %s\n", errmsg);
	free(errmsg);
	free(theme_err);
	free(ui.theme_name);
	free(ui.message);
	free(ui.views);
	free(ui.clip);
	free(ui.osc);
	free(ui.paste);
	ui_prompt_free(&ui);
	ui_keymap_free(&ui);
	ui_debug_free(&ui);
	ui_output_free(&ui);
	ui_tree_free(&ui);
	return status;
}
