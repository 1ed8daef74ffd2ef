/* Revert: every generation undone at once. The program's own code runs
 * again; the frames follow it back; the memory the generations were loaded
 * into is given back once no frame runs it.
 *
 * A revert is a generation of its own (upd00N+1) whose code is the
 * program's: the image's entries get their original bytes back, every
 * generation's copy of a function jumps to the image's code (a function
 * pointer taken to a copy still works), and the image's copy becomes each
 * function's newest. Frames then follow exactly as after an apply
 * (enc-follow.c), with the line maps from their generation's source to the
 * source as built.
 *
 *   before:  image f: jmp -> upd002 f          upd001 f: jmp -> upd002 f
 *   after:   image f: nop nop (its own code)   upd001 f, upd002 f: jmp -> image f
 *
 * A region is released (munmap, the debugger forgets its module) at the
 * first stop where no frame of any thread has a PC in it; functions and
 * variables that lived only there are forgotten with it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/bus.h"
#include "debugger/debugger.h"
#include "enc/enc-int.h"

/* Every PC on every thread's stack (return addresses less one). */
static uint64_t *all_pcs(struct enc *enc, size_t *n)
{
	struct dbg_thread_info *threads;
	ssize_t nt = dbg_threads(enc->dbg, &threads);
	uint64_t *v = NULL;

	*n = 0;
	for (ssize_t t = 0; t < nt; t++) {
		struct dbg_frame *frames;
		ssize_t nf = dbg_backtrace_thread(enc->dbg, threads[t].tid, 100000, &frames);
		uint64_t *nv = nf > 0 ? realloc(v, (*n + (size_t)nf) * sizeof(*v)) : NULL;

		if (nv) {
			v = nv;
			for (ssize_t f = 0; f < nf; f++)
				v[(*n)++] = f == 0 ? frames[f].pc : frames[f].pc - 1;
		}
		free(frames);
	}
	free(threads);
	return v;
}

/* True when a region waits to be released. */
static bool pcs_wanted(const struct enc *enc)
{
	for (size_t i = 0; i < enc->nregions; i++)
		if (enc->regions[i].obsolete && !enc->regions[i].released)
			return true;
	return false;
}

/* Forgets the copies of functions and the variables that lived in r. */
static void forget_region(struct enc *enc, const struct gen_region *r)
{
	uint64_t lo = r->r.base, hi = r->r.base + r->r.size;

	for (size_t i = enc->nfuncs; i-- > 0;) {
		struct patched *p = &enc->funcs[i];

		for (size_t c = p->ncopies; c-- > 0;)
			if (p->copies[c].entry >= lo && p->copies[c].entry < hi) {
				free(p->copies[c].object);
				memmove(&p->copies[c], &p->copies[c + 1], (p->ncopies - c - 1) * sizeof(*p->copies));
				p->ncopies--;
			}
		if (p->ncopies == 0) {
			/* Added by a generation and gone with it. */
			free(p->name);
			free(p->cu);
			free(p->copies);
			free(p->orig);
			enc->funcs[i] = enc->funcs[--enc->nfuncs];
		}
	}
	for (size_t i = enc->nvars; i-- > 0;)
		if (enc->vars[i].addr >= lo && enc->vars[i].addr < hi) {
			free(enc->vars[i].name);
			free(enc->vars[i].cu);
			free(enc->vars[i].func);
			enc->vars[i] = enc->vars[--enc->nvars];
		}
}

/* The region that holds addr, or -1. */
static long region_at(const struct enc *enc, uint64_t addr)
{
	for (size_t i = 0; i < enc->nregions; i++) {
		const struct gen_region *r = &enc->regions[i];

		if (!r->released && addr >= r->r.base && addr < r->r.base + r->r.size)
			return (long)i;
	}
	return -1;
}

/* A pointer the program keeps into a region (refs_scan's answer). */
struct hit {
	long to;           /* the region pointed into */
	long from;         /* the region the pointer lives in, or -1 (the program's own memory) */
	uint64_t where;    /* its address (0: a register, a handler) */
	char what[64];     /* where it is kept, in words */
};

struct hits {
	const struct enc *enc;
	struct hit *v;     /* every pointer found */
	size_t n;          /* how many */
	bool oom;          /* one could not be kept: keep everything */
};

/* True when addr lies inside a function's code past its entry: where a
 * return address points, never a function pointer. */
