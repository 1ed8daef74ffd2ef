/* Private to editor/: the edit log (editor-log.c) that a buffer records into
 * and computes line maps and undo/redo from. It never touches the text. */
#ifndef ENCIDE_EDITOR_LOG_H
#define ENCIDE_EDITOR_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "editor/editor.h"

struct editlog;

/* An empty log for a text of `lines` lines. NULL when out of memory. */
struct editlog *editlog_new(size_t lines);
void editlog_free(struct editlog *log);

/* The current version (the number of operations recorded). */
uint64_t editlog_version(const struct editlog *log);
/* Operation v (1 <= v <= version), or NULL. */
const struct edit_op *editlog_op(const struct editlog *log, uint64_t v);
/* Lines in version v. */
size_t editlog_lines_at(const struct editlog *log, uint64_t v);

/* Groups the operations recorded until editlog_end() into one undo step
 * (nestable: the outermost pair counts). */
void editlog_begin(struct editlog *log);
void editlog_end(struct editlog *log);
/* Records op (its text is copied; version is set by the log). A user
 * operation joins the open group (or makes its own) and clears the redo
 * list; undo and redo operations build the step that undo() or redo()
 * pushes. 0 or -ENOMEM (nothing recorded). */
int editlog_record(struct editlog *log, const struct edit_op *op);

/* The operations the next undo must invert, newest first: *first..*last
 * versions. False when there is nothing to undo. The caller applies the
 * inverses (origin EDIT_UNDO) between editlog_undo_begin/end. */
bool editlog_undo_range(const struct editlog *log, uint64_t *first, uint64_t *last);
bool editlog_redo_range(const struct editlog *log, uint64_t *first, uint64_t *last);
/* Brackets the inverse operations of one undo (or redo): pops its step from
 * the undo (redo) list, and pushes the new operations as a step on the other. */
void editlog_undo_begin(struct editlog *log, bool redo);
void editlog_undo_end(struct editlog *log);

/* The line map from version `from` to version `to` (either order): a new map
 * the caller frees, or NULL when out of memory or a version is unknown. */
struct linemap *editlog_linemap(const struct editlog *log, uint64_t from, uint64_t to);

/* Names version v ("built", "applied upd003"); 0 or -ENOMEM. */
int editlog_tag(struct editlog *log, uint64_t v, const char *name);
/* The newest version tagged name; false if none. */
bool editlog_tagged(const struct editlog *log, const char *name, uint64_t *v);

#endif
