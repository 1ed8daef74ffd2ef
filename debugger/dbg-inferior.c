/* The inferior under ptrace: launching it on its own pseudo-terminal,
 * attaching, the SIGCHLD-driven wait loop, all-stop (every thread stops when
 * one has a reason to, every thread resumes together), single-stepping one
 * thread, registers and memory.
 *
 * Launch without races, with PTRACE_SEIZE:
 *
 *   encide                               child
 *   fork ------------------------------> setsid, the pty as 0/1/2,
 *   PTRACE_SEIZE(child, options)          ASLR off, signals to default,
 *   write(sync) -----------------------> read(sync) returns
 *   waitpid(child) <--- exec stop ------- execv(program)
 *   symbols, breakpoints, PTRACE_CONT
 *
 * Only our own threads are ever waited for (waitpid(tid), never -1): the
 * build's compilers are children of encide too.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "debugger/dbg-int.h"

#define PTRACE_OPTIONS (PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)

static void redirect_clear(struct dbg *dbg)
{
	for (int i = 0; i < 3; i++) {
		free(dbg->redirect[i]);
		dbg->redirect[i] = NULL;
		dbg->redirect_append[i] = false;
	}
}

int dbg_set_redirect(struct dbg *dbg, const char *in, const char *out, bool out_append, const char *err,
		     bool err_append)
{
	const char *files[3] = { in, out, err };

	redirect_clear(dbg);
	for (int i = 0; i < 3; i++)
		if (files[i] && !(dbg->redirect[i] = strdup(files[i]))) {
			redirect_clear(dbg);
			return -ENOMEM;
		}
	dbg->redirect_append[1] = out_append;
	dbg->redirect_append[2] = err_append;
	return 0;
}

int dbg_set_library_path(struct dbg *dbg, const char *dirs)
{
	char *v = dirs && *dirs ? strdup(dirs) : NULL;

	if (dirs && *dirs && !v)
		return -ENOMEM;
	free(dbg->library_path);
	dbg->library_path = v;
	return 0;
}

int dbg_fail(char **errmsg, int err, const char *fmt, ...)
{
	va_list ap;

	if (errmsg) {
		free(*errmsg);
		va_start(ap, fmt);
		if (vasprintf(errmsg, fmt, ap) < 0)
			*errmsg = NULL;
		va_end(ap);
	}
	return err;
}

struct dbg *dbg_new(struct loop *loop, struct bus *bus)
{
	struct dbg *dbg = calloc(1, sizeof(*dbg));

	if (!dbg)
		return NULL;
	dbg->loop = loop;
	dbg->bus = bus;
	dbg->pty = -1;
	dbg->next_bp_id = 1;
	dbg->next_internal_id = -1;
	dbg->rows = 24;
	dbg->cols = 80;
	return dbg;
}

static void forget_process(struct dbg *dbg);

/* Waits for one thread of a killed process to be gone and returns its wait
 * status. With PTRACE_O_TRACEEXIT a dying thread first stops at its exit
 * event and waits there for us: let it go on until it is reaped. */
static int reap_thread(pid_t tid)
{
	int status = 0;

	for (;;) {
		if (waitpid(tid, &status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return status; /* ECHILD: already reaped */
		}
		if (!WIFSTOPPED(status))
			return status;
		ptrace(PTRACE_CONT, tid, NULL, NULL);
	}
}

/* SIGKILLs the process and reaps every thread; the leader comes last (its
 * status is only reported once the other threads are gone). Returns the
 * leader's wait status. */
static int kill_and_reap(struct dbg *dbg)
{
	kill(dbg->pid, SIGKILL);
	for (size_t i = 0; i < dbg->nthreads; i++)
		if (dbg->threads[i].tid != dbg->pid)
			reap_thread(dbg->threads[i].tid);
	return reap_thread(dbg->pid);
}

void dbg_free(struct dbg *dbg)
{
	if (!dbg)
		return;
	if (dbg->pid > 0) {
		if (dbg->attached) {
			dbg_detach(dbg, NULL);
		} else {
			kill_and_reap(dbg);
		}
	}
	forget_process(dbg);
	for (size_t i = 0; i < dbg->nbps; i++) {
		free(dbg->bps[i]->location);
		free(dbg->bps[i]->file);
		free(dbg->bps[i]->function);
		free(dbg->bps[i]->condition);
		free(dbg->bps[i]->sites);
		free(dbg->bps[i]);
	}
	free(dbg->bps);
	dbg_symbols_release(dbg);
	free(dbg->program);
	free(dbg->library_path);
	redirect_clear(dbg);
	free(dbg->stop_file);
	free(dbg);
}

enum dbg_state dbg_state(const struct dbg *dbg)
{
	return dbg->state;
}

int dbg_stopped_regs(struct dbg *dbg, struct dbg_thread **out)
{
	struct dbg_thread *t = dbg_thread_current(dbg);
	int err;

	if (!t || dbg->state != DBG_STOPPED)
		return -ESRCH;
	if ((err = dbg_regs(dbg, t)) < 0)
		return err;
	*out = t;
	return 0;
}

pid_t dbg_pid(const struct dbg *dbg)
{
	return dbg->pid;
}

bool dbg_attached(const struct dbg *dbg)
{
	return dbg->pid > 0 && dbg->attached;
}

int dbg_pty(const struct dbg *dbg)
{
	return dbg->pty;
}

int dbg_input(struct dbg *dbg, const void *data, size_t len, char **errmsg)
{
	const char *p = data;
	size_t done = 0;
	char *text;

	if (dbg->pid <= 0 || dbg->pty < 0)
		return dbg_fail(errmsg, -ESRCH, "the program is not running (or has no terminal)");
	while (done < len) {
		ssize_t n = write(dbg->pty, p + done, len - done);

		if (n > 0) {
			done += (size_t)n;
		} else if (n < 0 && errno == EAGAIN) {
			/* the terminal's buffer is full: the program reads slowly */
			struct pollfd pfd = { .fd = dbg->pty, .events = POLLOUT };

			if (poll(&pfd, 1, 1000) <= 0)
				return dbg_fail(errmsg, -EAGAIN, "the program does not read its input (%zu of %zu bytes sent)",
						done, len);
		} else if (n < 0 && errno != EINTR) {
			return dbg_fail(errmsg, -errno, "cannot write to the program's terminal: %s", strerror(errno));
		}
	}
	text = strndup(data, len);
	if (text)
		bus_emit_program_input(dbg->bus, &(struct ev_program_input){ .text = text });
	free(text);
	return 0;
}

const char *dbg_program(const struct dbg *dbg)
{
	return dbg->program;
}

pid_t dbg_current_thread(const struct dbg *dbg)
{
	return dbg->current;
}

void dbg_set_winsize(struct dbg *dbg, unsigned short rows, unsigned short cols)
{
	struct winsize ws = { .ws_row = rows, .ws_col = cols };

	dbg->rows = rows;
	dbg->cols = cols;
	if (dbg->pty >= 0)
		ioctl(dbg->pty, TIOCSWINSZ, &ws);
}

struct dbg_thread *dbg_thread_find(struct dbg *dbg, pid_t tid)
{
	for (size_t i = 0; i < dbg->nthreads; i++)
		if (dbg->threads[i].tid == tid && !dbg->threads[i].exited)
			return &dbg->threads[i];
	return NULL;
}

struct dbg_thread *dbg_thread_current(struct dbg *dbg)
{
	struct dbg_thread *t = dbg_thread_find(dbg, dbg->current);

	if (!t && dbg->nthreads)
		for (size_t i = 0; i < dbg->nthreads && !t; i++)
			if (!dbg->threads[i].exited)
				t = &dbg->threads[i];
	return t;
}

static struct dbg_thread *thread_add(struct dbg *dbg, pid_t tid)
{
	struct dbg_thread *v = realloc(dbg->threads, (dbg->nthreads + 1) * sizeof(*v));

	if (!v)
		return NULL;
	dbg->threads = v;
	v[dbg->nthreads] = (struct dbg_thread){ .tid = tid, .num = ++dbg->last_thread_num };
	return &v[dbg->nthreads++];
}

/* Drops exited threads from the list (never during a walk over it). */
static void threads_sweep(struct dbg *dbg)
{
	size_t j = 0;

	for (size_t i = 0; i < dbg->nthreads; i++)
		if (!dbg->threads[i].exited)
			dbg->threads[j++] = dbg->threads[i];
	dbg->nthreads = j;
}

int dbg_regs(struct dbg *dbg, struct dbg_thread *t)
{
	if (t->regs_valid)
		return 0;
	if (ptrace(PTRACE_GETREGS, t->tid, NULL, &t->regs) < 0)
		return -errno;
	t->regs_valid = true;
	return 0;
}

/* Writes back registers changed while stopped. */
static int regs_flush(struct dbg_thread *t)
{
	if (t->regs_dirty && ptrace(PTRACE_SETREGS, t->tid, NULL, &t->regs) < 0)
		return -errno;
	t->regs_dirty = false;
	return 0;
}

/* /proc/PID/mem reads and writes through page protections for a tracer. */
static int mem_fd(struct dbg *dbg)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/mem", dbg->pid);
	return open(path, O_RDWR | O_CLOEXEC);
}

