/* The snapshot store: the exact source of the build and of each generation
 * of the running program, as blobs in a private bare git repository, with a
 * small text index saying which blob is which file of which generation.
 *
 * Why git blobs rather than copies of the files: content addressing makes an
 * unchanged file cost nothing however many generations record it; the
 * objects are zlib-compressed; the ids are the ones `git hash-object` gives,
 * so `git --git-dir=<store> cat-file -p <id>` reads any version back; and
 * libgit2 diffs two blobs for the guessed line maps.
 *
 * The index (<store>/generations) is appended one line per record and
 * rewritten (to a temporary file, then renamed) when a build or a run
 * begins, keeping only the last build and the current run:
 *
 *   build                               the last build...
 *   b 3f1c...e2 /home/me/demo/main.c    ...compiled main.c from this blob
 *   run pid 4242 /home/me/demo/bin/demo the current run...
 *   g 0 3f1c...e2 /home/me/demo/main.c  ...its baseline of main.c
 *   g 1 9a0b...17 /home/me/demo/main.c  ...and main.c of upd001
 *
 * Nothing here writes a ref: the objects are reachable from the index only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "editor/editor.h"
#include "editor/editor-diff.h"
#include "editor/editor-journal.h"
#include "editor/editor-linemap.h"

struct rec {
	char *file;         /* absolute path (owned) */
	unsigned gen;       /* generation (0 for build records) */
	struct blob_id id;  /* its content */
};

struct recs {
	struct rec *v;  /* records, oldest first */
	size_t n, cap;  /* used, allocated */
};

/* What a file was the last time snap_put_file() read it. */
struct stamp {
	char *path;          /* the key (owned); NULL for a free slot */
	struct stat st;      /* its identity then */
	struct blob_id id;   /* its blob */
};

struct snapshot {
	char *dir;            /* the bare repository */
	char *index;          /* <dir>/generations */
	int fd;               /* the index, open for appending */
	git_repository *repo; /* the store */
	git_odb *odb;         /* its object database */
	struct recs build;    /* the last build */
	struct recs run;      /* the current run */
	char *label;          /* the current run's label; NULL before any run */
	struct stamp *stamps; /* open addressing by path hash */
	size_t nstamps, capstamps; /* used, slots (a power of two) */
	char *error;          /* the last failure's message */
};

void blob_id_hex(const struct blob_id *id, char out[BLOB_ID_HEX])
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < sizeof(id->raw); i++) {
		out[2 * i] = digits[id->raw[i] >> 4];
		out[2 * i + 1] = digits[id->raw[i] & 15];
	}
	out[BLOB_ID_HEX - 1] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int blob_id_parse(struct blob_id *out, const char *hex)
{
	struct blob_id id;

	for (size_t i = 0; i < sizeof(id.raw); i++) {
		int hi = hexval(hex[2 * i]), lo = hi < 0 ? -1 : hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		id.raw[i] = (unsigned char)(hi << 4 | lo);
	}
	*out = id;
	return 0;
}

bool blob_id_equal(const struct blob_id *a, const struct blob_id *b)
{
	return memcmp(a->raw, b->raw, sizeof(a->raw)) == 0;
}

/* Keeps libgit2's last message (or fallback) as the store's error. */
static int git_fail(struct snapshot *s, const char *what)
{
	const git_error *e = git_error_last();

	free(s->error);
	if (asprintf(&s->error, "%s: %s", what, e && e->message ? e->message : "libgit2 failed") < 0)
		s->error = NULL;
	return -EIO;
}

const char *snap_error(const struct snapshot *s)
{
	return s->error ? s->error : "no error";
}

static void recs_clear(struct recs *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].file);
	r->n = 0;
}

/* Adds or replaces the record of (file, gen). */
static int recs_set(struct recs *r, const char *file, unsigned gen, const struct blob_id *id)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].gen == gen && strcmp(r->v[i].file, file) == 0) {
			r->v[i].id = *id;
			return 0;
		}
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 32;
		struct rec *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n].file = strdup(file);
	if (!r->v[r->n].file)
		return -ENOMEM;
	r->v[r->n].gen = gen;
	r->v[r->n].id = *id;
	r->n++;
	return 0;
}

/* Reads one index line into the blocks (malformed lines are skipped: the
 * next rewrite drops them). */
