/* editor/: text buffers and their C syntax tree. A library with no terminal
 * code: the UI, the scripts and the EnC engine all read and edit text through
 * this header.
 *
 * Lines are 1-based, byte offsets 0-based. Ownership: a struct buffer owns its
 * text and its syntax tree; pointers it returns stay valid until the next edit
 * or buf_free() unless said otherwise.
 */
#ifndef ENCIDE_EDITOR_H
#define ENCIDE_EDITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct buffer;

/* Tunes the process's allocator for the editor (call once, first thing in
 * main): tree-sitter frees thousands of small nodes a reparse, glibc keeps
 * them in "fast bins" and sweeps them all together on a later larger
 * request, a 4 ms stall every ten keystrokes on a 250,000-line file. */
void editor_tune_allocator(void);

/* Reads path into a new buffer and parses it. Returns 0, or a negative errno
 * with a message in *errmsg (static storage is never used: the caller frees
 * *errmsg); *out is untouched on failure. */
int buf_open(struct buffer **out, const char *path, char **errmsg);
/* Frees the buffer; buf_free(NULL) is a no-op. */
void buf_free(struct buffer *buf);

/* The path the buffer was opened from. */
const char *buf_path(const struct buffer *buf);
/* The number of lines (a final line without '\n' counts; an empty file has 1). */
size_t buf_line_count(const struct buffer *buf);
/* Total size in bytes. */
size_t buf_size(const struct buffer *buf);
/* Byte offsets of line (1-based): *start of its first byte, *end of its '\n'
 * (or of the end of the text). Returns false when line is out of range. */
bool buf_line_span(const struct buffer *buf, size_t line, size_t *start, size_t *end);
/* Copies up to len bytes from offset pos into out; returns the count copied. */
size_t buf_read(const struct buffer *buf, size_t pos, size_t len, char *out);

/*
 * The edit log: every operation on a buffer, in order. Version 0 is the text
 * as opened; operation v makes version v. Undo and redo are operations too
 * (the inverse of an earlier one, which they name).
 */
enum edit_origin {
	EDIT_USER, /* typed, pasted, or a command's edit */
	EDIT_UNDO, /* the inverse of an earlier operation, by undo */
	EDIT_REDO, /* the inverse of an undo, by redo */
	EDIT_OUTSIDE, /* the file changed on disk: a reload, from a line diff */
};

/* Constructs an edit touched, from the syntax tree before it (bit flags). */
enum edit_kind {
	EDIT_KIND_BODY = 1 << 0,      /* inside a function body */
	EDIT_KIND_TYPE = 1 << 1,      /* a struct, union or enum definition, a typedef */
	EDIT_KIND_PROTOTYPE = 1 << 2, /* a function declaration, or a definition's signature */
	EDIT_KIND_GLOBAL = 1 << 3,    /* a global declaration or its initialiser */
	EDIT_KIND_PREPROC = 1 << 4,   /* a preprocessor line */
	EDIT_KIND_OTHER = 1 << 5,     /* between constructs, comments, new code */
};

struct edit_op {
	uint64_t version;        /* the version this operation made (from 1) */
	bool insert;             /* an insertion, else a deletion */
	size_t pos;              /* byte offset where it happened */
	size_t line;             /* line of pos before it, 1-based */
	size_t col;              /* byte column of pos before it, 0-based */
	size_t newlines;         /* '\n' bytes in text */
	char *text;              /* the bytes inserted or deleted */
	size_t len;              /* how many */
	int64_t time_ms;         /* wall-clock time, ms since the epoch */
	enum edit_origin origin; /* user, undo or redo */
	uint64_t inverts;        /* undo/redo: the version of the operation it inverts */
	unsigned kinds;          /* enum edit_kind bits */
	size_t lines_after;      /* lines in the buffer after it */
};

/*
 * Line maps: old line -> new line between two versions of a buffer, from
 * the edit operations (never a diff). 0 means the line was deleted.
 */
struct linemap;

/* The line in the new version that old line `line` became, or 0 if it was
 * deleted (or is out of range). */
size_t linemap_get(const struct linemap *m, size_t line);
/* Lines in the old and in the new version. */
size_t linemap_old_lines(const struct linemap *m);
size_t linemap_new_lines(const struct linemap *m);
/* True when the map came from a line diff rather than from the edits (a
 * file changed outside encide, two stored snapshots): a guess, which the
 * user must be told (seed 003: the same texts can come from edits that
 * moved a line up or down). */
