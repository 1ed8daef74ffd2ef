/* Relocatable objects (gcc -c with -ffunction-sections -fdata-sections):
 * their sections, symbols and relocations through libelf, and comparing a
 * function between two compiles of the same file.
 */
#include <capstone/capstone.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debugger/debugger.h"
#include "enc/enc-int.h"

static int fail(char **errmsg, int err, const char *path, const char *why)
{
	if (errmsg) {
		free(*errmsg);
		if (asprintf(errmsg, "object '%s': %s", path, why) < 0)
			*errmsg = NULL;
	}
	return err;
}

void obj_free(struct obj *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->nsecs; i++) {
		free(o->secs[i].relocs);
		free(o->secs[i].refs);
	}
	free(o->secs);
	free(o->syms);
	free(o->source);
	for (size_t i = 0; i < o->nbyname; i++)
		free(o->byname[i].base);
	free(o->byname);
	if (o->elf)
		elf_end(o->elf);
	if (o->fd >= 0)
		close(o->fd);
	free(o->path);
	free(o);
}

static int name_cmp(const void *pa, const void *pb)
{
	const struct obj_name *a = pa, *b = pb;
	int c = strcmp(a->base, b->base);

	return c ? c : (a->sym > b->sym) - (a->sym < b->sym);
}

/* o->byname: every defined symbol under its base name, sorted (obj_find
 * looked through every symbol for each name: sqlite3.c has 10,000). */
static int index_names(struct obj *o)
{
	char b[256];

	o->byname = calloc(o->nsyms ? o->nsyms : 1, sizeof(*o->byname));
	if (!o->byname)
		return -ENOMEM;
	for (size_t k = 1; k < o->nsyms; k++) {
		const struct obj_symbol *s = &o->syms[k];

		if (s->shndx == SHN_UNDEF || s->shndx >= o->nsecs)
			continue;
		if (!(o->byname[o->nbyname].base = strdup(obj_base_name(s->name, b, sizeof(b)))))
			return -ENOMEM;
		o->byname[o->nbyname++].sym = (uint32_t)k;
	}
	qsort(o->byname, o->nbyname, sizeof(*o->byname), name_cmp);
	return 0;
}

/* The offset in its section a relocation points at: the symbol plus the
 * addend, plus 4 for a PC-relative field (its addend counts from the end of
 * the 4-byte field; an immediate after it makes this point a little early,
 * which only makes a comparison more careful). */