static int mem_io(struct dbg *dbg, uint64_t addr, void *buf, size_t len, bool write_it)
{
	int fd;
	ssize_t n;

	if (dbg->pid <= 0)
		return -ESRCH;
	fd = mem_fd(dbg);
	if (fd < 0)
		return -errno;
	n = write_it ? pwrite(fd, buf, len, (off_t)addr) : pread(fd, buf, len, (off_t)addr);
	close(fd);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int dbg_read(struct dbg *dbg, uint64_t addr, void *buf, size_t len)
{
	int err = mem_io(dbg, addr, buf, len, false);

	if (err == 0)
		dbg_break_unpatch(dbg, addr, buf, len);
	return err;
}

int dbg_write(struct dbg *dbg, uint64_t addr, const void *buf, size_t len)
{
	return mem_io(dbg, addr, (void *)buf, len, true);
}

/* The user_regs_struct slot of DWARF register regno (x86-64). */
static unsigned long long *reg_slot(struct user_regs_struct *r, unsigned regno)
{
	switch (regno) {
	case 0: return &r->rax;
	case 1: return &r->rdx;
	case 2: return &r->rcx;
	case 3: return &r->rbx;
	case 4: return &r->rsi;
	case 5: return &r->rdi;
	case 6: return &r->rbp;
	case 7: return &r->rsp;
	case 8: return &r->r8;
	case 9: return &r->r9;
	case 10: return &r->r10;
	case 11: return &r->r11;
	case 12: return &r->r12;
	case 13: return &r->r13;
	case 14: return &r->r14;
	case 15: return &r->r15;
	case 16: return &r->rip;
	case 49: return &r->eflags;
	case 58: return &r->fs_base;
	case 59: return &r->gs_base;
	default: return NULL;
	}
}

int dbg_reg_get(struct dbg *dbg, unsigned regno, uint64_t *value)
{
	struct dbg_thread *t;
	int err;

	if ((err = dbg_stopped_regs(dbg, &t)) < 0)
		return err;
	if (dbg->frame > 0) {
		/* A caller's registers: what the unwinder recovered. */
		struct dbg_frame *frames;
		ssize_t n = dbg_backtrace(dbg, dbg->frame + 1, &frames);

		if (n <= (ssize_t)dbg->frame) {
			free(frames);
			return -ENOENT;
		}
		switch (regno) {
		case 16: *value = frames[dbg->frame].pc; break;
		case 7: *value = frames[dbg->frame].sp; break;
		case 6: *value = frames[dbg->frame].fp; break;
		default: free(frames); return -ENOENT;
		}
		free(frames);
		return 0;
	}
	return dbg_thread_reg(dbg, regno, value);
}

int dbg_thread_reg(struct dbg *dbg, unsigned regno, uint64_t *value)
{
	struct dbg_thread *t;
	unsigned long long *slot;
	int err;

	if ((err = dbg_stopped_regs(dbg, &t)) < 0)
		return err;
	slot = reg_slot(&t->regs, regno);
	if (!slot)
		return -EINVAL;
	*value = *slot;
	return 0;
}

int dbg_reg_set(struct dbg *dbg, unsigned regno, uint64_t value)
{
	struct dbg_thread *t = dbg_thread_current(dbg);
	unsigned long long *slot;
	int err;

	if (!t || dbg->state != DBG_STOPPED)
		return -ESRCH;
	if (dbg->frame > 0)
		return -EPERM; /* only the innermost frame's registers are real */
	if ((err = dbg_regs(dbg, t)) < 0)
		return err;
	slot = reg_slot(&t->regs, regno);
	if (!slot)
		return -EINVAL;
	*slot = value;
	t->regs_dirty = true;
	return 0;
}

void dbg_drain_output(struct dbg *dbg)
{
	char buf[4096];
	ssize_t n;

	if (dbg->pty < 0)
		return;
	while ((n = read(dbg->pty, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		/* A NUL in the output would end the string: replace it. */
		for (ssize_t i = 0; i < n; i++)
			if (!buf[i])
				buf[i] = ' ';
		bus_emit_program_output(dbg->bus, &(struct ev_program_output){ .stream = "stdout", .text = buf });
	}
}

static void on_pty(int fd, short revents, void *arg)
{
	struct dbg *dbg = arg;

	dbg_drain_output(dbg);
	if (revents & (POLLHUP | POLLERR)) {
		/* The slave side is closed (the program is gone or closed it):
		 * stop polling a descriptor that is always ready. */
		loop_fd_remove(dbg->loop, fd);
	}
}

static const char *signal_name(int signo)
{
	const char *abbrev = sigabbrev_np(signo);
	static char buf[32];

	snprintf(buf, sizeof(buf), "SIG%s", abbrev ? abbrev : "?");
	return buf;
}

void dbg_report_stop(struct dbg *dbg, struct dbg_thread *t, const char *reason, int signo, int bp_id)
{
	struct dbg_pcinfo w;
	char sig[32] = "";

	dbg_drain_output(dbg);
	dbg->state = DBG_STOPPED;
	dbg->current = t->tid;
	dbg->frame = 0;
	dbg_symbols_update(dbg);
	dbg_regs(dbg, t);
	dbg_pc_info(dbg, t->regs.rip, &w);
	if (w.file) {
		free(dbg->stop_file);
		dbg->stop_file = strdup(w.file);
	}
	if (signo)
		snprintf(sig, sizeof(sig), "%s", signal_name(signo));
	bus_emit_inferior_stopped(dbg->bus, &(struct ev_inferior_stopped){
		.reason = reason, .tid = t->tid, .pc = (int64_t)t->regs.rip,
		.function = w.function, .file = w.file, .line = w.line,
		.signal = signo ? sig : NULL, .breakpoint = bp_id, .generation = w.generation,
		.superseded = w.superseded });
}

int dbg_report(struct dbg *dbg, const char *reason)
{
	struct dbg_thread *t = dbg_thread_current(dbg);

	if (!t || dbg->state != DBG_STOPPED)
		return -ESRCH;
	dbg_report_stop(dbg, t, reason, 0, 0);
	return 0;
}

/* The process is gone: forget threads, the terminal, the live modules. */
static void forget_process(struct dbg *dbg)
{
	dbg->gone = false;
	if (dbg->sigchld_id > 0)
		loop_signal_remove(dbg->loop, dbg->sigchld_id);
	dbg->sigchld_id = 0;
	if (dbg->pty >= 0) {
		dbg_drain_output(dbg);
		loop_fd_remove(dbg->loop, dbg->pty);
		close(dbg->pty);
	}
	dbg->pty = -1;
	free(dbg->threads);
	dbg->threads = NULL;
	dbg->nthreads = 0;
	dbg->last_thread_num = 0;
	dbg->pid = 0;
	dbg->current = 0;
	dbg->state = DBG_IDLE;
	dbg->attached = false;
	dbg->killing = false;
	dbg_step_cancel(dbg);
	dbg_break_process_gone(dbg);
	/* Code Edit and Continue loaded was in this process only: the next
	 * run's breakpoints must not find its lines. */
	dbg_forget_code(dbg);
}

static void report_exit(struct dbg *dbg, int status)
{
	bool signalled = WIFSIGNALED(status);
	int code = signalled ? 0 : WEXITSTATUS(status), signo = signalled ? WTERMSIG(status) : 0;
	char sig[32] = "";
	pid_t pid = dbg->pid;

	if (signo)
		snprintf(sig, sizeof(sig), "%s", signal_name(signo));
	forget_process(dbg);
	bus_emit_inferior_exited(dbg->bus, &(struct ev_inferior_exited){
		.pid = pid, .status = code, .signal = signo ? sig : NULL });
}

/* Waits (blocking) until thread t is in a ptrace stop, handling what comes
 * first. Returns 0, or -ESRCH when it exited (marked). */
static int wait_stopped(struct dbg *dbg, struct dbg_thread *t)
{
	int status;

	for (;;) {
		pid_t r = waitpid(t->tid, &status, __WALL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || WIFEXITED(status) || WIFSIGNALED(status)) {
			t->exited = true;
			if (t->tid == dbg->pid && r > 0) {
				/* The whole process ended: reported by the caller. */
				dbg->gone = true;
				dbg->gone_status = status;
			}
			return -ESRCH;
		}
		if (!WIFSTOPPED(status))
			continue;
		t->stopped = true;
		t->regs_valid = false;
		if ((status >> 16) == PTRACE_EVENT_STOP) {
			/* Stopped on a breakpoint's address before its int3 ran:
			 * when resumed it must hit it, not be stepped over it as a
			 * thread that reported the hit is (the hit would be lost). */
			if (dbg_regs(dbg, t) == 0 && dbg_break_at(dbg, t->regs.rip))
				t->rehit_pc = t->regs.rip;
			return 0;
		}
		if ((status >> 16) == PTRACE_EVENT_CLONE) {
			unsigned long msg;

			/* The new thread joins the list (t may move: not used
			 * after); stop_all() reaches it later in its walk. */
			if (ptrace(PTRACE_GETEVENTMSG, t->tid, NULL, &msg) == 0 && thread_add(dbg, (pid_t)msg))
				bus_emit_thread_new(dbg->bus, &(struct ev_thread_new){ .tid = (int64_t)msg });
			return 0;
		}
		if (WSTOPSIG(status) == SIGTRAP) {
			/* A breakpoint hit while stopping: undo the int3's PC
			 * advance so the thread hits it again when resumed. */
			siginfo_t si;

			if (ptrace(PTRACE_GETSIGINFO, t->tid, NULL, &si) == 0 && si.si_code == SI_KERNEL) {
				dbg_regs(dbg, t);
				if (dbg_break_at(dbg, t->regs.rip - 1)) {
					t->regs.rip--;
					t->regs_dirty = true;
					t->rehit_pc = t->regs.rip;
				}
			}
			/* Stopped: the interrupt, still queued, shows up as a
			 * stray PTRACE_EVENT_STOP after the next resume. */
			return 0;
		}
		/* Some other signal: keep it for the next resume. */
		t->pending_sig = WSTOPSIG(status);
		return 0;
	}
}

/* Stops every running thread (all-stop). */
static void stop_all(struct dbg *dbg)
{
	for (size_t i = 0; i < dbg->nthreads; i++) {
		struct dbg_thread *t = &dbg->threads[i];

		if (t->exited || t->stopped)
			continue;
		if (ptrace(PTRACE_INTERRUPT, t->tid, NULL, NULL) < 0) {
			t->exited = errno == ESRCH;
			continue;
		}
		if (wait_stopped(dbg, t) < 0)
			t->exited = true;
	}
	if (dbg->gone)
		report_exit(dbg, dbg->gone_status);
}

int dbg_singlestep(struct dbg *dbg, struct dbg_thread *t)
{
	int status;

	for (;;) {
		if (regs_flush(t) < 0 || ptrace(PTRACE_SINGLESTEP, t->tid, NULL, NULL) < 0)
			return -errno;
		t->stopped = false;
		t->regs_valid = false;
		for (;;) {
			pid_t r = waitpid(t->tid, &status, __WALL);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0 || WIFEXITED(status) || WIFSIGNALED(status)) {
				t->exited = true;
				if (t->tid == dbg->pid && r > 0)
					report_exit(dbg, status);
				return -ESRCH;
			}
			break;
		}
		t->stopped = true;
		if (WSTOPSIG(status) == SIGTRAP && (status >> 16) == 0)
			return 0;
		if ((status >> 16) != 0)
			return 0; /* an event stop (clone...): the step may be done */
		/* A signal arrived before the instruction ran: keep it, step again. */
		t->pending_sig = WSTOPSIG(status);
		if (t->pending_sig == SIGSEGV || t->pending_sig == SIGBUS || t->pending_sig == SIGILL ||
		    t->pending_sig == SIGFPE)
			return 0; /* the instruction itself faults */
	}
}

int dbg_resume_all(struct dbg *dbg)
{
	/* A thread sitting on a breakpoint first steps over it alone. */
	for (size_t i = 0; i < dbg->nthreads; i++) {
		struct dbg_thread *t = &dbg->threads[i];

		/* A thread stopped on a breakpoint steps over it, except one that
		 * was stopped just before its int3 fired (PC backed up): that one
		 * hits it when resumed, so the hit is not lost. */
		if (t->exited || !t->stopped || dbg_regs(dbg, t) < 0)
			continue;
		if (t->rehit_pc == t->regs.rip) {
			t->rehit_pc = 0;
			continue;
		}
		t->rehit_pc = 0;
		if (dbg_break_step_over(dbg, t) == -ESRCH && dbg->pid == 0)
			return -ESRCH; /* the process ended during the step */
	}
	for (size_t i = 0; i < dbg->nthreads; i++) {
		struct dbg_thread *t = &dbg->threads[i];

		if (t->exited || !t->stopped)
			continue;
		regs_flush(t);
		if (ptrace(PTRACE_CONT, t->tid, NULL, (void *)(long)t->pending_sig) < 0) {
			if (errno == ESRCH)
				t->exited = true;
			continue;
		}
		t->pending_sig = 0;
		t->stopped = false;
		t->regs_valid = false;
	}
	threads_sweep(dbg);
	dbg->state = DBG_RUNNING;
	dbg->frame = 0;
	return 0;
}

/* gdb's defaults (see debugger.h), set on first use. */
static void signals_init(struct dbg *dbg)
{
	if (dbg->sigs_set)
		return;
	for (int i = 1; i < DBG_NSIG; i++)
		dbg->sigs[i] = (struct dbg_signal_action){ .stop = true, .print = true, .pass = true };
	for (int i = 0; i < 8; i++) {
		static const int quiet[8] = { SIGALRM, SIGURG, SIGCHLD, SIGWINCH, SIGIO, SIGVTALRM, SIGPROF, SIGPWR };

		dbg->sigs[quiet[i]] = (struct dbg_signal_action){ .pass = true };
	}
	dbg->sigs[SIGINT].pass = false;
	dbg->sigs[SIGTRAP].pass = false;
	dbg->sigs_set = true;
}

int dbg_signal_get(struct dbg *dbg, int signo, struct dbg_signal_action *out)
{
	if (signo < 1 || signo >= DBG_NSIG)
		return -EINVAL;
	signals_init(dbg);
	*out = dbg->sigs[signo];
	return 0;
}

int dbg_signal_set(struct dbg *dbg, int signo, const struct dbg_signal_action *act)
{
	if (signo < 1 || signo >= DBG_NSIG)
		return -EINVAL;
	signals_init(dbg);
	dbg->sigs[signo] = *act;
	dbg->sigs[signo].print |= act->stop;
	return 0;
}

/* Stops every other thread (all-stop) on behalf of thread tid. New threads
 * found meanwhile may move the thread array: returns tid's thread anew, or
 * NULL when the process is gone. */
static struct dbg_thread *stop_others(struct dbg *dbg, pid_t tid)
{
	stop_all(dbg);
	return dbg->pid == 0 ? NULL : dbg_thread_find(dbg, tid);
}

/* One wait status of thread t, while the program runs. */
static void handle_status(struct dbg *dbg, struct dbg_thread *t, int status)
{
	int event = status >> 16, signo;

	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		if (t->tid == dbg->pid) {
			/* The whole process: its last thread is gone. */
			report_exit(dbg, status);
			return;
		}
		t->exited = true;
		bus_emit_thread_exited(dbg->bus, &(struct ev_thread_exited){ .tid = t->tid });
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	t->stopped = true;
	t->regs_valid = false;
	signo = WSTOPSIG(status);
	if (event == PTRACE_EVENT_CLONE) {
		unsigned long msg;
		pid_t tid = t->tid;

		if (ptrace(PTRACE_GETEVENTMSG, tid, NULL, &msg) == 0 && thread_add(dbg, (pid_t)msg))
			bus_emit_thread_new(dbg->bus, &(struct ev_thread_new){ .tid = (int64_t)msg });
		t = dbg_thread_find(dbg, tid); /* the array may have moved */
		ptrace(PTRACE_CONT, tid, NULL, NULL);
		t->stopped = false;
		return;
	}
	if (event == PTRACE_EVENT_EXEC) {
		dbg_symbols_refresh(dbg, NULL);
		ptrace(PTRACE_CONT, t->tid, NULL, NULL);
		t->stopped = false;
		return;
	}
	if (event == PTRACE_EVENT_STOP) {
		/* A new thread's first stop, a late interrupt, a group stop:
		 * nothing to report while running. */
		ptrace(PTRACE_CONT, t->tid, NULL, NULL);
		t->stopped = false;
		return;
	}
	if (signo == SIGTRAP) {
		siginfo_t si = { 0 };
		struct dbg_bp *bp = NULL;
		int bp_id = 0;
		bool temporary = false, stop;

		ptrace(PTRACE_GETSIGINFO, t->tid, NULL, &si);
		if (si.si_code == TRAP_HWBKPT) {
			/* A hardware watchpoint (dbg-watch.c): stop, or go on when
			 * a write left the value as it was. */
			int wid = dbg_watch_hit(dbg, t);

			if (wid >= 0) {
				if (!(t = stop_others(dbg, t->tid)))
					return;
				if (wid == 0) {
					dbg_resume_all(dbg);
					return;
				}
				dbg_step_cancel(dbg);
				dbg_report_stop(dbg, t, "watchpoint", 0, wid);
				return;
			}
		}
		dbg_regs(dbg, t);
		if (si.si_code == SI_KERNEL && (bp = dbg_break_at(dbg, t->regs.rip - 1))) {
			t->regs.rip--;
			t->regs_dirty = true;
			bp_id = bp->info.id;
			temporary = bp->info.temporary;
		}
		/* All-stop: the others stop before anything is decided. */
		if (!(t = stop_others(dbg, t->tid)))
			return;
		/* (bp may be freed by the hit: only its id is used below.) */
		stop = bp ? dbg_break_hit(dbg, t, bp) : true;
		if (!stop) {
			dbg_resume_all(dbg);
			return;
		}
		if (dbg->step.active && bp_id < 0) {
			/* One of the step's own breakpoints (a return address...). */
			if (!dbg_step_on_stop(dbg, t, true))
				return;
			dbg_report_stop(dbg, t, "step", 0, 0);
			return;
		}
		dbg_step_cancel(dbg); /* a user breakpoint or a trap ends a step */
		if (bp_id) {
			dbg_report_stop(dbg, t, "breakpoint", 0, bp_id > 0 ? bp_id : 0);
			if (temporary && bp_id > 0)
				dbg_break_delete(dbg, bp_id, NULL);
			return;
		}
		/* A trap we did not plant (the program's own int3, raise(SIGTRAP)). */
		dbg_report_stop(dbg, t, "signal", SIGTRAP, 0);
		return;
	}
	signals_init(dbg);
	if (signo < DBG_NSIG && !dbg->sigs[signo].stop) {
		if (dbg->sigs[signo].print) {
			char text[128];

			snprintf(text, sizeof(text), "Program received signal %s, %s.", signal_name(signo),
				 strsignal(signo));
			bus_emit_message(dbg->bus, &(struct ev_message){ .level = "info", .text = text });
		}
		ptrace(PTRACE_CONT, t->tid, NULL, (void *)(long)(dbg->sigs[signo].pass ? signo : 0));
		t->stopped = false;
		return;
	}
	if (!(t = stop_others(dbg, t->tid)))
		return;
	/* Given to the program when it goes on, if the setting says so. */
	t->pending_sig = signo >= DBG_NSIG || dbg->sigs[signo].pass ? signo : 0;
	dbg_step_cancel(dbg);
	{
		siginfo_t si = { 0 };
		char text[160];

		ptrace(PTRACE_GETSIGINFO, t->tid, NULL, &si);
		dbg_report_stop(dbg, t, "signal", signo, 0);
		if (signo == SIGSEGV || signo == SIGBUS || signo == SIGFPE || signo == SIGILL) {
			snprintf(text, sizeof(text), "program received %s, fault address %p",
				 signal_name(signo), si.si_addr);
			bus_emit_message(dbg->bus, &(struct ev_message){ .level = "error", .text = text });
		}
	}
}

/* SIGCHLD: collect every status of our threads (only theirs). */
static void on_sigchld(int signo, void *arg)
{
	struct dbg *dbg = arg;
	bool again = true;

	while (again && dbg->pid > 0 && dbg->state == DBG_RUNNING) {
		again = false;
		for (size_t i = 0; i < dbg->nthreads && dbg->pid > 0; i++) {
			struct dbg_thread *t = &dbg->threads[i];
			int status;
			pid_t r;

			if (t->exited || t->stopped)
				continue;
			r = waitpid(t->tid, &status, __WALL | WNOHANG);
			if (r <= 0)
				continue;
			handle_status(dbg, t, status);
			again = dbg->state == DBG_RUNNING;
			break; /* the thread array may have changed */
		}
		if (dbg->pid > 0)
			threads_sweep(dbg);
	}
}

/* Common start of a traced process: the terminal, SIGCHLD, symbols. */
static int process_begin(struct dbg *dbg, pid_t pid, int pty, char **errmsg)
{
	int err;

	dbg->pid = pid;
	dbg->pty = pty;
	dbg->current = pid;
	/* A new process: its libraries must be read, even where its maps look
	 * like the last run's (no ASLR: they are the same). */
	dbg->maps_hash = 0;
	dbg->state = DBG_STOPPED;
	if (pty >= 0)
		loop_fd_add(dbg->loop, pty, POLLIN, on_pty, dbg);
	dbg->sigchld_id = loop_signal_add(dbg->loop, SIGCHLD, on_sigchld, dbg);
	err = dbg_symbols_refresh(dbg, errmsg);
	if (err < 0)
		return err;
	/* Before the breakpoints: those in libraries not mapped yet wait. */
	dbg_break_solib(dbg);
	dbg_break_insert_all(dbg);
	return 0;
}

int dbg_run(struct dbg *dbg, char *const *args, bool stop_at_main, char **errmsg)
{
	int master = -1, slave = -1, sync[2] = { -1, -1 }, errpipe[2] = { -1, -1 }, status, err = 0;
	int redir[3] = { -1, -1, -1 };
	struct winsize ws = { .ws_row = dbg->rows, .ws_col = dbg->cols };
	struct termios tio;
	size_t nargs = 0;
	char **argv;
	pid_t pid;

	if (!dbg->program)
		return dbg_fail(errmsg, -ENOENT, "no program to run (use 'file PROGRAM', or build first)");
	if (dbg->pid > 0)
		return dbg_fail(errmsg, -EBUSY, "the program is already running (pid %d): 'kill' it first", dbg->pid);
	while (args && args[nargs])
		nargs++;
	argv = calloc(nargs + 2, sizeof(*argv));
	if (!argv)
		return dbg_fail(errmsg, -ENOMEM, "out of memory");
	argv[0] = dbg->program;
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	if (openpty(&master, &slave, NULL, NULL, &ws) < 0) {
		err = dbg_fail(errmsg, -errno, "cannot make a terminal for the program: %s", strerror(errno));
		goto out;
	}
	/* The program's bytes as written: no \n -> \r\n, no echo of input. */
	if (tcgetattr(slave, &tio) == 0) {
		tio.c_oflag &= ~(tcflag_t)OPOST;
		tio.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		tcsetattr(slave, TCSANOW, &tio);
	}
	fcntl(master, F_SETFL, O_NONBLOCK);
	fcntl(master, F_SETFD, FD_CLOEXEC);
	if (pipe2(sync, O_CLOEXEC) < 0 || pipe2(errpipe, O_CLOEXEC) < 0) {
		err = dbg_fail(errmsg, -errno, "cannot start the program: %s", strerror(errno));
		goto out;
	}
	/* run < in > out: opened here, so a missing file is said before the
	 * program starts. */
	for (int i = 0; i < 3; i++) {
		if (!dbg->redirect[i])
			continue;
		redir[i] = open(dbg->redirect[i], i == 0 ? O_RDONLY | O_CLOEXEC
			       : O_WRONLY | O_CREAT | O_CLOEXEC | (dbg->redirect_append[i] ? O_APPEND : O_TRUNC), 0666);
		if (redir[i] < 0) {
			err = dbg_fail(errmsg, -errno, "cannot open '%s' for the program's %s: %s", dbg->redirect[i],
				       i == 0 ? "input" : i == 1 ? "output" : "errors", strerror(errno));
			goto out;
		}
	}
	pid = fork();
	if (pid < 0) {
		err = dbg_fail(errmsg, -errno, "cannot start the program: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		char c;
		int e;
		struct sigaction dfl = { .sa_handler = SIG_DFL };

		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		for (int i = 0; i < 3; i++)
			if (redir[i] >= 0)
				dup2(redir[i], i);
		if (slave > 2)
			close(slave);
		close(master);
		for (int s = 1; s < NSIG; s++)
			sigaction(s, &dfl, NULL);
		sigprocmask(SIG_SETMASK, loop_child_sigmask(dbg->loop), NULL);
		personality(ADDR_NO_RANDOMIZE); /* the same addresses every run, like gdb */
		if (dbg->library_path) {
			/* The project's libraries first (libtool's uninstalled
			 * programs find them so, not the system's copies). */
			const char *was = getenv("LD_LIBRARY_PATH");
			char *v = NULL;

			if (was && *was && asprintf(&v, "%s:%s", dbg->library_path, was) >= 0)
				setenv("LD_LIBRARY_PATH", v, 1);
			else
				setenv("LD_LIBRARY_PATH", dbg->library_path, 1);
		}
		while (read(sync[0], &c, 1) < 0 && errno == EINTR)
			;
		execv(dbg->program, argv);
		e = errno;
		if (write(errpipe[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(slave);
	slave = -1;
	close(sync[0]);
	close(errpipe[1]);
	sync[0] = errpipe[1] = -1;
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)(long)PTRACE_OPTIONS) < 0) {
		err = dbg_fail(errmsg, -errno, "cannot trace the program: %s", strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out;
	}
	if (write(sync[1], "x", 1) != 1) {
		err = dbg_fail(errmsg, -errno, "cannot start the program: %s", strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		goto out;
	}
	while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
		;
	if (!WIFSTOPPED(status) || (status >> 16) != PTRACE_EVENT_EXEC) {
		int e = 0;

		if (read(errpipe[0], &e, sizeof(e)) != (ssize_t)sizeof(e))
			e = 0;
		if (WIFSTOPPED(status)) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, __WALL);
		}
		err = dbg_fail(errmsg, -(e ? e : ECHILD), "cannot run '%s': %s", dbg->program,
			       e ? strerror(e) : "it did not start");
		goto out;
	}
	if (!thread_add(dbg, pid)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		err = dbg_fail(errmsg, -ENOMEM, "out of memory");
		goto out;
	}
	dbg->threads[0].stopped = true;
	err = process_begin(dbg, pid, master, errmsg);
	master = -1; /* the debugger's now */
	if (err < 0) {
		dbg_kill(dbg, NULL);
		goto out;
	}
	bus_emit_inferior_started(dbg->bus, &(struct ev_inferior_started){
		.pid = pid, .program = dbg->program });
	if (stop_at_main) {
		uint64_t low, high;

		if (!dbg_function_by_name(dbg, "main", &low, &high)) {
			dbg_report_stop(dbg, &dbg->threads[0], "entry", 0, 0);
			bus_emit_message(dbg->bus, &(struct ev_message){
				.level = "warning", .text = "no function 'main': stopped at the program's entry" });
			goto out;
		}
		dbg_break_internal(dbg, dbg_after_prologue(dbg, low, high), 0, NULL);
	}
	dbg_resume_all(dbg);
out:
	for (int i = 0; i < 3; i++)
		if (redir[i] >= 0)
			close(redir[i]);
	redirect_clear(dbg); /* used once */
	if (master >= 0)
		close(master);
	if (slave >= 0)
		close(slave);
	for (int i = 0; i < 2; i++) {
		if (sync[i] >= 0)
			close(sync[i]);
		if (errpipe[i] >= 0)
			close(errpipe[i]);
	}
	free(argv);
	return err;
}

int dbg_attach(struct dbg *dbg, pid_t pid, char **errmsg)
{
	char path[64], exe[4096];
	ssize_t n;
	DIR *d;
	struct dirent *de;
	int err;

	if (dbg->pid > 0)
		return dbg_fail(errmsg, -EBUSY, "already debugging process %d: 'detach' or 'kill' first", dbg->pid);
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return dbg_fail(errmsg, -ESRCH, "cannot attach to process %d: No such process", pid);
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n < 0)
		return dbg_fail(errmsg, -errno, "cannot attach to process %d: %s", pid, strerror(errno));
	exe[n] = '\0';
	if (!dbg->program || strcmp(dbg->program, exe) != 0) {
		err = dbg_set_program(dbg, exe, errmsg);
		if (err < 0)
			return err;
	}
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return dbg_fail(errmsg, -errno, "cannot attach to process %d: %s", pid, strerror(errno));
	while ((de = readdir(d))) {
		pid_t tid = (pid_t)atoi(de->d_name);
		struct dbg_thread *t;

		if (tid <= 0 || dbg_thread_find(dbg, tid))
			continue;
		if (ptrace(PTRACE_SEIZE, tid, NULL, (void *)(long)PTRACE_OPTIONS) < 0) {
			err = -errno;
			closedir(d);
			for (size_t i = 0; i < dbg->nthreads; i++)
				ptrace(PTRACE_DETACH, dbg->threads[i].tid, NULL, NULL);
			dbg->nthreads = 0;
			return dbg_fail(errmsg, err, "cannot attach to process %d: %s%s", pid, strerror(-err),
					err == -EPERM ? " (not allowed: see /proc/sys/kernel/yama/ptrace_scope)" : "");
		}
		t = thread_add(dbg, tid);
		if (t && ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) == 0)
			wait_stopped(dbg, t);
	}
	closedir(d);
	dbg->attached = true;
	err = process_begin(dbg, pid, -1, errmsg);
	if (err < 0)
		return err;
	bus_emit_inferior_started(dbg->bus, &(struct ev_inferior_started){ .pid = pid, .program = dbg->program });
	dbg_report_stop(dbg, dbg_thread_current(dbg), "attach", 0, 0);
	return 0;
}

int dbg_detach(struct dbg *dbg, char **errmsg)
{
	if (dbg->pid <= 0)
		return dbg_fail(errmsg, -ESRCH, "no process to detach from");
	if (dbg->state == DBG_RUNNING)
		stop_all(dbg);
	dbg_break_remove_all(dbg);
	for (size_t i = 0; i < dbg->nthreads; i++) {
		struct dbg_thread *t = &dbg->threads[i];

		if (t->exited)
			continue;
		regs_flush(t);
		ptrace(PTRACE_DETACH, t->tid, NULL, (void *)(long)t->pending_sig);
	}
	bus_emit_message(dbg->bus, &(struct ev_message){ .level = "info", .text = "detached; the program goes on" });
	forget_process(dbg);
	return 0;
}

int dbg_kill(struct dbg *dbg, char **errmsg)
{
	int status;
	pid_t pid = dbg->pid;

	if (pid <= 0)
		return dbg_fail(errmsg, -ESRCH, "the program is not running");
	status = kill_and_reap(dbg);
	report_exit(dbg, status);
	return 0;
}

int dbg_interrupt(struct dbg *dbg, char **errmsg)
{
	struct dbg_thread *t;

	if (dbg->pid <= 0 || dbg->state != DBG_RUNNING)
		return dbg_fail(errmsg, -ESRCH, "the program is not running");
	stop_all(dbg);
	if (dbg->pid <= 0)
		return 0;
	dbg_step_cancel(dbg);
	t = dbg_thread_current(dbg);
	if (t)
		dbg_report_stop(dbg, t, "interrupted", 0, 0);
	return 0;
}

int dbg_continue(struct dbg *dbg, char **errmsg)
{
	if (dbg->pid <= 0)
		return dbg_fail(errmsg, -ESRCH, "the program is not running (use 'run')");
	if (dbg->state != DBG_STOPPED)
		return dbg_fail(errmsg, -EBUSY, "the program is already running");
	dbg_step_cancel(dbg);
	return dbg_resume_all(dbg);
}

ssize_t dbg_threads(struct dbg *dbg, struct dbg_thread_info **out)
{
	struct dbg_thread_info *v;
	size_t n = 0;

	*out = NULL;
	if (dbg->pid <= 0 || dbg->state != DBG_STOPPED)
		return -ESRCH;
	v = calloc(dbg->nthreads ? dbg->nthreads : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < dbg->nthreads; i++) {
		struct dbg_thread *t = &dbg->threads[i];

		if (t->exited || dbg_regs(dbg, t) < 0)
			continue;
		v[n].tid = t->tid;
		v[n].num = t->num;
		v[n].pc = t->regs.rip;
		v[n].current = t->tid == dbg->current;
		dbg_pc_line(dbg, t->regs.rip, &v[n].file, &v[n].line, &v[n].function);
		n++;
	}
	*out = v;
	return (ssize_t)n;
}

ssize_t dbg_thread_ids(struct dbg *dbg, pid_t **out)
{
	pid_t *v;
	size_t n = 0;

	*out = NULL;
	if (dbg->pid <= 0 || dbg->state != DBG_STOPPED)
		return -ESRCH;
	if (!(v = calloc(dbg->nthreads ? dbg->nthreads : 1, sizeof(*v))))
		return -ENOMEM;
	for (size_t i = 0; i < dbg->nthreads; i++)
		if (!dbg->threads[i].exited)
			v[n++] = dbg->threads[i].tid;
	*out = v;
	return (ssize_t)n;
}

int dbg_select_thread(struct dbg *dbg, pid_t tid, char **errmsg)
{
	if (!dbg_thread_find(dbg, tid))
		return dbg_fail(errmsg, -ESRCH, "no thread %d", tid);
	dbg->current = tid;
	dbg->frame = 0;
	return 0;
}

int dbg_inject_syscall(struct dbg *dbg, long nr, const long args[6], long *ret)
{
	static const uint8_t insn[2] = { 0x0f, 0x05 }; /* syscall */
	struct dbg_thread *t;
	struct user_regs_struct saved;
	uint8_t code[2];
	int err;

	if ((err = dbg_stopped_regs(dbg, &t)) < 0)
		return err;
	saved = t->regs;
	/* The bytes as they are in memory (an int3 included): put back exactly. */
	if ((err = mem_io(dbg, saved.rip, code, sizeof(code), false)) < 0 ||
	    (err = mem_io(dbg, saved.rip, (void *)insn, sizeof(insn), true)) < 0)
		return err;
	t->regs.rax = (unsigned long long)nr;
	t->regs.orig_rax = (unsigned long long)-1; /* no restart of an interrupted call */
	t->regs.rdi = (unsigned long long)args[0];
	t->regs.rsi = (unsigned long long)args[1];
	t->regs.rdx = (unsigned long long)args[2];
	t->regs.r10 = (unsigned long long)args[3];
	t->regs.r8 = (unsigned long long)args[4];
	t->regs.r9 = (unsigned long long)args[5];
	t->regs_dirty = true;
	err = dbg_singlestep(dbg, t);
	if (err == 0 && (err = dbg_regs(dbg, t)) == 0)
		*ret = (long)t->regs.rax;
	if (dbg->pid > 0) {
		mem_io(dbg, saved.rip, code, sizeof(code), true);
		t->regs = saved;
		t->regs_valid = true;
		t->regs_dirty = true;
		regs_flush(t);
	}
	return err;
}

int dbg_inject_call(struct dbg *dbg, uint64_t addr, const long args[6], long *ret)
{
	static const uint8_t int3 = 0xcc;
	struct dbg_thread *t;
	struct user_regs_struct saved;
	uint64_t sp, back;
	uint8_t code;
	int err, status;

	if ((err = dbg_stopped_regs(dbg, &t)) < 0)
		return err;
	saved = t->regs;
	/* The call returns to an int3 written at the current PC. */
	back = saved.rip;
	if ((err = mem_io(dbg, back, &code, 1, false)) < 0 || (err = mem_io(dbg, back, (void *)&int3, 1, true)) < 0)
		return err;
	sp = ((saved.rsp - 256) & ~15ULL) - 8; /* below the red zone, aligned as at a call */
	if ((err = mem_io(dbg, sp, &back, 8, true)) < 0)
		goto restore;
	t->regs.rsp = sp;
	t->regs.rip = addr;
	t->regs.orig_rax = (unsigned long long)-1;
	t->regs.rax = 0;
	t->regs.rdi = (unsigned long long)args[0];
	t->regs.rsi = (unsigned long long)args[1];
	t->regs.rdx = (unsigned long long)args[2];
	t->regs.rcx = (unsigned long long)args[3];
	t->regs.r8 = (unsigned long long)args[4];
	t->regs.r9 = (unsigned long long)args[5];
	t->regs_dirty = true;
	if ((err = regs_flush(t)) < 0 || ptrace(PTRACE_CONT, t->tid, NULL, NULL) < 0) {
		err = err < 0 ? err : -errno;
		goto restore;
	}
	t->stopped = false;
	t->regs_valid = false;
	for (;;) {
		if (waitpid(t->tid, &status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto restore;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			t->exited = true;
			report_exit(dbg, status);
			return -ESRCH;
		}
		t->stopped = true;
		if (WSTOPSIG(status) == SIGTRAP && (status >> 16) == 0)
			break;
		if ((status >> 16) == 0 && WSTOPSIG(status) != SIGTRAP) {
			/* It faulted (or got a signal): give up on the call. */
			err = -EFAULT;
			goto restore;
		}
		ptrace(PTRACE_CONT, t->tid, NULL, NULL); /* event stops: go on */
		t->stopped = false;
	}
	t->regs_valid = false;
	if ((err = dbg_regs(dbg, t)) == 0)
		*ret = (long)t->regs.rax;
restore:
	mem_io(dbg, back, &code, 1, true);
	t->regs = saved;
	t->regs_valid = true;
	t->regs_dirty = true;
	regs_flush(t);
	return err;
}

int dbg_memory_state(struct dbg *dbg, char **out, char **errmsg)
{
	char path[64], line[1024], *text = NULL;
	size_t len = 0;
	FILE *maps, *f;
	int64_t rseq_off = 0;

	*out = NULL;
	if (dbg->pid <= 0 || dbg->state != DBG_STOPPED)
		return dbg_fail(errmsg, -ESRCH, "the program is not stopped");
	/* Each thread's rseq area (glibc registers it at fs + __rseq_offset):
	 * the kernel writes the CPU a thread runs on there whenever it likes. */
	{
		uint64_t a;

		if (dbg_lookup_symbol(dbg, "__rseq_offset", NULL, &a, NULL) < 0 ||
		    dbg_read(dbg, a, &rseq_off, sizeof(rseq_off)) < 0)
			rseq_off = 0;
	}
	snprintf(path, sizeof(path), "/proc/%d/maps", dbg->pid);
	if (!(maps = fopen(path, "re")))
		return dbg_fail(errmsg, -errno, "%s: %s", path, strerror(errno));
	if (!(f = open_memstream(&text, &len))) {
		fclose(maps);
		return -ENOMEM;
	}
	while (fgets(line, sizeof(line), maps)) {
		unsigned long long lo, hi, from;
		char perms[8] = "", name[512] = "";
		uint64_t h = 0xcbf29ce484222325ULL;
		uint8_t buf[65536];

		if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %511[^\n]", &lo, &hi, perms, name) < 3)
			continue;
		if (strstr(name, "[vvar") || strstr(name, "[vsyscall]"))
			continue;
		from = lo;
		/* A thread's stack below its red zone is scratch space. */
		for (size_t i = 0; i < dbg->nthreads; i++) {
			struct dbg_thread *t = &dbg->threads[i];

			if (!t->exited && dbg_regs(dbg, t) == 0 && t->regs.rsp - 128 > lo && t->regs.rsp - 128 <= hi &&
			    t->regs.rsp - 128 > from)
				from = t->regs.rsp - 128;
		}
		for (unsigned long long a = from; perms[0] == 'r' && a < hi;) {
			size_t n = hi - a < sizeof(buf) ? hi - a : sizeof(buf);

			if (dbg_read(dbg, a, buf, n) < 0)
				break;
			for (size_t i = 0; rseq_off && i < dbg->nthreads; i++) {
				uint64_t r = dbg->threads[i].regs.fs_base + (uint64_t)rseq_off;

				for (uint64_t b = r; b < r + 32; b++)
					if (!dbg->threads[i].exited && b >= a && b < a + n)
						buf[b - a] = 0;
			}
			for (size_t k = 0; k < n; k++)
				h = (h ^ buf[k]) * 0x100000001b3ULL;
			a += n;
		}
		fprintf(f, "%llx-%llx %s %s %016llx\n", lo, hi, perms, name, (unsigned long long)h);
	}
	fclose(maps);
	for (size_t i = 0; i < dbg->nthreads; i++) {
		struct dbg_thread *t = &dbg->threads[i];
		const uint8_t *r = (const uint8_t *)&t->regs;
		uint64_t h = 0xcbf29ce484222325ULL;

		if (t->exited || dbg_regs(dbg, t) < 0)
			continue;
		for (size_t k = 0; k < sizeof(t->regs); k++)
			h = (h ^ r[k]) * 0x100000001b3ULL;
		fprintf(f, "thread %d registers %016llx\n", t->tid, (unsigned long long)h);
	}
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	*out = text;
	return 0;
}