bool linemap_guess(const struct linemap *m);
/* The map a then b (a's new version must be b's old one): a new map the
 * caller frees, or NULL when out of memory. A guess if either is. */
struct linemap *linemap_compose(const struct linemap *a, const struct linemap *b);
/* Frees a map; linemap_free(NULL) is a no-op. */
void linemap_free(struct linemap *m);

/*
 * Editing. Every change goes through buf_insert/buf_delete (or undo/redo)
 * and is recorded in the edit log; on failure the buffer is unchanged.
 */

/* Inserts len bytes of s at byte offset pos. 0, -EINVAL or -ENOMEM. */
int buf_insert(struct buffer *buf, size_t pos, const char *s, size_t len);
/* Deletes [pos, pos + len). 0, -EINVAL or -ENOMEM. */
int buf_delete(struct buffer *buf, size_t pos, size_t len);
/* Makes the edits until buf_group_end() one undo step (nestable). */
void buf_group_begin(struct buffer *buf);
void buf_group_end(struct buffer *buf);
/* Undoes (redoes) the newest step; *cursor (if not NULL) gets the offset
 * where it changed the text. 0, -ENOENT when there is nothing to undo. */
int buf_undo(struct buffer *buf, size_t *cursor);
int buf_redo(struct buffer *buf, size_t *cursor);

/* The current version: the number of operations so far (0 as opened). */
uint64_t buf_version(const struct buffer *buf);
/* Operation v (1 <= v <= version), or NULL; valid until the next edit. */
const struct edit_op *buf_op(const struct buffer *buf, uint64_t v);
/* Names the current version ("built", "applied upd003"). 0 or -ENOMEM. */
int buf_tag(struct buffer *buf, const char *name);
/* The newest version named name; false if none. */
bool buf_tagged(const struct buffer *buf, const char *name, uint64_t *version);
/* The line map from version `from` to version `to` (either direction), by
 * replaying the log. A new map the caller frees; NULL if a version is
 * unknown or memory ran out. */
struct linemap *buf_linemap(const struct buffer *buf, uint64_t from, uint64_t to);
/* True when the text differs from the last read or saved version. */
bool buf_modified(const struct buffer *buf);

/* Positions. */
/* The line (1-based) holding byte offset pos. */
size_t buf_line_of(const struct buffer *buf, size_t pos);
/* The column of pos in its line: *chars in characters (UTF-8; an invalid
 * byte counts as one), *cells in display cells (tabs to tabwidth, wide
 * characters 2, control characters 2 as ^X, invalid bytes 4 as <xx>). */
void buf_columns(const struct buffer *buf, size_t pos, int tabwidth, size_t *chars, size_t *cells);
/* The contiguous bytes at pos: a pointer valid until the next edit, *len
 * of them (0 at the end). */
const char *buf_chunk(const struct buffer *buf, size_t pos, size_t *len);

/* Marks: positions that move with the edits (a mark inside deleted text
 * goes to where the deletion was). */
/* Adds a mark at pos; returns its id (> 0) or -ENOMEM. */
int buf_mark_add(struct buffer *buf, size_t pos);
/* The mark's position; false for an unknown id. */
bool buf_mark_pos(const struct buffer *buf, int id, size_t *pos);
void buf_mark_remove(struct buffer *buf, int id);

/* Files. */
/* Writes the buffer to its path atomically (temporary file in the same
 * folder, fsync, rename; the file's mode kept). Refuses, with *errmsg,
 * when the file changed on disk since it was read or is read-only, unless
 * force (the ':save!' of the user). 0 or a negative errno. */
int buf_save(struct buffer *buf, bool force, char **errmsg);
/* True when the file on disk is not the one last read or written. */
bool buf_changed_on_disk(const struct buffer *buf);
/* Takes the file's text as it is on disk now (another program changed it):
 * the differences, from a line diff of the text now against the file,
 * become edits of origin EDIT_OUTSIDE in one undo step (undo brings the
 * text before back, unsaved edits included), so marks and the syntax tree
 * follow and line maps across them are guesses. The buffer then counts as
 * read. 0 with *hunks (if not NULL) the changed blocks (0: same text), or
 * a negative errno with *errmsg (caller frees); unchanged on failure. */
