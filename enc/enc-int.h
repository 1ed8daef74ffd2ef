/* Private to enc/: relocatable objects as the apply pipeline sees them
 * (enc-object.c) and the loader that puts one into the program (enc-load.c). */
#ifndef ENCIDE_ENC_INT_H
#define ENCIDE_ENC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gelf.h>
#include <sys/types.h>

#include "enc/enc.h"

struct obj_reloc {
	uint64_t offset;  /* where in its section */
	uint32_t type;    /* R_X86_64_* */
	uint32_t sym;     /* symbol index */
	int64_t addend;   /* A */
};

struct obj_section {
	const char *name;          /* ".text.tick" (owned by the ELF) */
	uint32_t type;             /* SHT_PROGBITS, SHT_NOBITS... */
	uint64_t flags;            /* SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE */
	uint64_t size;             /* bytes */
	uint64_t align;            /* alignment */
	const uint8_t *data;       /* contents (NULL for SHT_NOBITS) */
	struct obj_reloc *relocs;  /* its relocations (owned) */
	size_t nrelocs;            /* how many */
	uint64_t *refs;            /* read-only data: the offsets relocations point at, sorted (owned) */
	size_t nrefs;              /* how many */
};

struct obj_symbol {
	const char *name;   /* as written ("tick", "n.0"; "" for sections) */
	unsigned type;      /* STT_FUNC, STT_OBJECT, STT_SECTION, ... */
	unsigned bind;      /* STB_LOCAL, STB_GLOBAL, STB_WEAK */
	unsigned shndx;     /* its section, SHN_UNDEF, SHN_ABS, SHN_COMMON */
	uint64_t value;     /* offset in its section */
	uint64_t size;      /* bytes */
};

struct obj {
	char *path;                /* the file */
	int fd;                    /* open on it */
	Elf *elf;                  /* libelf's handle */
	struct obj_section *secs;  /* by section index */
	size_t nsecs;              /* how many */
	struct obj_symbol *syms;   /* by symbol index */
	size_t nsyms;              /* how many */
	char *source;              /* the CU's source file (the STT_FILE symbol) */
	struct obj_name *byname;   /* the defined symbols by base name, for obj_find (owned) */
	size_t nbyname;            /* how many */
};

/* A defined symbol under its base name ("n" for "n.0"). */
struct obj_name {
	char *base;                /* the name without gcc's ".NNN" (owned) */
	uint32_t sym;              /* its index */
};

/* Reads the relocatable x86-64 object at path. 0 or negative, *errmsg. */
int obj_open(struct obj **out, const char *path, char **errmsg);
void obj_free(struct obj *o);
/* Index of the defined function or object named name, or -1. */
long obj_find(const struct obj *o, const char *name, unsigned type);
/* The function that uses the static variable at symbol index k (its code
 * refers to it or to its section), or NULL. */
const char *obj_static_owner(const struct obj *o, size_t k);
/* The index of the static variable base ("n" of "n.1") that function func
 * uses, or -1. */
long obj_find_static(const struct obj *o, const char *func, const char *base);
/* A symbol's name with gcc's ".NNN" numbering dropped ("n.0" -> "n"),
 * into buf. */
const char *obj_base_name(const char *name, char *buf, size_t size);
/* The name a relocation's target is known by across compiles: a symbol's
 * base name, or for a section symbol the section's name. */
const char *obj_target_name(const struct obj *o, uint32_t sym, char *buf, size_t size);
/* True when symbol a of object x and symbol b of object y have the same
 * bytes and relocations (same types and target names; read-only data that
 * says the same). Immediates that differ are allowed where moved(arg, old,
 * new) holds (a __LINE__ that only moved): *lines_moved says so then. */
bool obj_same_code(const struct obj *x, size_t a, const struct obj *y, size_t b,
		   bool (*moved)(void *arg, int64_t was, int64_t now), void *arg, bool *lines_moved);

