/* Private to editor/: the crash-recovery journal (editor-journal.c). */
#ifndef ENCIDE_EDITOR_JOURNAL_H
#define ENCIDE_EDITOR_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "editor/editor.h"

struct journal;

/* One operation read back from a journal. */
struct journal_entry {
	bool insert;      /* insert, else delete */
	size_t pos;       /* byte offset */
	size_t len;       /* bytes inserted or deleted */
	const char *text; /* insert: the bytes (inside journal_replay.data) */
};

/* A journal left by a session that ended without saving. */
struct journal_replay {
	char *file;              /* where it was moved aside (".recover") */
	char *data;              /* its bytes; entries point into them */
	struct journal_entry *v; /* the operations, oldest first */
	size_t n;                /* how many */
};

/* FNV-1a 64 of data. */
uint64_t journal_hash(const void *data, size_t len);

/* A journal for the file at abs_path whose content is base (written from the
 * first flush on). NULL when out of memory. */
struct journal *journal_new(const char *abs_path, const void *base, size_t base_len);
void journal_free(struct journal *j);
/* Queues op (a no-op for NULL or a journal that failed). */
void journal_record(struct journal *j, const struct edit_op *op);
/* Writes what is queued; 0 or a negative errno (journaling then stops). */
int journal_flush(struct journal *j);
/* The file was saved as base: the journal is removed and starts again. */
void journal_reset(struct journal *j, const void *base, size_t base_len);

/* Moves the journal of abs_path aside and reads it. Returns 0 with out->n
 * operations (0: there was none), -ESTALE when it was made for other file
 * content, -EBADMSG when it is not a journal; on errors out->file, when set,
 * says where it was kept. Release out with journal_replay_release(). */
int journal_take(const char *abs_path, const void *base, size_t base_len, struct journal_replay *out);
void journal_replay_release(struct journal_replay *r);

#endif
