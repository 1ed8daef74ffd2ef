/* The bottom panes. Output is the program's terminal: what it writes (the
 * PROGRAM_OUTPUT events of its pty) is kept as lines (carriage returns,
 * backspaces and tabs applied, escape sequences dropped), keys typed while
 * the pane has the focus are written to the pty, and the pty's size follows
 * the pane. Problems shows the build's progress and diagnostics, and the
 * last apply's refusal; Enter on one jumps to its line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "ui/ui-int.h"

#define OUT_MAX_LINES 5000

/* A new empty last line. */
static void out_newline(struct ui *ui)
{
	struct ui_outline *v;

	if (ui->nout == OUT_MAX_LINES) {
		free(ui->out[0].s);
		memmove(ui->out, ui->out + 1, (ui->nout - 1) * sizeof(*ui->out));
		ui->nout--;
		if (ui->panes[PANE_OUTPUT].top > 0)
			ui->panes[PANE_OUTPUT].top--;
	}
	v = realloc(ui->out, (ui->nout + 1) * sizeof(*v));
	if (!v)
		return;
	ui->out = v;
	v[ui->nout++] = (struct ui_outline){ 0 };
	ui->outcol = 0;
}

/* Writes byte c at the cursor of the last line. */
static void out_put(struct ui *ui, char c)
{
	struct ui_outline *l;

	if (!ui->nout)
		out_newline(ui);
	if (!ui->nout)
		return;
	l = &ui->out[ui->nout - 1];
	if (ui->outcol >= l->len) {
		char *s = realloc(l->s, ui->outcol + 2);

		if (!s)
			return;
		l->s = s;
		while (l->len < ui->outcol)
			l->s[l->len++] = ' ';
		l->len++;
	}
	l->s[ui->outcol++] = c;
}

/* Feeds the program's bytes through a small terminal: \n \r \b \t, and
 * escape sequences (CSI, OSC) skipped. */
static void out_feed(struct ui *ui, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (ui->out_escape) {
		case 1: /* after ESC */
			ui->out_escape = c == '[' ? 2 : c == ']' ? 3 : 0;
			continue;
		case 2: /* CSI: parameters until a final byte */
			if (c >= 0x40 && c <= 0x7e)
				ui->out_escape = 0;
			continue;
		case 3: /* OSC: until BEL or ESC \ */
			if (c == 7)
				ui->out_escape = 0;
			else if (c == 27)
				ui->out_escape = 1;
			continue;
		default:
			break;
		}
		if (c == 27)
			ui->out_escape = 1;
		else if (c == '\n')
			out_newline(ui);
		else if (c == '\r')
			ui->outcol = 0;
		else if (c == '\b')
			ui->outcol = ui->outcol ? ui->outcol - 1 : 0;
		else if (c == '\t')
			do
				out_put(ui, ' ');
			while (ui->outcol % 8);
		else if (c >= 0x20 || c >= 0x80)
			out_put(ui, (char)c);
	}
}

/* A line of ours in the output (program started, ended). */
static void out_note(struct ui *ui, const char *text)
{
	if (ui->nout && ui->out[ui->nout - 1].len)
		out_newline(ui);
	out_feed(ui, text, strlen(text));
	out_newline(ui);
}

