/* debugger/: one debugged program (the inferior) under ptrace, its threads,
 * breakpoints, stepping, and what DWARF says about its code (libdw/libdwfl).
 * A library with no terminal code. It reports through the bus
 * (INFERIOR_STARTED, INFERIOR_STOPPED, INFERIOR_EXITED, PROGRAM_OUTPUT,
 * BREAKPOINT_SET, THREAD_NEW, THREAD_EXITED) and is driven by the event loop
 * (SIGCHLD and the program's pseudo-terminal). Queries are plain calls.
 *
 * Resuming calls (dbg_continue, dbg_step...) return at once; the stop comes
 * later as an INFERIOR_STOPPED or INFERIOR_EXITED event. All threads stop
 * together (all-stop) and resume together.
 *
 * Ownership: strings returned point into the debugger and stay valid until
 * the next resume (or dbg_free) unless said otherwise; *errmsg strings are
 * the caller's to free.
 */
#ifndef ENCIDE_DEBUGGER_H
#define ENCIDE_DEBUGGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct loop;
struct bus;
struct dbg;

enum dbg_state {
	DBG_IDLE,    /* no process */
	DBG_RUNNING, /* the process runs */
	DBG_STOPPED, /* every thread is stopped */
};

/* A debugger driven by loop, reporting on bus. NULL when out of memory. */
struct dbg *dbg_new(struct loop *loop, struct bus *bus);
/* Kills a launched program (detaches an attached one) and frees all. */
void dbg_free(struct dbg *dbg);

/* The program to debug. Reads its symbols and refuses, with *errmsg, a file
 * that is not an ELF executable or has no debug information; a CU built with
 * optimisation is accepted with a warning on the bus. 0 or negative. */
int dbg_set_program(struct dbg *dbg, const char *path, char **errmsg);
/* Directories (':'-separated) the program's dynamic linker searches first,
 * before its LD_LIBRARY_PATH: where the project's own shared libraries are
 * (libtool's wrapper script says). NULL: none. 0 or -ENOMEM. */
int dbg_set_library_path(struct dbg *dbg, const char *dirs);
/* The program set, or NULL. */
const char *dbg_program(const struct dbg *dbg);

/* Starts the program with args (NULL-terminated, without argv[0]) on its own
 * pseudo-terminal, stopped before its first instruction is run: breakpoints
 * are inserted, then it continues (stop_at_main: to a temporary breakpoint
 * on main). 0 or negative with *errmsg. */
int dbg_run(struct dbg *dbg, char *const *args, bool stop_at_main, char **errmsg);
/* gdb's `run < in > out 2> err`: files the next dbg_run's program gets as
 * its standard input, output or error instead of its terminal (NULL: the
 * terminal; append: >> ). They are opened when it starts (a relative
 * name from encide's working directory); one that cannot be opened fails
 * the run, named. The setting is used once. 0 or -ENOMEM. */
int dbg_set_redirect(struct dbg *dbg, const char *in, const char *out, bool out_append, const char *err,
		     bool err_append);
/* Attaches to the running process pid (all its threads), and stops it. */
int dbg_attach(struct dbg *dbg, pid_t pid, char **errmsg);
/* Detaches, leaving the process running; breakpoints are removed first. */
int dbg_detach(struct dbg *dbg, char **errmsg);
/* Kills the process; its INFERIOR_EXITED follows. */
int dbg_kill(struct dbg *dbg, char **errmsg);
/* Stops a running process (all threads); INFERIOR_STOPPED follows. */
int dbg_interrupt(struct dbg *dbg, char **errmsg);
/* Says again where the stopped program is (INFERIOR_STOPPED with reason),
 * as a stop does: after Edit and Continue moved the point of execution.
 * 0, or -ESRCH when it is not stopped. */
int dbg_report(struct dbg *dbg, const char *reason);

enum dbg_state dbg_state(const struct dbg *dbg);
pid_t dbg_pid(const struct dbg *dbg);
/* Whether the process was attached to (not launched): it is detached, not
 * killed, when encide is done with it. */
