/* Source-level stepping: step, next, finish, until, stepi, nexti, jump.
 *
 * A line step single-steps the thread (the others stay stopped) until its
 * PC is at the start of an is_stmt row of another line. Instructions are
 * decoded with capstone first: a call is stepped over by planting an
 * internal breakpoint at the return address, valid only once the stack is
 * back above the caller's frame (so recursion does not stop it early), and
 * letting every thread run; `step` goes into a callee that has line
 * information and stops after its prologue. A `ret` lands mid-line in the
 * caller, which keeps stepping to the start of its next line.
 */
#include <capstone/capstone.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/dbg-int.h"

/* Synchronous single steps before a step gives up and reports. */
#define STEP_LIMIT 1000000

enum insn_kind { INSN_OTHER, INSN_CALL, INSN_RET };

/* Decodes the instruction at pc: its kind and length (0 if unknown). */
static enum insn_kind decode(struct dbg *dbg, uint64_t pc, size_t *len)
{
	static csh handle;
	static bool opened;
	uint8_t code[16];
	cs_insn *insn;
	enum insn_kind kind = INSN_OTHER;
	size_t n;

	*len = 0;
	if (!opened) {
		if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK)
			return INSN_OTHER;
		cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON);
		opened = true;
	}
	if (dbg_read(dbg, pc, code, sizeof(code)) < 0)
		return INSN_OTHER;
	n = cs_disasm(handle, code, sizeof(code), pc, 1, &insn);
	if (n == 0)
		return INSN_OTHER;
	*len = insn[0].size;
	if (cs_insn_group(handle, &insn[0], CS_GRP_CALL))
		kind = INSN_CALL;
	else if (cs_insn_group(handle, &insn[0], CS_GRP_RET))
		kind = INSN_RET;
	cs_free(insn, n);
	return kind;
}

void dbg_step_cancel(struct dbg *dbg)
{
	if (dbg->step.return_bp)
		dbg_break_internal_delete(dbg, dbg->step.return_bp);
	if (dbg->step.until_bp)
		dbg_break_internal_delete(dbg, dbg->step.until_bp);
	dbg->step = (struct dbg_stepping){ 0 };
}

/* Makes the step's frame the function at pc, stepping from its line there. */
static void step_frame_here(struct dbg *dbg, uint64_t pc)
{
	const char *fn;
	struct dbg_module *m;
	const struct dbg_row *r = dbg_row_at(dbg, pc, &m);

	if (!dbg_function_at(dbg, pc, &fn, &dbg->step.func_low, &dbg->step.func_high))
		dbg->step.func_low = dbg->step.func_high = 0;
	dbg->step.start_line = r ? r->line : 0;
	dbg->step.start_file = r && m ? m->files[r->file] : NULL;
}

/* True when pc begins a statement of a line other than the step's. */
static bool at_new_line(struct dbg *dbg, uint64_t pc)
{
	struct dbg_module *m;
	const struct dbg_row *r = dbg_row_at(dbg, pc, &m);

	if (!r || r->addr != pc || !r->is_stmt)
		return false;
	return r->line != dbg->step.start_line || m->files[r->file] != dbg->step.start_file;
}

/* A signal that came during a step ends it when its handling says stop
 * (a fault always does: the instruction cannot run). Others, SIGWINCH from
 * a resized terminal first of all, stay pending for the next resume, as
 * gdb lets them through without stopping. */
static bool signal_stops(struct dbg *dbg, int signo)
{
	struct dbg_signal_action act;

	if (!signo)
		return false;
	if (signo == SIGSEGV || signo == SIGBUS || signo == SIGILL || signo == SIGFPE)
		return true;
	return dbg_signal_get(dbg, signo, &act) < 0 || act.stop;
}

/* Executes one instruction of t, stepping over an int3 planted there. */
static int step_insn(struct dbg *dbg, struct dbg_thread *t)
{
	if (dbg_break_at(dbg, t->regs.rip))
		return dbg_break_step_over(dbg, t);
	return dbg_singlestep(dbg, t);
}

/* Lets every thread run until the internal breakpoint at the return address
 * addr is hit with the stack above sp. */
