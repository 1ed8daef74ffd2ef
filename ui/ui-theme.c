/* Colour themes: parsing the small "element = colours attributes" format
 * (written up in themes/dark.theme), the built-in themes, the terminal's
 * colour depth, and turning a theme into curses attributes with as few
 * colour pairs as it needs. Every colour has a 24-bit, a 256-colour and an
 * 8-colour value; the depth the terminal has chooses one.
 */
#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/state.h"
#include "ui/ui-int.h"

/* themes/NAME.theme, embedded by themes.S (NUL-terminated). */
extern const char ui_theme_dark[], ui_theme_light[], ui_theme_high_contrast[], ui_theme_vc6[];

const char *const ui_theme_names[] = { "dark", "light", "high-contrast", "vc6", NULL };
static const char *const theme_texts[] = { ui_theme_dark, ui_theme_light, ui_theme_high_contrast, ui_theme_vc6 };

/* The 8 basic colours: their names, and what they are at the other depths
 * (xterm's default palette). */
static const struct {
	const char *name; /* as written in a theme */
	int32_t rgb;      /* 24-bit value */
} basic[8] = {
	{ "black", 0x000000 }, { "red", 0xcd0000 },     { "green", 0x00cd00 }, { "yellow", 0xcdcd00 },
	{ "blue", 0x0000ee },  { "magenta", 0xcd00cd }, { "cyan", 0x00cdcd },  { "white", 0xe5e5e5 },
};

static const struct {
	const char *name; /* as written in a theme */
	attr_t attr;      /* the curses attribute */
} attributes[] = {
	{ "bold", A_BOLD },           { "dim", A_DIM },         { "italic", A_ITALIC },
	{ "underline", A_UNDERLINE }, { "reverse", A_REVERSE }, { "standout", A_STANDOUT },
};

static const char *const ui_names[UI__COUNT - SYN__COUNT] = {
	[UI_LINENR - SYN__COUNT] = "linenr",
	[UI_CURSORLINE - SYN__COUNT] = "cursorline",
	[UI_STATUS - SYN__COUNT] = "status",
	[UI_RULER - SYN__COUNT] = "ruler",
	[UI_ERROR - SYN__COUNT] = "error",
	[UI_SUPERSEDED - SYN__COUNT] = "superseded",
	[UI_TITLE - SYN__COUNT] = "title",
	[UI_TITLE_FOCUS - SYN__COUNT] = "title-focus",
	[UI_BORDER - SYN__COUNT] = "border",
	[UI_SELECTION - SYN__COUNT] = "selection",
	[UI_SEARCH - SYN__COUNT] = "search",
	[UI_BREAKPOINT - SYN__COUNT] = "breakpoint",
	[UI_EXECUTION - SYN__COUNT] = "execution",
	[UI_DIAG_ERROR - SYN__COUNT] = "diag-error",
	[UI_DIAG_WARNING - SYN__COUNT] = "diag-warning",
	[UI_LIST_SELECTED - SYN__COUNT] = "list-selected",
	[UI_PROMPT - SYN__COUNT] = "prompt",
	[UI_GIT_ADDED - SYN__COUNT] = "git-added",
	[UI_GIT_MODIFIED - SYN__COUNT] = "git-modified",
	[UI_GIT_DELETED - SYN__COUNT] = "git-deleted",
};