static uint64_t reloc_target(const struct obj *o, const struct obj_reloc *r)
{
	const struct obj_symbol *s = &o->syms[r->sym];
	int64_t bias = r->type == R_X86_64_PC32 || r->type == R_X86_64_PLT32 || r->type == R_X86_64_GOTPCREL ||
				       r->type == R_X86_64_GOTPCRELX || r->type == R_X86_64_REX_GOTPCRELX
			       ? 4 : 0;

	return (uint64_t)((int64_t)(s->type == STT_SECTION ? 0 : s->value) + r->addend + bias);
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Every offset of read-only data some relocation points at: gcc lays out
 * string literals and constants one after the other, each pointed at, so
 * an item runs from its offset to the next one. */
static int collect_refs(struct obj *o)
{
	for (size_t i = 0; i < o->nsecs; i++)
		for (size_t k = 0; k < o->secs[i].nrelocs; k++) {
			const struct obj_reloc *r = &o->secs[i].relocs[k];
			struct obj_section *t;
			uint64_t *v;

			if (r->sym >= o->nsyms || o->syms[r->sym].shndx >= o->nsecs)
				continue;
			t = &o->secs[o->syms[r->sym].shndx];
			if (!(t->flags & SHF_ALLOC) || (t->flags & (SHF_EXECINSTR | SHF_WRITE)))
				continue;
			v = realloc(t->refs, (t->nrefs + 1) * sizeof(*v));
			if (!v)
				return -ENOMEM;
			t->refs = v;
			v[t->nrefs++] = reloc_target(o, r);
		}
	for (size_t i = 0; i < o->nsecs; i++)
		if (o->secs[i].nrefs)
			qsort(o->secs[i].refs, o->secs[i].nrefs, sizeof(uint64_t), u64_cmp);
	return 0;
}

int obj_open(struct obj **out, const char *path, char **errmsg)
{
	struct obj *o = calloc(1, sizeof(*o));
	GElf_Ehdr eh;
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	int err = -EINVAL;

	if (!o)
		return fail(errmsg, -ENOMEM, path, "out of memory");
	o->fd = -1;
	o->path = strdup(path);
	elf_version(EV_CURRENT);
	o->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (o->fd < 0) {
		err = fail(errmsg, -errno, path, strerror(errno));
		goto out;
	}
	o->elf = elf_begin(o->fd, ELF_C_READ, NULL);
	if (!o->elf || !gelf_getehdr(o->elf, &eh) || eh.e_type != ET_REL || eh.e_machine != EM_X86_64) {
		err = fail(errmsg, -ENOEXEC, path, "not an x86-64 relocatable object");
		goto out;
	}
	if (elf_getshdrnum(o->elf, &o->nsecs) != 0 || elf_getshdrstrndx(o->elf, &shstrndx) != 0) {
		err = fail(errmsg, -ENOEXEC, path, elf_errmsg(-1));
		goto out;
	}
	o->secs = calloc(o->nsecs, sizeof(*o->secs));
	if (!o->secs) {
		err = fail(errmsg, -ENOMEM, path, "out of memory");
		goto out;
	}
	while ((scn = elf_nextscn(o->elf, scn))) {
		size_t idx = elf_ndxscn(scn);
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || idx >= o->nsecs)
			continue;
		o->secs[idx] = (struct obj_section){
			.name = elf_strptr(o->elf, shstrndx, sh.sh_name), .type = sh.sh_type,
			.flags = sh.sh_flags, .size = sh.sh_size, .align = sh.sh_addralign ? sh.sh_addralign : 1 };
		d = sh.sh_type == SHT_NOBITS ? NULL : elf_getdata(scn, NULL);
		o->secs[idx].data = d ? d->d_buf : NULL;
		if (d && sh.sh_size > 0 && (!d->d_buf || d->d_size < sh.sh_size)) {
			err = fail(errmsg, -ENOEXEC, path, "a section is shorter than its header says (a broken object)");
			goto out;
		}
		if (sh.sh_type == SHT_SYMTAB && d && o->syms) {
			err = fail(errmsg, -ENOEXEC, path, "two symbol tables (a broken object)");
			goto out;
		}
		if (sh.sh_type == SHT_SYMTAB && d) {
			o->nsyms = sh.sh_size / (sh.sh_entsize ? sh.sh_entsize : sizeof(GElf_Sym));
			o->syms = calloc(o->nsyms ? o->nsyms : 1, sizeof(*o->syms));
			if (!o->syms) {
				err = fail(errmsg, -ENOMEM, path, "out of memory");
				goto out;
			}
			for (size_t k = 0; k < o->nsyms; k++) {
				GElf_Sym s;

				if (!gelf_getsym(d, (int)k, &s))
					continue;
				o->syms[k] = (struct obj_symbol){
					.name = elf_strptr(o->elf, sh.sh_link, s.st_name),
					.type = GELF_ST_TYPE(s.st_info), .bind = GELF_ST_BIND(s.st_info),
					.shndx = s.st_shndx, .value = s.st_value, .size = s.st_size };
				if (!o->syms[k].name)
					o->syms[k].name = "";
				if (o->syms[k].type == STT_FILE && !o->source)
					o->source = strdup(o->syms[k].name);
			}
		}
	}
	/* Relocations, attached to the sections they patch. */
	scn = NULL;
	while ((scn = elf_nextscn(o->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t n;
		struct obj_section *target;

		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_RELA && sh.sh_type != SHT_REL))
			continue;
		if (sh.sh_type == SHT_REL) {
			err = fail(errmsg, -ENOEXEC, path, "SHT_REL relocations (x86-64 objects use RELA)");
			goto out;
		}
		if (sh.sh_info >= o->nsecs || !(d = elf_getdata(scn, NULL)))
			continue;
		target = &o->secs[sh.sh_info];
		if (target->relocs) {
			err = fail(errmsg, -ENOEXEC, path, "two relocation sections patch one section (a broken object)");
			goto out;
		}
		n = sh.sh_size / (sh.sh_entsize ? sh.sh_entsize : sizeof(GElf_Rela));
		target->relocs = calloc(n ? n : 1, sizeof(*target->relocs));
		if (!target->relocs) {
			err = fail(errmsg, -ENOMEM, path, "out of memory");
			goto out;
		}
		for (size_t k = 0; k < n; k++) {
			GElf_Rela r;

			if (!gelf_getrela(d, (int)k, &r))
				continue;
			target->relocs[target->nrelocs++] = (struct obj_reloc){
				.offset = r.r_offset, .type = (uint32_t)GELF_R_TYPE(r.r_info),
				.sym = (uint32_t)GELF_R_SYM(r.r_info), .addend = r.r_addend };
		}
	}
	if (!o->syms) {
		err = fail(errmsg, -ENOEXEC, path, "no symbol table");
		goto out;
	}
	if (collect_refs(o) < 0 || index_names(o) < 0) {
		err = fail(errmsg, -ENOMEM, path, "out of memory");
		goto out;
	}
	*out = o;
	return 0;
out:
	obj_free(o);
	return err;
}

