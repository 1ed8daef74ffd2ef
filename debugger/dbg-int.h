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
	int num;                      /* gdb's thread number: 1 the first, never reused */
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
	pid_t tid;               /* internal: only this thread's hits count (0: any) */
	bool deleted;            /* swept at the next stop */
	bool found;              /* a user's, resolved at least once */
	bool pending;            /* a user's, not found in the process as it is: set when a
				    shared library that has it is loaded */
	bool solib;              /* internal: the dynamic linker's r_brk (_dl_debug_state),
				    called when it has mapped or unmapped libraries */
};

/* A line table row, biased to run-time addresses. */
struct dbg_row {
	uint64_t addr;    /* first address of the row */
	int line;         /* source line */
	unsigned file;    /* index into dbg_module.files */
	bool is_stmt;     /* a statement boundary */
	bool end;         /* end of a sequence (addr is one past the code) */
};

/* A defined function or variable of a module's symbol table, for look-ups
 * by name (dbg-symbols.c: a scan of glibc's table per look-up, and each
 * apply makes libdwfl read every table anew, cost an apply milliseconds). */
struct dbg_sym {
	char *name;        /* without a version ("stdout" of "stdout@GLIBC_2.2.5"; owned) */
	const char *file;  /* the STT_FILE symbol before it (in the module's symfiles), or NULL */
	uint64_t addr;     /* its address in the process */
	uint64_t size;     /* st_size */
	uint32_t k;        /* its index in the table: look-ups keep that order */
	unsigned char type; /* STT_FUNC, STT_OBJECT, STT_TLS, STT_GNU_IFUNC */
	unsigned char bind; /* STB_LOCAL, STB_GLOBAL, STB_WEAK */
	bool versioned;    /* the table's name had "@VERSION" */
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
	struct dbg_sym *syms; /* its symbols by name, then index (NULL: none) */
	size_t nsyms;      /* entries */
	char **symfiles;   /* the STT_FILE names syms point to (owned) */
	size_t nsymfiles;  /* entries */
	bool syms_read;    /* syms was built (even if empty) */
	/* Loaded code (dbg_add_code): libdwfl lays the relocatable file out
	 * at addresses of its own; these translate to where it really is. */
	uint64_t *layout;  /* per section: libdwfl's address (sh_addr), or NULL */
	uint64_t *placed;  /* per section: the real address, 0 if not loaded */
	uint64_t *sizes;   /* per section: size */
	size_t nsecs;      /* entries in the three */
	size_t *placed_order; /* the loaded sections' indices by layout address */
	size_t nplaced_order; /* entries */
	unsigned generation; /* Edit and Continue generation of its code (0: as built) */
};

/* Code Edit and Continue replaced: frames in it are superseded (dbg-code.c). */
struct dbg_replaced {
	uint64_t low, high;  /* the old code */
	unsigned gen;        /* the generation that replaced it */
};

/* Why a superseded frame stays in its old code (dbg-code.c). */
struct dbg_note {
	pid_t tid;           /* its thread */
	uint64_t cfa;        /* the frame */
	char *reason;        /* the text (owned) */
};

/* A frame waiting for its callee to return (dbg_on_return). */
struct dbg_return_watch {
	int id;                   /* the internal breakpoint */
	dbg_return_fn *fn;        /* what to call */
	void (*free_fn)(void *);  /* frees arg when dropped uncalled, or NULL */
	void *arg;                /* its argument */
};

/* Types of the program (dbg-value.c). */
enum dbg_tkind {
	DBG_T_VOID,    /* void, or a type we cannot read */
	DBG_T_INT,     /* integers and characters (is_char) */
	DBG_T_BOOL,    /* _Bool */
	DBG_T_FLOAT,   /* float, double, long double */
	DBG_T_ENUM,    /* an enumeration (die has its enumerators) */
	DBG_T_PTR,     /* a pointer to target */
	DBG_T_ARRAY,   /* count elements of target */
	DBG_T_STRUCT,  /* a struct (die has its members) */
	DBG_T_UNION,   /* a union (die has its members) */
	DBG_T_FUNC,    /* a function returning target (die has its parameters) */
	DBG_T_TYPEDEF, /* name for target */
};

#define DBG_Q_CONST 1u    /* const-qualified */
#define DBG_Q_VOLATILE 2u /* volatile-qualified */

