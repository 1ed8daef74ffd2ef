/* Private to ui/: the screen's state and what the ui-*.c files share (the
 * panes and their layout, drawing helpers, the theme, the keymap, the
 * prompt, the editor). Only ui/ includes this header, and with it curses.h.
 */
#ifndef ENCIDE_UI_INT_H
#define ENCIDE_UI_INT_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "app/app.h"
#include "debugger/debugger.h"
#include "editor/editor.h"

/*
 * Keys. A character is its Unicode code point; a curses key code (arrows,
 * F-keys, KEY_RESIZE...) is UI_FN | code. Sequences curses has no code for
 * get codes of our own above KEY_MAX (define_key).
 */
#define UI_FN 0x1000000
#define UI_CTRL(c) ((c) & 0x1f)
#define UI_ESC 27
enum {
	UI_KEY_PASTE_BEGIN = KEY_MAX + 1, /* ESC [ 200 ~: a bracketed paste starts */
	UI_KEY_PASTE_END,                 /* ESC [ 201 ~: it ends */
	UI_KEY_CLEFT,                     /* Ctrl-Left */
	UI_KEY_CRIGHT,                    /* Ctrl-Right */
	UI_KEY_CUP,                       /* Ctrl-Up */
	UI_KEY_CDOWN,                     /* Ctrl-Down */
	UI_KEY_CHOME,                     /* Ctrl-Home */
	UI_KEY_CEND,                      /* Ctrl-End */
	UI_KEY_SCLEFT,                    /* Ctrl-Shift-Left */
	UI_KEY_SCRIGHT,                   /* Ctrl-Shift-Right */
	UI_KEY_SCHOME,                    /* Ctrl-Shift-Home */
	UI_KEY_SCEND,                     /* Ctrl-Shift-End */
	UI_KEY_CPGUP,                     /* Ctrl-Page Up */
	UI_KEY_CPGDN,                     /* Ctrl-Page Down */
	UI_KEY__LAST,
};
/* F-key n with modifiers, numbered as xterm's terminfo does: F13-F24 are
 * Shift-F1..F12, F25 Ctrl, F37 Ctrl-Shift, F49 Alt. */
#define UI_F(n) (UI_FN | KEY_F(n))
#define UI_SF(n) UI_F((n) + 12)
#define UI_CF(n) UI_F((n) + 24)
#define UI_CSF(n) UI_F((n) + 36)
#define UI_MF(n) UI_F((n) + 48)

/* What a theme colours: every syntax class (SYN_NONE is the plain text,
 * "normal"), then the UI's own parts. */
enum ui_elem {
	UI_LINENR = SYN__COUNT, /* the line numbers in the gutter */
	UI_CURSORLINE,          /* the cursor line's gutter (its number and mark) */
	UI_STATUS,              /* the status line */
	UI_RULER,               /* the cursor's line:col in the status line */
	UI_ERROR,               /* an error message in the status line */
	UI_SUPERSEDED,          /* a call-stack frame of replaced code */
	UI_TITLE,               /* a pane's title row, an editor tab */
	UI_TITLE_FOCUS,         /* the focused pane's title, the current tab */
	UI_BORDER,              /* the lines between panes */
	UI_SELECTION,           /* selected text */
	UI_SEARCH,              /* matches of the search */
	UI_BREAKPOINT,          /* a breakpoint's mark in the gutter */
	UI_EXECUTION,           /* the execution arrow and its line number */
	UI_DIAG_ERROR,          /* a compiler error's mark, an error in problems */
	UI_DIAG_WARNING,        /* a warning's mark, a warning in problems */
	UI_LIST_SELECTED,       /* the chosen row of a list pane */
	UI_PROMPT,              /* the ':' command line and other prompts */
	UI_GIT_ADDED,           /* gutter: lines git does not have */
	UI_GIT_MODIFIED,        /* gutter: lines changed since HEAD */
	UI_GIT_DELETED,         /* gutter: lines removed since HEAD */
	UI__COUNT,
};

/* Colour depths, from the most colours to the fewest. */
enum ui_depth {
	UI_DEPTH_TRUE, /* 24-bit colour */
	UI_DEPTH_256,  /* the xterm 256-colour palette */
	UI_DEPTH_8,    /* the 8 ANSI colours (the Linux console) */
	UI_DEPTH_NONE, /* attributes only */
	UI__DEPTHS,
};

