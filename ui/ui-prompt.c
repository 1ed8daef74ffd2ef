/* The bottom-row prompts: the ':' command line, which runs any command of
 * the table (Tab completes command names, files, panes and themes; Up and
 * Down walk the history), and the incremental search, which moves to the
 * first match of the text as it is typed and highlights every match (Enter
 * keeps it, Esc goes back to where it started).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui/ui-int.h"

#define HISTORY_MAX 200

static void matches_free(struct ui_prompt *pr)
{
	for (size_t i = 0; i < pr->nmatches; i++)
		free(pr->matches[i]);
	free(pr->matches);
	pr->matches = NULL;
	pr->nmatches = pr->match = 0;
}

/* Replaces the text with s, cursor at its end. */
static void set_text(struct ui_prompt *pr, const char *s)
{
	size_t n = strlen(s);

	if (n + 1 > pr->cap) {
		char *t = realloc(pr->text, n + 64);

		if (!t)
			return;
		pr->text = t;
		pr->cap = n + 64;
	}
	memcpy(pr->text, s, n + 1);
	pr->len = pr->cur = n;
}

/* Inserts n bytes of s at the cursor. */
static void insert(struct ui_prompt *pr, const char *s, size_t n)
{
	if (pr->len + n + 1 > pr->cap) {
		char *t = realloc(pr->text, pr->len + n + 64);

		if (!t)
			return;
		pr->text = t;
		pr->cap = pr->len + n + 64;
	}
	memmove(pr->text + pr->cur + n, pr->text + pr->cur, pr->len - pr->cur + 1);
	memcpy(pr->text + pr->cur, s, n);
	pr->len += n;
	pr->cur += n;
}

void ui_prompt_open(struct ui *ui, enum ui_prompt_kind kind, const char *text)
{
	struct ui_prompt *pr = &ui->prompt;
	const struct view *v = &ui->app->view;

	ui_edit_typing_end(ui);
	matches_free(pr);
	pr->kind = kind;
	set_text(pr, text ? text : "");
	pr->hist = ui->nhistory;
	pr->from_line = v->line;
	pr->from_col = v->col;
	pr->wrapped = false;
	if (kind == PROMPT_FIND)
		ui->search_hl = true;
	ui->dirty = true;
}

void ui_prompt_close(struct ui *ui)
{
	matches_free(&ui->prompt);
	ui->prompt.kind = PROMPT_NONE;
	ui->dirty = true;
}

void ui_prompt_free(struct ui *ui)
{
	matches_free(&ui->prompt);
	free(ui->prompt.text);
	for (size_t i = 0; i < ui->nhistory; i++)
		free(ui->history[i]);
	free(ui->history);
}

static void history_add(struct ui *ui, const char *line)
{
	char *copy, **h;

	if (!*line || (ui->nhistory && strcmp(ui->history[ui->nhistory - 1], line) == 0))
		return;
	if (ui->nhistory == HISTORY_MAX) {
		free(ui->history[0]);
		memmove(ui->history, ui->history + 1, (HISTORY_MAX - 1) * sizeof(*ui->history));
		ui->nhistory--;
	}
	copy = strdup(line);
	h = realloc(ui->history, (ui->nhistory + 1) * sizeof(*h));
	if (!copy || !h) {
		free(copy);
		if (h)
			ui->history = h;
		return;
	}
	ui->history = h;
	h[ui->nhistory++] = copy;
}