bool dbg_attached(const struct dbg *dbg);
/* The master side of the program's terminal (-1 when none): input written
 * there reaches the program. */
int dbg_pty(const struct dbg *dbg);
/* Sends len bytes to the program's terminal, as if typed there (PROGRAM_INPUT
 * follows). Waits up to a second for room when the terminal's buffer is
 * full. 0, or negative with *errmsg (no program, the terminal is closed). */
int dbg_input(struct dbg *dbg, const void *data, size_t len, char **errmsg);
/* Sets the size of the program's terminal. */
void dbg_set_winsize(struct dbg *dbg, unsigned short rows, unsigned short cols);

/* Resuming, all asynchronous. */
int dbg_continue(struct dbg *dbg, char **errmsg);
enum dbg_step {
	DBG_STEP_INTO,  /* step: the next line, entering calls with line info */
	DBG_STEP_OVER,  /* next: the next line in this frame (or a caller) */
	DBG_STEP_OUT,   /* finish: until the selected frame returns */
	DBG_STEP_INSN,  /* stepi: one instruction */
	DBG_STEP_INSN_OVER, /* nexti: one instruction, calls as one */
};
int dbg_step(struct dbg *dbg, enum dbg_step how, char **errmsg);
/* until/advance: runs to file:line (or until the current frame returns). */
int dbg_until(struct dbg *dbg, const char *location, char **errmsg);
/* Set next statement: moves the current thread's PC to the first address of
 * location's line, which must be in the function it is executing (else
 * refused with the reason). The program stays stopped. */
int dbg_jump(struct dbg *dbg, const char *location, char **errmsg);

/* Breakpoints. location: "file:line", "line" (in the file of the current
 * stop, else the program's main file), "function", or "*address". A line
 * without code moves to the next line that has some (and says so). */
struct dbg_bp_info {
	int id;              /* as shown to the user, from 1 */
	const char *location; /* as given */
	const char *file;    /* resolved file, or NULL while pending */
	int line;            /* resolved line, or 0 */
	const char *function; /* function holding it, or NULL */
	uint64_t address;    /* first address, 0 while pending */
	size_t nsites;       /* addresses it is set at */
	bool enabled;        /* stops the program */
	bool temporary;      /* deleted when hit */
	const char *condition; /* expression, or NULL */
	unsigned ignore;     /* hits still ignored */
	unsigned hits;       /* times hit */
};
/* Adds a breakpoint; *id gets its number. A location not found is an
 * error, except before the program runs when nothing is built yet (kept
 * as given) or when the program loads shared libraries of its own (a
 * RUNPATH): then it is pending (file NULL, a warning says so) and set when
 * a library that has it is loaded. */
int dbg_break(struct dbg *dbg, const char *location, bool temporary, int *id, char **errmsg);
int dbg_break_delete(struct dbg *dbg, int id, char **errmsg);
int dbg_break_enable(struct dbg *dbg, int id, bool enable, char **errmsg);
/* cond NULL removes the condition. */
int dbg_break_condition(struct dbg *dbg, int id, const char *cond, char **errmsg);
int dbg_break_ignore(struct dbg *dbg, int id, unsigned count, char **errmsg);
/* The text moved under FILE:LINE breakpoint id (lines inserted or deleted
 * above it): its location becomes FILE:line, and the line it is shown at
 * moves by as much; the code it is set in stays. 0, -ENOENT (no such
 * breakpoint) or -EINVAL (not a FILE:LINE breakpoint). */
int dbg_break_move(struct dbg *dbg, int id, int line);
/* Every user breakpoint, by id; the array is the debugger's. */
size_t dbg_break_list(struct dbg *dbg, const struct dbg_bp_info **out);

/* Condition evaluation is plugged in by the expression evaluator: returns
 * 1 (stop), 0 (go on), negative with *errmsg (stop and say why). */