static void set_state(char **slot, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_state(char **slot, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(*slot);
	*slot = s;
}

static void diags_clear(struct ui *ui)
{
	for (size_t i = 0; i < ui->ndiags; i++) {
		free(ui->diags[i].file);
		free(ui->diags[i].text);
	}
	free(ui->diags);
	ui->diags = NULL;
	ui->ndiags = 0;
}

static struct ui_diag *diag_add(struct ui *ui, const char *file, int line, int col, bool error, const char *text)
{
	struct ui_diag *d = realloc(ui->diags, (ui->ndiags + 1) * sizeof(*d));

	if (!d)
		return NULL;
	ui->diags = d;
	d[ui->ndiags] = (struct ui_diag){ .file = file ? strdup(file) : NULL, .line = line, .col = col,
					  .error = error, .text = strdup(text) };
	if (!d[ui->ndiags].text) {
		free(d[ui->ndiags].file);
		return NULL;
	}
	return &d[ui->ndiags++];
}

/* The rows a refused apply left: the next apply's outcome replaces them. */
static void apply_diags_clear(struct ui *ui)
{
	size_t n = 0;

	for (size_t i = 0; i < ui->ndiags; i++) {
		if (ui->diags[i].apply) {
			free(ui->diags[i].file);
			free(ui->diags[i].text);
		} else {
			ui->diags[n++] = ui->diags[i];
		}
	}
	ui->ndiags = n;
}

/* A refused apply's reason, one row per line that says something: its
 * first line, and the compiler's "FILE:LINE:COL: SEVERITY: MESSAGE" lines
 * (Enter goes to them; the source excerpts under them are left out). */
static void apply_diags_add(struct ui *ui, const char *reason)
{
	for (const char *l = reason, *nl; l && *l; l = nl ? nl + 1 : NULL) {
		char *text, file[4096], sev[16];
		int line = 0, col = 0, used = 0;
		struct ui_diag *d;

		nl = strchr(l, '\n');
		if (!(text = strndup(l, nl ? (size_t)(nl - l) : strlen(l))))
			return;
		if (l == reason)
			d = diag_add(ui, NULL, 0, 0, true, text);
		else if (sscanf(text, "%4095[^:]:%d:%d: %15[a-z ]:%n", file, &line, &col, sev, &used) == 4 && used) {
			char *shown = NULL;

			/* Named as the build's diagnostics are: from the project. */
			if (asprintf(&shown, "%s%s", ui_display_name(ui, file), text + strlen(file)) < 0)
				shown = NULL;
			d = diag_add(ui, file, line, col, strstr(sev, "error") != NULL, shown ? shown : text);
			free(shown);
		} else
			d = NULL;
		if (d)
			d->apply = true;
		free(text);
	}
}

static void on_event(const struct bus_event *ev, void *arg)
{
	struct ui *ui = arg;
	char text[512];

	ui->dirty = true;
	switch (ev->type) {
	case EV_PROGRAM_OUTPUT: {
		const struct ev_program_output *e = ev->payload;

		if (e->text)
			out_feed(ui, e->text, strlen(e->text));
		break;
	}
	case EV_INFERIOR_STARTED: {
		const struct ev_inferior_started *e = ev->payload;

		const char *name = e->program ? strrchr(e->program, '/') : NULL;

		snprintf(text, sizeof(text), "--- %s started, pid %lld ---",
			 name ? name + 1 : e->program ? e->program : "program", (long long)e->pid);
		out_note(ui, text);
		ui->out_follow = true;
		/* The last apply was to the process before. */
		free(ui->apply_state);
		ui->apply_state = NULL;
		apply_diags_clear(ui);
		break;
	}
	case EV_INFERIOR_EXITED: {
		const struct ev_inferior_exited *e = ev->payload;

		if (e->signal)
			snprintf(text, sizeof(text), "--- killed by %s ---", e->signal);
		else
			snprintf(text, sizeof(text), "--- exited with status %lld ---", (long long)e->status);
		out_note(ui, text);
		break;
	}
	case EV_BUILD_STARTED:
		diags_clear(ui);
		set_state(&ui->build_state, "building");
		break;
	case EV_BUILD_PROGRESS: {
		const struct ev_build_progress *e = ev->payload;
		const char *f = e->file ? strrchr(e->file, '/') : NULL;

		if (e->total)
			set_state(&ui->build_state, "building %lld/%lld %s", (long long)e->done + 1, (long long)e->total,
				  f ? f + 1 : e->file ? e->file : "");
		else
			set_state(&ui->build_state, "building %s", f ? f + 1 : e->file ? e->file : "");
		break;
	}
	case EV_DIAGNOSTIC: {
		const struct ev_diagnostic *e = ev->payload;

		snprintf(text, sizeof(text), "%s:%lld:%lld: %s: %s", ui_display_name(ui, e->file), (long long)e->line,
			 (long long)e->column, e->severity ? e->severity : "", e->message ? e->message : "");
		diag_add(ui, e->file, (int)e->line, (int)e->column, e->severity && strcmp(e->severity, "error") == 0,
			 text);
		break;
	}
	case EV_BUILD_FINISHED: {
		const struct ev_build_finished *e = ev->payload;

		if (e->ok)
			set_state(&ui->build_state, "built%s", e->warnings ? " (warnings)" : "");
		else
			set_state(&ui->build_state, "build failed: %lld error%s", (long long)e->errors,
				  e->errors == 1 ? "" : "s");
		break;
	}
	case EV_FRAME_REMAPPED: {
		/* A line from a diff (the file changed outside encide): say so. */
		const struct ev_frame_remapped *e = ev->payload;

		if (e->guess) {
			ui->apply_guess = (long long)e->generation;
			set_state(&ui->apply_state, "upd%03lld: %s at line %lld, guessed by a diff",
				  (long long)e->generation, e->function ? e->function : "?", (long long)e->new_line);
		}
		break;
	}
	case EV_ENC_APPLIED: {
		const struct ev_enc_applied *e = ev->payload;

		char moved[96] = "";

		/* VC6's notice: the point of execution's line is gone. */
		if (ui->moved_from)
			snprintf(moved, sizeof(moved), ": the point of execution moved from line %d to %d",
				 ui->moved_from, ui->moved_to);
		set_state(&ui->apply_state, "applied upd%03lld%s%s", (long long)e->generation, moved,
			  ui->apply_guess == (long long)e->generation ? ", line guessed by a diff" : "");
		apply_diags_clear(ui);
		ui->moved_from = ui->moved_to = 0;
		break;
	}
	case EV_ENC_REJECTED: {
		const struct ev_enc_rejected *e = ev->payload;

		set_state(&ui->apply_state, "apply refused");
		apply_diags_clear(ui);
		apply_diags_add(ui, e->reason ? e->reason : "apply refused");
		break;
	}
	default:
		break;
	}
}

int ui_output_attach(struct ui *ui)
{
	static const enum bus_event_type types[] = { EV_PROGRAM_OUTPUT, EV_INFERIOR_STARTED, EV_INFERIOR_EXITED,
						     EV_BUILD_STARTED,  EV_BUILD_PROGRESS,   EV_DIAGNOSTIC,
						     EV_BUILD_FINISHED, EV_ENC_APPLIED,      EV_ENC_REJECTED,
						     EV_FRAME_REMAPPED };

	ui->out_follow = true;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (ui_subscribe(ui, types[i], on_event) < 0)
			return -ENOMEM;
	return 0;
}

void ui_output_free(struct ui *ui)
{
	for (size_t i = 0; i < ui->nout; i++)
		free(ui->out[i].s);
	free(ui->out);
	diags_clear(ui);
	free(ui->build_state);
	free(ui->apply_state);
}

void ui_output_winsize(struct ui *ui)
{
	const struct ui_pane *p = &ui->panes[PANE_OUTPUT];
	int rows = p->h > 1 ? p->h - 1 : 24, cols = p->h > 1 ? p->w : 80;

	if (!ui->app->dbg || (rows == ui->out_rows && cols == ui->out_cols))
		return;
	ui->out_rows = rows;
	ui->out_cols = cols;
	dbg_set_winsize(ui->app->dbg, (unsigned short)rows, (unsigned short)cols);
}

static void output_draw(struct ui *ui, struct ui_pane *p)
{
	size_t body = p->h > 1 ? (size_t)p->h - 1 : 0, first;

	if (ui->out_follow || p->top + body > ui->nout)
		p->top = ui->nout > body ? ui->nout - body : 0;
	first = p->top;
	for (size_t i = 0; i < body && first + i < ui->nout; i++) {
		const struct ui_outline *l = &ui->out[first + i];
		struct ui_row r = { .y = p->y + 1 + (int)i, .x = p->x, .end = p->x + p->w };
		bool ours = l->len >= 4 && strncmp(l->s, "--- ", 4) == 0;

		ui_put_text(&r, l->s ? l->s : "", l->len, ui->theme.attr[ours ? UI_LINENR : SYN_NONE][0]);
		if (ui->focus == PANE_OUTPUT && first + i == ui->nout - 1) {
			ui->cy = r.y;
			ui->cx = p->x + (int)ui_text_width(l->s ? l->s : "", ui->outcol < l->len ? ui->outcol : l->len);
			if (ui->cx >= p->x + p->w)
				ui->cx = p->x + p->w - 1;
		}
	}
	if (ui->focus == PANE_OUTPUT && ui->nout == 0) {
		ui->cy = p->y + 1 < p->y + p->h ? p->y + 1 : p->y;
		ui->cx = p->x;
	}
}

/* The bytes a key sends to a terminal program. */
static size_t key_bytes(int key, char *out)
{
	static const struct {
		int key;
		const char *seq;
	} seqs[] = {
		{ UI_FN | KEY_UP, "\033[A" },    { UI_FN | KEY_DOWN, "\033[B" },  { UI_FN | KEY_RIGHT, "\033[C" },
		{ UI_FN | KEY_LEFT, "\033[D" },  { UI_FN | KEY_HOME, "\033[H" },  { UI_FN | KEY_END, "\033[F" },
		{ UI_FN | KEY_DC, "\033[3~" },   { UI_FN | KEY_PPAGE, "\033[5~" }, { UI_FN | KEY_NPAGE, "\033[6~" },
		{ UI_FN | KEY_BACKSPACE, "\177" }, { UI_FN | KEY_ENTER, "\r" },
	};
	mbstate_t st;
	size_t n;

	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++)
		if (seqs[i].key == key) {
			strcpy(out, seqs[i].seq);
			return strlen(out);
		}
	if (key & UI_FN)
		return 0;
	memset(&st, 0, sizeof(st));
	n = wcrtomb(out, (wchar_t)key, &st);
	return n == (size_t)-1 ? 0 : n;
}

