/* Crash recovery: each modified buffer appends its operations to a journal
 * in encide's per-user state directory, so that edits survive a killed
 * encide. The journal names the file content it starts from; opening a file
 * whose journal holds edits on top of exactly that content offers them back.
 *
 *   encide-journal 1
 *   path /home/me/src/demo/main.c
 *   base 512 9f3c2a0d11e4b7c6          size and FNV-1a 64 of the file
 *   I 120 6                            insert 6 bytes at 120: the bytes follow,
 *   x = 1;                             then a newline
 *   D 40 3                             delete 3 bytes at 40
 *
 * Records are buffered and written by journal_flush() (after every command,
 * and by a one-second timer while editing): a write() reaches the kernel, so
 * a SIGKILL loses nothing flushed. Saving the file removes the journal.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/state.h"
#include "editor/editor-journal.h"

struct journal {
	char *file;        /* the journal's path */
	char *path;        /* the buffer's absolute path */
	int fd;            /* open for appending, -1 until the first record */
	char *pending;     /* records not yet written */
	size_t npending;   /* bytes in pending */
	size_t cap;        /* allocated */
	uint64_t base_size; /* the content the records apply to */
	uint64_t base_hash; /* FNV-1a 64 of it */
	bool broken;       /* a write failed: stop journaling, the user was told */
};

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_START 0xcbf29ce484222325ULL

uint64_t journal_hash(const void *data, size_t len)
{
	return fnv1a(FNV_START, data, len);
}

/* mkdir -p with mode 0700 for each missing component. */
static int mkdirs(const char *dir)
{
	char *copy = strdup(dir);
	int err = 0;

	if (!copy)
		return -ENOMEM;
	for (char *p = copy + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
				err = -errno;
				break;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	free(copy);
	return err;
}

/* The journal file for the file at abs_path. */
static char *journal_file(const char *abs_path)
{
	char *dir = state_dir(), *file = NULL;

	if (dir && asprintf(&file, "%s/journal/%016" PRIx64 ".journal", dir,
			    journal_hash(abs_path, strlen(abs_path))) < 0)
		file = NULL;
	free(dir);
	return file;
}

struct journal *journal_new(const char *abs_path, const void *base, size_t base_len)
{
	struct journal *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->fd = -1;
	j->path = strdup(abs_path);
	j->file = journal_file(abs_path);
	if (!j->path || !j->file) {
		journal_free(j);
		return NULL;
	}
	j->base_size = base_len;
	j->base_hash = journal_hash(base, base_len);
	return j;
}

void journal_free(struct journal *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	free(j->pending);
	free(j->file);
	free(j->path);
	free(j);
}

static int pending_add(struct journal *j, const char *s, size_t len)
{
	if (j->npending + len > j->cap) {
		size_t cap = j->cap ? j->cap : 4096;
		char *p;

		while (cap < j->npending + len)
			cap *= 2;
		p = realloc(j->pending, cap);
		if (!p)
			return -ENOMEM;
		j->pending = p;
		j->cap = cap;
	}
	memcpy(j->pending + j->npending, s, len);
	j->npending += len;
	return 0;
}

void journal_record(struct journal *j, const struct edit_op *op)
{
	char head[64];
	int n;

	if (!j || j->broken)
		return;
	n = snprintf(head, sizeof(head), "%c %zu %zu\n", op->insert ? 'I' : 'D', op->pos, op->len);
	if (pending_add(j, head, (size_t)n) < 0 ||
	    (op->insert && (pending_add(j, op->text, op->len) < 0 || pending_add(j, "\n", 1) < 0)))
		j->broken = true;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, s, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		s += w;
		len -= (size_t)w;
	}
	return 0;
}