typedef int dbg_cond_fn(struct dbg *dbg, const char *expr, void *arg, char **errmsg);
void dbg_set_condition_evaluator(struct dbg *dbg, dbg_cond_fn *fn, void *arg);

/* What happens when the program receives a signal (gdb's `handle`). The
 * defaults are gdb's: SIGALRM, SIGURG, SIGCHLD, SIGWINCH, SIGIO,
 * SIGVTALRM, SIGPROF and SIGPWR go to the program unseen; SIGINT stops and
 * is not passed (the user pressed Ctrl-C); SIGTRAP stops and is not passed;
 * every other signal stops and is passed on when the program continues.
 * Settings outlive the process (they hold for the next run). */
#define DBG_NSIG 65
struct dbg_signal_action {
	bool stop;  /* the program stops (INFERIOR_STOPPED reason=signal) */
	bool print; /* a MESSAGE says it arrived (always when it stops) */
	bool pass;  /* the program gets it when it goes on */
};
/* signo's setting into *out; -EINVAL for a number out of 1..64. */
int dbg_signal_get(struct dbg *dbg, int signo, struct dbg_signal_action *out);
/* Sets signo's setting (stop implies print); -EINVAL as above. */
int dbg_signal_set(struct dbg *dbg, int signo, const struct dbg_signal_action *act);

/* Threads. */
struct dbg_thread_info {
	pid_t tid;           /* kernel thread id */
	int num;             /* gdb's number: 1 the first thread, never reused */
	uint64_t pc;         /* where it is stopped */
	const char *function; /* function there, or NULL */
	const char *file;    /* source there, or NULL */
	int line;            /* line there, or 0 */
	bool current;        /* the thread commands act on */
};
/* Fills *out (caller frees) with every thread; returns the count or negative. */
ssize_t dbg_threads(struct dbg *dbg, struct dbg_thread_info **out);
int dbg_select_thread(struct dbg *dbg, pid_t tid, char **errmsg);
pid_t dbg_current_thread(const struct dbg *dbg);

/* Frames of a thread, innermost first.
 *
 * Edit and Continue: the code a frame runs has a generation (0: the program
 * as built; N: the code Edit and Continue's updN loaded). Its DWARF speaks
 * the lines of the source as it was when that generation was compiled
 * (code_line); now_line is that line in the text the user sees now (the
 * line translator's answer, see dbg_set_line_translator). A frame that runs
 * code a later generation replaced is superseded (VC6's `<updN>`, N the
 * generation that replaced it): its source is its generation's, so `line`
 * is code_line there; every other frame shows now_line. */
struct dbg_frame {
	uint64_t pc;          /* the frame's PC (a return address for callers) */
	uint64_t cfa;         /* canonical frame address (rbp + 16 at -O0) */
	uint64_t sp;          /* stack pointer in that frame */
	uint64_t fp;          /* frame pointer (rbp) in that frame */
	const char *function; /* name, or NULL */
	const char *file;     /* source file, or NULL */
	int line;             /* the line to show: now_line, or code_line when superseded (0: unknown) */
	int code_line;        /* the line in its generation's source (DWARF's), or 0 */
	int now_line;         /* that line in the current text, 0 if deleted or unknown */
	const char *module;   /* the ELF file the code is in */
	unsigned generation;  /* the generation of the code it runs (0: as built) */
	unsigned superseded;  /* 0, or N: it runs code updN replaced (shown `<updN>`) */
	const char *reason;   /* superseded: why it stays in its old code, or NULL */
};
/* Unwinds the current thread (libdwfl's CFI unwinder, frame pointers where
 * there is no CFI) up to max frames; *out is the caller's to free (its
 * strings are the debugger's, valid until the next resume). */
ssize_t dbg_backtrace(struct dbg *dbg, size_t max, struct dbg_frame **out);
/* The same for thread tid of the stopped program. */
ssize_t dbg_backtrace_thread(struct dbg *dbg, pid_t tid, size_t max, struct dbg_frame **out);
/* Like dbg_backtrace_thread, only the frames' pc, sp, fp and cfa (the other
 * fields are 0 and NULL): no line table is read, which for a frame in
 * glibc costs ~100 ms the first time. */
