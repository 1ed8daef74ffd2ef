/* app/: the session that joins encide's parts (one struct app), the command
 * table that the ':' line, the keymap and -x scripts all read, and the
 * headless script runner. The UI is a client of this header; nothing below
 * the UI includes it.
 */
#ifndef ENCIDE_APP_H
#define ENCIDE_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "app/bus.h"
#include "app/loop.h"

struct buffer;
struct dbg;
struct line_change;
struct enc;
struct project;
struct snapshot;

struct cmd_ctx;

/* The full-screen UI's side of the UI-level commands (app/cmd-ui.c): ui/
 * sets it while it runs, so the rows of the one command table reach it
 * without app/ calling up into ui/. NULL headless (those commands then
 * fail with a message). */
struct app_ui {
	/* Runs UI command ctx->entry with its words; returns as a command
	 * handler does (0, or negative after cmd_error). */
	int (*exec)(void *arg, struct cmd_ctx *ctx, int argc, char **argv);
	void *arg; /* the UI's state, passed back */
};

/* Where the user is in a buffer. */
struct view {
	struct buffer *buf; /* the buffer shown, owned by the app; NULL if none */
	size_t line;        /* cursor line, 1-based */
	size_t col;         /* cursor column in bytes, 1-based */
};

/* A command that returned CMD_PENDING and has not finished yet. */
struct cmd_pending {
	bool active;  /* a command is waiting (the program runs, a timer...) */
	int status;   /* its result once finished: 0 or negative */
	char *error;  /* its message when status < 0 (owned) */
	bool waits_for_stop; /* it ends when the program stops or exits */
};

struct app {
	struct loop *loop;          /* the one event loop */
	struct bus *bus;            /* the one bus */
	struct project *project;    /* the project opened (build/) */
	struct dbg *dbg;            /* the debugger (debugger/) */
	struct enc *enc;            /* Edit and Continue (enc/), once applied */
	void *applied;              /* per buffer: the version last applied (cmd-enc.c) */
	size_t napplied;            /* entries in applied */
	struct snapshot *snap;      /* the source snapshots (cmd-snapshot.c), opened lazily */
	bool snap_failed;           /* the store could not be opened (said once) */
	void *git;                  /* git status and gutter caches (cmd-git.c) */
	void *disk;                 /* files changed on disk by others (cmd-disk.c) */
	struct buffer **bufs;       /* every open buffer (owned) */
	size_t nbufs;               /* how many */
	struct view view;           /* the editor's current buffer and cursor */
	char *search;               /* the last search's regex (owned), or NULL */
	int journal_timer;          /* flushes the journals every second */
	size_t page_lines;          /* lines Page Up/Down move: the UI sets it */
	bool batch;                 /* --batch: every event printed as JSON */
	bool headless;              /* no terminal (-x) */
	struct cmd_pending pending; /* the command scripts wait for */
	const char *script;         /* the -x script's path, for messages */
	int script_line;            /* the line it is running */
	void *test;                 /* state of the test commands (cmd-expect.c) */
	const struct app_ui *ui;    /* the full-screen UI's commands, or NULL */
	char **displays;            /* `display` expressions, the watch list (owned) */
	size_t ndisplays;           /* how many */
	void *anchors;              /* breakpoints that follow edits (app-breaks.c) */
};

/* Sets up a session on project_dir (NULL: no project). Returns 0, or a
 * negative errno with *errmsg (caller frees) saying what and why. */
int app_init(struct app *app, const char *project_dir, char **errmsg);
/* Releases everything app_init() and the commands acquired. */
void app_release(struct app *app);
/* Before leaving, VC6's end of a debugging session: a program encide
 * launched that runs code Edit and Continue applied is ended, and the relink that makes its
 * executable match the sources is waited for (a build that runs, too), so
 * the files on disk are whole. Says so on stderr when it waits. */
void app_finish(struct app *app);
/* The main source file of the project (the one defining main), or NULL.
 * The caller frees the returned path. */
char *app_main_file(const struct app *app);
/* Anchors breakpoint id, when it is FILE:LINE in an open buffer, to the
 * buffer's current version: from then on it follows that buffer's edits. */
void app_breakpoint_anchor(struct app *app, int id);
/* Moves anchored breakpoints by the edits made since they were last
 * moved (each command runs it first; the UI before it draws). */
void app_breakpoints_follow(struct app *app);
/* Forgets every anchor (the session ends). */
void app_breakpoints_release(struct app *app);
/* Saves every buffer with unsaved edits (before a build or an apply: the
 * compiler reads the files). 0, or the first failure with *errmsg (caller
 * frees; the buffers after it are not saved). */
int app_save_modified(struct app *app, char **errmsg);
/* Puts v's cursor at byte offset pos of its buffer (the end if past it). */
void app_view_goto_pos(struct view *v, size_t pos);
/* Opens path (relative paths are taken from the project's directory) into
 * the view, cursor at 1:1 (an open buffer of the same file is shown again,
 * cursor kept); publishes FILE_OPENED, and RECOVERY_AVAILABLE when a dead
 * session left unsaved edits of it.
 * Returns 0, or a negative errno with *errmsg (caller frees). */
