/* Private to debugger/: the debugger's state, shared by its files. */
#ifndef ENCIDE_DBG_INT_H
#define ENCIDE_DBG_INT_H

#include <elfutils/libdwfl.h>
#include <sys/user.h>

#include "app/bus.h"
#include "app/loop.h"
#include "debugger/debugger.h"

struct dbg_thread {
	pid_t tid;                    /* kernel thread id */
	bool stopped;                 /* in a ptrace stop we know of */
	bool exited;                  /* gone (kept until the next sweep) */
	int pending_sig;              /* a signal to deliver on resume, or 0 */
	struct user_regs_struct regs; /* its registers while stopped */
	bool regs_valid;              /* regs holds the stopped values */
	bool regs_dirty;              /* regs must be written back on resume */
	uint64_t rehit_pc;            /* stopped before a breakpoint it must still hit */
};

/* One address a breakpoint is planted at. */
struct dbg_site {
	uint64_t addr;  /* where the int3 goes */
	uint8_t saved;  /* the byte it replaced */
	bool inserted;  /* the int3 is in memory */
};

struct dbg_bp;
/* An internal breakpoint's action when hit by tid; return true to stop. */
typedef bool dbg_bp_hit_fn(struct dbg *dbg, struct dbg_bp *bp, struct dbg_thread *t);

struct dbg_bp {
	struct dbg_bp_info info; /* what the user sees (internal: id < 0) */
	char *location;          /* owned copy of info.location */
	char *file;              /* owned copy of info.file */
	char *function;          /* owned copy of info.function */
	char *condition;         /* owned copy of info.condition */
	struct dbg_site *sites;  /* where it is planted */
	size_t nsites;           /* how many */
	dbg_bp_hit_fn *hit;      /* internal breakpoints: what to do */
	uint64_t frame_sp;       /* internal: only hits with rsp above this count */
	bool deleted;            /* swept at the next stop */
};

/* A line table row, biased to run-time addresses. */
struct dbg_row {
	uint64_t addr;    /* first address of the row */
	int line;         /* source line */
	unsigned file;    /* index into dbg_module.files */
	bool is_stmt;     /* a statement boundary */
	bool end;         /* end of a sequence (addr is one past the code) */
};

/* What the debugger knows of one module's code (the executable, a library). */
struct dbg_module {
	Dwfl_Module *mod;  /* libdwfl's module */
	char *name;        /* its file */
	uint64_t low, high; /* its address range */
	struct dbg_row *rows; /* line table, sorted by address (NULL: none) */
	size_t nrows;      /* rows */
	char **files;      /* source files named by rows (absolute when known) */
	size_t nfiles;     /* entries in files */
	bool rows_read;    /* rows was built (even if empty) */
	/* Loaded code (dbg_add_code): libdwfl lays the relocatable file out
	 * at addresses of its own; these translate to where it really is. */
	uint64_t *layout;  /* per section: libdwfl's address (sh_addr), or NULL */
	uint64_t *placed;  /* per section: the real address, 0 if not loaded */
	uint64_t *sizes;   /* per section: size */
	size_t nsecs;      /* entries in the three */
};

/* What a step in progress is waiting for. */
struct dbg_stepping {
	enum dbg_step how;   /* the command */
	bool active;         /* a step is in progress */
	pid_t tid;           /* the thread stepping */
	uint64_t frame_cfa;  /* its frame when the step started */
	uint64_t start_pc;   /* where it started */
	int start_line;      /* the line it started on (0: none) */
	const char *start_file; /* that line's file (module string) */
	uint64_t func_low, func_high; /* the function it started in */
	int return_bp;       /* internal breakpoint at a return address, or 0 */
	int until_bp;        /* until: the breakpoint at the target, or 0 */
};

struct dbg {
	struct loop *loop;          /* the event loop */
	struct bus *bus;            /* where events go */
	char *program;              /* the executable, absolute */
	enum dbg_state state;       /* idle, running, stopped */
	pid_t pid;                  /* the process, or 0 */
	bool attached;              /* attached to (not launched by) us */
	int sigchld_id;             /* loop signal handler */
	int pty;                    /* the program's terminal, master side */
	struct dbg_thread *threads; /* known threads, main first */
	size_t nthreads;            /* entries in threads */
	pid_t current;              /* the thread commands act on */
	size_t frame;               /* the selected frame */
	Dwfl *dwfl;                 /* modules of the live process (or the file) */
	bool dwfl_live;             /* dwfl describes the running process */
	bool dwfl_attached;         /* dwfl_linux_proc_attach was done */
	uint64_t maps_hash;         /* /proc/PID/maps when the modules were read */
	struct dbg_module *mods;    /* modules with line tables */
	size_t nmods;               /* entries in mods */
	struct dbg_bp **bps;        /* breakpoints, user and internal */
	size_t nbps;                /* entries in bps */
	int next_bp_id;             /* the next user id */
	int next_internal_id;       /* the next internal id (negative) */
	struct dbg_stepping step;   /* a step in progress */
	dbg_cond_fn *cond_fn;       /* breakpoint conditions */
	void *cond_arg;             /* its argument */
	unsigned short rows, cols;  /* the program's terminal size */
	bool killing;               /* dbg_kill was asked: the exit is expected */
	bool gone;                  /* the leader's exit was reaped while stopping */
	int gone_status;            /* its wait status */
	char *stop_file;            /* file of the last stop (for "break LINE") */
};

