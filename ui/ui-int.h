/* Private to ui/: the screen's state and what the ui-*.c files share (the
 * theme, the keymap, the editor pane). Only ui/ includes this header, and
 * with it curses.h.
 */
#ifndef ENCIDE_UI_INT_H
#define ENCIDE_UI_INT_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "editor/editor.h"

/* What a theme colours: every syntax class (SYN_NONE is the plain text,
 * "normal"), then the UI's own parts. */
enum ui_elem {
	UI_LINENR = SYN__COUNT, /* the line numbers in the gutter */
	UI_CURSORLINE,          /* added to every cell of the cursor line */
	UI_STATUS,              /* the status line */
	UI_ERROR,               /* an error message in the status line */
	UI_SUPERSEDED,          /* a call-stack frame of replaced code */
	UI__COUNT,
};

/* One element's look, as the theme file says it. */
struct ui_style {
	short fg;     /* COLOR_*, or -1 for the terminal's default */
	short bg;     /* COLOR_*, or -1 for the terminal's default */
	bool has_bg;  /* "on BG" was given (the cursor line keeps others' bg without) */
	attr_t attrs; /* A_BOLD, A_UNDERLINE... */
};

struct ui_theme {
	struct ui_style style[UI__COUNT]; /* as parsed */
	attr_t attr[UI__COUNT][2];        /* ready to draw: [elem][on the cursor line] */
};

/* The screen's state; one per ui_run(). */
struct ui {
	struct app *app;            /* the session shown */
	struct ui_theme theme;      /* colours in use */
	size_t top;                 /* buffer line at the top of the pane, 1-based */
	const struct buffer *shown; /* the buffer top belongs to */
	bool dirty;                 /* something changed: draw before sleeping */
	char *message;              /* the latest message's text (owned), or NULL */
	bool message_error;         /* it is an error (drawn in the error style) */
};

/* Parses a theme's text into *out (elements not named stay plain). name is
 * used in messages. Returns 0, or -EINVAL with *errmsg ("NAME:LINE: what";
 * caller frees); *out is untouched on failure. */
int ui_theme_parse(struct ui_theme *out, const char *text, const char *name, char **errmsg);
/* Parses the theme compiled into the binary (themes/default.theme). */
int ui_theme_default(struct ui_theme *out, char **errmsg);
/* Allocates the colour pairs the theme needs and fills its attr table; call
 * after the screen is set up. Without colours only attributes are used. */
void ui_theme_start(struct ui_theme *theme);
/* The name of an element in theme files ("keyword", "linenr"). */
const char *ui_theme_elem_name(enum ui_elem elem);

/* The command line bound to a curses key code, or NULL. */
const char *ui_keymap_lookup(int key);

/* Draws the editor pane and the status line into stdscr (no refresh). */
void ui_editor_draw(struct ui *ui);
/* Rows the editor pane has at the current screen size (at least 1). */
size_t ui_editor_rows(void);

#endif
