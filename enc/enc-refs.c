/* Who may still refer to a generation's memory: before a reverted
 * generation's region is given back, the stopped program is searched for
 * a pointer into it, as a conservative garbage collector would. A function
 * a generation added has no other copy; the program may have kept its
 * address (a callback, a handler) and would jump into unmapped memory.
 *
 *   where the program keeps a pointer      how it is found
 *   its variables, heap, thread stacks     every aligned word of each writable
 *                                          mapping (a stack from its rsp - 128:
 *                                          below lies garbage of returned calls)
 *   a register of a stopped thread         rax..r15 of every thread
 *   glibc's atexit list, jmp_bufs          the same words demangled with the
 *                                          pointer guard (fs:0x30, rol 0x11)
 *   the kernel's signal handlers           rt_sigaction(sig, NULL, &old) run in
 *                                          the program for each caught signal
 *
 * A pointer hidden by arithmetic (an offset, a tagged or xored word) or
 * held elsewhere by the kernel is not found: such a region is released.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "debugger/debugger.h"
#include "enc/enc-int.h"

#define CHUNK (1u << 20)

/* The pointer guard glibc mangles code pointers with (PTR_MANGLE on
 * x86-64: xor with the TCB's pointer_guard, then rotate left by 0x11). */
static bool pointer_guard(struct dbg *dbg, uint64_t *guard)
{
	uint64_t fs;

	return dbg_reg_get(dbg, 58, &fs) == 0 && fs && dbg_read(dbg, fs + 0x30, guard, sizeof(*guard)) == 0;
}

static uint64_t demangle(uint64_t v, uint64_t guard)
{
	return ((v >> 0x11) | (v << (64 - 0x11))) ^ guard;
}

/* Each thread's stack pointer less its red zone: a stack's words below it
 * are garbage. */
struct stack_cut {
	uint64_t *sp;  /* per thread */
	size_t n;      /* how many */
};

/* The registers of every thread, then the pointer guard (the current
 * thread's). The thread and frame the user selected are put back. */
static int scan_registers(struct dbg *dbg, uint64_t low, uint64_t high, ref_fn *fn, void *arg,
			  struct stack_cut *cut, bool *have_guard, uint64_t *guard)
{
	struct dbg_thread_info *threads;
	ssize_t nt = dbg_threads(dbg, &threads);
	pid_t cur = dbg_current_thread(dbg);
	size_t frame = dbg_selected_frame(dbg);

	if (nt < 0)
		return (int)nt;
	cut->sp = calloc(nt ? (size_t)nt : 1, sizeof(*cut->sp));
	if (!cut->sp) {
		free(threads);
		return -ENOMEM;
	}
	for (ssize_t t = 0; t < nt; t++) {
		char what[64];

		if (dbg_select_thread(dbg, threads[t].tid, NULL) < 0)
			continue;
		snprintf(what, sizeof(what), "a register of thread %d", (int)threads[t].tid);
		for (unsigned r = 0; r <= 15; r++) {
			uint64_t v;

			if (dbg_reg_get(dbg, r, &v) < 0)
				continue;
			if (r == 7)
				cut->sp[cut->n++] = v - 128;
			else if (v >= low && v < high)
				fn(arg, v, 0, false, what);
		}
		if (!*have_guard)
			*have_guard = pointer_guard(dbg, guard);
	}
	free(threads);
	if (cur > 0) {
		dbg_select_thread(dbg, cur, NULL);
		if (frame)
			dbg_select_frame(dbg, frame, NULL);
	}
	return 0;
}