static bool inside_function(const struct enc *enc, uint64_t addr)
{
	for (size_t i = 0; i < enc->nfuncs; i++)
		for (size_t c = 0; c < enc->funcs[i].ncopies; c++) {
			const struct fcopy *f = &enc->funcs[i].copies[c];

			if (addr > f->entry && addr < f->entry + f->size)
				return true;
		}
	return false;
}

static void hit_add(void *arg, uint64_t value, uint64_t where, bool saved_pc, const char *what)
{
	struct hits *h = arg;
	struct hit *v;
	long to = region_at(h->enc, value);

	if (to < 0 || (!saved_pc && inside_function(h->enc, value)))
		return;
	if (!(v = realloc(h->v, (h->n + 1) * sizeof(*v)))) {
		h->oom = true;
		return;
	}
	h->v = v;
	v[h->n] = (struct hit){ .to = to, .from = where ? region_at(h->enc, where) : -1, .where = where };
	snprintf(v[h->n].what, sizeof(v[h->n].what), "%s", what);
	h->n++;
}

/* Marks region i kept, with why. */
static void keep(struct enc *enc, bool *kept, size_t i, char *why)
{
	kept[i] = true;
	free(enc->regions[i].kept);
	enc->regions[i].kept = why;
}

/* Which obsolete regions must stay though no frame runs them: those a
 * pointer of the program points into (struct hit), and, transitively, those
 * a region that stays refers to (its relocations' targets, its pointers).
 *
 *   kept(R) <- a frame runs R | a pointer outside every candidate points
 *              into R | R' kept and R' refers to R
 *
 * Returns false when the search failed: then nothing is released. */
static bool keep_referenced(struct enc *enc, bool *kept)
{
	struct hits h = { .enc = enc };
	uint64_t low = UINT64_MAX, high = 0;
	bool changed = true;

	for (size_t i = 0; i < enc->nregions; i++) {
		const struct gen_region *r = &enc->regions[i];

		if (r->released || kept[i])
			continue;
		low = r->r.base < low ? r->r.base : low;
		high = r->r.base + r->r.size > high ? r->r.base + r->r.size : high;
	}
	if (low >= high)
		return true;
	if (refs_scan(enc->dbg, low, high, hit_add, &h) < 0 || h.oom) {
		free(h.v);
		return false;
	}
	while (changed) {
		changed = false;
		for (size_t k = 0; k < h.n; k++) {
			const struct hit *x = &h.v[k];
			char *why = NULL;

			if (kept[x->to] || (x->from >= 0 && !kept[x->from]))
				continue;
			if (x->where && asprintf(&why, "%s at 0x%" PRIx64 " points into it", x->what, x->where) < 0)
				why = NULL;
			else if (!x->where && asprintf(&why, "%s points into it", x->what) < 0)
				why = NULL;
			keep(enc, kept, (size_t)x->to, why);
			changed = true;
		}
		for (size_t i = 0; i < enc->nregions; i++) {
			const struct gen_region *r = &enc->regions[i];

			if (r->released || !kept[i])
				continue;
			for (size_t k = 0; k < r->r.nrefs; k++) {
				long to = region_at(enc, r->r.refs[k]);
				char *why = NULL;

				if (to < 0 || kept[to])
					continue;
				if (asprintf(&why, "upd%03u's code (kept) refers to it", r->gen) < 0)
					why = NULL;
				keep(enc, kept, (size_t)to, why);
				changed = true;
			}
		}
	}
	free(h.v);
	return true;
}

size_t enc_release(struct enc *enc)
{
	uint64_t *pcs;
	size_t npcs, released = 0;
	bool *kept;

	if (dbg_state(enc->dbg) != DBG_STOPPED)
		return 0;
	if (!pcs_wanted(enc))
		return 0;
	kept = calloc(enc->nregions, sizeof(*kept));
	if (!kept)
		return 0;
	pcs = all_pcs(enc, &npcs);
	/* Regions in use stay: the live generations, those a frame runs. */
	for (size_t i = 0; i < enc->nregions; i++) {
		struct gen_region *r = &enc->regions[i];

		kept[i] = !r->obsolete;
		for (size_t k = 0; k < npcs && !kept[i]; k++)
			if (pcs[k] >= r->r.base && pcs[k] < r->r.base + r->r.size)
				keep(enc, kept, i, strdup("a frame runs it"));
	}
	free(pcs);
	if (!keep_referenced(enc, kept)) {
		free(kept);
		return 0;
	}
	for (size_t i = 0; i < enc->nregions; i++) {
		struct gen_region *r = &enc->regions[i];

		if (r->released || kept[i])
			continue;
		forget_region(enc, r);
		load_undo(enc->dbg, &r->r);
		dbg_remove_code(enc->dbg, r->object);
		r->released = true;
		free(r->kept);
		r->kept = NULL;
		released++;
	}
	free(kept);
	if (released)
		dbg_break_refresh(enc->dbg);
	return released;
}