/* The literal text as a POSIX extended regex (for search-next and F3). */
static char *regex_quote(const char *s)
{
	char *out = malloc(strlen(s) * 2 + 1), *o = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		if (strchr("\\^$.[]|()*+?{}", *s))
			*o++ = '\\';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* Find: the first match of the text at or after where the search began,
 * wrapping around the file once. */
static void find_update(struct ui *ui)
{
	struct ui_prompt *pr = &ui->prompt;
	struct view *v = &ui->app->view;
	size_t lines, start, end, cap = 0;
	char *line = NULL, *re;

	if (!v->buf)
		return;
	re = regex_quote(pr->text);
	if (re) {
		free(ui->app->search);
		ui->app->search = re;
	}
	v->line = pr->from_line;
	v->col = pr->from_col;
	pr->wrapped = false;
	if (!pr->len)
		return;
	lines = buf_line_count(v->buf);
	for (size_t i = 0; i <= lines; i++) {
		size_t l = (pr->from_line - 1 + i) % lines + 1, from = i == 0 ? pr->from_col - 1 : 0, len;
		char *hit;

		buf_line_span(v->buf, l, &start, &end);
		len = end - start;
		if (len + 1 > cap) {
			char *t = realloc(line, len + 1);

			if (!t)
				break;
			line = t;
			cap = len + 1;
		}
		buf_read(v->buf, start, len, line);
		if (from > len)
			continue;
		hit = memmem(line + from, len - from, pr->text, pr->len);
		if (i == lines && hit && (size_t)(hit - line) >= pr->from_col - 1)
			hit = NULL;
		if (hit) {
			v->line = l;
			v->col = (size_t)(hit - line) + 1;
			ui->jumped = true;
			/* Said when the search ends (the prompt hides messages). */
			pr->wrapped = l < pr->from_line || (l == pr->from_line && i > 0);
			free(line);
			return;
		}
	}
	free(line);
	ui_say(ui, true, "'%s' is not in the file", pr->text);
}

/* The word being completed: from the last blank before the cursor. */
static size_t word_start(const struct ui_prompt *pr)
{
	size_t s = pr->cur;

	while (s > 0 && pr->text[s - 1] != ' ')
		s--;
	return s;
}

static void candidate(struct ui_prompt *pr, const char *s, const char *prefix, size_t n)
{
	char **m;

	if (strncmp(s, prefix, n) != 0)
		return;
	for (size_t i = 0; i < pr->nmatches; i++)
		if (strcmp(pr->matches[i], s) == 0)
			return;
	m = realloc(pr->matches, (pr->nmatches + 1) * sizeof(*m));
	if (!m)
		return;
	pr->matches = m;
	if ((m[pr->nmatches] = strdup(s)))
		pr->nmatches++;
}

/* Tab: the candidates for the word at the cursor, completed as far as they
 * agree. */
static void complete(struct ui *ui)
{
	static const char *const dirs[] = { "next", "prev", "left", "right", "up", "down", "all", NULL };
	struct ui_prompt *pr = &ui->prompt;
	size_t ws = word_start(pr), n = pr->cur - ws, common;
	char *prefix = strndup(pr->text + ws, n), first[64] = "";

	if (!prefix)
		return;
	matches_free(pr);
	sscanf(pr->text, "%63s", first);
	if (ws == 0) {
		for (size_t i = 0; cmd_table[i]; i++)
			candidate(pr, cmd_table[i]->name, prefix, n);
	} else if (strcmp(first, "theme") == 0) {
		for (size_t i = 0; ui_theme_names[i]; i++)
			candidate(pr, ui_theme_names[i], prefix, n);
	} else if (strcmp(first, "focus") == 0 || strcmp(first, "zoom") == 0 || strncmp(first, "pane-", 5) == 0 ||
		   strcmp(first, "keys") == 0) {
		for (int i = 0; i < PANE__COUNT; i++)
			candidate(pr, ui_pane_types[i]->name, prefix, n);
		for (size_t i = 0; dirs[i]; i++)
			candidate(pr, dirs[i], prefix, n);
	} else if (strcmp(first, "help") == 0 || strcmp(first, "bind") == 0) {
		for (size_t i = 0; cmd_table[i]; i++)
			candidate(pr, cmd_table[i]->name, prefix, n);
	} else {
		for (size_t i = 0; i < ui->nfiles; i++)
			candidate(pr, ui->files[i], prefix, n);
	}
	free(prefix);
	if (pr->nmatches == 0) {
		ui_say(ui, true, "no completion");
		return;
	}
	/* As far as every candidate agrees. */
	common = strlen(pr->matches[0]);
	for (size_t i = 1; i < pr->nmatches; i++) {
		size_t k = 0;

		while (k < common && pr->matches[i][k] == pr->matches[0][k])
			k++;
		common = k;
	}
	if (common > n)
		insert(pr, pr->matches[0] + n, common - n);
	if (pr->nmatches == 1) {
		insert(pr, " ", 1);
		matches_free(pr);
	}
}

/* Bytes of the character before (after) the cursor. */
static size_t char_len(const struct ui_prompt *pr, bool before)
{
	size_t p = pr->cur;

	if (before) {
		if (p == 0)
			return 0;
		do
			p--;
		while (p > 0 && ((unsigned char)pr->text[p] & 0xc0) == 0x80);
		return pr->cur - p;
	}
	if (p >= pr->len)
		return 0;
	p++;
	while (p < pr->len && ((unsigned char)pr->text[p] & 0xc0) == 0x80)
		p++;
	return p - pr->cur;
}

void ui_prompt_key(struct ui *ui, int key)
{
	struct ui_prompt *pr = &ui->prompt;
	bool find = pr->kind == PROMPT_FIND, changed = false;
	char mb[MB_LEN_MAX + 1], *line;
	size_t n;

	if (key != '\t')
		matches_free(pr);
	switch (key) {
	case UI_ESC:
	case UI_CTRL('c'):
	case UI_CTRL('g'):
		if (find) {
			ui->app->view.line = pr->from_line;
			ui->app->view.col = pr->from_col;
			ui->search_hl = false;
		}
		ui_prompt_close(ui);
		return;
	case '\r':
	case '\n':
	case UI_FN | KEY_ENTER:
		line = strdup(pr->text);
		ui_prompt_close(ui);
		if (!line)
			return;
		if (!find) {
			history_add(ui, line);
			ui_run_line(ui, line);
			/* display, print x = 3, set var...: the locals and
			 * watches are read again (keys' commands change none). */
			ui->vars_stale = true;
		} else if (pr->wrapped) {
			ui_say(ui, false, "search wrapped around the file");
		}
		free(line);
		return;
	case '\t':
		if (!find)
			complete(ui);
		return;
	case 0x7f:
	case UI_CTRL('h'):
	case UI_FN | KEY_BACKSPACE:
		if (pr->len == 0) {
			ui_prompt_close(ui);
			return;
		}
		n = char_len(pr, true);
		memmove(pr->text + pr->cur - n, pr->text + pr->cur, pr->len - pr->cur + 1);
		pr->cur -= n;
		pr->len -= n;
		changed = true;
		break;
	case UI_FN | KEY_DC:
		n = char_len(pr, false);
		memmove(pr->text + pr->cur, pr->text + pr->cur + n, pr->len - pr->cur - n + 1);
		pr->len -= n;
		changed = true;
		break;
	case UI_FN | KEY_LEFT:
		pr->cur -= char_len(pr, true);
		break;
	case UI_FN | KEY_RIGHT:
		pr->cur += char_len(pr, false);
		break;
	case UI_FN | KEY_HOME:
	case UI_CTRL('a'):
		pr->cur = 0;
		break;
	case UI_FN | KEY_END:
	case UI_CTRL('e'):
		pr->cur = pr->len;
		break;
	case UI_CTRL('u'):
		set_text(pr, "");
		changed = true;
		break;
	case UI_FN | KEY_UP:
	case UI_FN | KEY_DOWN:
		if (find) {
			/* The next (previous) match from here on. */
			pr->from_line = ui->app->view.line;
			pr->from_col = ui->app->view.col + (key == (UI_FN | KEY_DOWN) ? 1 : 0);
			if (key == (UI_FN | KEY_UP))
				ui_run_line(ui, "search-prev");
			else
				find_update(ui);
			pr->from_line = ui->app->view.line;
			pr->from_col = ui->app->view.col;
			return;
		}
		if (key == (UI_FN | KEY_UP) && pr->hist > 0)
			pr->hist--;
		else if (key == (UI_FN | KEY_DOWN) && pr->hist < ui->nhistory)
			pr->hist++;
		set_text(pr, pr->hist < ui->nhistory ? ui->history[pr->hist] : "");
		return;
	default:
		if (key < 0x20 || key >= UI_FN)
			return;
		{
			mbstate_t st;

			memset(&st, 0, sizeof(st));
			n = wcrtomb(mb, (wchar_t)key, &st);
		}
		if (n == (size_t)-1)
			return;
		insert(pr, mb, n);
		changed = true;
	}
	if (find && changed)
		find_update(ui);
}

void ui_prompt_draw(struct ui *ui, int y, int *cx)
{
	const struct ui_prompt *pr = &ui->prompt;
	attr_t attr = ui->theme.attr[UI_PROMPT][0];
	const char *lead = pr->kind == PROMPT_FIND ? "find: " : ":";
	struct ui_row r = { .y = y, .x = 0, .end = COLS };
	size_t skip = 0, width = (size_t)COLS > strlen(lead) + 2 ? (size_t)COLS - strlen(lead) - 2 : 1;

	/* Long lines scroll so the cursor stays in sight. */
	while (ui_text_width(pr->text + skip, pr->cur - skip) > width)
		skip++;
	while (skip < pr->cur && ((unsigned char)pr->text[skip] & 0xc0) == 0x80)
		skip++;
	ui_put_text(&r, lead, strlen(lead), attr);
	ui_put_text(&r, pr->text + skip, pr->cur - skip, attr);
	*cx = r.x;
	ui_put_text(&r, pr->text + pr->cur, pr->len - pr->cur, attr);
	for (size_t i = 0; i < pr->nmatches && r.x < r.end; i++) {
		ui_put_text(&r, "  ", 2, attr);
		ui_put_text(&r, pr->matches[i], strlen(pr->matches[i]), ui->theme.attr[UI_LINENR][0]);
	}
	ui_fill(&r, attr);
}
