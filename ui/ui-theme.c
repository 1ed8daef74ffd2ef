/* Colour themes: parsing the small "element = colours attributes" format
 * (documented in themes/default.theme, which is compiled in) and turning a
 * theme into curses attributes with as few colour pairs as it needs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui-int.h"

/* themes/default.theme, embedded by themes.S (NUL-terminated). */
extern const char ui_default_theme[];

static const struct {
	const char *name; /* as written in a theme */
	short color;      /* COLOR_*, -1 for the terminal's default */
} colors[] = {
	{ "default", -1 },
	{ "black", COLOR_BLACK },
	{ "red", COLOR_RED },
	{ "green", COLOR_GREEN },
	{ "yellow", COLOR_YELLOW },
	{ "blue", COLOR_BLUE },
	{ "magenta", COLOR_MAGENTA },
	{ "cyan", COLOR_CYAN },
	{ "white", COLOR_WHITE },
};

static const struct {
	const char *name; /* as written in a theme */
	attr_t attr;      /* the curses attribute */
} attributes[] = {
	{ "bold", A_BOLD },
	{ "dim", A_DIM },
	{ "italic", A_ITALIC },
	{ "underline", A_UNDERLINE },
	{ "reverse", A_REVERSE },
	{ "standout", A_STANDOUT },
};

static const char *const ui_names[UI__COUNT - SYN__COUNT] = {
	[UI_LINENR - SYN__COUNT] = "linenr",
	[UI_CURSORLINE - SYN__COUNT] = "cursorline",
	[UI_STATUS - SYN__COUNT] = "status",
	[UI_ERROR - SYN__COUNT] = "error",
	[UI_SUPERSEDED - SYN__COUNT] = "superseded",
};

const char *ui_theme_elem_name(enum ui_elem elem)
{
	if ((int)elem == SYN_NONE)
		return "normal";
	if ((int)elem < SYN__COUNT)
		return syn_class_name((enum syn_class)elem);
	return ui_names[elem - SYN__COUNT];
}

static int color_by_name(const char *word, short *out)
{
	for (size_t i = 0; i < sizeof(colors) / sizeof(colors[0]); i++) {
		if (strcmp(word, colors[i].name) == 0) {
			*out = colors[i].color;
			return 0;
		}
	}
	return -1;
}

