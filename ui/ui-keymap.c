/* Keys: reading them (with the sequences of modified keys and bracketed
 * paste taught to curses), the bindings (a key, or the prefix key and a
 * key, runs a command line of the table, in every pane or in one), the
 * prefix key that reaches every debugging key where F-keys do not arrive
 * (SSH, tmux, mosh, the Linux console), the user's config file, and the
 * help that `?` and F1 show.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "ui/ui-int.h"

#define PREFIX_DEFAULT UI_CTRL('k')

/* The default bindings: pane ("" for every pane), keys, command line. */
static const struct {
	const char *pane;
	const char *keys;
	const char *line;
} defaults[] = {
	/* VC-style debugging keys, and the same behind the prefix key. */
	{ "", "F5", "go" },
	{ "", "S-F5", "kill" },
	{ "", "F9", "break-toggle" },
	{ "", "F10", "step-over" },
	{ "", "F11", "step-into" },
	{ "", "S-F11", "finish" },
	{ "", "C-F10", "go %f:%l" },
	{ "", "C-S-F10", "jump %f:%l" },
	{ "", "M-F10", "apply" },
	{ "", "F7", "build" },
	{ "", "C-k c", "go" },
	{ "", "C-k x", "kill" },
	{ "", "C-k b", "break-toggle" },
	{ "", "C-k n", "step-over" },
	{ "", "C-k s", "step-into" },
	{ "", "C-k f", "finish" },
	{ "", "C-k u", "go %f:%l" },
	{ "", "C-k j", "jump %f:%l" },
	{ "", "C-k a", "apply" },
	{ "", "C-k m", "build" },
	{ "", "C-k i", "interrupt" },
	/* Panes. */
	{ "", "F6", "focus next" },
	{ "", "S-F6", "focus prev" },
	{ "", "C-k Tab", "focus next" },
	{ "", "C-k o", "focus next" },
	{ "", "C-k Left", "focus left" },
	{ "", "C-k Right", "focus right" },
	{ "", "C-k Up", "focus up" },
	{ "", "C-k Down", "focus down" },
	{ "", "C-k e", "focus editor" },
	{ "", "C-k 1", "focus tree" },
	{ "", "C-k 2", "focus editor" },
	{ "", "C-k 3", "focus stack" },
	{ "", "C-k 4", "focus locals" },
	{ "", "C-k 5", "focus breakpoints" },
	{ "", "C-k 6", "focus threads" },
	{ "", "C-k 7", "focus output" },
	{ "", "C-k 8", "focus problems" },
	{ "", "C-k z", "zoom" },
	{ "", "C-k h", "pane-hide" },
	{ "", "C-k +", "pane-resize +2" },
	{ "", "C-k -", "pane-resize -2" },
	{ "", "C-k ]", "tab next" },
	{ "", "C-k [", "tab prev" },
	{ "", "C-k l", "redraw" },
	/* The session. */
	{ "", "F1", "keys" },
	{ "", "?", "keys" },
	{ "", "C-k ?", "keys" },
	{ "", ":", "command-line" },
	{ "", "C-e", "command-line" },
	{ "", "C-k :", "command-line" },
	{ "", "C-q", "quit" },
	{ "", "C-k q", "quit" },
	{ "", "C-s", "save" },
	{ "", "C-k w", "save" },
	{ "", "C-z", "undo" },
	{ "", "C-y", "redo" },
	{ "", "C-c", "copy" },
	{ "", "C-x", "cut" },
	{ "", "C-v", "paste" },
	{ "", "C-f", "find" },
	{ "", "C-k /", "find" },
	{ "", "F3", "search-next" },
	{ "", "S-F3", "search-prev" },
	{ "", "C-g", "command-line \"goto \"" },
	/* The editor's movement and selection. */
	{ "editor", "Up", "cursor-up" },
	{ "editor", "Down", "cursor-down" },
	{ "editor", "Left", "cursor-left" },
	{ "editor", "Right", "cursor-right" },
	{ "editor", "Home", "line-start" },
	{ "editor", "End", "line-end" },
	{ "editor", "PgUp", "page-up" },
	{ "editor", "PgDn", "page-down" },
	{ "editor", "C-Home", "file-start" },
	{ "editor", "C-End", "file-end" },
	{ "editor", "S-Up", "select cursor-up" },
	{ "editor", "S-Down", "select cursor-down" },
	{ "editor", "S-Left", "select cursor-left" },
	{ "editor", "S-Right", "select cursor-right" },
	{ "editor", "S-Home", "select line-start" },
	{ "editor", "S-End", "select line-end" },
	{ "editor", "C-S-Home", "select file-start" },
	{ "editor", "C-S-End", "select file-end" },
	{ "editor", "C-Space", "select mark" },
};