static bool run_to_return(struct dbg *dbg, uint64_t addr, uint64_t sp)
{
	dbg->step.return_bp = dbg_break_internal(dbg, addr, sp, NULL);
	if (!dbg->step.return_bp)
		return true; /* cannot: report where we are */
	dbg_resume_all(dbg);
	return false;
}

/*
 * The synchronous part of a step, from where thread t is now. Returns true
 * when the step is over (report the stop), false when the program was
 * resumed and the step goes on at an internal breakpoint.
 */
static bool step_on(struct dbg *dbg, struct dbg_thread *t)
{
	enum dbg_step how = dbg->step.how;

	for (long n = 0; n < STEP_LIMIT; n++) {
		uint64_t pc, sp;
		size_t len;
		enum insn_kind kind;

		if (dbg_regs(dbg, t) < 0)
			return true;
		pc = t->regs.rip;
		sp = t->regs.rsp;
		if (n > 0 && (how == DBG_STEP_INSN || how == DBG_STEP_INSN_OVER))
			return true;
		if (n > 0 && how != DBG_STEP_INSN && how != DBG_STEP_INSN_OVER && at_new_line(dbg, pc))
			return true;
		kind = decode(dbg, pc, &len);
		if (kind == INSN_CALL && how != DBG_STEP_INSN) {
			if (how == DBG_STEP_OVER || how == DBG_STEP_INSN_OVER)
				return run_to_return(dbg, pc + len, sp);
			/* step: in, if the callee has lines; else over it. */
			if (step_insn(dbg, t) < 0)
				return dbg->pid > 0;
			if (dbg_regs(dbg, t) < 0)
				return true;
			if (dbg_row_at(dbg, t->regs.rip, NULL)) {
				/* Step through the prologue to the body of the function
				 * the PC is in, following jumps (an Edit and Continue
				 * redirect leads from the old entry into new code). */
				for (int k = 0; k < 256; k++) {
					const char *fn;
					uint64_t low, high;

					if (dbg_function_at(dbg, t->regs.rip, &fn, &low, &high) &&
					    t->regs.rip == dbg_after_prologue(dbg, low, high))
						return true;
					if (step_insn(dbg, t) < 0 || dbg_regs(dbg, t) < 0)
						return dbg->pid > 0;
				}
				return true;
			}
			return run_to_return(dbg, pc + len, sp);
		}
		if (step_insn(dbg, t) < 0)
			return dbg->pid > 0;
		if (signal_stops(dbg, t->pending_sig))
			return true; /* a fault or a signal: report it */
		/* A superseded frame got control back (Edit and Continue): it
		 * moved to its new code, and the step ends there. */
		if (kind == INSN_RET && dbg->nrwatch && dbg_break_watch_fire(dbg, t))
			return true;
		if (kind == INSN_RET && how != DBG_STEP_INSN && how != DBG_STEP_INSN_OVER) {
			/* Back in the caller, in the middle of its line. */
			if (dbg_regs(dbg, t) < 0)
				return true;
			if (!dbg_row_at(dbg, t->regs.rip, NULL)) {
				/* A caller without lines (main returning to libc): run. */
				dbg_step_cancel(dbg);
				dbg_resume_all(dbg);
				return false;
			}
			step_frame_here(dbg, t->regs.rip);
			if (at_new_line(dbg, t->regs.rip))
				return true;
		}
	}
	bus_emit_message(dbg->bus, &(struct ev_message){ .level = "warning",
		.text = "the step went on for a million instructions: stopped where it got to" });
	return true;
}

