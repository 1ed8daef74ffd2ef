/* Breakpoints: user ones (by file:line, function or address, with
 * conditions, ignore counts, temporary) and internal ones (stepping, EnC),
 * planted as int3 bytes. A breakpoint is kept as its location text and is
 * resolved again for each run of the program, so it survives re-runs.
 *
 * Stepping over a breakpoint's own instruction: with every thread stopped
 * (all-stop), the byte is restored, the one thread single-steps, the int3
 * goes back, and only then does anything resume, so no other thread can run
 * through the hole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/dbg-int.h"

static const uint8_t INT3 = 0xcc;

struct dbg_bp *dbg_break_at(struct dbg *dbg, uint64_t addr)
{
	for (size_t i = 0; i < dbg->nbps; i++) {
		struct dbg_bp *bp = dbg->bps[i];

		for (size_t j = 0; j < bp->nsites; j++)
			if (bp->sites[j].addr == addr && bp->sites[j].inserted && !bp->deleted)
				return bp;
	}
	return NULL;
}

/* The inserted site at addr (any breakpoint), to share one int3. */
static struct dbg_site *site_at(struct dbg *dbg, uint64_t addr, struct dbg_site *except)
{
	for (size_t i = 0; i < dbg->nbps; i++)
		for (size_t j = 0; j < dbg->bps[i]->nsites; j++) {
			struct dbg_site *s = &dbg->bps[i]->sites[j];

			if (s != except && s->addr == addr && s->inserted)
				return s;
		}
	return NULL;
}

void dbg_break_unpatch(struct dbg *dbg, uint64_t addr, void *buf, size_t len)
{
	for (size_t i = 0; i < dbg->nbps; i++)
		for (size_t j = 0; j < dbg->bps[i]->nsites; j++) {
			struct dbg_site *s = &dbg->bps[i]->sites[j];

			if (s->inserted && s->addr >= addr && s->addr < addr + len)
				((uint8_t *)buf)[s->addr - addr] = s->saved;
		}
}

int dbg_read_code(struct dbg *dbg, uint64_t addr, void *buf, size_t len)
{
	int err = dbg_read(dbg, addr, buf, len);

	if (err == 0)
		dbg_break_unpatch(dbg, addr, buf, len);
	return err;
}

int dbg_write_code(struct dbg *dbg, uint64_t addr, const void *buf, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int err;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	for (size_t i = 0; i < dbg->nbps; i++)
		for (size_t j = 0; j < dbg->bps[i]->nsites; j++) {
			struct dbg_site *s = &dbg->bps[i]->sites[j];

			if (s->inserted && s->addr >= addr && s->addr < addr + len) {
				s->saved = ((const uint8_t *)buf)[s->addr - addr];
				copy[s->addr - addr] = INT3;
			}
		}
	err = dbg_write(dbg, addr, copy, len);
	free(copy);
	return err;
}

static int site_insert(struct dbg *dbg, struct dbg_site *s)
{
	struct dbg_site *other = site_at(dbg, s->addr, s);
	int err;

	if (s->inserted)
		return 0;
	if (other) {
		s->saved = other->saved; /* the int3 is there already */
		s->inserted = true;
		return 0;
	}
	err = dbg_read(dbg, s->addr, &s->saved, 1);
	if (err == 0)
		err = dbg_write(dbg, s->addr, &INT3, 1);
	if (err == 0)
		s->inserted = true;
	return err;
}

static void site_remove(struct dbg *dbg, struct dbg_site *s)
{
	if (!s->inserted)
		return;
	s->inserted = false;
	if (!site_at(dbg, s->addr, s) && dbg->pid > 0)
		dbg_write(dbg, s->addr, &s->saved, 1);
}

/* Where location is, in the running (or loaded) program: one or more
 * addresses, the file and line, and the line asked for when it moved. */