/* Named keys, for bind and help. */
static const struct {
	const char *name;
	int key;
} names[] = {
	{ "Up", UI_FN | KEY_UP },         { "Down", UI_FN | KEY_DOWN },
	{ "Left", UI_FN | KEY_LEFT },     { "Right", UI_FN | KEY_RIGHT },
	{ "Home", UI_FN | KEY_HOME },     { "End", UI_FN | KEY_END },
	{ "PgUp", UI_FN | KEY_PPAGE },    { "PgDn", UI_FN | KEY_NPAGE },
	{ "Ins", UI_FN | KEY_IC },        { "Del", UI_FN | KEY_DC },
	{ "Backspace", UI_FN | KEY_BACKSPACE },
	{ "S-Up", UI_FN | KEY_SR },       { "S-Down", UI_FN | KEY_SF },
	{ "S-Left", UI_FN | KEY_SLEFT },  { "S-Right", UI_FN | KEY_SRIGHT },
	{ "S-Home", UI_FN | KEY_SHOME },  { "S-End", UI_FN | KEY_SEND },
	{ "S-Tab", UI_FN | KEY_BTAB },
	{ "C-Left", UI_FN | UI_KEY_CLEFT }, { "C-Right", UI_FN | UI_KEY_CRIGHT },
	{ "C-Up", UI_FN | UI_KEY_CUP },   { "C-Down", UI_FN | UI_KEY_CDOWN },
	{ "C-Home", UI_FN | UI_KEY_CHOME }, { "C-End", UI_FN | UI_KEY_CEND },
	{ "C-S-Home", UI_FN | UI_KEY_SCHOME }, { "C-S-End", UI_FN | UI_KEY_SCEND },
	{ "C-PgUp", UI_FN | UI_KEY_CPGUP }, { "C-PgDn", UI_FN | UI_KEY_CPGDN },
	{ "Tab", '\t' },                  { "Enter", '\r' },
	{ "Esc", UI_ESC },                { "Space", ' ' },
	{ "C-Space", 0 },
};

/* xterm's sequences for keys terminfo often lacks (TERM=screen, tmux...). */
static const struct {
	const char *seq;
	int code;
} sequences[] = {
	{ "\033[200~", UI_KEY_PASTE_BEGIN }, { "\033[201~", UI_KEY_PASTE_END },
	{ "\033[1;5D", UI_KEY_CLEFT },       { "\033[1;5C", UI_KEY_CRIGHT },
	{ "\033[1;5A", UI_KEY_CUP },         { "\033[1;5B", UI_KEY_CDOWN },
	{ "\033[1;5H", UI_KEY_CHOME },       { "\033[1;5F", UI_KEY_CEND },
	{ "\033[1;6D", UI_KEY_SCLEFT },      { "\033[1;6C", UI_KEY_SCRIGHT },
	{ "\033[1;6H", UI_KEY_SCHOME },      { "\033[1;6F", UI_KEY_SCEND },
	{ "\033[5;5~", UI_KEY_CPGUP },       { "\033[6;5~", UI_KEY_CPGDN },
	{ "\033[1;2A", KEY_SR },             { "\033[1;2B", KEY_SF },
	{ "\033[1;2D", KEY_SLEFT },          { "\033[1;2C", KEY_SRIGHT },
	{ "\033[1;2H", KEY_SHOME },          { "\033[1;2F", KEY_SEND },
	{ "\033[Z", KEY_BTAB },
};

