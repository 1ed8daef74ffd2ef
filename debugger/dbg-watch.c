/* Hardware watchpoints: x86-64's debug registers DR0..DR3 hold up to four
 * addresses, DR7 says for each how many bytes (1, 2, 4, 8) and whether
 * writes or reads and writes trap, DR6 says which one fired. Each thread has
 * its own set, written with PTRACE_POKEUSER into struct user's u_debugreg.
 *
 *   DR7 bit 2i        enables DRi (local)
 *   DR7 bits 16+4i    RW: 01 write, 11 read or write (no read-only on x86)
 *   DR7 bits 18+4i    LEN: 00 one byte, 01 two, 11 four, 10 eight
 *
 * The trap comes after the access, with the new value in memory: a write
 * watchpoint whose value did not change lets the program go on, as gdb's.
 */
#include <dwarf.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include <elfutils/libdw.h>

#include "debugger/dbg-int.h"

#define DR_OFFSET(i) (offsetof(struct user, u_debugreg) + (size_t)(i) * sizeof(unsigned long))

/* Forgets watchpoints of an earlier run: their registers went with it. */
static void drop_stale(struct dbg *dbg)
{
	for (int i = 0; i < DBG_NWATCH; i++)
		if (dbg->watches[i].id && dbg->watches[i].pid != dbg->pid)
			dbg->watches[i] = (struct dbg_watch){ 0 };
}

static uint64_t dr7(const struct dbg *dbg)
{
	uint64_t v = 0;

	for (int i = 0; i < DBG_NWATCH; i++) {
		const struct dbg_watch *w = &dbg->watches[i];
		unsigned len = w->len == 1 ? 0 : w->len == 2 ? 1 : w->len == 8 ? 2 : 3;

		if (!w->id)
			continue;
		v |= 1ULL << (2 * i);
		v |= (uint64_t)(w->kind == DBG_WATCH_WRITE ? 1 : 3) << (16 + 4 * i);
		v |= (uint64_t)len << (18 + 4 * i);
	}
	return v;
}

/* Writes the debug registers of every stopped thread. */
static int apply(struct dbg *dbg)
{
	uint64_t ctl = dr7(dbg);

	for (size_t k = 0; k < dbg->nthreads; k++) {
		struct dbg_thread *t = &dbg->threads[k];

		if (t->exited)
			continue;
		/* DR7 off first: an address may only change while disabled. */
		if (ptrace(PTRACE_POKEUSER, t->tid, (void *)DR_OFFSET(7), (void *)0) < 0)
			return -errno;
		for (int i = 0; i < DBG_NWATCH; i++)
			if (dbg->watches[i].id &&
			    ptrace(PTRACE_POKEUSER, t->tid, (void *)DR_OFFSET(i), (void *)dbg->watches[i].addr) < 0)
				return -errno;
		if (ctl && ptrace(PTRACE_POKEUSER, t->tid, (void *)DR_OFFSET(7), (void *)ctl) < 0)
			return -errno;
	}
	return 0;
}

/* The module whose DWARF holds die (for finding its type again later). */
static struct dbg_module *die_module(struct dbg *dbg, Dwarf_Die *die)
{
	Dwarf *dw = dwarf_cu_getdwarf(die->cu);

	for (size_t i = 0; dw && i < dbg->nmods; i++) {
		Dwarf_Addr bias;

		if (dwfl_module_getdwarf(dbg->mods[i].mod, &bias) == dw)
			return &dbg->mods[i];
	}
	return NULL;
}

int dbg_watch(struct dbg *dbg, const char *expr, enum dbg_watch_kind kind, int *id, char **errmsg)
{
	struct dbg_ev ev;
	struct dbg_value *v;
	struct dbg_watch *w = NULL;
	struct dbg_type *t;
	size_t size;
	int err;

	if (dbg->pid <= 0 || dbg->state != DBG_STOPPED)
		return dbg_fail(errmsg, -ESRCH, "the program is not stopped: hardware watchpoints are set in a "
				"stopped program ('start' it first)");
	drop_stale(dbg);
	for (int i = 0; i < DBG_NWATCH && !w; i++)
		if (!dbg->watches[i].id)
			w = &dbg->watches[i];
	if (!w)
		return dbg_fail(errmsg, -ENOSPC, "Hardware watchpoints used exceeds available: the processor has %d",
				DBG_NWATCH);
	dbg_ev_begin(&ev, dbg);
	if ((err = dbg_ev_eval(&ev, expr, &v)) < 0) {
		dbg_fail(errmsg, err, "%s", ev.errmsg ? ev.errmsg : strerror(-err));
		goto out;
	}
	t = dbg_type_strip(v->type);
	size = t->size;
	if (v->where != DBG_V_MEM || v->bit_size || t->kind == DBG_T_FUNC) {
		err = dbg_fail(errmsg, -EINVAL, "Cannot watch constant value `%s': it is not in memory.", expr);
		goto out;
	}
	if ((size != 1 && size != 2 && size != 4 && size != 8) || v->addr % size) {
		err = dbg_fail(errmsg, -EINVAL, "Expression cannot be implemented with a hardware watchpoint: "
			       "`%s' is %zu bytes at 0x%llx, a debug register holds 1, 2, 4 or 8 aligned bytes",
			       expr, size, (unsigned long long)v->addr);
		goto out;
	}
	if ((err = dbg_value_fetch(&ev, v)) < 0) {
		dbg_fail(errmsg, err, "%s", ev.errmsg ? ev.errmsg : strerror(-err));
		goto out;
	}
	*w = (struct dbg_watch){ .id = dbg->next_bp_id, .kind = kind, .pid = dbg->pid, .addr = v->addr, .len = size };
	memcpy(w->old, v->bytes, size);
	snprintf(w->expr, sizeof(w->expr), "%s", expr);
	if (v->type->has_die) {
		struct dbg_module *m = die_module(dbg, &v->type->die);

		if (m) {
			w->type_mod = m->low;
			w->type_off = dwarf_dieoffset(&v->type->die);
		}
	}
	w->base = *t;
	w->base.target = NULL;
	w->base.has_die = false;
	w->base.name = NULL;
	if ((err = apply(dbg)) < 0) {
		*w = (struct dbg_watch){ 0 };
		apply(dbg);
		dbg_fail(errmsg, err, "cannot set the debug registers: %s", strerror(-err));
		goto out;
	}
	*id = dbg->next_bp_id++;
out:
	dbg_ev_release(&ev);
	return err;
}