struct dbg_type {
	enum dbg_tkind kind;     /* what it is */
	const char *name;        /* base type, tag or typedef name; NULL if none */
	size_t size;             /* bytes */
	bool is_signed;          /* integers: signed */
	bool is_char;            /* integers: a character type (printed 65 'A') */
	unsigned quals;          /* DBG_Q_* */
	struct dbg_type *target; /* pointee, element, typedef's type, return type */
	size_t count;            /* array elements */
	bool has_die;            /* read from DWARF: die is valid */
	Dwarf_Die die;           /* the DIE it was read from (members, enumerators...) */
};

/* A hardware watchpoint: debug register DRn of every thread watches len
 * bytes at addr (dbg-watch.c). */
#define DBG_NWATCH DBG_WATCH_MAX /* x86-64 has DR0..DR3 */
/* A struct, union or enum that one CU only declares ("struct lua_State;")
 * and another defines: the definition, found once by name (dbg-value.c). */
struct dbg_opaque {
	Dwarf *dw;        /* the debug information searched */
	int tag;          /* DW_TAG_structure_type, _union_type, _enumeration_type */
	char *name;       /* its tag name (owned) */
	bool found;       /* a definition exists: die is it */
	Dwarf_Die die;    /* the definition */
};

struct dbg_watch {
	int id;              /* the user's number (shared with breakpoints), 0: free slot */
	enum dbg_watch_kind kind; /* what stops */
	pid_t pid;           /* the process it was set in */
	uint64_t addr;       /* the watched bytes */
	size_t len;          /* 1, 2, 4 or 8 */
	uint8_t old[8];      /* their value at the last stop */
	char expr[128];      /* as the user wrote it (cut to fit) */
	uint64_t type_mod;   /* low address of the module whose DWARF has the type, or 0 */
	uint64_t type_off;   /* the type's DIE offset in that module */
	struct dbg_type base; /* the type when it is not from DWARF (target NULL) */
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
	char *library_path;         /* put before LD_LIBRARY_PATH for the program, or NULL */
	char *redirect[3];          /* the next run's stdin, stdout, stderr files, or NULL */
	bool redirect_append[3];    /* >> rather than > */
	enum dbg_state state;       /* idle, running, stopped */
	pid_t pid;                  /* the process, or 0 */
	bool attached;              /* attached to (not launched by) us */
	int sigchld_id;             /* loop signal handler */
	int pty;                    /* the program's terminal, master side */
	struct dbg_thread *threads; /* known threads, main first */
	size_t nthreads;            /* entries in threads */
	int last_thread_num;        /* the number the newest thread got */
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
	unsigned history;           /* values printed so far (gdb's $N) */
	struct dbg_watch watches[DBG_NWATCH]; /* hardware watchpoints, by debug register */
	struct dbg_signal_action sigs[DBG_NSIG]; /* per signal: stop, print, pass (gdb's handle) */
	struct dbg_opaque *opaque;  /* complete types found for declared-only ones */
	size_t nopaque;             /* entries in opaque */
	bool sigs_set;              /* sigs holds the defaults or the user's choices */
	dbg_line_fn *line_fn;       /* Edit and Continue's line translator, or NULL */
	void *line_arg;             /* its argument */
	struct dbg_replaced *replaced; /* code later generations replaced */
	size_t nreplaced;           /* entries in replaced */
	struct dbg_note *notes;     /* why superseded frames stay */
	size_t nnotes;              /* entries in notes */
	struct dbg_return_watch *rwatch; /* frames waiting for a return */
	size_t nrwatch;             /* entries in rwatch */
};

/* dbg-inferior.c */
struct dbg_thread *dbg_thread_find(struct dbg *dbg, pid_t tid);
/* DWARF register regno of the current thread itself (frame 0, whatever
 * frame is selected). 0 or negative. */
int dbg_thread_reg(struct dbg *dbg, unsigned regno, uint64_t *value);
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
/* The current thread of a stopped program, its registers read, into
 * *out: 0, -ESRCH (not stopped, no thread) or dbg_regs()'s error. */
int dbg_stopped_regs(struct dbg *dbg, struct dbg_thread **out);
/* Whether the program loads shared libraries of its own (a build tree's),
 * whose functions are not known before it runs: it names a RUNPATH or an
 * RPATH, or a library path was set for it (dbg_set_library_path). */
bool dbg_program_own_libraries(struct dbg *dbg);
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
/* The entry of every copy of function name: the program's (or a library's)
 * first, then each Edit and Continue generation's. *out is the caller's;
 * returns the count or -ENOMEM. */
ssize_t dbg_function_addresses(struct dbg *dbg, const char *name, uint64_t **out);
/* Every is_stmt address of file:line where a line begins a block (first
 * row of each run on that line); resolves a short file name by suffix.
 * *out is the caller's to free; returns the count (0: no code there). */