/* One colour at every depth: [UI_DEPTH_TRUE] 0xRRGGBB, [UI_DEPTH_256] a
 * palette index, [UI_DEPTH_8] COLOR_*; -1 for the terminal's default. */
struct ui_color {
	int32_t v[3];
};

/* One element's look, as the theme file says it. */
struct ui_style {
	struct ui_color fg; /* foreground */
	struct ui_color bg; /* background */
	bool has_fg;        /* a foreground was given */
	bool has_bg;        /* "on BG" was given (the cursor line keeps others' bg without) */
	attr_t attrs;       /* A_BOLD, A_UNDERLINE... */
};

struct ui_theme {
	struct ui_style style[UI__COUNT]; /* as parsed */
	attr_t attr[UI__COUNT][2];        /* ready to draw: [elem][in the cursor line's gutter] */
};

/* The panes, in the order `focus next` visits them. */
enum ui_pane_id {
	PANE_TREE,     /* the project's files (left) */
	PANE_EDITOR,   /* the editor with its tabs (centre) */
	PANE_STACK,    /* call stack (right) */
	PANE_LOCALS,   /* locals and the watch list (right) */
	PANE_BREAKS,   /* breakpoints (right) */
	PANE_THREADS,  /* threads (right) */
	PANE_OUTPUT,   /* the program's terminal (bottom) */
	PANE_PROBLEMS, /* build progress and diagnostics (bottom) */
	PANE__COUNT,
};

struct ui;

/* A pane's place this frame and its list state. */
struct ui_pane {
	int y, x, h, w;  /* its cells this frame, title row included; h == 0: not shown */
	bool hidden;     /* the user hid it */
	size_t top;      /* first list row shown */
	size_t sel;      /* the chosen list row */
	size_t rows;     /* list rows it has (set when drawn) */
};

/* What a pane is: its name (for commands), how it draws, its keys. */
struct ui_pane_type {
	const char *name;  /* "stack": focus, zoom and bind use it */
	const char *title; /* shown in its title row */
	/* Draws the body (rows y+1 .. y+h-1). */
	void (*draw)(struct ui *ui, struct ui_pane *p);
	/* A key for the pane; true when it took it. NULL: list keys only. */
	bool (*key)(struct ui *ui, struct ui_pane *p, int key);
	/* Enter (or a click) on list row p->sel. */
	void (*activate)(struct ui *ui, struct ui_pane *p);
	/* Its keys, "KEYS\tWHAT" lines, for `keys` and `?`. */
	const char *help;
};

extern const struct ui_pane_type ui_tree_pane, ui_editor_pane, ui_stack_pane, ui_locals_pane,
	ui_breaks_pane, ui_threads_pane, ui_output_pane, ui_problems_pane;

/* A key binding: keys (one, or a prefix and one) run a command line. */
struct ui_binding {
	int pane;     /* the pane it is for, or -1 for every pane */
	int keys[2];  /* the keys */
	int nkeys;    /* 1 or 2 */
	char *line;   /* the command line (owned); %f %l %c expand to file, line, column */
};

/* Where the cursor and the scroll were in a buffer not shown now. */
struct ui_bufview {
	const struct buffer *buf; /* the buffer */
	size_t line, col;         /* cursor */
	size_t top, left;         /* scroll */
};

/* Kinds of prompt on the bottom row. */
enum ui_prompt_kind {
	PROMPT_NONE,
	PROMPT_COMMAND, /* the ':' line */
	PROMPT_FIND,    /* incremental search */
};

/* The prompt being typed. */
struct ui_prompt {
	enum ui_prompt_kind kind; /* PROMPT_NONE when closed */
	char *text;               /* what was typed (owned, NUL-terminated) */
	size_t len, cap;          /* bytes used, allocated */
	size_t cur;               /* cursor, a byte offset into text */
	size_t hist;              /* position in the history while browsing */
	size_t from_line, from_col; /* find: where the search started */
	bool wrapped;             /* find: the match shown is past the end, from the top */
	char **matches;           /* completion: the candidates (owned) */
	size_t nmatches, match;   /* how many, the one shown */
	size_t word;              /* completion: offset of the word completed */
};