/* Plain keys as VT100, xterm, rxvt, screen and tmux send them. */
static const struct {
	const char *seq;
	int code;
} plain[] = {
	{ "\033[A", KEY_UP },    { "\033OA", KEY_UP },     { "\033[B", KEY_DOWN },   { "\033OB", KEY_DOWN },
	{ "\033[C", KEY_RIGHT }, { "\033OC", KEY_RIGHT },  { "\033[D", KEY_LEFT },   { "\033OD", KEY_LEFT },
	{ "\033[H", KEY_HOME },  { "\033OH", KEY_HOME },   { "\033[1~", KEY_HOME },  { "\033[7~", KEY_HOME },
	{ "\033[F", KEY_END },   { "\033OF", KEY_END },    { "\033[4~", KEY_END },   { "\033[8~", KEY_END },
	{ "\033[2~", KEY_IC },   { "\033[3~", KEY_DC },    { "\033[5~", KEY_PPAGE }, { "\033[6~", KEY_NPAGE },
};

void ui_keys_define(void)
{
	/* F1-F12 with Shift (2), Alt (3), Ctrl (5), Ctrl-Shift (6), as xterm. */
	static const char *const fkeys[12] = { "1;%dP", "1;%dQ", "1;%dR", "1;%dS", "15;%d~", "17;%d~",
					       "18;%d~", "19;%d~", "20;%d~", "21;%d~", "23;%d~", "24;%d~" };
	static const int mods[4][2] = { { 2, 12 }, { 5, 24 }, { 6, 36 }, { 3, 48 } };
	char seq[32], fmt[16];

	for (size_t i = 0; i < sizeof(sequences) / sizeof(sequences[0]); i++) {
		define_key(sequences[i].seq, 0);
		define_key(sequences[i].seq, sequences[i].code);
	}
	for (int m = 0; m < 4; m++)
		for (int f = 0; f < 12; f++) {
			snprintf(fmt, sizeof(fmt), "\033[%s", fkeys[f]);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			snprintf(seq, sizeof(seq), fmt, mods[m][0]);
#pragma GCC diagnostic pop
			if (key_defined(seq) != KEY_F(f + 1 + mods[m][1])) {
				define_key(seq, 0);
				define_key(seq, KEY_F(f + 1 + mods[m][1]));
			}
		}
	/* What other terminals send for the plain keys, when TERM says
	 * otherwise (TERM=xterm inside tmux, the Linux console's F1-F5...). */
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (key_defined(plain[i].seq) == 0)
			define_key(plain[i].seq, plain[i].code);
	for (int f = 0; f < 12; f++) {
		snprintf(fmt, sizeof(fmt), "\033[%s", fkeys[f]);
		if (f < 4)
			snprintf(seq, sizeof(seq), "\033O%c", 'P' + f);
		else
			snprintf(seq, sizeof(seq), "\033[%.*s~", (int)strcspn(fkeys[f], ";"), fkeys[f]);
		if (key_defined(seq) == 0)
			define_key(seq, KEY_F(f + 1));
		if (f < 5) {
			snprintf(seq, sizeof(seq), "\033[[%c", 'A' + f);
			if (key_defined(seq) == 0)
				define_key(seq, KEY_F(f + 1));
		}
	}
}

const char *ui_key_name(int key, char *buf, size_t size)
{
	mbstate_t st;
	char mb[MB_LEN_MAX + 1];
	size_t n;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].key == key) {
			snprintf(buf, size, "%s", names[i].name);
			return buf;
		}
	if (key & UI_FN) {
		int code = key & ~UI_FN;

		if (code >= KEY_F(1) && code <= KEY_F(60)) {
			static const char *const mod[] = { "", "S-", "C-", "C-S-", "M-" };
			int f = code - KEY_F(1);

			snprintf(buf, size, "%sF%d", mod[f / 12], f % 12 + 1);
		} else {
			const char *k = keyname(code);

			snprintf(buf, size, "%s", k ? k : "?");
		}
		return buf;
	}
	if (key > 0 && key < 0x20) {
		snprintf(buf, size, "C-%c", key + 'a' - 1);
		return buf;
	}
	memset(&st, 0, sizeof(st));
	n = wcrtomb(mb, (wchar_t)key, &st);
	snprintf(buf, size, "%.*s", n == (size_t)-1 ? 1 : (int)n, n == (size_t)-1 ? "?" : mb);
	return buf;
}

