/* Private to editor/: line diffs of two texts with libgit2's xdiff
 * (editor-diff.c). The rest of editor/ reads hunks from here: the snapshot
 * store's guessed line maps, a reload from disk, the change gutter. */
#ifndef ENCIDE_EDITOR_DIFF_H
#define ENCIDE_EDITOR_DIFF_H

#include <stddef.h>

/* One block of lines that differs. Lines are 1-based and counted the way
 * buffers count them. A block that removes nothing (old_count 0) inserts
 * before old line old_start; one that adds nothing (new_count 0) sits
 * before new line new_start. */
struct diff_hunk {
	size_t old_start; /* first old line of the block */
	size_t old_count; /* old lines it replaces */
	size_t new_start; /* first new line of the block */
	size_t new_count; /* new lines it holds */
};

/* Makes sure libgit2 is initialised (once per process, never shut down). */
void diff_libgit2_init(void);

/* The line hunks turning a[0..alen) into b[0..blen), in order, as text
 * (never "binary"). The common leading and trailing lines are skipped before
 * xdiff runs. *out is a new array the caller frees (NULL when *n is 0).
 * 0, or -ENOMEM / -EIO (libgit2 failed). */
int diff_lines(const char *a, size_t alen, const char *b, size_t blen, struct diff_hunk **out, size_t *n);

/* The number of lines of a text the way buffers count them ('\n' + 1). */
size_t diff_line_count(const char *s, size_t len);

#endif