ssize_t dbg_unwind_thread(struct dbg *dbg, pid_t tid, size_t max, struct dbg_frame **out);
/* The ids of the stopped program's threads into *out (caller frees);
 * returns the count, or negative. Cheaper than dbg_threads: no lines. */
ssize_t dbg_thread_ids(struct dbg *dbg, pid_t **out);
/* Selects frame n (0 innermost) for print, locals, finish. */
int dbg_select_frame(struct dbg *dbg, size_t n, char **errmsg);
size_t dbg_selected_frame(const struct dbg *dbg);

/* Memory and registers of the stopped process (current thread). */
int dbg_read(struct dbg *dbg, uint64_t addr, void *buf, size_t len);
int dbg_write(struct dbg *dbg, uint64_t addr, const void *buf, size_t len);
/* A description of the stopped process's whole state, to tell whether
 * anything changed (atomicity tests): one line per mapping ("start-end
 * perms path FNV-1a of its bytes") and per thread (its registers). The part
 * of each thread's stack below its red zone is left out (calls injected
 * into the program use it as scratch), as are [vvar] and [vsyscall].
 * *out is the caller's. 0 or negative with *errmsg. */
int dbg_memory_state(struct dbg *dbg, char **out, char **errmsg);
/* The program's own code bytes at addr: the int3s of breakpoints left out. */
int dbg_read_code(struct dbg *dbg, uint64_t addr, void *buf, size_t len);
/* Writes code at addr, keeping the breakpoints planted there (the bytes
 * they stand for become the new ones). */
int dbg_write_code(struct dbg *dbg, uint64_t addr, const void *buf, size_t len);
/* DWARF register number regno of the selected frame (x86-64 numbering). */
int dbg_reg_get(struct dbg *dbg, unsigned regno, uint64_t *value);
int dbg_reg_set(struct dbg *dbg, unsigned regno, uint64_t value);

/* Source locations. */
/* The line of pc: file (the debugger's string), line (as struct
 * dbg_frame's `line`: the current text's, or its generation's when the code
 * is superseded); false when unknown. */
bool dbg_pc_line(struct dbg *dbg, uint64_t pc, const char **file, int *line, const char **function);
/* The first is_stmt address of file:line (the next line with code when it
 * has none: *moved_to gets that line). 0 or negative with *errmsg. */
int dbg_line_address(struct dbg *dbg, const char *file, int line, uint64_t *addr, int *moved_to, char **errmsg);

/* The run-time address of symbol name: a function or variable of the
 * program (a file-local one when cu_file names its source file, matched by
 * base name), else of a loaded library. *size gets its size (may be NULL).
 * Returns 0, or -ENOENT. */
int dbg_lookup_symbol(struct dbg *dbg, const char *name, const char *cu_file, uint64_t *addr, uint64_t *size);
/* The DW_AT_producer (the compiler and its flags) of the program's CU
 * built from the source file (the same path, or one ending in its name), or
 * NULL. The string is the debugger's. */
const char *dbg_cu_producer(struct dbg *dbg, const char *file);
/* The run-time address of the static variable var declared in function
 * func of the program's CU whose source is cu_file (gcc numbers such
 * variables "n.0", "n.1"... differently in each compile; the DWARF names
 * them by function). 0, or -ENOENT. */
int dbg_function_static(struct dbg *dbg, const char *cu_file, const char *func, const char *var, uint64_t *addr);
/* Like dbg_lookup_symbol for a global function, through an IFUNC's
 * resolver (run in the program) to the code it selects. */
int dbg_resolve_function(struct dbg *dbg, const char *name, uint64_t *addr);
/* Calls the function at addr with up to six integer args in the stopped
 * current thread (on its stack, below the red zone); *ret gets rax. Other
 * threads stay stopped; everything is restored after. */