int buf_reload(struct buffer *buf, size_t *hunks, char **errmsg);
/* Keeps the text and takes the file on disk as it is now as read (the user
 * chose the buffer over another program's change): the buffer counts as
 * modified and the next save overwrites the file without 'save!'. A file
 * that is gone will be written again by the next save. */
void buf_keep(struct buffer *buf);

/* Crash recovery: edits journaled by a session that ended without saving.
 * Journaling is on for every buffer; buf_journal_flush() writes what is
 * queued (the app calls it after each command and every second). */
int buf_journal_flush(struct buffer *buf);
/* Operations a journal holds for this file as read (0: nothing to recover). */
size_t buf_recovery_count(const struct buffer *buf);
/* When a journal was found but cannot be used: why, and where it was kept;
 * NULL otherwise. */
const char *buf_recovery_problem(const struct buffer *buf);
/* Replays the journaled operations (one undo step). 0, -ENOENT if none,
 * -EINVAL if they do not fit the text (nothing changed then). */
int buf_recover(struct buffer *buf);
/* Drops the journaled operations for good. */
void buf_recovery_discard(struct buffer *buf);

/* A function definition, from the syntax tree. */
struct buf_function {
	char *name;        /* its name (owned by the array) */
	size_t first_line; /* first line of the definition, 1-based */
	size_t last_line;  /* its last line (the closing brace) */
	size_t body_line;  /* the line of the body's '{' */
};

/* Every function definition, in file order (also those inside #if blocks).
 * *out is an array to free with buf_functions_free(); returns the count, or
 * a negative errno. */
ssize_t buf_functions(const struct buffer *buf, struct buf_function **out);
void buf_functions_free(struct buf_function *v, size_t n);
/* The function whose definition holds line; 0, or -ENOENT when none does.
 * out->name is the caller's to free. */
int buf_function_at(const struct buffer *buf, size_t line, struct buf_function *out);

/*
 * Snapshots: the exact source text of the build and of every generation the
 * running program was given, stored as git blobs (content-addressed: a file
 * that did not change costs nothing) in encide's private object database, a
 * bare repository in the project's state directory. The user's .git is never
 * written, and no ref is ever written, not even in the store.
 *
 * Beside the objects, an index file records which blob is which file of
 * the last build, and of each generation of the current program run (the
 * baseline is generation 0, upd001 is 1...), so that a restarted encide
 * finds them again. Paths are absolute as the caller gives them.
 *
 * Ownership: a struct snapshot owns its repository; strings it returns live
 * until snap_free() or the next call that records.
 */
struct blob_id {
	unsigned char raw[20]; /* a git object id (SHA-1) */
};
#define BLOB_ID_HEX 41 /* 40 hex digits and a NUL */

/* The id in hex, into out. */
void blob_id_hex(const struct blob_id *id, char out[BLOB_ID_HEX]);
/* Reads 40 hex digits; 0 or -EINVAL. */
int blob_id_parse(struct blob_id *out, const char *hex);
/* True when a and b name the same blob. */
bool blob_id_equal(const struct blob_id *a, const struct blob_id *b);

struct snapshot;

/* Opens the store in dir (a bare repository, created with its parents when
 * missing) and reads its index. 0, or a negative errno with *errmsg (caller
 * frees) naming dir and the reason; *out untouched on failure. */
int snap_open(struct snapshot **out, const char *dir, char **errmsg);
/* Frees the store; snap_free(NULL) is a no-op. */
void snap_free(struct snapshot *s);
/* The store's directory (what `git --git-dir=` takes). */
const char *snap_dir(const struct snapshot *s);

/* Stores len bytes as a blob; *out gets its id. 0 or -EIO (with the store's
 * last error in snap_error()). */
int snap_put(struct snapshot *s, const void *data, size_t len, struct blob_id *out);
/* Stores the file at path (not re-read while its size, mtime and inode are
 * those of the last time). 0, or a negative errno with *errmsg (caller
 * frees). */