/* True when variable a of object x and variable b of object y have the
 * same initialiser: bytes, and the pointers in it (targets by name, a
 * string literal by what it says). */
bool obj_same_data(const struct obj *x, size_t a, const struct obj *y, size_t b);

/* One named type's layout, or one function's signature, in a compile
 * (enc-types.c). */
struct type_sig {
	char *name;  /* "struct point", "typedef count_t", "function f" */
	char *sig;   /* its layout (or signature) as a string */
};

/* The named types of the object at path, sorted by name; *out is freed with
 * types_free(). 0, -ENODATA (no DWARF) or -ENOMEM. */
int types_read(const char *obj_path, struct type_sig **out, size_t *n);
void types_free(struct type_sig *v, size_t n);
/* The name of the first type both lists have with different layouts, or
 * NULL (the string is a's). Functions ("function f") are not compared. */
const char *types_changed(const struct type_sig *a, size_t na, const struct type_sig *b, size_t nb);
/* The signature of the entry named name ("function f", "struct point"), or
 * NULL. */
const char *types_sig(const struct type_sig *v, size_t n, const char *name);

/* Where each symbol of an object goes when it is loaded. */
struct load_plan {
	uint64_t *addr;    /* per symbol: a fixed run-time address, or 0 */
	bool *load;        /* per section: copy it into the program */
	/* An undefined symbol neither the program nor its libraries define
	 * (used by section user): its address, 0; or negative with *errmsg.
	 * NULL: it is refused. */
	int (*undefined)(void *arg, const char *name, const char *user, uint64_t *addr, char **errmsg);
	void *undefined_arg;  /* its argument */
	uint64_t near;     /* an address in the module the code belongs to (a
			      shared library the project builds), 0: the program */
};

/* A loaded object: its region in the program. */
struct load_result {
	uint64_t base;         /* start of the region */
	uint64_t size;         /* its length */
	uint64_t *sec_addr;    /* per section: run-time address (0: not loaded) */
	size_t nsecs;          /* entries in sec_addr */
	uint64_t *refs;        /* the addresses outside the region its relocations bind to, sorted (owned) */
	size_t nrefs;          /* how many */
};

/* Maps a region near the program, lays out the sections plan->load marks,
 * relocates them (symbols with a plan address are bound there; others go to
 * their loaded section; undefined ones are looked up in the program and its
 * libraries), writes them, and makes the region W^X. On failure nothing is
 * left mapped. */
int load_object(struct dbg *dbg, const struct obj *o, const struct load_plan *plan,
		struct load_result *out, char **errmsg);
/* Unmaps a loaded region (after a failure later in the pipeline). */
void load_undo(struct dbg *dbg, const struct load_result *r);
/* Frees what a load_result owns (not the region). */
void load_result_release(struct load_result *r);

/* Pointers into a region (enc-refs.c): calls fn for every value in [low,
 * high) the stopped program keeps: in a writable mapping's aligned word
 * (where: its address; also glibc's mangled words), a thread's register or
 * a signal handler (where: 0); what says which. saved_pc: the word is a
 * place to resume (setjmp), which may be anywhere in a function; any other
 * pointer to code is to a function's entry (a return address left in the
 * red zone or a frame's padding is not a pointer). 0 or negative. */
typedef void ref_fn(void *arg, uint64_t value, uint64_t where, bool saved_pc, const char *what);
int refs_scan(struct dbg *dbg, uint64_t low, uint64_t high, ref_fn *fn, void *arg);

/* Moving one frame (enc-frame.c): the stopped top frame of the current
 * thread, which runs the old code of func at [old_entry, old_entry +
 * old_size) compiled as old_obj, to the newest code at new_entry (new_obj). */
struct frame_job {
	const char *func;        /* the function */
	const char *old_obj;     /* the object of the code the frame runs */
	uint64_t old_entry;      /* where that code starts */
	uint64_t old_size;       /* its length */
	const char *new_obj;     /* the object of the newest code */
	uint64_t new_entry;      /* where it starts */
	size_t (*map)(void *arg, int line); /* old line -> new line (0: deleted) */
	void *arg;               /* map's argument */
};

