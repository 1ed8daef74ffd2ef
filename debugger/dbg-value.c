/* Types read from DWARF and values printed the way gdb prints them: `65 'A'`
 * for characters, `{a = 1, b = 2}` for structs, `{0 <repeats 20 times>}` for
 * arrays, `0x... "text"` for strings, enumerators by name, `(int *) 0x...`
 * for pointers, `{int (int, int)} 0x... <add>` for functions.
 */
#include <dwarf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <elfutils/libdw.h>

#include "debugger/dbg-int.h"

/* gdb's defaults: `set print elements 200`, `set print repeats 10`. */
#define PRINT_MAX 200
#define REPEAT_THRESHOLD 10

void *dbg_ev_alloc(struct dbg_ev *ev, size_t size)
{
	void *p;

	if (ev->nmem == ev->capmem) {
		size_t cap = ev->capmem ? 2 * ev->capmem : 32;
		void **v = realloc(ev->mem, cap * sizeof(*v));

		if (!v)
			goto oom;
		ev->mem = v;
		ev->capmem = cap;
	}
	p = calloc(1, size ? size : 1);
	if (!p)
		goto oom;
	ev->mem[ev->nmem++] = p;
	return p;
oom:
	dbg_ev_fail(ev, -ENOMEM, "out of memory");
	return NULL;
}

char *dbg_ev_strdup(struct dbg_ev *ev, const char *s)
{
	char *p = dbg_ev_alloc(ev, strlen(s) + 1);

	if (p)
		strcpy(p, s);
	return p;
}

int dbg_ev_fail(struct dbg_ev *ev, int err, const char *fmt, ...)
{
	va_list ap;

	if (ev->err)
		return ev->err; /* the first failure is the one to tell */
	ev->err = err;
	va_start(ap, fmt);
	if (vasprintf(&ev->errmsg, fmt, ap) < 0)
		ev->errmsg = NULL;
	va_end(ap);
	return err;
}

void dbg_ev_release(struct dbg_ev *ev)
{
	for (size_t i = 0; i < ev->nmem; i++)
		free(ev->mem[i]);
	free(ev->mem);
	free(ev->errmsg);
	free(ev->scopes);
	*ev = (struct dbg_ev){ 0 };
}

void dbg_str_addn(struct dbg_str *s, const char *text, size_t len)
{
	if (s->oom)
		return;
	if (s->len + len + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 64;
		char *v;

		while (cap < s->len + len + 1)
			cap *= 2;
		v = realloc(s->s, cap);
		if (!v) {
			s->oom = true;
			return;
		}
		s->s = v;
		s->cap = cap;
	}
	memcpy(s->s + s->len, text, len);
	s->len += len;
	s->s[s->len] = '\0';
}

void dbg_str_add(struct dbg_str *s, const char *fmt, ...)
{
	char buf[256], *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(buf)) {
		dbg_str_addn(s, buf, (size_t)n);
		return;
	}
	va_start(ap, fmt);
	n = vasprintf(&big, fmt, ap);
	va_end(ap);
	if (n < 0) {
		s->oom = true;
		return;
	}
	dbg_str_addn(s, big, (size_t)n);
	free(big);
}

/* gdb's names for gcc's base types ("long int" is "long"). */
static const char *base_name(const char *dwarf_name)
{
	static const char *const names[][2] = {
		{ "long int", "long" },
		{ "long unsigned int", "unsigned long" },
		{ "short int", "short" },
		{ "short unsigned int", "unsigned short" },
		{ "long long int", "long long" },
		{ "long long unsigned int", "unsigned long long" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(dwarf_name, names[i][0]) == 0)
			return names[i][1];
	return dwarf_name;
}

static struct dbg_type *type_new(struct dbg_ev *ev, enum dbg_tkind kind)
{
	struct dbg_type *t = dbg_ev_alloc(ev, sizeof(*t));

	if (t)
		t->kind = kind;
	return t;
}

/* The DIE that attribute `type` of die names, in *out; false if none. */
static bool die_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, DW_AT_type, &attr) && dwarf_formref_die(&attr, out) != NULL;
}

