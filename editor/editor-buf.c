/* A buffer: a file's bytes in a piece table, every edit recorded in the edit
 * log (with undo and redo as operations), marks that move with the text, and
 * the file's identity on disk so a save never overwrites someone else's
 * change. The syntax tree follows each edit (editor-syntax.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "editor/editor-diff.h"
#include "editor/editor-int.h"
#include "editor/editor-journal.h"
#include "editor/editor-linemap.h"
#include "editor/editor-log.h"
#include "editor/editor-text.h"

struct mark {
	int id;      /* > 0; 0 for a free slot */
	size_t pos;  /* byte offset, moved by every edit */
};

struct buffer {
	char *path;              /* as opened */
	struct text *text;       /* the bytes */
	struct editlog *log;     /* every operation */
	struct syntax *syn;      /* the tree-sitter tree, kept in step */
	struct mark *marks;      /* marks, by slot */
	size_t nmarks;           /* slots */
	int next_mark;           /* id of the next mark */
	uint64_t saved_version;  /* the version last read or written (-1 after buf_keep) */
	struct stat disk;        /* the file as last read or written */
	bool disk_known;         /* disk is valid (the file existed) */
	struct journal *journal; /* crash recovery, NULL if it could not start */
	struct journal_replay recovery; /* a dead session's edits, if any */
	char *recovery_problem;  /* why a journal found cannot be used */
};

/* Sets *errmsg (when errmsg is not NULL) and returns -err. */
static int fail(char **errmsg, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char **errmsg, int err, const char *fmt, ...)
{
	va_list ap;

	if (errmsg) {
		free(*errmsg);
		va_start(ap, fmt);
		if (vasprintf(errmsg, fmt, ap) < 0)
			*errmsg = NULL;
		va_end(ap);
	}
	return -err;
}

/* Reads all of fd; *out is malloc'd (NUL-terminated for convenience). */
static int read_all(int fd, char **out, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *data = malloc(cap + 1);

	if (!data)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *d = realloc(data, 2 * cap + 1);

			if (!d) {
				free(data);
				return -ENOMEM;
			}
			data = d;
			cap *= 2;
		}
		r = read(fd, data + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;

			free(data);
			return -err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	data[n] = '\0';
	*out = data;
	*len = n;
	return 0;
}

/* Starts the buffer's journal and takes over a dead session's, if any. */
static void recovery_open(struct buffer *buf, const char *data, size_t len)
{
	char abs[PATH_MAX];
	int err;

	if (!realpath(buf->path, abs))
		return;
	buf->journal = journal_new(abs, data, len);
	err = journal_take(abs, data, len, &buf->recovery);
	if (err < 0) {
		const char *why = err == -ESTALE ? "it was made for other content of the file"
				: err == -EBADMSG ? "it is not a journal" : strerror(-err);

		if (asprintf(&buf->recovery_problem, "unsaved edits of '%s' from an earlier session "
			     "cannot be recovered (%s); kept in %s", buf->path, why,
			     buf->recovery.file ? buf->recovery.file : "?") < 0)
			buf->recovery_problem = NULL;
		free(buf->recovery.data);
		free(buf->recovery.v);
		buf->recovery.data = NULL;
		buf->recovery.v = NULL;
		buf->recovery.n = 0;
	}
}

int buf_open(struct buffer **out, const char *path, char **errmsg)
{
	struct buffer *buf;
	char *data = NULL;
	size_t len = 0;
	int fd, err;
	struct stat st;

	if (errmsg)
		*errmsg = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(errmsg, errno, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? EISDIR : errno;
		close(fd);
		return fail(errmsg, err, "cannot open '%s': %s", path, strerror(err));
	}
	err = read_all(fd, &data, &len);
	close(fd);
	if (err < 0)
		return fail(errmsg, -err, "cannot read '%s': %s", path, strerror(-err));
	buf = calloc(1, sizeof(*buf));
	if (!buf || !(buf->path = strdup(path)) || text_new(&buf->text, data, len) < 0 ||
	    !(buf->log = editlog_new(text_newlines(buf->text) + 1)) ||
	    syn_new(&buf->syn) < 0) {
		free(data);
		buf_free(buf);
		return fail(errmsg, ENOMEM, "cannot open '%s': %s", path, strerror(ENOMEM));
	}
	buf->next_mark = 1;
	buf->disk = st;
	buf->disk_known = true;
	recovery_open(buf, data, len);
	free(data);
	*out = buf;
	return 0;
}