int enc_revert(struct enc *enc, char **errmsg)
{
	struct undo_log log = { 0 };
	unsigned gen = enc->gen + 1;
	char **restored = NULL, **old_frames = NULL, name[16];
	size_t nrestored = 0, nold = 0, released, kept = 0;
	int err = 0;

	if (dbg_state(enc->dbg) != DBG_STOPPED)
		return enc_fail(errmsg, -EBUSY, "revert: the program is not stopped");
	if (enc->gen == 0 || enc->reverted)
		return enc_fail(errmsg, -ENOENT, "revert: nothing to revert: the program runs its own code");
	/* 1. The image's entries get their bytes back; every generation's
	 *    copy jumps to the image's code. Logged: a failure puts it all back. */
	for (size_t i = 0; i < enc->nfuncs; i++) {
		struct patched *p = &enc->funcs[i];

		if (!p->in_image)
			continue;
		/* The short jump first: then nothing can reach the far one. */
		for (size_t k = p->norig; k-- > 0;)
			if ((err = enc_code_write(enc, &log, p->orig[k].addr, p->orig[k].bytes, p->orig[k].len)) < 0) {
				enc_fail(errmsg, err, "revert: cannot write %s()'s entry back", p->name);
				goto undo;
			}
		for (size_t c = 1; c < p->ncopies; c++)
			if (p->copies[c].entry != p->copies[0].entry &&
			    (err = enc_redirect(enc, &log, p->copies[c].entry, p->copies[0].entry, errmsg)) < 0)
				goto undo;
	}
	/* 2. The revert is a generation: the image's copy is the newest. */
	dbg_code_replaced_clear(enc->dbg);
	for (size_t i = 0; i < enc->nfuncs; i++) {
		struct patched *p = &enc->funcs[i];
		const struct fcopy *img = &p->copies[0];

		for (size_t c = 0; c < p->ncopies; c++)
			if (!p->in_image || p->copies[c].entry != img->entry)
				dbg_code_replaced(enc->dbg, p->copies[c].entry, p->copies[c].entry + p->copies[c].size, gen);
		if (p->in_image) {
			enc_copy_add(p, img->entry, img->size, gen, img->object);
			restored = realloc(restored, (nrestored + 2) * sizeof(*restored));
			if (restored && (restored[nrestored] = strdup(p->name)))
				restored[++nrestored] = NULL;
		}
	}
	for (size_t i = 0; i < enc->nobjs; i++)
		if (enc->objs[i].built) {
			free(enc->objs[i].object);
			enc->objs[i].object = strdup(enc->objs[i].built);
			enc->objs[i].gen = 0;
			types_free(enc->objs[i].types, enc->objs[i].ntypes);
			enc->objs[i].types = NULL;
			enc->objs[i].ntypes = 0;
		}
	for (size_t i = 0; i < enc->nregions; i++)
		enc->regions[i].obsolete = true;
	enc->gen = gen;
	enc->reverted = true;
	enc->moved_tid = 0;
	/* 3. The frames follow back; memory no frame runs is given back. */
	follow_threads(enc);
	old_frames = follow_stale_frames(enc, &nold);
	released = enc_release(enc);
	dbg_break_refresh(enc->dbg);
	for (size_t i = 0; i < enc->nregions; i++)
		kept += !enc->regions[i].released;
	snprintf(name, sizeof(name), "upd%03u", gen);
	bus_emit_enc_reverted(enc->bus, &(struct ev_enc_reverted){
		.generation = gen, .name = name, .restored = (const char *const *)restored,
		.old_frames = (const char *const *)old_frames, .released = (int64_t)released,
		.kept = (int64_t)kept });
	goto out;
undo:
	enc_undo(enc, &log);
out:
	free(log.v);
	for (size_t i = 0; i < nrestored; i++)
		free(restored[i]);
	free(restored);
	for (size_t i = 0; i < nold; i++)
		free(old_frames[i]);
	free(old_frames);
	return err;
}
