/* enc/: Edit and Continue. Recompiles the translation units an edit touched
 * with their recorded commands, compares the new objects with the previous
 * generation function by function, loads the changed code into the stopped
 * program with its own ELF loader (existing variables keep their addresses
 * and values), and redirects the old functions to the new code through their
 * patchable entries. A library with no terminal code; reports ENC_APPLIED
 * and ENC_REJECTED on the bus.
 *
 * Atomicity: until the first byte of the program's code is redirected,
 * nothing in the program has changed except memory encide mapped for itself,
 * which a failure unmaps again.
 */
#ifndef ENCIDE_ENC_H
#define ENCIDE_ENC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct bus;
struct dbg;
struct project;
struct enc;

/* An engine for the program dbg debugs, built by proj. NULL when out of
 * memory. */
struct enc *enc_new(struct dbg *dbg, struct project *proj, struct bus *bus);
/* Forgets every generation (the program keeps what was loaded). */
void enc_free(struct enc *enc);

/* How lines moved between generations, from the editor's edit logs: the
 * line of file in the source generation `from` was compiled from, in the
 * source of generation `to` (ENC_NOW: the text as it is now); 0 when the
 * line was deleted. The session records each generation's versions (the
 * one an apply makes before calling enc_apply). */
#define ENC_NOW ((unsigned)-1)
struct enc_lines {
	size_t (*map)(void *arg, const char *file, unsigned from, unsigned to, int line); /* NULL: never moved */
	void *arg;                                              /* its argument */
	/* true when that map is a line diff's guess, not the edits (a file
	 * changed outside encide); NULL: never */
	bool (*guess)(void *arg, const char *file, unsigned from, unsigned to);
};

/* Applies the current content of the source files (NULL-terminated,
 * absolute paths; headers bring in every TU that includes them) to the
 * stopped program as generation enc_generation() + 1. Then every thread's
 * frames that run a changed function follow: a top frame moves to the new
 * code (FRAME_REMAPPED, or FRAME_SUPERSEDED with the reason), the others
 * are superseded and move when control comes back to them. lines is kept
 * for those later moves. 0; 1 when the edits change no code (no generation
 * is made); or negative with *errmsg (caller frees) naming the symbol and
 * the reason, nothing applied then. */
int enc_apply(struct enc *enc, const char *const *files, const struct enc_lines *lines, char **errmsg);
/* The number of generations applied (upd001 is 1). */
unsigned enc_generation(const struct enc *enc);
/* True when the last operation was a revert (the program runs its own
 * code). */
bool enc_reverted(const struct enc *enc);
/* The thread whose point of execution the last apply moved to another line
 * (its line was deleted), or 0. */
pid_t enc_moved(const struct enc *enc);

/* Undoes every generation of the stopped program: the program's own code
 * runs again (its entries restored, every generation's copy jumping to it),
 * as generation enc_generation() + 1, whose source is the source as built;
 * the frames follow back as after an apply, and the memory of the
 * generations is released once no frame runs it (ENC_REVERTED). 0, or
 * negative with *errmsg: nothing changed then. */
int enc_revert(struct enc *enc, char **errmsg);
/* Releases the memory of reverted generations that nothing uses any more
 * (at a stop): no frame runs it, no pointer the program keeps (in its
 * memory, registers, glibc's mangled words, signal handlers) points into
 * it, and no region that stays refers to it. Returns how many regions were
 * released. */
size_t enc_release(struct enc *enc);
/* A generation's memory, for `generations`: 0 and the region i (gen, object,
 * base, size, released, obsolete), or -ENOENT past the end. */
struct enc_region_info {
	unsigned generation;   /* upd00N */
	const char *object;    /* the object loaded there (the engine's) */
	uint64_t base, size;   /* the region */
	bool obsolete;         /* reverted: released once nothing uses it */
	bool released;         /* given back */
	const char *kept;      /* obsolete, not released: why (the engine's), or NULL */
};
int enc_region(const struct enc *enc, size_t i, struct enc_region_info *out);

/* Writes what the engine knows of the program's generations to path (the
 * record a restarted encide reads back), under label (which process: pid
 * and start time). 0 or -errno. */
int enc_save(const struct enc *enc, const char *path, const char *label);
/* Reads the record at path into a new engine, when it was written for
 * label: 0; -ENOENT (none), -ESTALE (another process's), or another
 * negative errno with *errmsg. */
int enc_restore(struct enc *enc, const char *path, const char *label, char **errmsg);
/* After enc_restore, with the program stopped: the debugger learns the
 * loaded code and which copies are stale; frames in stale code wait to
 * move again. 0. */
int enc_resume(struct enc *enc);

/* Test-only: makes the pipeline fail at step `step` (1-based, see
 * enc-apply.c's list), to prove a failure leaves the program untouched;
 * 0 turns it off. */
void enc_fail_at(struct enc *enc, int step);

#endif
