/* Private to editor/: the piece table under every buffer. It knows bytes and
 * newlines only: nothing of UTF-8, tree-sitter, undo or files.
 *
 * Ownership: the table copies what it is given. Pointers from text_chunk()
 * stay valid until the next edit or text_free().
 */
#ifndef ENCIDE_EDITOR_TEXT_H
#define ENCIDE_EDITOR_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct text;

/* A table holding a copy of data[0..len). Returns 0 or -ENOMEM. */
int text_new(struct text **out, const char *data, size_t len);
/* Frees the table; text_free(NULL) is a no-op. */
void text_free(struct text *t);

/* Size in bytes. */
size_t text_size(const struct text *t);
/* Number of '\n' bytes (the line count is this plus one). */
size_t text_newlines(const struct text *t);

/* Inserts len bytes of s at pos (0 <= pos <= size). 0, -EINVAL or -ENOMEM;
 * the text is unchanged on failure. */
int text_insert(struct text *t, size_t pos, const char *s, size_t len);
/* Deletes [pos, pos + len). 0, -EINVAL or -ENOMEM; unchanged on failure. */
int text_delete(struct text *t, size_t pos, size_t len);

/* Copies up to len bytes from pos into out; returns the number copied. */
size_t text_read(const struct text *t, size_t pos, size_t len, char *out);
/* The contiguous bytes at pos: returns a pointer and sets *len (0 at the end). */
const char *text_chunk(const struct text *t, size_t pos, size_t *len);
/* The byte at pos, or -1 past the end. */
int text_byte(const struct text *t, size_t pos);

/* Offset of the first byte of line (1-based); false past the last line. */
bool text_line_start(const struct text *t, size_t line, size_t *pos);
/* The line (1-based) that holds pos (pos == size is on the last line). */
size_t text_line_of(const struct text *t, size_t pos);
/* The number of '\n' in [pos, pos + len). */
size_t text_count_newlines(const struct text *t, size_t pos, size_t len);

#endif