enum frame_outcome {
	FRAME_MOVED,    /* it runs the new code now (old_line -> new_line) */
	FRAME_AT_ENTRY, /* at the entry: the redirect there takes it */
	FRAME_WAITS,    /* stepped to a call: it waits for it (wait_pc, wait_sp) */
	FRAME_LEFT,     /* it returned while it was stepped */
	FRAME_STAYS,    /* it cannot move: reason */
};

struct frame_result {
	enum frame_outcome outcome; /* what happened */
	int old_line, new_line;     /* FRAME_MOVED: its statement's line, old and new */
	bool moved;                 /* the point of execution moved (its line was deleted) */
	uint64_t wait_pc, wait_sp;  /* FRAME_WAITS: the return address, the stack there */
	char *reason;               /* FRAME_STAYS: why (caller frees) */
};

/* Steps the frame to the start of a statement (never into a call), then
 * moves it: the statement through map, the variables by name and type, rsp
 * to the new frame size. 0 with res filled (res->reason freed by the
 * caller), or negative with res->outcome FRAME_STAYS and the reason: the
 * frame stays in its old code. */
int frame_move(struct dbg *dbg, const struct frame_job *job, struct frame_result *res);

/* One copy of a function's code: the program's own, or a generation's. */
struct fcopy {
	uint64_t entry;   /* its first byte */
	uint64_t size;    /* its length */
	unsigned gen;     /* 0: the program as built; N: updN */
	char *object;     /* the object whose DWARF describes it (owned) */
};

/* A function Edit and Continue changed or added: every copy of its code,
 * oldest first; the last is the one that runs (the others' entries jump to
 * it). */
struct patched {
	char *name;            /* as in the source */
	char *cu;              /* its source file (for static functions), else NULL */
	struct fcopy *copies;  /* oldest first */
	size_t ncopies;        /* how many */
	bool in_image;         /* copies[0] is the program's own code */
	struct code_bytes *orig; /* the image's entry bytes before the first redirect (revert) */
	size_t norig;          /* how many writes */
};

/* Bytes of the program's code as they were before encide wrote there. */
struct code_bytes {
	uint64_t addr;         /* where */
	uint8_t bytes[16];     /* what was there */
	size_t len;            /* how many */
};

/* One TU's code and data one generation loaded. */
struct gen_region {
	struct load_result r;  /* where (owned sec_addr) */
	char *object;          /* its object: the debugger's module name (owned) */
	unsigned gen;          /* the generation */
	bool obsolete;         /* a revert made it useless: released once no frame runs it */
	bool released;         /* unmapped, its module forgotten */
	char *kept;            /* obsolete but kept: why (a pointer into it...), or NULL (owned) */
};

/* A variable an earlier generation added: later ones bind to it. */
struct added_var {
	char *name;        /* as in the source */
	char *cu;          /* its source file when file-local, else NULL */
	char *func;        /* the function whose static it is, else NULL */
	uint64_t addr;     /* its storage in that generation's region */
};

/* The newest object of a TU. */
struct tu_obj {
	char *source;      /* the TU's source, absolute */
	char *object;      /* its newest object: gen/000's copy of the build's, then each generation's */
	char *built;       /* gen/000's copy of the build's object (what revert goes back to) */
	unsigned gen;      /* the generation object was compiled as (its source's lines) */
	struct type_sig *types; /* object's types and functions, once read (the next apply's old ones) */
	size_t ntypes;     /* how many */
};

struct upgrade;

/* A function of libc_nonshared.a loaded for new code (enc-nonshared.c). */
struct support {
	char *name;        /* "atexit" */
	uint64_t addr;     /* where it is in the program */
	size_t region;     /* the region it was loaded into (enc->regions) */
};

