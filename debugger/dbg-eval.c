/* C expressions on the stopped program: a lexer and a recursive-descent
 * parser that builds a small tree, and an evaluator that reads variables
 * through DWARF (scopes at the selected frame's PC, location expressions on
 * its CFA and registers) and the program's memory. Also `info locals`, the
 * value a function returned (finish) and breakpoint conditions.
 *
 * Names are looked up the way the compiler saw them: the innermost lexical
 * block holding the PC first, out to the function, then the file's statics
 * and globals (the CU), then the globals of every other CU, then functions.
 */
#include <ctype.h>
#include <dwarf.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include <elfutils/libdw.h>

#include "debugger/dbg-int.h"

/* ---- Lexer ---------------------------------------------------------- */

enum tok {
	TOK_END,   /* end of input */
	TOK_INT,   /* integer literal */
	TOK_FLOAT, /* floating literal */
	TOK_CHAR,  /* 'c' */
	TOK_STR,   /* "text" */
	TOK_ID,    /* identifier or keyword */
	TOK_REG,   /* $pc, $rax... */
	TOK_OP,    /* punctuation: op holds it */
};

struct lexer {
	struct dbg_ev *ev;  /* for errors and allocation */
	const char *text;   /* the whole expression */
	const char *p;      /* where the lexer is */
	const char *start;  /* where the current token starts */
	enum tok tok;       /* the current token */
	char op[4];         /* TOK_OP: its text */
	char *id;           /* TOK_ID, TOK_REG: its name (arena) */
	char *str;          /* TOK_STR: its bytes (arena) */
	size_t strlen;      /* and their count */
	uint64_t ival;      /* TOK_INT, TOK_CHAR: the value */
	bool is_unsigned;   /* TOK_INT: u suffix, or too big for long */
	bool is_long;       /* TOK_INT: l suffix, or too big for int */
	double fval;        /* TOK_FLOAT: the value */
	bool is_float;      /* TOK_FLOAT: f suffix */
};

static int syntax_error(struct lexer *lx)
{
	return dbg_ev_fail(lx->ev, -EINVAL, "A syntax error in expression, near `%s'.", lx->start);
}

/* One character of a char or string literal, escapes included. */
static int lex_char(struct lexer *lx, unsigned char *out)
{
	const char *p = lx->p;

	if (*p == '\0')
		return -EINVAL;
	if (*p != '\\') {
		*out = (unsigned char)*p;
		lx->p = p + 1;
		return 0;
	}
	p++;
	switch (*p) {
	case 'n': *out = '\n'; break;
	case 't': *out = '\t'; break;
	case 'r': *out = '\r'; break;
	case 'a': *out = '\a'; break;
	case 'b': *out = '\b'; break;
	case 'f': *out = '\f'; break;
	case 'v': *out = '\v'; break;
	case 'e': *out = 27; break;
	case 'x': {
		unsigned v = 0;
		int n = 0;

		while (isxdigit((unsigned char)p[1]) && n < 2) {
			p++;
			v = v * 16 + (unsigned)(isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10);
			n++;
		}
		*out = (unsigned char)v;
		break;
	}
	case '\0':
		return -EINVAL;
	default:
		if (*p >= '0' && *p <= '7') {
			unsigned v = 0;
			int n = 0;

			while (*p >= '0' && *p <= '7' && n < 3) {
				v = v * 8 + (unsigned)(*p - '0');
				p++;
				n++;
			}
			*out = (unsigned char)v;
			lx->p = p;
			return 0;
		}
		*out = (unsigned char)*p; /* \\ \' \" \? */
		break;
	}
	lx->p = p + 1;
	return 0;
}

static int next(struct lexer *lx)
{
	static const char *const ops[] = { "->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||" };
	const char *p = lx->p;

	while (isspace((unsigned char)*p))
		p++;
	lx->start = lx->p = p;
	if (*p == '\0') {
		lx->tok = TOK_END;
		return 0;
	}
	if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
		char *end;
		size_t span = strspn(p, "0123456789abcdefABCDEFxX.");

		if (memchr(p, '.', span) || ((p[0] != '0' || (p[1] != 'x' && p[1] != 'X')) &&
					     (memchr(p, 'e', span) || memchr(p, 'E', span)))) {
			lx->tok = TOK_FLOAT;
			lx->fval = strtod(p, &end);
			lx->is_float = *end == 'f' || *end == 'F';
			if (lx->is_float || *end == 'l' || *end == 'L')
				end++;
		} else {
			bool hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');

			errno = 0;
			lx->tok = TOK_INT;
			lx->ival = strtoull(p, &end, hex ? 16 : p[0] == '0' ? 8 : 10);
			if (errno == ERANGE)
				return dbg_ev_fail(lx->ev, -ERANGE, "Numeric constant too large.");
			lx->is_unsigned = lx->is_long = false;
			while (strchr("uUlL", *end) && *end) {
				if (*end == 'u' || *end == 'U')
					lx->is_unsigned = true;
				else
					lx->is_long = true;
				end++;
			}
			/* C's rule: the first of int, long (unsigned for hex) that fits. */
			if (lx->ival > (lx->is_unsigned || hex ? 0xffffffffULL : 0x7fffffffULL))
				lx->is_long = true;
			if (!lx->is_unsigned && lx->ival > 0x7fffffffffffffffULL)
				lx->is_unsigned = true;
			if (hex && !lx->is_long && lx->ival > 0x7fffffff)
				lx->is_unsigned = true;
		}
		if (isalnum((unsigned char)*end) || *end == '_' || *end == '.')
			return syntax_error(lx);
		lx->p = end;
		return 0;
	}
	if (isalpha((unsigned char)*p) || *p == '_' || *p == '$') {
		const char *s = p + 1;

		while (isalnum((unsigned char)*s) || *s == '_')
			s++;
		lx->tok = *p == '$' ? TOK_REG : TOK_ID;
		lx->id = dbg_ev_alloc(lx->ev, (size_t)(s - p) + 1);
		if (!lx->id)
			return -ENOMEM;
		memcpy(lx->id, *p == '$' ? p + 1 : p, (size_t)(s - p) - (*p == '$'));
		lx->p = s;
		return 0;
	}
	if (*p == '\'') {
		unsigned char c;

		lx->p = p + 1;
		if (*lx->p == '\'' || lex_char(lx, &c) < 0 || *lx->p != '\'')
			return dbg_ev_fail(lx->ev, -EINVAL, "Unmatched single quote.");
		lx->p++;
		lx->tok = TOK_CHAR;
		lx->ival = c;
		return 0;
	}
	if (*p == '"') {
		size_t cap = strlen(p) + 1;

		lx->str = dbg_ev_alloc(lx->ev, cap);
		if (!lx->str)
			return -ENOMEM;
		lx->strlen = 0;
		lx->p = p + 1;
		while (*lx->p != '"') {
			unsigned char c;

			if (lex_char(lx, &c) < 0)
				return dbg_ev_fail(lx->ev, -EINVAL, "Unterminated string in expression.");
			lx->str[lx->strlen++] = (char)c;
		}
		lx->p++;
		lx->tok = TOK_STR;
		return 0;
	}
	lx->tok = TOK_OP;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strncmp(p, ops[i], 2) == 0) {
			memcpy(lx->op, ops[i], 3);
			lx->p = p + 2;
			return 0;
		}
	if (!strchr("+-*/%<>=!~&|^?:()[].,", *p))
		return syntax_error(lx);
	lx->op[0] = *p;
	lx->op[1] = '\0';
	lx->p = p + 1;
	return 0;
}

static bool is_op(struct lexer *lx, const char *op)
{
	return lx->tok == TOK_OP && strcmp(lx->op, op) == 0;
}

/* ---- Tree ----------------------------------------------------------- */

enum node_kind {
	N_INT,     /* integer literal: ival, type */
	N_FLOAT,   /* floating literal */
	N_CHAR,    /* character literal */
	N_STR,     /* string literal */
	N_NAME,    /* a variable or function */
	N_REG,     /* $register */
	N_UNARY,   /* op a */
	N_BINARY,  /* a op b */
	N_LOGIC,   /* a && b, a || b */
	N_COND,    /* a ? b : c */
	N_ASSIGN,  /* a = b */
	N_CAST,    /* (type) a */
	N_SIZEOF,  /* sizeof a, or sizeof (type) */
	N_MEMBER,  /* a.name, a->name (op "->") */
	N_INDEX,   /* a[b] */
};

struct node {
	enum node_kind kind;     /* what it is */
	char op[4];              /* the operator */
	struct node *a, *b, *c;  /* operands */
	const char *name;        /* N_NAME, N_REG, N_MEMBER */
	struct dbg_type *type;   /* N_CAST, N_SIZEOF of a type, literals */
	uint64_t ival;           /* N_INT, N_CHAR */
	double fval;             /* N_FLOAT */
	const char *str;         /* N_STR: bytes */
	size_t len;              /* N_STR: their count */
};

static struct node *node_new(struct lexer *lx, enum node_kind kind)
{
	struct node *n = dbg_ev_alloc(lx->ev, sizeof(*n));

	if (n)
		n->kind = kind;
	return n;
}

/* ---- Names and types in DWARF --------------------------------------- */

/* Calls fn on each top-level DIE of every CU of every module (the one
 * holding the PC first, then the program, then libraries) until it returns
 * true; *bias gets the module's bias. */
typedef bool die_visit_fn(Dwarf_Die *die, Dwarf_Addr bias, void *arg);

static bool visit_cu(Dwarf_Die *cu, Dwarf_Addr bias, die_visit_fn *fn, void *arg)
{
	Dwarf_Die child;

	if (dwarf_child(cu, &child) != 0)
		return false;
	do {
		if (fn(&child, bias, arg))
			return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

static bool visit_all(struct dbg_ev *ev, die_visit_fn *fn, void *arg)
{
	struct dbg *dbg = ev->dbg;

	if (ev->nscopes && visit_cu(&ev->cu, ev->bias, fn, arg))
		return true;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < dbg->nmods; i++) {
			struct dbg_module *m = &dbg->mods[i];
			bool is_program = dbg->program && strcmp(m->name, dbg->program) == 0;
			Dwarf_Die *cu = NULL;
			Dwarf_Addr bias;

			if (is_program != (pass == 0) || m->layout)
				continue;
			while ((cu = dwfl_module_nextcu(m->mod, cu, &bias))) {
				if (ev->nscopes && dwarf_dieoffset(cu) == dwarf_dieoffset(&ev->cu) && m->mod == ev->mod)
					continue; /* seen first */
				if (visit_cu(cu, bias, fn, arg))
					return true;
			}
		}
	}
	return false;
}