/* One line of the program's output. */
struct ui_outline {
	char *s;    /* bytes (owned, no newline) */
	size_t len; /* how many */
};

/* A compiler diagnostic, copied from the bus. */
struct ui_diag {
	char *file;     /* path as the compiler gave it (owned) */
	int line, col;  /* position */
	bool error;     /* error (else warning or note) */
	bool apply;     /* from a refused apply (goes at the next apply) */
	char *text;     /* "file:line:col: severity: message" (owned) */
};

/* A row of the locals/watch tree. */
struct ui_var {
	char *name;     /* shown name ("p", "x", "[2]", "*p") (owned) */
	char *expr;     /* the expression that gives it (owned) */
	char *value;    /* its value's text, or the error (owned) */
	int depth;      /* nesting level */
	bool can_open;  /* a struct, array or pointer */
	bool open;      /* its children are shown */
	bool watch;     /* from the watch list (display) */
};

/* The screen's state; one per ui_run(). */
struct ui {
	struct app *app;            /* the session shown */
	struct app_ui hook;         /* what app->ui points to while running */
	int subs[32];               /* bus subscriptions, dropped when the UI ends */
	size_t nsubs;               /* how many */
	struct ui_theme theme;      /* colours in use */
	char *theme_name;           /* its name (owned) */
	enum ui_depth depth;        /* colours the terminal has */
	const char *depth_why;      /* who said so: "terminfo", "COLORTERM", "DECRQSS"... (static) */
	bool utf8;                  /* the locale's encoding is UTF-8 */
	bool dirty;                 /* something changed: draw before sleeping */
	bool full_redraw;           /* clear the terminal before the next draw */
	int cy, cx;                 /* where the terminal's cursor goes, or cy < 0: hidden */
	char *message;              /* the latest message's text (owned), or NULL */
	bool message_error;         /* it is an error (drawn in the error style) */
	bool message_kept;          /* an error no key was pressed since: other messages wait */

	/* panes */
	struct ui_pane panes[PANE__COUNT]; /* every pane's place */
	int focus;                  /* the pane keys go to */
	int zoomed;                 /* the pane filling the screen, or -1 */
	int tree_w, right_w, bottom_h; /* user's changes to the default sizes */
	bool help;                  /* the keys of the focused pane are shown */
	int help_top;               /* first help line shown */

	/* editor */
	size_t top, left;           /* first line shown (1-based), the cursor line's first cell column */
	const struct buffer *shown; /* the buffer top and left belong to */
	struct ui_bufview *views;   /* saved cursors of the other buffers */
	size_t nviews;              /* how many */
	bool jumped;                /* the cursor jumped (goto, search): out of sight, show it a third down */
	bool sel;                   /* a selection is active */
	bool sel_mark;              /* it was started with Ctrl-Space (moves extend it) */
	size_t sel_anchor;          /* its fixed end, a byte offset */
	bool search_hl;             /* the search's matches are highlighted */
	bool typing;                /* an undo group of typed text is open */
	const struct buffer *typing_buf; /* the buffer it is open on */
	char *clip;                 /* the clipboard (owned) */
	char *osc;                  /* an OSC 52 sequence to write after the next draw (owned) */
	size_t cliplen;             /* its bytes */
	bool pasting;               /* inside a bracketed paste */
	char *paste;                /* the pasted bytes so far (owned) */
	size_t pastelen, pastecap;  /* used, allocated */
	int text_rows, text_cols;   /* the editor's text area this frame */
	int text_y, text_x;         /* its top left cell */

	/* keys */
	struct ui_binding *binds;   /* every binding */
	size_t nbinds;              /* how many */
	int prefix_key;             /* the prefix key (Ctrl-K) */
	bool prefix;                /* it was pressed: the next key completes it */
	bool mouse;                 /* mouse reports are on */
	bool quit_armed;            /* Ctrl-Q pressed once with unsaved files */

	/* prompt */
	struct ui_prompt prompt;    /* the bottom-row prompt */
	char **history;             /* ':' lines run, oldest first (owned) */
	size_t nhistory;            /* how many */

