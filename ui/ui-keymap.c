/* The keymap: which command line each key runs. Keys never act directly,
 * they run commands of the table, so a script can do whatever a key does.
 */
#include <string.h>

#include "ui/ui-int.h"

#define CTRL(c) ((c) & 0x1f)

struct ui_key {
	int key;           /* a curses key code, or 0 to use cap */
	const char *cap;   /* a terminfo key name for keys without a fixed code */
	const char *line;  /* the command line it runs */
};

static const struct ui_key keymap[] = {
	{ .key = KEY_UP, .line = "cursor-up" },
	{ .key = KEY_DOWN, .line = "cursor-down" },
	{ .key = KEY_LEFT, .line = "cursor-left" },
	{ .key = KEY_RIGHT, .line = "cursor-right" },
	{ .key = KEY_PPAGE, .line = "page-up" },
	{ .key = KEY_NPAGE, .line = "page-down" },
	{ .key = KEY_HOME, .line = "line-start" },
	{ .key = KEY_END, .line = "line-end" },
	{ .cap = "kHOM5", .line = "file-start" }, /* Ctrl-Home */
	{ .cap = "kEND5", .line = "file-end" },   /* Ctrl-End */
	{ .key = 'q', .line = "quit" },
	{ .key = CTRL('q'), .line = "quit" },
	/* The terminal is in raw mode, so Ctrl-C arrives as a key, not SIGINT. */
	{ .key = CTRL('c'), .line = "quit" },
};

/* The key code curses gives for terminfo key name cap here, or 0. */
static int key_of_cap(const char *cap)
{
	char *seq = tigetstr(cap);
	int code;

	if (!seq || seq == (char *)-1)
		return 0;
	code = key_defined(seq);
	return code > 0 ? code : 0;
}

const char *ui_keymap_lookup(int key)
{
	for (size_t i = 0; i < sizeof(keymap) / sizeof(keymap[0]); i++) {
		int code = keymap[i].key ? keymap[i].key : key_of_cap(keymap[i].cap);

		if (code != 0 && code == key)
			return keymap[i].line;
	}
	return NULL;
}