/* Sets *errmsg to "name:line: what" and returns -EINVAL. */
static int syntax_error(char **errmsg, const char *name, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int syntax_error(char **errmsg, const char *name, int line, const char *fmt, ...)
{
	char *what = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	va_end(ap);
	if (asprintf(errmsg, "%s:%d: %s", name, line, what ? what : "out of memory") < 0)
		*errmsg = NULL;
	free(what);
	return -EINVAL;
}

/* Parses the words after '=' of one line into *st. */
static int parse_style(struct ui_style *st, char *words, const char *name, int line, char **errmsg)
{
	bool want_bg = false, have_fg = false;
	char *save = NULL;

	*st = (struct ui_style){ .fg = -1, .bg = -1 };
	for (char *w = strtok_r(words, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		short c;
		size_t i;

		if (want_bg) {
			if (color_by_name(w, &c) < 0)
				return syntax_error(errmsg, name, line, "unknown colour '%s' after 'on'", w);
			st->bg = c;
			st->has_bg = true;
			want_bg = false;
			continue;
		}
		if (strcmp(w, "on") == 0) {
			if (st->has_bg)
				return syntax_error(errmsg, name, line, "two background colours");
			want_bg = true;
			continue;
		}
		if (color_by_name(w, &c) == 0) {
			if (have_fg)
				return syntax_error(errmsg, name, line,
						    "a second foreground colour '%s' (for the background: 'on %s')",
						    w, w);
			st->fg = c;
			have_fg = true;
			continue;
		}
		for (i = 0; i < sizeof(attributes) / sizeof(attributes[0]); i++)
			if (strcmp(w, attributes[i].name) == 0)
				break;
		if (i == sizeof(attributes) / sizeof(attributes[0]))
			return syntax_error(errmsg, name, line,
					    "unknown word '%s' (a colour: default black red green yellow "
					    "blue magenta cyan white; or bold dim italic underline reverse standout)",
					    w);
		st->attrs |= attributes[i].attr;
	}
	if (want_bg)
		return syntax_error(errmsg, name, line, "'on' without a colour");
	return 0;
}

int ui_theme_parse(struct ui_theme *out, const char *text, const char *name, char **errmsg)
{
	struct ui_theme theme;
	char *copy = strdup(text), *save = NULL, *eq, *key, *end;
	int line = 0, err = 0;

	*errmsg = NULL;
	if (!copy) {
		*errmsg = strdup("out of memory");
		return -ENOMEM;
	}
	for (int e = 0; e < UI__COUNT; e++)
		theme.style[e] = (struct ui_style){ .fg = -1, .bg = -1 };

	/* strtok_r would skip empty lines and so lose count: split by hand. */
	for (char *l = copy; l; l = save) {
		int e;

		line++;
		save = strchr(l, '\n');
		if (save)
			*save++ = '\0';
		if ((end = strchr(l, '#')))
			*end = '\0';
		key = l + strspn(l, " \t\r");
		if (!*key)
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			err = syntax_error(errmsg, name, line, "expected 'element = colours and attributes'");
			goto out;
		}
		for (end = eq; end > key && strchr(" \t=", end[-1]); end--)
			;
		*end = '\0';
		for (e = 0; e < UI__COUNT; e++)
			if (strcmp(key, ui_theme_elem_name((enum ui_elem)e)) == 0)
				break;
		if (e == UI__COUNT) {
			err = syntax_error(errmsg, name, line, "unknown element '%s'", key);
			goto out;
		}
		for (char *p = eq + 1; *p; p++)
			if (*p == '\r')
				*p = ' ';
		err = parse_style(&theme.style[e], eq + 1, name, line, errmsg);
		if (err < 0)
			goto out;
	}
	for (int e = 0; e < UI__COUNT; e++)
		theme.attr[e][0] = theme.attr[e][1] = theme.style[e].attrs;
	*out = theme;
out:
	free(copy);
	return err;
}

int ui_theme_default(struct ui_theme *out, char **errmsg)
{
	return ui_theme_parse(out, ui_default_theme, "default.theme", errmsg);
}

/* A colour pair for fg on bg, shared by every element that uses the same
 * two; 0 (no colour) when the terminal has no pairs left. */
static short pair_for(short pairs[9][9], short *next, short fg, short bg)
{
	short *p = &pairs[fg + 1][bg + 1];

	if (fg < 0 && bg < 0)
		return 0;
	if (*p == 0 && *next < COLOR_PAIRS && init_pair(*next, fg, bg) == OK)
		*p = (*next)++;
	return *p;
}

void ui_theme_start(struct ui_theme *theme)
{
	const struct ui_style *cl = &theme->style[UI_CURSORLINE];
	short pairs[9][9] = { { 0 } }, next = 1;
	bool defaults;

	for (int e = 0; e < UI__COUNT; e++) {
		theme->attr[e][0] = theme->style[e].attrs;
		theme->attr[e][1] = theme->style[e].attrs | cl->attrs;
	}
	if (!has_colors() || start_color() == ERR)
		return;
	/* Without default colours, "default" is white on black. */
	defaults = use_default_colors() == OK;
	for (int e = 0; e < UI__COUNT; e++) {
		/* Unset colours are normal's: a theme may give the whole screen a background. */
		const struct ui_style *st = &theme->style[e], *normal = &theme->style[SYN_NONE];
		short fg = st->fg < 0 ? normal->fg : st->fg;
		short bg = st->has_bg ? st->bg : normal->bg;
		short clbg = cl->has_bg ? cl->bg : bg;

		if (!defaults) {
			fg = fg < 0 ? COLOR_WHITE : fg;
			bg = bg < 0 ? COLOR_BLACK : bg;
			clbg = clbg < 0 ? COLOR_BLACK : clbg;
		}
		theme->attr[e][0] |= COLOR_PAIR(pair_for(pairs, &next, fg, bg));
		theme->attr[e][1] |= COLOR_PAIR(pair_for(pairs, &next, fg, clbg));
	}
}