	/* debugger panes, refreshed when the debugger changed */
	uint64_t stops;             /* stops and frame events seen */
	uint64_t shown_stops;       /* the value the panes were made for */
	size_t shown_frame;         /* the frame selected then */
	pid_t shown_thread;         /* the thread current then */
	bool vars_stale;            /* locals and watches must be read again */
	bool follow;                /* a stop: show the chosen frame's source */
	struct dbg_frame *frames;   /* the current thread's frames (owned) */
	size_t nframes;             /* how many */
	unsigned *frame_gen;        /* per frame: superseded by updN (N), else 0 */
	bool *frame_old;            /* per frame: superseded (runs replaced code) */
	const struct buffer **read_bufs; /* the buffers when the frames were read... */
	uint64_t *read_versions;    /* ...and their versions then: edits since move the marks */
	size_t nread;               /* how many */
	struct dbg_thread_info *threads; /* every thread (owned) */
	size_t nthreads;            /* how many */
	struct ui_var *vars;        /* the locals/watch tree, flattened */
	size_t nvars;               /* rows */
	char **open_exprs;          /* expressions the user opened (kept across stops) */
	size_t nopen;               /* how many */

	struct buffer *old_buf;     /* the old source a superseded frame runs (owned), or NULL */
	char *old_label;            /* its tab's label ("count.c before upd001") (owned) */
	size_t old_line;            /* the frame's line in it */

	/* output and problems */
	struct ui_outline *out;     /* the program's output lines */
	size_t nout;                /* how many (the last is the one being written) */
	size_t outcol;              /* byte column of the output cursor in the last line */
	int out_escape;             /* inside an escape sequence: its state */
	bool out_follow;            /* the pane follows the end */
	int out_rows, out_cols;     /* the size the program's terminal was given */
	struct ui_diag *diags;      /* the last build's diagnostics */
	size_t ndiags;              /* how many */
	char *build_state;          /* "building 3/7 count.c", "build ok"... (owned) */
	char *apply_state;          /* "applied upd002"... (owned) */
	int moved_from, moved_to;   /* the apply moved the point of execution (0: no) */
	long long apply_guess;      /* the generation a frame moved into by a diff's line map */

	/* file tree */
	char **files;               /* the project's files, relative, sorted (owned) */
	size_t nfiles;              /* how many */
	char **folded;              /* folders closed in the tree ("src/lib"), owned */
	size_t nfolded;             /* how many */
};

/*
 * Drawing (ui-layout.c). A row being filled left to right, clipped at its
 * right edge.
 */
struct ui_row {
	int y;     /* screen row */
	int x;     /* next free column */
	int end;   /* first column past the row */
};
/* Draws the character at s (at most n bytes) and returns the bytes it took,
 * or 0 when it does not fit. col is its cell column in its line, for tab
 * stops; skip cells are not drawn (horizontal scroll: wide characters cut
 * by it become spaces). */