int journal_flush(struct journal *j)
{
	int err;

	if (!j || j->broken || j->npending == 0)
		return 0;
	if (j->fd < 0) {
		char *dir = strdup(j->file), *slash = strrchr(dir, '/');
		char head[8192];
		int n;

		*slash = '\0';
		err = mkdirs(dir);
		free(dir);
		if (err < 0)
			goto broken;
		j->fd = open(j->file, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
		if (j->fd < 0) {
			err = -errno;
			goto broken;
		}
		n = snprintf(head, sizeof(head), "encide-journal 1\npath %s\nbase %" PRIu64 " %016" PRIx64 "\n",
			     j->path, j->base_size, j->base_hash);
		if ((err = write_all(j->fd, head, (size_t)n)) < 0)
			goto broken;
	}
	if ((err = write_all(j->fd, j->pending, j->npending)) < 0)
		goto broken;
	j->npending = 0;
	return 0;
broken:
	j->broken = true;
	return err;
}

void journal_reset(struct journal *j, const void *base, size_t base_len)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	unlink(j->file);
	j->npending = 0;
	j->broken = false;
	j->base_size = base_len;
	j->base_hash = journal_hash(base, base_len);
}

void journal_replay_release(struct journal_replay *r)
{
	free(r->file);
	free(r->data);
	free(r->v);
	*r = (struct journal_replay){ 0 };
}

/* Reads all of the file at path into *out (NUL-terminated); *len its size. */
static int slurp(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *data = NULL;
	size_t cap = 0;
	FILE *m;
	char chunk[65536];
	size_t r;

	if (!f)
		return -errno;
	m = open_memstream(&data, &cap);
	if (!m) {
		fclose(f);
		return -ENOMEM;
	}
	while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, r, m);
	fclose(f);
	if (fclose(m) != 0 || !data) {
		free(data);
		return -ENOMEM;
	}
	*out = data;
	*len = cap;
	return 0;
}

/* Parses a journal's text into r (entries point into data). */
static int parse(char *data, size_t len, const void *base, size_t base_len, struct journal_replay *r)
{
	char *p = data, *end = data + len;
	uint64_t size, hash;

	if (len < 22 || strncmp(p, "encide-journal 1\npath ", 22) != 0)
		return -EBADMSG;
	p = memchr(p + 22, '\n', (size_t)(end - p - 22));
	if (!p || sscanf(p + 1, "base %" SCNu64 " %" SCNx64, &size, &hash) != 2)
		return -EBADMSG;
	p = memchr(p + 1, '\n', (size_t)(end - p - 1));
	if (!p)
		return -EBADMSG;
	if (size != base_len || hash != journal_hash(base, base_len))
		return -ESTALE; /* the file changed since: the records do not apply */
	for (p++; p < end;) {
		char kind;
		size_t pos, cnt;
		int used = 0;
		struct journal_entry *nv;

		if (sscanf(p, "%c %zu %zu%n", &kind, &pos, &cnt, &used) != 3 || p + used >= end ||
		    p[used] != '\n' || (kind != 'I' && kind != 'D'))
			break; /* a torn last record: keep what came before */
		p += used + 1;
		if (kind == 'I' && (size_t)(end - p) < cnt + 1)
			break;
		nv = realloc(r->v, (r->n + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		r->v = nv;
		r->v[r->n++] = (struct journal_entry){ kind == 'I', pos, cnt, kind == 'I' ? p : NULL };
		if (kind == 'I')
			p += cnt + 1;
	}
	return 0;
}

int journal_take(const char *abs_path, const void *base, size_t base_len, struct journal_replay *out)
{
	char *file = journal_file(abs_path), *kept = NULL;
	size_t len;
	int err;

	*out = (struct journal_replay){ 0 };
	if (!file)
		return -ENOMEM;
	if (access(file, F_OK) < 0) {
		free(file);
		return 0;
	}
	/* Move it aside: the buffer's own journal starts afresh at that name. */
	if (asprintf(&kept, "%s.recover", file) < 0 || rename(file, kept) < 0) {
		err = -errno;
		free(file);
		free(kept);
		return err ? err : -ENOMEM;
	}
	free(file);
	out->file = kept;
	err = slurp(kept, &out->data, &len);
	if (err == 0)
		err = parse(out->data, len, base, base_len, out);
	if (err == 0 && out->n == 0) {
		unlink(kept);
		journal_replay_release(out);
	}
	return err;
}