static int resolve(struct dbg *dbg, struct dbg_bp *bp, char **errmsg)
{
	const char *loc = bp->location, *colon = strrchr(loc, ':');
	uint64_t *addrs = NULL, low, high;
	ssize_t n = 0;
	int line = 0, asked = 0;
	const char *file = NULL;
	char *fname = NULL, *end;

	if (loc[0] == '*') {
		uint64_t a = strtoull(loc + 1, &end, 0);

		/* "*FUNCTION": its very first instruction (gdb's meaning). */
		if ((*end || end == loc + 1) && dbg_function_by_name(dbg, loc + 1, &low, &high)) {
			a = low;
			end = (char *)"";
		}
		if (*end || end == loc + 1)
			return dbg_fail(errmsg, -EINVAL, "'%s' is not an address or a function", loc + 1);
		addrs = malloc(sizeof(*addrs));
		if (!addrs)
			return -ENOMEM;
		addrs[0] = a;
		n = 1;
	} else if ((colon && (line = (int)strtol(colon + 1, &end, 10)) > 0 && !*end) ||
		   ((line = (int)strtol(loc, &end, 10)) > 0 && !*end)) {
		if (colon) {
			fname = strndup(loc, (size_t)(colon - loc));
		} else if (dbg->stop_file) {
			fname = strdup(dbg->stop_file);
		} else {
			/* A bare line: the file that defines main. */
			const char *fn;

			if (dbg_function_by_name(dbg, "main", &low, &high) &&
			    dbg_pc_line(dbg, low, &file, &asked, &fn) && file)
				fname = strdup(file);
		}
		if (!fname)
			return dbg_fail(errmsg, -ENOENT, "which file is line %d in? Say FILE:%d", line, line);
		if (!dbg_file_known(dbg, fname)) {
			int err = dbg_fail(errmsg, -ENOENT, "no source file named '%s' in the program", fname);

			free(fname);
			return err;
		}
		asked = line;
		for (; line < asked + 200; line++) {
			n = dbg_line_addresses(dbg, fname, line, &addrs, &file);
			if (n != 0)
				break;
		}
		if (n <= 0) {
			int err = dbg_fail(errmsg, -ENOENT, "no code at or after line %d of '%s'", asked, fname);

			free(fname);
			return err;
		}
		free(fname);
	} else {
		/* Every copy of the function (Edit and Continue's generations
		 * have theirs), each after its prologue. */
		n = dbg_function_addresses(dbg, loc, &addrs);
		if (n < 0)
			return -ENOMEM;
		if (n == 0)
			return dbg_fail(errmsg, -ENOENT, "no function '%s' in the program", loc);
		for (ssize_t i = 0; i < n; i++) {
			const char *fn;

			if (dbg_function_at(dbg, addrs[i], &fn, &low, &high))
				addrs[i] = dbg_after_prologue(dbg, low, high);
		}
	}
	free(bp->sites);
	bp->sites = calloc((size_t)n, sizeof(*bp->sites));
	if (!bp->sites) {
		free(addrs);
		return -ENOMEM;
	}
	for (ssize_t i = 0; i < n; i++)
		bp->sites[i].addr = addrs[i];
	bp->nsites = (size_t)n;
	free(addrs);
	/* What the user sees: where the first site that runs is (code an Edit
	 * and Continue generation replaced speaks its own generation's lines),
	 * at its line in the text as it is now. */
	{
		struct dbg_pcinfo w;
		size_t shown = 0;

		for (size_t i = 0; i < bp->nsites; i++) {
			dbg_pc_info(dbg, bp->sites[i].addr, &w);
			if (w.file && !w.superseded) {
				shown = i;
				break;
			}
		}
		dbg_pc_info(dbg, bp->sites[shown].addr, &w);
		free(bp->file);
		free(bp->function);
		bp->file = bp->function = NULL;
		if (w.file) {
			bp->file = strdup(w.file);
			bp->info.line = w.now_line ? w.now_line : w.code_line;
		}
		bp->function = w.function ? strdup(w.function) : NULL;
		bp->info.file = bp->file;
		bp->info.function = bp->function;
		bp->info.address = bp->sites[shown].addr;
		bp->info.nsites = bp->nsites;
	}
	if (bp->info.id > 0) {
		bp->found = true;
		bus_emit_breakpoint_set(dbg->bus, &(struct ev_breakpoint_set){
			.id = bp->info.id, .location = bp->location, .file = bp->file,
			.line = bp->info.line, .address = (int64_t)bp->info.address,
			.requested_line = asked });
		if (asked && asked != bp->info.line) {
			char text[256];

			snprintf(text, sizeof(text), "breakpoint %d: line %d has no code; set at line %d",
				 bp->info.id, asked, bp->info.line);
			bus_emit_message(dbg->bus, &(struct ev_message){ .level = "info", .text = text });
		}
	}
	return 0;
}