void buf_free(struct buffer *buf)
{
	if (!buf)
		return;
	syn_free(buf->syn);
	journal_free(buf->journal);
	journal_replay_release(&buf->recovery);
	free(buf->recovery_problem);
	editlog_free(buf->log);
	text_free(buf->text);
	free(buf->marks);
	free(buf->path);
	free(buf);
}

struct syntax *buf_syntax(const struct buffer *buf)
{
	return buf->syn;
}

const char *buf_path(const struct buffer *buf)
{
	return buf->path;
}

size_t buf_line_count(const struct buffer *buf)
{
	return text_newlines(buf->text) + 1;
}

size_t buf_size(const struct buffer *buf)
{
	return text_size(buf->text);
}

bool buf_line_span(const struct buffer *buf, size_t line, size_t *start, size_t *end)
{
	size_t next;

	if (!text_line_start(buf->text, line, start))
		return false;
	if (text_line_start(buf->text, line + 1, &next))
		*end = next - 1;
	else
		*end = text_size(buf->text);
	return true;
}

size_t buf_read(const struct buffer *buf, size_t pos, size_t len, char *out)
{
	return text_read(buf->text, pos, len, out);
}

const char *buf_chunk(const struct buffer *buf, size_t pos, size_t *len)
{
	return text_chunk(buf->text, pos, len);
}

size_t buf_line_of(const struct buffer *buf, size_t pos)
{
	return text_line_of(buf->text, pos);
}

/* Length of the UTF-8 sequence starting with byte c (1 for invalid bytes). */
static size_t utf8_len(unsigned char c)
{
	if (c < 0xc0)
		return 1;
	if (c < 0xe0)
		return 2;
	if (c < 0xf0)
		return 3;
	return c < 0xf8 ? 4 : 1;
}

/* Decodes the character at s[0..n) into *wc; returns its byte length, 1 with
 * *wc = -1 for an invalid or truncated sequence. */
static size_t utf8_decode(const unsigned char *s, size_t n, int *wc)
{
	size_t len = utf8_len(s[0]);
	int c;

	if (len == 1) {
		*wc = s[0] < 0x80 ? s[0] : -1;
		return 1;
	}
	if (len > n)
		goto bad;
	c = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	*wc = c;
	return len;
bad:
	*wc = -1;
	return 1;
}

void buf_columns(const struct buffer *buf, size_t pos, int tabwidth, size_t *chars, size_t *cells)
{
	size_t line = text_line_of(buf->text, pos), start, n;
	unsigned char *bytes;

	*chars = *cells = 0;
	text_line_start(buf->text, line, &start);
	n = pos - start;
	bytes = malloc(n + 1);
	if (!bytes)
		return;
	text_read(buf->text, start, n, (char *)bytes);
	for (size_t i = 0; i < n;) {
		int wc, w;
		size_t len = utf8_decode(bytes + i, n - i, &wc);

		if (wc == '\t')
			w = tabwidth - (int)(*cells % (size_t)tabwidth);
		else if (wc < 0)
			w = 4; /* drawn as <xx> */
		else if (wc < 0x20 || wc == 0x7f)
			w = 2; /* drawn as ^X */
		else if ((w = wcwidth((wchar_t)wc)) < 0)
			w = 1;
		*cells += (size_t)w;
		(*chars)++;
		i += len;
	}
	free(bytes);
}

uint64_t buf_version(const struct buffer *buf)
{
	return editlog_version(buf->log);
}

const struct edit_op *buf_op(const struct buffer *buf, uint64_t version)
{
	return editlog_op(buf->log, version);
}

bool buf_modified(const struct buffer *buf)
{
	return editlog_version(buf->log) != buf->saved_version;
}

/* Moves every mark for an insert (len > 0) or a delete (len < 0) at pos. */
static void marks_adjust(struct buffer *buf, size_t pos, long delta)
{
	for (size_t i = 0; i < buf->nmarks; i++) {
		struct mark *m = &buf->marks[i];

		if (m->id == 0)
			continue;
		if (delta > 0 && m->pos > pos)
			m->pos += (size_t)delta;
		else if (delta < 0 && m->pos > pos)
			m->pos = m->pos >= pos + (size_t)-delta ? m->pos - (size_t)-delta : pos;
	}
}