bool dbg_step_on_stop(struct dbg *dbg, struct dbg_thread *t, bool at_bp)
{
	enum dbg_step how = dbg->step.how;
	bool done;

	bool moved = false;

	if (dbg->step.return_bp) {
		/* A return watch may have moved the frame to new code (Edit and
		 * Continue upgraded it) instead of letting it reach the return
		 * address: the step ends where it is then. */
		const struct dbg_bp_info *info = dbg_break_internal_info(dbg, dbg->step.return_bp);

		moved = info && dbg_regs(dbg, t) == 0 && t->regs.rip != info->address;
		dbg_break_internal_delete(dbg, dbg->step.return_bp);
	}
	if (dbg->step.until_bp)
		dbg_break_internal_delete(dbg, dbg->step.until_bp);
	dbg->step.return_bp = dbg->step.until_bp = 0;
	if (t->tid != dbg->step.tid || how == DBG_STEP_OUT || how == DBG_STEP_INSN_OVER || moved) {
		/* finish, nexti and until are over once their breakpoint is hit. */
		dbg_step_cancel(dbg);
		return true;
	}
	/* next/step: the call returned mid-line; go on to the next line. The
	 * breakpoint's int3 is gone, so stepping from here is safe. */
	dbg->current = t->tid;
	/* The return address may itself start the next statement (a call that
	 * is the whole statement, with nothing to store afterwards). */
	if (dbg_regs(dbg, t) == 0 && at_new_line(dbg, t->regs.rip)) {
		dbg_step_cancel(dbg);
		return true;
	}
	done = step_on(dbg, t);
	if (done)
		dbg_step_cancel(dbg);
	return done;
}

/* Starts a step on the current thread; reports when it completes at once. */
static int step_start(struct dbg *dbg, enum dbg_step how, char **errmsg)
{
	struct dbg_thread *t = dbg_thread_current(dbg);
	bool done;

	if (dbg->pid <= 0)
		return dbg_fail(errmsg, -ESRCH, "the program is not running (use 'run' or 'start')");
	if (dbg->state != DBG_STOPPED || !t)
		return dbg_fail(errmsg, -EBUSY, "the program is running: 'interrupt' it first");
	dbg_step_cancel(dbg);
	if (dbg_regs(dbg, t) < 0)
		return dbg_fail(errmsg, -ESRCH, "cannot read the thread's registers");
	dbg->step = (struct dbg_stepping){ .how = how, .active = true, .tid = t->tid,
					   .start_pc = t->regs.rip };
	step_frame_here(dbg, t->regs.rip);
	/* The other threads stay stopped while this one single-steps; a
	 * breakpoint under the PC is stepped over like any instruction. */
	dbg->state = DBG_RUNNING;
	done = step_on(dbg, t);
	if (dbg->pid <= 0)
		return 0; /* it ended: the exit was reported */
	if (done) {
		dbg_step_cancel(dbg);
		dbg_report_stop(dbg, t, "step", signal_stops(dbg, t->pending_sig) ? t->pending_sig : 0, 0);
	}
	return 0;
}

int dbg_step(struct dbg *dbg, enum dbg_step how, char **errmsg)
{
	struct dbg_frame *frames;
	ssize_t n;
	size_t f = dbg->frame;
	int id;

	if (how != DBG_STEP_OUT)
		return step_start(dbg, how, errmsg);
	/* finish: run until the selected frame returns to its caller. */
	if (dbg->pid <= 0 || dbg->state != DBG_STOPPED)
		return dbg_fail(errmsg, -ESRCH, "the program is not stopped");
	n = dbg_backtrace(dbg, f + 2, &frames);
	if (n < (ssize_t)f + 2) {
		free(frames);
		return dbg_fail(errmsg, -ERANGE, "'finish' is meaningless in the outermost frame");
	}
	dbg_step_cancel(dbg);
	id = dbg_break_internal(dbg, frames[f + 1].pc, frames[f].cfa, NULL);
	free(frames);
	if (!id)
		return dbg_fail(errmsg, -ENOMEM, "cannot plant a breakpoint at the return address");
	dbg->step = (struct dbg_stepping){ .how = how, .active = true, .tid = dbg->current, .return_bp = id };
	return dbg_resume_all(dbg);
}

int dbg_until(struct dbg *dbg, const char *location, char **errmsg)
{
	const char *colon = strrchr(location, ':'), *file = dbg->stop_file;
	struct dbg_frame *frames;
	char *fname = NULL;
	uint64_t addr;
	int line, moved, err;
	ssize_t n;

	if (dbg->pid <= 0 || dbg->state != DBG_STOPPED)
		return dbg_fail(errmsg, -ESRCH, "the program is not stopped");
	if (colon) {
		fname = strndup(location, (size_t)(colon - location));
		file = fname;
	}
	line = atoi(colon ? colon + 1 : location);
	if (!file || line <= 0) {
		free(fname);
		return dbg_fail(errmsg, -EINVAL, "until: '%s' is not LINE or FILE:LINE", location);
	}
	err = dbg_line_address(dbg, file, line, &addr, &moved, errmsg);
	free(fname);
	if (err < 0)
		return err;
	dbg_step_cancel(dbg);
	dbg->step = (struct dbg_stepping){ .how = DBG_STEP_OUT, .active = true, .tid = dbg->current };
	dbg->step.until_bp = dbg_break_internal(dbg, addr, 0, NULL);
	/* Also stop if the current frame returns first. */
	n = dbg_backtrace(dbg, 2, &frames);
	if (n == 2)
		dbg->step.return_bp = dbg_break_internal(dbg, frames[1].pc, frames[0].cfa, NULL);
	free(frames);
	return dbg_resume_all(dbg);
}