int dbg_watch_delete(struct dbg *dbg, int id, char **errmsg)
{
	drop_stale(dbg);
	for (int i = 0; i < DBG_NWATCH; i++) {
		if (dbg->watches[i].id != id)
			continue;
		if (dbg->pid > 0 && dbg->state != DBG_STOPPED)
			return dbg_fail(errmsg, -EBUSY, "the program is running: 'interrupt' it first");
		dbg->watches[i] = (struct dbg_watch){ 0 };
		if (dbg->pid > 0)
			apply(dbg);
		return 0;
	}
	return dbg_fail(errmsg, -ENOENT, "no watchpoint %d", id);
}

size_t dbg_watch_list(struct dbg *dbg, int ids[DBG_WATCH_MAX])
{
	size_t n = 0;

	drop_stale(dbg);
	for (int i = 0; i < DBG_NWATCH; i++)
		if (dbg->watches[i].id)
			ids[n++] = dbg->watches[i].id;
	return n;
}

/* The watched bytes as gdb prints them, with the type they were set with. */
static void format_bytes(struct dbg_ev *ev, struct dbg_watch *w, const uint8_t *bytes, struct dbg_str *out)
{
	struct dbg_type *type = NULL;
	struct dbg_value *v;

	for (size_t i = 0; w->type_mod && i < ev->dbg->nmods && !type; i++) {
		struct dbg_module *m = &ev->dbg->mods[i];
		Dwarf_Addr bias;
		Dwarf *dw;
		Dwarf_Die die;

		if (m->low != w->type_mod || !(dw = dwfl_module_getdwarf(m->mod, &bias)))
			continue;
		if (dwarf_offdie(dw, w->type_off, &die))
			type = dbg_type_from_die(ev, &die);
	}
	if (!type && (type = dbg_ev_alloc(ev, sizeof(*type))))
		*type = w->base;
	v = type ? dbg_ev_alloc(ev, sizeof(*v)) : NULL;
	if (v && (v->bytes = dbg_ev_alloc(ev, 8))) {
		v->type = type;
		v->where = DBG_V_TEMP;
		memcpy(v->bytes, bytes, w->len);
		if (dbg_value_format(ev, v, out, false) == 0)
			return;
	}
	dbg_str_add(out, "<unreadable>");
}

static void say(struct dbg *dbg, const char *label, struct dbg_ev *ev, struct dbg_watch *w, const uint8_t *bytes)
{
	struct dbg_str s = { 0 };

	dbg_str_add(&s, "%s", label);
	format_bytes(ev, w, bytes, &s);
	if (s.s)
		bus_emit_message(dbg->bus, &(struct ev_message){ .level = "info", .text = s.s });
	free(s.s);
}

int dbg_watch_hit(struct dbg *dbg, struct dbg_thread *t)
{
	struct dbg_ev ev = { .dbg = dbg };
	struct dbg_watch *w = NULL;
	uint8_t now[8];
	char head[200];
	bool changed;
	long dr6;

	errno = 0;
	dr6 = ptrace(PTRACE_PEEKUSER, t->tid, (void *)DR_OFFSET(6), NULL);
	if (errno)
		return -1;
	ptrace(PTRACE_POKEUSER, t->tid, (void *)DR_OFFSET(6), (void *)0); /* DR6 is sticky */
	for (int i = 0; i < DBG_NWATCH && !w; i++)
		if ((dr6 & (1L << i)) && dbg->watches[i].id && dbg->watches[i].pid == dbg->pid)
			w = &dbg->watches[i];
	if (!w)
		return -1;
	if (dbg_read(dbg, w->addr, now, w->len) < 0)
		memcpy(now, w->old, w->len);
	changed = memcmp(now, w->old, w->len) != 0;
	if (w->kind == DBG_WATCH_WRITE && !changed)
		return 0;
	dbg_drain_output(dbg); /* what the program wrote before comes first */
	snprintf(head, sizeof(head), "Hardware %swatchpoint %d: %s",
		 w->kind == DBG_WATCH_READ ? "read " : w->kind == DBG_WATCH_ACCESS ? "access (read/write) " : "",
		 w->id, w->expr);
	bus_emit_message(dbg->bus, &(struct ev_message){ .level = "info", .text = head });
	if (changed && w->kind != DBG_WATCH_READ) {
		say(dbg, "Old value = ", &ev, w, w->old);
		say(dbg, "New value = ", &ev, w, now);
	} else {
		say(dbg, "Value = ", &ev, w, now);
	}
	memcpy(w->old, now, w->len);
	dbg_ev_release(&ev);
	return w->id;
}