long obj_find(const struct obj *o, const char *name, unsigned type)
{
	char b[256];
	size_t lo = 0, hi = o->nbyname;

	obj_base_name(name, b, sizeof(b));
	/* The first entry with that base name; then the lowest index of the
	 * type (entries of one name are in index order). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(o->byname[mid].base, b) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < o->nbyname && strcmp(o->byname[lo].base, b) == 0; lo++)
		if (o->syms[o->byname[lo].sym].type == type)
			return (long)o->byname[lo].sym;
	return -1;
}

const char *obj_static_owner(const struct obj *o, size_t k)
{
	const struct obj_symbol *v = &o->syms[k];

	for (size_t i = 0; i < o->nsecs; i++) {
		if (!(o->secs[i].flags & SHF_EXECINSTR))
			continue;
		for (size_t r = 0; r < o->secs[i].nrelocs; r++) {
			const struct obj_reloc *rel = &o->secs[i].relocs[r];
			const struct obj_symbol *t = rel->sym < o->nsyms ? &o->syms[rel->sym] : NULL;

			if (!t || !(rel->sym == k || (t->type == STT_SECTION && t->shndx == v->shndx)))
				continue;
			/* The function that section holds. */
			for (size_t f = 1; f < o->nsyms; f++)
				if (o->syms[f].type == STT_FUNC && o->syms[f].shndx == i)
					return o->syms[f].name;
		}
	}
	return NULL;
}

long obj_find_static(const struct obj *o, const char *func, const char *base)
{
	char b[256];

	for (size_t k = 1; k < o->nsyms; k++) {
		const struct obj_symbol *s = &o->syms[k];
		const char *owner;

		if (s->type != STT_OBJECT || s->bind != STB_LOCAL || s->shndx == SHN_UNDEF || s->shndx >= o->nsecs ||
		    strcmp(obj_base_name(s->name, b, sizeof(b)), base) != 0 || strcmp(b, s->name) == 0)
			continue;
		if ((owner = obj_static_owner(o, k)) && strcmp(owner, func) == 0)
			return (long)k;
	}
	return -1;
}

const char *obj_base_name(const char *name, char *buf, size_t size)
{
	size_t len = strlen(name), end = len;

	/* Drop trailing ".digits" groups: "n.0" -> "n", "f.part.0" keeps ".part". */
	while (end > 0) {
		size_t d = end;

		while (d > 0 && isdigit((unsigned char)name[d - 1]))
			d--;
		if (d == end || d == 0 || name[d - 1] != '.')
			break;
		end = d - 1;
	}
	if (size == 0)
		return buf;
	if (end >= size)
		end = size - 1;
	memcpy(buf, name, end);
	buf[end] = '\0';
	return buf;
}

const char *obj_target_name(const struct obj *o, uint32_t sym, char *buf, size_t size)
{
	const struct obj_symbol *s;

	if (sym >= o->nsyms) {
		snprintf(buf, size, "?");
		return buf;
	}
	s = &o->syms[sym];
	if (s->type == STT_SECTION && s->shndx < o->nsecs)
		return obj_base_name(o->secs[s->shndx].name ? o->secs[s->shndx].name : "?", buf, size);
	return obj_base_name(s->name, buf, size);
}

/* The read-only data section a relocation's target lives in, or NULL (code,
 * writable data and undefined symbols are compared by name only). */