static struct dbg_bp *bp_new(struct dbg *dbg, const char *location)
{
	struct dbg_bp **v = realloc(dbg->bps, (dbg->nbps + 1) * sizeof(*v));
	struct dbg_bp *bp;

	if (!v)
		return NULL;
	dbg->bps = v;
	bp = calloc(1, sizeof(*bp));
	if (!bp || !(bp->location = strdup(location))) {
		free(bp);
		return NULL;
	}
	bp->info.location = bp->location;
	bp->info.enabled = true;
	v[dbg->nbps++] = bp;
	return bp;
}

static void bp_free(struct dbg_bp *bp)
{
	free(bp->location);
	free(bp->file);
	free(bp->function);
	free(bp->condition);
	free(bp->sites);
	free(bp);
}

/* Removes bp from the list and frees it (its int3s out first). */
static void bp_drop(struct dbg *dbg, struct dbg_bp *bp)
{
	for (size_t j = 0; j < bp->nsites; j++)
		site_remove(dbg, &bp->sites[j]);
	for (size_t i = 0; i < dbg->nbps; i++) {
		if (dbg->bps[i] == bp) {
			memmove(&dbg->bps[i], &dbg->bps[i + 1], (dbg->nbps - i - 1) * sizeof(*dbg->bps));
			dbg->nbps--;
			break;
		}
	}
	bp_free(bp);
}

/* Warns that breakpoint bp's location was not found (why), and when it
 * is pending, that a shared library may have it. */
static void not_found_say(struct dbg *dbg, const struct dbg_bp *bp, const char *why)
{
	char *text = NULL;

	if (asprintf(&text, "breakpoint %d (%s): %s%s", bp->info.id, bp->location, why && *why ? why : "not found",
		     bp->pending ? "; pending: set when a shared library that has it is loaded" : "") >= 0)
		bus_emit_message(dbg->bus, &(struct ev_message){ .level = "warning", .text = text });
	free(text);
}

int dbg_break(struct dbg *dbg, const char *location, bool temporary, int *id, char **errmsg)
{
	struct dbg_bp *bp;
	int err;

	bp = bp_new(dbg, location);
	if (!bp)
		return dbg_fail(errmsg, -ENOMEM, "out of memory");
	bp->info.id = dbg->next_bp_id;
	bp->info.temporary = temporary;
	if (!dbg->program) {
		/* Nothing built yet (a breakpoint set in the editor first, as in
		 * any IDE): kept as given, resolved when the program runs, where
		 * a location not found is a warning. */
		const char *colon = strrchr(location, ':');
		char *end;
		long line = colon ? strtol(colon + 1, &end, 10) : 0;

		if (colon && colon > location && line > 0 && !*end &&
		    (bp->file = strndup(location, (size_t)(colon - location)))) {
			bp->info.file = bp->file;
			bp->info.line = (int)line;
		}
		*id = dbg->next_bp_id++;
		return 0;
	}
	err = resolve(dbg, bp, errmsg);
	if (err == -ENOENT && dbg->pid <= 0 && dbg_program_own_libraries(dbg)) {
		/* Not in the program, which loads libraries of its own (a
		 * RUNPATH: a CMake build tree's): perhaps in one of them. */
		bp->pending = true;
		not_found_say(dbg, bp, errmsg ? *errmsg : NULL);
		if (errmsg) {
			free(*errmsg);
			*errmsg = NULL;
		}
		*id = dbg->next_bp_id++;
		return 0;
	}
	if (err < 0) {
		bp_drop(dbg, bp);
		return err;
	}
	dbg->next_bp_id++;
	if (dbg->pid > 0) {
		for (size_t j = 0; j < bp->nsites; j++)
			site_insert(dbg, &bp->sites[j]);
	} else {
		/* Before the run the addresses are the file's: resolved again
		 * when the program is loaded (a PIE moves). */
		bp->nsites = 0;
	}
	*id = bp->info.id;
	return 0;
}