/* The one path every change takes: text, log, marks, tree, journal. */
static int apply(struct buffer *buf, bool insert, size_t pos, const char *s, size_t len,
		 enum edit_origin origin, uint64_t inverts)
{
	struct edit_op op = { .insert = insert, .pos = pos, .len = len, .origin = origin,
			      .inverts = inverts };
	size_t line_start;
	struct timespec now;
	char *deleted = NULL;
	int err;

	if (pos > text_size(buf->text) || (!insert && len > text_size(buf->text) - pos))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (!insert) {
		deleted = malloc(len);
		if (!deleted)
			return -ENOMEM;
		text_read(buf->text, pos, len, deleted);
		s = deleted;
	}
	op.text = (char *)s;
	op.line = text_line_of(buf->text, pos);
	text_line_start(buf->text, op.line, &line_start);
	op.col = pos - line_start;
	for (size_t i = 0; i < len; i++)
		op.newlines += s[i] == '\n';
	op.lines_after = text_newlines(buf->text) + 1 + (insert ? op.newlines : -op.newlines);
	op.kinds = syn_kinds(buf->syn, buf, pos, insert ? pos : pos + len);
	clock_gettime(CLOCK_REALTIME, &now);
	op.time_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;

	/* The text, then the log; if the log cannot grow, the text goes back. */
	err = insert ? text_insert(buf->text, pos, s, len) : text_delete(buf->text, pos, len);
	if (err == 0 && (err = editlog_record(buf->log, &op)) < 0) {
		if (insert)
			text_delete(buf->text, pos, len);
		else
			text_insert(buf->text, pos, s, len);
	}
	if (err == 0) {
		marks_adjust(buf, pos, insert ? (long)len : -(long)len);
		syn_edit(buf->syn, editlog_op(buf->log, editlog_version(buf->log)));
		journal_record(buf->journal, editlog_op(buf->log, editlog_version(buf->log)));
	}
	free(deleted);
	return err;
}

int buf_insert(struct buffer *buf, size_t pos, const char *s, size_t len)
{
	return apply(buf, true, pos, s, len, EDIT_USER, 0);
}

int buf_delete(struct buffer *buf, size_t pos, size_t len)
{
	return apply(buf, false, pos, NULL, len, EDIT_USER, 0);
}

void buf_group_begin(struct buffer *buf)
{
	editlog_begin(buf->log);
}

void buf_group_end(struct buffer *buf)
{
	editlog_end(buf->log);
}

/* Undo (redo false) or redo: invert the newest step's operations. */
static int invert_step(struct buffer *buf, bool redo, size_t *cursor)
{
	uint64_t first, last;
	int err = 0;

	if (!(redo ? editlog_redo_range(buf->log, &first, &last)
		   : editlog_undo_range(buf->log, &first, &last)))
		return -ENOENT;
	editlog_undo_begin(buf->log, redo);
	for (uint64_t v = last; v >= first && err == 0; v--) {
		const struct edit_op *op = editlog_op(buf->log, v);
		/* Copy: recording may move the log's array. */
		struct edit_op o = *op;

		err = apply(buf, !o.insert, o.pos, o.text, o.len, redo ? EDIT_REDO : EDIT_UNDO, v);
		if (cursor)
			*cursor = o.pos;
	}
	editlog_undo_end(buf->log);
	return err;
}

int buf_undo(struct buffer *buf, size_t *cursor)
{
	return invert_step(buf, false, cursor);
}

int buf_redo(struct buffer *buf, size_t *cursor)
{
	return invert_step(buf, true, cursor);
}

struct linemap *buf_linemap(const struct buffer *buf, uint64_t from, uint64_t to)
{
	return editlog_linemap(buf->log, from, to);
}

int buf_tag(struct buffer *buf, const char *name)
{
	return editlog_tag(buf->log, editlog_version(buf->log), name);
}

bool buf_tagged(const struct buffer *buf, const char *name, uint64_t *version)
{
	return editlog_tagged(buf->log, name, version);
}

