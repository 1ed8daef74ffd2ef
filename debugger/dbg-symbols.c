/* What DWARF and the symbol tables say about the program's code: modules
 * (libdwfl, from the file before the program runs and from /proc/PID/maps
 * while it does), line tables turned into one sorted array of rows per
 * module, functions by address and by name, and unwinding.
 *
 * A module's rows are every line-table row of every CU, biased to run-time
 * addresses and sorted: the row for a PC is the last one at or below it, and
 * a row with `end` set closes a sequence (no code after it).
 */
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include <elfutils/libdw.h>

#include "debugger/dbg-int.h"

static char *debuginfo_path;

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

/*
 * Code loaded by Edit and Continue: relocatable objects whose sections live
 * where the loader put them. libdwfl asks section_address for each section
 * of such a module; it knows only the module's name, so the placements are
 * kept here, by object path (each generation's object has its own path).
 */
struct placed {
	char *path;          /* the object */
	unsigned generation; /* the Edit and Continue generation that loaded it */
	uint64_t *sec_addr;  /* per section index: address, 0 if not loaded */
	size_t nsecs;        /* entries in sec_addr */
	uint64_t low, high;  /* the loaded sections' range */
};

static struct placed *placed;
static size_t nplaced;

static int placed_section_address(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
				  const char *secname, GElf_Word shndx, const GElf_Shdr *shdr, Dwarf_Addr *addr)
{
	for (size_t i = 0; i < nplaced; i++) {
		if (strcmp(placed[i].path, modname) != 0)
			continue;
		*addr = shndx < placed[i].nsecs && placed[i].sec_addr[shndx] ? placed[i].sec_addr[shndx]
									     : (Dwarf_Addr)-1;
		return 0;
	}
	*addr = (Dwarf_Addr)-1;
	return 0;
}

static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = placed_section_address,
	.debuginfo_path = &debuginfo_path,
};

static int add_module(Dwfl_Module *mod, void **userdata, const char *name, Dwarf_Addr start, void *arg);

