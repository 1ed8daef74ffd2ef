/* The layouts of the named types a compile saw (structs, unions, enums,
 * typedefs), from the object's DWARF, so that an edit that changes one can
 * be refused: code already running, and data already in memory, use the old
 * layout. Each type becomes a signature string; two compiles agree on a type
 * when the signatures are equal:
 *
 *   struct point {int x; int y;}  ->  "struct point/8{x@0:int;y@4:int;}"
 *   int f(const char *s, ...)      ->  "function f" = "int(const char *,...)"
 *
 * The object is reported to libdwfl offline, which applies the relocations
 * of its .debug_* sections (a relocatable object's DWARF needs them).
 */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "enc/enc-int.h"

static char *debuginfo_path;

static const Dwfl_Callbacks offline = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

/* A readable name of a type DIE, without its layout ("int", "struct point *",
 * "char[16]"), appended to f. */
static void type_name(FILE *f, Dwarf_Die *die, int depth)
{
	Dwarf_Attribute attr;
	Dwarf_Die inner;
	const char *name = dwarf_diename(die);
	bool has_inner = dwarf_formref_die(dwarf_attr(die, DW_AT_type, &attr), &inner) != NULL;

	if (depth > 8) {
		fputs("...", f);
		return;
	}
	switch (dwarf_tag(die)) {
	case DW_TAG_pointer_type:
		if (has_inner)
			type_name(f, &inner, depth + 1);
		else
			fputs("void", f);
		fputs(" *", f);
		return;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
		fputs(dwarf_tag(die) == DW_TAG_const_type ? "const " : "volatile ", f);
		if (has_inner)
			type_name(f, &inner, depth + 1);
		return;
	case DW_TAG_array_type: {
		Dwarf_Die sub;

		if (has_inner)
			type_name(f, &inner, depth + 1);
		if (dwarf_child(die, &sub) == 0) {
			do {
				Dwarf_Word n = 0;

				if (dwarf_formudata(dwarf_attr(&sub, DW_AT_upper_bound, &attr), &n) == 0)
					fprintf(f, "[%llu]", (unsigned long long)n + 1);
				else
					fputs("[]", f);
			} while (dwarf_siblingof(&sub, &sub) == 0);
		}
		return;
	}
	case DW_TAG_structure_type:
		fprintf(f, "struct %s", name ? name : "<anon>");
		return;
	case DW_TAG_union_type:
		fprintf(f, "union %s", name ? name : "<anon>");
		return;
	case DW_TAG_enumeration_type:
		fprintf(f, "enum %s", name ? name : "<anon>");
		return;
	case DW_TAG_subroutine_type:
		fputs("function", f);
		return;
	default:
		fputs(name ? name : "?", f);
	}
}

