/* Moving the active frame: the stopped top frame of a function that an
 * apply changed continues in the new code, at the matching statement, with
 * its variables carried over.
 *
 *   old code (object A)                 new code (object B)
 *   line 12  rows r0 r1 r2 ... <- PC    line map: 12 -> 14
 *   ordinal of the PC's row on its      the same ordinal among line 14's
 *   line: 1 (a `for` has four rows)     rows in B -> new PC
 *
 *   frame at -O0:  CFA = rbp + 16; every variable at CFA + its DW_OP_fbreg
 *   offset. Values are read from the old offsets, written to the new ones
 *   (new variables zeroed), then rsp = rbp - the new prologue's `sub $N`.
 *
 * The DWARF of both objects is read through libdwfl (a relocatable file's
 * .debug_* sections need their relocations); addresses are taken relative
 * to the function's start, which is the same in the object and in memory.
 * Anything that does not fit this model is refused with the reason, and
 * the frame stays in its old code (superseded).
 */
#include <capstone/capstone.h>
#include <dwarf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "debugger/debugger.h"
#include "enc/enc-int.h"

static char *debuginfo_path;

static const Dwfl_Callbacks offline = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

static int why(char **reason, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int why(char **reason, const char *fmt, ...)
{
	va_list ap;

	free(*reason);
	va_start(ap, fmt);
	if (vasprintf(reason, fmt, ap) < 0)
		*reason = NULL;
	va_end(ap);
	return -EINVAL;
}

/* A variable of the function: name, frame offset, type, and where it is
 * declared, which tells apart the variables of one name that nested or
 * sibling blocks declare (a loop's `pos` shadowing the function's):
 *
 *   int main(void)             path ""     decl line 8
 *   {   int pos;               .
 *       for (...) {            path "0"    (the for's own block: round)
 *           int pos;           path "0.0"  decl line 12
 *           if (...) {         path "0.0.0"
 *               int step; }
 *           else {             path "0.0.1"
 *               int step; }
 *
 * Between the old and the new frame a name declared once on each side is
 * the same variable; otherwise the one whose declaration's line the line
 * map carries to the new declaration's line, else (blocks unchanged in
 * shape) the one at the same block path. */
struct fvar {
	char name[64];   /* as in the source */
	long long off;   /* DW_OP_fbreg offset from the CFA */
	int reg;         /* or the register that holds it (DWARF number; gcc -O0 keeps a
			  * `register` variable in a callee-saved one), else -1 */
	size_t size;     /* bytes */
	char type[128];  /* the type's name, to compare */
	int decl_line;   /* its declaration's line (0: unknown) */
	bool own_file;   /* declared in the function's file (decl_line maps) */
	char path[64];   /* the block ordinals from the function ("0.1"; "" at the top) */
	Dwarf_Die scope; /* the block (or the function) that declares it */
};

/* One object's view of the function. */
struct fview {
	Dwfl *dwfl;            /* the session that relocated its DWARF */
	Dwarf_Die func;        /* the subprogram */
	Dwarf_Addr low, high;  /* its code (layout addresses) */
	Dwarf_Lines *lines;    /* its CU's line table */
	size_t nlines;         /* rows */
	struct fvar *vars;     /* parameters and locals, all blocks */
	size_t nvars;          /* how many */
	char shape[512];       /* the blocks' nesting, "(()(()()))"; "" if too long */
	size_t shape_len;      /* bytes used in shape */
	bool shape_cut;        /* shape did not fit */
};

static void fview_release(struct fview *v)
{
	free(v->vars);
	if (v->dwfl)
		dwfl_end(v->dwfl);
}

/* The type's name (as enc-types.c prints it) into buf. */
static void type_text(Dwarf_Die *var, char *buf, size_t size)
{
	Dwarf_Attribute attr;
	Dwarf_Die t;
	Dwarf_Word sz = 0;

	if (!dwarf_formref_die(dwarf_attr(var, DW_AT_type, &attr), &t)) {
		snprintf(buf, size, "?");
		return;
	}
	dwarf_aggregate_size(&t, &sz);
	snprintf(buf, size, "%s#%llu", dwarf_diename(&t) ? dwarf_diename(&t) : "<anon>", (unsigned long long)sz);
}

static void shape_put(struct fview *v, char c)
{
	if (v->shape_len + 1 < sizeof(v->shape))
		v->shape[v->shape_len++] = c;
	else
		v->shape_cut = true;
}

/* Collects the variables under die (blocks included) into v; path names
 * die's block. */
static int collect_vars(Dwarf_Die *die, const char *path, struct fview *v, char **reason)
{
	const char *func_file = dwarf_decl_file(&v->func);
	Dwarf_Die child;
	unsigned blocks = 0;

	shape_put(v, '(');
	if (dwarf_child(die, &child) != 0)
		goto out;
	do {
		int tag = dwarf_tag(&child);

		if (tag == DW_TAG_lexical_block) {
			char sub[sizeof(((struct fvar *)0)->path)];

			snprintf(sub, sizeof(sub), "%s%s%u", path, *path ? "." : "", blocks++);
			int err = collect_vars(&child, sub, v, reason);

			if (err < 0)
				return err;
		} else if (tag == DW_TAG_variable || tag == DW_TAG_formal_parameter) {
			Dwarf_Attribute attr;
			Dwarf_Op *ops;
			size_t nops;
			const char *name = dwarf_diename(&child), *file;
			struct fvar *nv;
			Dwarf_Die t;
			Dwarf_Word sz = 0;

			if (!name)
				continue;
			if (!dwarf_attr(&child, DW_AT_location, &attr))
				continue; /* a static local: it lives in the image, nothing to move */
			if (dwarf_getlocation(&attr, &ops, &nops) != 0 || nops == 0)
				return why(reason, "'%s' has a location list or no location", name);
			if (ops[0].atom == DW_OP_addr)
				continue; /* a function-static variable */
			if (nops != 1 || !(ops[0].atom == DW_OP_fbreg || (ops[0].atom >= DW_OP_reg0 &&
			    ops[0].atom <= DW_OP_reg15) || (ops[0].atom == DW_OP_regx && ops[0].number <= 15)))
				return why(reason, "'%s' is not in a frame slot or a register (a VLA?)", name);
			nv = realloc(v->vars, (v->nvars + 1) * sizeof(*nv));
			if (!nv)
				return -ENOMEM;
			v->vars = nv;
			nv = &v->vars[v->nvars++];
			memset(nv, 0, sizeof(*nv));
			snprintf(nv->name, sizeof(nv->name), "%s", name);
			nv->reg = ops[0].atom == DW_OP_fbreg ? -1 : ops[0].atom == DW_OP_regx ? (int)ops[0].number
										 : ops[0].atom - DW_OP_reg0;
			nv->off = nv->reg < 0 ? (long long)ops[0].number : 0;
			if (dwarf_formref_die(dwarf_attr(&child, DW_AT_type, &attr), &t))
				dwarf_aggregate_size(&t, &sz);
			nv->size = sz;
			type_text(&child, nv->type, sizeof(nv->type));
			dwarf_decl_line(&child, &nv->decl_line);
			file = dwarf_decl_file(&child);
			nv->own_file = file && func_file && strcmp(file, func_file) == 0;
			snprintf(nv->path, sizeof(nv->path), "%s", path);
			nv->scope = *die;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
out:
	shape_put(v, ')');
	return 0;
}

/* Opens the object's DWARF and finds function `name` in it. */
static int fview_open(struct fview *v, const char *path, const char *name, char **reason)
{
	Dwfl_Module *mod;
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;
	bool found = false;

	memset(v, 0, sizeof(*v));
	v->dwfl = dwfl_begin(&offline);
	if (!v->dwfl)
		return -ENOMEM;
	dwfl_report_begin(v->dwfl);
	mod = dwfl_report_offline(v->dwfl, path, path, -1);
	dwfl_report_end(v->dwfl, NULL, NULL);
	if (!mod || !dwfl_module_getdwarf(mod, &bias))
		return why(reason, "no debug information in %s", path);
	while (!found && (cu = dwfl_module_nextcu(mod, cu, &bias))) {
		Dwarf_Die die;

		if (dwarf_child(cu, &die) != 0)
			continue;
		do {
			Dwarf_Attribute attr;

			if (dwarf_tag(&die) == DW_TAG_subprogram && dwarf_diename(&die) &&
			    strcmp(dwarf_diename(&die), name) == 0 && dwarf_lowpc(&die, &v->low) == 0 &&
			    dwarf_highpc(&die, &v->high) == 0) {
				Dwarf_Op *ops;
				size_t nops;

				v->func = die;
				found = true;
				if (!dwarf_attr(&die, DW_AT_frame_base, &attr) ||
				    dwarf_getlocation(&attr, &ops, &nops) != 0 || nops != 1 ||
				    ops[0].atom != DW_OP_call_frame_cfa)
					return why(reason, "%s()'s frame base is not the CFA", name);
				if (dwarf_getsrclines(cu, &v->lines, &v->nlines) != 0)
					return why(reason, "no line table for %s()", name);
				break;
			}
		} while (dwarf_siblingof(&die, &die) == 0);
	}
	if (!found)
		return why(reason, "%s() is not in %s", name, path);
	return collect_vars(&v->func, "", v, reason);
}

/* Reads variable x of the top frame (whose CFA is cfa): size bytes from its
 * slot, or the low ones of its register. */
static int var_get(struct dbg *dbg, const struct fvar *x, uint64_t cfa, void *out, size_t size)
{
	uint64_t v;

	if (x->reg < 0)
		return dbg_read(dbg, cfa + (uint64_t)x->off, out, size);
	if (size > sizeof(v) || dbg_reg_get(dbg, (unsigned)x->reg, &v) < 0)
		return -EINVAL;
	memcpy(out, &v, size);
	return 0;
}

/* Writes variable x of the top frame (a register gets the value
 * zero-extended, as gcc reads only its low bytes). */
static int var_set(struct dbg *dbg, const struct fvar *x, uint64_t cfa, const void *in, size_t size)
{
	uint64_t v = 0;

	if (x->reg < 0)
		return dbg_write(dbg, cfa + (uint64_t)x->off, in, size);
	if (size > sizeof(v))
		return -EINVAL;
	memcpy(&v, in, size);
	return dbg_reg_set(dbg, (unsigned)x->reg, v);
}

/* True when the block that declares x holds the address at (layout). */
static bool var_live(const struct fvar *x, Dwarf_Addr at)
{
	Dwarf_Die scope = x->scope;

	return dwarf_haspc(&scope, at) == 1;
}

static size_t count_named(const struct fview *v, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < v->nvars; i++)
		n += strcmp(v->vars[i].name, name) == 0;
	return n;
}

/* The variable of a that new variable nv of b is, or -1 (a new one; see
 * struct fvar). used marks a's variables already taken. */
static long var_match(const struct fview *a, const struct fview *b, const struct fvar *nv, const bool *used,
		      const struct frame_job *job)
{
	long by_line = -1, by_path = -1;
	size_t lines = 0;

	if (count_named(a, nv->name) == 1 && count_named(b, nv->name) == 1) {
		for (size_t j = 0; j < a->nvars; j++)
			if (strcmp(a->vars[j].name, nv->name) == 0)
				return used[j] ? -1 : (long)j;
	}
	for (size_t j = 0; j < a->nvars; j++) {
		const struct fvar *ov = &a->vars[j];
		int to;

		if (used[j] || strcmp(ov->name, nv->name) != 0)
			continue;
		to = ov->own_file && nv->own_file ? (int)job->map(job->arg, ov->decl_line) : ov->decl_line;
		if (ov->decl_line && to == nv->decl_line && ov->own_file == nv->own_file) {
			lines++;
			/* Two of one name declared on one line: their blocks tell. */
			if (by_line < 0 || strcmp(ov->path, nv->path) == 0)
				by_line = (long)j;
		}
		if (strcmp(ov->path, nv->path) == 0)
			by_path = (long)j;
	}
	if (lines == 1 || (lines > 1 && strcmp(a->vars[by_line].path, nv->path) == 0))
		return by_line;
	if (lines == 0 && !a->shape_cut && !b->shape_cut && strcmp(a->shape, b->shape) == 0)
		return by_path;
	return -1;
}

/* Pairs each variable of the new frame (b, PC new_at) with the old frame's
 * (a, PC old_at): match[i] is the index in a, or -1 for a new variable
 * (zeroed). A name that several blocks declare and that is in scope at
 * both PCs, whose old variable cannot be told (its declaration's line did
 * not survive and the blocks changed shape), is refused: the value could
 * be any of them. */
static int vars_match(const struct fview *a, const struct fview *b, Dwarf_Addr old_at, Dwarf_Addr new_at,
		      const struct frame_job *job, long *match, char **reason)
{
	bool *used = calloc(a->nvars ? a->nvars : 1, sizeof(*used));
	int err = 0;

	if (!used)
		return -ENOMEM;
	for (size_t i = 0; i < b->nvars; i++) {
		match[i] = var_match(a, b, &b->vars[i], used, job);
		if (match[i] >= 0)
			used[match[i]] = true;
	}
	for (size_t i = 0; i < b->nvars && !err; i++) {
		const struct fvar *nv = &b->vars[i];

		if (match[i] >= 0 || !var_live(nv, new_at))
			continue;
		for (size_t j = 0; j < a->nvars; j++)
			if (!used[j] && strcmp(a->vars[j].name, nv->name) == 0 && var_live(&a->vars[j], old_at)) {
				err = why(reason, "cannot tell which '%s' of the old frame is the '%s' of line %d "
					  "(blocks shadow one another and its declaration moved)",
					  nv->name, nv->name, nv->decl_line);
				break;
			}
	}
	free(used);
	return err;
}

/* The is_stmt rows of line in [low, high), in address order. */
static size_t line_rows(const struct fview *v, int line, Dwarf_Addr *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < v->nlines && n < max; i++) {
		Dwarf_Line *l = dwarf_onesrcline(v->lines, i);
		Dwarf_Addr a;
		int ln;
		bool stmt, end;

		if (!l || dwarf_lineaddr(l, &a) != 0 || dwarf_lineno(l, &ln) != 0)
			continue;
		dwarf_linebeginstatement(l, &stmt);
		dwarf_lineendsequence(l, &end);
		if (!end && stmt && ln == line && a >= v->low && a < v->high) {
			bool dup = false;

			for (size_t k = 0; k < n; k++)
				dup |= out[k] == a;
			if (!dup)
				out[n++] = a;
		}
	}
	/* The rows are in table order, which is address order within a function. */
	return n;
}

/* The row that starts exactly at a (layout address): its line; 0 if none. */
static int row_line_at(const struct fview *v, Dwarf_Addr a)
{
	int line = 0;

	for (size_t i = 0; i < v->nlines; i++) {
		Dwarf_Line *l = dwarf_onesrcline(v->lines, i);
		Dwarf_Addr la;
		bool stmt, end;
		int ln;

		if (!l || dwarf_lineaddr(l, &la) != 0 || la != a)
			continue;
		dwarf_linebeginstatement(l, &stmt);
		dwarf_lineendsequence(l, &end);
		if (stmt && !end && dwarf_lineno(l, &ln) == 0)
			line = ln; /* the last row at an address is the one that counts */
	}
	return line;
}

/* The line of the row before a (the nearest lower address in the
 * function); 0 if none. */
static int prev_row_line(const struct fview *v, Dwarf_Addr a)
{
	Dwarf_Addr best = 0;
	int line = 0;

	for (size_t i = 0; i < v->nlines; i++) {
		Dwarf_Line *l = dwarf_onesrcline(v->lines, i);
		Dwarf_Addr la;
		bool end;
		int ln;

		if (!l || dwarf_lineaddr(l, &la) != 0 || la >= a || la < v->low || la < best)
			continue;
		dwarf_lineendsequence(l, &end);
		if (!end && dwarf_lineno(l, &ln) == 0) {
			best = la;
			line = ln;
		}
	}
	return line;
}

/* A statement boundary: an is_stmt row that starts a run of its line (the
 * row before it is another line's). A row after a call on the same line
 * (`return 1 + f(n - 1);` gets one where f returns) is the middle of its
 * statement; the rows a `for` header owns each follow the body's lines. */
static bool at_statement(const struct fview *v, Dwarf_Addr a)
{
	int line = row_line_at(v, a);

	return line && prev_row_line(v, a) != line;
}

/* What the function's prologue sets up (push rbp; mov rsp,rbp; push of
 * callee-saved registers; sub $N,rsp): *frame, the bytes between rbp and
 * rsp in the body (the pushes below rbp included), and the registers
 * pushed, in order, into saved ("rbx,r12"). */
static int prologue(struct dbg *dbg, uint64_t entry, uint64_t *frame, char *saved, size_t size, char **reason)
{
	uint8_t code[64];
	csh cs;
	cs_insn *insn;
	size_t n, pushes = 0;
	bool after_rbp = false;

	*frame = 0;
	saved[0] = '\0';
	if (dbg_read_code(dbg, entry, code, sizeof(code)) < 0)
		return why(reason, "cannot read the prologue");
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return -ENOMEM;
	n = cs_disasm(cs, code, sizeof(code), entry, 16, &insn);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(insn[i].mnemonic, "nop") == 0 || strcmp(insn[i].mnemonic, "jmp") == 0)
			continue;
		if (strcmp(insn[i].mnemonic, "push") == 0) {
			if (strcmp(insn[i].op_str, "rbp") != 0 && after_rbp) {
				size_t len = strlen(saved);

				snprintf(saved + len, size - len, "%s%s", len ? "," : "", insn[i].op_str);
				pushes++;
			}
			continue;
		}
		if (strcmp(insn[i].mnemonic, "mov") == 0 && strcmp(insn[i].op_str, "rbp, rsp") == 0) {
			after_rbp = true;
			continue;
		}
		/* sub $N,%rsp; gcc writes 128 as add $-128,%rsp (an imm8). */
		if (strcmp(insn[i].mnemonic, "sub") == 0 && strncmp(insn[i].op_str, "rsp, ", 5) == 0)
			*frame = strtoull(insn[i].op_str + 5, NULL, 0);
		else if (strcmp(insn[i].mnemonic, "add") == 0 && strncmp(insn[i].op_str, "rsp, ", 5) == 0)
			*frame = (uint64_t)-(int64_t)strtoull(insn[i].op_str + 5, NULL, 0);
		break;
	}
	*frame += 8 * pushes;
	cs_free(insn, n);
	cs_close(&cs);
	return 0;
}

