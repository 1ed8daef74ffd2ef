/* The ELF loader that puts a relocatable object into the running program.
 *
 * The region is mapped by a system call run in the stopped program (an
 * injected mmap), within +-2 GiB of its image so that PC-relative code can
 * reach the image's variables:
 *
 *   region:  | code sections | stubs |  rodata | GOT |  data, bss  |
 *            `---- R-X ------------'  `-- R-- -----'  `--- RW- ----'
 *
 * A stub is `jmp *0(%rip)` followed by the 8-byte target: calls to code out
 * of reach (libc near 0x7f.. from a PIE near 0x55..) go through one. A GOT
 * slot holds a target's address for GOTPCREL loads. Everything is built in
 * encide's memory, relocated there, then written with one call per group.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "debugger/debugger.h"
#include "enc/enc-int.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PAGE 4096ULL
#define STUB_SIZE 14

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

enum group { G_CODE, G_RODATA, G_DATA, G__COUNT };

static enum group group_of(const struct obj_section *s)
{
	if (s->flags & SHF_EXECINSTR)
		return G_CODE;
	return (s->flags & SHF_WRITE) ? G_DATA : G_RODATA;
}

/* An external target that needs a stub or a GOT slot. */
struct slot {
	uint32_t sym;      /* symbol index */
	uint64_t offset;   /* in its group */
};

struct layout {
	uint64_t size[G__COUNT];   /* bytes per group */
	uint64_t start[G__COUNT];  /* group offsets in the region (page aligned) */
	uint64_t *sec_off;         /* per section: offset in its group */
	struct slot *stubs;        /* in the code group, after the sections */
	size_t nstubs;             /* how many */
	struct slot *got;          /* in the rodata group, after the sections */
	size_t ngot;               /* how many */
	uint64_t total;            /* region size */
};

static bool is_got(uint32_t type)
{
	return type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX || type == R_X86_64_REX_GOTPCRELX;
}

static int slot_add(struct slot **v, size_t *n, uint32_t sym)
{
	struct slot *nv;

	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].sym == sym)
			return 0;
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[(*n)++] = (struct slot){ .sym = sym };
	return 0;
}

static uint64_t slot_offset(const struct slot *v, size_t n, uint32_t sym)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].sym == sym)
			return v[i].offset;
	return 0;
}

/* The run-time address of symbol k once the region is at base. */
static uint64_t sym_address(const struct obj *o, const struct load_plan *plan, const struct layout *l,
			    const uint64_t *ext, uint64_t base, uint32_t k)
{
	const struct obj_symbol *s = &o->syms[k];

	if (plan->addr[k])
		return plan->addr[k];
	if (ext[k])
		return ext[k];
	if (s->shndx > 0 && s->shndx < o->nsecs && plan->load[s->shndx]) {
		enum group g = group_of(&o->secs[s->shndx]);

		return base + l->start[g] + l->sec_off[s->shndx] + s->value;
	}
	return 0;
}

static void layout_free(struct layout *l)
{
	free(l->sec_off);
	free(l->stubs);
	free(l->got);
}

/* Looks up every undefined symbol the loaded sections use. */
static int resolve_external(struct dbg *dbg, const struct obj *o, const struct load_plan *plan,
			    uint64_t *ext, char **errmsg)
{
	int err;

	for (size_t i = 0; i < o->nsecs; i++) {
		if (!plan->load[i])
			continue;
		for (size_t r = 0; r < o->secs[i].nrelocs; r++) {
			uint32_t k = o->secs[i].relocs[r].sym;
			const struct obj_symbol *s = &o->syms[k];

			if (k == 0 || k >= o->nsyms || plan->addr[k] || ext[k])
				continue;
			if (s->shndx != SHN_UNDEF) {
				if (s->shndx < o->nsecs && !plan->load[s->shndx] && s->shndx != SHN_ABS)
					return enc_fail(errmsg, -ENOENT, "'%s' refers to '%s', which is neither loaded "
						     "nor in the program", o->secs[i].name, s->name);
				continue;
			}
			if ((s->type == STT_FUNC || s->type == STT_NOTYPE ? dbg_resolve_function(dbg, s->name, &ext[k])
			     : dbg_lookup_symbol(dbg, s->name, NULL, &ext[k], NULL)) == 0)
				continue;
			if (!plan->undefined)
				return enc_fail(errmsg, -ENOENT, "undefined symbol '%s' (used by %s) is not in the "
					     "program or its libraries", s->name, o->secs[i].name);
			if ((err = plan->undefined(plan->undefined_arg, s->name, o->secs[i].name, &ext[k], errmsg)) < 0)
				return err;
		}
	}
	return 0;
}

