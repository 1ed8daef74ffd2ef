/* After an apply, the frames follow the code: for every thread, each frame
 * that runs a copy of a function a later generation replaced ("stale" code)
 * either moves to the newest code now or waits to move.
 *
 *   thread T:  #0 work()   stale, top      -> frame_move now: to a statement
 *                                             (never into a call), then the
 *                                             new code at the matching line
 *              #1 loop()   stale, caller   -> superseded <updN>: a watch at
 *              #2 main()                      its return address (T only,
 *                                             stack above #0's CFA); when #0
 *                                             returns, #1 is the top frame:
 *                                             it moves then (upgrade)
 *
 * The callers' watches are planted before the top frame is touched, so a
 * top frame that returns while it is stepped to a statement hands over to
 * its caller at once (its watch is taken back and the caller moves). A
 * frame waits at most for one watch: a later apply leaves it, and the move
 * always goes to the newest copy, with the line map from the generation the
 * frame runs to the newest one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/bus.h"
#include "debugger/debugger.h"
#include "enc/enc-int.h"

/* A superseded frame waiting for its callee to return. */
struct upgrade {
	struct enc *enc;   /* the engine */
	pid_t tid;         /* its thread */
	uint64_t cfa;      /* the frame (its canonical frame address) */
	uint64_t addr;     /* the return address watched */
	uint64_t sp;       /* the stack there once the callee returned */
	int id;            /* the debugger's watch */
};

const struct fcopy *follow_copy_at(struct enc *enc, uint64_t pc, struct patched **out)
{
	for (size_t i = 0; i < enc->nfuncs; i++)
		for (size_t c = 0; c < enc->funcs[i].ncopies; c++) {
			const struct fcopy *k = &enc->funcs[i].copies[c];

			if (pc >= k->entry && pc < k->entry + k->size) {
				*out = &enc->funcs[i];
				return k;
			}
		}
	return NULL;
}

/* The copy holding pc when a later one replaced it, else NULL. */
static const struct fcopy *stale_at(struct enc *enc, uint64_t pc, struct patched **p)
{
	const struct fcopy *c = follow_copy_at(enc, pc, p);

	return c && c != &(*p)->copies[(*p)->ncopies - 1] ? c : NULL;
}

/* The line map for frame_move: generation from's lines to generation to's. */
struct map_arg {
	struct enc *enc;   /* the engine (its lines) */
	const char *file;  /* the function's source file */
	unsigned from, to; /* generations */
};

static size_t map_line(void *arg, int line)
{
	struct map_arg *m = arg;

	if (!m->enc->lines.map || !m->file)
		return (size_t)line;
	return m->enc->lines.map(m->enc->lines.arg, m->file, m->from, m->to, line);
}

/* True when map_line's map is a diff's guess (FRAME_REMAPPED says so). */
static bool map_guess(const struct map_arg *m)
{
	return m->enc->lines.guess && m->file && m->enc->lines.guess(m->enc->lines.arg, m->file, m->from, m->to);
}

static void waiting_remove(struct enc *enc, struct upgrade *u)
{
	for (size_t i = 0; i < enc->nwaiting; i++)
		if (enc->waiting[i] == u) {
			enc->waiting[i] = enc->waiting[--enc->nwaiting];
			return;
		}
}

static struct upgrade *waiting_find(struct enc *enc, pid_t tid, uint64_t cfa)
{
	for (size_t i = 0; i < enc->nwaiting; i++)
		if (enc->waiting[i]->tid == tid && enc->waiting[i]->cfa == cfa)
			return enc->waiting[i];
	return NULL;
}

/* The process ended with the frame still waiting. */
static void upgrade_free(void *arg)
{
	struct upgrade *u = arg;

	waiting_remove(u->enc, u);
	free(u);
}

static void move_top(struct enc *enc, pid_t tid);

/* The callee returned: the frame is the top one again, in its old code. */
static bool upgrade_now(struct dbg *dbg, pid_t tid, void *arg)
{
	struct upgrade *u = arg;
	struct enc *enc = u->enc;

	waiting_remove(enc, u);
	free(u);
	move_top(enc, tid);
	enc_release(enc); /* (after a revert: the last frame may have left) */
	return false;
}