struct find {
	const char *name;   /* wanted */
	int tag;            /* DW_TAG_* wanted (variable: also with a location) */
	Dwarf_Die die;      /* found */
	Dwarf_Addr bias;    /* its module's bias */
};

static bool find_visit(Dwarf_Die *die, Dwarf_Addr bias, void *arg)
{
	struct find *f = arg;
	Dwarf_Attribute attr;
	const char *name;

	if (dwarf_tag(die) != f->tag || !(name = dwarf_diename(die)) || strcmp(name, f->name) != 0)
		return false;
	if (dwarf_hasattr(die, DW_AT_declaration))
		return false; /* an extern declaration: the definition is elsewhere */
	if (f->tag == DW_TAG_variable && !dwarf_attr(die, DW_AT_location, &attr) &&
	    !dwarf_attr(die, DW_AT_const_value, &attr))
		return false;
	f->die = *die;
	f->bias = bias;
	return true;
}

static bool find_die(struct dbg_ev *ev, const char *name, int tag, Dwarf_Die *out, Dwarf_Addr *bias)
{
	struct find f = { .name = name, .tag = tag };

	if (!visit_all(ev, find_visit, &f))
		return false;
	*out = f.die;
	*bias = f.bias;
	return true;
}

/* ---- Locations ------------------------------------------------------ */

struct loc {
	enum dbg_where where; /* memory, register or a computed value */
	uint64_t addr;        /* DBG_V_MEM; DBG_V_TEMP: the value */
	unsigned regno;       /* DBG_V_REG */
};

static int eval_ops(struct dbg_ev *ev, const Dwarf_Op *ops, size_t nops, Dwarf_Addr bias, Dwarf_Die *fn,
		    struct loc *out);

/* The frame base of function fn (DW_AT_frame_base), at the frame's PC. */
static int frame_base(struct dbg_ev *ev, Dwarf_Die *fn, Dwarf_Addr bias, uint64_t *out)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;
	struct loc l;
	int err;

	if (!fn || !dwarf_attr(fn, DW_AT_frame_base, &attr) ||
	    dwarf_getlocation_addr(&attr, ev->pc - bias, &ops, &nops, 1) <= 0)
		return dbg_ev_fail(ev, -ENOENT, "Could not find the frame base.");
	if ((err = eval_ops(ev, ops, nops, bias, NULL, &l)) < 0)
		return err;
	if (l.where == DBG_V_REG) {
		if (dbg_ev_reg(ev, l.regno, out) < 0)
			return dbg_ev_fail(ev, -EIO, "Could not read the frame base register.");
		return 0;
	}
	*out = l.addr;
	return 0;
}

static int eval_ops(struct dbg_ev *ev, const Dwarf_Op *ops, size_t nops, Dwarf_Addr bias, Dwarf_Die *fn,
		    struct loc *out)
{
	uint64_t stack[64];
	size_t sp = 0;
	int err;

	*out = (struct loc){ .where = DBG_V_MEM };
#define PUSH(v) do { if (sp == 64) goto bad; stack[sp++] = (v); } while (0)
#define NEED(n) do { if (sp < (n)) goto bad; } while (0)
	for (size_t i = 0; i < nops; i++) {
		uint8_t a = ops[i].atom;
		uint64_t v;

		if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
			PUSH(a - DW_OP_lit0);
		} else if (a >= DW_OP_reg0 && a <= DW_OP_reg31) {
			*out = (struct loc){ .where = DBG_V_REG, .regno = a - DW_OP_reg0 };
			return 0;
		} else if (a >= DW_OP_breg0 && a <= DW_OP_breg31) {
			if (!ev->have_frame || dbg_ev_reg(ev, a - DW_OP_breg0, &v) < 0)
				return dbg_ev_fail(ev, -ESRCH, "No frame selected.");
			PUSH(v + (uint64_t)(int64_t)ops[i].number);
		} else {
			switch (a) {
			case DW_OP_addr:
				PUSH(ops[i].number + bias);
				break;
			case DW_OP_regx:
				*out = (struct loc){ .where = DBG_V_REG, .regno = (unsigned)ops[i].number };
				return 0;
			case DW_OP_bregx:
				if (!ev->have_frame || dbg_ev_reg(ev, (unsigned)ops[i].number, &v) < 0)
					return dbg_ev_fail(ev, -ESRCH, "No frame selected.");
				PUSH(v + (uint64_t)(int64_t)ops[i].number2);
				break;
			case DW_OP_fbreg:
				if (!ev->have_frame)
					return dbg_ev_fail(ev, -ESRCH, "No frame selected.");
				if ((err = frame_base(ev, fn, bias, &v)) < 0)
					return err;
				PUSH(v + (uint64_t)(int64_t)ops[i].number);
				break;
			case DW_OP_call_frame_cfa:
				if (!ev->have_frame)
					return dbg_ev_fail(ev, -ESRCH, "No frame selected.");
				PUSH(ev->cfa);
				break;
			case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u: case DW_OP_const8u:
			case DW_OP_constu: case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s:
			case DW_OP_const8s: case DW_OP_consts:
				PUSH(ops[i].number);
				break;
			case DW_OP_plus_uconst:
				NEED(1);
				stack[sp - 1] += ops[i].number;
				break;
			case DW_OP_plus:
				NEED(2);
				stack[sp - 2] += stack[sp - 1];
				sp--;
				break;
			case DW_OP_minus:
				NEED(2);
				stack[sp - 2] -= stack[sp - 1];
				sp--;
				break;
			case DW_OP_deref:
				NEED(1);
				if (dbg_read(ev->dbg, stack[sp - 1], &v, 8) < 0)
					return dbg_ev_fail(ev, -EFAULT, "Cannot access memory at address 0x%llx",
							   (unsigned long long)stack[sp - 1]);
				stack[sp - 1] = v;
				break;
			case DW_OP_stack_value:
				NEED(1);
				*out = (struct loc){ .where = DBG_V_TEMP, .addr = stack[sp - 1] };
				return 0;
			case DW_OP_piece:
				if (i + 1 == nops)
					break; /* one piece: the whole */
				/* fall through */
			case DW_OP_entry_value:
			case DW_OP_GNU_entry_value:
				/* The value a register had on entry: optimised code,
				 * which we do not reconstruct (gdb needs call-site
				 * information for it, and says the same without). */
				return dbg_ev_fail(ev, -ENOENT, "<optimized out>");
			default:
				return dbg_ev_fail(ev, -ENOTSUP, "Unhandled DWARF location operation 0x%x.", a);
			}
		}
	}
	NEED(1);
	out->addr = stack[sp - 1];
	return 0;
bad:
	return dbg_ev_fail(ev, -EINVAL, "Bad DWARF location expression.");
#undef PUSH
#undef NEED
}

/* The function scope (subprogram) that holds scope index i, or NULL. */
static Dwarf_Die *scope_function(struct dbg_ev *ev, int from)
{
	for (int i = from; i < ev->nscopes; i++)
		if (dwarf_tag(&ev->scopes[i]) == DW_TAG_subprogram)
			return &ev->scopes[i];
	return NULL;
}

static struct dbg_value *value_new(struct dbg_ev *ev, struct dbg_type *type, enum dbg_where where)
{
	struct dbg_value *v = dbg_ev_alloc(ev, sizeof(*v));

	if (!v)
		return NULL;
	v->type = type;
	v->where = where;
	if (where == DBG_V_TEMP && type && !(v->bytes = dbg_ev_alloc(ev, type->size < 8 ? 8 : type->size)))
		return NULL;
	return v;
}

/* The value of variable (or parameter) DIE var; fn is its function. */
static int var_value(struct dbg_ev *ev, Dwarf_Die *var, Dwarf_Addr bias, Dwarf_Die *fn, bool fn_scope,
		     struct dbg_value **out)
{
	Dwarf_Attribute attr;
	Dwarf_Die tdie;
	struct dbg_type *type;
	struct dbg_value *v;
	Dwarf_Op *ops;
	size_t nops;
	struct loc l;
	int n, err;

	type = dbg_type_from_die(ev, dwarf_formref_die(dwarf_attr_integrate(var, DW_AT_type, &attr), &tdie) ? &tdie
											     : NULL);
	if (!type)
		return ev->err ? ev->err : -ENOMEM;
	if (dwarf_attr(var, DW_AT_const_value, &attr)) {
		Dwarf_Block block;
		Dwarf_Sword s;

		if (!(v = value_new(ev, type, DBG_V_TEMP)))
			return -ENOMEM;
		if (dwarf_formblock(&attr, &block) == 0)
			memcpy(v->bytes, block.data, block.length < type->size ? block.length : type->size);
		else if (dwarf_formsdata(&attr, &s) == 0)
			memcpy(v->bytes, &s, type->size < 8 ? type->size : 8);
		*out = v;
		return 0;
	}
	if (!dwarf_attr(var, DW_AT_location, &attr))
		return dbg_ev_fail(ev, -ENOENT, "<optimized out>");
	n = ev->have_frame ? dwarf_getlocation_addr(&attr, ev->pc - bias, &ops, &nops, 1)
			   : (dwarf_getlocation(&attr, &ops, &nops) == 0 ? 1 : -1);
	if (n <= 0)
		return dbg_ev_fail(ev, -ENOENT, "<optimized out>");
	if ((err = eval_ops(ev, ops, nops, bias, fn, &l)) < 0)
		return err;
	if (ev->code && fn_scope && l.where == DBG_V_MEM && ops[0].atom == DW_OP_addr) {
		/* A static of code Edit and Continue loaded: where it really is. */
		Dwarf_Die cu;
		const char *file = dwarf_diecu(var, &cu, NULL, NULL) ? dwarf_diename(&cu) : NULL;

		if (!(l.addr = dbg_code_var_address(ev->dbg, ev->code, l.addr, dwarf_diename(var), file)))
			return dbg_ev_fail(ev, -ENOENT, "Cannot find where '%s' is.", dwarf_diename(var));
	}
	if (!(v = value_new(ev, type, l.where)))
		return -ENOMEM;
	if (l.where == DBG_V_MEM)
		v->addr = l.addr;
	else if (l.where == DBG_V_REG)
		v->regno = l.regno;
	else
		memcpy(v->bytes, &l.addr, type->size < 8 ? type->size : 8);
	*out = v;
	return 0;
}