static struct dbg_bp *bp_by_id(struct dbg *dbg, int id)
{
	for (size_t i = 0; i < dbg->nbps; i++)
		if (dbg->bps[i]->info.id == id && !dbg->bps[i]->deleted)
			return dbg->bps[i];
	return NULL;
}

int dbg_break_delete(struct dbg *dbg, int id, char **errmsg)
{
	struct dbg_bp *bp = bp_by_id(dbg, id);

	if (!bp)
		return dbg_fail(errmsg, -ENOENT, "no breakpoint %d", id);
	bp_drop(dbg, bp);
	return 0;
}

int dbg_break_move(struct dbg *dbg, int id, int line)
{
	struct dbg_bp *bp = bp_by_id(dbg, id);
	const char *colon = bp ? strrchr(bp->location, ':') : NULL;
	char *end, *loc;
	long was = colon ? strtol(colon + 1, &end, 10) : 0;

	if (!bp)
		return -ENOENT;
	if (!colon || colon == bp->location || was <= 0 || *end || line <= 0)
		return -EINVAL;
	if (asprintf(&loc, "%.*s:%d", (int)(colon - bp->location), bp->location, line) < 0)
		return -ENOMEM;
	if (bp->info.line > 0)
		bp->info.line += line - (int)was;
	free(bp->location);
	bp->location = loc;
	bp->info.location = loc;
	return 0;
}

int dbg_break_enable(struct dbg *dbg, int id, bool enable, char **errmsg)
{
	struct dbg_bp *bp = bp_by_id(dbg, id);

	if (!bp)
		return dbg_fail(errmsg, -ENOENT, "no breakpoint %d", id);
	bp->info.enabled = enable;
	for (size_t j = 0; j < bp->nsites && dbg->pid > 0; j++) {
		if (enable)
			site_insert(dbg, &bp->sites[j]);
		else
			site_remove(dbg, &bp->sites[j]);
	}
	return 0;
}

int dbg_break_condition(struct dbg *dbg, int id, const char *cond, char **errmsg)
{
	struct dbg_bp *bp = bp_by_id(dbg, id);
	char *copy = NULL;

	if (!bp)
		return dbg_fail(errmsg, -ENOENT, "no breakpoint %d", id);
	if (cond && !(copy = strdup(cond)))
		return dbg_fail(errmsg, -ENOMEM, "out of memory");
	free(bp->condition);
	bp->condition = copy;
	bp->info.condition = copy;
	return 0;
}

int dbg_break_ignore(struct dbg *dbg, int id, unsigned count, char **errmsg)
{
	struct dbg_bp *bp = bp_by_id(dbg, id);

	if (!bp)
		return dbg_fail(errmsg, -ENOENT, "no breakpoint %d", id);
	bp->info.ignore = count;
	return 0;
}

size_t dbg_break_list(struct dbg *dbg, const struct dbg_bp_info **out)
{
	static struct dbg_bp_info *list; /* rebuilt on each call */
	size_t n = 0;

	free(list);
	list = calloc(dbg->nbps ? dbg->nbps : 1, sizeof(*list));
	if (!list) {
		*out = NULL;
		return 0;
	}
	for (size_t i = 0; i < dbg->nbps; i++)
		if (dbg->bps[i]->info.id > 0 && !dbg->bps[i]->deleted)
			list[n++] = dbg->bps[i]->info;
	*out = list;
	return n;
}

void dbg_set_condition_evaluator(struct dbg *dbg, dbg_cond_fn *fn, void *arg)
{
	dbg->cond_fn = fn;
	dbg->cond_arg = arg;
}

/* Whether the shared-library event breakpoint is planted. */
static bool has_solib(struct dbg *dbg)
{
	for (size_t i = 0; i < dbg->nbps; i++)
		if (dbg->bps[i]->solib && !dbg->bps[i]->deleted)
			return true;
	return false;
}

/* Libraries were mapped: the pending breakpoints that are in them now are
 * set (quietly, as gdb does; the breakpoint event says where). */
