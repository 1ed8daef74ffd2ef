/* Private to editor/: building line maps (editor-linemap.c); reading and
 * composing them is public, in editor.h. */
#ifndef ENCIDE_EDITOR_LINEMAP_H
#define ENCIDE_EDITOR_LINEMAP_H

#include <stdbool.h>
#include <stddef.h>

struct linemap;
struct diff_hunk;

/* The map of a version of `lines` lines onto itself; NULL when out of memory. */
struct linemap *linemap_identity(size_t lines);
/* The map of one operation on a version of `lines` lines: an insert or a
 * delete at `line` (at its first byte when at_line_start) of text holding k
 * newlines. NULL when out of memory. */
struct linemap *linemap_of_op(size_t lines, bool insert, size_t line, bool at_line_start, size_t k);

/* The map a line diff suggests (see the essay): old line -> new line
 * through the hunks (editor-diff.h), in order; marked as a guess. NULL when
 * out of memory. */
struct linemap *linemap_from_hunks(size_t old_lines, size_t new_lines, const struct diff_hunk *h, size_t n);
/* Marks m as a guess (its operations came from a diff). */
void linemap_set_guess(struct linemap *m);

#endif