/* Says the frame stays (for now) in its old code, and why. */
static void superseded(struct enc *enc, const struct patched *p, pid_t tid, uint64_t cfa, const char *reason)
{
	unsigned gen = p->copies[p->ncopies - 1].gen;

	if (enc->collect) {
		char **v = realloc(enc->stale, (enc->nstale + 2) * sizeof(*v));

		if (v) {
			enc->stale = v;
			if ((v[enc->nstale] = strdup(p->name)))
				enc->nstale++;
			v[enc->nstale] = NULL;
		}
	}

	dbg_frame_note(enc->dbg, tid, cfa, reason);
	bus_emit_frame_superseded(enc->bus, &(struct ev_frame_superseded){
		.function = p->name, .tid = tid, .generation = gen, .reason = reason });
}

/* Plants the watch that moves the frame (tid, cfa) when the call it waits
 * for returns to addr with the stack at sp. */
static void wait_for_return(struct enc *enc, const struct patched *p, pid_t tid, uint64_t cfa, uint64_t addr,
			    uint64_t sp)
{
	struct upgrade *u, **v;

	if (waiting_find(enc, tid, cfa)) {
		/* Waiting since an earlier apply: it will move to the newest code. */
		superseded(enc, p, tid, cfa, "it is waiting for a call to return; it moves to the new code then");
		return;
	}
	u = calloc(1, sizeof(*u));
	v = realloc(enc->waiting, (enc->nwaiting + 1) * sizeof(*v));
	if (v)
		enc->waiting = v;
	if (!u || !v) {
		free(u);
		superseded(enc, p, tid, cfa, "out of memory: it stays in its old code until it returns");
		return;
	}
	*u = (struct upgrade){ .enc = enc, .tid = tid, .cfa = cfa, .addr = addr, .sp = sp };
	u->id = dbg_on_return(enc->dbg, tid, addr, sp, upgrade_now, upgrade_free, u);
	if (!u->id) {
		free(u);
		superseded(enc, p, tid, cfa, "no breakpoint could be planted at its return address: it stays in "
			   "its old code until it returns");
		return;
	}
	enc->waiting[enc->nwaiting++] = u;
	superseded(enc, p, tid, cfa, "it is waiting for a call to return; it moves to the new code then");
}

/* The stopped current thread's top frame, when it runs stale code: to the
 * newest code, or waiting for the call it is about to make. */
static void move_top(struct enc *enc, pid_t tid)
{
	/* A frame that returns while it is stepped hands over to its caller. */
	for (int round = 0; round < 64; round++) {
		struct dbg_frame *top = NULL;
		struct frame_result res = { 0 };
		struct map_arg ma = { .enc = enc };
		struct frame_job job;
		const struct fcopy *c, *newest;
		struct patched *p;
		struct upgrade *u;
		uint64_t pc, sp, cfa;
		const char *fn;
		int line;

		if (dbg_reg_get(enc->dbg, 16, &pc) < 0 || dbg_reg_get(enc->dbg, 7, &sp) < 0)
			return;
		/* The caller the thread is back in may have been waiting. */
		for (size_t i = 0; i < enc->nwaiting; i++) {
			u = enc->waiting[i];
			if (u->tid == tid && u->addr == pc && u->sp <= sp) {
				dbg_on_return_cancel(enc->dbg, u->id);
				waiting_remove(enc, u);
				free(u);
				break;
			}
		}
		if (!(c = stale_at(enc, pc, &p)))
			return;
		newest = &p->copies[p->ncopies - 1];
		if (dbg_unwind_thread(enc->dbg, tid, 1, &top) < 1) {
			free(top);
			return;
		}
		cfa = top->cfa;
		free(top);
		dbg_pc_line(enc->dbg, pc, &ma.file, &line, &fn);
		ma.from = c->gen;
		ma.to = newest->gen;
		job = (struct frame_job){ .func = p->name, .old_obj = c->object, .old_entry = c->entry,
					  .old_size = c->size, .new_obj = newest->object, .new_entry = newest->entry,
					  .map = map_line, .arg = &ma };
		frame_move(enc->dbg, &job, &res);
		switch (res.outcome) {
		case FRAME_MOVED:
			dbg_frame_note(enc->dbg, tid, cfa, NULL);
			if (res.moved)
				enc->moved_tid = tid;
			bus_emit_frame_remapped(enc->bus, &(struct ev_frame_remapped){
				.function = p->name, .tid = tid, .old_line = res.old_line, .new_line = res.new_line,
				.moved = res.moved, .generation = newest->gen, .guess = map_guess(&ma) });
			break;
		case FRAME_AT_ENTRY: {
			/* Nothing of the frame exists yet: it starts in the new code. */
			int old_line = line, new_line = 0;

			dbg_reg_set(enc->dbg, 16, newest->entry);
			dbg_pc_line(enc->dbg, newest->entry, &ma.file, &new_line, &fn);
			bus_emit_frame_remapped(enc->bus, &(struct ev_frame_remapped){
				.function = p->name, .tid = tid, .old_line = old_line, .new_line = new_line,
				.moved = false, .generation = newest->gen });
			break;
		}
		case FRAME_WAITS:
			wait_for_return(enc, p, tid, cfa, res.wait_pc, res.wait_sp);
			break;
		case FRAME_LEFT:
			free(res.reason);
			continue;
		case FRAME_STAYS:
			superseded(enc, p, tid, cfa, res.reason ? res.reason : "it cannot be moved");
			break;
		}
		free(res.reason);
		return;
	}
}