static int function_value(struct dbg_ev *ev, Dwarf_Die *fn, Dwarf_Addr bias, struct dbg_value **out)
{
	Dwarf_Addr low;
	struct dbg_type *type = dbg_type_from_die(ev, fn);
	struct dbg_value *v;

	if (!type || dwarf_lowpc(fn, &low) != 0)
		return dbg_ev_fail(ev, -ENOENT, "Cannot find the address of function %s.", dwarf_diename(fn));
	if (!(v = value_new(ev, type, DBG_V_MEM)))
		return -ENOMEM;
	v->addr = low + bias;
	*out = v;
	return 0;
}

/* A name: a variable in scope, a global, then a function. */
static int lookup_name(struct dbg_ev *ev, const char *name, struct dbg_value **out)
{
	Dwarf_Die die;
	Dwarf_Addr bias;
	uint64_t addr;

	if (ev->nscopes) {
		int i = dwarf_getscopevar(ev->scopes, ev->nscopes, name, 0, NULL, 0, 0, &die);

		if (i >= 0 && !dwarf_hasattr(&die, DW_AT_declaration))
			return var_value(ev, &die, ev->bias, scope_function(ev, i), true, out);
	}
	if (find_die(ev, name, DW_TAG_variable, &die, &bias)) {
		Dwarf_Die cu;
		bool in_scope_cu = ev->nscopes && bias == ev->bias && dwarf_diecu(&die, &cu, NULL, NULL) &&
				   dwarf_dieoffset(&cu) == dwarf_dieoffset(&ev->cu);

		return var_value(ev, &die, bias, NULL, in_scope_cu, out);
	}
	if (find_die(ev, name, DW_TAG_subprogram, &die, &bias))
		return function_value(ev, &die, bias, out);
	if (dbg_lookup_symbol(ev->dbg, name, NULL, &addr, NULL) == 0)
		return dbg_ev_fail(ev, -ENOENT, "'%s' has unknown type; cast it to its declared type", name);
	return dbg_ev_fail(ev, -ENOENT, "No symbol \"%s\" in current context.", name);
}

/* True when name is a variable or function the expression could mean. */
static bool is_object_name(struct dbg_ev *ev, const char *name)
{
	Dwarf_Die die;
	Dwarf_Addr bias;

	if (ev->nscopes && dwarf_getscopevar(ev->scopes, ev->nscopes, name, 0, NULL, 0, 0, &die) >= 0)
		return true;
	return find_die(ev, name, DW_TAG_variable, &die, &bias) || find_die(ev, name, DW_TAG_subprogram, &die, &bias);
}

/* ---- Parser --------------------------------------------------------- */

static struct node *parse_expr(struct lexer *lx);
static struct node *parse_assign(struct lexer *lx);
static struct node *parse_unary(struct lexer *lx);

static bool is_type_keyword(const char *id)
{
	static const char *const kw[] = { "void", "char", "short", "int", "long", "float", "double", "signed",
					  "unsigned", "_Bool", "struct", "union", "enum", "const", "volatile" };

	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (strcmp(id, kw[i]) == 0)
			return true;
	return false;
}

/* True when the current token starts a type name. */
static bool starts_type(struct lexer *lx)
{
	Dwarf_Die die;
	Dwarf_Addr bias;

	if (lx->tok != TOK_ID)
		return false;
	if (is_type_keyword(lx->id))
		return true;
	return !is_object_name(lx->ev, lx->id) && find_die(lx->ev, lx->id, DW_TAG_typedef, &die, &bias);
}

/* A type name: specifiers, then '*'s and one [N]. */
static struct dbg_type *parse_type(struct lexer *lx)
{
	struct dbg_ev *ev = lx->ev;
	int longs = 0, shorts = 0;
	bool is_unsigned = false, is_signed = false, any = false;
	unsigned quals = 0;
	const char *base = NULL;
	struct dbg_type *t = NULL;

	while (lx->tok == TOK_ID) {
		const char *id = lx->id;

		if (strcmp(id, "const") == 0) {
			quals |= DBG_Q_CONST;
		} else if (strcmp(id, "volatile") == 0) {
			quals |= DBG_Q_VOLATILE;
		} else if (strcmp(id, "unsigned") == 0) {
			is_unsigned = any = true;
		} else if (strcmp(id, "signed") == 0) {
			is_signed = any = true;
		} else if (strcmp(id, "long") == 0) {
			longs++;
			any = true;
		} else if (strcmp(id, "short") == 0) {
			shorts++;
			any = true;
		} else if (!base && !t && (strcmp(id, "int") == 0 || strcmp(id, "char") == 0 || strcmp(id, "void") == 0 ||
					   strcmp(id, "float") == 0 || strcmp(id, "double") == 0 ||
					   strcmp(id, "_Bool") == 0)) {
			base = id;
			any = true;
		} else if (!base && !t && !any &&
			   (strcmp(id, "struct") == 0 || strcmp(id, "union") == 0 || strcmp(id, "enum") == 0)) {
			int tag = id[0] == 's' ? DW_TAG_structure_type : id[0] == 'u' ? DW_TAG_union_type
									    : DW_TAG_enumeration_type;
			const char *kw = id;
			Dwarf_Die die;
			Dwarf_Addr bias;

			if (next(lx) < 0)
				return NULL;
			if (lx->tok != TOK_ID) {
				syntax_error(lx);
				return NULL;
			}
			if (!find_die(ev, lx->id, tag, &die, &bias)) {
				dbg_ev_fail(ev, -ENOENT, "No %s type named %s.", kw, lx->id);
				return NULL;
			}
			t = dbg_type_from_die(ev, &die);
			if (!t)
				return NULL;
		} else if (!base && !t && !any && !is_object_name(ev, id)) {
			Dwarf_Die die;
			Dwarf_Addr bias;

			if (!find_die(ev, id, DW_TAG_typedef, &die, &bias))
				break;
			t = dbg_type_from_die(ev, &die);
			if (!t)
				return NULL;
		} else {
			break;
		}
		if (next(lx) < 0)
			return NULL;
	}
	if (!t) {
		if (base && strcmp(base, "void") == 0)
			t = dbg_type_base(ev, DBG_T_VOID, "void", 1, false);
		else if (base && strcmp(base, "_Bool") == 0)
			t = dbg_type_base(ev, DBG_T_BOOL, "_Bool", 1, false);
		else if (base && strcmp(base, "float") == 0)
			t = dbg_type_base(ev, DBG_T_FLOAT, "float", 4, true);
		else if (base && strcmp(base, "double") == 0)
			t = dbg_type_base(ev, DBG_T_FLOAT, longs ? "long double" : "double", longs ? 16 : 8, true);
		else if (base && strcmp(base, "char") == 0)
			t = dbg_type_base(ev, DBG_T_INT, is_unsigned ? "unsigned char" : is_signed ? "signed char" : "char",
					  1, !is_unsigned);
		else if (shorts)
			t = dbg_type_base(ev, DBG_T_INT, is_unsigned ? "unsigned short" : "short", 2, !is_unsigned);
		else if (longs >= 2)
			t = dbg_type_base(ev, DBG_T_INT, is_unsigned ? "unsigned long long" : "long long", 8, !is_unsigned);
		else if (longs)
			t = dbg_type_base(ev, DBG_T_INT, is_unsigned ? "unsigned long" : "long", 8, !is_unsigned);
		else if (any)
			t = dbg_type_base(ev, DBG_T_INT, is_unsigned ? "unsigned int" : "int", 4, !is_unsigned);
		else {
			syntax_error(lx);
			return NULL;
		}
		if (!t)
			return NULL;
	}
	if (quals) {
		struct dbg_type *q = dbg_ev_alloc(ev, sizeof(*q));

		if (!q)
			return NULL;
		*q = *t;
		q->quals |= quals;
		t = q;
	}
	while (is_op(lx, "*")) {
		if (!(t = dbg_type_pointer(ev, t)) || next(lx) < 0)
			return NULL;
		while (lx->tok == TOK_ID && (strcmp(lx->id, "const") == 0 || strcmp(lx->id, "volatile") == 0))
			if (next(lx) < 0)
				return NULL;
	}
	if (is_op(lx, "[")) {
		struct dbg_type *a;

		if (next(lx) < 0)
			return NULL;
		if (lx->tok != TOK_INT) {
			syntax_error(lx);
			return NULL;
		}
		if (!(a = dbg_ev_alloc(ev, sizeof(*a))))
			return NULL;
		a->kind = DBG_T_ARRAY;
		a->target = t;
		a->count = (size_t)lx->ival;
		a->size = t->size * a->count;
		t = a;
		if (next(lx) < 0)
			return NULL;
		if (!is_op(lx, "]")) {
			syntax_error(lx);
			return NULL;
		}
		if (next(lx) < 0)
			return NULL;
	}
	return t;
}

static struct node *parse_primary(struct lexer *lx)
{
	struct node *n = NULL;