static int plan_layout(const struct obj *o, const struct load_plan *plan, const uint64_t *ext,
		       struct layout *l, char **errmsg)
{
	l->sec_off = calloc(o->nsecs ? o->nsecs : 1, sizeof(*l->sec_off));
	if (!l->sec_off)
		return enc_fail(errmsg, -ENOMEM, "out of memory");
	for (size_t i = 0; i < o->nsecs; i++) {
		enum group g;

		if (!plan->load[i])
			continue;
		g = group_of(&o->secs[i]);
		l->size[g] = align_up(l->size[g], o->secs[i].align);
		l->sec_off[i] = l->size[g];
		l->size[g] += o->secs[i].size;
		for (size_t r = 0; r < o->secs[i].nrelocs; r++) {
			const struct obj_reloc *rel = &o->secs[i].relocs[r];

			/* Targets outside the region may be out of reach. */
			/* Calls (PLT32) may need a stub; data (PC32) must be in reach. */
			if (rel->type == R_X86_64_PLT32 && ext[rel->sym] &&
			    o->syms[rel->sym].type != STT_OBJECT && slot_add(&l->stubs, &l->nstubs, rel->sym) < 0)
				return enc_fail(errmsg, -ENOMEM, "out of memory");
			if (is_got(rel->type) && slot_add(&l->got, &l->ngot, rel->sym) < 0)
				return enc_fail(errmsg, -ENOMEM, "out of memory");
		}
	}
	l->size[G_CODE] = align_up(l->size[G_CODE], 16);
	for (size_t i = 0; i < l->nstubs; i++) {
		l->stubs[i].offset = l->size[G_CODE];
		l->size[G_CODE] += align_up(STUB_SIZE, 16);
	}
	l->size[G_RODATA] = align_up(l->size[G_RODATA], 8);
	for (size_t i = 0; i < l->ngot; i++) {
		l->got[i].offset = l->size[G_RODATA];
		l->size[G_RODATA] += 8;
	}
	for (int g = 0; g < G__COUNT; g++) {
		l->start[g] = l->total;
		l->total += align_up(l->size[g] ? l->size[g] : 0, PAGE);
	}
	if (l->total == 0)
		l->total = PAGE;
	return 0;
}

/* Maps len bytes in the program within reach of the image of the module
 * near is in (0: the program's). */
static int map_region(struct dbg *dbg, uint64_t near, uint64_t len, uint64_t *out, char **errmsg)
{
	uint64_t low, high;
	long ret = -ENOMEM;

	if ((!near || dbg_module_range(dbg, near, &low, &high) < 0) && dbg_program_range(dbg, &low, &high) < 0)
		return enc_fail(errmsg, -ENOENT, "cannot find the program's image in memory");
	/* Below the image first (free in a PIE), going down past earlier
	 * generations; then above it, past the heap. Every candidate stays
	 * within 1 GiB of the image, well inside the +-2 GiB PC-relative reach. */
	for (int attempt = 0; attempt < 2048; attempt++) {
		uint64_t step = align_up(len, 1ULL << 20), hint;
		long args[6];

		if (attempt < 1024) {
			if (low < (16ULL << 20) + step * (uint64_t)(attempt + 1))
				continue; /* no room below (a non-PIE image near 0x400000) */
			hint = low - (16ULL << 20) - step * (uint64_t)(attempt + 1);
		} else {
			hint = align_up(high, 1ULL << 20) + (256ULL << 20) + step * (uint64_t)(attempt - 1024);
		}
		args[0] = (long)hint;
		args[1] = (long)len;
		args[2] = PROT_READ | PROT_WRITE;
		args[3] = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
		args[4] = -1;
		args[5] = 0;
		if (dbg_inject_syscall(dbg, SYS_mmap, args, &ret) < 0)
			return enc_fail(errmsg, -ESRCH, "cannot run mmap in the program");
		if (ret == (long)hint) {
			*out = hint;
			return 0;
		}
		if (ret >= 0 && ret < 0x7fffffffffffLL) {
			/* Mapped elsewhere (an old kernel ignored the flag): give back. */
			long un[6] = { ret, (long)len, 0, 0, 0, 0 }, r;

			dbg_inject_syscall(dbg, SYS_munmap, un, &r);
		} else if (ret != -EEXIST) {
			break;
		}
	}
	return enc_fail(errmsg, -ENOMEM, "cannot map memory for the new code near the program (%s)",
		     ret < 0 ? strerror((int)-ret) : "no free address in reach");
}

