/* Private to enc/: relocatable objects as the apply pipeline sees them
 * (enc-object.c) and the loader that puts one into the program (enc-load.c). */
#ifndef ENCIDE_ENC_INT_H
#define ENCIDE_ENC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gelf.h>

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
};

/* Reads the relocatable x86-64 object at path. 0 or negative, *errmsg. */
int obj_open(struct obj **out, const char *path, char **errmsg);
void obj_free(struct obj *o);
/* Index of the defined function or object named name, or -1. */
long obj_find(const struct obj *o, const char *name, unsigned type);
/* A symbol's name with gcc's ".NNN" numbering dropped ("n.0" -> "n"),
 * into buf. */
const char *obj_base_name(const char *name, char *buf, size_t size);
/* The name a relocation's target is known by across compiles: a symbol's
 * base name, or for a section symbol the section's name. */
const char *obj_target_name(const struct obj *o, uint32_t sym, char *buf, size_t size);
/* True when symbol a of object x and symbol b of object y have the same
 * bytes and relocations (same types, addends, target names). */
bool obj_same_code(const struct obj *x, size_t a, const struct obj *y, size_t b);

/* One named type's layout in a compile (enc-types.c). */
struct type_sig {
	char *name;  /* "struct point", "typedef count_t" */
	char *sig;   /* its layout as a string */
};

/* The named types of the object at path, sorted by name; *out is freed with
 * types_free(). 0, -ENODATA (no DWARF) or -ENOMEM. */
int types_read(const char *obj_path, struct type_sig **out, size_t *n);
void types_free(struct type_sig *v, size_t n);
/* The name of the first type both lists have with different layouts, or
 * NULL (the string is a's). */
const char *types_changed(const struct type_sig *a, size_t na, const struct type_sig *b, size_t nb);

/* Moves the stopped top frame of the current thread, executing func at
 * old_entry (code compiled as old_obj), to the new code at new_entry
 * (new_obj): the statement through map(arg, old line) -> new line (0:
 * deleted), the variables by name and type (enc-frame.c). 0 with the lines
 * in *old_line and *new_line, or negative with *reason: the frame stays in its
 * old code (nothing was written unless the reason says so). */
int frame_remap(struct dbg *dbg, const char *func, const char *old_obj, uint64_t old_entry,
		const char *new_obj, uint64_t new_entry, size_t (*map)(void *arg, int line), void *arg,
		int *old_line, int *new_line, char **reason);

/* Where each symbol of an object goes when it is loaded. */
struct load_plan {
	uint64_t *addr;    /* per symbol: a fixed run-time address, or 0 */
	bool *load;        /* per section: copy it into the program */
};

/* A loaded object: its region in the program. */
struct load_result {
	uint64_t base;         /* start of the region */
	uint64_t size;         /* its length */
	uint64_t *sec_addr;    /* per section: run-time address (0: not loaded) */
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

#endif