static bool output_key(struct ui *ui, struct ui_pane *p, int key)
{
	int fd = ui->app->dbg ? dbg_pty(ui->app->dbg) : -1;
	struct termios tio;
	char bytes[16], *err = NULL;
	size_t n;

	/* Scrolling back: Shift- or Ctrl-Page Up/Down. */
	if (key == (UI_FN | KEY_SPREVIOUS) || key == (UI_FN | UI_KEY_CPGUP) || key == (UI_FN | KEY_SNEXT) ||
	    key == (UI_FN | UI_KEY_CPGDN)) {
		size_t body = p->h > 2 ? (size_t)p->h - 2 : 1;
		bool up = key == (UI_FN | KEY_SPREVIOUS) || key == (UI_FN | UI_KEY_CPGUP);

		ui->out_follow = false;
		p->top = up ? (p->top > body ? p->top - body : 0) : p->top + body;
		if (p->top + body + 1 >= ui->nout)
			ui->out_follow = true;
		ui->dirty = true;
		return true;
	}
	/* Without a program, keys keep their bindings; Ctrl-Q always quits. */
	if (fd < 0 || key == UI_CTRL('q'))
		return false;
	n = key_bytes(key, bytes);
	if (n == 0)
		return false;
	if (dbg_input(ui->app->dbg, bytes, n, &err) < 0) {
		ui_say(ui, true, "the program's terminal: %s", err ? err : "closed");
		free(err);
		return true;
	}
	ui->out_follow = true;
	/* The debugger turns the pty's echo off so output stays the program's
	 * own; while it reads lines, show what is typed here. */
	if (tcgetattr(fd, &tio) == 0 && (tio.c_lflag & ICANON) && !(tio.c_lflag & ECHO)) {
		if (bytes[0] == '\r')
			out_newline(ui);
		else if (bytes[0] == 0x7f)
			out_feed(ui, "\b \b", 3);
		else if ((unsigned char)bytes[0] >= 0x20)
			out_feed(ui, bytes, n);
	}
	ui->dirty = true;
	return true;
}