const char *ui_theme_elem_name(enum ui_elem elem)
{
	if ((int)elem == SYN_NONE)
		return "normal";
	if ((int)elem < SYN__COUNT)
		return syn_class_name((enum syn_class)elem);
	return ui_names[elem - SYN__COUNT];
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

/* A basic colour's index, -1 for "default", -2 when word is neither. */
static int basic_index(const char *word)
{
	if (strcmp(word, "default") == 0)
		return -1;
	for (int i = 0; i < 8; i++)
		if (strcmp(word, basic[i].name) == 0)
			return i;
	return -2;
}

/* Parses a colour word: NAME, "default", or #RRGGBB/N/NAME. 0, or -1 with
 * *why set. */
static int parse_color(const char *word, struct ui_color *out, const char **why)
{
	unsigned rgb, idx;
	char name[16];
	int b, n = 0;

	b = basic_index(word);
	if (b >= -1) {
		*out = (struct ui_color){ { b < 0 ? -1 : basic[b].rgb, b, b } };
		return 0;
	}
	if (word[0] != '#') {
		*why = "not a colour (NAME or #RRGGBB/N/NAME) nor an attribute";
		return -1;
	}
	if (sscanf(word, "#%6x/%u/%15[a-z]%n", &rgb, &idx, name, &n) != 3 || word[n] != '\0' ||
	    strspn(word + 1, "0123456789abcdefABCDEF") != 6) {
		*why = "a colour is #RRGGBB/N/NAME (24-bit, 256-colour index, basic colour)";
		return -1;
	}
	if (idx > 255) {
		*why = "the 256-colour index is past 255";
		return -1;
	}
	b = basic_index(name);
	if (b < -1) {
		*why = "the 8-colour value is not one of default black red green yellow blue magenta cyan white";
		return -1;
	}
	*out = (struct ui_color){ { (int32_t)rgb, (int32_t)idx, b } };
	return 0;
}

/* Parses the words after '=' of one line into *st. */
static int parse_style(struct ui_style *st, char *words, const char *name, int line, char **errmsg)
{
	bool want_bg = false;
	char *save = NULL;

	*st = (struct ui_style){ .fg = { { -1, -1, -1 } }, .bg = { { -1, -1, -1 } } };
	for (char *w = strtok_r(words, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		struct ui_color c;
		const char *why = NULL;
		size_t i;

		if (want_bg) {
			if (parse_color(w, &c, &why) < 0)
				return syntax_error(errmsg, name, line, "'%s' after 'on': %s", w, why);
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
		for (i = 0; i < sizeof(attributes) / sizeof(attributes[0]); i++)
			if (strcmp(w, attributes[i].name) == 0)
				break;
		if (i < sizeof(attributes) / sizeof(attributes[0])) {
			st->attrs |= attributes[i].attr;
			continue;
		}
		if (parse_color(w, &c, &why) < 0)
			return syntax_error(errmsg, name, line, "'%s': %s", w, why);
		if (st->has_fg)
			return syntax_error(errmsg, name, line,
					    "a second foreground colour '%s' (for the background: 'on %s')", w, w);
		st->fg = c;
		st->has_fg = true;
	}
	if (want_bg)
		return syntax_error(errmsg, name, line, "'on' without a colour");
	return 0;
}

int ui_theme_parse(struct ui_theme *out, const char *text, const char *name, char **errmsg)
{
	struct ui_theme theme = *out;
	char *copy = strdup(text), *save = NULL, *eq, *key, *end;
	int line = 0, err = 0;

	*errmsg = NULL;
	if (!copy) {
		*errmsg = strdup("out of memory");
		return -ENOMEM;
	}
	/* strtok_r would skip empty lines and so lose count: split by hand. */
	for (char *l = copy; l; l = save) {
		int e;

		line++;
		save = strchr(l, '\n');
		if (save)
			*save++ = '\0';
		/* A comment is a line starting with '#', or "# " after a blank:
		 * a colour (#RRGGBB/N/NAME) never is one. */
		for (end = l; (end = strchr(end, '#')); end++)
			if (l[strspn(l, " \t")] == '#' ||
			    ((end[-1] == ' ' || end[-1] == '\t') && strchr(" \t\r", end[1] ? end[1] : ' '))) {
				*end = '\0';
				break;
			}
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

/* An empty theme: every element plain. */
static void theme_clear(struct ui_theme *t)
{
	for (int e = 0; e < UI__COUNT; e++)
		t->style[e] = (struct ui_style){ .fg = { { -1, -1, -1 } }, .bg = { { -1, -1, -1 } } };
}

/* Reads a theme file into a new string; NULL with *errmsg. */
static char *read_file(const char *path, char **errmsg)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		if (asprintf(errmsg, "theme '%s': %s", path, strerror(errno)) < 0)
			*errmsg = NULL;
		return NULL;
	}
	do {
		if (len + 4096 + 1 > cap) {
			char *t = realloc(text, cap = cap ? 2 * cap : 8192);

			if (!t) {
				free(text);
				fclose(f);
				*errmsg = strdup("out of memory");
				return NULL;
			}
			text = t;
		}
		n = fread(text + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	text[len] = '\0';
	fclose(f);
	return text;
}

int ui_theme_load(struct ui_theme *out, const char *name, char **errmsg)
{
	struct ui_theme t;
	char *text = NULL, *path = NULL, *err2 = NULL;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int err;

	*errmsg = NULL;
	theme_clear(&t);
	/* The default first: a theme file need not name every element. */
	err = ui_theme_parse(&t, ui_theme_dark, "dark.theme", errmsg);
	if (err < 0)
		return err;
	*out = t;
	for (size_t i = 0; ui_theme_names[i]; i++)
		if (strcmp(name, ui_theme_names[i]) == 0)
			return ui_theme_parse(out, theme_texts[i], name, errmsg) < 0 ? -EINVAL : 0;
	/* A file: as given when it has a '/', else the user's themes folder. */
	if (strchr(name, '/'))
		path = strdup(name);
	else if (xdg && *xdg)
		err = asprintf(&path, "%s/encide/themes/%s.theme", xdg, name);
	else
		err = asprintf(&path, "%s/.config/encide/themes/%s.theme", home ? home : "", name);
	if (err < 0 || !path) {
		*errmsg = strdup("out of memory");
		return -ENOMEM;
	}
	text = read_file(path, &err2);
	if (!text) {
		if (asprintf(errmsg, "no theme '%s' (built in: dark light high-contrast vc6; %s)", name,
			     err2 ? err2 : "cannot read it") < 0)
			*errmsg = NULL;
		err = -ENOENT;
	} else if ((err = ui_theme_parse(&t, text, path, errmsg)) == 0) {
		*out = t;
	}
	free(err2);
	free(text);
	free(path);
	return err;
}

/*
 * 24-bit colour when COLORTERM or the terminal itself says so but terminfo
 * does not (xterm-256color over SSH from a terminal that has it): curses
 * draws with terminfo's setaf/setab, so encide compiles, once, a private
 * entry that is TERM with direct colour (colours are 0xRRGGBB, as in
 * ncurses' *-direct entries, the parameters separated by ';' which every
 * such terminal reads), into its state directory with tic, and asks curses
 * for that entry. Likewise TERM with the 256-colour palette (xterm-256color's
 * setaf/setab) when the terminal has it and TERM's entry has 8 (TERM=xterm,
 * Debian's xterm). Any failure leaves TERM as it is.
 */
char *ui_theme_term_entry(const struct loop *loop, enum ui_depth depth, char **out_dir)
{
	const char *term = getenv("TERM");
	char *dir = NULL, *tdir = NULL, *src = NULL, *name = NULL, *bin = NULL;
	char *argv[6];
	posix_spawnattr_t attr;
	struct stat st;
	int status = -1, err;
	pid_t pid;
	FILE *f;

	if ((depth != UI_DEPTH_TRUE && depth != UI_DEPTH_256) || !term || !*term || strstr(term, "direct") || strspn(term, "abcdefghijklmnopqrstuvwxyz0123456789-+._") != strlen(term))
		return NULL;
	if (!(dir = state_dir()) || asprintf(&tdir, "%s/terminfo", dir) < 0 ||
	    asprintf(&name, "encide-%s-%s", term, depth == UI_DEPTH_TRUE ? "direct" : "256") < 0 || asprintf(&src, "%s/%s.src", tdir, name) < 0 ||
	    asprintf(&bin, "%s/e/%s", tdir, name) < 0)
		goto fail;
	if (stat(bin, &st) == 0)
		goto done;
	mkdir(dir, 0700);
	mkdir(tdir, 0700);
	if (!(f = fopen(src, "w")))
		goto fail;
	if (depth == UI_DEPTH_TRUE)
		fprintf(f, "%s|%s with 24-bit colour (made by encide),\n"
			   "\tcolors#0x1000000, pairs#0x10000, RGB, ccc@, initc@,\n"
			   "\tsetaf=\\E[%%?%%p1%%{8}%%<%%t3%%p1%%d%%e38;2;%%p1%%{65536}%%/%%d;%%p1%%{256}%%/%%{255}%%&%%d;"
			   "%%p1%%{255}%%&%%d%%;m,\n"
			   "\tsetab=\\E[%%?%%p1%%{8}%%<%%t4%%p1%%d%%e48;2;%%p1%%{65536}%%/%%d;%%p1%%{256}%%/%%{255}%%&%%d;"
			   "%%p1%%{255}%%&%%d%%;m,\n"
			   "\tuse=%s,\n", name, term, term);
	else
		fprintf(f, "%s|%s with 256 colours (made by encide),\n"
			   "\tcolors#256, pairs#0x10000,\n"
			   "\tsetaf=\\E[%%?%%p1%%{8}%%<%%t3%%p1%%d%%e%%p1%%{16}%%<%%t9%%p1%%{8}%%-%%d%%e38;5;%%p1%%d%%;m,\n"
			   "\tsetab=\\E[%%?%%p1%%{8}%%<%%t4%%p1%%d%%e%%p1%%{16}%%<%%t10%%p1%%{8}%%-%%d%%e48;5;%%p1%%d%%;m,\n"
			   "\tuse=%s,\n", name, term, term);
	if (fclose(f) != 0)
		goto fail;
	argv[0] = "tic";
	argv[1] = "-x";
	argv[2] = "-o";
	argv[3] = tdir;
	argv[4] = src;
	argv[5] = NULL;
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	posix_spawnattr_setsigmask(&attr, loop_child_sigmask(loop));
	err = posix_spawnp(&pid, "tic", NULL, &attr, argv, NULL);
	posix_spawnattr_destroy(&attr);
	if (err != 0)
		goto fail;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || stat(bin, &st) != 0)
		goto fail;
done:
	free(dir);
	free(src);
	free(bin);
	*out_dir = tdir;
	return name;
fail:
	free(dir);
	free(src);
	free(bin);
	free(tdir);
	free(name);
	return NULL;
}

enum ui_depth ui_theme_depth(void)
{
	/* COLORS is known only once colours are started. */
	if (!has_colors() || start_color() == ERR || COLORS < 8)
		return UI_DEPTH_NONE;
	/* Direct colour in terminfo (xterm-direct): colour numbers are RGB. */
	if (COLORS >= 0x1000000)
		return UI_DEPTH_TRUE;
	if (COLORS >= 256)
		return UI_DEPTH_256;
	return UI_DEPTH_8;
}

/* Colour pairs made so far, shared by every element that uses the same two. */
struct pairs {
	int fg[255], bg[255]; /* the colours of pair i + 1 */
	int n;                /* pairs made */
};

/* A pair for fg on bg (-1: default); 0 (no colour) when none is left. */
static int pair_for(struct pairs *ps, int fg, int bg)
{
	if (fg < 0 && bg < 0)
		return 0;
	for (int i = 0; i < ps->n; i++)
		if (ps->fg[i] == fg && ps->bg[i] == bg)
			return i + 1;
	if (ps->n >= 255 || ps->n + 1 >= COLOR_PAIRS || init_extended_pair(ps->n + 1, fg, bg) != OK)
		return 0;
	ps->fg[ps->n] = fg;
	ps->bg[ps->n] = bg;
	return ++ps->n;
}

void ui_theme_start(struct ui_theme *theme, enum ui_depth depth)
{
	const struct ui_style *cl = &theme->style[UI_CURSORLINE], *normal = &theme->style[SYN_NONE];
	static struct pairs ps;
	bool defaults;
	int d = depth < UI_DEPTH_NONE ? (int)depth : 0;

	/* [1] is the look in the cursor line's gutter: the cursor line is
	 * marked there only, so typing in it sends no background with each
	 * character (tests/bench/tty.sh). */
	for (int e = 0; e < UI__COUNT; e++) {
		theme->attr[e][0] = theme->style[e].attrs;
		theme->attr[e][1] = theme->style[e].attrs | cl->attrs;
	}
	if (depth == UI_DEPTH_NONE || !has_colors() || start_color() == ERR)
		return;
	ps.n = 0;
	/* Without default colours, "default" is white on black. */
	defaults = use_default_colors() == OK;
	for (int e = 0; e < UI__COUNT; e++) {
		/* Unset colours are normal's: a theme may give the whole screen a background. */
		const struct ui_style *st = &theme->style[e];
		int fg = st->has_fg ? st->fg.v[d] : normal->fg.v[d];
		int bg = st->has_bg ? st->bg.v[d] : normal->bg.v[d];
		/* The line number takes the cursor line's own foreground. */
		int clfg = e == UI_LINENR && cl->has_fg ? cl->fg.v[d] : fg;
		int clbg = cl->has_bg ? cl->bg.v[d] : bg;

		if (!defaults) {
			fg = fg < 0 ? COLOR_WHITE : fg;
			clfg = clfg < 0 ? COLOR_WHITE : clfg;
			bg = bg < 0 ? COLOR_BLACK : bg;
			clbg = clbg < 0 ? COLOR_BLACK : clbg;
		}
		theme->attr[e][0] |= COLOR_PAIR(pair_for(&ps, fg, bg));
		theme->attr[e][1] |= COLOR_PAIR(pair_for(&ps, clfg, clbg));
	}
}