void dbg_types_forget(struct dbg *dbg)
{
	for (size_t i = 0; i < dbg->nopaque; i++)
		free(dbg->opaque[i].name);
	free(dbg->opaque);
	dbg->opaque = NULL;
	dbg->nopaque = 0;
}

/* The definition of a struct, union or enum that die only declares, from
 * the other CUs of its debug information (gdb does the same: a library's
 * header says "typedef struct lua_State lua_State;" and one .c file
 * defines it). NULL when no CU defines it. Found once, then remembered. */
static Dwarf_Die *opaque_definition(struct dbg *dbg, Dwarf_Die *die, int tag, const char *name)
{
	Dwarf *dw = dwarf_cu_getdwarf(die->cu);
	Dwarf_Off off = 0, next;
	size_t hsize;
	struct dbg_opaque *o;

	for (size_t i = 0; i < dbg->nopaque; i++)
		if (dbg->opaque[i].dw == dw && dbg->opaque[i].tag == tag && strcmp(dbg->opaque[i].name, name) == 0)
			return dbg->opaque[i].found ? &dbg->opaque[i].die : NULL;
	o = realloc(dbg->opaque, (dbg->nopaque + 1) * sizeof(*o));
	if (!o)
		return NULL;
	dbg->opaque = o;
	o = &o[dbg->nopaque];
	*o = (struct dbg_opaque){ .dw = dw, .tag = tag, .name = strdup(name) };
	if (!o->name)
		return NULL;
	dbg->nopaque++;
	while (dw && !o->found && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, child;

		if (dwarf_offdie(dw, off + hsize, &cu) && dwarf_child(&cu, &child) == 0) {
			do {
				const char *n = dwarf_tag(&child) == tag ? dwarf_diename(&child) : NULL;

				if (n && strcmp(n, name) == 0 && !dwarf_hasattr(&child, DW_AT_declaration)) {
					o->die = child;
					o->found = true;
					break;
				}
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		off = next;
	}
	return o->found ? &o->die : NULL;
}

static struct dbg_type *type_from_die(struct dbg_ev *ev, Dwarf_Die *die, int depth)
{
	Dwarf_Die sub;
	Dwarf_Attribute attr;
	Dwarf_Word w;
	struct dbg_type *t;
	int tag;

	if (!die)
		return dbg_type_base(ev, DBG_T_VOID, "void", 1, false);
	if (depth > 64)
		return dbg_type_base(ev, DBG_T_VOID, "void", 1, false); /* a loop: give up */
	tag = dwarf_tag(die);
	if (tag == DW_TAG_const_type || tag == DW_TAG_volatile_type || tag == DW_TAG_restrict_type ||
	    tag == DW_TAG_atomic_type) {
		struct dbg_type *inner = type_from_die(ev, die_type(die, &sub) ? &sub : NULL, depth + 1), *copy;

		if (!inner || !(copy = type_new(ev, inner->kind)))
			return NULL;
		*copy = *inner;
		copy->quals |= tag == DW_TAG_const_type ? DBG_Q_CONST : tag == DW_TAG_volatile_type ? DBG_Q_VOLATILE : 0;
		return copy;
	}
	if ((tag == DW_TAG_structure_type || tag == DW_TAG_union_type || tag == DW_TAG_enumeration_type) &&
	    dwarf_hasattr(die, DW_AT_declaration) && dwarf_diename(die)) {
		Dwarf_Die *def = opaque_definition(ev->dbg, die, tag, dwarf_diename(die));

		if (def)
			die = def;
	}
	t = type_new(ev, DBG_T_VOID);
	if (!t)
		return NULL;
	t->has_die = true;
	t->die = *die;
	t->name = dwarf_diename(die);
	if (dwarf_aggregate_size(die, &w) == 0)
		t->size = (size_t)w;
	switch (tag) {
	case DW_TAG_base_type: {
		Dwarf_Word enc = 0;

		dwarf_formudata(dwarf_attr(die, DW_AT_encoding, &attr), &enc);
		t->name = t->name ? base_name(t->name) : "?";
		switch (enc) {
		case DW_ATE_boolean: t->kind = DBG_T_BOOL; break;
		case DW_ATE_float: t->kind = DBG_T_FLOAT; break;
		case DW_ATE_signed_char: case DW_ATE_unsigned_char:
			t->is_char = true;
			/* fall through */
		default:
			t->kind = DBG_T_INT;
			t->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
			break;
		}
		return t;
	}
	case DW_TAG_pointer_type:
		t->kind = DBG_T_PTR;
		t->name = NULL;
		t->size = 8;
		t->target = type_from_die(ev, die_type(die, &sub) ? &sub : NULL, depth + 1);
		return t->target ? t : NULL;
	case DW_TAG_typedef:
		t->kind = DBG_T_TYPEDEF;
		t->target = type_from_die(ev, die_type(die, &sub) ? &sub : NULL, depth + 1);
		if (t->target)
			t->size = t->target->size;
		return t->target ? t : NULL;
	case DW_TAG_enumeration_type:
		t->kind = DBG_T_ENUM;
		if (die_type(die, &sub)) {
			struct dbg_type *under = type_from_die(ev, &sub, depth + 1);

			t->is_signed = under && dbg_type_strip(under)->is_signed;
		} else {
			t->is_signed = true;
		}
		return t;
	case DW_TAG_structure_type:
		t->kind = DBG_T_STRUCT;
		return t;
	case DW_TAG_union_type:
		t->kind = DBG_T_UNION;
		return t;
	case DW_TAG_array_type: {
		Dwarf_Die child;
		struct dbg_type *elem = type_from_die(ev, die_type(die, &sub) ? &sub : NULL, depth + 1);
		size_t dims[8], ndims = 0;

		if (!elem)
			return NULL;
		/* int a[2][3]: an array of 2 arrays of 3 ints. */
		if (dwarf_child(die, &child) == 0) {
			do {
				Dwarf_Word upper = 0, count = 0;

				if (dwarf_tag(&child) != DW_TAG_subrange_type || ndims == 8)
					continue;
				if (dwarf_formudata(dwarf_attr(&child, DW_AT_count, &attr), &count) == 0)
					dims[ndims++] = (size_t)count;
				else if (dwarf_formudata(dwarf_attr(&child, DW_AT_upper_bound, &attr), &upper) == 0)
					dims[ndims++] = (size_t)upper + 1;
				else
					dims[ndims++] = 0; /* flexible: unknown bound */
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		if (ndims == 0)
			dims[ndims++] = 0;
		for (size_t i = ndims; i-- > 1;) {
			struct dbg_type *a = type_new(ev, DBG_T_ARRAY);

			if (!a)
				return NULL;
			a->target = elem;
			a->count = dims[i];
			a->size = elem->size * dims[i];
			elem = a;
		}
		t->kind = DBG_T_ARRAY;
		t->name = NULL;
		t->target = elem;
		t->count = dims[0];
		t->size = elem->size * dims[0];
		return t;
	}
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram:
		t->kind = DBG_T_FUNC;
		t->name = NULL;
		t->size = 1;
		t->target = type_from_die(ev, die_type(die, &sub) ? &sub : NULL, depth + 1);
		return t->target ? t : NULL;
	default:
		t->kind = DBG_T_VOID;
		return t;
	}
}

struct dbg_type *dbg_type_from_die(struct dbg_ev *ev, Dwarf_Die *die)
{
	return type_from_die(ev, die, 0);
}

struct dbg_type *dbg_type_base(struct dbg_ev *ev, enum dbg_tkind kind, const char *name, size_t size, bool is_signed)
{
	struct dbg_type *t = type_new(ev, kind);

	if (!t)
		return NULL;
	t->name = name;
	t->size = size;
	t->is_signed = is_signed;
	t->is_char = kind == DBG_T_INT && size == 1;
	return t;
}

struct dbg_type *dbg_type_pointer(struct dbg_ev *ev, struct dbg_type *target)
{
	struct dbg_type *t = type_new(ev, DBG_T_PTR);

	if (!t)
		return NULL;
	t->size = 8;
	t->target = target;
	return t;
}

struct dbg_type *dbg_type_strip(struct dbg_type *t)
{
	while (t && t->kind == DBG_T_TYPEDEF && t->target)
		t = t->target;
	return t;
}

/* The parameter list of a function type: "(int, int)", "(void)". */
static void param_list(struct dbg_ev *ev, struct dbg_type *fn, struct dbg_str *out)
{
	Dwarf_Die child, sub;
	bool any = false, prototyped = false;
	Dwarf_Attribute attr;

	dbg_str_addn(out, "(", 1);
	if (fn->has_die && dwarf_child(&fn->die, &child) == 0) {
		do {
			int tag = dwarf_tag(&child);

			if (tag == DW_TAG_formal_parameter) {
				struct dbg_type *p = dbg_type_from_die(ev, die_type(&child, &sub) ? &sub : NULL);
				char *name = p ? dbg_type_name(ev, p) : NULL;

				dbg_str_add(out, "%s%s", any ? ", " : "", name ? name : "?");
				any = true;
			} else if (tag == DW_TAG_unspecified_parameters) {
				dbg_str_add(out, "%s...", any ? ", " : "");
				any = true;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (fn->has_die)
		dwarf_formflag(dwarf_attr_integrate(&fn->die, DW_AT_prototyped, &attr), &prototyped);
	if (!any && prototyped)
		dbg_str_addn(out, "void", 4);
	dbg_str_addn(out, ")", 1);
}

/* C's declarator syntax, inside out: decl is what is declared so far
 * ("*" for a pointer to t, "(*)[3]" for a pointer to an array of t). */
static char *declare(struct dbg_ev *ev, struct dbg_type *t, const char *decl)
{
	struct dbg_str s = { 0 };
	char *r = NULL;

	switch (t->kind) {
	case DBG_T_PTR: {
		struct dbg_type *to = t->target ? t->target : dbg_type_base(ev, DBG_T_VOID, "void", 1, false);
		bool paren = to && (to->kind == DBG_T_ARRAY || to->kind == DBG_T_FUNC);

		dbg_str_add(&s, "%s*%s%s", paren ? "(" : "", decl, paren ? ")" : "");
		if (to && s.s)
			r = declare(ev, to, s.s);
		break;
	}
	case DBG_T_ARRAY:
		if (t->count)
			dbg_str_add(&s, "%s[%zu]", decl, t->count);
		else
			dbg_str_add(&s, "%s[]", decl);
		if (s.s)
			r = declare(ev, t->target, s.s);
		break;
	case DBG_T_FUNC:
		dbg_str_add(&s, "%s", decl);
		param_list(ev, t, &s);
		if (s.s)
			r = declare(ev, t->target, s.s);
		break;
	default: {
		const char *q = (t->quals & DBG_Q_CONST) ? ((t->quals & DBG_Q_VOLATILE) ? "const volatile " : "const ")
				 : (t->quals & DBG_Q_VOLATILE) ? "volatile " : "";
		const char *tag = t->kind == DBG_T_STRUCT ? "struct " : t->kind == DBG_T_UNION ? "union "
				: t->kind == DBG_T_ENUM ? "enum " : "";
		const char *name = t->name ? t->name : t->kind == DBG_T_VOID ? "void" : "{...}";

		dbg_str_add(&s, "%s%s%s%s%s", q, tag, name, *decl ? " " : "", decl);
		if (s.s)
			r = dbg_ev_strdup(ev, s.s);
		break;
	}
	}
	free(s.s);
	return r;
}

char *dbg_type_name(struct dbg_ev *ev, struct dbg_type *t)
{
	return declare(ev, t, "");
}

int dbg_value_fetch(struct dbg_ev *ev, struct dbg_value *v)
{
	size_t size = v->type->size;
	uint8_t *buf;

	if (v->bytes)
		return 0;
	buf = dbg_ev_alloc(ev, size < 8 ? 8 : size);
	if (!buf)
		return -ENOMEM;
	if (ev->no_side_effects) {
		v->bytes = buf; /* sizeof's operand: its type is all that counts */
		return 0;
	}
	if (v->where == DBG_V_MEM) {
		size_t first = v->bit_size ? v->bit_offset / 8 : 0;
		size_t len = v->bit_size ? (v->bit_offset % 8 + v->bit_size + 7) / 8 : size;
		uint8_t raw[16] = { 0 };

		if (len > 16 && v->bit_size)
			len = 16;
		if (dbg_read(ev->dbg, v->addr + first, v->bit_size ? raw : buf, len) < 0)
			return dbg_ev_fail(ev, -EFAULT, "Cannot access memory at address 0x%llx",
					   (unsigned long long)(v->addr + first));
		if (v->bit_size) {
			/* A bit-field: shift it down, sign-extend when signed. */
			unsigned __int128 bits = 0;
			uint64_t x;

			for (size_t i = len; i-- > 0;)
				bits = (bits << 8) | raw[i];
			x = (uint64_t)(bits >> (v->bit_offset % 8));
			if (v->bit_size < 64)
				x &= (1ULL << v->bit_size) - 1;
			if (dbg_type_strip(v->type)->is_signed && v->bit_size < 64 && (x >> (v->bit_size - 1)) & 1)
				x |= ~0ULL << v->bit_size;
			memcpy(buf, &x, size < 8 ? size : 8);
		}
	} else if (v->where == DBG_V_REG) {
		uint64_t r;

		if (dbg_ev_reg(ev, v->regno, &r) < 0)
			return dbg_ev_fail(ev, -EIO, "Cannot read register %u of this frame", v->regno);
		memcpy(buf, &r, size < 8 ? size : 8);
	} else {
		return dbg_ev_fail(ev, -EINVAL, "value has no contents");
	}
	v->bytes = buf;
	return 0;
}

int dbg_value_int(struct dbg_ev *ev, struct dbg_value *v, int64_t *out)
{
	struct dbg_type *t = dbg_type_strip(v->type);
	size_t size = t->size;
	uint64_t u = 0;
	int err = dbg_value_fetch(ev, v);

	if (err < 0)
		return err;
	if (size > 8)
		size = 8;
	memcpy(&u, v->bytes, size);
	if (size < 8 && t->is_signed && (u >> (size * 8 - 1)) & 1)
		u |= ~0ULL << (size * 8);
	*out = (int64_t)u;
	return 0;
}

/* A character the way gdb writes it inside quote q. */
static void add_char(struct dbg_str *out, unsigned char c, char q)
{
	static const char named[] = { '\a', 'a', '\b', 'b', '\f', 'f', '\n', 'n', '\r', 'r', '\t', 't', '\v', 'v' };

	if (c == '\\' || c == q) {
		dbg_str_add(out, "\\%c", c);
		return;
	}
	for (size_t i = 0; i < sizeof(named); i += 2)
		if (named[i] == (char)c) {
			dbg_str_add(out, "\\%c", named[i + 1]);
			return;
		}
	if (c >= 0x20 && c < 0x7f)
		dbg_str_addn(out, (const char *)&c, 1);
	else
		dbg_str_add(out, "\\%03o", c);
}

/* Bytes as gdb prints a string: runs of more than REPEAT_THRESHOLD equal
 * characters as 'c' <repeats N times>, the rest inside quotes. */
static void add_string(struct dbg_str *out, const uint8_t *s, size_t n, bool more)
{
	bool in_quote = false, any = false;

	if (n == 0) {
		dbg_str_add(out, "\"\"%s", more ? "..." : "");
		return;
	}
	for (size_t i = 0; i < n;) {
		size_t reps = 1;

		while (i + reps < n && s[i + reps] == s[i])
			reps++;
		if (reps > REPEAT_THRESHOLD) {
			if (in_quote)
				dbg_str_addn(out, "\"", 1);
			in_quote = false;
			dbg_str_add(out, "%s'", any ? ", " : "");
			add_char(out, s[i], '\'');
			dbg_str_add(out, "' <repeats %zu times>", reps);
			i += reps;
		} else {
			if (!in_quote)
				dbg_str_add(out, "%s\"", any ? ", " : "");
			in_quote = true;
			for (size_t k = 0; k < reps; k++)
				add_char(out, s[i], '"');
			i += reps;
		}
		any = true;
	}
	if (in_quote)
		dbg_str_addn(out, "\"", 1);
	if (more)
		dbg_str_addn(out, "...", 3);
}

/* " <symbol+off>" for an address inside a function or variable. */
static void add_symbol(struct dbg_ev *ev, uint64_t addr, struct dbg_str *out)
{
	struct dbg_module *m = dbg_module_at(ev->dbg, addr);
	GElf_Off off = 0;
	GElf_Sym sym;
	const char *name;

	if (!m || !m->mod || m->layout)
		return;
	name = dwfl_module_addrinfo(m->mod, addr, &off, &sym, NULL, NULL, NULL);
	if (!name || (GELF_ST_TYPE(sym.st_info) != STT_OBJECT && GELF_ST_TYPE(sym.st_info) != STT_FUNC) ||
	    (off && off >= sym.st_size))
		return;
	if (off)
		dbg_str_add(out, " <%s+%llu>", name, (unsigned long long)off);
	else
		dbg_str_add(out, " <%s>", name);
}

/* The string at addr (up to PRINT_MAX characters) after its address. */
static void add_c_string(struct dbg_ev *ev, uint64_t addr, struct dbg_str *out)
{
	uint8_t buf[PRINT_MAX];
	size_t n = 0;
	bool ended = false;

	while (n < PRINT_MAX && !ended) {
		uint8_t chunk[64];
		size_t want = PRINT_MAX - n < sizeof(chunk) ? PRINT_MAX - n : sizeof(chunk);

		/* A chunk may cross into an unmapped page: then byte by byte. */
		if (dbg_read(ev->dbg, addr + n, chunk, want) < 0) {
			want = 1;
			if (dbg_read(ev->dbg, addr + n, chunk, 1) < 0) {
				if (n == 0) {
					dbg_str_add(out, " <error: Cannot access memory at address 0x%llx>",
						    (unsigned long long)addr);
					return;
				}
				break;
			}
		}
		for (size_t i = 0; i < want && !ended; i++) {
			if (chunk[i] == 0)
				ended = true;
			else
				buf[n++] = chunk[i];
		}
	}
	dbg_str_addn(out, " ", 1);
	add_string(out, buf, n, !ended && n == PRINT_MAX);
}

static int format(struct dbg_ev *ev, struct dbg_value *v, struct dbg_str *out, bool top);

/* Member value of struct value v described by DIE m. */
static int member_value(struct dbg_ev *ev, struct dbg_value *v, Dwarf_Die *m, struct dbg_value *out)
{
	Dwarf_Attribute attr;
	Dwarf_Word off = 0, bits = 0, bit_off = 0;
	Dwarf_Die sub;

	*out = (struct dbg_value){ .where = v->where };
	out->type = dbg_type_from_die(ev, die_type(m, &sub) ? &sub : NULL);
	if (!out->type)
		return -ENOMEM;
	dwarf_formudata(dwarf_attr(m, DW_AT_data_member_location, &attr), &off);
	if (dwarf_formudata(dwarf_attr(m, DW_AT_bit_size, &attr), &bits) == 0 && bits) {
		if (dwarf_formudata(dwarf_attr(m, DW_AT_data_bit_offset, &attr), &bit_off) != 0)
			bit_off = off * 8;
		off = 0;
		out->bit_size = (unsigned)bits;
		out->bit_offset = (unsigned)(bit_off % 8);
		off = bit_off / 8;
	}
	if (v->bytes || v->where != DBG_V_MEM) {
		/* A temporary (a returned struct): cut from its bytes. */
		int err = dbg_value_fetch(ev, v);

		if (err < 0)
			return err;
		out->where = DBG_V_TEMP;
		out->bytes = dbg_ev_alloc(ev, out->type->size < 8 ? 8 : out->type->size);
		if (!out->bytes)
			return -ENOMEM;
		if (out->bit_size) {
			uint64_t raw = 0, x;
			size_t avail = v->type->size - off < 8 ? v->type->size - off : 8;

			memcpy(&raw, v->bytes + off, avail);
			x = raw >> out->bit_offset;
			if (out->bit_size < 64)
				x &= (1ULL << out->bit_size) - 1;
			if (dbg_type_strip(out->type)->is_signed && out->bit_size < 64 && (x >> (out->bit_size - 1)) & 1)
				x |= ~0ULL << out->bit_size;
			memcpy(out->bytes, &x, out->type->size < 8 ? out->type->size : 8);
			out->bit_size = 0;
		} else if (off + out->type->size <= v->type->size) {
			memcpy(out->bytes, v->bytes + off, out->type->size);
		}
		return 0;
	}
	out->addr = v->addr + off;
	return 0;
}

static int format_struct(struct dbg_ev *ev, struct dbg_value *v, struct dbg_type *t, struct dbg_str *out)
{
	Dwarf_Die child;
	bool any = false;

	dbg_str_addn(out, "{", 1);
	if (t->has_die && dwarf_child(&t->die, &child) == 0) {
		do {
			struct dbg_value m;
			const char *name = dwarf_diename(&child);
			int err;

			if (dwarf_tag(&child) != DW_TAG_member)
				continue;
			if ((err = member_value(ev, v, &child, &m)) < 0)
				return err;
			dbg_str_add(out, "%s", any ? ", " : "");
			if (name)
				dbg_str_add(out, "%s = ", name);
			if ((err = format(ev, &m, out, false)) < 0) {
				if (err == -ENOMEM)
					return err;
				/* gdb shows what it cannot read in place. */
				dbg_str_add(out, "<error: %s>", ev->errmsg ? ev->errmsg : "?");
				free(ev->errmsg);
				ev->errmsg = NULL;
				ev->err = 0;
			}
			any = true;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	dbg_str_addn(out, "}", 1);
	return 0;
}

/* Element i of array value v. */
static void element(struct dbg_value *v, struct dbg_type *t, size_t i, struct dbg_value *out)
{
	*out = (struct dbg_value){ .type = t->target, .where = v->where };
	if (v->bytes) {
		out->where = DBG_V_TEMP;
		out->bytes = v->bytes + i * t->target->size;
	} else {
		out->addr = v->addr + i * t->target->size;
	}
}

static int format_array(struct dbg_ev *ev, struct dbg_value *v, struct dbg_type *t, struct dbg_str *out)
{
	struct dbg_type *et = dbg_type_strip(t->target);
	size_t n = t->count, esize = t->target->size, shown = 0;
	int err;

	if (et->kind == DBG_T_INT && et->is_char && esize == 1) {
		/* A char array is a string; its last NUL is not shown. */
		size_t len = n > PRINT_MAX ? PRINT_MAX : n;

		if (!v->bytes && v->where == DBG_V_MEM && !ev->no_side_effects) {
			uint8_t *buf = dbg_ev_alloc(ev, len + 1);

			if (!buf)
				return -ENOMEM;
			if (dbg_read(ev->dbg, v->addr, buf, len) < 0)
				return dbg_ev_fail(ev, -EFAULT, "Cannot access memory at address 0x%llx",
						   (unsigned long long)v->addr);
			if (len == n && len > 0 && buf[len - 1] == 0)
				len--;
			add_string(out, buf, len, n > PRINT_MAX);
			return 0;
		}
		if ((err = dbg_value_fetch(ev, v)) < 0)
			return err;
		if (len == n && len > 0 && v->bytes[len - 1] == 0)
			len--;
		add_string(out, v->bytes, len, n > PRINT_MAX);
		return 0;
	}
	if (!v->bytes && v->where == DBG_V_MEM && n && esize && n <= PRINT_MAX) {
		/* One read for the whole array, not one per element. */
		if ((err = dbg_value_fetch(ev, v)) < 0)
			return err;
	}
	dbg_str_addn(out, "{", 1);
	for (size_t i = 0; i < n && shown < PRINT_MAX;) {
		struct dbg_value e, f;
		size_t reps = 1;

		element(v, t, i, &e);
		if (e.bytes)
			while (i + reps < n && memcmp(e.bytes, e.bytes + reps * esize, esize) == 0)
				reps++;
		if (i)
			dbg_str_addn(out, ", ", 2);
		f = e;
		if ((err = format(ev, &f, out, false)) < 0)
			return err;
		if (reps > REPEAT_THRESHOLD) {
			dbg_str_add(out, " <repeats %zu times>", reps);
			i += reps;
			shown += REPEAT_THRESHOLD;
		} else {
			i++;
			shown++;
			if (i < n && shown >= PRINT_MAX)
				dbg_str_addn(out, "...", 3);
		}
	}
	dbg_str_addn(out, "}", 1);
	return 0;
}

static const char *enumerator(struct dbg_type *t, int64_t value)
{
	Dwarf_Die child;
	Dwarf_Attribute attr;

	if (!t->has_die || dwarf_child(&t->die, &child) != 0)
		return NULL;
	do {
		Dwarf_Sword s;
		Dwarf_Word u;

		if (dwarf_tag(&child) != DW_TAG_enumerator)
			continue;
		if (!dwarf_attr(&child, DW_AT_const_value, &attr))
			continue;
		if (dwarf_formsdata(&attr, &s) == 0 ? s == value
		    : dwarf_formudata(&attr, &u) == 0 && (int64_t)u == value)
			return dwarf_diename(&child);
	} while (dwarf_siblingof(&child, &child) == 0);
	return NULL;
}

static int format(struct dbg_ev *ev, struct dbg_value *v, struct dbg_str *out, bool top)
{
	struct dbg_type *t = dbg_type_strip(v->type);
	int64_t i;
	int err;

	switch (t->kind) {
	case DBG_T_STRUCT:
	case DBG_T_UNION:
		return format_struct(ev, v, t, out);
	case DBG_T_ARRAY:
		return format_array(ev, v, t, out);
	case DBG_T_FUNC: {
		char *name = dbg_type_name(ev, v->type);

		dbg_str_add(out, "{%s} 0x%llx", name ? name : "?", (unsigned long long)v->addr);
		add_symbol(ev, v->addr, out);
		return 0;
	}
	case DBG_T_VOID:
		dbg_str_add(out, "void");
		return 0;
	case DBG_T_FLOAT: {
		if ((err = dbg_value_fetch(ev, v)) < 0)
			return err;
		if (t->size == 4) {
			float f;

			memcpy(&f, v->bytes, 4);
			dbg_str_add(out, "%.9g", (double)f);
		} else if (t->size == 8) {
			double d;

			memcpy(&d, v->bytes, 8);
			dbg_str_add(out, "%.17g", d);
		} else {
			long double d = 0;

			memcpy(&d, v->bytes, t->size < sizeof(d) ? t->size : sizeof(d));
			dbg_str_add(out, "%.18Lg", d);
		}
		return 0;
	}
	default:
		break;
	}
	if ((err = dbg_value_int(ev, v, &i)) < 0)
		return err;
	switch (t->kind) {
	case DBG_T_BOOL:
		if (i == 0 || i == 1)
			dbg_str_add(out, "%s", i ? "true" : "false");
		else
			dbg_str_add(out, "%lld", (long long)i);
		return 0;
	case DBG_T_ENUM: {
		const char *name = enumerator(t, i);

		if (name)
			dbg_str_add(out, "%s", name);
		else
			dbg_str_add(out, t->is_signed ? "%lld" : "%llu", (long long)i);
		return 0;
	}
	case DBG_T_PTR: {
		struct dbg_type *to = dbg_type_strip(t->target);
		uint64_t a = (uint64_t)i;

		if (to && to->kind == DBG_T_INT && to->is_char && to->size == 1) {
			dbg_str_add(out, "0x%llx", (unsigned long long)a);
			if (a) {
				add_symbol(ev, a, out);
				add_c_string(ev, a, out);
			}
			return 0;
		}
		if (top) {
			char *name = dbg_type_name(ev, v->type);

			dbg_str_add(out, "(%s) ", name ? name : "?");
		}
		dbg_str_add(out, "0x%llx", (unsigned long long)a);
		if (a)
			add_symbol(ev, a, out);
		return 0;
	}
	default:
		if (t->size < 8 && !t->is_signed)
			i &= (int64_t)((1ULL << (t->size * 8)) - 1);
		dbg_str_add(out, t->is_signed ? "%lld" : "%llu", (long long)i);
		if (t->is_char) {
			dbg_str_addn(out, " '", 2);
			add_char(out, (unsigned char)i, '\'');
			dbg_str_addn(out, "'", 1);
		}
		return 0;
	}
}

int dbg_value_format(struct dbg_ev *ev, struct dbg_value *v, struct dbg_str *out, bool top)
{
	int err = format(ev, v, out, top);

	if (err == 0 && out->oom)
		return dbg_ev_fail(ev, -ENOMEM, "out of memory");
	return err;
}