static void pending_resolve(struct dbg *dbg)
{
	for (size_t i = 0; i < dbg->nbps; i++) {
		struct dbg_bp *bp = dbg->bps[i];

		if (bp->info.id <= 0 || bp->deleted || !bp->pending || resolve(dbg, bp, NULL) < 0)
			continue;
		bp->pending = false;
		for (size_t j = 0; bp->info.enabled && j < bp->nsites; j++)
			site_insert(dbg, &bp->sites[j]);
	}
}

bool dbg_break_solib(struct dbg *dbg)
{
	uint64_t addr;
	struct dbg_bp *bp;

	if (dbg_lookup_symbol(dbg, "_dl_debug_state", NULL, &addr, NULL) < 0 || !(bp = bp_new(dbg, "*_dl_debug_state")))
		return false;
	bp->info.id = dbg->next_internal_id--;
	bp->solib = true;
	if (!(bp->sites = calloc(1, sizeof(*bp->sites)))) {
		bp_drop(dbg, bp);
		return false;
	}
	bp->sites[0].addr = addr;
	bp->nsites = 1;
	if (dbg->pid > 0)
		site_insert(dbg, &bp->sites[0]);
	return true;
}

void dbg_break_insert_all(struct dbg *dbg)
{
	for (size_t i = 0; i < dbg->nbps; i++) {
		struct dbg_bp *bp = dbg->bps[i];

		if (bp->info.id > 0 && (bp->nsites == 0 || !bp->sites[0].inserted)) {
			char *err = NULL;

			if (resolve(dbg, bp, &err) < 0) {
				/* Perhaps in a shared library not mapped yet: quietly so
				 * when it was found in one in an earlier run, or the user
				 * was told it is pending. */
				bool waits = dbg->pid > 0 && has_solib(dbg), quiet = waits && (bp->pending || bp->found);

				bp->pending = waits;
				bp->nsites = 0; /* the last run's addresses */
				if (!quiet)
					not_found_say(dbg, bp, err);
				free(err);
				continue;
			}
			bp->pending = false;
		}
		if (!bp->info.enabled)
			continue;
		for (size_t j = 0; j < bp->nsites; j++)
			site_insert(dbg, &bp->sites[j]);
	}
}

void dbg_break_remove_all(struct dbg *dbg)
{
	for (size_t i = 0; i < dbg->nbps; i++)
		for (size_t j = 0; j < dbg->bps[i]->nsites; j++)
			site_remove(dbg, &dbg->bps[i]->sites[j]);
}

/* A FILE:LINE (or LINE) breakpoint keeps its statement when lines move:
 * its location becomes the line its code is at in the text now (the line
 * translator's), before its sites are resolved again. */
static void bp_follow_lines(struct dbg *dbg, struct dbg_bp *bp)
{
	const char *colon = strrchr(bp->location, ':'), *num = colon ? colon + 1 : bp->location;
	struct dbg_pcinfo w;
	char *end, *loc = NULL;
	long line = strtol(num, &end, 10);

	if (bp->info.id <= 0 || bp->nsites == 0 || bp->location[0] == '*' || *end || line <= 0)
		return;
	dbg_pc_info(dbg, bp->sites[0].addr, &w);
	if (w.now_line <= 0 || w.now_line == line || !w.file)
		return;
	if (asprintf(&loc, "%.*s:%d", colon ? (int)(colon - bp->location) : (int)strlen(w.file),
		     colon ? bp->location : w.file, w.now_line) < 0)
		return;
	free(bp->location);
	bp->location = loc;
	bp->info.location = loc;
}

void dbg_break_process_gone(struct dbg *dbg)
{
	/* Frames waiting for a return are gone with their process. */
	for (size_t i = 0; i < dbg->nrwatch; i++)
		if (dbg->rwatch[i].free_fn)
			dbg->rwatch[i].free_fn(dbg->rwatch[i].arg);
	free(dbg->rwatch);
	dbg->rwatch = NULL;
	dbg->nrwatch = 0;
	/* Internal breakpoints die with the process; user ones wait for the
	 * next run, their sites to be resolved again. */
	for (size_t i = dbg->nbps; i-- > 0;) {
		struct dbg_bp *bp = dbg->bps[i];

		if (bp->info.id < 0) {
			bp->nsites = 0;
			bp_drop(dbg, bp);
			continue;
		}
		bp_follow_lines(dbg, bp);
		free(bp->sites);
		bp->sites = NULL;
		bp->nsites = 0;
	}
}