	switch (lx->tok) {
	case TOK_INT:
		if (!(n = node_new(lx, N_INT)))
			return NULL;
		n->ival = lx->ival;
		n->type = dbg_type_base(lx->ev, DBG_T_INT,
					lx->is_long ? (lx->is_unsigned ? "unsigned long" : "long")
						    : (lx->is_unsigned ? "unsigned int" : "int"),
					lx->is_long ? 8 : 4, !lx->is_unsigned);
		break;
	case TOK_FLOAT:
		if (!(n = node_new(lx, N_FLOAT)))
			return NULL;
		n->fval = lx->fval;
		n->type = lx->is_float ? dbg_type_base(lx->ev, DBG_T_FLOAT, "float", 4, true)
				       : dbg_type_base(lx->ev, DBG_T_FLOAT, "double", 8, true);
		break;
	case TOK_CHAR:
		if (!(n = node_new(lx, N_CHAR)))
			return NULL;
		n->ival = lx->ival;
		n->type = dbg_type_base(lx->ev, DBG_T_INT, "char", 1, true);
		break;
	case TOK_STR:
		if (!(n = node_new(lx, N_STR)))
			return NULL;
		n->str = lx->str;
		n->len = lx->strlen;
		break;
	case TOK_ID:
		if (strcmp(lx->id, "sizeof") == 0 || is_type_keyword(lx->id)) {
			syntax_error(lx);
			return NULL;
		}
		if (!(n = node_new(lx, N_NAME)))
			return NULL;
		n->name = lx->id;
		break;
	case TOK_REG:
		if (!(n = node_new(lx, N_REG)))
			return NULL;
		n->name = lx->id;
		break;
	case TOK_OP:
		if (is_op(lx, "(")) {
			if (next(lx) < 0 || !(n = parse_expr(lx)))
				return NULL;
			if (!is_op(lx, ")")) {
				syntax_error(lx);
				return NULL;
			}
			break;
		}
		/* fall through */
	default:
		syntax_error(lx);
		return NULL;
	}
	if (next(lx) < 0)
		return NULL;
	return n;
}

static struct node *parse_postfix(struct lexer *lx)
{
	struct node *n = parse_primary(lx);

	while (n) {
		struct node *p;

		if (is_op(lx, "[")) {
			if (!(p = node_new(lx, N_INDEX)) || next(lx) < 0)
				return NULL;
			p->a = n;
			if (!(p->b = parse_expr(lx)))
				return NULL;
			if (!is_op(lx, "]")) {
				syntax_error(lx);
				return NULL;
			}
		} else if (is_op(lx, ".") || is_op(lx, "->")) {
			if (!(p = node_new(lx, N_MEMBER)))
				return NULL;
			strcpy(p->op, lx->op);
			if (next(lx) < 0)
				return NULL;
			if (lx->tok != TOK_ID) {
				syntax_error(lx);
				return NULL;
			}
			p->a = n;
			p->name = lx->id;
		} else {
			break;
		}
		if (next(lx) < 0)
			return NULL;
		n = p;
	}
	return n;
}

static struct node *parse_unary(struct lexer *lx)
{
	struct node *n;

	if (lx->tok == TOK_OP && strlen(lx->op) == 1 && strchr("-+!~*&", lx->op[0])) {
		if (!(n = node_new(lx, N_UNARY)))
			return NULL;
		strcpy(n->op, lx->op);
		if (next(lx) < 0 || !(n->a = parse_unary(lx)))
			return NULL;
		return n;
	}
	if (lx->tok == TOK_ID && strcmp(lx->id, "sizeof") == 0) {
		const char *save = lx->p;

		if (!(n = node_new(lx, N_SIZEOF)) || next(lx) < 0)
			return NULL;
		if (is_op(lx, "(")) {
			if (next(lx) < 0)
				return NULL;
			if (starts_type(lx)) {
				if (!(n->type = parse_type(lx)))
					return NULL;
				if (!is_op(lx, ")")) {
					syntax_error(lx);
					return NULL;
				}
				if (next(lx) < 0)
					return NULL;
				return n;
			}
			lx->p = save; /* an expression in parentheses */
			if (next(lx) < 0)
				return NULL;
		}
		if (!(n->a = parse_unary(lx)))
			return NULL;
		return n;
	}
	if (is_op(lx, "(")) {
		const char *save = lx->p, *start = lx->start;

		if (next(lx) < 0)
			return NULL;
		if (starts_type(lx)) {
			if (!(n = node_new(lx, N_CAST)) || !(n->type = parse_type(lx)))
				return NULL;
			if (!is_op(lx, ")")) {
				syntax_error(lx);
				return NULL;
			}
			if (next(lx) < 0 || !(n->a = parse_unary(lx)))
				return NULL;
			return n;
		}
		/* Not a cast: parse it again as a parenthesised expression. */
		lx->p = save;
		lx->start = start;
		lx->tok = TOK_OP;
		strcpy(lx->op, "(");
	}
	return parse_postfix(lx);
}

/* Binary operators by precedence, loosest first. */
static int precedence(struct lexer *lx)
{
	static const char *const levels[][5] = {
		{ "||" }, { "&&" }, { "|" }, { "^" }, { "&" }, { "==", "!=" },
		{ "<", ">", "<=", ">=" }, { "<<", ">>" }, { "+", "-" }, { "*", "/", "%" },
	};

	if (lx->tok != TOK_OP)
		return -1;
	for (int i = 0; i < (int)(sizeof(levels) / sizeof(levels[0])); i++)
		for (int k = 0; k < 5 && levels[i][k]; k++)
			if (strcmp(lx->op, levels[i][k]) == 0)
				return i;
	return -1;
}

static struct node *parse_binary(struct lexer *lx, int min)
{
	struct node *left = parse_unary(lx);
	int prec;

	while (left && (prec = precedence(lx)) >= min) {
		struct node *n = node_new(lx, strcmp(lx->op, "&&") == 0 || strcmp(lx->op, "||") == 0 ? N_LOGIC : N_BINARY);

		if (!n)
			return NULL;
		strcpy(n->op, lx->op);
		if (next(lx) < 0)
			return NULL;
		n->a = left;
		if (!(n->b = parse_binary(lx, prec + 1)))
			return NULL;
		left = n;
	}
	return left;
}

static struct node *parse_assign(struct lexer *lx)
{
	struct node *n = parse_binary(lx, 0), *c;

	if (!n)
		return NULL;
	if (is_op(lx, "?")) {
		if (!(c = node_new(lx, N_COND)) || next(lx) < 0)
			return NULL;
		c->a = n;
		if (!(c->b = parse_expr(lx)))
			return NULL;
		if (!is_op(lx, ":")) {
			syntax_error(lx);
			return NULL;
		}
		if (next(lx) < 0 || !(c->c = parse_assign(lx)))
			return NULL;
		return c;
	}
	if (is_op(lx, "=")) {
		if (!(c = node_new(lx, N_ASSIGN)) || next(lx) < 0)
			return NULL;
		c->a = n;
		if (!(c->b = parse_assign(lx)))
			return NULL;
		return c;
	}
	return n;
}

static struct node *parse_expr(struct lexer *lx)
{
	struct node *n = parse_assign(lx);

	while (n && is_op(lx, ",")) {
		struct node *c = node_new(lx, N_BINARY);

		if (!c || next(lx) < 0)
			return NULL;
		strcpy(c->op, ",");
		c->a = n;
		if (!(c->b = parse_assign(lx)))
			return NULL;
		n = c;
	}
	return n;
}

/* ---- Evaluation ----------------------------------------------------- */

static int eval(struct dbg_ev *ev, struct node *n, struct dbg_value **out);

/* A scalar operand after C's conversions. */
struct num {
	bool is_float;  /* d holds it */
	bool is_unsigned; /* integers: unsigned */
	size_t size;    /* integers: 4 or 8 after promotion; floats: 4, 8, 16 */
	int64_t i;      /* integers and pointers */
	double d;       /* floating */
	bool is_ptr;    /* a pointer (or a decayed array or function) */
	struct dbg_type *ptr_type; /* its type */
};

static int to_num(struct dbg_ev *ev, struct dbg_value *v, struct num *n)
{
	struct dbg_type *t = dbg_type_strip(v->type);
	int err;

	*n = (struct num){ 0 };
	switch (t->kind) {
	case DBG_T_FLOAT:
		if ((err = dbg_value_fetch(ev, v)) < 0)
			return err;
		n->is_float = true;
		n->size = t->size;
		if (t->size == 4) {
			float f;

			memcpy(&f, v->bytes, 4);
			n->d = f;
		} else if (t->size == 8) {
			memcpy(&n->d, v->bytes, 8);
		} else {
			long double ld = 0;

			memcpy(&ld, v->bytes, t->size < sizeof(ld) ? t->size : sizeof(ld));
			n->d = (double)ld;
		}
		return 0;
	case DBG_T_ARRAY:
	case DBG_T_FUNC:
		if (v->where != DBG_V_MEM)
			return dbg_ev_fail(ev, -EINVAL, "Attempt to take address of value not located in memory.");
		n->is_ptr = true;
		n->is_unsigned = true;
		n->size = 8;
		n->i = (int64_t)v->addr;
		n->ptr_type = dbg_type_pointer(ev, t->kind == DBG_T_ARRAY ? t->target : v->type);
		return n->ptr_type ? 0 : -ENOMEM;
	case DBG_T_INT:
	case DBG_T_BOOL:
	case DBG_T_ENUM:
	case DBG_T_PTR:
		if ((err = dbg_value_int(ev, v, &n->i)) < 0)
			return err;
		n->is_ptr = t->kind == DBG_T_PTR;
		n->ptr_type = n->is_ptr ? v->type : NULL;
		n->is_unsigned = n->is_ptr || (!t->is_signed && t->size >= 4);
		n->size = t->size < 4 ? 4 : t->size;
		if (n->size == 4)
			n->i = n->is_unsigned ? (int64_t)(uint32_t)n->i : (int64_t)(int32_t)n->i;
		return 0;
	default:
		return dbg_ev_fail(ev, -EINVAL, "Argument to arithmetic operation not a number or boolean.");
	}
}

static struct dbg_value *int_value(struct dbg_ev *ev, int64_t i, size_t size, bool is_unsigned)
{
	struct dbg_type *t = dbg_type_base(ev, DBG_T_INT,
					   size == 8 ? (is_unsigned ? "unsigned long" : "long")
						     : (is_unsigned ? "unsigned int" : "int"),
					   size, !is_unsigned);
	struct dbg_value *v = t ? value_new(ev, t, DBG_V_TEMP) : NULL;

	if (v)
		memcpy(v->bytes, &i, size);
	return v;
}

static struct dbg_value *float_value(struct dbg_ev *ev, double d, size_t size)
{
	struct dbg_type *t = dbg_type_base(ev, DBG_T_FLOAT, size == 4 ? "float" : "double", size == 4 ? 4 : 8, true);
	struct dbg_value *v = t ? value_new(ev, t, DBG_V_TEMP) : NULL;

	if (v && size == 4) {
		float f = (float)d;

		memcpy(v->bytes, &f, 4);
	} else if (v) {
		memcpy(v->bytes, &d, 8);
	}
	return v;
}