static const struct obj_section *const_target(const struct obj *o, uint32_t sym)
{
	const struct obj_symbol *s = sym < o->nsyms ? &o->syms[sym] : NULL;
	const struct obj_section *sec;

	if (!s || s->shndx == SHN_UNDEF || s->shndx >= o->nsecs)
		return NULL;
	sec = &o->secs[s->shndx];
	if (!(sec->flags & SHF_ALLOC) || (sec->flags & (SHF_EXECINSTR | SHF_WRITE)))
		return NULL;
	return sec;
}

/* The item of read-only data at offset t of section sec: its length (up
 * to the next item pointed at, or the section's end). */
static uint64_t item_length(const struct obj_section *sec, uint64_t t)
{
	for (size_t i = 0; i < sec->nrefs; i++)
		if (sec->refs[i] > t)
			return sec->refs[i] - t;
	return sec->size - t;
}

/* True when both relocations point at read-only data (a string literal, a
 * constant) that says the same: other functions' new literals may have
 * moved it within the section. */
static bool same_constant(const struct obj *x, const struct obj_reloc *ra, const struct obj *y,
			  const struct obj_reloc *rb)
{
	const struct obj_section *ka = const_target(x, ra->sym), *kb = const_target(y, rb->sym);
	uint64_t ta, tb, la, lb;

	if (!ka || !kb || !ka->data || !kb->data)
		return false;
	ta = reloc_target(x, ra);
	tb = reloc_target(y, rb);
	if (ta >= ka->size || tb >= kb->size)
		return false;
	la = item_length(ka, ta);
	lb = item_length(kb, tb);
	/* Zeros at the end are a string's NUL and the padding that aligns the
	 * next item, which moves with it (less's "Cannot edit standard input"
	 * was 27 bytes before an 8-aligned string in one compile, 33 in the
	 * other): the item is what comes before them. */
	while (la > 0 && ka->data[ta + la - 1] == 0)
		la--;
	while (lb > 0 && kb->data[tb + lb - 1] == 0)
		lb--;
	return la == lb && memcmp(ka->data + ta, kb->data + tb, la) == 0;
}

/* True when the code of sections ca (x) and cb (y), of the same length,
 * differs only in immediates where moved(old value, new value) holds: a
 * __LINE__ below an inserted line. The old code is walked instruction by
 * instruction without capstone's details (lengths only); an instruction
 * whose bytes differ is decoded in detail in both, and the first
 * difference that is not a moved line ends the walk (a changed constant in
 * a long function cost two whole detailed disassemblies). */
static bool only_lines_differ(const struct obj_section *ca, const struct obj_section *cb,
			      bool (*moved)(void *arg, int64_t was, int64_t now), void *arg)
{
	csh fast, detail;
	cs_insn *in;
	const uint8_t *code = ca->data;
	size_t size = ca->size;
	uint64_t addr = 0;
	bool ok = moved != NULL;

	if (!ok || cs_open(CS_ARCH_X86, CS_MODE_64, &fast) != CS_ERR_OK)
		return false;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &detail) != CS_ERR_OK) {
		cs_close(&fast);
		return false;
	}
	cs_option(detail, CS_OPT_DETAIL, CS_OPT_ON);
	if (!(in = cs_malloc(fast)))
		ok = false;
	while (ok && cs_disasm_iter(fast, &code, &size, &addr, in)) {
		size_t at = (size_t)in->address, len = in->size;
		cs_insn *ia = NULL, *ib = NULL;
		const cs_x86_encoding *e;
		int64_t was = 0, now = 0;

		if (memcmp(ca->data + at, cb->data + at, len) == 0)
			continue;
		/* Only the immediate may differ, and by the line map. */
		ok = cs_disasm(detail, ca->data + at, ca->size - at, at, 1, &ia) == 1 &&
		     cs_disasm(detail, cb->data + at, cb->size - at, at, 1, &ib) == 1 && ia->size == ib->size;
		if (ok) {
			e = &ib->detail->x86.encoding;
			len = ib->size;
			ok = e->imm_size > 0 && e->imm_size <= 8 && e->imm_offset + e->imm_size <= len &&
			     memcmp(ca->data + at, cb->data + at, e->imm_offset) == 0 &&
			     memcmp(ca->data + at + e->imm_offset + e->imm_size,
				    cb->data + at + e->imm_offset + e->imm_size,
				    len - e->imm_offset - e->imm_size) == 0;
			if (ok) {
				memcpy(&was, ca->data + at + e->imm_offset, e->imm_size);
				memcpy(&now, cb->data + at + e->imm_offset, e->imm_size);
				ok = moved(arg, was, now);
			}
			if (ok && ia->size != len)
				ok = false;
		}
		if (ia)
			cs_free(ia, 1);
		if (ib)
			cs_free(ib, 1);
	}
	/* Bytes capstone could not read: the same, or not only lines. */
	if (ok && size > 0)
		ok = memcmp(ca->data + (ca->size - size), cb->data + (cb->size - size), size) == 0;
	if (in)
		cs_free(in, 1);
	cs_close(&fast);
	cs_close(&detail);
	return ok;
}