static void index_line(struct snapshot *s, char *line)
{
	struct blob_id id;
	unsigned gen;
	int off = 0;

	line[strcspn(line, "\n")] = '\0';
	if (strcmp(line, "build") == 0) {
		recs_clear(&s->build);
	} else if (strncmp(line, "run ", 4) == 0) {
		recs_clear(&s->run);
		free(s->label);
		s->label = strdup(line + 4);
	} else if (strncmp(line, "b ", 2) == 0 && strlen(line) > 2 + 40 + 1 &&
		   blob_id_parse(&id, line + 2) == 0 && line[42] == ' ') {
		recs_set(&s->build, line + 43, 0, &id);
	} else if (s->label && sscanf(line, "g %u %n", &gen, &off) == 1 && off > 0 &&
		   strlen(line + off) > 41 && blob_id_parse(&id, line + off) == 0 && line[off + 40] == ' ') {
		recs_set(&s->run, line + off + 41, gen, &id);
	}
}

static int index_read(struct snapshot *s)
{
	FILE *f = fopen(s->index, "re");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (getline(&line, &cap, f) > 0)
		index_line(s, line);
	free(line);
	fclose(f);
	return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Appends one formatted line to the index with one write(). */
static int index_append(struct snapshot *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int index_append(struct snapshot *s, const char *fmt, ...)
{
	va_list ap;
	char *line;
	int len, err;

	va_start(ap, fmt);
	len = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -ENOMEM;
	err = write_all(s->fd, line, (size_t)len);
	free(line);
	return err;
}

static int rec_line(FILE *f, char tag, const struct rec *r)
{
	char hex[BLOB_ID_HEX];

	blob_id_hex(&r->id, hex);
	return tag == 'b' ? fprintf(f, "b %s %s\n", hex, r->file) : fprintf(f, "g %u %s %s\n", r->gen, hex, r->file);
}

/* Rewrites the index with the block that stays (the build, or the run) and
 * the header of the one beginning; reopens it for appending. */
static int index_rewrite(struct snapshot *s, bool keep_build, const char *header)
{
	char *tmp = NULL;
	FILE *f;
	int fd, err = 0;

	if (asprintf(&tmp, "%s.new", s->index) < 0)
		return -ENOMEM;
	f = fopen(tmp, "we");
	if (!f) {
		err = -errno;
		goto out;
	}
	if (keep_build) {
		fputs("build\n", f);
		for (size_t i = 0; i < s->build.n; i++)
			rec_line(f, 'b', &s->build.v[i]);
	} else if (s->label) {
		fprintf(f, "run %s\n", s->label);
		for (size_t i = 0; i < s->run.n; i++)
			rec_line(f, 'g', &s->run.v[i]);
	}
	fputs(header, f);
	if (fflush(f) != 0 || ferror(f))
		err = -EIO;
	if (fclose(f) != 0 && !err)
		err = -EIO;
	if (!err && rename(tmp, s->index) < 0)
		err = -errno;
	if (err) {
		unlink(tmp);
		goto out;
	}
	fd = open(s->index, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = fd;
out:
	free(tmp);
	return err;
}

static int open_repo(struct snapshot *s)
{
	git_repository_init_options opts;

	if (git_repository_open_bare(&s->repo, s->dir) == 0)
		return 0;
	git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	opts.description = "encide's snapshot store: the source of each generation (no refs)";
	if (git_repository_init_ext(&s->repo, s->dir, &opts) != 0)
		return git_fail(s, "cannot create the snapshot store");
	return 0;
}

int snap_open(struct snapshot **out, const char *dir, char **errmsg)
{
	struct snapshot *s = calloc(1, sizeof(*s));
	int err;

	*errmsg = NULL;
	if (!s)
		return -ENOMEM;
	s->fd = -1;
	diff_libgit2_init();
	if (!(s->dir = strdup(dir)) || asprintf(&s->index, "%s/generations", dir) < 0) {
		s->index = NULL;
		err = -ENOMEM;
		goto fail;
	}
	if ((err = open_repo(s)) < 0 || git_repository_odb(&s->odb, s->repo) != 0) {
		err = err < 0 ? err : git_fail(s, "cannot open the snapshot store");
		if (asprintf(errmsg, "snapshot store %s: %s", dir, snap_error(s)) < 0)
			*errmsg = NULL;
		goto fail;
	}
	if ((err = index_read(s)) < 0 ||
	    (s->fd = open(s->index, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		err = err < 0 ? err : -errno;
		if (asprintf(errmsg, "snapshot store %s: cannot use its index: %s", dir, strerror(-err)) < 0)
			*errmsg = NULL;
		goto fail;
	}
	*out = s;
	return 0;
fail:
	if (!*errmsg && asprintf(errmsg, "snapshot store %s: %s", dir, strerror(-err)) < 0)
		*errmsg = NULL;
	snap_free(s);
	return err;
}

void snap_free(struct snapshot *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	recs_clear(&s->build);
	recs_clear(&s->run);
	free(s->build.v);
	free(s->run.v);
	for (size_t i = 0; i < s->capstamps; i++)
		free(s->stamps[i].path);
	free(s->stamps);
	git_odb_free(s->odb);
	git_repository_free(s->repo);
	free(s->label);
	free(s->error);
	free(s->index);
	free(s->dir);
	free(s);
}

const char *snap_dir(const struct snapshot *s)
{
	return s->dir;
}

int snap_put(struct snapshot *s, const void *data, size_t len, struct blob_id *out)
{
	git_oid oid;

	if (git_odb_write(&oid, s->odb, data, len, GIT_OBJECT_BLOB) != 0)
		return git_fail(s, "cannot store a blob");
	memcpy(out->raw, oid.id, sizeof(out->raw));
	return 0;
}

int snap_put_buffer(struct snapshot *s, const struct buffer *buf, struct blob_id *out)
{
	size_t size = buf_size(buf);
	char *data = malloc(size + 1);
	int err;

	if (!data)
		return -ENOMEM;
	buf_read(buf, 0, size, data);
	err = snap_put(s, data, size, out);
	free(data);
	return err;
}

/* The slot of path in the stamp table (its own, or the free one to use). */
static struct stamp *stamp_slot(struct snapshot *s, const char *path)
{
	size_t mask = s->capstamps - 1, i = (size_t)journal_hash(path, strlen(path)) & mask;

	while (s->stamps[i].path && strcmp(s->stamps[i].path, path) != 0)
		i = (i + 1) & mask;
	return &s->stamps[i];
}

static int stamps_grow(struct snapshot *s)
{
	struct stamp *old = s->stamps;
	size_t n = s->capstamps;

	s->capstamps = n ? 2 * n : 256;
	s->stamps = calloc(s->capstamps, sizeof(*s->stamps));
	if (!s->stamps) {
		s->stamps = old;
		s->capstamps = n;
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if (old[i].path)
			*stamp_slot(s, old[i].path) = old[i];
	free(old);
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

int snap_put_file(struct snapshot *s, const char *path, struct blob_id *out, char **errmsg)
{
	struct stamp *slot = NULL;
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	int fd, err = 0;

	*errmsg = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		err = -errno;
		goto out;
	}
	if (s->nstamps * 10 >= s->capstamps * 7 && stamps_grow(s) < 0) {
		err = -ENOMEM;
		goto out;
	}
	slot = stamp_slot(s, path);
	if (slot->path && same_file(&slot->st, &st)) {
		*out = slot->id;
		goto out;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		err = -ENOMEM;
		goto out;
	}
	while (len < (size_t)st.st_size) {
		ssize_t r = read(fd, data + len, (size_t)st.st_size - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			goto out;
		}
		if (r == 0)
			break; /* it shrank meanwhile: keep what was there */
		len += (size_t)r;
	}
	if ((err = snap_put(s, data, len, out)) < 0) {
		if (asprintf(errmsg, "cannot store '%s': %s", path, snap_error(s)) < 0)
			*errmsg = NULL;
		goto out;
	}
	if (!slot->path) {
		if (!(slot->path = strdup(path)))
			goto out; /* only the cache is lost */
		s->nstamps++;
	}
	slot->st = st;
	slot->id = *out;
out:
	if (err < 0 && !*errmsg && asprintf(errmsg, "cannot read '%s': %s", path, strerror(-err)) < 0)
		*errmsg = NULL;
	if (fd >= 0)
		close(fd);
	free(data);
	return err;
}

int snap_get(struct snapshot *s, const struct blob_id *id, char **out, size_t *len)
{
	git_odb_object *obj = NULL;
	git_oid oid;
	char *data;

	memcpy(oid.id, id->raw, sizeof(id->raw));
	if (git_odb_read(&obj, s->odb, &oid) != 0 || git_odb_object_type(obj) != GIT_OBJECT_BLOB) {
		git_odb_object_free(obj);
		git_fail(s, "no such blob in the snapshot store");
		return -ENOENT;
	}
	*len = git_odb_object_size(obj);
	data = malloc(*len + 1);
	if (data) {
		memcpy(data, git_odb_object_data(obj), *len);
		data[*len] = '\0';
	}
	git_odb_object_free(obj);
	if (!data)
		return -ENOMEM;
	*out = data;
	return 0;
}

/* A path the index can hold on one line. */
static bool path_ok(const char *file)
{
	return *file && !strchr(file, '\n');
}

int snap_build_begin(struct snapshot *s)
{
	int err = index_rewrite(s, false, "build\n");

	if (err == 0)
		recs_clear(&s->build);
	return err;
}

int snap_build_record(struct snapshot *s, const char *file, const struct blob_id *id)
{
	char hex[BLOB_ID_HEX];
	int err;

	if (!path_ok(file))
		return -EINVAL;
	blob_id_hex(id, hex);
	if ((err = recs_set(&s->build, file, 0, id)) < 0)
		return err;
	return index_append(s, "b %s %s\n", hex, file);
}

/* The newest record of file in r with a generation <= gen. */
static const struct rec *recs_find(const struct recs *r, const char *file, unsigned gen)
{
	const struct rec *best = NULL;

	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].gen <= gen && (!best || r->v[i].gen > best->gen) && strcmp(r->v[i].file, file) == 0)
			best = &r->v[i];
	return best;
}

int snap_built(const struct snapshot *s, const char *file, struct blob_id *out)
{
	const struct rec *r = recs_find(&s->build, file, 0);

	if (!r)
		return -ENOENT;
	*out = r->id;
	return 0;
}

int snap_run_begin(struct snapshot *s, const char *label)
{
	char *header = NULL, *copy;
	int err;

	if (!path_ok(label))
		return -EINVAL;
	if (!(copy = strdup(label)) || asprintf(&header, "run %s\n", label) < 0) {
		free(copy);
		return -ENOMEM;
	}
	err = index_rewrite(s, true, header);
	free(header);
	if (err < 0) {
		free(copy);
		return err;
	}
	recs_clear(&s->run);
	free(s->label);
	s->label = copy;
	return 0;
}

const char *snap_run_label(const struct snapshot *s)
{
	return s->label;
}

int snap_record(struct snapshot *s, const char *file, unsigned gen, const struct blob_id *id)
{
	char hex[BLOB_ID_HEX];
	int err;

	if (!s->label)
		return -ENOENT;
	if (!path_ok(file))
		return -EINVAL;
	blob_id_hex(id, hex);
	if ((err = recs_set(&s->run, file, gen, id)) < 0)
		return err;
	return index_append(s, "g %u %s %s\n", gen, hex, file);
}

int snap_lookup(const struct snapshot *s, const char *file, unsigned gen, struct blob_id *out)
{
	const struct rec *r = recs_find(&s->run, file, gen);

	if (!r)
		return -ENOENT;
	*out = r->id;
	return 0;
}

unsigned snap_generation(const struct snapshot *s)
{
	unsigned gen = 0;

	for (size_t i = 0; i < s->run.n; i++)
		if (s->run.v[i].gen > gen)
			gen = s->run.v[i].gen;
	return gen;
}

bool snap_record_at(const struct snapshot *s, size_t i, const char **file, unsigned *gen, struct blob_id *id)
{
	if (i >= s->run.n)
		return false;
	*file = s->run.v[i].file;
	*gen = s->run.v[i].gen;
	*id = s->run.v[i].id;
	return true;
}

int snap_linemap(struct snapshot *s, const struct blob_id *from, const struct blob_id *to, struct linemap **out)
{
	char *a = NULL, *b = NULL;
	size_t alen, blen, n = 0;
	struct diff_hunk *h = NULL;
	int err;

	if ((err = snap_get(s, from, &a, &alen)) < 0 || (err = snap_get(s, to, &b, &blen)) < 0)
		goto out;
	if (blob_id_equal(from, to)) {
		*out = linemap_identity(diff_line_count(a, alen));
		err = *out ? 0 : -ENOMEM;
		goto out;
	}
	if ((err = diff_lines(a, alen, b, blen, &h, &n)) < 0)
		goto out;
	*out = linemap_from_hunks(diff_line_count(a, alen), diff_line_count(b, blen), h, n);
	err = *out ? 0 : -ENOMEM;
out:
	free(h);
	free(a);
	free(b);
	return err;
}