/* The key named s, or -1. */
static int key_parse(const char *s)
{
	wchar_t wc;
	mbstate_t st;
	size_t n;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].name, s) == 0)
			return names[i].key;
	if (s[0] == 'F' || strncmp(s, "S-F", 3) == 0 || strncmp(s, "C-F", 3) == 0 || strncmp(s, "C-S-F", 5) == 0 ||
	    strncmp(s, "M-F", 3) == 0) {
		int base = strncmp(s, "S-", 2) == 0 ? 12 : strncmp(s, "C-S-", 4) == 0 ? 36
			 : strncmp(s, "C-", 2) == 0 ? 24 : strncmp(s, "M-", 2) == 0 ? 48 : 0;
		const char *num = strchr(s, 'F') + 1;
		char *end;
		long f = strtol(num, &end, 10);

		if (*num && !*end && f >= 1 && f <= 12)
			return UI_F((int)f + base);
		if (base == 0 && *num && !*end && f >= 1 && f <= 63)
			return UI_F((int)f);
	}
	if (strncmp(s, "C-", 2) == 0 && s[2] >= 'a' && s[2] <= 'z' && !s[3])
		return UI_CTRL(s[2]);
	memset(&st, 0, sizeof(st));
	n = mbrtowc(&wc, s, strlen(s), &st);
	if (n != (size_t)-1 && n != (size_t)-2 && n == strlen(s) && wc >= 0x20)
		return (int)wc;
	return -1;
}

/* Finds the binding of keys in pane (-1: every pane). */
static struct ui_binding *find(struct ui *ui, int pane, const int *keys, int nkeys)
{
	for (size_t i = 0; i < ui->nbinds; i++) {
		struct ui_binding *b = &ui->binds[i];

		if (b->pane == pane && b->nkeys == nkeys && b->keys[0] == keys[0] && (nkeys == 1 || b->keys[1] == keys[1]))
			return b;
	}
	return NULL;
}

static int bind(struct ui *ui, int pane, const int *keys, int nkeys, const char *line)
{
	struct ui_binding *b = find(ui, pane, keys, nkeys);
	char *copy = strdup(line);

	if (!copy)
		return -ENOMEM;
	if (!b) {
		b = realloc(ui->binds, (ui->nbinds + 1) * sizeof(*b));
		if (!b) {
			free(copy);
			return -ENOMEM;
		}
		ui->binds = b;
		b = &ui->binds[ui->nbinds++];
		*b = (struct ui_binding){ .pane = pane, .nkeys = nkeys, .keys = { keys[0], nkeys > 1 ? keys[1] : 0 } };
	}
	free(b->line);
	b->line = copy;
	return 0;
}

int ui_keymap_init(struct ui *ui)
{
	ui->prefix_key = PREFIX_DEFAULT;
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		char words[32], *sp;
		int keys[2], n = 1;

		snprintf(words, sizeof(words), "%s", defaults[i].keys);
		sp = strchr(words, ' ');
		if (sp) {
			*sp = '\0';
			keys[1] = key_parse(sp + 1);
			n = 2;
		}
		keys[0] = key_parse(words);
		if (bind(ui, *defaults[i].pane ? ui_pane_find(defaults[i].pane) : -1, keys, n, defaults[i].line) < 0)
			return -ENOMEM;
	}
	return 0;
}

void ui_keymap_free(struct ui *ui)
{
	for (size_t i = 0; i < ui->nbinds; i++)
		free(ui->binds[i].line);
	free(ui->binds);
	ui->binds = NULL;
	ui->nbinds = 0;
}

/* The binding a key (after the prefix when prefixed) has in the focused
 * pane, else in every pane. */