static int put32(uint8_t *p, int64_t v, bool is_signed, const char *what, char **errmsg)
{
	if (is_signed ? (v < INT32_MIN || v > INT32_MAX) : (v < 0 || v > (int64_t)UINT32_MAX))
		return enc_fail(errmsg, -ERANGE, "relocation to %s out of 32-bit reach", what);
	memcpy(p, &(int32_t){ (int32_t)v }, 4);
	return 0;
}

void load_result_release(struct load_result *r)
{
	free(r->sec_addr);
	free(r->refs);
	r->sec_addr = r->refs = NULL;
	r->nsecs = r->nrefs = 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Keeps target in out->refs when it lies outside the region: what the
 * region's code and data refer to (an earlier generation's function or
 * variable must outlive them). Sorted and made unique at the end. */
static int ref_add(struct load_result *out, uint64_t target)
{
	uint64_t *v;

	if (!target || (target >= out->base && target < out->base + out->size))
		return 0;
	if (out->nrefs && out->refs[out->nrefs - 1] == target)
		return 0;
	v = realloc(out->refs, (out->nrefs + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	out->refs = v;
	v[out->nrefs++] = target;
	return 0;
}

void load_undo(struct dbg *dbg, const struct load_result *r)
{
	long args[6] = { (long)r->base, (long)r->size, 0, 0, 0, 0 }, ret;

	if (r->base)
		dbg_inject_syscall(dbg, SYS_munmap, args, &ret);
}

int load_object(struct dbg *dbg, const struct obj *o, const struct load_plan *plan,
		struct load_result *out, char **errmsg)
{
	struct layout l = { 0 };
	uint64_t *ext = calloc(o->nsyms ? o->nsyms : 1, sizeof(*ext)), base = 0;
	uint8_t *img = NULL;
	int err;

	*out = (struct load_result){ 0 };
	if (!ext)
		return enc_fail(errmsg, -ENOMEM, "out of memory");
	if ((err = resolve_external(dbg, o, plan, ext, errmsg)) < 0 ||
	    (err = plan_layout(o, plan, ext, &l, errmsg)) < 0)
		goto out;
	img = calloc(1, l.total);
	if (!img) {
		err = enc_fail(errmsg, -ENOMEM, "out of memory");
		goto out;
	}
	if ((err = map_region(dbg, plan->near, l.total, &base, errmsg)) < 0)
		goto out;
	out->base = base;
	out->size = l.total;
	out->sec_addr = calloc(o->nsecs ? o->nsecs : 1, sizeof(*out->sec_addr));
	out->nsecs = o->nsecs;
	if (!out->sec_addr) {
		err = enc_fail(errmsg, -ENOMEM, "out of memory");
		goto fail;
	}
	/* Sections, stubs and GOT slots into the local image. */
	for (size_t i = 0; i < o->nsecs; i++) {
		enum group g;

		if (!plan->load[i])
			continue;
		g = group_of(&o->secs[i]);
		out->sec_addr[i] = base + l.start[g] + l.sec_off[i];
		if (o->secs[i].data)
			memcpy(img + l.start[g] + l.sec_off[i], o->secs[i].data, o->secs[i].size);
	}
	for (size_t i = 0; i < l.nstubs; i++) {
		uint8_t *p = img + l.start[G_CODE] + l.stubs[i].offset;
		uint64_t target = sym_address(o, plan, &l, ext, base, l.stubs[i].sym);

		memcpy(p, "\xff\x25\x00\x00\x00\x00", 6);
		memcpy(p + 6, &target, 8);
	}
	for (size_t i = 0; i < l.ngot; i++) {
		uint64_t target = sym_address(o, plan, &l, ext, base, l.got[i].sym);

		memcpy(img + l.start[G_RODATA] + l.got[i].offset, &target, 8);
	}
	/* Relocations. */
	for (size_t i = 0; i < o->nsecs; i++) {
		const struct obj_section *sec = &o->secs[i];
		uint64_t sec_off;

		if (!plan->load[i])
			continue;
		sec_off = l.start[group_of(sec)] + l.sec_off[i];
		for (size_t r = 0; r < sec->nrelocs; r++) {
			const struct obj_reloc *rel = &sec->relocs[r];
			uint8_t *p = img + sec_off + rel->offset;
			uint64_t P = base + sec_off + rel->offset;
			uint64_t S = sym_address(o, plan, &l, ext, base, rel->sym);
			const char *what = o->syms[rel->sym].name[0] ? o->syms[rel->sym].name : sec->name;
			int64_t v;

			if (rel->offset + 8 > sec->size + (rel->type == R_X86_64_64 || rel->type == R_X86_64_PC64 ? 0 : 4)) {
				err = enc_fail(errmsg, -EINVAL, "relocation past the end of %s", sec->name);
				goto fail;
			}
			if (!S && rel->sym != 0 && o->syms[rel->sym].shndx != SHN_ABS) {
				err = enc_fail(errmsg, -ENOENT, "'%s' (used by %s) has no address", what, sec->name);
				goto fail;
			}
			if (o->syms[rel->sym].shndx != SHN_ABS && ref_add(out, S) < 0) {
				err = enc_fail(errmsg, -ENOMEM, "out of memory");
				goto fail;
			}
			switch (rel->type) {
			case R_X86_64_NONE:
				break;
			case R_X86_64_64:
				v = (int64_t)(S + (uint64_t)rel->addend);
				memcpy(p, &v, 8);
				break;
			case R_X86_64_PC64:
				v = (int64_t)(S + (uint64_t)rel->addend - P);
				memcpy(p, &v, 8);
				break;
			case R_X86_64_PC32:
			case R_X86_64_PLT32:
				v = (int64_t)(S + (uint64_t)rel->addend - P);
				if ((v < INT32_MIN || v > INT32_MAX) && rel->type == R_X86_64_PLT32 && ext[rel->sym] &&
				    slot_offset(l.stubs, l.nstubs, rel->sym))
					v = (int64_t)(base + l.start[G_CODE] + slot_offset(l.stubs, l.nstubs, rel->sym) +
						      (uint64_t)rel->addend - P);
				if ((err = put32(p, v, true, what, errmsg)) < 0)
					goto fail;
				break;
			case R_X86_64_32:
			case R_X86_64_32S:
				v = (int64_t)(S + (uint64_t)rel->addend);
				if ((err = put32(p, v, rel->type == R_X86_64_32S, what, errmsg)) < 0)
					goto fail;
				break;
			case R_X86_64_GOTPCREL:
			case R_X86_64_GOTPCRELX:
			case R_X86_64_REX_GOTPCRELX:
				v = (int64_t)(base + l.start[G_RODATA] + slot_offset(l.got, l.ngot, rel->sym) +
					      (uint64_t)rel->addend - P);
				if ((err = put32(p, v, true, what, errmsg)) < 0)
					goto fail;
				break;
			default:
				err = enc_fail(errmsg, -ENOTSUP, "relocation type %u (in %s, to '%s') is not supported",
					    rel->type, sec->name, what);
				goto fail;
			}
		}
	}
	/* Into the program, then W^X. */
	for (int g = 0; g < G__COUNT; g++) {
		uint64_t len = align_up(l.size[g], PAGE);
		long args[6], ret;

		if (!len)
			continue;
		if ((err = dbg_write(dbg, base + l.start[g], img + l.start[g], l.size[g])) < 0) {
			enc_fail(errmsg, err, "cannot write the new code into the program: %s", strerror(-err));
			goto fail;
		}
		args[0] = (long)(base + l.start[g]);
		args[1] = (long)len;
		args[2] = g == G_CODE ? PROT_READ | PROT_EXEC : g == G_RODATA ? PROT_READ : PROT_READ | PROT_WRITE;
		args[3] = args[4] = args[5] = 0;
		if (dbg_inject_syscall(dbg, SYS_mprotect, args, &ret) < 0 || ret < 0) {
			err = enc_fail(errmsg, -EACCES, "cannot protect the new code (mprotect)");
			goto fail;
		}
	}
	if (out->nrefs) {
		size_t n = 1;

		qsort(out->refs, out->nrefs, sizeof(*out->refs), cmp_u64);
		for (size_t i = 1; i < out->nrefs; i++)
			if (out->refs[i] != out->refs[n - 1])
				out->refs[n++] = out->refs[i];
		out->nrefs = n;
	}
	err = 0;
	goto out;
fail:
	load_undo(dbg, out);
	load_result_release(out);
	*out = (struct load_result){ 0 };
out:
	layout_free(&l);
	free(img);
	free(ext);
	return err;
}