/* The callee-saved registers of a frame move: the old prologue pushed one
 * list below rbp (rbp-8, rbp-16...), the new one pushes another.
 *
 *   in both:      its saved value goes to its new slot
 *   new only:     the old code never touched it: the register still holds
 *                 the caller's value, which goes to its slot
 *   old only:     the new code will not restore it: the caller's value goes
 *                 back into the register now
 *
 * At a statement boundary of -O0 code no value lives in these registers. */
struct saves {
	unsigned reg[6];        /* DWARF register numbers of the new list */
	uint64_t slot_val[6];   /* what goes into each new slot */
	size_t n;               /* how many */
	unsigned restore[6];    /* registers set back from the old list */
	uint64_t restore_val[6];
	size_t nrestore;
};

static int dwarf_reg(const char *name)
{
	static const char *const names[] = { "rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8", "r9",
					      "r10", "r11", "r12", "r13", "r14", "r15" };

	for (int i = 0; i < 16; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* Splits "rbx,r12" into register numbers; -1 on a name we do not know. */
static int reg_list(const char *list, unsigned *out, size_t max, size_t *n)
{
	char buf[64], *save = NULL;

	*n = 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int r = dwarf_reg(t);

		if (r < 0 || *n == max)
			return -1;
		out[(*n)++] = (unsigned)r;
	}
	return 0;
}

static int saved_plan(struct dbg *dbg, const char *old_list, const char *new_list, uint64_t rbp, struct saves *sv,
		      char **reason)
{
	unsigned old[6];
	size_t nold;

	*sv = (struct saves){ 0 };
	if (reg_list(old_list, old, 6, &nold) < 0 || reg_list(new_list, sv->reg, 6, &sv->n) < 0)
		return why(reason, "the prologue saves registers encide does not know (%s / %s)", old_list, new_list);
	for (size_t i = 0; i < sv->n; i++) {
		size_t j = 0;

		while (j < nold && old[j] != sv->reg[i])
			j++;
		if (j < nold ? dbg_read(dbg, rbp - 8 * (j + 1), &sv->slot_val[i], 8) < 0
			     : dbg_reg_get(dbg, sv->reg[i], &sv->slot_val[i]) < 0)
			return why(reason, "cannot read a saved register");
	}
	for (size_t j = 0; j < nold; j++) {
		bool kept = false;

		for (size_t i = 0; i < sv->n; i++)
			kept |= sv->reg[i] == old[j];
		if (kept)
			continue;
		sv->restore[sv->nrestore] = old[j];
		if (dbg_read(dbg, rbp - 8 * (j + 1), &sv->restore_val[sv->nrestore++], 8) < 0)
			return why(reason, "cannot read a saved register");
	}
	return 0;
}

static void saved_apply(struct dbg *dbg, const struct saves *sv, uint64_t rbp)
{
	for (size_t i = 0; i < sv->n; i++)
		dbg_write(dbg, rbp - 8 * (i + 1), &sv->slot_val[i], 8);
	for (size_t i = 0; i < sv->nrestore; i++)
		dbg_reg_set(dbg, sv->restore[i], sv->restore_val[i]);
}

/* The address where the function's body starts (its second row): what
 * lies before is the prologue, whose frame is not set up yet. */
static Dwarf_Addr body_start(const struct fview *v)
{
	Dwarf_Addr best = v->high;

	for (size_t i = 0; i < v->nlines; i++) {
		Dwarf_Line *l = dwarf_onesrcline(v->lines, i);
		Dwarf_Addr a;
		bool end;

		if (!l || dwarf_lineaddr(l, &a) != 0)
			continue;
		dwarf_lineendsequence(l, &end);
		if (!end && a > v->low && a < best && a < v->high)
			best = a;
	}
	return best;
}

/* Steps the current thread, which runs the old code at [entry, entry +
 * size) described by a, to the start of a statement of its body, never into
 * a call: a call or a return on the way ends it with that outcome. */
static int settle(struct dbg *dbg, const struct fview *a, uint64_t entry, uint64_t size,
		  struct frame_result *res, char **reason)
{
	Dwarf_Addr body = body_start(a);
	csh cs;
	int err = 0;

	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return -ENOMEM;
	for (int n = 0; n < 100000; n++) {
		uint64_t pc, sp;
		Dwarf_Addr at;
		uint8_t code[16];
		cs_insn *insn;
		size_t count;
		bool call, ret;

		if (dbg_reg_get(dbg, 16, &pc) < 0 || dbg_reg_get(dbg, 7, &sp) < 0) {
			err = why(reason, "cannot read the registers");
			break;
		}
		if (pc < entry || pc >= entry + size) {
			res->outcome = FRAME_LEFT;
			break;
		}
		at = a->low + (pc - entry);
		if (at == a->low && n == 0) {
			res->outcome = FRAME_AT_ENTRY; /* the redirect at the entry takes it */
			break;
		}
		if (at >= body && at_statement(a, at)) {
			res->outcome = FRAME_MOVED; /* at a statement: the caller moves it */
			break;
		}
		if (dbg_read_code(dbg, pc, code, sizeof(code)) < 0) {
			err = why(reason, "cannot read the code at 0x%llx", (unsigned long long)pc);
			break;
		}
		count = cs_disasm(cs, code, sizeof(code), pc, 1, &insn);
		if (count == 0) {
			err = why(reason, "cannot decode the instruction at 0x%llx", (unsigned long long)pc);
			break;
		}
		call = strcmp(insn[0].mnemonic, "call") == 0;
		ret = strncmp(insn[0].mnemonic, "ret", 3) == 0;
		if (call) {
			/* The frame waits for the callee: from the return address
			 * on, with the stack back where it is now. */
			res->outcome = FRAME_WAITS;
			res->wait_pc = pc + insn[0].size;
			res->wait_sp = sp;
		}
		cs_free(insn, count);
		if (call)
			break;
		if ((err = dbg_step_insn_now(dbg)) < 0) {
			why(reason, "the program ended while it was stepped");
			break;
		}
		if (ret) {
			res->outcome = FRAME_LEFT;
			break;
		}
	}
	cs_close(&cs);
	return err;
}

int frame_move(struct dbg *dbg, const struct frame_job *job, struct frame_result *res)
{
	struct fview a = { 0 }, b = { 0 };
	uint64_t pc, rbp, cfa, old_frame, new_frame;
	Dwarf_Addr rows[64], at, old_at;
	char old_saved[64], new_saved[64];
	struct saves saves = { 0 };
	uint8_t **vals = NULL;
	long *match = NULL;
	size_t nold, ordinal = 0;
	int err, target = 0;
	char **reason = &res->reason;

	*res = (struct frame_result){ .outcome = FRAME_STAYS };
	if ((err = fview_open(&a, job->old_obj, job->func, reason)) < 0)
		goto out;
	/* 0. To the start of a statement of the body first. */
	if ((err = settle(dbg, &a, job->old_entry, job->old_size, res, reason)) < 0 || res->outcome != FRAME_MOVED)
		goto out;
	res->outcome = FRAME_STAYS;
	if ((err = fview_open(&b, job->new_obj, job->func, reason)) < 0)
		goto out;
	if (dbg_reg_get(dbg, 16, &pc) < 0 || dbg_reg_get(dbg, 6, &rbp) < 0) {
		err = why(reason, "cannot read the registers");
		goto out;
	}
	/* 1. The PC starts a statement: its line and which of the line's
	 *    blocks it is. */
	at = old_at = a.low + (pc - job->old_entry);
	res->old_line = row_line_at(&a, at);
	nold = line_rows(&a, res->old_line, rows, 64);
	while (ordinal < nold && rows[ordinal] != at)
		ordinal++;
	/* 2. The new line (a deleted line: the next one that survives and has
	 *    code in the new function). */
	for (int l = res->old_line; l < res->old_line + 10000 && !target; l++) {
		size_t to = job->map(job->arg, l);

		if (to == 0)
			continue;
		if (line_rows(&b, (int)to, rows, 64) > 0)
			target = (int)to;
	}
	if (!target) {
		err = why(reason, "line %d of %s() has no surviving line with code", res->old_line, job->func);
		goto out;
	}
	res->new_line = target;
	res->moved = job->map(job->arg, res->old_line) != (size_t)target;
	{
		size_t nnew = line_rows(&b, target, rows, 64);

		if (nnew != nold && !(ordinal == 0 && nnew > 0)) {
			err = why(reason, "line %d has %zu blocks of code where it had %zu: the point of "
				  "execution cannot be matched", target, nnew, nold);
			goto out;
		}
		at = rows[ordinal < nnew ? ordinal : 0];
	}
	/* 3. The frames: sizes from the prologues, the same saved registers. */
	if ((err = prologue(dbg, job->old_entry, &old_frame, old_saved, sizeof(old_saved), reason)) < 0 ||
	    (err = prologue(dbg, job->new_entry, &new_frame, new_saved, sizeof(new_saved), reason)) < 0)
		goto out;
	/* The callee-saved registers each prologue pushed below rbp: what the
	 *    new epilogue will pop must be the caller's values. */
	if ((err = saved_plan(dbg, old_saved, new_saved, rbp, &saves, reason)) < 0)
		goto out;
	/* 4. The variables: paired across the blocks that declare them, every
	 *    old value read first, then written: the variables in scope at the
	 *    new PC last, since at -O0 gcc may give a slot to two arrays of
	 *    blocks that never run at once. */
	cfa = rbp + 16;
	vals = calloc(b.nvars ? b.nvars : 1, sizeof(*vals));
	match = calloc(b.nvars ? b.nvars : 1, sizeof(*match));
	if (!vals || !match) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = vars_match(&a, &b, old_at, at, job, match, reason)) < 0)
		goto out;
	for (size_t i = 0; i < b.nvars; i++) {
		struct fvar *nv = &b.vars[i], *ov = match[i] >= 0 ? &a.vars[match[i]] : NULL;

		vals[i] = calloc(1, nv->size ? nv->size : 1);
		if (!vals[i]) {
			err = -ENOMEM;
			goto out;
		}
		if (!ov)
			continue;
		if (strcmp(ov->type, nv->type) != 0 || ov->size != nv->size) {
			err = why(reason, "the type of '%s' changed", nv->name);
			goto out;
		}
		if (ov->reg >= 0 || nv->reg >= 0 ? nv->size > 8 || var_get(dbg, ov, cfa, vals[i], nv->size) < 0
					       : dbg_read(dbg, cfa + (uint64_t)ov->off, vals[i], nv->size) < 0) {
			err = why(reason, "cannot read '%s'", nv->name);
			goto out;
		}
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < b.nvars; i++) {
			if (var_live(&b.vars[i], at) != (pass == 1))
				continue;
			if (var_set(dbg, &b.vars[i], cfa, vals[i], b.vars[i].size) < 0) {
				/* Too late to refuse cleanly: say so. */
				err = why(reason, "cannot write '%s' in the new frame", b.vars[i].name);
				goto out;
			}
		}
	saved_apply(dbg, &saves, rbp);
	/* The new prologue's frame (0 for a leaf that lives in the red zone:
	 * its epilogue pops rbp from where rsp points). */
	dbg_reg_set(dbg, 7, rbp - new_frame);
	dbg_reg_set(dbg, 16, job->new_entry + (at - b.low));
	res->outcome = FRAME_MOVED;
	err = 0;
out:
	if (vals)
		for (size_t i = 0; i < b.nvars; i++)
			free(vals[i]);
	free(vals);
	free(match);
	fview_release(&a);
	fview_release(&b);
	if (err < 0)
		res->outcome = FRAME_STAYS;
	return err;
}