int snap_put_file(struct snapshot *s, const char *path, struct blob_id *out, char **errmsg);
/* Stores the buffer's current text. 0, -ENOMEM or -EIO. */
int snap_put_buffer(struct snapshot *s, const struct buffer *buf, struct blob_id *out);
/* The bytes of blob id: *out is a new NUL-terminated copy the caller frees,
 * *len its length. 0, -ENOENT (no such blob) or -ENOMEM. */
int snap_get(struct snapshot *s, const struct blob_id *id, char **out, size_t *len);
/* What the last failed call of the store said (libgit2's message). */
const char *snap_error(const struct snapshot *s);

/* A build starts: the previous build's records are forgotten. 0 or -EIO. */
int snap_build_begin(struct snapshot *s);
/* Records that the build compiled file from blob id. 0, -EINVAL (a path
 * with a newline) or -EIO. */
int snap_build_record(struct snapshot *s, const char *file, const struct blob_id *id);
/* The blob the last build compiled file from; 0 or -ENOENT. */
int snap_built(const struct snapshot *s, const char *file, struct blob_id *out);

/* A program run starts (label: what it is, e.g. "pid 4242 /path/prog"):
 * the previous run's generations are forgotten. 0, -EINVAL or -EIO. */
int snap_run_begin(struct snapshot *s, const char *label);
/* The current run's label, or NULL when no run was recorded. */
const char *snap_run_label(const struct snapshot *s);
/* Records that generation gen of the current run was built from blob id of
 * file (gen 0: the baseline). 0, -ENOENT (no run begun), -EINVAL or -EIO. */
int snap_record(struct snapshot *s, const char *file, unsigned gen, const struct blob_id *id);
/* The source of file as generation gen runs it: the newest record of file
 * with a generation <= gen in the current run. 0 or -ENOENT. */
int snap_lookup(const struct snapshot *s, const char *file, unsigned gen, struct blob_id *out);
/* The highest generation recorded in the current run (0 when none). */
unsigned snap_generation(const struct snapshot *s);
/* The current run's records, oldest first: the i-th one's file (owned by
 * the store), generation and blob; false past the end. */
bool snap_record_at(const struct snapshot *s, size_t i, const char **file, unsigned *gen, struct blob_id *id);

/* The line map from blob `from` to blob `to` by a line diff (libgit2):
 * a guess (linemap_guess() is true) unless the two are the same blob.
 * 0 with *out (caller frees), -ENOENT or -ENOMEM. */
int snap_linemap(struct snapshot *s, const struct blob_id *from, const struct blob_id *to, struct linemap **out);

/*
 * Changed lines: a buffer against a base text (the change gutter's base is
 * the file's blob in HEAD). Computed when asked and cached by buffer
 * version; after edits only the lines they touched are diffed again.
 */
enum line_change_kind {
	LINE_ADDED,    /* lines the base does not have */
	LINE_MODIFIED, /* lines that replace as many base lines */
	LINE_DELETED,  /* base lines removed just above `line` */
};

struct line_change {
	enum line_change_kind kind; /* what happened */
	size_t line;      /* first buffer line (DELETED: the line below the removal) */
	size_t count;     /* buffer lines marked (0 for DELETED) */
	size_t old_count; /* base lines replaced (MODIFIED) or removed (DELETED) */
};

struct linediff;

/* A diff of buf against no base yet. It borrows buf: free it first.
 * 0 or -ENOMEM. */
int linediff_new(struct linediff **out, const struct buffer *buf);
/* Frees it; linediff_free(NULL) is a no-op. */
void linediff_free(struct linediff *d);
/* Sets the base text (copied); NULL: none, nothing is reported. 0 or -ENOMEM. */
int linediff_set_base(struct linediff *d, const char *data, size_t len);
/* True when a base is set. */
bool linediff_has_base(const struct linediff *d);
/* The changed lines now, in order: *out is valid until the next call.
 * 0, or -ENOMEM / -EIO (then nothing is cached). */
int linediff_get(struct linediff *d, const struct line_change **out, size_t *n);
/* How many whole-file and partial diffs it has run (tests, benchmarks). */
void linediff_counts(const struct linediff *d, size_t *full, size_t *partial);

/*
 * Git: the user's repository, read-only, through libgit2. Where HEAD is,
 * which files differ from it, the HEAD version of a file. Nothing here
 * writes to the repository (no index refresh, no refs, no objects).
 */