/* True when a module's line table names a source file matching file (the
 * same path, or a path ending in "/" + file). */
bool dbg_file_known(struct dbg *dbg, const char *file);
ssize_t dbg_line_addresses(struct dbg *dbg, const char *file, int line, uint64_t **out, const char **file_out);

/* What the debugger shows of a PC (dbg-symbols.c): struct dbg_frame's
 * rules for file, lines, generation and superseded. */
struct dbg_pcinfo {
	const char *file;     /* source file (module string), or NULL */
	const char *function; /* function, or NULL */
	int code_line;        /* the line in its generation's source, 0 unknown */
	int now_line;         /* that line in the current text, 0 if none */
	int line;             /* the one to show */
	unsigned generation;  /* its code's generation */
	unsigned superseded;  /* the generation that replaced it, or 0 */
};
void dbg_pc_info(struct dbg *dbg, uint64_t pc, struct dbg_pcinfo *w);

/* The libdwfl module to read DWARF at pc, and the address to use there
 * (*dwarf_pc): code Edit and Continue loaded is laid out by libdwfl at
 * addresses of its own (*code gets its module then, else NULL). */
Dwfl_Module *dbg_dwarf_at(struct dbg *dbg, uint64_t pc, uint64_t *dwarf_pc, struct dbg_module **code);
/* Where variable name (of the CU of source cu_file) really is, for a
 * DW_OP_addr of loaded code at libdwfl's address addr: its loaded section,
 * else the storage it was bound to (an earlier generation's, the
 * program's). 0 when unknown. */
uint64_t dbg_code_var_address(struct dbg *dbg, struct dbg_module *code, uint64_t addr, const char *name,
			      const char *cu_file);

/* dbg-code.c */
/* The generation that replaced the code at pc, or 0. */
unsigned dbg_code_superseded(struct dbg *dbg, uint64_t pc);
/* Line translation for a module of generation gen (identity with no
 * translator): to_current, gen's line -> now; else now -> gen's line. */
int dbg_code_line(struct dbg *dbg, const char *file, unsigned gen, int line, bool to_current);
/* The note of the frame (tid, cfa), or NULL. */
const char *dbg_note_find(struct dbg *dbg, pid_t tid, uint64_t cfa);
/* Forgets replaced ranges, notes and return watches (the process is gone). */
void dbg_code_process_gone(struct dbg *dbg);

/* dbg-break.c */
/* Runs the return watches of thread t at its PC (a single step landed on
 * one): true when one ran (it may have moved the thread). */
bool dbg_break_watch_fire(struct dbg *dbg, struct dbg_thread *t);
/* Plants every enabled breakpoint's int3 (resolving pending ones). */
void dbg_break_insert_all(struct dbg *dbg);
/* Takes every int3 out (before detach, after exit). */
void dbg_break_remove_all(struct dbg *dbg);
/* The breakpoint site at addr, or NULL. */
struct dbg_bp *dbg_break_at(struct dbg *dbg, uint64_t addr);
/* An internal breakpoint at addr; returns its id (< 0) or 0 on failure. */
int dbg_break_internal(struct dbg *dbg, uint64_t addr, uint64_t frame_sp, dbg_bp_hit_fn *hit);
/* Plants the shared-library event breakpoint on the dynamic linker's
 * _dl_debug_state (a new process's): pending breakpoints are set when a
 * library that has them is mapped. False when there is no such function
 * (a static program). */
bool dbg_break_solib(struct dbg *dbg);
void dbg_break_internal_delete(struct dbg *dbg, int id);
/* An internal breakpoint's info (address: where it is), or NULL. */
const struct dbg_bp_info *dbg_break_internal_info(struct dbg *dbg, int id);
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

/*
 * dbg-value.c, dbg-eval.c: types, values and expressions. One evaluation is
 * one struct dbg_ev: everything it allocates (types, values, strings) lives
 * in its arena and goes with dbg_ev_release(). DIEs in it are valid only
 * while the evaluation runs (a refresh of the modules ends them).
 */
enum dbg_where {
	DBG_V_TEMP, /* computed: only bytes */
	DBG_V_MEM,  /* in the program's memory at addr */
	DBG_V_REG,  /* in DWARF register regno of the selected frame */
};

struct dbg_value {
	struct dbg_type *type;   /* its type */
	enum dbg_where where;    /* where it lives */
	uint64_t addr;           /* DBG_V_MEM: its address */
	unsigned regno;          /* DBG_V_REG: the register */
	uint8_t *bytes;          /* its contents once read (type->size bytes), or NULL */
	unsigned bit_size;       /* a bit-field's width, 0 otherwise */
	unsigned bit_offset;     /* a bit-field's first bit from addr */
};