static struct dbg_value *ptr_value(struct dbg_ev *ev, struct dbg_type *type, uint64_t a)
{
	struct dbg_value *v = value_new(ev, type, DBG_V_TEMP);

	if (v)
		memcpy(v->bytes, &a, 8);
	return v;
}

/* Converts v to type (a cast, or the left side of an assignment). */
static int convert(struct dbg_ev *ev, struct dbg_value *v, struct dbg_type *type, struct dbg_value **out)
{
	struct dbg_type *to = dbg_type_strip(type), *from = dbg_type_strip(v->type);
	struct dbg_value *r;
	struct num n;
	int err;

	if (to->kind == DBG_T_VOID) {
		*out = value_new(ev, type, DBG_V_TEMP);
		return *out ? 0 : -ENOMEM;
	}
	if (to->kind == DBG_T_STRUCT || to->kind == DBG_T_UNION || to->kind == DBG_T_ARRAY) {
		if (from->kind != to->kind || from->size != to->size)
			return dbg_ev_fail(ev, -EINVAL, "Invalid cast.");
		r = dbg_ev_alloc(ev, sizeof(*r));
		if (!r)
			return -ENOMEM;
		*r = *v;
		r->type = type;
		*out = r;
		return 0;
	}
	if ((err = to_num(ev, v, &n)) < 0)
		return err;
	if (!(r = value_new(ev, type, DBG_V_TEMP)))
		return -ENOMEM;
	if (to->kind == DBG_T_FLOAT) {
		double d = n.is_float ? n.d : n.is_unsigned ? (double)(uint64_t)n.i : (double)n.i;

		if (to->size == 4) {
			float f = (float)d;

			memcpy(r->bytes, &f, 4);
		} else if (to->size == 8) {
			memcpy(r->bytes, &d, 8);
		} else {
			long double ld = d;

			memcpy(r->bytes, &ld, to->size < sizeof(ld) ? to->size : sizeof(ld));
		}
	} else {
		int64_t i = n.is_float ? (to->kind == DBG_T_BOOL ? n.d != 0 : (int64_t)n.d) : n.i;

		if (to->kind == DBG_T_BOOL)
			i = i != 0;
		memcpy(r->bytes, &i, to->size < 8 ? to->size : 8);
	}
	*out = r;
	return 0;
}

static int eval_unary(struct dbg_ev *ev, struct node *n, struct dbg_value **out)
{
	struct dbg_value *a;
	struct dbg_type *t;
	struct num x;
	int err;

	if ((err = eval(ev, n->a, &a)) < 0)
		return err;
	t = dbg_type_strip(a->type);
	switch (n->op[0]) {
	case '&':
		if (t->kind == DBG_T_FUNC || (a->where == DBG_V_MEM && !a->bit_size)) {
			struct dbg_type *p = dbg_type_pointer(ev, a->type);

			*out = p ? ptr_value(ev, p, a->addr) : NULL;
			return *out ? 0 : -ENOMEM;
		}
		if (a->where == DBG_V_REG)
			return dbg_ev_fail(ev, -EINVAL, "Address requested for identifier \"%s\" which is in register",
					   n->a->kind == N_NAME ? n->a->name : "?");
		return dbg_ev_fail(ev, -EINVAL, "Attempt to take address of value not located in memory.");
	case '*': {
		struct dbg_value *r;

		if (t->kind == DBG_T_FUNC) {
			*out = a;
			return 0;
		}
		if (t->kind != DBG_T_PTR && t->kind != DBG_T_ARRAY)
			return dbg_ev_fail(ev, -EINVAL, "Attempt to take contents of a non-pointer value.");
		if ((err = to_num(ev, a, &x)) < 0)
			return err;
		if (dbg_type_strip(t->target)->kind == DBG_T_VOID)
			return dbg_ev_fail(ev, -EINVAL, "Attempt to take contents of a non-pointer value.");
		if (!(r = value_new(ev, t->target, DBG_V_MEM)))
			return -ENOMEM;
		r->addr = (uint64_t)x.i;
		*out = r;
		return 0;
	}
	default:
		break;
	}
	if ((err = to_num(ev, a, &x)) < 0)
		return err;
	switch (n->op[0]) {
	case '+':
		*out = x.is_float ? float_value(ev, x.d, x.size) : int_value(ev, x.i, x.size, x.is_unsigned);
		break;
	case '-':
		*out = x.is_float ? float_value(ev, -x.d, x.size) : int_value(ev, -x.i, x.size, x.is_unsigned);
		break;
	case '!':
		*out = int_value(ev, x.is_float ? x.d == 0 : x.i == 0, 4, false);
		break;
	case '~':
		if (x.is_float || x.is_ptr)
			return dbg_ev_fail(ev, -EINVAL, "Argument to complement operation not an integer, boolean.");
		*out = int_value(ev, ~x.i, x.size, x.is_unsigned);
		break;
	}
	return *out ? 0 : -ENOMEM;
}

/* The size of what a pointer of type pt points to (void: 1). */
static size_t target_size(struct dbg_type *pt)
{
	struct dbg_type *t = dbg_type_strip(dbg_type_strip(pt)->target);

	return t && t->kind != DBG_T_VOID && t->size ? t->size : 1;
}

static int eval_binary(struct dbg_ev *ev, struct node *n, struct dbg_value **out)
{
	struct dbg_value *a, *b;
	struct num x, y;
	const char *op = n->op;
	int err;

	if ((err = eval(ev, n->a, &a)) < 0 || (err = eval(ev, n->b, &b)) < 0)
		return err;
	if (strcmp(op, ",") == 0) {
		*out = b;
		return 0;
	}
	if ((err = to_num(ev, a, &x)) < 0 || (err = to_num(ev, b, &y)) < 0)
		return err;
	/* Pointer arithmetic. */
	if ((x.is_ptr || y.is_ptr) && (op[0] == '+' || op[0] == '-') && !op[1]) {
		if (x.is_ptr && y.is_ptr) {
			if (op[0] == '+')
				return dbg_ev_fail(ev, -EINVAL, "Cannot add two pointers.");
			*out = int_value(ev, (x.i - y.i) / (int64_t)target_size(x.ptr_type), 8, false);
		} else if (x.is_float || y.is_float) {
			return dbg_ev_fail(ev, -EINVAL, "Argument to arithmetic operation not a number or boolean.");
		} else if (x.is_ptr) {
			int64_t d = y.i * (int64_t)target_size(x.ptr_type);

			*out = ptr_value(ev, x.ptr_type, (uint64_t)(op[0] == '+' ? x.i + d : x.i - d));
		} else {
			if (op[0] == '-')
				return dbg_ev_fail(ev, -EINVAL, "Cannot subtract a pointer from an integer.");
			*out = ptr_value(ev, y.ptr_type, (uint64_t)(y.i + x.i * (int64_t)target_size(y.ptr_type)));
		}
		return *out ? 0 : -ENOMEM;
	}
	if (x.is_float || y.is_float) {
		double p = x.is_float ? x.d : x.is_unsigned ? (double)(uint64_t)x.i : (double)x.i;
		double q = y.is_float ? y.d : y.is_unsigned ? (double)(uint64_t)y.i : (double)y.i;
		size_t size = (x.is_float && x.size > 4) || (y.is_float && y.size > 4) ? 8 : 4;
		int c = -1;

		switch (op[0]) {
		case '+': *out = float_value(ev, p + q, size); break;
		case '-': *out = float_value(ev, p - q, size); break;
		case '*': *out = float_value(ev, p * q, size); break;
		case '/': *out = float_value(ev, p / q, size); break;
		case '<': c = op[1] == '=' ? p <= q : op[1] ? -2 : p < q; break;
		case '>': c = op[1] == '=' ? p >= q : op[1] ? -2 : p > q; break;
		case '=': c = p == q; break;
		case '!': c = p != q; break;
		default: c = -2; break;
		}
		if (c == -2)
			return dbg_ev_fail(ev, -EINVAL, "Integer only operation %s.", op);
		if (c >= 0)
			*out = int_value(ev, c, 4, false);
		return *out ? 0 : -ENOMEM;
	}
	{
		/* The usual arithmetic conversions (x86-64: long holds all of
		 * unsigned int). */
		size_t size = x.size > y.size ? x.size : y.size;
		bool uns = x.size == y.size ? x.is_unsigned || y.is_unsigned : x.size > y.size ? x.is_unsigned
											       : y.is_unsigned;
		uint64_t u = (uint64_t)x.i, v = (uint64_t)y.i;
		int64_t s = x.i, t = y.i, r = 0;
		int c = -1;

		if (size == 4 && uns) {
			u = (uint32_t)u;
			v = (uint32_t)v;
		}
		switch (op[0]) {
		case '+': r = (int64_t)(u + v); break;
		case '-': r = (int64_t)(u - v); break;
		case '*': r = (int64_t)(u * v); break;
		case '/':
		case '%':
			if (v == 0)
				return dbg_ev_fail(ev, -EDOM, "Division by zero");
			if (uns)
				r = (int64_t)(op[0] == '/' ? u / v : u % v);
			else if (t == -1)
				r = op[0] == '/' ? (int64_t)(0 - u) : 0;
			else
				r = op[0] == '/' ? s / t : s % t;
			break;
		case '&': r = (int64_t)(u & v); break;
		case '|': r = (int64_t)(u | v); break;
		case '^': r = (int64_t)(u ^ v); break;
		case '<':
			if (op[1] == '<')
				r = (int64_t)(u << (v & 63));
			else
				c = uns ? (op[1] == '=' ? u <= v : u < v) : (op[1] == '=' ? s <= t : s < t);
			break;
		case '>':
			if (op[1] == '>')
				r = uns ? (int64_t)(u >> (v & 63)) : (size == 4 ? (int32_t)s : s) >> (v & 63);
			else
				c = uns ? (op[1] == '=' ? u >= v : u > v) : (op[1] == '=' ? s >= t : s > t);
			break;
		case '=': c = (size == 4 ? (uint32_t)u == (uint32_t)v : u == v); break;
		case '!': c = (size == 4 ? (uint32_t)u != (uint32_t)v : u != v); break;
		}
		if (op[0] == '<' && op[1] == '<')
			c = -1;
		if (op[0] == '>' && op[1] == '>')
			c = -1;
		if (c >= 0)
			*out = int_value(ev, c, 4, false);
		else
			*out = int_value(ev, r, size, uns);
		return *out ? 0 : -ENOMEM;
	}
}