static const struct ui_binding *lookup(struct ui *ui, int key, bool prefixed)
{
	int keys[2] = { prefixed ? ui->prefix_key : key, key };
	const struct ui_binding *b = find(ui, ui->focus, keys, prefixed ? 2 : 1);

	return b ? b : find(ui, -1, keys, prefixed ? 2 : 1);
}

/* Runs a binding's line with %f %l %c (file, line, column) filled in. */
static void run_binding(struct ui *ui, const struct ui_binding *b)
{
	const struct view *v = &ui->app->view;
	size_t cap = strlen(b->line) + 64, n = 0;
	char *line = malloc(cap);

	if (!line)
		return;
	for (const char *p = b->line; *p; p++) {
		char part[64], *quoted = NULL;
		const char *add = part;
		size_t len;

		if (*p != '%' || !p[1]) {
			part[0] = *p;
			part[1] = '\0';
		} else if (*++p == 'f') {
			/* Quoted: a path may hold a blank ("go %f:%l"). */
			quoted = v->buf ? ui_quote(buf_path(v->buf)) : NULL;
			add = quoted ? quoted : "";
		} else if (*p == 'l' || *p == 'c') {
			snprintf(part, sizeof(part), "%zu", *p == 'l' ? v->line : v->col);
		} else {
			part[0] = *p;
			part[1] = '\0';
		}
		len = strlen(add);
		if (n + len + 1 > cap) {
			char *l = realloc(line, cap = 2 * (n + len + 1));

			if (!l) {
				free(quoted);
				free(line);
				return;
			}
			line = l;
		}
		memcpy(line + n, add, len);
		n += len;
		free(quoted);
	}
	line[n] = '\0';
	ui_run_line(ui, line);
	free(line);
}

/* True when some buffer has edits not saved. */
static bool unsaved(const struct ui *ui)
{
	for (size_t i = 0; i < ui->app->nbufs; i++)
		if (buf_modified(ui->app->bufs[i]))
			return true;
	return false;
}

/* One key, after paste and resize were taken out. */
static void on_key(struct ui *ui, int key)
{
	const struct ui_binding *b = NULL;
	struct ui_pane *p = &ui->panes[ui->focus];
	bool was_prefix = ui->prefix;
	char name[32];

	ui->dirty = true;
	if (ui->help) {
		ui_help_key(ui, key);
		return;
	}
	if (ui->prompt.kind != PROMPT_NONE) {
		ui_prompt_key(ui, key);
		return;
	}
	ui->prefix = false;
	if (was_prefix) {
		b = lookup(ui, key, true);
		if (!b && key != UI_ESC)
			ui_say(ui, true, "%s %s is not bound (? lists the keys)", ui_key_name(ui->prefix_key, name, 16),
			       ui_key_name(key, name + 16, 16));
	} else if (key == ui->prefix_key) {
		ui_edit_typing_end(ui);
		ui->prefix = true;
		return;
	} else {
		b = find(ui, ui->focus, (int[]){ key, 0 }, 1);
		if (!b && ui_pane_types[ui->focus]->key && ui_pane_types[ui->focus]->key(ui, p, key))
			goto done;
		if (!b && !ui_pane_types[ui->focus]->key && ui_list_key(ui, p, key))
			goto done;
		if (!b)
			b = find(ui, -1, (int[]){ key, 0 }, 1);
	}
	if (key != UI_CTRL('q') || !b)
		ui->quit_armed = false;
	if (b) {
		if (strcmp(b->line, "quit") == 0 && unsaved(ui) && !ui->quit_armed) {
			ui->quit_armed = true;
			return;
		}
		run_binding(ui, b);
	} else if (key == UI_ESC) {
		/* Esc: back to plain editing. */
		ui->sel = ui->sel_mark = ui->search_hl = false;
		free(ui->message);
		ui->message = NULL;
	}
done:
	if (key != UI_CTRL('q'))
		ui->quit_armed = false;
}

