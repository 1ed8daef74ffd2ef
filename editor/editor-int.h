/* Private to editor/: what the buffer (editor-buf.c) and the syntax layer
 * (editor-syntax.c) tell each other. The syntax layer owns the tree-sitter
 * tree of one buffer; it reads the buffer's text only through editor.h.
 */
#ifndef ENCIDE_EDITOR_INT_H
#define ENCIDE_EDITOR_INT_H

#include <stddef.h>

#include "editor/editor.h"

/* A buffer's syntax trees, one per chunk of whole top-level items
 * (editor-syntax.c explains); nothing parsed until something asks. */
struct syntax;

/* A syntax holder with no tree yet. Returns 0 or -ENOMEM. */
int syn_new(struct syntax **out);
/* Frees the holder and its tree; syn_free(NULL) is a no-op. */
void syn_free(struct syntax *syn);
/* Parses all of buf's text (incrementally where trees were edited).
 * Returns 0, or a negative errno (-ENOMEM, -ENOTSUP when the grammar
 * cannot be loaded) with *errmsg set (caller frees; errmsg may be NULL).
 * Other syn_ functions parse what they need on demand. */
int syn_parse(struct syntax *syn, const struct buffer *buf, char **errmsg);
/* True once a tree exists. */
bool syn_has_tree(const struct syntax *syn);
/* Tests: the chunk size aimed at (0: the default); forgets every tree. */
void syn_set_chunk_bytes(struct syntax *syn, size_t bytes);
/* The chunks split so far. */
size_t syn_chunk_count(const struct syntax *syn);
/* Tells the tree about an operation just applied to the text (ts_tree_edit);
 * the next use reparses what changed. */
void syn_edit(struct syntax *syn, const struct edit_op *op);
/* The constructs (enum edit_kind bits) that [start, end) touches in the
 * current text, before an edit is applied; an insertion has start == end. */
unsigned syn_kinds(struct syntax *syn, const struct buffer *buf, size_t start, size_t end);

/* The syntax of buf (editor-buf.c); never NULL for an opened buffer. */
struct syntax *buf_syntax(const struct buffer *buf);

#endif