int dbg_jump(struct dbg *dbg, const char *location, char **errmsg)
{
	struct dbg_thread *t = dbg_thread_current(dbg);
	const char *colon = strrchr(location, ':'), *file = dbg->stop_file, *fn = NULL, *fn2 = NULL;
	uint64_t addr = 0, low, high, low2, high2, *v;
	char *fname = NULL;
	int line, moved = 0;
	ssize_t n;

	if (!t || dbg->pid <= 0 || dbg->state != DBG_STOPPED)
		return dbg_fail(errmsg, -ESRCH, "the program is not stopped");
	if (dbg->frame != 0)
		return dbg_fail(errmsg, -EINVAL, "jump moves the innermost frame: select frame 0 first");
	if (colon) {
		fname = strndup(location, (size_t)(colon - location));
		file = fname;
	}
	line = atoi(colon ? colon + 1 : location);
	if (!file || line <= 0) {
		free(fname);
		return dbg_fail(errmsg, -EINVAL, "jump: '%s' is not LINE or FILE:LINE", location);
	}
	dbg_regs(dbg, t);
	if (!dbg_function_at(dbg, t->regs.rip, &fn, &low, &high)) {
		free(fname);
		return dbg_fail(errmsg, -EINVAL, "jump: the program is not in a known function");
	}
	if (!dbg_file_known(dbg, file)) {
		int err = dbg_fail(errmsg, -ENOENT, "no source file named '%s' in the program", file);

		free(fname);
		return err;
	}
	/* The line may have code in several copies of the function (the
	 * program's and Edit and Continue's generations): the one the frame
	 * runs is the one that counts. A line without code: the next one. */
	for (int l = line; l < line + 200 && !moved; l++) {
		n = dbg_line_addresses(dbg, file, l, &v, NULL);
		for (ssize_t i = 0; i < n && !addr; i++) {
			moved = l;
			if (dbg_function_at(dbg, v[i], &fn2, &low2, &high2) && low2 == low)
				addr = v[i];
		}
		free(v);
	}
	free(fname);
	if (!addr && !moved)
		return dbg_fail(errmsg, -ENOENT, "no code at or after line %d of '%s'", line, file);
	if (!addr)
		return dbg_fail(errmsg, -EXDEV, "jump: line %d is in %s(), not in %s(): the frame "
				"would be wrong; only lines of the current function can be the next statement",
				moved, fn2 ? fn2 : "another function", fn);
	t->regs.rip = addr;
	t->regs_dirty = true;
	dbg_step_cancel(dbg);
	dbg_report_stop(dbg, t, "jump", 0, 0);
	return 0;
}

int dbg_step_to_statement(struct dbg *dbg)
{
	struct dbg_thread *t = dbg_thread_current(dbg);

	if (!t)
		return -ESRCH;
	for (int n = 0; n < 100000; n++) {
		const struct dbg_row *r;
		int err;

		if ((err = dbg_regs(dbg, t)) < 0)
			return err;
		r = dbg_row_at(dbg, t->regs.rip, NULL);
		if (n > 0 && r && r->addr == t->regs.rip && r->is_stmt)
			return 0;
		if ((err = step_insn(dbg, t)) < 0)
			return err;
	}
	return -ETIMEDOUT;
}

int dbg_step_insn_now(struct dbg *dbg)
{
	struct dbg_thread *t;
	int err;

	if ((err = dbg_stopped_regs(dbg, &t)) < 0)
		return err;
	return step_insn(dbg, t);
}