/* A bracketed paste goes where the keyboard goes. */
static void paste_done(struct ui *ui)
{
	if (ui->prompt.kind != PROMPT_NONE) {
		for (size_t i = 0; i < ui->pastelen; i++)
			if (ui->paste[i] != '\r' && ui->paste[i] != '\n')
				ui_prompt_key(ui, (unsigned char)ui->paste[i]);
	} else if (ui->focus == PANE_OUTPUT) {
		char *err = NULL;

		if (!ui->app->dbg || dbg_input(ui->app->dbg, ui->paste, ui->pastelen, &err) < 0)
			ui_say(ui, true, "paste: %s", err ? err : "the program is not running");
		free(err);
	} else if (ui->focus == PANE_EDITOR) {
		ui_edit_paste(ui, ui->paste, ui->pastelen);
	} else {
		ui_say(ui, true, "paste: the focused pane takes no text");
	}
	ui->pastelen = 0;
	ui->dirty = true;
}

static void paste_add(struct ui *ui, int key)
{
	char mb[MB_LEN_MAX + 1];
	mbstate_t st;
	size_t n;

	if (key == (UI_FN | KEY_ENTER))
		key = '\r';
	if (key & UI_FN)
		return;
	memset(&st, 0, sizeof(st));
	n = wcrtomb(mb, (wchar_t)key, &st);
	if (n == (size_t)-1)
		return;
	if (ui->pastelen + n > ui->pastecap) {
		size_t cap = ui->pastecap ? 2 * ui->pastecap : 4096;
		char *p;

		while (cap < ui->pastelen + n)
			cap *= 2;
		p = realloc(ui->paste, cap);
		if (!p)
			return;
		ui->paste = p;
		ui->pastecap = cap;
	}
	memcpy(ui->paste + ui->pastelen, mb, n);
	ui->pastelen += n;
}

void ui_keys_read(struct ui *ui)
{
	wint_t wc;
	int rc;

	while (!loop_quitting(ui->app->loop) && (rc = wget_wch(stdscr, &wc)) != ERR) {
		int key = rc == KEY_CODE_YES ? (int)(UI_FN | wc) : (int)wc;

		if (key == (UI_FN | UI_KEY_PASTE_BEGIN)) {
			ui->pasting = true;
			ui->pastelen = 0;
		} else if (key == (UI_FN | UI_KEY_PASTE_END)) {
			ui->pasting = false;
			paste_done(ui);
		} else if (ui->pasting) {
			paste_add(ui, key);
		} else if (key == (UI_FN | KEY_RESIZE)) {
			ui->dirty = true;
		} else if (key == (UI_FN | KEY_MOUSE)) {
			if (!ui->help && ui->prompt.kind == PROMPT_NONE)
				ui_mouse(ui);
		} else {
			ui->message_kept = false;
			on_key(ui, key);
		}
	}
}

/* Parses "[PANE:]KEY": *pane -1 for every pane. */
static int parse_target(struct cmd_ctx *ctx, const char *word, int *pane, int *key)
{
	const char *colon = strchr(word, ':');
	char pname[32];

	*pane = -1;
	if (colon && colon != word && colon[1]) {
		snprintf(pname, sizeof(pname), "%.*s", (int)(colon - word), word);
		*pane = ui_pane_find(pname);
		if (*pane < 0)
			return cmd_error(ctx, "%s: no pane '%s' (tree editor stack locals breakpoints threads output problems)",
					 ctx->entry->name, pname);
		word = colon + 1;
	}
	*key = key_parse(word);
	if (*key < 0)
		return cmd_error(ctx, "%s: '%s' is not a key (F5, S-F5, C-F10, M-F10, C-k, Up, PgDn, Tab, a...)",
				 ctx->entry->name, word);
	return 0;
}