int dbg_inject_call(struct dbg *dbg, uint64_t addr, const long args[6], long *ret);
/* Registers code loaded into the program (Edit and Continue generation
 * `generation`): the relocatable object at path whose section i (of
 * sec_size[i] bytes) is at sec_addr[i] (0: not loaded). Lines, functions,
 * breakpoints, stepping and unwinding then know it as one more module.
 * 0 or -ENOMEM. */
int dbg_add_code(struct dbg *dbg, const char *object, unsigned generation, const uint64_t *sec_addr,
		 const uint64_t *sec_size, size_t nsecs);
/* Forgets the module of object (its code was unloaded). */
void dbg_remove_code(struct dbg *dbg, const char *object);
/* Forgets all registered code, replaced ranges and frame notes (a new run
 * of the program). */
void dbg_forget_code(struct dbg *dbg);

/* Translates a line of a source file between the text generation N was
 * compiled from and the text the user sees now: to_current, N's line ->
 * the current line; otherwise the current line -> N's line. Returns the
 * line, or 0 when it has no counterpart (deleted, or new since). */
typedef int dbg_line_fn(void *arg, const char *file, unsigned generation, int line, bool to_current);
/* Installs the translator (NULL: lines never moved). Every line the
 * debugger shows (stops, bt, threads, breakpoints) goes through it, and
 * every line the user gives (break, until, jump) comes back through it
 * into each generation that has code for the file. */
void dbg_set_line_translator(struct dbg *dbg, dbg_line_fn *fn, void *arg);
/* Marks the code at [low, high) as replaced by generation gen: frames
 * running in it are superseded `<updN>` (a later mark of the same range
 * wins). 0 or -ENOMEM. */
int dbg_code_replaced(struct dbg *dbg, uint64_t low, uint64_t high, unsigned gen);
/* Removes every replaced mark (Edit and Continue was reverted). */
void dbg_code_replaced_clear(struct dbg *dbg);
/* Says why the frame of thread tid whose CFA is cfa stays in its old code
 * (shown with it until that frame is gone or not superseded any more);
 * NULL forgets it. 0 or -ENOMEM. */
int dbg_frame_note(struct dbg *dbg, pid_t tid, uint64_t cfa, const char *reason);

/* Called when a frame returns into the code at a watched return address
 * (the thread is the current one, all threads stopped); return true to
 * stop the program there (an INFERIOR_STOPPED follows), false to go on.
 * It may move the thread (an upgraded frame): a step in progress then ends
 * where the thread is. */
typedef bool dbg_return_fn(struct dbg *dbg, pid_t tid, void *arg);
/* Watches for the frame of thread tid whose callee returns to addr with the
 * stack above frame_sp (the callee's CFA): calls fn once, then forgets the
 * watch (free_fn(arg), if not NULL, when it is dropped without being
 * called: the process ended). Returns an id (< 0), or 0 when it cannot. */
int dbg_on_return(struct dbg *dbg, pid_t tid, uint64_t addr, uint64_t frame_sp, dbg_return_fn *fn,
		  void (*free_fn)(void *arg), void *arg);
/* Drops watch id without calling anything (arg stays the caller's). */
void dbg_on_return_cancel(struct dbg *dbg, int id);
/* Single-steps the stopped current thread to the start of the next
 * statement (an is_stmt row); 0, or negative (the process ended...). */
int dbg_step_to_statement(struct dbg *dbg);
/* Single-steps one instruction of the stopped current thread, the others
 * staying stopped (an int3 of ours under the PC is stepped over). 0, or
 * negative (the process ended). */
int dbg_step_insn_now(struct dbg *dbg);
/* Resolves every user breakpoint again (new code may hold its line). */
void dbg_break_refresh(struct dbg *dbg);
/* The program's own module: its run-time address range. */
int dbg_program_range(struct dbg *dbg, uint64_t *low, uint64_t *high);
/* The run-time address range of the module (the program or a shared
 * library, not loaded code) that addr is in; -ENOENT when none is. */
