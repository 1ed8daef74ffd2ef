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