const struct ui_pane_type ui_output_pane = {
	.name = "output",
	.title = "Output (the program's terminal)",
	.draw = output_draw,
	.key = output_key,
	.help = "typing\tgoes to the program (Ctrl-C too: it interrupts it)\n"
		"S-PgUp S-PgDn\tscroll back (also Ctrl-PgUp/PgDn, the mouse wheel)\n"
		"C-k then a key\tthe prefix key still works here (C-k o: next pane)\n",
};

static void problems_draw(struct ui *ui, struct ui_pane *p)
{
	if (!ui->ndiags) {
		ui_pane_note(ui, p, ui->build_state ? ui->build_state : "No problems (F7 or C-k m builds).");
		p->rows = 0;
		return;
	}
	ui_list_fit(p, ui->ndiags);
	for (size_t i = 0; i < ui->ndiags; i++) {
		struct ui_row r;
		attr_t attr;

		if (!ui_list_row(ui, p, i, &r, &attr))
			continue;
		if (!(i == p->sel && ui->focus == PANE_PROBLEMS))
			attr = ui->theme.attr[ui->diags[i].error ? UI_DIAG_ERROR : UI_DIAG_WARNING][0];
		ui_put_text(&r, ui->diags[i].text, strcspn(ui->diags[i].text, "\n"), attr);
		ui_fill(&r, attr);
	}
}

static void problems_activate(struct ui *ui, struct ui_pane *p)
{
	const struct ui_diag *d;

	if (p->sel >= ui->ndiags)
		return;
	d = &ui->diags[p->sel];
	if (!d->file) {
		ui_say(ui, true, "%s", d->text);
		return;
	}
	if (ui_editor_goto(ui, d->file, d->line)) {
		if (d->col > 0)
			ui->app->view.col = (size_t)d->col;
		ui_focus(ui, PANE_EDITOR);
	}
}

const struct ui_pane_type ui_problems_pane = {
	.name = "problems",
	.title = "Problems",
	.draw = problems_draw,
	.activate = problems_activate,
	.help = "Up Down\tchoose a diagnostic\nEnter\tgo to its line in the editor\n",
};