/* The hit function of return watches: only a mark (fire_watches runs them). */
static bool return_hit(struct dbg *dbg, struct dbg_bp *bp, struct dbg_thread *t)
{
	return false;
}

int dbg_break_internal(struct dbg *dbg, uint64_t addr, uint64_t frame_sp, dbg_bp_hit_fn *hit)
{
	char loc[32];
	struct dbg_bp *bp;

	snprintf(loc, sizeof(loc), "*0x%llx", (unsigned long long)addr);
	bp = bp_new(dbg, loc);
	if (!bp)
		return 0;
	bp->info.id = dbg->next_internal_id--;
	bp->info.temporary = hit == NULL; /* no action: a one-shot stop */
	bp->hit = hit;
	bp->frame_sp = frame_sp;
	bp->sites = calloc(1, sizeof(*bp->sites));
	if (!bp->sites) {
		bp_drop(dbg, bp);
		return 0;
	}
	bp->sites[0].addr = addr;
	bp->nsites = 1;
	if (dbg->pid > 0)
		site_insert(dbg, &bp->sites[0]);
	return bp->info.id;
}

const struct dbg_bp_info *dbg_break_internal_info(struct dbg *dbg, int id)
{
	struct dbg_bp *bp = id < 0 ? bp_by_id(dbg, id) : NULL;

	if (bp && bp->nsites)
		bp->info.address = bp->sites[0].addr;
	return bp ? &bp->info : NULL;
}

void dbg_break_internal_delete(struct dbg *dbg, int id)
{
	struct dbg_bp *bp = bp_by_id(dbg, id);

	if (bp && id < 0)
		bp_drop(dbg, bp);
}

/* Runs the return watches at t's PC that are for t's frame (its thread,
 * its stack depth); *stop gets whether one asked to stop. True when one ran. */
static bool fire_watches(struct dbg *dbg, struct dbg_thread *t, bool *stop)
{
	uint64_t pc = t->regs.rip;
	bool ran = false;

	*stop = false;
	for (size_t i = 0; i < dbg->nbps; i++) {
		struct dbg_bp *b = dbg->bps[i];
		struct dbg_return_watch w = { 0 };
		enum dbg_state was = dbg->state;
		bool here = false;

		for (size_t j = 0; j < b->nsites; j++)
			here |= b->sites[j].addr == pc && b->sites[j].inserted;
		if (!here || b->deleted || b->info.id >= 0 || !b->hit || (b->tid && b->tid != t->tid) ||
		    (b->frame_sp && t->regs.rsp < b->frame_sp))
			continue;
		for (size_t k = 0; k < dbg->nrwatch; k++)
			if (dbg->rwatch[k].id == b->info.id) {
				w = dbg->rwatch[k];
				dbg->rwatch[k] = dbg->rwatch[--dbg->nrwatch];
				break;
			}
		bp_drop(dbg, b); /* once: the int3 goes, the PC is at the real instruction */
		ran = true;
		if (w.fn) {
			dbg->state = DBG_STOPPED; /* the callback reads and moves the stopped thread */
			dbg->current = t->tid;
			dbg->frame = 0;
			*stop |= w.fn(dbg, t->tid, w.arg);
			if (dbg->pid > 0 && dbg->state == DBG_STOPPED)
				dbg->state = was;
			if (dbg->pid <= 0)
				return true;
		}
		dbg_regs(dbg, t);
		return true; /* one frame returns at a time */
	}
	return ran;
}

bool dbg_break_watch_fire(struct dbg *dbg, struct dbg_thread *t)
{
	bool stop;

	return dbg_regs(dbg, t) == 0 && fire_watches(dbg, t, &stop);
}