/* A member of a struct or union, looking inside anonymous members too. */
static bool find_member(struct dbg_ev *ev, struct dbg_type *t, const char *name, Dwarf_Die *out, uint64_t *off,
			struct dbg_type **holder)
{
	Dwarf_Die child;

	if (!t->has_die || dwarf_child(&t->die, &child) != 0)
		return false;
	do {
		const char *mn = dwarf_diename(&child);
		Dwarf_Attribute attr;
		Dwarf_Word o = 0;

		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		dwarf_formudata(dwarf_attr(&child, DW_AT_data_member_location, &attr), &o);
		if (mn && strcmp(mn, name) == 0) {
			*out = child;
			*holder = t;
			return true;
		}
		if (!mn) {
			Dwarf_Die td;
			struct dbg_type *inner;

			if (!dwarf_formref_die(dwarf_attr(&child, DW_AT_type, &attr), &td))
				continue;
			inner = dbg_type_strip(dbg_type_from_die(ev, &td));
			if (inner && find_member(ev, inner, name, out, off, holder)) {
				*off += o;
				return true;
			}
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

static int eval_member(struct dbg_ev *ev, struct node *n, struct dbg_value **out)
{
	struct dbg_value *a, *r;
	struct dbg_type *t, *holder;
	Dwarf_Die m, td;
	Dwarf_Attribute attr;
	Dwarf_Word mo = 0, bits = 0, bit_off = 0;
	uint64_t off = 0;
	int err;

	if ((err = eval(ev, n->a, &a)) < 0)
		return err;
	t = dbg_type_strip(a->type);
	if (t->kind == DBG_T_PTR) {
		/* p->m, and gdb's p.m on a pointer too. */
		struct num x;

		if ((err = to_num(ev, a, &x)) < 0)
			return err;
		if (!(r = value_new(ev, t->target, DBG_V_MEM)))
			return -ENOMEM;
		r->addr = (uint64_t)x.i;
		a = r;
		t = dbg_type_strip(a->type);
	} else if (strcmp(n->op, "->") == 0) {
		return dbg_ev_fail(ev, -EINVAL, "The -> operator needs a pointer to a struct or union.");
	}
	if (t->kind != DBG_T_STRUCT && t->kind != DBG_T_UNION)
		return dbg_ev_fail(ev, -EINVAL, "Attempt to extract a component of a value that is not a structure%s.",
				   strcmp(n->op, "->") == 0 ? " pointer" : "");
	if (!find_member(ev, t, n->name, &m, &off, &holder))
		return dbg_ev_fail(ev, -ENOENT, "There is no member named %s.", n->name);
	if (!(r = value_new(ev, NULL, a->where)))
		return -ENOMEM;
	r->type = dbg_type_from_die(ev, dwarf_formref_die(dwarf_attr(&m, DW_AT_type, &attr), &td) ? &td : NULL);
	if (!r->type)
		return -ENOMEM;
	dwarf_formudata(dwarf_attr(&m, DW_AT_data_member_location, &attr), &mo);
	off += mo;
	if (dwarf_formudata(dwarf_attr(&m, DW_AT_bit_size, &attr), &bits) == 0 && bits) {
		if (dwarf_formudata(dwarf_attr(&m, DW_AT_data_bit_offset, &attr), &bit_off) != 0)
			bit_off = mo * 8;
		off = off - mo + bit_off / 8;
		r->bit_size = (unsigned)bits;
		r->bit_offset = (unsigned)(bit_off % 8);
	}
	if (a->where == DBG_V_MEM && !a->bytes) {
		r->addr = a->addr + off;
		*out = r;
		return 0;
	}
	/* A member of a value we hold (a register, a returned struct). */
	if ((err = dbg_value_fetch(ev, a)) < 0)
		return err;
	r->where = DBG_V_TEMP;
	if (!(r->bytes = dbg_ev_alloc(ev, r->type->size + 8)))
		return -ENOMEM;
	if (r->bit_size) {
		uint64_t raw = 0, x;

		memcpy(&raw, a->bytes + off, a->type->size - off < 8 ? a->type->size - off : 8);
		x = raw >> r->bit_offset;
		if (r->bit_size < 64)
			x &= (1ULL << r->bit_size) - 1;
		memcpy(r->bytes, &x, r->type->size < 8 ? r->type->size : 8);
		r->bit_size = 0;
	} else if (off + r->type->size <= a->type->size) {
		memcpy(r->bytes, a->bytes + off, r->type->size);
	}
	*out = r;
	return 0;
}

static int eval_index(struct dbg_ev *ev, struct node *n, struct dbg_value **out)
{
	struct dbg_value *a, *b, *r;
	struct dbg_type *t;
	struct num x, y;
	size_t esize;
	int err;

	if ((err = eval(ev, n->a, &a)) < 0 || (err = eval(ev, n->b, &b)) < 0)
		return err;
	t = dbg_type_strip(a->type);
	if (t->kind != DBG_T_ARRAY && t->kind != DBG_T_PTR) {
		struct dbg_value *s = a;

		a = b; /* i[a] is a[i] */
		b = s;
		t = dbg_type_strip(a->type);
		if (t->kind != DBG_T_ARRAY && t->kind != DBG_T_PTR) {
			char *name = dbg_type_name(ev, b->type);

			return dbg_ev_fail(ev, -EINVAL, "cannot subscript something of type `%s'", name ? name : "?");
		}
	}
	if ((err = to_num(ev, b, &y)) < 0)
		return err;
	if (y.is_float || y.is_ptr)
		return dbg_ev_fail(ev, -EINVAL, "Argument to arithmetic operation not a number or boolean.");
	esize = target_size(t);
	if (t->kind == DBG_T_ARRAY && (a->where != DBG_V_MEM || a->bytes)) {
		/* An array we hold (a string literal): index its bytes. */
		if ((err = dbg_value_fetch(ev, a)) < 0)
			return err;
		if (y.i < 0 || (uint64_t)y.i >= t->count)
			return dbg_ev_fail(ev, -ERANGE, "no such vector element");
		if (!(r = value_new(ev, t->target, DBG_V_TEMP)))
			return -ENOMEM;
		memcpy(r->bytes, a->bytes + (size_t)y.i * esize, esize);
		*out = r;
		return 0;
	}
	if (dbg_type_strip(t->target)->kind == DBG_T_VOID)
		return dbg_ev_fail(ev, -EINVAL, "Attempt to take contents of a non-pointer value.");
	if ((err = to_num(ev, a, &x)) < 0)
		return err;
	if (!(r = value_new(ev, t->target, DBG_V_MEM)))
		return -ENOMEM;
	r->addr = (uint64_t)(x.i + y.i * (int64_t)esize);
	*out = r;
	return 0;
}

static int eval_assign(struct dbg_ev *ev, struct node *n, struct dbg_value **out)
{
	struct dbg_value *a, *b, *c;
	size_t size;
	int err;

	if ((err = eval(ev, n->a, &a)) < 0 || (err = eval(ev, n->b, &b)) < 0)
		return err;
	if (a->where == DBG_V_TEMP)
		return dbg_ev_fail(ev, -EINVAL, "Left operand of assignment is not an lvalue.");
	if (a->bit_size)
		return dbg_ev_fail(ev, -ENOTSUP, "Assigning to a bit-field is not supported.");
	if ((err = convert(ev, b, a->type, &c)) < 0 || (err = dbg_value_fetch(ev, c)) < 0)
		return err;
	size = dbg_type_strip(a->type)->size;
	if (!ev->no_side_effects) {
		if (a->where == DBG_V_MEM) {
			if (dbg_write(ev->dbg, a->addr, c->bytes, size) < 0)
				return dbg_ev_fail(ev, -EFAULT, "Cannot access memory at address 0x%llx",
						   (unsigned long long)a->addr);
		} else {
			uint64_t old = 0, v = 0;

			if (size > 8 || dbg_reg_get(ev->dbg, a->regno, &old) < 0)
				return dbg_ev_fail(ev, -EIO, "Cannot write this register.");
			memcpy(&v, c->bytes, size);
			if (size < 8)
				v |= old & (~0ULL << (size * 8));
			if (dbg_reg_set(ev->dbg, a->regno, v) < 0)
				return dbg_ev_fail(ev, -EPERM, "Only the innermost frame's registers can be written.");
		}
	}
	a->bytes = c->bytes;
	*out = a;
	return 0;
}

/* $pc, $sp, $fp and the general registers by name. */
static int eval_register(struct dbg_ev *ev, const char *name, struct dbg_value **out)
{
	static const char *const names[] = { "rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
					     "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip" };
	struct dbg_type *t;
	struct dbg_value *v;
	int regno = -1;

	if (strcmp(name, "pc") == 0)
		regno = 16;
	else if (strcmp(name, "sp") == 0)
		regno = 7;
	else if (strcmp(name, "fp") == 0)
		regno = 6;
	for (int i = 0; regno < 0 && i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (strcmp(name, names[i]) == 0)
			regno = i;
	if (regno < 0)
		return dbg_ev_fail(ev, -ENOENT, "History and convenience variables are not supported: $%s", name);
	if (!ev->have_frame)
		return dbg_ev_fail(ev, -ESRCH, "No registers.");
	if (regno == 16) {
		struct dbg_type *fn = dbg_type_base(ev, DBG_T_FUNC, NULL, 1, false);

		if (!fn || !(fn->target = dbg_type_base(ev, DBG_T_VOID, "void", 1, false)))
			return -ENOMEM;
		t = dbg_type_pointer(ev, fn);
	} else if (regno == 6 || regno == 7) {
		t = dbg_type_pointer(ev, dbg_type_base(ev, DBG_T_VOID, "void", 1, false));
	} else {
		t = dbg_type_base(ev, DBG_T_INT, "long", 8, true);
	}
	if (!t || !(v = value_new(ev, t, DBG_V_REG)))
		return -ENOMEM;
	v->regno = (unsigned)regno;
	*out = v;
	return 0;
}

static int eval(struct dbg_ev *ev, struct node *n, struct dbg_value **out)
{
	struct dbg_value *v;
	int err;

	switch (n->kind) {
	case N_INT:
	case N_CHAR:
		if (!n->type || !(v = value_new(ev, n->type, DBG_V_TEMP)))
			return -ENOMEM;
		memcpy(v->bytes, &n->ival, n->type->size);
		*out = v;
		return 0;
	case N_FLOAT:
		*out = float_value(ev, n->fval, n->type ? n->type->size : 8);
		return *out ? 0 : -ENOMEM;
	case N_STR: {
		struct dbg_type *c = dbg_type_base(ev, DBG_T_INT, "char", 1, true), *a;

		if (!c || !(a = dbg_ev_alloc(ev, sizeof(*a))))
			return -ENOMEM;
		a->kind = DBG_T_ARRAY;
		a->target = c;
		a->count = n->len + 1;
		a->size = n->len + 1;
		if (!(v = value_new(ev, a, DBG_V_TEMP)))
			return -ENOMEM;
		memcpy(v->bytes, n->str, n->len);
		*out = v;
		return 0;
	}
	case N_NAME:
		return lookup_name(ev, n->name, out);
	case N_REG:
		return eval_register(ev, n->name, out);
	case N_UNARY:
		return eval_unary(ev, n, out);
	case N_BINARY:
		return eval_binary(ev, n, out);
	case N_LOGIC: {
		struct dbg_value *a, *b;
		struct num x, y;
		bool is_and = n->op[0] == '&', r;

		if ((err = eval(ev, n->a, &a)) < 0 || (err = to_num(ev, a, &x)) < 0)
			return err;
		r = x.is_float ? x.d != 0 : x.i != 0;
		if (r == is_and) {
			if ((err = eval(ev, n->b, &b)) < 0 || (err = to_num(ev, b, &y)) < 0)
				return err;
			r = y.is_float ? y.d != 0 : y.i != 0;
		}
		*out = int_value(ev, r, 4, false);
		return *out ? 0 : -ENOMEM;
	}
	case N_COND: {
		struct dbg_value *a;
		struct num x;

		if ((err = eval(ev, n->a, &a)) < 0 || (err = to_num(ev, a, &x)) < 0)
			return err;
		return eval(ev, (x.is_float ? x.d != 0 : x.i != 0) ? n->b : n->c, out);
	}
	case N_ASSIGN:
		return eval_assign(ev, n, out);
	case N_CAST:
		if ((err = eval(ev, n->a, &v)) < 0)
			return err;
		return convert(ev, v, n->type, out);
	case N_SIZEOF: {
		struct dbg_type *t = n->type;

		if (!t) {
			bool saved = ev->no_side_effects;

			ev->no_side_effects = true;
			err = eval(ev, n->a, &v);
			ev->no_side_effects = saved;
			if (err < 0)
				return err;
			t = v->type;
		}
		t = dbg_type_strip(t);
		if (t->kind == DBG_T_VOID || t->kind == DBG_T_FUNC)
			*out = int_value(ev, 1, 8, true);
		else
			*out = int_value(ev, (int64_t)t->size, 8, true);
		if (*out)
			(*out)->type->name = "unsigned long";
		return *out ? 0 : -ENOMEM;
	}
	case N_MEMBER:
		return eval_member(ev, n, out);
	case N_INDEX:
		return eval_index(ev, n, out);
	}
	return -EINVAL;
}

/* ---- The frame ------------------------------------------------------ */

/* The CFA of the innermost frame at pc, from the CFI (rbp + 16 without). */
static uint64_t frame0_cfa(struct dbg_ev *ev, uint64_t pc, uint64_t rbp)
{
	Dwarf_Addr cbias;
	Dwarf_CFI *cfi;
	Dwarf_Frame *frame = NULL;
	Dwarf_Op *ops;
	size_t nops;
	uint64_t cfa = rbp + 16;

	if (!ev->mod)
		return cfa;
	for (int pass = 0; pass < 2; pass++) {
		cfi = pass == 0 ? dwfl_module_eh_cfi(ev->mod, &cbias) : dwfl_module_dwarf_cfi(ev->mod, &cbias);
		if (cfi && dwarf_cfi_addrframe(cfi, pc - cbias, &frame) == 0)
			break;
		frame = NULL;
	}
	if (frame && dwarf_frame_cfa(frame, &ops, &nops) == 0) {
		struct loc l;

		if (eval_ops(ev, ops, nops, 0, NULL, &l) == 0 && l.where == DBG_V_MEM)
			cfa = l.addr;
		else if (ev->err) {
			free(ev->errmsg);
			ev->errmsg = NULL;
			ev->err = 0;
		}
	}
	free(frame);
	return cfa;
}

/* Starts an evaluation in frame f: the innermost (whose CFA is computed
 * here from the CFI at its PC), or a caller (its PC a return address: the
 * scope is that of the call before it). */
static void ev_begin_at(struct dbg_ev *ev, struct dbg *dbg, const struct dbg_frame *f, bool innermost)
{
	Dwarf_Die *cu;
	uint64_t pc = innermost ? f->pc : f->pc - 1;

	*ev = (struct dbg_ev){ .dbg = dbg };
	if (!dbg->dwfl)
		return;
	ev->have_frame = true;
	ev->pc = pc;
	ev->cfa = f->cfa;
	ev->outer = !innermost;
	ev->outer_pc = f->pc;
	ev->outer_sp = f->sp;
	ev->outer_fp = f->fp;
	ev->mod = dbg_dwarf_at(dbg, pc, &pc, &ev->code);
	ev->pc = pc;
	if (innermost)
		ev->cfa = frame0_cfa(ev, pc, f->fp);
	if (!ev->mod || !(cu = dwfl_module_addrdie(ev->mod, pc, &ev->bias)))
		return;
	ev->cu = *cu;
	ev->nscopes = dwarf_getscopes(&ev->cu, pc - ev->bias, &ev->scopes);
	if (ev->nscopes < 0)
		ev->nscopes = 0;
}

void dbg_ev_begin(struct dbg_ev *ev, struct dbg *dbg)
{
	struct dbg_thread *t = dbg_thread_current(dbg);
	struct dbg_frame *frames;
	ssize_t n;

	*ev = (struct dbg_ev){ .dbg = dbg };
	if (dbg->pid <= 0 || dbg->state != DBG_STOPPED || !t || dbg_regs(dbg, t) < 0 || !dbg->dwfl)
		return;
	if (dbg->frame == 0) {
		struct dbg_frame top = { .pc = t->regs.rip, .sp = t->regs.rsp, .fp = t->regs.rbp };

		ev_begin_at(ev, dbg, &top, true);
		return;
	}
	n = dbg_backtrace(dbg, dbg->frame + 1, &frames);
	if (n > (ssize_t)dbg->frame)
		ev_begin_at(ev, dbg, &frames[dbg->frame], false);
	free(frames);
}

int dbg_ev_reg(struct dbg_ev *ev, unsigned regno, uint64_t *out)
{
	if (!ev->outer)
		return dbg_thread_reg(ev->dbg, regno, out);
	switch (regno) {
	case 16: *out = ev->outer_pc; return 0;
	case 7: *out = ev->outer_sp; return 0;
	case 6: *out = ev->outer_fp; return 0;
	default: return dbg_ev_fail(ev, -ENOENT, "<optimized out>"); /* as gdb says it */
	}
}

int dbg_ev_eval(struct dbg_ev *ev, const char *expr, struct dbg_value **out)
{
	struct lexer lx = { .ev = ev, .text = expr, .p = expr };
	struct node *n;
	int err;

	if ((err = next(&lx)) < 0)
		return err;
	if (lx.tok == TOK_END)
		return dbg_ev_fail(ev, -EINVAL, "Argument required (expression to compute).");
	n = parse_expr(&lx);
	if (!n)
		return ev->err ? ev->err : -ENOMEM;
	if (lx.tok != TOK_END)
		return syntax_error(&lx);
	err = eval(ev, n, out);
	if (err < 0 && !ev->err)
		dbg_ev_fail(ev, err, "%s", strerror(-err));
	return err;
}

/* ---- Public --------------------------------------------------------- */

/* Hands ev's failure to *errmsg and releases it. */
static int finish(struct dbg_ev *ev, int err, char **errmsg)
{
	if (err < 0 && errmsg) {
		free(*errmsg);
		*errmsg = ev->errmsg;
		ev->errmsg = NULL;
		if (!*errmsg)
			*errmsg = strdup(strerror(-err));
	}
	dbg_ev_release(ev);
	return err;
}

int dbg_eval(struct dbg *dbg, const char *expr, char **out, char **errmsg)
{
	struct dbg_ev ev;
	struct dbg_value *v;
	struct dbg_str s = { 0 };
	int err;

	*out = NULL;
	dbg_ev_begin(&ev, dbg);
	err = dbg_ev_eval(&ev, expr, &v);
	if (err == 0)
		err = dbg_value_format(&ev, v, &s, true);
	if (err == 0 && !s.s)
		err = dbg_ev_fail(&ev, -ENOMEM, "out of memory");
	if (err == 0)
		*out = s.s;
	else
		free(s.s);
	return finish(&ev, err, errmsg);
}

unsigned dbg_history_next(struct dbg *dbg)
{
	return ++dbg->history;
}

int dbg_eval_condition(struct dbg *dbg, const char *expr, void *arg, char **errmsg)
{
	struct dbg_ev ev;
	struct dbg_value *v;
	struct num x;
	int err;

	(void)arg;
	dbg_ev_begin(&ev, dbg);
	err = dbg_ev_eval(&ev, expr, &v);
	if (err == 0)
		err = to_num(&ev, v, &x);
	if (err == 0)
		err = x.is_float ? x.d != 0 : x.i != 0;
	return finish(&ev, err, errmsg);
}

/* A value that could not be read, shown in its place the way gdb does
 * ("<optimized out>", "<error: Cannot access memory at address 0x0>"),
 * so that the values around it still count: ev's failure is cleared.
 * Returns 0. */
static int error_in_place(struct dbg_ev *ev, struct dbg_str *s)
{
	if (ev->errmsg && ev->errmsg[0] == '<')
		dbg_str_add(s, "%s", ev->errmsg);
	else
		dbg_str_add(s, "<error: %s>", ev->errmsg ? ev->errmsg : "?");
	free(ev->errmsg);
	ev->errmsg = NULL;
	ev->err = 0;
	return 0;
}

/* Adds "name = value" lines for scope i's children of DIE tag tag. */
static int scope_vars(struct dbg_ev *ev, int i, int tag, struct dbg_str *s)
{
	Dwarf_Die child;
	int err = 0;

	if (dwarf_child(&ev->scopes[i], &child) != 0)
		return 0;
	do {
		const char *name = dwarf_diename(&child);
		struct dbg_value *v;

		if (dwarf_tag(&child) != tag || !name)
			continue;
		dbg_str_add(s, "%s = ", name);
		err = var_value(ev, &child, ev->bias, scope_function(ev, i), true, &v);
		if (err == 0)
			err = dbg_value_format(ev, v, s, false);
		if (err == -ENOMEM)
			return err;
		if (err < 0)
			err = error_in_place(ev, s);
		dbg_str_addn(s, "\n", 1);
	} while (dwarf_siblingof(&child, &child) == 0);
	return err;
}

/* gdb's `info locals` (args false: the variables of every block out to the
 * function, innermost first) or `info args` (the function's parameters). */
static int frame_vars(struct dbg *dbg, bool args, char **out, char **errmsg)
{
	struct dbg_ev ev;
	struct dbg_str s = { 0 };
	int err = 0;

	*out = NULL;
	dbg_ev_begin(&ev, dbg);
	if (!ev.have_frame) {
		err = dbg_ev_fail(&ev, -ESRCH, "No frame selected.");
		goto out;
	}
	if (!ev.nscopes) {
		err = dbg_ev_fail(&ev, -ENOENT, "No symbol table info available.");
		goto out;
	}
	for (int i = 0; i < ev.nscopes; i++) {
		int tag = dwarf_tag(&ev.scopes[i]);

		if (tag != DW_TAG_lexical_block && tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine)
			break;
		if ((!args || tag != DW_TAG_lexical_block) &&
		    (err = scope_vars(&ev, i, args ? DW_TAG_formal_parameter : DW_TAG_variable, &s)) == -ENOMEM)
			goto out;
		if (tag != DW_TAG_lexical_block)
			break;
	}
	if (s.oom)
		err = dbg_ev_fail(&ev, -ENOMEM, "out of memory");
	else if (!s.s)
		s.s = strdup("");
	if (!s.s)
		err = dbg_ev_fail(&ev, -ENOMEM, "out of memory");
out:
	if (err == 0) {
		if (s.len && s.s[s.len - 1] == '\n')
			s.s[--s.len] = '\0';
		*out = s.s;
	} else {
		free(s.s);
	}
	return finish(&ev, err, errmsg);
}

int dbg_locals(struct dbg *dbg, char **out, char **errmsg)
{
	return frame_vars(dbg, false, out, errmsg);
}

int dbg_args(struct dbg *dbg, char **out, char **errmsg)
{
	return frame_vars(dbg, true, out, errmsg);
}

int dbg_frame_args(struct dbg *dbg, const struct dbg_frame *f, bool innermost, char **out)
{
	struct dbg_ev ev;
	struct dbg_str s = { 0 };
	Dwarf_Die *fn, child;
	int err = 0;

	*out = NULL;
	if (dbg->pid <= 0 || dbg->state != DBG_STOPPED)
		return -ESRCH;
	ev_begin_at(&ev, dbg, f, innermost);
	fn = ev.nscopes ? scope_function(&ev, 0) : NULL;
	if (fn && dwarf_child(fn, &child) == 0) {
		do {
			const char *name = dwarf_diename(&child);
			struct dbg_value *v;
			struct dbg_type *t;

			if (dwarf_tag(&child) != DW_TAG_formal_parameter || !name)
				continue;
			dbg_str_add(&s, "%s%s=", s.len ? ", " : "", name);
			err = var_value(&ev, &child, ev.bias, fn, true, &v);
			t = err == 0 ? dbg_type_strip(v->type) : NULL;
			/* gdb's "print frame-arguments scalars": aggregates are "..." */
			if (t && (t->kind == DBG_T_STRUCT || t->kind == DBG_T_UNION || t->kind == DBG_T_ARRAY))
				dbg_str_add(&s, "...");
			else if (err == 0)
				err = dbg_value_format(&ev, v, &s, false);
			if (err == -ENOMEM)
				break;
			if (err < 0)
				err = error_in_place(&ev, &s);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (err == 0 && !s.oom && !s.s)
		s.s = strdup("");
	if (err == 0 && (s.oom || !s.s))
		err = -ENOMEM;
	if (err == 0)
		*out = s.s;
	else
		free(s.s);
	return finish(&ev, err, NULL);
}

/* x86-64 System V: the class of each eightbyte of a small aggregate. */
enum { CLASS_NONE, CLASS_INTEGER, CLASS_SSE };

static void classify(struct dbg_ev *ev, struct dbg_type *t, size_t off, int cls[2])
{
	t = dbg_type_strip(t);
	if (!t)
		return;
	if (t->kind == DBG_T_STRUCT || t->kind == DBG_T_UNION) {
		Dwarf_Die child;

		if (!t->has_die || dwarf_child(&t->die, &child) != 0)
			return;
		do {
			Dwarf_Attribute attr;
			Dwarf_Word o = 0;
			Dwarf_Die td;

			if (dwarf_tag(&child) != DW_TAG_member ||
			    !dwarf_formref_die(dwarf_attr(&child, DW_AT_type, &attr), &td))
				continue;
			dwarf_formudata(dwarf_attr(&child, DW_AT_data_member_location, &attr), &o);
			classify(ev, dbg_type_from_die(ev, &td), off + o, cls);
		} while (dwarf_siblingof(&child, &child) == 0);
		return;
	}
	if (t->kind == DBG_T_ARRAY) {
		for (size_t i = 0; i < t->count && t->target; i++)
			classify(ev, t->target, off + i * t->target->size, cls);
		return;
	}
	if (off / 8 < 2) {
		int c = t->kind == DBG_T_FLOAT ? CLASS_SSE : CLASS_INTEGER;

		if (cls[off / 8] != CLASS_INTEGER)
			cls[off / 8] = c;
	}
}

int dbg_return_value(struct dbg *dbg, uint64_t func_pc, char **out, char **errmsg)
{
	struct dbg_ev ev;
	struct dbg_value *v = NULL;
	struct dbg_str s = { 0 };
	struct dbg_type *type, *t;
	Dwarf_Die *cu, *scopes = NULL, fn, td;
	Dwarf_Attribute attr;
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	int n, err = 0;
	bool found = false;

	*out = NULL;
	dbg_ev_begin(&ev, dbg);
	if (!ev.have_frame) {
		err = dbg_ev_fail(&ev, -ESRCH, "The program is not stopped.");
		goto out;
	}
	{
		struct dbg_module *code;

		mod = dbg_dwarf_at(dbg, func_pc, &func_pc, &code);
	}
	cu = mod ? dwfl_module_addrdie(mod, func_pc, &bias) : NULL;
	n = cu ? dwarf_getscopes(cu, func_pc - bias, &scopes) : 0;
	for (int i = 0; i < n && !found; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			fn = scopes[i];
			found = true;
		}
	free(scopes);
	if (!found) {
		err = dbg_ev_fail(&ev, -ENOENT, "No debug information for the function returned from.");
		goto out;
	}
	type = dbg_type_from_die(&ev, dwarf_formref_die(dwarf_attr_integrate(&fn, DW_AT_type, &attr), &td) ? &td : NULL);
	if (!type) {
		err = ev.err ? ev.err : -ENOMEM;
		goto out;
	}
	t = dbg_type_strip(type);
	if (t->kind == DBG_T_VOID) {
		err = dbg_ev_fail(&ev, -ENODATA, "void");
		goto out;
	}
	if (t->size > 16 || (t->kind == DBG_T_FLOAT && t->size > 8)) {
		uint64_t rax;

		if (t->kind == DBG_T_FLOAT) {
			err = dbg_ev_fail(&ev, -ENOTSUP, "Returned long double values are not read yet.");
			goto out;
		}
		/* Returned in memory: rax has the address of the caller's copy. */
		if (dbg_reg_get(dbg, 0, &rax) < 0 || !(v = value_new(&ev, type, DBG_V_MEM))) {
			err = dbg_ev_fail(&ev, -EIO, "Cannot read the returned value.");
			goto out;
		}
		v->addr = rax;
	} else {
		int cls[2] = { CLASS_NONE, CLASS_NONE }, ni = 0, ns = 0;
		struct user_fpregs_struct fp;
		struct dbg_thread *th = dbg_thread_current(dbg);
		bool have_fp = th && ptrace(PTRACE_GETFPREGS, th->tid, NULL, &fp) == 0;

		if (t->kind == DBG_T_STRUCT || t->kind == DBG_T_UNION || t->kind == DBG_T_ARRAY)
			classify(&ev, t, 0, cls);
		else
			cls[0] = t->kind == DBG_T_FLOAT ? CLASS_SSE : CLASS_INTEGER;
		if (!(v = value_new(&ev, type, DBG_V_TEMP))) {
			err = -ENOMEM;
			goto out;
		}
		for (size_t k = 0; k < (t->size + 7) / 8 && k < 2; k++) {
			uint64_t word = 0;
			size_t len = t->size - k * 8 < 8 ? t->size - k * 8 : 8;

			if (cls[k] == CLASS_SSE) {
				if (!have_fp) {
					err = dbg_ev_fail(&ev, -EIO, "Cannot read the SSE registers.");
					goto out;
				}
				memcpy(&word, &fp.xmm_space[4 * ns++], 8);
			} else if (dbg_reg_get(dbg, ni++ == 0 ? 0 : 1, &word) < 0) {
				err = dbg_ev_fail(&ev, -EIO, "Cannot read the returned value.");
				goto out;
			}
			memcpy(v->bytes + k * 8, &word, len);
		}
	}
	err = dbg_value_format(&ev, v, &s, true);
out:
	if (err == 0 && s.s)
		*out = s.s;
	else
		free(s.s);
	if (err == 0 && !*out)
		err = -ENOMEM;
	return finish(&ev, err, errmsg);
}
