/* The dependency graph: which headers each translation unit includes, from
 * the -MMD depfiles its compiles leave, or, before a TU was ever compiled,
 * from a scan of #include lines along its -iquote/-I/-isystem paths. It
 * answers the question Edit and Continue asks after a save: which TUs must
 * be recompiled when this file changed?
 *
 *   files[]    every path met, interned once (open-addressing hash)
 *   tu[t]      { source id, sorted header ids }       TU -> headers
 *   rev        CSR index built lazily from tu[]:      header -> TUs
 *              rev_start[h] .. rev_start[h+1] in rev_tu[]
 *
 * A depfile already lists every header a TU reads, directly or not, so a TU's
 * header set is flat and "every TU depending on h, transitively" is one
 * lookup in rev. The scanner computes the same flat set by a depth-first
 * walk; it is conservative (an #include under a false #if still counts: a TU
 * recompiled needlessly, never one missed), and survives header cycles,
 * which it reports once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/build-int.h"

/* An #include line of a file, as written. */
struct incl {
	char *name; /* between the quotes or brackets */
	bool angle; /* <name> rather than "name" */
};

/* A path met by the graph. */
struct gfile {
	char *path;          /* absolute */
	uint64_t hash;       /* of path, for the table */
	struct incl *incl;   /* its #include lines, once scanned */
	size_t nincl;        /* how many */
	bool scanned;        /* incl is valid (even if empty) */
	uint32_t seen;       /* the walk stamp that last visited it */
	bool on_stack;       /* on the current walk's path (cycle check) */
};

/* One translation unit. */
struct gtu {
	uint32_t src;      /* the source's file id, or UINT32_MAX for a hole */
	uint32_t *hdr;     /* header file ids, sorted, unique */
	size_t nhdr;       /* how many */
};

struct build_graph {
	struct gfile *files;  /* interned paths */
	size_t nfiles, capfiles;
	uint32_t *table;      /* hash slots: file id + 1, 0 empty */
	size_t tablecap;      /* a power of two */
	struct gtu *tu;       /* TUs by number */
	size_t ntu;           /* how many */
	uint32_t *rev_start;  /* nfiles + 1 offsets into rev_tu */
	uint32_t *rev_tu;     /* TU numbers by header */
	bool rev_dirty;       /* rev must be rebuilt before a query */
	uint32_t stamp;       /* the current walk's stamp */
	char *warning;        /* the first header cycle seen */
};

struct build_graph *build_graph_new(void)
{
	return calloc(1, sizeof(struct build_graph));
}

void build_graph_free(struct build_graph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nfiles; i++) {
		for (size_t k = 0; k < g->files[i].nincl; k++)
			free(g->files[i].incl[k].name);
		free(g->files[i].incl);
		free(g->files[i].path);
	}
	for (size_t i = 0; i < g->ntu; i++)
		free(g->tu[i].hdr);
	free(g->files);
	free(g->table);
	free(g->tu);
	free(g->rev_start);
	free(g->rev_tu);
	free(g->warning);
	free(g);
}

static int table_grow(struct build_graph *g)
{
	size_t cap = g->tablecap ? 2 * g->tablecap : 1024;
	uint32_t *t = calloc(cap, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < g->nfiles; i++) {
		size_t s = g->files[i].hash & (cap - 1);

		while (t[s])
			s = (s + 1) & (cap - 1);
		t[s] = (uint32_t)i + 1;
	}
	free(g->table);
	g->table = t;
	g->tablecap = cap;
	return 0;
}

/* The id of path, or -1 when the graph never met it. */
static long file_lookup(const struct build_graph *g, const char *path)
{
	uint64_t h = build_fnv(BUILD_FNV0, path, strlen(path));

	if (!g->tablecap)
		return -1;
	for (size_t s = h & (g->tablecap - 1); g->table[s]; s = (s + 1) & (g->tablecap - 1)) {
		const struct gfile *f = &g->files[g->table[s] - 1];

		if (f->hash == h && strcmp(f->path, path) == 0)
			return (long)g->table[s] - 1;
	}
	return -1;
}