struct repo;

/* Where HEAD is. */
struct repo_head {
	char *branch;              /* "main"; NULL when HEAD is detached */
	char commit[BLOB_ID_HEX];  /* HEAD's commit in hex; "" when unborn */
	bool detached;             /* HEAD names a commit, not a branch */
	bool unborn;               /* the branch has no commit yet */
};

/* A file's state against HEAD and the index (bit flags). */
enum repo_flag {
	REPO_MODIFIED = 1 << 0,   /* the working file differs from the index */
	REPO_STAGED = 1 << 1,     /* the index differs from HEAD */
	REPO_ADDED = 1 << 2,      /* new in the index */
	REPO_DELETED = 1 << 3,    /* gone from the working tree or the index */
	REPO_UNTRACKED = 1 << 4,  /* in the working tree only */
	REPO_IGNORED = 1 << 5,    /* ignored by .gitignore */
	REPO_CONFLICTED = 1 << 6, /* a merge conflict */
};

struct repo_file {
	char *path;      /* absolute (owned by the array) */
	unsigned flags;  /* enum repo_flag bits */
};

/* The repository holding path (a file or folder; searched upwards).
 * 0; -ENOENT when path is in no repository or in a bare one (nothing to
 * show); another negative errno. *errmsg (caller frees) says which. */
int repo_open(struct repo **out, const char *path, char **errmsg);
/* Frees it; repo_free(NULL) is a no-op. */
void repo_free(struct repo *r);
/* The working tree, absolute, ending in '/'. */
const char *repo_workdir(const struct repo *r);
/* HEAD now (re-read only when HEAD, the branch's ref, packed-refs or the
 * index changed on disk); *out is valid until the next repo_ call.
 * 0 or -EIO (repo_error() says why). */
int repo_head(struct repo *r, const struct repo_head **out);
/* A number that grows each time repo_head() (or repo_head_blob()) found
 * HEAD, a ref or the index changed on disk: caches of the status compare it. */
uint64_t repo_epoch(const struct repo *r);
/* HEAD's version of the file at path: its blob id, and when data is not
 * NULL a new NUL-terminated copy of its bytes (*len of them) the caller
 * frees. 0; -ENOENT when HEAD has no such file (untracked, unborn, outside
 * the working tree); -EIO or -ENOMEM. */
int repo_head_blob(struct repo *r, const char *path, struct blob_id *id, char **data, size_t *len);
/* Every file that differs (untracked ones too, ignored ones not), sorted by
 * path: *out is freed with repo_files_free(). 0, -EIO or -ENOMEM. */
int repo_status(struct repo *r, struct repo_file **out, size_t *n);
void repo_files_free(struct repo_file *v, size_t n);
/* One file's flags (0: unchanged). 0, -ENOENT (outside the working tree or
 * unknown to git and absent), -EIO. */
int repo_file_status(struct repo *r, const char *path, unsigned *flags);
/* The one-letter mark of flags, as `git status --short` would pick:
 * 'M', 'A', 'D', '?', 'U' (conflict), '!' (ignored), ' ' (clean). */
char repo_mark(unsigned flags);
/* What the last failed call said. */
const char *repo_error(const struct repo *r);

/* Highlight capture classes, from the grammar's queries/highlights.scm. */
enum syn_class {
	SYN_NONE,
	SYN_KEYWORD,
	SYN_TYPE,
	SYN_FUNCTION,
	SYN_STRING,
	SYN_NUMBER,
	SYN_CONSTANT,
	SYN_COMMENT,
	SYN_OPERATOR,
	SYN_DELIMITER,
	SYN_PROPERTY,
	SYN_LABEL,
	SYN_VARIABLE,
	SYN_PREPROC,
	SYN__COUNT,
};

struct syn_span {
	size_t start, end;    /* byte range [start, end) */
	enum syn_class class; /* what to draw it as */
};

/* The highlight spans that overlap [start, end), sorted by start, not
 * overlapping (the innermost, most specific capture wins). *out is a new array
 * the caller frees; returns the count, or a negative errno. */
ssize_t buf_highlight(const struct buffer *buf, size_t start, size_t end, struct syn_span **out);
/* The capture name of a class ("keyword"), as used by themes. */
const char *syn_class_name(enum syn_class class);

#endif