/* A growing string. */
struct dbg_str {
	char *s;      /* the text (NUL-terminated), or NULL before the first add */
	size_t len;   /* its length */
	size_t cap;   /* allocated */
	bool oom;     /* an allocation failed: the text is incomplete */
};

struct dbg_ev {
	struct dbg *dbg;         /* the debugger */
	void **mem;              /* arena: every allocation */
	size_t nmem, capmem;     /* used, allocated */
	int err;                 /* the first failure (negative), or 0 */
	char *errmsg;            /* its message (owned) */
	bool no_side_effects;    /* sizeof's operand: no reads, no writes */
	/* The scope: the selected frame. */
	bool have_frame;         /* the program is stopped and these are set */
	uint64_t pc;             /* the frame's PC (a caller's: its call) */
	uint64_t cfa;            /* the frame's canonical frame address */
	Dwfl_Module *mod;        /* the module of pc, or NULL */
	struct dbg_module *code; /* pc is in code Edit and Continue loaded (pc is then libdwfl's address) */
	Dwarf_Addr bias;         /* its bias */
	Dwarf_Die cu;            /* the CU of pc (when scopes) */
	Dwarf_Die *scopes;       /* innermost block out to the CU (libdw's, freed) */
	int nscopes;             /* entries in scopes, 0 when no debug info at pc */
	bool outer;              /* a caller's frame: only these registers are known */
	uint64_t outer_pc, outer_sp, outer_fp; /* its PC (return address), rsp, rbp */
};

/* dbg-value.c */
void *dbg_ev_alloc(struct dbg_ev *ev, size_t size);
char *dbg_ev_strdup(struct dbg_ev *ev, const char *s);
/* Records the first failure of ev with its message; returns err. */
int dbg_ev_fail(struct dbg_ev *ev, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void dbg_ev_release(struct dbg_ev *ev);
void dbg_str_add(struct dbg_str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dbg_str_addn(struct dbg_str *s, const char *text, size_t len);
/* The type a DWARF type DIE describes (NULL die: void). */
struct dbg_type *dbg_type_from_die(struct dbg_ev *ev, Dwarf_Die *die);
/* A type of our own: base (DBG_T_INT, _BOOL, _FLOAT, _VOID) or pointer. */
struct dbg_type *dbg_type_base(struct dbg_ev *ev, enum dbg_tkind kind, const char *name, size_t size,
			       bool is_signed);
struct dbg_type *dbg_type_pointer(struct dbg_ev *ev, struct dbg_type *target);
/* Through typedefs to the type itself. */
struct dbg_type *dbg_type_strip(struct dbg_type *t);
/* The type as C writes it ("int", "struct pair *", "int (*)(int, int)"). */
char *dbg_type_name(struct dbg_ev *ev, struct dbg_type *t);
/* Reads v's bytes (once). 0 or negative ("Cannot access memory..."). */
int dbg_value_fetch(struct dbg_ev *ev, struct dbg_value *v);
/* Appends v as gdb prints it; top: a pointer gets its type in front. */
int dbg_value_format(struct dbg_ev *ev, struct dbg_value *v, struct dbg_str *out, bool top);
/* An integer, bool, enum, char or pointer value as 64 bits (sign-extended). */
int dbg_value_int(struct dbg_ev *ev, struct dbg_value *v, int64_t *out);

/* Forgets the types found for declarations (the debug information they
 * point into is going away). */
void dbg_types_forget(struct dbg *dbg);

/* dbg-eval.c */
/* Starts an evaluation in the selected frame (no frame: globals only). */
void dbg_ev_begin(struct dbg_ev *ev, struct dbg *dbg);
/* DWARF register regno in ev's frame: the thread's own for the innermost
 * frame; for a caller only rip, rsp and rbp (what the unwinder recovered),
 * -ENOENT for the others. */
int dbg_ev_reg(struct dbg_ev *ev, unsigned regno, uint64_t *out);
/* Parses and evaluates expr into *out (in ev's arena). 0 or negative. */
int dbg_ev_eval(struct dbg_ev *ev, const char *expr, struct dbg_value **out);

/* dbg-watch.c */
/* Thread t stopped with TRAP_HWBKPT: -1 when no watchpoint of ours fired,
 * 0 when one did but there is nothing to report (a write of the same
 * value), else the watchpoint's id (its old and new values are on the bus
 * already). Stale watchpoints of an earlier process are dropped first. */
int dbg_watch_hit(struct dbg *dbg, struct dbg_thread *t);

#endif