/* The id of path, interning it; -ENOMEM on failure. */
static long file_intern(struct build_graph *g, const char *path)
{
	long id = file_lookup(g, path);
	size_t s;

	if (id >= 0)
		return id;
	if ((g->nfiles + 1) * 2 > g->tablecap && table_grow(g) < 0)
		return -ENOMEM;
	if (g->nfiles == g->capfiles) {
		size_t cap = g->capfiles ? 2 * g->capfiles : 256;
		struct gfile *v = realloc(g->files, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		g->files = v;
		g->capfiles = cap;
	}
	g->files[g->nfiles] = (struct gfile){ .path = strdup(path), .hash = build_fnv(BUILD_FNV0, path, strlen(path)) };
	if (!g->files[g->nfiles].path)
		return -ENOMEM;
	for (s = g->files[g->nfiles].hash & (g->tablecap - 1); g->table[s]; s = (s + 1) & (g->tablecap - 1))
		;
	g->table[s] = (uint32_t)g->nfiles + 1;
	g->rev_dirty = true;
	return (long)g->nfiles++;
}

int build_graph_add_tu(struct build_graph *g, size_t tu, const char *file)
{
	long id;

	if (tu >= g->ntu) {
		struct gtu *v = realloc(g->tu, (tu + 1) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		for (size_t i = g->ntu; i <= tu; i++)
			v[i] = (struct gtu){ .src = UINT32_MAX };
		g->tu = v;
		g->ntu = tu + 1;
	}
	if ((id = file_intern(g, file)) < 0)
		return (int)id;
	g->tu[tu].src = (uint32_t)id;
	g->rev_dirty = true;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sets TU tu's headers to ids (taken), sorting and de-duplicating them. */
static void set_headers(struct build_graph *g, size_t tu, uint32_t *ids, size_t n)
{
	size_t k = 0;

	if (n > 1)
		qsort(ids, n, sizeof(*ids), cmp_u32);
	for (size_t i = 0; i < n; i++)
		if ((i == 0 || ids[i] != ids[i - 1]) && ids[i] != g->tu[tu].src)
			ids[k++] = ids[i];
	free(g->tu[tu].hdr);
	g->tu[tu].hdr = ids;
	g->tu[tu].nhdr = k;
	g->rev_dirty = true;
}

/* A growing array of file ids. */
struct ids {
	uint32_t *v;   /* the ids */
	size_t n, cap; /* used, allocated */
};

static int ids_push(struct ids *a, uint32_t id)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 32;
		uint32_t *v = realloc(a->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = id;
	return 0;
}

/*
 * Make's syntax as gcc writes it: "out.o: a.c b.h \<newline> c.h", a space
 * in a name escaped "\ ", a '$' doubled, a '#' escaped "\#". Only the first
 * rule matters; -MP's phony "b.h:" rules after it add nothing.
 */
int build_graph_read_depfile(struct build_graph *g, size_t tu, const char *depfile, const char *dir,
			     char **errmsg)
{
	int fd = depfile && *depfile ? open(depfile, O_RDONLY | O_CLOEXEC) : -1;
	struct ids ids = { 0 };
	char *text = NULL, *word = NULL;
	size_t len = 0, wl = 0;
	bool in_deps = false, done = false;
	int err = 0;
	struct stat st;

	if (fd < 0)
		return -ENOENT;
	/* Read whole, in one go (a graph load reads thousands). */
	if (fstat(fd, &st) < 0 || !(text = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return -ENOMEM;
	}
	while (len < (size_t)st.st_size) {
		ssize_t r = read(fd, text + len, (size_t)st.st_size - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (!(word = malloc(len + 2))) {
		free(text);
		return -ENOMEM;
	}
	for (size_t i = 0; i <= len && !done && err == 0; i++) {
		char c = i < len ? text[i] : '\n';

		if (c == '\\' && i + 1 < len && (text[i + 1] == '\n' || text[i + 1] == '\r')) {
			i += text[i + 1] == '\r' && i + 2 < len && text[i + 2] == '\n' ? 2 : 1;
			c = ' ';
		} else if (c == '\\' && i + 1 < len && (text[i + 1] == ' ' || text[i + 1] == '#')) {
			word[wl++] = text[++i];
			continue;
		} else if (c == '$' && i + 1 < len && text[i + 1] == '$') {
			word[wl++] = text[++i];
			continue;
		}
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			word[wl++] = c;
			continue;
		}
		if (wl > 0) {
			word[wl] = '\0';
			if (!in_deps) {
				if (word[wl - 1] == ':')
					in_deps = true;
			} else if (strcmp(word, ":") != 0) {
				char *abs = build_path_abs(dir, word);
				long id = abs ? file_intern(g, abs) : -ENOMEM;

				free(abs);
				err = id < 0 ? (int)id : ids_push(&ids, (uint32_t)id);
			}
			wl = 0;
		}
		if (c == '\n' && in_deps)
			done = true;
		else if (c == '\n' && !in_deps && i < len) {
			/* a target list without ':' on its line */
			err = -EINVAL;
		}
	}
	free(word);
	free(text);
	if (err == 0 && !in_deps)
		err = -EINVAL;
	if (err < 0) {
		free(ids.v);
		if (err == -EINVAL && errmsg && asprintf(errmsg, "depfile %s: no \"target: dependencies\" rule", depfile) < 0)
			*errmsg = NULL;
		return err;
	}
	set_headers(g, tu, ids.v, ids.n);
	return 0;
}

/* Reads f's #include lines once. */
static int scan_file(struct gfile *f)
{
	FILE *in = fopen(f->path, "r");
	char *line = NULL;
	size_t cap = 0;
	int err = 0;

	f->scanned = true;
	if (!in)
		return 0; /* deleted or unreadable: no includes known */
	while (err == 0 && getline(&line, &cap, in) > 0) {
		char *p = line, *end, close;
		struct incl *v;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p++ != '#')
			continue;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "include", 7) != 0)
			continue;
		p += 7;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '"' && *p != '<')
			continue; /* a macro include: not followed */
		close = *p == '"' ? '"' : '>';
		end = strchr(p + 1, close);
		if (!end)
			continue;
		v = realloc(f->incl, (f->nincl + 1) * sizeof(*v));
		if (!v || !(v[f->nincl].name = strndup(p + 1, (size_t)(end - p - 1)))) {
			if (v)
				f->incl = v;
			err = -ENOMEM;
			break;
		}
		v[f->nincl++].angle = close == '>';
		f->incl = v;
	}
	free(line);
	fclose(in);
	return err;
}

/* The include search path of a command, in gcc's order of use. */
struct search {
	char **quote;  /* -iquote dirs (for "...") */
	size_t nquote;
	char **dirs;   /* -I, then -isystem, then -idirafter dirs */
	size_t ndirs;
};

static void search_release(struct search *s)
{
	build_argv_free(s->quote);
	build_argv_free(s->dirs);
}

static int search_init(struct search *s, char *const *argv, const char *dir)
{
	static const char *const kinds[] = { "-iquote", "-I", "-isystem", "-idirafter" };

	*s = (struct search){ 0 };
	for (size_t k = 0; k < 4; k++) {
		for (size_t i = 1; argv[i]; i++) {
			size_t kl = strlen(kinds[k]);
			const char *val = NULL;
			char *abs;
			int err;

			if (strcmp(argv[i], kinds[k]) == 0 && argv[i + 1])
				val = argv[++i];
			else if (strncmp(argv[i], kinds[k], kl) == 0 && argv[i][kl])
				val = argv[i] + kl;
			if (!val)
				continue;
			if (!(abs = build_path_abs(dir, val)))
				return -ENOMEM;
			err = k == 0 ? build_argv_push(&s->quote, &s->nquote, abs)
				     : build_argv_push(&s->dirs, &s->ndirs, abs);
			free(abs);
			if (err < 0)
				return err;
		}
	}
	return 0;
}

/* Where name is found from the file at from; NULL when nowhere (a system
 * header) or out of memory. */
static char *resolve(const struct search *s, const char *from, const struct incl *inc)
{
	char *cand;

	if (inc->name[0] == '/')
		return access(inc->name, F_OK) == 0 ? strdup(inc->name) : NULL;
	if (!inc->angle) {
		const char *slash = strrchr(from, '/');
		char *d = strndup(from, slash ? (size_t)(slash - from) : 0);

		cand = d ? build_path_abs(d, inc->name) : NULL;
		free(d);
		if (cand && access(cand, F_OK) == 0)
			return cand;
		free(cand);
		for (size_t i = 0; i < s->nquote; i++) {
			if ((cand = build_path_abs(s->quote[i], inc->name)) && access(cand, F_OK) == 0)
				return cand;
			free(cand);
		}
	}
	for (size_t i = 0; i < s->ndirs; i++) {
		if ((cand = build_path_abs(s->dirs[i], inc->name)) && access(cand, F_OK) == 0)
			return cand;
		free(cand);
	}
	return NULL;
}

/* Notes the first cycle: the walk's stack from id back to id. */
static void note_cycle(struct build_graph *g, const struct ids *stack, uint32_t id)
{
	char *s = NULL;
	size_t len = 0, from = 0;
	FILE *f;

	if (g->warning || !(f = open_memstream(&s, &len)))
		return;
	while (from < stack->n && stack->v[from] != id)
		from++;
	fputs("header cycle: ", f);
	for (size_t i = from; i < stack->n; i++)
		fprintf(f, "%s -> ", g->files[stack->v[i]].path);
	fputs(g->files[id].path, f);
	if (fclose(f) == 0)
		g->warning = s;
	else
		free(s);
}

/* Depth-first walk from file id: every header reached goes into out. */
static int walk(struct build_graph *g, const struct search *s, uint32_t id, struct ids *out, struct ids *stack)
{
	int err = 0;

	if (!g->files[id].scanned && (err = scan_file(&g->files[id])) < 0)
		return err;
	if ((err = ids_push(stack, id)) < 0)
		return err;
	g->files[id].on_stack = true;
	for (size_t k = 0; k < g->files[id].nincl && err == 0; k++) {
		char *path = resolve(s, g->files[id].path, &g->files[id].incl[k]);
		long hid;

		if (!path)
			continue;
		hid = file_intern(g, path);
		free(path);
		if (hid < 0) {
			err = (int)hid;
			break;
		}
		if (g->files[hid].on_stack) {
			note_cycle(g, stack, (uint32_t)hid);
			continue;
		}
		if (g->files[hid].seen == g->stamp)
			continue;
		g->files[hid].seen = g->stamp;
		if ((err = ids_push(out, (uint32_t)hid)) == 0 && stack->n < 256)
			err = walk(g, s, (uint32_t)hid, out, stack);
	}
	g->files[id].on_stack = false;
	stack->n--;
	return err;
}

int build_graph_scan(struct build_graph *g, size_t tu, char *const *argv, const char *dir)
{
	struct search s;
	struct ids out = { 0 }, stack = { 0 };
	int err;

	if (tu >= g->ntu || g->tu[tu].src == UINT32_MAX)
		return -EINVAL;
	if ((err = search_init(&s, argv, dir)) == 0) {
		g->stamp++;
		g->files[g->tu[tu].src].seen = g->stamp;
		err = walk(g, &s, g->tu[tu].src, &out, &stack);
	}
	search_release(&s);
	free(stack.v);
	if (err < 0) {
		free(out.v);
		return err;
	}
	set_headers(g, tu, out.v, out.n);
	return 0;
}

size_t build_graph_tu_count(const struct build_graph *g)
{
	return g->ntu;
}


static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int build_graph_headers(const struct build_graph *g, size_t tu, const char ***out, size_t *n)
{
	const char **v;

	*out = NULL;
	*n = 0;
	if (tu >= g->ntu || !g->tu[tu].nhdr)
		return 0;
	if (!(v = malloc(g->tu[tu].nhdr * sizeof(*v))))
		return -ENOMEM;
	for (size_t i = 0; i < g->tu[tu].nhdr; i++)
		v[i] = g->files[g->tu[tu].hdr[i]].path;
	qsort(v, g->tu[tu].nhdr, sizeof(*v), cmp_path);
	*out = v;
	*n = g->tu[tu].nhdr;
	return 0;
}

/* Builds the header -> TUs index (counting sort by header id). */
static int rev_build(struct build_graph *g)
{
	uint32_t *start = calloc(g->nfiles + 1, sizeof(*start)), *fill, *tus;
	size_t total = 0;

	if (!start)
		return -ENOMEM;
	for (size_t t = 0; t < g->ntu; t++)
		for (size_t i = 0; i < g->tu[t].nhdr; i++)
			start[g->tu[t].hdr[i] + 1]++;
	for (size_t f = 0; f < g->nfiles; f++)
		start[f + 1] += start[f];
	total = start[g->nfiles];
	tus = malloc((total ? total : 1) * sizeof(*tus));
	fill = malloc((g->nfiles ? g->nfiles : 1) * sizeof(*fill));
	if (!tus || !fill) {
		free(start);
		free(tus);
		free(fill);
		return -ENOMEM;
	}
	memcpy(fill, start, g->nfiles * sizeof(*fill));
	for (size_t t = 0; t < g->ntu; t++)
		for (size_t i = 0; i < g->tu[t].nhdr; i++)
			tus[fill[g->tu[t].hdr[i]]++] = (uint32_t)t;
	free(fill);
	free(g->rev_start);
	free(g->rev_tu);
	g->rev_start = start;
	g->rev_tu = tus;
	g->rev_dirty = false;
	return 0;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

int build_graph_dependents(struct build_graph *g, const char *path, size_t **out, size_t *n)
{
	long id = file_lookup(g, path);
	size_t *v, k = 0, cap;

	*out = NULL;
	*n = 0;
	if (id < 0)
		return 0;
	if (g->rev_dirty && rev_build(g) < 0)
		return -ENOMEM;
	cap = g->rev_start[id + 1] - g->rev_start[id] + g->ntu;
	if (!(v = malloc(cap * sizeof(*v))))
		return -ENOMEM;
	/* Rows are filled in TU order, so they are sorted already. */
	for (uint32_t i = g->rev_start[id]; i < g->rev_start[id + 1]; i++)
		v[k++] = g->rev_tu[i];
	for (size_t t = 0; t < g->ntu; t++)
		if (g->tu[t].src == (uint32_t)id)
			v[k++] = t;
	if (k > g->rev_start[id + 1] - g->rev_start[id])
		qsort(v, k, sizeof(*v), cmp_size);
	if (!k) {
		free(v);
		v = NULL;
	}
	*out = v;
	*n = k;
	return 0;
}

size_t build_graph_file_count(const struct build_graph *g)
{
	return g->nfiles;
}

const char *build_graph_file(const struct build_graph *g, size_t id)
{
	return id < g->nfiles ? g->files[id].path : NULL;
}

void build_graph_tu_files(const struct build_graph *g, size_t tu, uint32_t *src, const uint32_t **hdr, size_t *n)
{
	*src = tu < g->ntu ? g->tu[tu].src : UINT32_MAX;
	*hdr = tu < g->ntu ? g->tu[tu].hdr : NULL;
	*n = tu < g->ntu ? g->tu[tu].nhdr : 0;
}

const char *build_graph_warning(const struct build_graph *g)
{
	return g->warning;
}