int buf_mark_add(struct buffer *buf, size_t pos)
{
	struct mark *m = NULL;

	for (size_t i = 0; i < buf->nmarks; i++)
		if (buf->marks[i].id == 0)
			m = &buf->marks[i];
	if (!m) {
		struct mark *v = realloc(buf->marks, (buf->nmarks + 1) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		buf->marks = v;
		m = &buf->marks[buf->nmarks++];
	}
	m->id = buf->next_mark++;
	m->pos = pos > text_size(buf->text) ? text_size(buf->text) : pos;
	return m->id;
}

bool buf_mark_pos(const struct buffer *buf, int id, size_t *pos)
{
	for (size_t i = 0; i < buf->nmarks; i++) {
		if (buf->marks[i].id == id) {
			*pos = buf->marks[i].pos;
			return true;
		}
	}
	return false;
}

void buf_mark_remove(struct buffer *buf, int id)
{
	for (size_t i = 0; i < buf->nmarks; i++)
		if (buf->marks[i].id == id)
			buf->marks[i].id = 0;
}

int buf_journal_flush(struct buffer *buf)
{
	return journal_flush(buf->journal);
}

size_t buf_recovery_count(const struct buffer *buf)
{
	return buf->recovery.n;
}

const char *buf_recovery_problem(const struct buffer *buf)
{
	return buf->recovery_problem;
}

int buf_recover(struct buffer *buf)
{
	size_t size = text_size(buf->text);
	int err = 0;

	if (buf->recovery.n == 0)
		return -ENOENT;
	/* Check that every operation fits before changing anything. */
	for (size_t i = 0; i < buf->recovery.n; i++) {
		const struct journal_entry *e = &buf->recovery.v[i];

		if (e->pos > size || (!e->insert && e->len > size - e->pos))
			return -EINVAL;
		size = e->insert ? size + e->len : size - e->len;
	}
	buf_group_begin(buf);
	for (size_t i = 0; i < buf->recovery.n && err == 0; i++) {
		const struct journal_entry *e = &buf->recovery.v[i];

		err = e->insert ? buf_insert(buf, e->pos, e->text, e->len) : buf_delete(buf, e->pos, e->len);
	}
	buf_group_end(buf);
	if (err == 0) {
		/* Our own journal now holds them: the old one can go. */
		journal_flush(buf->journal);
		buf_recovery_discard(buf);
	}
	return err;
}

void buf_recovery_discard(struct buffer *buf)
{
	if (buf->recovery.file)
		unlink(buf->recovery.file);
	journal_replay_release(&buf->recovery);
}

/*
 * Saving. The new content goes to a temporary file in the same folder (same
 * file system), is fsync'd, gets the old file's mode, and replaces the file
 * with rename(): a crash leaves the old file or the new one, never half.
 */
static bool disk_changed(const struct buffer *buf, const struct stat *now)
{
	return now->st_ino != buf->disk.st_ino || now->st_dev != buf->disk.st_dev ||
	       now->st_size != buf->disk.st_size ||
	       now->st_mtim.tv_sec != buf->disk.st_mtim.tv_sec ||
	       now->st_mtim.tv_nsec != buf->disk.st_mtim.tv_nsec;
}

bool buf_changed_on_disk(const struct buffer *buf)
{
	struct stat now;

	if (stat(buf->path, &now) < 0)
		return buf->disk_known; /* it was there and is gone */
	return !buf->disk_known || disk_changed(buf, &now);
}

/* After a save the journal starts again from the saved content. */
static void journal_saved(struct buffer *buf)
{
	size_t size = text_size(buf->text);
	char *data = malloc(size + 1);

	if (!data) {
		journal_free(buf->journal); /* cannot name the base: stop journaling */
		buf->journal = NULL;
		return;
	}
	text_read(buf->text, 0, size, data);
	journal_reset(buf->journal, data, size);
	free(data);
}

int buf_save(struct buffer *buf, bool force, char **errmsg)
{
	char *tmp = NULL;
	struct stat now;
	mode_t mode = 0644;
	int fd = -1, err = 0;
	size_t pos = 0, size = text_size(buf->text);

	if (errmsg)
		*errmsg = NULL;
	if (stat(buf->path, &now) == 0) {
		if (!force && (!buf->disk_known || disk_changed(buf, &now)))
			return fail(errmsg, EEXIST, "'%s' changed on disk since it was read: "
				    "use 'save!' to overwrite it", buf->path);
		if (!force && (access(buf->path, W_OK) < 0 || !(now.st_mode & 0222)))
			return fail(errmsg, EACCES, "'%s' is read-only: use 'save!' to write it anyway",
				    buf->path);
		mode = now.st_mode & 07777;
	} else if (errno != ENOENT) {
		return fail(errmsg, errno, "cannot save '%s': %s", buf->path, strerror(errno));
	}
	if (asprintf(&tmp, "%s.encide-XXXXXX", buf->path) < 0)
		return fail(errmsg, ENOMEM, "cannot save '%s': %s", buf->path, strerror(ENOMEM));
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = fail(errmsg, errno, "cannot save '%s' (temporary file in its folder): %s", buf->path, strerror(errno));
		goto out;
	}
	while (pos < size) {
		size_t len;
		const char *chunk = text_chunk(buf->text, pos, &len);
		ssize_t w = write(fd, chunk, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			err = fail(errmsg, errno, "cannot save '%s': %s", buf->path, strerror(errno));
			goto out;
		}
		pos += (size_t)w;
	}
	if (fchmod(fd, mode) < 0 || fsync(fd) < 0) {
		err = fail(errmsg, errno, "cannot save '%s': %s", buf->path, strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		err = fail(errmsg, errno, "cannot save '%s': %s", buf->path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, buf->path) < 0) {
		err = fail(errmsg, errno, "cannot save '%s': %s", buf->path, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	stat(buf->path, &buf->disk);
	buf->disk_known = true;
	buf->saved_version = editlog_version(buf->log);
	journal_saved(buf);
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	return err;
}

/*
 * Reloading a file another program changed. The file's new text arrives as
 * edits to the buffer, from a line diff of the text now against the file,
 * so that marks, the syntax tree, undo and line maps all follow; their
 * origin EDIT_OUTSIDE makes every line map across them a guess. Hunks are
 * applied from the last to the first (earlier offsets stay valid); in a
 * hunk of m old and n new lines, the first min(m, n) lines are changed in
 * place (only the bytes between their common start and end), then the
 * extra old lines go or the extra new lines come after them:
 *
 *   old:  a | b  | c | d          new:  a | B2 | c | x | d
 *   hunk [2, 1) -> [2, 1]: "b" -> "B2" in place (delete "b", insert "B2")
 *   hunk [4, 0) -> [4, 1]: insert "x\n" before old line 4
 */

/* Offsets of each line start of s (1-based, [n + 1] = len); *n lines. */
static size_t *line_offsets(const char *s, size_t len, size_t *n)
{
	size_t *off;

	*n = diff_line_count(s, len);
	off = malloc((*n + 2) * sizeof(*off));
	if (!off)
		return NULL;
	off[1] = 0;
	for (size_t i = 0, l = 1; i < len; i++)
		if (s[i] == '\n')
			off[++l] = i + 1;
	off[*n + 1] = len;
	return off;
}

/* Turns old line [os, oe) of the buffer (at offset os) into new line
 * [ns, ne), both maybe ending in '\n': only the bytes that differ. */
static int replace_line(struct buffer *buf, size_t os, const char *old, size_t olen, const char *new, size_t nlen)
{
	size_t pre = 0, suf = 0;
	int err = 0;

	while (pre < olen && pre < nlen && old[pre] == new[pre])
		pre++;
	while (suf < olen - pre && suf < nlen - pre && old[olen - 1 - suf] == new[nlen - 1 - suf])
		suf++;
	if (olen - pre - suf > 0)
		err = apply(buf, false, os + pre, NULL, olen - pre - suf, EDIT_OUTSIDE, 0);
	if (err == 0 && nlen - pre - suf > 0)
		err = apply(buf, true, os + pre, new + pre, nlen - pre - suf, EDIT_OUTSIDE, 0);
	return err;
}

/* Applies the hunks turning a (the text now) into b, last hunk first. */
static int apply_hunks(struct buffer *buf, const char *a, size_t alen, const char *b, size_t blen,
		       const struct diff_hunk *h, size_t n)
{
	size_t na, nb, *oa = line_offsets(a, alen, &na), *ob = line_offsets(b, blen, &nb);
	int err = 0;

	if (!oa || !ob) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t k = n; k-- > 0 && err == 0;) {
		size_t same = h[k].old_count < h[k].new_count ? h[k].old_count : h[k].new_count;
		size_t at = oa[h[k].old_start + same];

		if (h[k].old_count > same)
			err = apply(buf, false, at, NULL, oa[h[k].old_start + h[k].old_count] - at, EDIT_OUTSIDE, 0);
		else if (h[k].new_count > same)
			err = apply(buf, true, at, b + ob[h[k].new_start + same],
				    ob[h[k].new_start + h[k].new_count] - ob[h[k].new_start + same], EDIT_OUTSIDE, 0);
		for (size_t i = same; i-- > 0 && err == 0;) {
			size_t ol = h[k].old_start + i, nl = h[k].new_start + i;

			err = replace_line(buf, oa[ol], a + oa[ol], oa[ol + 1] - oa[ol], b + ob[nl], ob[nl + 1] - ob[nl]);
		}
	}
out:
	free(oa);
	free(ob);
	return err;
}

/* True when the buffer's text is exactly data[0..len). */
static bool text_is(const struct buffer *buf, const char *data, size_t len)
{
	size_t pos = 0, n;

	if (text_size(buf->text) != len)
		return false;
	while (pos < len) {
		const char *chunk = text_chunk(buf->text, pos, &n);

		if (n == 0 || n > len - pos || memcmp(chunk, data + pos, n) != 0)
			return false;
		pos += n;
	}
	return true;
}

int buf_reload(struct buffer *buf, size_t *hunks, char **errmsg)
{
	size_t len = 0, alen = text_size(buf->text), n = 0;
	char *data = NULL, *now = NULL;
	struct diff_hunk *h = NULL;
	uint64_t before;
	struct stat st;
	int fd, err;

	if (errmsg)
		*errmsg = NULL;
	if (hunks)
		*hunks = 0;
	fd = open(buf->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		err = errno;
		if (fd >= 0)
			close(fd);
		return fail(errmsg, err, "cannot reload '%s': %s", buf->path, strerror(err));
	}
	err = read_all(fd, &data, &len);
	close(fd);
	if (err < 0)
		return fail(errmsg, -err, "cannot reload '%s': %s", buf->path, strerror(-err));
	now = malloc(alen + 1);
	if (!now) {
		err = -ENOMEM;
		goto out;
	}
	text_read(buf->text, 0, alen, now);
	if ((err = diff_lines(now, alen, data, len, &h, &n)) < 0)
		goto out;
	before = editlog_version(buf->log);
	editlog_begin(buf->log);
	err = apply_hunks(buf, now, alen, data, len, h, n);
	/* A safety net: the diff must rebuild the file exactly. */
	if (err == 0 && !text_is(buf, data, len)) {
		err = apply(buf, false, 0, NULL, text_size(buf->text), EDIT_OUTSIDE, 0);
		if (err == 0)
			err = apply(buf, true, 0, data, len, EDIT_OUTSIDE, 0);
	}
	editlog_end(buf->log);
	if (err < 0) {
		/* Out of memory half-way: take back what was applied. */
		if (editlog_version(buf->log) != before)
			invert_step(buf, false, NULL);
		goto out;
	}
	buf->disk = st;
	buf->disk_known = true;
	buf->saved_version = editlog_version(buf->log);
	journal_saved(buf);
	if (hunks)
		*hunks = n;
out:
	if (err < 0)
		fail(errmsg, -err, "cannot reload '%s': %s", buf->path, strerror(-err));
	free(h);
	free(now);
	free(data);
	return err;
}

void buf_keep(struct buffer *buf)
{
	size_t len = 0, size = text_size(buf->text);
	char *data = NULL, *text = NULL;
	struct stat st;
	int fd = open(buf->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0 || read_all(fd, &data, &len) < 0) {
		if (fd >= 0)
			close(fd);
		buf->disk_known = false; /* gone: a save writes it again */
		return;
	}
	close(fd);
	buf->disk = st;
	buf->disk_known = true;
	/* The buffer differs from the file now read: say so, and journal it as
	 * one replacement of the file's text, so crash recovery still works. */
	buf->saved_version = (uint64_t)-1;
	text = malloc(size + 1);
	if (text) {
		struct edit_op del = { .insert = false, .pos = 0, .len = len, .text = data };
		struct edit_op ins = { .insert = true, .pos = 0, .len = size, .text = text };

		text_read(buf->text, 0, size, text);
		journal_reset(buf->journal, data, len);
		journal_record(buf->journal, &del);
		journal_record(buf->journal, &ins);
	}
	free(text);
	free(data);
}