int app_open_file(struct app *app, const char *path, char **errmsg);
/* The text of file (a path as the debugger gives it) as Edit and Continue
 * generation gen was compiled from it (0: the program as built), from the
 * snapshot store: what a superseded frame runs. *out (caller frees, NUL
 * terminated), *len its length. 0, or -ENOENT when no snapshot is known. */
int app_generation_source(struct app *app, const char *file, unsigned gen, char **out, size_t *len);
/* Line `line` of that text, without its newline, into buf; false if none. */
bool app_generation_line(struct app *app, const char *file, unsigned gen, int line, char *buf, size_t size);
/* Writes every buffer's journal (after each command; every second). */
void app_flush_journals(struct app *app);
/* Runs the -x script at path; returns the process exit status (0, or 1 on
 * the first failed command, whose "SCRIPT:LINE: message" goes to stderr). */
int app_script_run(struct app *app, const char *path);

/* Git, for the UI's gutter, status line and file tree (cmd-git.c). */
struct git_summary {
	bool repo;           /* the project (or current file) is in a git working tree */
	const char *workdir; /* that working tree, ending in '/' */
	const char *branch;  /* the branch; NULL when HEAD is detached */
	const char *commit;  /* HEAD's commit in hex; "" on an unborn branch */
	bool detached;       /* HEAD names a commit, not a branch */
	bool unborn;         /* the branch has no commit yet */
	bool dirty;          /* tracked files differ from HEAD (on disk, saved) */
	size_t changed;      /* files modified, added, deleted or in conflict */
	size_t untracked;    /* files git does not track (ignored ones not counted) */
};
/* The branch and dirty state; strings valid until the next app_git_ call.
 * out->repo is false outside git. Status is read again only after a save
 * or when HEAD or the index moved. 0 or a negative errno. */
int app_git_summary(struct app *app, struct git_summary *out);
/* The lines of buf added, modified and deleted against its blob in HEAD,
 * unsaved edits included (nothing outside git, for an untracked file or on
 * an unborn branch); *out is valid until the next call. Cached by buffer
 * version: cheap to ask on every draw. 0 or a negative errno. */
int app_git_changes(struct app *app, struct buffer *buf, const struct line_change **out, size_t *n);
/* The status letter of a file for the file tree ('M', 'A', 'D', '?', 'U',
 * or ' ' when clean or outside git). */
char app_git_mark(struct app *app, const char *path);

/* Command handlers return 0, a negative value on failure (after cmd_error),
 * or CMD_PENDING when the work goes on in the loop: cmd_finish() ends it. */
#define CMD_PENDING 1

struct cmd_ctx {
	struct app *app;               /* the session */
	const struct cmd_entry *entry; /* the command being run */
	const char *source;            /* "script", ":" or "key" */
	char *error;                   /* set by cmd_error (owned by the runner) */
};

struct cmd_entry {
	const char *name;   /* what the user types, gdb's name where gdb has one */
	const char *alias;  /* a short form ("bt"), or NULL */
	const char *usage;  /* argument synopsis ("FILE", "[N]"), "" for none */
	const char *help;   /* one line: what it does */
	int min_args;       /* fewest arguments accepted */
	int max_args;       /* most arguments accepted, -1 for no limit */
	int (*exec)(struct cmd_ctx *ctx, int argc, char **argv); /* argv[0] is the name */
};

/* Every command, in the order `help` lists them; NULL-terminated. */
extern const struct cmd_entry *const cmd_table[];

/* The command named or aliased name, or NULL. */
const struct cmd_entry *cmd_find(const char *name);
/* Splits line into words like a shell (double and single quotes, backslash
 * escapes, no expansion). *out_argv is a NULL-terminated array the caller
 * frees with cmd_argv_free(). Returns 0, or -EINVAL with *errmsg (caller
 * frees) on an unterminated quote. A line of only blanks gives argc 0. */
int cmd_split(const char *line, int *out_argc, char ***out_argv, char **errmsg);
void cmd_argv_free(char **argv);
/* Runs one command line from source; returns as the handler does. On
 * failure *errmsg (caller frees) holds the message; COMMAND and
 * COMMAND_FAILED events are published. */
int cmd_run_line(struct app *app, const char *line, const char *source, char **errmsg);
/* Records a failure message for ctx; returns -1 for `return cmd_error(...)`. */
int cmd_error(struct cmd_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Publishes a MESSAGE event of level ("info", "warning", "error"). */
void app_say(struct app *app, const char *level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Publishes a MESSAGE event of level "info". */
void cmd_print(struct cmd_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ends the pending command with status (0 or negative) and message. */
void cmd_finish(struct app *app, int status, const char *error);
/* Writes docs/commands.md's text (every command of the table) to f. */
void cmd_write_markdown(FILE *f);

#endif