int ui_keymap_command(struct ui *ui, struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *name = ctx->entry->name;
	int pane, keys[2], nkeys = 1, first = 2;

	if (strcmp(name, "keys") == 0) {
		int id = argc > 1 ? ui_pane_find(argv[1]) : ui->focus;

		if (id < 0)
			return cmd_error(ctx, "keys: no pane '%s'", argv[1]);
		ui_focus(ui, id);
		ui->help = true;
		ui->help_top = 0;
		return 0;
	}
	if (parse_target(ctx, argv[1], &pane, &keys[0]) < 0)
		return -1;
	/* A second key only after the prefix key: "bind C-k c go". */
	if (keys[0] == ui->prefix_key && argc > 2) {
		keys[1] = key_parse(argv[2]);
		if (keys[1] < 0)
			return cmd_error(ctx, "%s: '%s' is not a key", name, argv[2]);
		nkeys = 2;
		first = 3;
	}
	if (strcmp(name, "unbind") == 0) {
		struct ui_binding *b = find(ui, pane, keys, nkeys);

		if (!b)
			return cmd_error(ctx, "unbind: %s is not bound", argv[1]);
		free(b->line);
		*b = ui->binds[--ui->nbinds];
		return 0;
	}
	if (first >= argc)
		return cmd_error(ctx, "bind: which command? (bind KEY COMMAND...)");
	{
		size_t len = 1;
		char *line;
		int err;

		for (int i = first; i < argc; i++)
			len += strlen(argv[i]) * 2 + 3;
		line = calloc(1, len);
		if (!line)
			return cmd_error(ctx, "bind: out of memory");
		/* The words again as one line, quoted where they need it. */
		for (int i = first; i < argc; i++) {
			bool quote = argv[i][strcspn(argv[i], " \t\"'\\")] != '\0' || !*argv[i];
			char *o = line + strlen(line);

			if (i > first)
				*o++ = ' ';
			if (quote)
				*o++ = '"';
			for (const char *s = argv[i]; *s; s++) {
				if (quote && strchr("\"\\$`", *s))
					*o++ = '\\';
				*o++ = *s;
			}
			if (quote)
				*o++ = '"';
			*o = '\0';
		}
		if (!cmd_find(argv[first])) {
			free(line);
			return cmd_error(ctx, "bind: unknown command '%s'", argv[first]);
		}
		err = bind(ui, pane, keys, nkeys, line);
		free(line);
		if (err < 0)
			return cmd_error(ctx, "bind: out of memory");
	}
	return 0;
}

void ui_config_load(struct ui *ui)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *path = NULL, *line = NULL;
	size_t cap = 0;
	int n = 0, rc;
	FILE *f;

	if (xdg && *xdg)
		rc = asprintf(&path, "%s/encide/config", xdg);
	else
		rc = asprintf(&path, "%s/.config/encide/config", home ? home : "");
	if (rc < 0)
		return;
	f = fopen(path, "r");
	if (!f) {
		free(path);
		return;
	}
	while (getline(&line, &cap, f) > 0) {
		char *s = line + strspn(line, " \t"), *err = NULL;

		n++;
		s[strcspn(s, "\r\n")] = '\0';
		if (!*s || *s == '#')
			continue;
		if (cmd_run_line(ui->app, s, "config", &err) < 0)
			ui_say(ui, true, "%s:%d: %s", path, n, err ? err : "failed");
		free(err);
	}
	free(line);
	fclose(f);
	free(path);
}

/* The bindings of pane (or of every pane: -1) as "KEYS\tLINE" lines. */
static char *bindings_text(struct ui *ui, int pane)
{
	char *text = NULL, *t;
	size_t len = 0;

	for (size_t i = 0; i < ui->nbinds; i++) {
		const struct ui_binding *b = &ui->binds[i];
		char k1[32], k2[32];
		int n;

		if (b->pane != pane)
			continue;
		ui_key_name(b->keys[0], k1, sizeof(k1));
		if (b->nkeys > 1)
			ui_key_name(b->keys[1], k2, sizeof(k2));
		t = realloc(text, len + strlen(b->line) + 80);
		if (!t)
			break;
		text = t;
		n = sprintf(text + len, "%s%s%s\t%s\n", k1, b->nkeys > 1 ? " " : "", b->nkeys > 1 ? k2 : "", b->line);
		len += (size_t)n;
	}
	return text;
}