/* dbg-inferior.c */
struct dbg_thread *dbg_thread_find(struct dbg *dbg, pid_t tid);
struct dbg_thread *dbg_thread_current(struct dbg *dbg);
/* Reads tid's registers into its cache (once per stop). */
int dbg_regs(struct dbg *dbg, struct dbg_thread *t);
/* Resumes every thread (PTRACE_CONT), the current one with PTRACE_SINGLESTEP
 * when single. */
int dbg_resume_all(struct dbg *dbg);
/* Single-steps thread t alone (others stay stopped), waiting for it;
 * returns 0, or negative (the process exited: the caller stops). */
int dbg_singlestep(struct dbg *dbg, struct dbg_thread *t);
/* Publishes INFERIOR_STOPPED for t with reason, after draining output. */
void dbg_report_stop(struct dbg *dbg, struct dbg_thread *t, const char *reason, int signo, int bp_id);
/* Reads what the program wrote to its terminal and publishes it. */
void dbg_drain_output(struct dbg *dbg);
/* Sets *errmsg from a format (when errmsg is not NULL); returns err. */
int dbg_fail(char **errmsg, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* dbg-symbols.c */
/* Rebuilds the module list from the live process (or the file when idle). */
int dbg_symbols_refresh(struct dbg *dbg, char **errmsg);
void dbg_symbols_release(struct dbg *dbg);
/* Reads the modules again when the process's mappings changed (a library
 * was loaded): cheap when nothing changed. */
void dbg_symbols_update(struct dbg *dbg);
/* The module holding pc, or NULL. */
struct dbg_module *dbg_module_at(struct dbg *dbg, uint64_t pc);
/* The row holding pc (the last row with addr <= pc in its sequence). */
const struct dbg_row *dbg_row_at(struct dbg *dbg, uint64_t pc, struct dbg_module **mod_out);
/* The function holding pc: its name and [low, high); false if none. */
bool dbg_function_at(struct dbg *dbg, uint64_t pc, const char **name, uint64_t *low, uint64_t *high);
/* The address after the prologue of the function at low (its second line
 * row), or low itself. */
uint64_t dbg_after_prologue(struct dbg *dbg, uint64_t low, uint64_t high);
/* Addresses of the function named name: *low, *high; false if unknown. */
bool dbg_function_by_name(struct dbg *dbg, const char *name, uint64_t *low, uint64_t *high);
/* Every is_stmt address of file:line where a line begins a block (first
 * row of each run on that line); resolves a short file name by suffix.
 * *out is the caller's to free; returns the count (0: no code there). */
/* True when a module's line table names a source file matching file (the
 * same path, or a path ending in "/" + file). */
bool dbg_file_known(struct dbg *dbg, const char *file);
ssize_t dbg_line_addresses(struct dbg *dbg, const char *file, int line, uint64_t **out, const char **file_out);

/* dbg-break.c */
/* Plants every enabled breakpoint's int3 (resolving pending ones). */
void dbg_break_insert_all(struct dbg *dbg);
/* Takes every int3 out (before detach, after exit). */
void dbg_break_remove_all(struct dbg *dbg);
/* The breakpoint site at addr, or NULL. */
struct dbg_bp *dbg_break_at(struct dbg *dbg, uint64_t addr);
/* An internal breakpoint at addr; returns its id (< 0) or 0 on failure. */
int dbg_break_internal(struct dbg *dbg, uint64_t addr, uint64_t frame_sp, dbg_bp_hit_fn *hit);
void dbg_break_internal_delete(struct dbg *dbg, int id);
/* Copies memory without the int3s (the program's own bytes). */
void dbg_break_unpatch(struct dbg *dbg, uint64_t addr, void *buf, size_t len);
/* Thread t stopped with SIGTRAP at a breakpoint (pc already backed up):
 * true when the program should stop and report. */
bool dbg_break_hit(struct dbg *dbg, struct dbg_thread *t, struct dbg_bp *bp);
/* Steps t over the breakpoint at its pc, if there is one. */
int dbg_break_step_over(struct dbg *dbg, struct dbg_thread *t);
/* Forgets addresses (the process is gone); keeps the breakpoints. */
void dbg_break_process_gone(struct dbg *dbg);

/* dbg-step.c */
/* A stop in the middle of a step: returns true when the step is complete
 * (or failed) and the stop must be reported, false when it resumed. */
bool dbg_step_on_stop(struct dbg *dbg, struct dbg_thread *t, bool at_bp);
void dbg_step_cancel(struct dbg *dbg);

#endif