int dbg_module_range(struct dbg *dbg, uint64_t addr, uint64_t *low, uint64_t *high);
/* Runs system call nr with args in the stopped current thread (a `syscall`
 * instruction is written at its PC for one step, then everything restored);
 * *ret gets the kernel's return value (negative errno on failure). */
int dbg_inject_syscall(struct dbg *dbg, long nr, const long args[6], long *ret);

/*
 * Expressions and values (a C subset, evaluated on DWARF): variables by
 * scope at the selected frame's PC (innermost block first), then the file's
 * statics, then globals; literals, arithmetic, comparison and logic, `.`
 * `->` `[]`, unary `*` `&` `-` `!` `~`, casts, sizeof, `?:` and assignment
 * (which writes the program's memory or register). Values are printed the
 * way gdb prints them. Text returned in *out is the caller's to free.
 */
/* Evaluates expr in the selected frame; *out gets its value's text. 0, or
 * negative with *errmsg ("No symbol \"x\" in current context.", "A syntax
 * error in expression, near `...'.", "Cannot access memory at address
 * 0x..."). Works with no process for constants and sizeof. */
int dbg_eval(struct dbg *dbg, const char *expr, char **out, char **errmsg);
/* The next number of the value history (gdb's $N), from 1. */
unsigned dbg_history_next(struct dbg *dbg);
/* The selected frame's local variables, innermost block first, one
 * "name = value" per line (gdb's `info locals`); "" when there are none. */
int dbg_locals(struct dbg *dbg, char **out, char **errmsg);
/* The selected frame's function's parameters, one "name = value" per line
 * (gdb's `info args`); "" when it has none. */
int dbg_args(struct dbg *dbg, char **out, char **errmsg);
/* The value the function whose code holds func_pc has just returned (the
 * program stopped right after its return): from rax/rdx/xmm0 or the memory
 * rax points to. -ENODATA when it returns void. */
int dbg_return_value(struct dbg *dbg, uint64_t func_pc, char **out, char **errmsg);
/* The parameters of frame f (from dbg_backtrace; innermost: it is frame 0)
 * as gdb's backtrace shows them, "x=1, s=0x4006f4 \"hi\"", aggregates as
 * "...". *out (caller frees) is "" for a function without parameters or
 * debug information. 0 or negative. */
int dbg_frame_args(struct dbg *dbg, const struct dbg_frame *f, bool innermost, char **out);
/* A dbg_cond_fn: expr's value is non-zero (1), zero (0), or an error. */
int dbg_eval_condition(struct dbg *dbg, const char *expr, void *arg, char **errmsg);

/* Hardware watchpoints in the debug registers (x86-64: four), set in every
 * thread of the running program; numbered with the breakpoints. A hit
 * stops with INFERIOR_STOPPED reason=watchpoint breakpoint=ID after a
 * MESSAGE with the old and new values. */
enum dbg_watch_kind {
	DBG_WATCH_WRITE,  /* watch: stops when a write changes the value */
	DBG_WATCH_READ,   /* rwatch: stops on reads (x86 also counts writes) */
	DBG_WATCH_ACCESS, /* awatch: stops on reads and writes */
};
/* Watches the lvalue expr (1, 2, 4 or 8 bytes, aligned); *id gets its
 * number. 0 or negative with *errmsg. */
int dbg_watch(struct dbg *dbg, const char *expr, enum dbg_watch_kind kind, int *id, char **errmsg);
/* Removes watchpoint id; -ENOENT when there is none. */
int dbg_watch_delete(struct dbg *dbg, int id, char **errmsg);
/* The watchpoint ids in use, into ids[DBG_WATCH_MAX]; returns the count. */
#define DBG_WATCH_MAX 4
size_t dbg_watch_list(struct dbg *dbg, int ids[DBG_WATCH_MAX]);

/* Where libdw's objects for the debugged program are, for the evaluator. */
struct Dwfl;
struct Dwfl *dbg_dwfl(struct dbg *dbg);

#endif