struct enc {
	struct dbg *dbg;          /* the program */
	struct project *proj;     /* its build graph */
	struct bus *bus;          /* where results go */
	struct enc_lines lines;   /* how lines moved between generations */
	unsigned gen;             /* generations applied */
	struct patched *funcs;    /* functions redirected or added so far */
	size_t nfuncs;            /* how many */
	struct added_var *vars;   /* variables added so far */
	size_t nvars;             /* how many */
	struct tu_obj *objs;      /* per TU applied: its newest object */
	size_t nobjs;             /* how many */
	struct gen_region *regions; /* every generation's regions */
	size_t nregions;          /* how many */
	bool reverted;            /* the program runs its own code again (revert) */
	struct upgrade **waiting; /* superseded frames waiting for a return */
	size_t nwaiting;          /* how many */
	int fail_at;              /* test-only: the step that fails (0: none) */
	pid_t moved_tid;          /* the last apply moved this thread off a deleted line */
	bool collect;             /* follow_threads runs: frames left in old code are listed */
	char **stale;             /* those frames' functions (follow_stale_frames takes them) */
	size_t nstale;            /* how many */
	char *nonshared;          /* the compiler's libc_nonshared.a, or NULL */
	bool nonshared_asked;     /* the compiler was asked where it is */
	struct support *support;  /* members of it loaded so far */
	size_t nsupport;          /* how many */
};

/* enc-apply.c, for enc-revert.c */
/* Writes code bytes, stepping threads out of them first and logging what
 * was there in *log (NULL: no log). */
struct undo_log {
	struct code_bytes *v;  /* in the order written */
	size_t n;              /* how many */
};
int enc_code_write(struct enc *enc, struct undo_log *log, uint64_t addr, const void *buf, size_t len);
/* Redirects the function entry at entry to target (logged). */
int enc_redirect(struct enc *enc, struct undo_log *log, uint64_t entry, uint64_t target, char **errmsg);
/* Puts back and frees what the log wrote. */
void enc_undo(struct enc *enc, struct undo_log *log);
/* Appends a copy to p (object is duplicated). 0 or -ENOMEM. */
int enc_copy_add(struct patched *p, uint64_t entry, uint64_t size, unsigned gen, const char *object);
/* Sets *errmsg from a format; returns err. */
int enc_fail(char **errmsg, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* libc_nonshared.a (enc-nonshared.c): where the function name (used by
 * section user) is when neither the program nor its libraries define it
 * but the archive the compiler links with does: its member is loaded into
 * the program as a region of generation gen (extracted into dir), once.
 * 0, or negative with *errmsg. */
struct nonshared_ctx {
	struct enc *enc;        /* the engine */
	const char *compiler;   /* the TU's compiler (asked where the archive is) */
	const char *dir;        /* the generation's folder */
	unsigned gen;           /* the generation */
};
int nonshared_resolve(void *ctx, const char *name, const char *user, uint64_t *addr, char **errmsg);
/* Unloads and forgets the regions from index nregions on (a failed apply). */
void nonshared_undo(struct enc *enc, size_t nregions);

/* Frames after an apply (enc-follow.c). */
/* The copy of a function whose code holds pc, or NULL; *p its function. */
const struct fcopy *follow_copy_at(struct enc *enc, uint64_t pc, struct patched **p);
/* Every thread's frames that run replaced code: each top frame moves to the
 * newest code (or waits for its call), the others wait for their callee to
 * return and move then (FRAME_REMAPPED, FRAME_SUPERSEDED). */
void follow_threads(struct enc *enc);
/* The functions whose frames the last follow_threads() left in replaced
 * code (a NULL-terminated list the caller frees with its strings). */
char **follow_stale_frames(struct enc *enc, size_t *n);
/* Drops every waiting frame's watch (the engine is freed). */
void follow_cancel(struct enc *enc);
/* Moves threads whose PC is inside (low, high) out of it, one instruction
 * at a time (code is about to be written there). 0 or negative. */
int follow_clear_range(struct enc *enc, uint64_t low, uint64_t high);

#endif