/* The help's lines: the pane's own keys, its bindings, then every pane's. */
static char *help_text(struct ui *ui)
{
	const struct ui_pane_type *t = ui_pane_types[ui->focus];
	char *mine = bindings_text(ui, ui->focus), *all = bindings_text(ui, -1), *text = NULL;

	if (asprintf(&text, "Keys of the %s pane (Esc closes, arrows scroll)\n%s%s\nKeys in every pane "
			    "(the prefix key %s works where F-keys do not arrive)\n%s",
		     t->title, t->help ? t->help : "", mine ? mine : "", "C-k", all ? all : "") < 0)
		text = NULL;
	free(mine);
	free(all);
	return text;
}

void ui_help_draw(struct ui *ui)
{
	char *text = help_text(ui), *line, *save = NULL;
	int h = LINES - 2 > 3 ? LINES - 2 : LINES, w = COLS > 84 ? 84 : COLS, y0 = 0, x0 = (COLS - w) / 2, row = 0;
	attr_t attr = ui->theme.attr[SYN_NONE][0], key = ui->theme.attr[SYN_KEYWORD][0],
	       title = ui->theme.attr[UI_TITLE_FOCUS][0];

	if (!text || h < 1)
		goto out;
	for (int y = 0; y < h; y++) {
		struct ui_row r = { .y = y0 + y, .x = x0, .end = x0 + w };

		ui_fill(&r, attr);
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), row++) {
		struct ui_row r = { .y = y0 + row - ui->help_top, .x = x0, .end = x0 + w };
		char *tab = strchr(line, '\t');

		if (row < ui->help_top || r.y >= y0 + h)
			continue;
		if (!tab) {
			ui_put_text(&r, line, strlen(line), title);
			ui_fill(&r, title);
			continue;
		}
		ui_put_fmt(&r, key, " %-22.*s ", (int)(tab - line), line);
		ui_put_text(&r, tab + 1, strlen(tab + 1), attr);
	}
	if (ui->help_top > row - h)
		ui->help_top = row - h > 0 ? row - h : 0;
out:
	free(text);
}

void ui_help_key(struct ui *ui, int key)
{
	int page = LINES > 4 ? LINES - 4 : 1;

	if (key == (UI_FN | KEY_DOWN))
		ui->help_top++;
	else if (key == (UI_FN | KEY_UP))
		ui->help_top = ui->help_top > 0 ? ui->help_top - 1 : 0;
	else if (key == (UI_FN | KEY_NPAGE) || key == ' ')
		ui->help_top += page;
	else if (key == (UI_FN | KEY_PPAGE))
		ui->help_top = ui->help_top > page ? ui->help_top - page : 0;
	else
		ui->help = false;
}

void ui_prefix_hint(struct ui *ui, struct ui_row *r, attr_t attr)
{
	char k[32], shown[40][24];
	size_t nshown = 0;

	ui_put_fmt(r, attr | A_BOLD, "%s ", ui_key_name(ui->prefix_key, k, sizeof(k)));
	for (size_t i = 0; i < ui->nbinds; i++) {
		const struct ui_binding *b = &ui->binds[i];
		char word[24];
		size_t j;

		if (b->nkeys != 2 || b->keys[0] != ui->prefix_key || (b->pane != -1 && b->pane != ui->focus))
			continue;
		/* One key per command ("c:go u:go-here"), one for each family of
		 * pane keys ("Tab:focus"). */
		snprintf(word, sizeof(word), "%s", b->line);
		if (strncmp(word, "focus ", 6) == 0 || strncmp(word, "pane-", 5) == 0 || strncmp(word, "tab ", 4) == 0)
			word[strcspn(word, " ")] = '\0';
		if (strstr(word, " %f:%l"))
			strcpy(strstr(word, " %f:%l"), "-here");
		for (j = 0; j < nshown && strcmp(shown[j], word) != 0; j++)
			;
		if (j < nshown || nshown == 40)
			continue;
		memcpy(shown[nshown++], word, sizeof(word));
		ui_put_fmt(r, attr, "%s:%s ", ui_key_name(b->keys[1], k, sizeof(k)), word);
	}
}