bool dbg_break_hit(struct dbg *dbg, struct dbg_thread *t, struct dbg_bp *bp)
{
	uint64_t pc = t->regs.rip;
	bool stop = false;

	/* A return watch first (it may move the thread to new code); what else
	 * is planted here still decides whether the program stops. */
	fire_watches(dbg, t, &stop);
	if (dbg->pid <= 0)
		return true;
	/* Several breakpoints may share the address: any that stops, stops. */
	for (size_t i = 0; i < dbg->nbps; i++) {
		struct dbg_bp *b = dbg->bps[i];
		bool here = false;

		for (size_t j = 0; j < b->nsites; j++)
			here |= b->sites[j].addr == pc && b->sites[j].inserted;
		if (!here || b->deleted || !b->info.enabled)
			continue;
		if (b->solib) {
			/* Libraries mapped or unmapped: read them, set what waited. */
			dbg_symbols_update(dbg);
			pending_resolve(dbg);
			continue;
		}
		if (b->info.id < 0) {
			/* Internal: only in the frame (and thread) it was meant for. */
			if (b->hit || (b->frame_sp && t->regs.rsp < b->frame_sp) || (b->tid && b->tid != t->tid))
				continue;
			if (!dbg->step.active) {
				/* A one-shot stop (run to main): gone once hit. */
				b->deleted = true;
				bp_drop(dbg, b);
				return true;
			}
			return true;
		}
		if (b->info.ignore > 0) {
			b->info.ignore--;
			b->info.hits++;
			continue;
		}
		if (b->condition && dbg->cond_fn) {
			char *err = NULL;
			int r;

			dbg->state = DBG_STOPPED; /* the evaluator reads the stopped thread */
			dbg->current = t->tid;
			dbg->frame = 0;
			r = dbg->cond_fn(dbg, b->condition, dbg->cond_arg, &err);
			dbg->state = DBG_RUNNING;
			if (r < 0) {
				char text[512];

				snprintf(text, sizeof(text), "breakpoint %d: cannot evaluate '%s': %s",
					 b->info.id, b->condition, err ? err : "error");
				bus_emit_message(dbg->bus, &(struct ev_message){ .level = "error", .text = text });
			}
			free(err);
			if (r == 0)
				continue;
		}
		b->info.hits++;
		(void)bp;
		return true;
	}
	return stop;
}

int dbg_break_step_over(struct dbg *dbg, struct dbg_thread *t)
{
	struct dbg_site *s;
	uint8_t saved;
	int err;

	if (dbg_regs(dbg, t) < 0 || !(s = site_at(dbg, t->regs.rip, NULL)))
		return 0;
	saved = s->saved;
	err = dbg_write(dbg, s->addr, &saved, 1);
	if (err < 0)
		return err;
	err = dbg_singlestep(dbg, t);
	if (dbg->pid > 0)
		dbg_write(dbg, s->addr, &INT3, 1);
	return err;
}

void dbg_break_refresh(struct dbg *dbg)
{
	for (size_t i = 0; i < dbg->nbps; i++) {
		struct dbg_bp *bp = dbg->bps[i];

		if (bp->info.id <= 0)
			continue;
		bp_follow_lines(dbg, bp);
		for (size_t j = 0; j < bp->nsites; j++)
			site_remove(dbg, &bp->sites[j]);
		free(bp->sites);
		bp->sites = NULL;
		bp->nsites = 0;
	}
	dbg_break_insert_all(dbg);
}

int dbg_on_return(struct dbg *dbg, pid_t tid, uint64_t addr, uint64_t frame_sp, dbg_return_fn *fn,
		  void (*free_fn)(void *arg), void *arg)
{
	struct dbg_return_watch *v = realloc(dbg->rwatch, (dbg->nrwatch + 1) * sizeof(*v));
	struct dbg_bp *bp;
	int id;

	if (!v)
		return 0;
	dbg->rwatch = v;
	/* A hit callback marks it a watch; fire_watches calls fn. */
	id = dbg_break_internal(dbg, addr, frame_sp, return_hit);
	if (!id)
		return 0;
	bp = bp_by_id(dbg, id);
	if (bp)
		bp->tid = tid;
	v[dbg->nrwatch++] = (struct dbg_return_watch){ id, fn, free_fn, arg };
	return id;
}

void dbg_on_return_cancel(struct dbg *dbg, int id)
{
	for (size_t k = 0; k < dbg->nrwatch; k++)
		if (dbg->rwatch[k].id == id) {
			dbg->rwatch[k] = dbg->rwatch[--dbg->nrwatch];
			break;
		}
	dbg_break_internal_delete(dbg, id);
}