/* The layout of a struct, union or enum DIE, appended to f. */
static void layout(FILE *f, Dwarf_Die *die)
{
	Dwarf_Die child;
	Dwarf_Word size = 0;
	Dwarf_Attribute attr;

	dwarf_formudata(dwarf_attr(die, DW_AT_byte_size, &attr), &size);
	fprintf(f, "/%llu{", (unsigned long long)size);
	if (dwarf_child(die, &child) == 0) {
		do {
			const char *n = dwarf_diename(&child);

			if (dwarf_tag(&child) == DW_TAG_member) {
				Dwarf_Word off = 0, bits = 0;
				Dwarf_Die t;

				dwarf_formudata(dwarf_attr(&child, DW_AT_data_member_location, &attr), &off);
				dwarf_formudata(dwarf_attr(&child, DW_AT_bit_size, &attr), &bits);
				fprintf(f, "%s@%llu", n ? n : "", (unsigned long long)off);
				if (bits)
					fprintf(f, ":%llub", (unsigned long long)bits);
				fputc(':', f);
				if (dwarf_formref_die(dwarf_attr(&child, DW_AT_type, &attr), &t))
					type_name(f, &t, 0);
				fputc(';', f);
			} else if (dwarf_tag(&child) == DW_TAG_enumerator) {
				Dwarf_Sword v = 0;

				dwarf_formsdata(dwarf_attr(&child, DW_AT_const_value, &attr), &v);
				fprintf(f, "%s=%lld;", n ? n : "", (long long)v);
			}
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	fputc('}', f);
}

/* A function's signature: "int(const char *,int,...)". */
static void signature(FILE *f, Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	Dwarf_Die t, child;
	bool first = true;

	if (dwarf_formref_die(dwarf_attr(die, DW_AT_type, &attr), &t))
		type_name(f, &t, 0);
	else
		fputs("void", f);
	fputc('(', f);
	if (dwarf_child(die, &child) == 0) {
		do {
			int tag = dwarf_tag(&child);

			if (tag != DW_TAG_formal_parameter && tag != DW_TAG_unspecified_parameters)
				continue;
			if (!first)
				fputc(',', f);
			first = false;
			if (tag == DW_TAG_unspecified_parameters)
				fputs("...", f);
			else if (dwarf_formref_die(dwarf_attr(&child, DW_AT_type, &attr), &t))
				type_name(f, &t, 0);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	fputc(')', f);
}

static int sig_cmp(const void *a, const void *b)
{
	return strcmp(((const struct type_sig *)a)->name, ((const struct type_sig *)b)->name);
}

int types_read(const char *obj_path, struct type_sig **out, size_t *nout)
{
	Dwfl *dwfl = dwfl_begin(&offline);
	Dwfl_Module *mod;
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;
	struct type_sig *v = NULL;
	size_t n = 0;

	*out = NULL;
	*nout = 0;
	if (!dwfl)
		return -ENOMEM;
	dwfl_report_begin(dwfl);
	mod = dwfl_report_offline(dwfl, obj_path, obj_path, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	if (!mod || !dwfl_module_getdwarf(mod, &bias)) {
		dwfl_end(dwfl);
		return -ENODATA;
	}
	while ((cu = dwfl_module_nextcu(mod, cu, &bias))) {
		Dwarf_Die die;

		if (dwarf_child(cu, &die) != 0)
			continue;
		do {
			int tag = dwarf_tag(&die);
			const char *name = dwarf_diename(&die), *kind;
			char *key = NULL, *sig = NULL;
			size_t len;
			FILE *f;
			Dwarf_Attribute attr;
			Dwarf_Die target;

			if (!name || dwarf_hasattr(&die, DW_AT_declaration))
				continue;
			kind = tag == DW_TAG_structure_type ? "struct" : tag == DW_TAG_union_type ? "union"
			     : tag == DW_TAG_enumeration_type ? "enum" : tag == DW_TAG_typedef ? "typedef"
			     : tag == DW_TAG_subprogram ? "function" : NULL;
			if (!kind || asprintf(&key, "%s %s", kind, name) < 0)
				continue;
			f = open_memstream(&sig, &len);
			if (!f) {
				free(key);
				continue;
			}
			if (tag == DW_TAG_subprogram) {
				signature(f, &die);
			} else if (tag == DW_TAG_typedef) {
				if (dwarf_formref_die(dwarf_attr(&die, DW_AT_type, &attr), &target)) {
					type_name(f, &target, 0);
					/* typedef struct { ... } name: the layout is the typedef's. */
					if (!dwarf_diename(&target) && (dwarf_tag(&target) == DW_TAG_structure_type ||
									 dwarf_tag(&target) == DW_TAG_union_type ||
									 dwarf_tag(&target) == DW_TAG_enumeration_type))
						layout(f, &target);
				}
			} else {
				layout(f, &die);
			}
			fclose(f);
			{
				struct type_sig *nv = realloc(v, (n + 1) * sizeof(*nv));

				if (!nv) {
					free(key);
					free(sig);
					break;
				}
				v = nv;
				v[n++] = (struct type_sig){ key, sig };
			}
		} while (dwarf_siblingof(&die, &die) == 0);
	}
	dwfl_end(dwfl);
	if (n)
		qsort(v, n, sizeof(*v), sig_cmp);
	*out = v;
	*nout = n;
	return 0;
}

void types_free(struct type_sig *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].sig);
	}
	free(v);
}

const char *types_sig(const struct type_sig *v, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid].name, name);

		if (c == 0)
			return v[mid].sig;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *types_changed(const struct type_sig *a, size_t na, const struct type_sig *b, size_t nb)
{
	for (size_t i = 0, j = 0; i < na && j < nb;) {
		int c = strcmp(a[i].name, b[j].name);

		if (c == 0) {
			/* (A function's signature matters only to callers that
			 * were not recompiled: the caller of this checks them.) */
			if (strcmp(a[i].sig, b[j].sig) != 0 && strncmp(a[i].name, "function ", 9) != 0)
				return a[i].name;
			i++;
			j++;
		} else if (c < 0) {
			i++;
		} else {
			j++;
		}
	}
	return NULL;
}