size_t ui_put_char(struct ui_row *r, const char *s, size_t n, size_t col, attr_t attr);
/* Draws s[0..n) as far as it fits. */
void ui_put_text(struct ui_row *r, const char *s, size_t n, attr_t attr);
/* printf into the row. */
void ui_put_fmt(struct ui_row *r, attr_t attr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Blanks the rest of the row. */
void ui_fill(struct ui_row *r, attr_t attr);
/* Cells s[0..n) takes (tabs from column 0). */
size_t ui_text_width(const char *s, size_t n);

/* Layout and panes (ui-layout.c). */
extern const struct ui_pane_type *const ui_pane_types[PANE__COUNT];
/* The pane named name, or -1. */
int ui_pane_find(const char *name);
/* Places the panes for the current screen size. */
void ui_layout(struct ui *ui);
/* Draws everything into stdscr and places the cursor (no refresh). */
void ui_draw(struct ui *ui);
/* Gives the keyboard to pane id (shown again if hidden). */
void ui_focus(struct ui *ui, int id);
/* The next shown pane after (dir > 0) or before the focused one. */
int ui_pane_next(struct ui *ui, int dir);
/* The shown pane in direction dx, dy from the focused one, or -1. */
int ui_pane_toward(struct ui *ui, int dx, int dy);
/* Keys every list pane shares (Up, Down, Page Up/Down, Home, End, Enter). */
bool ui_list_key(struct ui *ui, struct ui_pane *p, int key);
/* Starts drawing list row i of p (0-based among the rows shown), with the
 * selection style when it is the chosen row; NULL when it is off the pane. */
bool ui_list_row(struct ui *ui, struct ui_pane *p, size_t i, struct ui_row *r, attr_t *attr);
/* Scrolls p so its chosen row is visible; rows is the number it has. */
void ui_list_fit(struct ui_pane *p, size_t rows);
/* A mouse event (click: focus, place the cursor, choose a row; wheel: scroll). */
void ui_mouse(struct ui *ui);
/* Shows text as a one-row note in an empty pane. */
void ui_pane_note(struct ui *ui, struct ui_pane *p, const char *text);

/* The editor pane (ui-editor.c). */
/* Scrolls the editor so the cursor is visible. */
void ui_editor_scroll(struct ui *ui);
/* The project-relative name of path. */
const char *ui_display_name(const struct ui *ui, const char *path);
/* Saves the cursor of the buffer shown, shows buf with its saved cursor. */
void ui_editor_show(struct ui *ui, struct buffer *buf);
/* Opens path (if needed) and puts the cursor on line (1-based); false with
 * a message when it cannot. */
bool ui_editor_goto(struct ui *ui, const char *path, int line);

/* The line the debugger called `line` when the frames were read, in
 * buffer buf as it is now (edits since then moved it; 0: deleted). */
size_t ui_editor_frame_line(struct ui *ui, const struct buffer *buf, size_t line);

/* Editing (ui-edit.c). */
/* A key for the editor's text: typing, Enter, Tab, Backspace, Delete, a
 * paste. True when it took it. */
bool ui_edit_key(struct ui *ui, int key);
/* Ends the open undo group of typed text (before anything else runs). */
void ui_edit_typing_end(struct ui *ui);
/* Inserts a bracketed paste (one undo step). */
void ui_edit_paste(struct ui *ui, const char *s, size_t len);
/* The selection [*start, *end) in bytes; false when there is none. */
bool ui_edit_selection(const struct ui *ui, size_t *start, size_t *end);
/* The cursor's byte offset. */
size_t ui_edit_cursor(const struct ui *ui);
/* Puts the cursor at byte offset pos. */
void ui_edit_cursor_set(struct ui *ui, size_t pos);
/* select, copy, cut, paste. */
int ui_edit_command(struct ui *ui, struct cmd_ctx *ctx, int argc, char **argv);

/* Keys (ui-keymap.c). */
/* Reads keys from the terminal and runs them. */
void ui_keys_read(struct ui *ui);
/* Teaches curses the sequences of modified keys terminfo may not have. */
void ui_keys_define(void);
/* The default bindings; 0 or -ENOMEM. */
int ui_keymap_init(struct ui *ui);
void ui_keymap_free(struct ui *ui);
/* Runs the user's config file (XDG config dir) if there is one. */
void ui_config_load(struct ui *ui);
/* bind, unbind, keys. */
int ui_keymap_command(struct ui *ui, struct cmd_ctx *ctx, int argc, char **argv);
/* The name of key ("C-k", "S-F5", "Up"), into buf. */
const char *ui_key_name(int key, char *buf, size_t size);
/* Draws the keys of the focused pane over it. */
void ui_help_draw(struct ui *ui);
/* A key while the help is shown: scroll or close it. */
void ui_help_key(struct ui *ui, int key);
/* What the status line says while the prefix key waits for its second key. */
void ui_prefix_hint(struct ui *ui, struct ui_row *r, attr_t attr);

/* The prompt (ui-prompt.c). */
void ui_prompt_open(struct ui *ui, enum ui_prompt_kind kind, const char *text);
void ui_prompt_close(struct ui *ui);
/* A key while the prompt is open. */
void ui_prompt_key(struct ui *ui, int key);
/* Draws it on row y; sets *cx to its cursor's column. */
void ui_prompt_draw(struct ui *ui, int y, int *cx);
void ui_prompt_free(struct ui *ui);

/* Debugger panes (ui-debug.c). */
/* Subscribes to the debugger's events; 0 or -ENOMEM. */
int ui_debug_attach(struct ui *ui);
/* Reads the debugger again when it changed since the panes were made. */
void ui_debug_refresh(struct ui *ui);
void ui_debug_free(struct ui *ui);

/* Output and problems (ui-output.c). */
int ui_output_attach(struct ui *ui);
void ui_output_free(struct ui *ui);
/* Tells the program's terminal the output pane's size. */
void ui_output_winsize(struct ui *ui);

/* The file tree (ui-tree.c). */
void ui_tree_load(struct ui *ui);
void ui_tree_free(struct ui *ui);

/* Themes (ui-theme.c). */
/* Parses a theme's text into *out (elements not named keep the values
 * *out has). name is used in messages. Returns 0, or -EINVAL with *errmsg
 * ("NAME:LINE: what"; caller frees); *out is untouched on failure. */
int ui_theme_parse(struct ui_theme *out, const char *text, const char *name, char **errmsg);
/* Loads theme name (a built-in one, or a file) into *out; on failure *out
 * is the default theme and *errmsg says why. */
int ui_theme_load(struct ui_theme *out, const char *name, char **errmsg);
/* The built-in themes' names, NULL-terminated. */
extern const char *const ui_theme_names[];
/* For depth UI_DEPTH_TRUE or UI_DEPTH_256, which someone other than
 * terminfo said the terminal has (COLORTERM, or its answer to a query):
 * the name of a private terminfo entry, TERM with that many colours,
 * compiled once into *out_dir (caller frees both; TERMINFO=*out_dir finds
 * it). NULL when not wanted or it cannot be made. */
char *ui_theme_term_entry(const struct loop *loop, enum ui_depth depth, char **out_dir);
/* What the terminal answered when asked about colour (ui-query.c). */
struct ui_query {
	bool answered;   /* it answered at all (DA1), so all answers are in */
	bool truecolor;  /* it said it draws 24-bit colour */
	int colors;      /* the colours it said it has (256 when it kept a palette
			    colour), 0 when it did not say */
	const char *how; /* the question whose answer said the most colours:
			    "XTGETTCAP", "DECRQSS"; NULL if none did */
	char typed[256]; /* bytes that were none of the answers: keys typed meanwhile */
	size_t ntyped;   /* how many */
};

/* Whether to ask the terminal (not on the Linux console, not where terminfo
 * already has direct colour, not with ENCIDE_TERM_QUERY=off). */
bool ui_query_wanted(void);
/* Asks the terminal on out and reads its answers from in (a tty), waiting
 * at most timeout_ms for them; the tty's modes are put back. Fills *q; 0 or
 * a negative errno (the tty could not be used: *q says nothing). */
int ui_query_terminal(struct ui_query *q, int in, int out, int timeout_ms);
/* Reads answers and typed bytes from buf into *q; returns how many bytes it
 * used. Unless final, an answer not all there yet is left unused. */
size_t ui_query_parse(struct ui_query *q, const char *buf, size_t n, bool final);
/* The colours TERM's terminfo entry has, -1 when it cannot be read (before
 * the screen is set up; tty: the terminal's fd). */
int ui_query_terminfo_colours(int tty);

/* The colour depth of the terminal (after the screen is set up). */
enum ui_depth ui_theme_depth(void);
/* Allocates the colour pairs the theme needs at depth and fills its attr
 * table; call after the screen is set up. */
void ui_theme_start(struct ui_theme *theme, enum ui_depth depth);
/* The name of an element in theme files ("keyword", "linenr"). */
const char *ui_theme_elem_name(enum ui_elem elem);

/* Subscribes fn to type for the UI's life; 0 or -ENOMEM. */
int ui_subscribe(struct ui *ui, enum bus_event_type type, bus_fn *fn);

/* UI commands (ui-cmd.c): the app_ui hook. */
int ui_cmd_exec(void *arg, struct cmd_ctx *ctx, int argc, char **argv);
/* Turns mouse reports on or off; -1 when the terminal has none. */
int ui_mouse_set(struct ui *ui, bool on);
/* Runs a command line as a key does (failures show in the status line). */
void ui_run_line(struct ui *ui, const char *line);
/* s as one word of a command line: in double quotes, escaped (caller
 * frees); NULL without memory. */
char *ui_quote(const char *s);
/* Sets the status line's message. */
void ui_say(struct ui *ui, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