int dbg_add_code(struct dbg *dbg, const char *object, unsigned generation, const uint64_t *sec_addr,
		 const uint64_t *sec_size, size_t nsecs)
{
	struct placed *v = realloc(placed, (nplaced + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	placed = v;
	v[nplaced].path = strdup(object);
	v[nplaced].sec_addr = malloc((nsecs ? nsecs : 1) * sizeof(*sec_addr));
	if (!v[nplaced].path || !v[nplaced].sec_addr) {
		free(v[nplaced].path);
		free(v[nplaced].sec_addr);
		return -ENOMEM;
	}
	memcpy(v[nplaced].sec_addr, sec_addr, nsecs * sizeof(*sec_addr));
	v[nplaced].nsecs = nsecs;
	v[nplaced].generation = generation;
	v[nplaced].low = UINT64_MAX;
	v[nplaced].high = 0;
	for (size_t i = 0; i < nsecs; i++) {
		if (!sec_addr[i])
			continue;
		if (sec_addr[i] < v[nplaced].low)
			v[nplaced].low = sec_addr[i];
		if (sec_addr[i] + sec_size[i] > v[nplaced].high)
			v[nplaced].high = sec_addr[i] + sec_size[i];
	}
	nplaced++;
	if (!dbg->dwfl || !dbg->dwfl_live)
		return dbg_symbols_refresh(dbg, NULL);
	/* One more module in the same session: libdw keeps what it parsed of
	 * the others (a fresh session reads glibc's DWARF and CFI again). */
	{
		Dwfl_Module *mod;

		dwfl_report_begin_add(dbg->dwfl);
		mod = dwfl_report_offline(dbg->dwfl, object, object, -1);
		dwfl_report_end(dbg->dwfl, NULL, NULL);
		if (!mod || add_module(mod, NULL, object, 0, dbg) != DWARF_CB_OK)
			return dbg_symbols_refresh(dbg, NULL);
	}
	return 0;
}

void dbg_remove_code(struct dbg *dbg, const char *object)
{
	for (size_t i = 0; i < nplaced; i++) {
		if (strcmp(placed[i].path, object) != 0)
			continue;
		free(placed[i].path);
		free(placed[i].sec_addr);
		placed[i] = placed[--nplaced];
		if (dbg->dwfl && dbg->dwfl_live)
			dbg_symbols_refresh(dbg, NULL);
		return;
	}
}

void dbg_forget_code(struct dbg *dbg)
{
	for (size_t i = 0; i < nplaced; i++) {
		free(placed[i].path);
		free(placed[i].sec_addr);
	}
	free(placed);
	placed = NULL;
	nplaced = 0;
	dbg_code_process_gone(dbg);
}

static void syms_release(struct dbg_module *m)
{
	for (size_t j = 0; j < m->nsyms; j++)
		free(m->syms[j].name);
	free(m->syms);
	for (size_t j = 0; j < m->nsymfiles; j++)
		free(m->symfiles[j]);
	free(m->symfiles);
	m->syms = NULL;
	m->symfiles = NULL;
	m->nsyms = m->nsymfiles = 0;
	m->syms_read = false;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct dbg_sym *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->k > y->k) - (x->k < y->k);
}

/* Reads module m's defined functions and variables into m->syms, sorted
 * by name, then by their order in the table (once per module). */
static void syms_read(struct dbg_module *m)
{
	int n = dwfl_module_getsymtab(m->mod);
	const char *file = NULL;
	size_t cap = 0;

	m->syms_read = true;
	for (int k = 1; k < n; k++) {
		GElf_Sym sym;
		GElf_Addr a;
		const char *s = dwfl_module_getsym_info(m->mod, k, &sym, &a, NULL, NULL, NULL);
		unsigned type = GELF_ST_TYPE(sym.st_info);
		struct dbg_sym *e;

		if (!s)
			continue;
		if (type == STT_FILE) {
			char **v = realloc(m->symfiles, (m->nsymfiles + 1) * sizeof(*v));

			if (!v || !(v[m->nsymfiles] = strdup(s))) {
				m->symfiles = v ? v : m->symfiles;
				goto fail;
			}
			m->symfiles = v;
			file = v[m->nsymfiles++];
			continue;
		}
		if (sym.st_shndx == SHN_UNDEF ||
		    (type != STT_FUNC && type != STT_OBJECT && type != STT_TLS && type != STT_GNU_IFUNC))
			continue;
		if (m->nsyms == cap) {
			struct dbg_sym *v = realloc(m->syms, (cap ? cap * 2 : 256) * sizeof(*v));

			if (!v)
				goto fail;
			m->syms = v;
			cap = cap ? cap * 2 : 256;
		}
		e = &m->syms[m->nsyms];
		*e = (struct dbg_sym){ .name = strndup(s, strcspn(s, "@")), .file = file, .addr = a,
				       .size = sym.st_size, .k = (uint32_t)k, .type = (unsigned char)type,
				       .bind = (unsigned char)GELF_ST_BIND(sym.st_info), .versioned = strchr(s, '@') != NULL };
		if (!e->name)
			goto fail;
		m->nsyms++;
	}
	if (m->nsyms > 1)
		qsort(m->syms, m->nsyms, sizeof(*m->syms), sym_cmp);
	return;
fail:
	/* Out of memory: no symbols (look-ups fail, nothing crashes). */
	syms_release(m);
	m->syms_read = true;
}

/* The first of module m's symbols named name (in table order), or NULL;
 * *end is one past the last of that name. */
static const struct dbg_sym *syms_named(struct dbg_module *m, const char *name, const struct dbg_sym **end)
{
	size_t lo = 0, hi;

	if (!m->syms_read)
		syms_read(m);
	hi = m->nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(m->syms[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (hi = lo; hi < m->nsyms && strcmp(m->syms[hi].name, name) == 0; hi++)
		;
	*end = m->syms + hi;
	return lo < hi ? m->syms + lo : NULL;
}

static void modules_release(struct dbg *dbg)
{
	for (size_t i = 0; i < dbg->nmods; i++) {
		struct dbg_module *m = &dbg->mods[i];

		for (size_t j = 0; j < m->nfiles; j++)
			free(m->files[j]);
		free(m->files);
		free(m->rows);
		syms_release(m);
		free(m->name);
		free(m->layout);
		free(m->placed);
		free(m->sizes);
		free(m->placed_order);
	}
	free(dbg->mods);
	dbg->mods = NULL;
	dbg->nmods = 0;
}

void dbg_symbols_release(struct dbg *dbg)
{
	modules_release(dbg);
	dbg_types_forget(dbg);
	if (dbg->dwfl)
		dwfl_end(dbg->dwfl);
	dbg->dwfl = NULL;
	dbg->dwfl_live = false;
	dbg->dwfl_attached = false;
}

struct Dwfl *dbg_dwfl(struct dbg *dbg)
{
	return dbg->dwfl;
}

/* Loaded code: libdwfl's layout address a to the real one (0: not loaded).
 * A binary search of the loaded sections by layout address (most rows of
 * a CU's line table are in functions that were not loaded: each was a
 * walk of all its sections, a hundred with -ffunction-sections). */
static uint64_t from_layout(struct dbg_module *m, uint64_t a)
{
	size_t lo = 0, hi = m->nplaced_order;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->layout[m->placed_order[mid]] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* The last sections starting at or before a (an empty one may share
	 * its start with the next). */
	while (lo-- > 0) {
		size_t k = m->placed_order[lo];

		if (a < m->layout[k] + m->sizes[k] + (m->sizes[k] == 0))
			return m->placed[k] + (a - m->layout[k]);
		if (m->sizes[k] != 0)
			break;
	}
	return 0;
}

/* The other way: a real address in loaded code to libdwfl's layout. */
static uint64_t to_layout(const struct dbg_module *m, uint64_t pc)
{
	for (size_t k = 0; k < m->nsecs; k++)
		if (m->placed[k] && pc >= m->placed[k] && pc < m->placed[k] + m->sizes[k])
			return m->layout[k] + (pc - m->placed[k]);
	return pc;
}

static const struct dbg_module *order_module; /* layout_order's, for by_layout */

static int by_layout(const void *x, const void *y)
{
	uint64_t a = order_module->layout[*(const size_t *)x], b = order_module->layout[*(const size_t *)y];
	uint64_t sa = order_module->sizes[*(const size_t *)x], sb = order_module->sizes[*(const size_t *)y];

	/* By start; at one start, an empty section first. */
	return a != b ? (a > b) - (a < b) : (sa > sb) - (sa < sb);
}

/* m->placed_order: the loaded sections sorted by layout address. */
static int layout_order(struct dbg_module *m)
{
	m->placed_order = calloc(m->nsecs ? m->nsecs : 1, sizeof(*m->placed_order));
	if (!m->placed_order)
		return -ENOMEM;
	m->nplaced_order = 0;
	for (size_t k = 0; k < m->nsecs; k++)
		if (m->placed[k])
			m->placed_order[m->nplaced_order++] = k;
	order_module = m;
	qsort(m->placed_order, m->nplaced_order, sizeof(*m->placed_order), by_layout);
	order_module = NULL;
	return 0;
}

static int add_module(Dwfl_Module *mod, void **userdata, const char *name, Dwarf_Addr start, void *arg)
{
	struct dbg *dbg = arg;
	struct dbg_module *v = realloc(dbg->mods, (dbg->nmods + 1) * sizeof(*v));
	Dwarf_Addr low, high;

	if (!v)
		return DWARF_CB_ABORT;
	dbg->mods = v;
	dwfl_module_info(mod, NULL, &low, &high, NULL, NULL, NULL, NULL);
	/* Loaded code: libdwfl lays a relocatable file out at its own
	 * addresses; where its sections really are is what we placed. */
	for (size_t i = 0; name && i < nplaced; i++)
		if (strcmp(placed[i].path, name) == 0) {
			struct dbg_module *m = &v[dbg->nmods];
			GElf_Addr ebias;
			Elf *elf = dwfl_module_getelf(mod, &ebias);

			low = placed[i].low;
			high = placed[i].high;
			*m = (struct dbg_module){ .mod = mod };
			m->layout = calloc(placed[i].nsecs, sizeof(*m->layout));
			m->placed = calloc(placed[i].nsecs, sizeof(*m->placed));
			m->sizes = calloc(placed[i].nsecs, sizeof(*m->sizes));
			if (!elf || !m->layout || !m->placed || !m->sizes) {
				free(m->layout);
				free(m->placed);
				free(m->sizes);
				return DWARF_CB_ABORT;
			}
			m->nsecs = placed[i].nsecs;
			for (size_t k = 0; k < placed[i].nsecs; k++) {
				GElf_Shdr sh;
				Elf_Scn *scn = elf_getscn(elf, k);

				m->placed[k] = placed[i].sec_addr[k];
				if (scn && gelf_getshdr(scn, &sh)) {
					m->layout[k] = sh.sh_addr + ebias;
					m->sizes[k] = sh.sh_size;
				}
			}
			if (layout_order(m) < 0) {
				free(m->layout);
				free(m->placed);
				free(m->sizes);
				return DWARF_CB_ABORT;
			}
			m->name = strdup(name);
			m->low = low;
			m->high = high;
			m->generation = placed[i].generation;
			dbg->nmods++;
			return DWARF_CB_OK;
		}
	v[dbg->nmods++] = (struct dbg_module){ .mod = mod, .name = strdup(name ? name : "?"),
					       .low = low, .high = high };
	return DWARF_CB_OK;
}

/* True when the CU was compiled with optimisation: "-O1".."-O3", "-Os"... in
 * DW_AT_producer (gcc records its flags there). */
static const char *optimisation_flag(Dwarf_Die *cu)
{
	Dwarf_Attribute attr;
	const char *producer = dwarf_formstring(dwarf_attr(cu, DW_AT_producer, &attr));
	const char *p = producer, *last = NULL;

	while (p && (p = strstr(p, " -O"))) {
		last = p + 1;
		p += 3;
	}
	if (!last || strncmp(last, "-O0", 3) == 0 || (strncmp(last, "-O", 2) == 0 && last[2] == ' '))
		return NULL;
	return last;
}

int dbg_set_program(struct dbg *dbg, const char *path, char **errmsg)
{
	char real[4096];
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	Dwarf *dw;
	Dwarf_Die *cu = NULL;
	size_t ncus = 0;
	char header[4] = { 0 };
	int fd;

	if (dbg->pid > 0)
		return dbg_fail(errmsg, -EBUSY, "the program is running: 'kill' it before changing it");
	if (!realpath(path, real))
		return dbg_fail(errmsg, -errno, "program '%s': %s", path, strerror(errno));
	fd = open(real, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return dbg_fail(errmsg, -errno, "program '%s': %s", path, strerror(errno));
	if (read(fd, header, 4) != 4 || memcmp(header, "\177ELF", 4) != 0) {
		close(fd);
		return dbg_fail(errmsg, -ENOEXEC, "program '%s' is not an ELF executable", path);
	}
	close(fd);
	dwfl = dwfl_begin(&offline_callbacks);
	if (!dwfl)
		return dbg_fail(errmsg, -ENOMEM, "libdwfl: %s", dwfl_errmsg(-1));
	dwfl_report_begin(dwfl);
	mod = dwfl_report_offline(dwfl, real, real, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	if (!mod) {
		int err = dbg_fail(errmsg, -ENOEXEC, "program '%s': %s", path, dwfl_errmsg(-1));

		dwfl_end(dwfl);
		return err;
	}
	dw = dwfl_module_getdwarf(mod, &bias);
	while (dw && (cu = dwfl_module_nextcu(mod, cu, &bias)))
		ncus++;
	if (!dw || ncus == 0) {
		dwfl_end(dwfl);
		return dbg_fail(errmsg, -ENODATA, "program '%s' has no debug information: build it with -g "
				"(encide's build does)", path);
	}
	dbg_symbols_release(dbg);
	free(dbg->program);
	dbg->program = strdup(real);
	dbg->dwfl = dwfl;
	dwfl_getmodules(dwfl, add_module, dbg, 0);
	/* Optimised code can be debugged, but not edited and continued. */
	cu = NULL;
	while ((cu = dwfl_module_nextcu(mod, cu, &bias))) {
		const char *flag = optimisation_flag(cu);
		char *text;

		if (flag && asprintf(&text, "'%s' was compiled with %.*s: stepping and variables may be "
				     "wrong, and Edit and Continue refuses it (rebuild with -O0)",
				     dwarf_diename(cu) ? dwarf_diename(cu) : "?",
				     (int)strcspn(flag, " "), flag) >= 0) {
			bus_emit_message(dbg->bus, &(struct ev_message){ .level = "warning", .text = text });
			free(text);
		}
	}
	return 0;
}

static uint64_t maps_hash(pid_t pid);

int dbg_symbols_refresh(struct dbg *dbg, char **errmsg)
{
	Dwfl *dwfl;

	if (dbg->pid <= 0)
		return 0;
	dwfl = dwfl_begin(&proc_callbacks);
	if (!dwfl)
		return dbg_fail(errmsg, -ENOMEM, "libdwfl: %s", dwfl_errmsg(-1));
	dwfl_report_begin(dwfl);
	if (dwfl_linux_proc_report(dwfl, dbg->pid) != 0) {
		dwfl_end(dwfl);
		return dbg_fail(errmsg, -EIO, "cannot read the modules of process %d: %s", dbg->pid, dwfl_errmsg(-1));
	}
	/* Code Edit and Continue loaded: one module per generation's object. */
	for (size_t i = 0; i < nplaced; i++)
		dwfl_report_offline(dwfl, placed[i].path, placed[i].path, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	{
		/* Line tables of modules that stay (libraries do not change:
		 * glibc's has ~300,000 rows) are kept, not read again. */
		struct dbg_module *old = dbg->mods;
		size_t nold = dbg->nmods;

		dbg->mods = NULL;
		dbg->nmods = 0;
		dbg_types_forget(dbg);
		if (dbg->dwfl)
			dwfl_end(dbg->dwfl);
		dbg->dwfl = dwfl;
		dbg->dwfl_live = true;
		dbg->dwfl_attached = false;
		dwfl_getmodules(dwfl, add_module, dbg, 0);
		for (size_t i = 0; i < dbg->nmods; i++) {
			struct dbg_module *m = &dbg->mods[i];

			for (size_t j = 0; j < nold && !m->layout; j++) {
				struct dbg_module *o = &old[j];

				if (o->rows_read && !o->layout && o->low == m->low && o->high == m->high &&
				    strcmp(o->name, m->name) == 0) {
					m->rows = o->rows;
					m->nrows = o->nrows;
					m->files = o->files;
					m->nfiles = o->nfiles;
					m->rows_read = true;
					o->rows = NULL;
					o->files = NULL;
					o->nrows = o->nfiles = 0;
					/* Its symbols too. */
					m->syms = o->syms;
					m->nsyms = o->nsyms;
					m->symfiles = o->symfiles;
					m->nsymfiles = o->nsymfiles;
					m->syms_read = o->syms_read;
					o->syms = NULL;
					o->symfiles = NULL;
					o->nsyms = o->nsymfiles = 0;
					o->syms_read = false;
					break;
				}
			}
		}
		/* What was not taken over is freed. */
		{
			struct dbg_module *keep = dbg->mods;
			size_t nkeep = dbg->nmods;

			dbg->mods = old;
			dbg->nmods = nold;
			modules_release(dbg);
			dbg->mods = keep;
			dbg->nmods = nkeep;
		}
	}
	return 0;
}

/* A hash of /proc/PID/maps, to notice libraries loaded or unloaded. */
static uint64_t maps_hash(pid_t pid)
{
	char path[64], buf[4096];
	uint64_t h = 0xcbf29ce484222325ULL;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	{
		/* Only mappings of files make modules: anonymous ones (the heap,
		 * Edit and Continue's regions) change nothing here. */
		bool in_line_file = false, line_start = true;
		char line[512];
		size_t len = 0;

		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			for (ssize_t i = 0; i < n; i++) {
				char c = buf[i];

				if (line_start) {
					len = 0;
					in_line_file = false;
					line_start = false;
				}
				if (c == '/')
					in_line_file = true;
				if (len < sizeof(line))
					line[len++] = c;
				if (c == '\n') {
					if (in_line_file)
						for (size_t k = 0; k < len; k++)
							h = (h ^ (unsigned char)line[k]) * 0x100000001b3ULL;
					line_start = true;
				}
			}
		}
	}
	close(fd);
	return h;
}

bool dbg_program_own_libraries(struct dbg *dbg)
{
	Elf *elf = NULL;
	Elf_Scn *scn = NULL;
	bool found = false;
	int fd;

	if (dbg->library_path)
		return true; /* a libtool program: its wrapper names them */
	if (!dbg->program || (fd = open(dbg->program, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	elf_version(EV_CURRENT);
	if (!(elf = elf_begin(fd, ELF_C_READ, NULL)))
		goto out;
	while (!found && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC || !(data = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; sh.sh_entsize && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Dyn dyn;

			if (gelf_getdyn(data, (int)i, &dyn) && (dyn.d_tag == DT_RUNPATH || dyn.d_tag == DT_RPATH))
				found = true;
		}
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return found;
}

void dbg_symbols_update(struct dbg *dbg)
{
	uint64_t h;

	if (dbg->pid <= 0)
		return;
	h = maps_hash(dbg->pid);
	if (h != dbg->maps_hash && dbg_symbols_refresh(dbg, NULL) == 0)
		dbg->maps_hash = h;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct dbg_row *a = pa, *b = pb;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	/* At one address, an end of sequence comes before what starts there. */
	if (a->end != b->end)
		return a->end ? -1 : 1;
	return 0;
}

/* Sorts rows by row_cmp, stably: the line tables come as a few ascending
 * runs (glibc's 291,211 rows in 181), merged pairwise; qsort spent most of
 * the first backtrace into glibc on them. */
static void sort_rows(struct dbg_row *v, size_t n)
{
	size_t *starts = NULL, nruns = 0;
	struct dbg_row *tmp = NULL, *src = v, *dst;

	for (size_t i = 0; i < n; i++)
		if (i == 0 || row_cmp(&v[i - 1], &v[i]) > 0) {
			size_t *s = realloc(starts, (nruns + 2) * sizeof(*s));

			if (!s)
				goto fallback;
			starts = s;
			starts[nruns++] = i;
		}
	if (nruns <= 1)
		goto out;
	if (!(tmp = malloc(n * sizeof(*tmp))))
		goto fallback;
	starts[nruns] = n;
	dst = tmp;
	while (nruns > 1) {
		size_t k = 0;

		for (size_t r = 0; r < nruns; r += 2) {
			size_t a = starts[r], am = starts[r + 1], b = am, bm = r + 2 <= nruns ? starts[r + 2] : am;
			size_t o = a;

			if (r + 1 == nruns)
				bm = b = am = starts[r + 1];
			while (a < am && b < bm)
				dst[o++] = row_cmp(&src[b], &src[a]) < 0 ? src[b++] : src[a++];
			while (a < am)
				dst[o++] = src[a++];
			while (b < bm)
				dst[o++] = src[b++];
			starts[k++] = starts[r];
		}
		starts[k] = n;
		nruns = k;
		src = dst;
		dst = src == v ? tmp : v;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	goto out;
fallback:
	qsort(v, n, sizeof(*v), row_cmp);
out:
	free(tmp);
	free(starts);
}

/* m->files by name while its rows are read: an open-addressing table of
 * indices into m->files (glibc's line tables name 1,751 files, each CU's
 * with strings of its own; a miss compared them all). */
struct file_set {
	unsigned *slot;    /* index + 1, 0: empty */
	size_t cap;        /* a power of two */
};

static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}

/* name, relative to dir when it is not absolute, with "." and ".."
 * resolved by the text (meson compiles ../../src/f.c from its build
 * directory: the editor's buffers are /abs/src/f.c), into buf. */
static const char *path_normal(const char *dir, const char *name, char *buf, size_t size)
{
	char tmp[4096], *save = NULL, *part;
	size_t len = 0;

	if (snprintf(tmp, sizeof(tmp), "%s%s%s", name[0] == '/' || !dir ? "" : dir,
		     name[0] == '/' || !dir ? "" : "/", name) >= (int)sizeof(tmp) || tmp[0] != '/')
		return name;
	buf[0] = '\0';
	for (part = strtok_r(tmp, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, ".") == 0)
			continue;
		if (strcmp(part, "..") == 0) {
			while (len > 0 && buf[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* the slash */
			buf[len] = '\0';
			continue;
		}
		if (len + 1 + strlen(part) + 1 > size)
			return name;
		buf[len++] = '/';
		strcpy(buf + len, part);
		len += strlen(part);
	}
	if (len == 0)
		strcpy(buf, "/");
	return buf;
}

/* The index of path in m->files, adding it (0, "?", when out of memory). */
static unsigned file_index(struct dbg_module *m, struct file_set *fs, const char *path)
{
	size_t i;
	char **v;

	if (2 * (m->nfiles + 1) > fs->cap) {
		size_t cap = fs->cap ? 2 * fs->cap : 256;
		unsigned *slot = calloc(cap, sizeof(*slot));

		if (!slot)
			return 0;
		for (size_t k = 0; k < m->nfiles; k++) {
			for (i = name_hash(m->files[k]) & (cap - 1); slot[i]; i = (i + 1) & (cap - 1))
				;
			slot[i] = (unsigned)k + 1;
		}
		free(fs->slot);
		fs->slot = slot;
		fs->cap = cap;
	}
	for (i = name_hash(path) & (fs->cap - 1); fs->slot[i]; i = (i + 1) & (fs->cap - 1))
		if (strcmp(m->files[fs->slot[i] - 1], path) == 0)
			return fs->slot[i] - 1;
	v = realloc(m->files, (m->nfiles + 1) * sizeof(*v));
	if (!v)
		return 0;
	m->files = v;
	if (!(v[m->nfiles] = strdup(path)))
		return 0;
	fs->slot[i] = (unsigned)m->nfiles + 1;
	return (unsigned)m->nfiles++;
}

/* Reads the line tables of module m into m->rows (once). */
static void read_rows(struct dbg_module *m)
{
	/* libdw gives each file of a CU's table one string: its address finds
	 * the index again without hashing the name (glibc: 291,211 rows). The
	 * strings live as long as the Dwarf, so an address is never another
	 * CU's (whose comp_dir may resolve a relative name otherwise). */
	struct { const char *src; unsigned index; } seen[256] = { { 0 } };
	struct file_set fs = { 0 };
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;
	size_t cap = 0;

	if (m->rows_read)
		return;
	m->rows_read = true;
	if (!dwfl_module_getdwarf(m->mod, &bias))
		return;
	file_index(m, &fs, "?"); /* index 0: unknown */
	while ((cu = dwfl_module_nextcu(m->mod, cu, &bias))) {
		Dwarf_Attribute attr;
		const char *dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
		Dwarf_Lines *lines;
		size_t n;

		if (dwarf_getsrclines(cu, &lines, &n) != 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			Dwarf_Line *l = dwarf_onesrcline(lines, i);
			Dwarf_Addr addr;
			int lineno = 0;
			bool stmt = false, end = false;
			const char *src = dwarf_linesrc(l, NULL, NULL);
			unsigned file = 0;

			if (!l || dwarf_lineaddr(l, &addr) != 0)
				continue;
			dwarf_lineno(l, &lineno);
			dwarf_linebeginstatement(l, &stmt);
			dwarf_lineendsequence(l, &end);
			if (m->nrows == cap) {
				struct dbg_row *v;

				cap = cap ? 2 * cap : 1024;
				v = realloc(m->rows, cap * sizeof(*v));
				if (!v)
					goto out;
				m->rows = v;
			}
			if (m->layout) {
				/* An end row sits one past its section: translate the last byte. */
				uint64_t real = end ? from_layout(m, addr + bias - 1) : from_layout(m, addr + bias);

				if (!real)
					continue; /* code of a section that was not loaded */
				addr = (end ? real + 1 : real) - bias;
			}
			if (src) {
				size_t h = ((uintptr_t)src >> 3) & 255;

				if (seen[h].src != src) {
					char abs[4096];

					seen[h] = (typeof(seen[0])){ src, file_index(m, &fs, src[0] == '/' ? src :
						path_normal(dir, src, abs, sizeof(abs))) };
				}
				file = seen[h].index;
			}
			m->rows[m->nrows++] = (struct dbg_row){
				.addr = addr + bias, .line = lineno, .file = src ? file : 0,
				.is_stmt = stmt, .end = end };
		}
	}
	sort_rows(m->rows, m->nrows);
out:
	free(fs.slot);
}

struct dbg_module *dbg_module_at(struct dbg *dbg, uint64_t pc)
{
	for (size_t i = 0; i < dbg->nmods; i++)
		if (pc >= dbg->mods[i].low && pc < dbg->mods[i].high)
			return &dbg->mods[i];
	return NULL;
}

const struct dbg_row *dbg_row_at(struct dbg *dbg, uint64_t pc, struct dbg_module **mod_out)
{
	struct dbg_module *m = dbg_module_at(dbg, pc);
	size_t lo = 0, hi;

	if (mod_out)
		*mod_out = m;
	if (!m)
		return NULL;
	read_rows(m);
	hi = m->nrows;
	if (hi == 0 || m->rows[0].addr > pc)
		return NULL;
	while (hi - lo > 1) { /* the last row with addr <= pc */
		size_t mid = lo + (hi - lo) / 2;

		if (m->rows[mid].addr <= pc)
			lo = mid;
		else
			hi = mid;
	}
	return m->rows[lo].end ? NULL : &m->rows[lo];
}

/* The DWARF subprogram holding pc (bias-free address), in *out. */
static bool subprogram_at(Dwfl_Module *mod, uint64_t pc, Dwarf_Die *out, Dwarf_Addr *bias)
{
	Dwarf_Die *cu = dwfl_module_addrdie(mod, pc, bias);
	Dwarf_Die child;

	if (!cu || dwarf_child(cu, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) == DW_TAG_subprogram && dwarf_haspc(&child, pc - *bias) == 1) {
			*out = child;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

bool dbg_function_at(struct dbg *dbg, uint64_t pc, const char **name, uint64_t *low, uint64_t *high)
{
	struct dbg_module *m = dbg_module_at(dbg, pc);
	Dwarf_Die die;
	Dwarf_Addr bias, lo, hi;
	GElf_Off off;
	GElf_Sym sym;
	const char *n;

	if (!m)
		return false;
	if (m->layout) {
		uint64_t a = to_layout(m, pc);

		if (subprogram_at(m->mod, a, &die, &bias) && dwarf_lowpc(&die, &lo) == 0 &&
		    dwarf_highpc(&die, &hi) == 0) {
			*name = dwarf_diename(&die);
			*low = from_layout(m, lo + bias);
			*high = from_layout(m, hi + bias - 1) + 1;
			return *name != NULL;
		}
		return false;
	}
	if (subprogram_at(m->mod, pc, &die, &bias) && dwarf_lowpc(&die, &lo) == 0 && dwarf_highpc(&die, &hi) == 0) {
		*name = dwarf_diename(&die);
		*low = lo + bias;
		*high = hi + bias;
		return *name != NULL;
	}
	n = dwfl_module_addrinfo(m->mod, pc, &off, &sym, NULL, NULL, NULL);
	if (!n)
		return false;
	*name = n;
	*low = pc - off;
	*high = *low + (sym.st_size ? sym.st_size : 1);
	return true;
}

Dwfl_Module *dbg_dwarf_at(struct dbg *dbg, uint64_t pc, uint64_t *dwarf_pc, struct dbg_module **code)
{
	struct dbg_module *m = dbg_module_at(dbg, pc);

	*code = NULL;
	*dwarf_pc = pc;
	if (m && m->layout) {
		*code = m;
		*dwarf_pc = to_layout(m, pc);
		return m->mod;
	}
	return dbg->dwfl ? dwfl_addrmodule(dbg->dwfl, pc) : NULL;
}

/* Looks up variable name in module m's symbol table (gcc's ".N" suffix of
 * function-static variables ignored): 1 with *real when its section was
 * loaded, 0 when it is there but not loaded (bound elsewhere), -1 when m
 * has no such symbol. */
static int code_symbol(struct dbg_module *m, const char *name, uint64_t *real)
{
	int n = dwfl_module_getsymtab(m->mod), found = -1;

	for (int k = 1; k < n; k++) {
		GElf_Sym sym;
		GElf_Addr a;
		const char *s = dwfl_module_getsym_info(m->mod, k, &sym, &a, NULL, NULL, NULL);
		size_t len = strlen(name);

		if (!s || sym.st_shndx == SHN_UNDEF || GELF_ST_TYPE(sym.st_info) != STT_OBJECT ||
		    strncmp(s, name, len) != 0 || (s[len] != '\0' && s[len] != '.'))
			continue;
		/* libdwfl's address of a section that was not loaded is its own. */
		*real = sym.st_shndx < m->nsecs && m->placed[sym.st_shndx] ? from_layout(m, a) : 0;
		if (*real)
			return 1;
		found = 0;
	}
	return found;
}

uint64_t dbg_code_var_address(struct dbg *dbg, struct dbg_module *code, uint64_t addr, const char *name,
			      const char *cu_file)
{
	struct dbg_module *best = NULL;
	uint64_t real = 0, size, r;
	int in_code = name ? code_symbol(code, name, &real) : -1;

	if (in_code == 1)
		return real;
	if (in_code < 0)
		return from_layout(code, addr);
	/* Bound elsewhere: storage a generation added (the newest that loaded
	 * it)... */
	for (size_t i = 0; i < dbg->nmods; i++) {
		struct dbg_module *m = &dbg->mods[i];

		if (m->layout && m != code && (!best || m->generation > best->generation) && code_symbol(m, name, &r) == 1)
			best = m;
	}
	if (best && code_symbol(best, name, &real) == 1)
		return real;
	/* ...or the program's own, file-local first. */
	if ((cu_file && dbg_lookup_symbol(dbg, name, cu_file, &real, &size) == 0) ||
	    dbg_lookup_symbol(dbg, name, NULL, &real, &size) == 0)
		return real;
	return 0;
}

/* The program itself or code Edit and Continue loaded (not a library). */
static bool user_module(const struct dbg *dbg, const struct dbg_module *m)
{
	return m->layout || (dbg->program && strcmp(m->name, dbg->program) == 0);
}

void dbg_pc_info(struct dbg *dbg, uint64_t pc, struct dbg_pcinfo *w)
{
	struct dbg_module *m;
	const struct dbg_row *r = dbg_row_at(dbg, pc, &m);
	uint64_t low, high;

	*w = (struct dbg_pcinfo){ 0 };
	dbg_function_at(dbg, pc, &w->function, &low, &high);
	if (!r)
		return;
	w->file = r->file < m->nfiles ? m->files[r->file] : NULL;
	w->code_line = r->line;
	w->now_line = r->line;
	w->generation = m->generation;
	if (user_module(dbg, m)) {
		w->now_line = dbg_code_line(dbg, w->file, m->generation, r->line, true);
		w->superseded = dbg_code_superseded(dbg, pc);
	}
	/* Superseded code runs its generation's source, not the current text. */
	w->line = w->superseded ? w->code_line : w->now_line;
}

bool dbg_pc_line(struct dbg *dbg, uint64_t pc, const char **file, int *line, const char **function)
{
	struct dbg_pcinfo w;

	dbg_pc_info(dbg, pc, &w);
	*file = w.file;
	*line = w.line;
	if (function)
		*function = w.function;
	return w.file != NULL;
}

uint64_t dbg_after_prologue(struct dbg *dbg, uint64_t low, uint64_t high)
{
	struct dbg_module *m = dbg_module_at(dbg, low);

	if (!m)
		return low;
	size_t lo = 0, hi;

	read_rows(m);
	/* The second row of the function (by address) starts its body: the
	 * first row past low, found by binary search (rows are sorted). */
	hi = m->nrows;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->rows[mid].addr <= low)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < m->nrows && m->rows[i].addr < high; i++)
		if (!m->rows[i].end)
			return m->rows[i].addr;
	return low;
}

ssize_t dbg_function_addresses(struct dbg *dbg, const char *name, uint64_t **out)
{
	uint64_t low, high, *v = NULL;
	size_t n = 0;

	*out = NULL;
	if (dbg_function_by_name(dbg, name, &low, &high)) {
		if (!(v = malloc(sizeof(*v))))
			return -ENOMEM;
		v[n++] = low;
	}
	/* Code Edit and Continue loaded: each generation's copy (its symbol
	 * table speaks libdwfl's addresses). */
	for (size_t i = 0; i < dbg->nmods; i++) {
		struct dbg_module *m = &dbg->mods[i];
		int nsyms;

		if (!m->layout)
			continue;
		nsyms = dwfl_module_getsymtab(m->mod);
		for (int k = 1; k < nsyms; k++) {
			GElf_Sym sym;
			GElf_Addr a;
			const char *s = dwfl_module_getsym_info(m->mod, k, &sym, &a, NULL, NULL, NULL);
			uint64_t real, *nv;

			if (!s || GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
			    strcmp(s, name) != 0 || !(real = from_layout(m, a)))
				continue;
			nv = realloc(v, (n + 1) * sizeof(*nv));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
			v[n++] = real;
		}
	}
	*out = v;
	return (ssize_t)n;
}

bool dbg_function_by_name(struct dbg *dbg, const char *name, uint64_t *low, uint64_t *high)
{
	/* The program itself first, then the libraries. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < dbg->nmods; i++) {
			struct dbg_module *m = &dbg->mods[i];
			bool is_program = dbg->program && strcmp(m->name, dbg->program) == 0;
			const struct dbg_sym *e, *end;

			if (is_program != (pass == 0) || m->layout)
				continue;
			for (e = syms_named(m, name, &end); e && e < end; e++)
				if (e->type == STT_FUNC && !e->versioned) {
					*low = e->addr;
					*high = e->addr + (e->size ? e->size : 1);
					return true;
				}
		}
	}
	return false;
}

/* True when path names file: equal, or path ends with "/" + file. */
static bool file_matches(const char *path, const char *file)
{
	size_t lp = strlen(path), lf = strlen(file);

	if (strcmp(path, file) == 0)
		return true;
	return lp > lf && path[lp - lf - 1] == '/' && strcmp(path + lp - lf, file) == 0;
}

/* Does module m's line table name a file matching file? */
static bool module_knows(struct dbg_module *m, const char *file)
{
	read_rows(m);
	for (size_t j = 0; j < m->nfiles; j++)
		if (file_matches(m->files[j], file))
			return true;
	return false;
}

/* Libraries are searched only for files the program does not know: their
 * line tables (glibc's with debug info: ~300,000 rows) are read only then. */
static bool search_module(struct dbg *dbg, struct dbg_module *m, const char *file)
{
	if (user_module(dbg, m))
		return true;
	for (size_t i = 0; i < dbg->nmods; i++)
		if (user_module(dbg, &dbg->mods[i]) && module_knows(&dbg->mods[i], file))
			return false;
	return true;
}

ssize_t dbg_line_addresses(struct dbg *dbg, const char *file, int line, uint64_t **out, const char **file_out)
{
	uint64_t *v = NULL;
	size_t n = 0;

	*out = NULL;
	for (size_t i = 0; i < dbg->nmods; i++) {
		struct dbg_module *m = &dbg->mods[i];
		int *want;

		if (!search_module(dbg, m, file))
			continue;
		read_rows(m);
		/* The user's line is the current text's: each module's rows are
		 * in the lines of its generation's source (0: not there). */
		want = calloc(m->nfiles ? m->nfiles : 1, sizeof(*want));
		if (!want) {
			free(v);
			return -ENOMEM;
		}
		for (size_t j = 0; j < m->nfiles; j++)
			if (file_matches(m->files[j], file))
				want[j] = user_module(dbg, m) ? dbg_code_line(dbg, m->files[j], m->generation, line, false)
							      : line;
		for (size_t k = 0; k < m->nrows; k++) {
			const struct dbg_row *r = &m->rows[k];
			const char *fn;
			uint64_t low, high, *nv;
			bool seen = false;

			if (r->end || !r->is_stmt || r->file >= m->nfiles || want[r->file] <= 0 ||
			    r->line != want[r->file])
				continue;
			/* One address per function: the lowest row of the line. */
			if (!dbg_function_at(dbg, r->addr, &fn, &low, &high))
				low = high = r->addr;
			for (size_t j = 0; j < n; j++) {
				const char *fn2;
				uint64_t low2, high2;

				if (dbg_function_at(dbg, v[j], &fn2, &low2, &high2) && low2 == low)
					seen = true;
			}
			if (seen)
				continue;
			nv = realloc(v, (n + 1) * sizeof(*nv));
			if (!nv) {
				free(want);
				free(v);
				return -ENOMEM;
			}
			v = nv;
			v[n++] = r->addr;
			if (file_out)
				*file_out = m->files[r->file];
		}
		free(want);
	}
	*out = v;
	return (ssize_t)n;
}

bool dbg_file_known(struct dbg *dbg, const char *file)
{
	for (size_t i = 0; i < dbg->nmods; i++)
		if (search_module(dbg, &dbg->mods[i], file) && module_knows(&dbg->mods[i], file))
			return true;
	return false;
}

int dbg_line_address(struct dbg *dbg, const char *file, int line, uint64_t *addr, int *moved_to, char **errmsg)
{
	uint64_t *v;
	ssize_t n;

	if (!dbg_file_known(dbg, file))
		return dbg_fail(errmsg, -ENOENT, "no source file named '%s' in the program", file);
	for (int l = line; l < line + 200; l++) {
		n = dbg_line_addresses(dbg, file, l, &v, NULL);
		if (n < 0)
			return dbg_fail(errmsg, (int)n, "out of memory");
		if (n > 0) {
			*addr = v[0];
			*moved_to = l;
			free(v);
			return 0;
		}
	}
	return dbg_fail(errmsg, -ENOENT, "no code at or after line %d of '%s'", line, file);
}

/*
 * Unwinding: libdwfl's CFI unwinder over the stopped threads (the process is
 * ptrace-stopped by us already); where it gives up, the frame-pointer chain
 * (-fno-omit-frame-pointer is part of encide's build profile).
 */
struct unwind {
	struct dbg *dbg;          /* the debugger */
	struct dbg_frame *v;      /* frames so far */
	size_t n, cap, max;       /* used, allocated, wanted */
};

static int push_frame(struct unwind *u, uint64_t pc, uint64_t sp, uint64_t fp)
{
	struct dbg_frame *f;

	if (u->n == u->cap) {
		size_t cap = u->cap ? 2 * u->cap : 64;
		struct dbg_frame *v = realloc(u->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		u->v = v;
		u->cap = cap;
	}
	f = &u->v[u->n++];
	*f = (struct dbg_frame){ .pc = pc, .sp = sp, .fp = fp };
	return 0;
}

static int on_frame(Dwfl_Frame *state, void *arg)
{
	struct unwind *u = arg;
	Dwarf_Addr pc;
	bool activation;
	Dwarf_Word sp = 0, fp = 0;

	if (!dwfl_frame_pc(state, &pc, &activation))
		return DWARF_CB_ABORT;
	dwfl_frame_reg(state, 7, &sp);
	dwfl_frame_reg(state, 6, &fp);
	if (push_frame(u, pc, sp, fp) < 0 || u->n >= u->max)
		return DWARF_CB_ABORT;
	return DWARF_CB_OK;
}

/* The value of a CFI rule's expression for a frame of which only rip, rsp
 * and rbp are known: "CFA = reg + N" (libdw gives DW_OP_bregN), and the
 * "saved at CFA + N" / "is CFA + N" rules (DW_OP_call_frame_cfa, a
 * constant, DW_OP_plus; DW_OP_stack_value for a value rather than a
 * place). *is_value says whether the result is the value itself. */
static int cfi_value(const Dwarf_Op *ops, size_t nops, const struct dbg_frame *f, uint64_t cfa,
		     uint64_t *out, bool *is_value)
{
	uint64_t stack[4];
	size_t sp = 0;

	*is_value = false;
	for (size_t i = 0; i < nops; i++) {
		uint8_t a = ops[i].atom;

		if (sp == 4)
			return -EINVAL;
		if (a == DW_OP_breg6 || a == DW_OP_breg7 || a == DW_OP_breg16 || a == DW_OP_bregx) {
			/* libdw writes "CFA = reg + N" as DW_OP_bregx reg N */
			uint64_t reg = a == DW_OP_bregx ? ops[i].number : (uint64_t)(a - DW_OP_breg0);
			uint64_t off = a == DW_OP_bregx ? ops[i].number2 : ops[i].number;

			if (reg != 6 && reg != 7 && reg != 16)
				return -ENOTSUP; /* a register we did not recover */
			stack[sp++] = (reg == 6 ? f->fp : reg == 7 ? f->sp : f->pc) + off;
		} else if (a == DW_OP_call_frame_cfa)
			stack[sp++] = cfa;
		else if (a == DW_OP_consts || a == DW_OP_constu || (a >= DW_OP_lit0 && a <= DW_OP_lit31))
			stack[sp++] = a >= DW_OP_lit0 && a <= DW_OP_lit31 ? (uint64_t)(a - DW_OP_lit0) : ops[i].number;
		else if (a == DW_OP_plus && sp >= 2)
			sp--, stack[sp - 1] += stack[sp];
		else if (a == DW_OP_plus_uconst && sp >= 1)
			stack[sp - 1] += ops[i].number;
		else if (a == DW_OP_stack_value)
			*is_value = true;
		else
			return -ENOTSUP; /* needs a register we did not recover */
	}
	if (sp != 1)
		return -EINVAL;
	*out = stack[0];
	return 0;
}

/* One step of unwinding by the CFI, from frame f (only its rip, rsp and
 * rbp known) to its caller: used where libdwfl's unwinder stopped, which
 * it does in code whose registers it was not given (we give it the
 * thread's only). Frame 0 in code that no FDE covers (glibc's clone3 after
 * its syscall) is taken as a leaf that pushed nothing: its return address
 * is at rsp. Returns 0 with *caller filled, or negative. */
static int cfi_step(struct dbg *dbg, const struct dbg_frame *f, bool innermost, struct dbg_frame *caller)
{
	uint64_t where = innermost ? f->pc : f->pc - 1, cfa, ra, fp = f->fp, v;
	Dwfl_Module *mod = dbg->dwfl ? dwfl_addrmodule(dbg->dwfl, where) : NULL;
	Dwarf_Frame *frame = NULL;
	Dwarf_Op *ops, ops_mem[3];
	size_t nops;
	bool is_value;
	const char *fn;
	uint64_t low, high;

	for (int pass = 0; mod && pass < 2 && !frame; pass++) {
		Dwarf_Addr bias;
		Dwarf_CFI *cfi = pass == 0 ? dwfl_module_eh_cfi(mod, &bias) : dwfl_module_dwarf_cfi(mod, &bias);

		if (!cfi || dwarf_cfi_addrframe(cfi, where - bias, &frame) != 0)
			frame = NULL;
	}
	if (!frame) {
		if (!innermost || dbg_read(dbg, f->sp, &ra, sizeof(ra)) < 0 || !ra ||
		    !dbg_function_at(dbg, ra - 1, &fn, &low, &high))
			return -ENOENT;
		*caller = (struct dbg_frame){ .pc = ra, .sp = f->sp + 8, .fp = f->fp };
		return 0;
	}
	if (dwarf_frame_cfa(frame, &ops, &nops) != 0 || cfi_value(ops, nops, f, 0, &cfa, &is_value) < 0)
		goto fail;
	/* The return address (column 16) is saved in memory at CFA - 8. */
	if (dwarf_frame_register(frame, 16, ops_mem, &ops, &nops) != 0 || nops == 0 ||
	    cfi_value(ops, nops, f, cfa, &v, &is_value) < 0 || is_value || dbg_read(dbg, v, &ra, sizeof(ra)) < 0)
		goto fail;
	/* rbp: unchanged (no ops), or saved at CFA + N. */
	if (dwarf_frame_register(frame, 6, ops_mem, &ops, &nops) == 0 && nops > 0) {
		if (cfi_value(ops, nops, f, cfa, &v, &is_value) < 0)
			goto fail;
		if (is_value)
			fp = v;
		else if (dbg_read(dbg, v, &fp, sizeof(fp)) < 0)
			goto fail;
	}
	free(frame);
	if (!ra)
		return -ENOENT; /* the outermost frame */
	*caller = (struct dbg_frame){ .pc = ra, .sp = cfa, .fp = fp };
	return 0;
fail:
	free(frame);
	return -ENOENT;
}

/* Unwinds thread tid; describe: each frame's function, line, generation
 * (else only its pc, sp, fp and CFA, which reads no line table). */
static ssize_t unwind_thread(struct dbg *dbg, pid_t tid, size_t max, bool describe, struct dbg_frame **out)
{
	struct dbg_thread *t = dbg_thread_find(dbg, tid);
	/* One frame more than asked: a frame's CFA is its caller's rsp. */
	struct unwind u = { .dbg = dbg, .max = (max ? max : 1) + 1 };

	*out = NULL;
	if (!t || t->exited || dbg->state != DBG_STOPPED || dbg_regs(dbg, t) < 0)
		return -ESRCH;
	dbg_symbols_update(dbg);
	if (dbg->dwfl_live && !dbg->dwfl_attached)
		dbg->dwfl_attached = dwfl_linux_proc_attach(dbg->dwfl, dbg->pid, true) == 0;
	/* The unwinder reads registers with ptrace: ours must be written first. */
	if (t->regs_dirty && ptrace(PTRACE_SETREGS, t->tid, NULL, &t->regs) == 0)
		t->regs_dirty = false;
	if (dbg->dwfl_attached)
		dwfl_getthread_frames(dbg->dwfl, t->tid, on_frame, &u);
	if (u.n == 0)
		push_frame(&u, t->regs.rip, t->regs.rsp, t->regs.rbp);
	/* Where libdwfl stopped early, step by the CFI ourselves; where there
	 * is none, follow rbp. */
	while (u.n < u.max) {
		struct dbg_frame *last = &u.v[u.n - 1], caller;
		uint64_t saved[2];
		const char *fn;
		uint64_t low, high;

		if (cfi_step(dbg, last, u.n == 1, &caller) == 0 && caller.sp > last->sp) {
			if (push_frame(&u, caller.pc, caller.sp, caller.fp) < 0)
				break;
			continue;
		}
		if (last->fp == 0 || last->fp < last->sp || dbg_read(dbg, last->fp, saved, sizeof(saved)) < 0)
			break;
		if (saved[1] == 0 || !dbg_function_at(dbg, saved[1] - 1, &fn, &low, &high))
			break;
		if (push_frame(&u, saved[1], last->fp + 16, saved[0]) < 0)
			break;
	}
	for (size_t i = 0; i < u.n; i++)
		u.v[i].cfa = i + 1 < u.n ? u.v[i + 1].sp : u.v[i].fp + 16;
	if (u.n > u.max - 1)
		u.n = u.max - 1;
	for (size_t i = 0; describe && i < u.n; i++) {
		struct dbg_frame *f = &u.v[i];
		/* A caller's PC is a return address: its call is one byte back. */
		uint64_t where = i == 0 ? f->pc : f->pc - 1;
		struct dbg_module *m = dbg_module_at(dbg, where);
		struct dbg_pcinfo w;

		dbg_pc_info(dbg, where, &w);
		f->function = w.function;
		f->file = w.file;
		f->line = w.line;
		f->code_line = w.code_line;
		f->now_line = w.now_line;
		f->generation = w.generation;
		f->superseded = w.superseded;
		f->module = m ? m->name : NULL;
		f->reason = f->superseded ? dbg_note_find(dbg, t->tid, f->cfa) : NULL;
	}
	*out = u.v;
	return (ssize_t)u.n;
}

ssize_t dbg_backtrace_thread(struct dbg *dbg, pid_t tid, size_t max, struct dbg_frame **out)
{
	return unwind_thread(dbg, tid, max, true, out);
}

ssize_t dbg_unwind_thread(struct dbg *dbg, pid_t tid, size_t max, struct dbg_frame **out)
{
	return unwind_thread(dbg, tid, max, false, out);
}

ssize_t dbg_backtrace(struct dbg *dbg, size_t max, struct dbg_frame **out)
{
	*out = NULL;
	if (!dbg_thread_current(dbg))
		return -ESRCH;
	return dbg_backtrace_thread(dbg, dbg_thread_current(dbg)->tid, max, out);
}

int dbg_select_frame(struct dbg *dbg, size_t n, char **errmsg)
{
	struct dbg_frame *v;
	ssize_t count = dbg_backtrace(dbg, n + 1, &v);

	free(v);
	if (count < 0)
		return dbg_fail(errmsg, (int)count, "the program is not stopped");
	if ((size_t)count <= n)
		return dbg_fail(errmsg, -ERANGE, "no frame %zu (the stack has %zd)", n, count);
	dbg->frame = n;
	return 0;
}

size_t dbg_selected_frame(const struct dbg *dbg)
{
	return dbg->frame;
}

/* The base name of a path. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Looks name up in module m: a global (cu_file NULL) or a local of cu_file
 * (the STT_FILE symbol that precedes a file's locals names it). */
static bool module_symbol(struct dbg_module *m, const char *name, const char *cu_file, uint64_t *addr,
			  uint64_t *size, unsigned *type)
{
	const struct dbg_sym *e, *end;

	for (e = syms_named(m, name, &end); e && e < end; e++) {
		const char *file = e->file;

		/* A global of hidden visibility is local in the linked program:
		 * the linker lists those after a file symbol with no name, past
		 * every file's own statics. */
		if (cu_file ? !(e->bind == STB_LOCAL && file && *file &&
				strcmp(base_name(file), base_name(cu_file)) == 0)
			    : e->bind == STB_LOCAL && !(file && !*file))
			continue;
		*addr = e->addr;
		if (size)
			*size = e->size;
		if (type)
			*type = e->type;
		return true;
	}
	return false;
}

static int lookup(struct dbg *dbg, const char *name, const char *cu_file, uint64_t *addr, uint64_t *size,
		  unsigned *type)
{
	/* The program first (its locals when a file is named), then libraries. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < dbg->nmods; i++) {
			struct dbg_module *m = &dbg->mods[i];
			bool is_program = dbg->program && strcmp(m->name, dbg->program) == 0;

			/* A file's locals: the program's, then a shared library's
			 * the project built (its table names its files too). */
			if (is_program != (pass == 0) || m->layout)
				continue;
			if (module_symbol(m, name, cu_file, addr, size, type))
				return 0;
		}
	}
	return -ENOENT;
}

int dbg_lookup_symbol(struct dbg *dbg, const char *name, const char *cu_file, uint64_t *addr, uint64_t *size)
{
	return lookup(dbg, name, cu_file, addr, size, NULL);
}

int dbg_resolve_function(struct dbg *dbg, const char *name, uint64_t *addr)
{
	unsigned type = 0;
	long ret;
	int err = lookup(dbg, name, NULL, addr, NULL, &type);

	if (err < 0 || type != STT_GNU_IFUNC)
		return err;
	/* An IFUNC (glibc's strlen, memcpy...): its resolver picks the code. */
	err = dbg_inject_call(dbg, *addr, (const long[6]){ 0 }, &ret);
	if (err < 0)
		return err;
	*addr = (uint64_t)ret;
	return 0;
}

int dbg_module_range(struct dbg *dbg, uint64_t addr, uint64_t *low, uint64_t *high)
{
	struct dbg_module *m = dbg_module_at(dbg, addr);

	/* Loaded code is not a home: its own region is placed near one. */
	if (!m || m->layout)
		return -ENOENT;
	*low = m->low;
	*high = m->high;
	return 0;
}

int dbg_program_range(struct dbg *dbg, uint64_t *low, uint64_t *high)
{
	for (size_t i = 0; i < dbg->nmods; i++) {
		if (dbg->program && strcmp(dbg->mods[i].name, dbg->program) == 0) {
			*low = dbg->mods[i].low;
			*high = dbg->mods[i].high;
			return 0;
		}
	}
	return -ENOENT;
}

/* Searches die's children (blocks too) for a static variable named var:
 * its DW_OP_addr. */
static bool static_in(Dwarf_Die *die, const char *var, Dwarf_Addr *addr)
{
	Dwarf_Die child;

	if (dwarf_child(die, &child) != 0)
		return false;
	do {
		Dwarf_Attribute attr;
		Dwarf_Op *ops;
		size_t nops;
		const char *name = dwarf_diename(&child);

		if (dwarf_tag(&child) == DW_TAG_lexical_block && static_in(&child, var, addr))
			return true;
		if (dwarf_tag(&child) == DW_TAG_variable && name && strcmp(name, var) == 0 &&
		    dwarf_attr(&child, DW_AT_location, &attr) && dwarf_getlocation(&attr, &ops, &nops) == 0 &&
		    nops == 1 && ops[0].atom == DW_OP_addr) {
			*addr = ops[0].number;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

int dbg_function_static(struct dbg *dbg, const char *cu_file, const char *func, const char *var, uint64_t *addr)
{
	for (size_t i = 0; i < dbg->nmods; i++) {
		struct dbg_module *m = &dbg->mods[i];
		Dwarf_Die *cu = NULL;
		Dwarf_Addr bias;

		if (!dbg->program || strcmp(m->name, dbg->program) != 0)
			continue;
		while ((cu = dwfl_module_nextcu(m->mod, cu, &bias))) {
			const char *name = dwarf_diename(cu);
			Dwarf_Die die;
			Dwarf_Addr a;

			if (!name || strcmp(base_name(name), base_name(cu_file)) != 0 || dwarf_child(cu, &die) != 0)
				continue;
			do {
				if (dwarf_tag(&die) == DW_TAG_subprogram && dwarf_diename(&die) &&
				    strcmp(dwarf_diename(&die), func) == 0 && !dwarf_hasattr(&die, DW_AT_declaration) &&
				    static_in(&die, var, &a)) {
					*addr = a + bias;
					return 0;
				}
			} while (dwarf_siblingof(&die, &die) == 0);
		}
	}
	return -ENOENT;
}

const char *dbg_cu_producer(struct dbg *dbg, const char *file)
{
	const char *named[2] = { NULL, NULL }; /* the producer of the first CU of the same file name, by group */
	bool have[2] = { false, false };       /* named[] was set */

	/* The same path first, then the same file name; each in the program,
	 * then in the project's libraries: one walk of each group's CUs. */
	for (int lib = 0; lib < 2; lib++)
		for (size_t i = 0; i < dbg->nmods; i++) {
			struct dbg_module *m = &dbg->mods[i];
			Dwarf_Die *cu = NULL;
			Dwarf_Addr bias;

			/* The program's, then a library's that is not the
			 * system's (the project's own: a TU built into it). */
			if (!dbg->program || m->layout ||
			    (!lib ? strcmp(m->name, dbg->program) != 0
				  : strcmp(m->name, dbg->program) == 0 || strncmp(m->name, "/usr/", 5) == 0 ||
				    strncmp(m->name, "/lib", 4) == 0))
				continue;
			while ((cu = dwfl_module_nextcu(m->mod, cu, &bias))) {
				Dwarf_Attribute attr;
				const char *name = dwarf_diename(cu);
				const char *dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
				char buf[4096];
				const char *path;

				if (!name)
					continue;
				path = path_normal(dir, name, buf, sizeof(buf));
				if (file_matches(path, file) || file_matches(file, path))
					return dwarf_formstring(dwarf_attr(cu, DW_AT_producer, &attr));
				if (!have[lib] && strcmp(base_name(path), base_name(file)) == 0) {
					named[lib] = dwarf_formstring(dwarf_attr(cu, DW_AT_producer, &attr));
					have[lib] = true;
				}
			}
		}
	return have[0] ? named[0] : named[1];
}