/* Every writable mapping's aligned words, plain and demangled. */
static int scan_memory(struct dbg *dbg, uint64_t low, uint64_t high, ref_fn *fn, void *arg,
		       const struct stack_cut *cut, bool have_guard, uint64_t guard)
{
	char path[64], line[1024];
	uint64_t *buf = malloc(CHUNK);
	FILE *maps;

	if (!buf)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)dbg_pid(dbg));
	if (!(maps = fopen(path, "re"))) {
		free(buf);
		return -errno;
	}
	while (fgets(line, sizeof(line), maps)) {
		unsigned long long lo, hi;
		char perms[8] = "", name[512] = "";
		uint64_t from;

		if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %511[^\n]", &lo, &hi, perms, name) < 3)
			continue;
		if (perms[0] != 'r' || perms[1] != 'w' || strstr(name, "[vvar") || strstr(name, "[vsyscall]"))
			continue;
		from = lo;
		for (size_t i = 0; i < cut->n; i++)
			if (cut->sp[i] > from && cut->sp[i] <= hi)
				from = cut->sp[i] & ~7ULL;
		for (uint64_t a = from; a < hi;) {
			size_t n = hi - a < CHUNK ? (size_t)(hi - a) : CHUNK;

			if (dbg_read(dbg, a, buf, n) < 0)
				break;
			for (size_t k = 0; k < n / 8; k++) {
				uint64_t v = buf[k];

				if (v >= low && v < high)
					fn(arg, v, a + 8 * k, false, "memory");
				else if (have_guard && v && (v = demangle(v, guard)) >= low && v < high)
					fn(arg, v, a + 8 * k, true, "a mangled pointer (atexit, setjmp)");
			}
			a += n;
		}
	}
	fclose(maps);
	free(buf);
	return 0;
}

/* The signals the program catches (SigCgt of /proc/PID/status). */
static uint64_t caught_signals(struct dbg *dbg)
{
	char path[64], line[256];
	uint64_t mask = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)dbg_pid(dbg));
	if (!(f = fopen(path, "re")))
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SigCgt: %" SCNx64, &mask) == 1)
			break;
	fclose(f);
	return mask;
}

/* The handler of each caught signal, asked of the kernel in the program:
 * the answer lands below the current thread's red zone (scratch for
 * injected calls), whose bytes are put back. */
static int scan_handlers(struct dbg *dbg, uint64_t low, uint64_t high, ref_fn *fn, void *arg)
{
	uint64_t mask = caught_signals(dbg), sp, scratch;
	uint8_t saved[64];
	int err = 0;

	if (!mask)
		return 0;
	if (dbg_reg_get(dbg, 7, &sp) < 0)
		return -ESRCH;
	scratch = ((sp - 128) & ~15ULL) - sizeof(saved);
	if (dbg_read(dbg, scratch, saved, sizeof(saved)) < 0)
		return -EIO;
	for (int sig = 1; sig <= 64 && err == 0; sig++) {
		long args[6] = { sig, 0, (long)scratch, 8, 0, 0 }, ret;
		uint64_t handler;
		char what[64];

		if (!(mask & (1ULL << (sig - 1))))
			continue;
		if ((err = dbg_inject_syscall(dbg, SYS_rt_sigaction, args, &ret)) < 0)
			break;
		if (ret < 0 || dbg_read(dbg, scratch, &handler, sizeof(handler)) < 0)
			continue;
		snprintf(what, sizeof(what), "the handler of signal %d", sig);
		if (handler >= low && handler < high)
			fn(arg, handler, 0, false, what);
	}
	dbg_write(dbg, scratch, saved, sizeof(saved));
	return err;
}

int refs_scan(struct dbg *dbg, uint64_t low, uint64_t high, ref_fn *fn, void *arg)
{
	struct stack_cut cut = { 0 };
	uint64_t guard = 0;
	bool have_guard = false;
	int err;

	if ((err = scan_registers(dbg, low, high, fn, arg, &cut, &have_guard, &guard)) == 0 &&
	    (err = scan_memory(dbg, low, high, fn, arg, &cut, have_guard, guard)) == 0)
		err = scan_handlers(dbg, low, high, fn, arg);
	free(cut.sp);
	return err;
}