bool obj_same_code(const struct obj *x, size_t a, const struct obj *y, size_t b,
		   bool (*moved)(void *arg, int64_t was, int64_t now), void *arg, bool *lines_moved)
{
	const struct obj_symbol *sa = &x->syms[a], *sb = &y->syms[b];
	const struct obj_section *ca, *cb;

	if (lines_moved)
		*lines_moved = false;
	if (sa->shndx >= x->nsecs || sb->shndx >= y->nsecs || sa->size != sb->size)
		return false;
	ca = &x->secs[sa->shndx];
	cb = &y->secs[sb->shndx];
	if (ca->size != cb->size || ca->nrelocs != cb->nrelocs)
		return false;
	if (ca->data && cb->data && memcmp(ca->data, cb->data, ca->size) != 0) {
		if (!only_lines_differ(ca, cb, moved, arg))
			return false;
		if (lines_moved)
			*lines_moved = true;
	}
	for (size_t i = 0; i < ca->nrelocs; i++) {
		const struct obj_reloc *ra = &ca->relocs[i], *rb = &cb->relocs[i];
		char na[256], nb[256];

		if (ra->offset != rb->offset || ra->type != rb->type)
			return false;
		if (strcmp(obj_target_name(x, ra->sym, na, sizeof(na)), obj_target_name(y, rb->sym, nb, sizeof(nb))) != 0)
			return false;
		/* A string literal or a constant: what it says matters, not where
		 * it is (a changed printf format keeps the same code; a new
		 * literal elsewhere moves this one). */
		if (const_target(x, ra->sym) || const_target(y, rb->sym)) {
			if (!same_constant(x, ra, y, rb))
				return false;
			continue;
		}
		if (ra->addend != rb->addend)
			return false;
	}
	return true;
}

bool obj_same_data(const struct obj *x, size_t a, const struct obj *y, size_t b)
{
	const struct obj_symbol *sa = &x->syms[a], *sb = &y->syms[b];
	const struct obj_section *ca, *cb;
	size_t i = 0, j = 0;

	if (sa->shndx >= x->nsecs || sb->shndx >= y->nsecs || sa->size != sb->size)
		return false;
	ca = &x->secs[sa->shndx];
	cb = &y->secs[sb->shndx];
	if ((ca->data == NULL) != (cb->data == NULL) || sa->value + sa->size > ca->size ||
	    sb->value + sb->size > cb->size ||
	    (ca->data && memcmp(ca->data + sa->value, cb->data + sb->value, sa->size) != 0))
		return false;
	/* The relocations inside each (a pointer's initialiser), in order. */
	for (;;) {
		const struct obj_reloc *ra = NULL, *rb = NULL;
		char na[256], nb[256];

		while (i < ca->nrelocs && !ra) {
			if (ca->relocs[i].offset >= sa->value && ca->relocs[i].offset < sa->value + sa->size)
				ra = &ca->relocs[i];
			i++;
		}
		while (j < cb->nrelocs && !rb) {
			if (cb->relocs[j].offset >= sb->value && cb->relocs[j].offset < sb->value + sb->size)
				rb = &cb->relocs[j];
			j++;
		}
		if (!ra || !rb)
			return !ra && !rb;
		if (ra->offset - sa->value != rb->offset - sb->value || ra->type != rb->type ||
		    strcmp(obj_target_name(x, ra->sym, na, sizeof(na)), obj_target_name(y, rb->sym, nb, sizeof(nb))) != 0)
			return false;
		if (const_target(x, ra->sym) || const_target(y, rb->sym)) {
			if (!same_constant(x, ra, y, rb))
				return false;
		} else if (ra->addend != rb->addend) {
			return false;
		}
	}
}