void follow_threads(struct enc *enc)
{
	pid_t *threads;
	ssize_t nt = dbg_thread_ids(enc->dbg, &threads);
	pid_t cur = dbg_current_thread(enc->dbg);

	for (size_t i = 0; i < enc->nstale; i++)
		free(enc->stale[i]);
	free(enc->stale);
	enc->stale = NULL;
	enc->nstale = 0;
	enc->collect = true;

	for (ssize_t t = 0; t < nt; t++) {
		struct dbg_frame *frames;
		ssize_t n;

		if (dbg_select_thread(enc->dbg, threads[t], NULL) < 0)
			continue;
		/* Only PCs and CFAs: which frames run replaced code is a
		 * question of addresses (lines would read glibc's table). */
		n = dbg_unwind_thread(enc->dbg, threads[t], 100000, &frames);
		/* The callers first, outermost first: each waits for its callee. */
		for (ssize_t f = n - 1; f >= 1; f--) {
			struct patched *p;

			if (stale_at(enc, frames[f].pc - 1, &p))
				wait_for_return(enc, p, threads[t], frames[f].cfa, frames[f].pc, frames[f - 1].cfa);
		}
		free(frames);
		move_top(enc, threads[t]);
	}
	free(threads);
	enc->collect = false;
	if (cur > 0)
		dbg_select_thread(enc->dbg, cur, NULL);
}

char **follow_stale_frames(struct enc *enc, size_t *n)
{
	char **v = enc->stale;

	*n = enc->nstale;
	enc->stale = NULL;
	enc->nstale = 0;
	return v;
}

void follow_cancel(struct enc *enc)
{
	while (enc->nwaiting > 0) {
		struct upgrade *u = enc->waiting[--enc->nwaiting];

		if (dbg_pid(enc->dbg) > 0)
			dbg_on_return_cancel(enc->dbg, u->id);
		free(u);
	}
}

int follow_clear_range(struct enc *enc, uint64_t low, uint64_t high)
{
	struct dbg_thread_info *threads;
	ssize_t nt = dbg_threads(enc->dbg, &threads);
	pid_t cur = dbg_current_thread(enc->dbg);
	int err = 0;

	for (ssize_t t = 0; t < nt && err == 0; t++) {
		uint64_t pc = threads[t].pc;

		/* A thread at low itself runs what is written there: fine. */
		if (pc <= low || pc >= high)
			continue;
		if ((err = dbg_select_thread(enc->dbg, threads[t].tid, NULL)) < 0)
			break;
		for (int k = 0; k < 16 && pc > low && pc < high && err == 0; k++)
			if ((err = dbg_step_insn_now(enc->dbg)) == 0)
				err = dbg_reg_get(enc->dbg, 16, &pc);
		if (err == 0 && pc > low && pc < high)
			err = -EBUSY;
	}
	free(threads);
	if (cur > 0)
		dbg_select_thread(enc->dbg, cur, NULL);
	return err;
}
