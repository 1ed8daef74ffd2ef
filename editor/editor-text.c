/* The piece table: a buffer's text as a sequence of pieces of two blocks that
 * never change once written, so an edit costs the size of the edit, not of
 * the file, and any version could be rebuilt from the pieces.
 *
 *   original block (the file as read)     add block (append-only)
 *   +--------------------------------+    +----------------------+
 *   |int main(void)\n{\n\treturn 0;\n}\n|  |x = 1;\n              |
 *   +--------------------------------+    +----------------------+
 *         ^ piece 0        ^ piece 2          ^ piece 1
 *   text = [orig 0..17) [add 0..7) [orig 17..32)
 *
 * Each block keeps the offsets of its '\n' bytes, sorted, so the newlines of
 * a piece are counted with two binary searches, and each piece caches its
 * count. Where each piece starts, in bytes and in lines, is an index built
 * by one pass over the pieces when a lookup needs it after an edit, then
 * binary searched: after 10,000 keystrokes a file has ~20,000 pieces, and
 * the reads of one keystroke's reparse and highlight are hundreds. Typing
 * at the end of the previous insertion grows that piece instead of adding
 * one (the add block is contiguous there).
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "editor/editor-text.h"

enum { ORIG, ADD };

struct block {
	char *data;     /* the bytes */
	size_t len;     /* bytes used */
	size_t cap;     /* bytes allocated */
	size_t *nl;     /* offsets of '\n' in data, ascending */
	size_t nnl;     /* entries used in nl */
	size_t capnl;   /* entries allocated in nl */
};

struct piece {
	unsigned block; /* ORIG or ADD */
	size_t off;     /* first byte in the block */
	size_t len;     /* bytes (never 0 in the table) */
	size_t nl;      /* '\n' bytes in it */
};

/* Where the pieces start (np + 1 entries: the last is the end), valid
 * until the next edit. Kept behind a pointer: lookups on a const text
 * rebuild it. */
struct piece_index {
	size_t *byte;   /* bytes before piece i */
	size_t *nl;     /* newlines before piece i */
	size_t cap;     /* entries allocated in each */
	bool valid;     /* it matches the pieces */
};

struct text {
	struct block b[2];  /* ORIG and ADD */
	struct piece *p;    /* the pieces, in text order */
	size_t np, capp;    /* pieces used, allocated */
	size_t size;        /* sum of the pieces' len */
	size_t newlines;    /* sum of the pieces' nl */
	struct piece_index *ix; /* where they start (rebuilt after edits) */
};

/* Index of the first newline offset >= off in block b. */
static size_t nl_lower(const struct block *b, size_t off)
{
	size_t lo = 0, hi = b->nnl;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b->nl[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t nl_between(const struct block *b, size_t off, size_t len)
{
	return nl_lower(b, off + len) - nl_lower(b, off);
}

/* Appends bytes to block b, indexing their newlines. */
static int block_append(struct block *b, const char *s, size_t len)
{
	size_t n = 0;

	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *d;

		while (cap < b->len + len)
			cap *= 2;
		d = realloc(b->data, cap);
		if (!d)
			return -ENOMEM;
		b->data = d;
		b->cap = cap;
	}
	if (b->nnl + n > b->capnl) {
		size_t cap = b->capnl ? b->capnl : 256;
		size_t *v;

		while (cap < b->nnl + n)
			cap *= 2;
		v = realloc(b->nl, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		b->nl = v;
		b->capnl = cap;
	}
	memcpy(b->data + b->len, s, len);
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n')
			b->nl[b->nnl++] = b->len + i;
	b->len += len;
	return 0;
}

int text_new(struct text **out, const char *data, size_t len)
{
	struct text *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	if (block_append(&t->b[ORIG], data, len) < 0 || !(t->p = malloc(16 * sizeof(*t->p))) ||
	    !(t->ix = calloc(1, sizeof(*t->ix)))) {
		text_free(t);
		return -ENOMEM;
	}
	t->capp = 16;
	if (len) {
		t->p[0] = (struct piece){ ORIG, 0, len, t->b[ORIG].nnl };
		t->np = 1;
	}
	t->size = len;
	t->newlines = t->b[ORIG].nnl;
	*out = t;
	return 0;
}

void text_free(struct text *t)
{
	if (!t)
		return;
	for (int i = 0; i < 2; i++) {
		free(t->b[i].data);
		free(t->b[i].nl);
	}
	free(t->p);
	if (t->ix) {
		free(t->ix->byte);
		free(t->ix->nl);
		free(t->ix);
	}
	free(t);
}

size_t text_size(const struct text *t)
{
	return t->size;
}

size_t text_newlines(const struct text *t)
{
	return t->newlines;
}

/* The index of where pieces start, rebuilt if an edit made it stale; NULL
 * when out of memory (callers walk the pieces then). */
static const struct piece_index *index_get(const struct text *t)
{
	struct piece_index *ix = t->ix;
	size_t byte = 0, nl = 0;

	if (ix->valid)
		return ix;
	if (ix->cap < t->np + 1) {
		size_t cap = 2 * (t->np + 1);
		size_t *b = realloc(ix->byte, cap * sizeof(*b)), *n = b ? realloc(ix->nl, cap * sizeof(*n)) : NULL;

		if (b)
			ix->byte = b;
		if (!b || !n)
			return NULL;
		ix->nl = n;
		ix->cap = cap;
	}
	for (size_t i = 0; i < t->np; i++) {
		ix->byte[i] = byte;
		ix->nl[i] = nl;
		byte += t->p[i].len;
		nl += t->p[i].nl;
	}
	ix->byte[t->np] = byte;
	ix->nl[t->np] = nl;
	ix->valid = true;
	return ix;
}

/* The last i in [0, n) with v[i] <= x (v ascending, v[0] <= x). */
static size_t last_at_most(const size_t *v, size_t n, size_t x)
{
	size_t lo = 0, hi = n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] <= x)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The piece holding pos and pos's offset in it; pos == size gives np, 0. */
static size_t piece_at(const struct text *t, size_t pos, size_t *within)
{
	const struct piece_index *ix = pos < t->size && t->np ? index_get(t) : NULL;
	size_t start = 0, i;

	if (ix) {
		/* pieces are never empty: byte[] is strictly ascending */
		i = last_at_most(ix->byte, t->np, pos);
		*within = pos - ix->byte[i];
		return i;
	}
	for (i = 0; i < t->np; i++) {
		if (pos < start + t->p[i].len) {
			*within = pos - start;
			return i;
		}
		start += t->p[i].len;
	}
	*within = 0;
	return t->np;
}

/* Makes room for n more pieces. */
static int pieces_reserve(struct text *t, size_t n)
{
	if (t->np + n > t->capp) {
		size_t cap = t->capp * 2;
		struct piece *v;

		while (cap < t->np + n)
			cap *= 2;
		v = realloc(t->p, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		t->p = v;
		t->capp = cap;
	}
	return 0;
}

static struct piece piece_make(const struct text *t, unsigned block, size_t off, size_t len)
{
	return (struct piece){ block, off, len, nl_between(&t->b[block], off, len) };
}

/* Splits piece i at offset within (0 < within < len): i becomes two pieces.
 * Room for one more piece must be reserved. */
static void piece_split(struct text *t, size_t i, size_t within)
{
	struct piece old = t->p[i];

	assert(within > 0 && within < old.len && t->np < t->capp);
	memmove(&t->p[i + 2], &t->p[i + 1], (t->np - i - 1) * sizeof(*t->p));
	t->p[i] = piece_make(t, old.block, old.off, within);
	t->p[i + 1] = (struct piece){ old.block, old.off + within, old.len - within,
				      old.nl - t->p[i].nl };
	t->np++;
	t->ix->valid = false;
}

int text_insert(struct text *t, size_t pos, const char *s, size_t len)
{
	struct block *add = &t->b[ADD];
	size_t within, i, add_off = add->len, nl_before = add->nnl;
	struct piece np;

	if (pos > t->size)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (pieces_reserve(t, 2) < 0 || block_append(add, s, len) < 0) {
		/* block_append may have grown buffers: harmless, nothing is used */
		add->len = add_off;
		add->nnl = nl_before;
		return -ENOMEM;
	}
	np = (struct piece){ ADD, add_off, len, add->nnl - nl_before };
	i = piece_at(t, pos, &within);
	if (within == 0 && i > 0 && t->p[i - 1].block == ADD &&
	    t->p[i - 1].off + t->p[i - 1].len == add_off) {
		/* Right after the last insertion: grow it. */
		t->p[i - 1].len += len;
		t->p[i - 1].nl += np.nl;
	} else {
		if (within > 0) {
			piece_split(t, i, within);
			i++;
		}
		memmove(&t->p[i + 1], &t->p[i], (t->np - i) * sizeof(*t->p));
		t->p[i] = np;
		t->np++;
	}
	t->size += len;
	t->newlines += np.nl;
	t->ix->valid = false;
	return 0;
}

int text_delete(struct text *t, size_t pos, size_t len)
{
	size_t within, i, j, removed_nl = 0, left = len;

	if (pos > t->size || len > t->size - pos)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (pieces_reserve(t, 2) < 0)
		return -ENOMEM;
	i = piece_at(t, pos, &within);
	if (within > 0) {
		piece_split(t, i, within);
		i++;
	}
	/* Pieces i.. start at pos: drop whole ones, trim the last. */
	for (j = i; j < t->np && left > 0; j++) {
		if (t->p[j].len > left) {
			struct piece rest = piece_make(t, t->p[j].block, t->p[j].off + left, t->p[j].len - left);

			removed_nl += t->p[j].nl - rest.nl;
			t->p[j] = rest;
			left = 0;
			break;
		}
		left -= t->p[j].len;
		removed_nl += t->p[j].nl;
	}
	memmove(&t->p[i], &t->p[j], (t->np - j) * sizeof(*t->p));
	t->np -= j - i;
	t->size -= len;
	t->newlines -= removed_nl;
	t->ix->valid = false;
	return 0;
}

const char *text_chunk(const struct text *t, size_t pos, size_t *len)
{
	size_t within, i = piece_at(t, pos, &within);

	if (i == t->np) {
		*len = 0;
		return "";
	}
	*len = t->p[i].len - within;
	return t->b[t->p[i].block].data + t->p[i].off + within;
}

size_t text_read(const struct text *t, size_t pos, size_t len, char *out)
{
	size_t within, i, done = 0;

	if (pos >= t->size)
		return 0;
	if (len > t->size - pos)
		len = t->size - pos;
	i = piece_at(t, pos, &within);
	for (; i < t->np && done < len; i++, within = 0) {
		size_t n = t->p[i].len - within;

		if (n > len - done)
			n = len - done;
		memcpy(out + done, t->b[t->p[i].block].data + t->p[i].off + within, n);
		done += n;
	}
	return done;
}

int text_byte(const struct text *t, size_t pos)
{
	char c;

	return text_read(t, pos, 1, &c) == 1 ? (unsigned char)c : -1;
}

bool text_line_start(const struct text *t, size_t line, size_t *pos)
{
	size_t want, start = 0;
	const struct piece_index *ix;

	if (line < 1 || line > t->newlines + 1)
		return false;
	if (line == 1) {
		*pos = 0;
		return true;
	}
	want = line - 1; /* the line starts after the want-th newline */
	if ((ix = index_get(t))) {
		/* the first piece whose end has at least want newlines before it */
		size_t lo = 0, hi = t->np - 1, k;
		const struct piece *p;
		const struct block *b;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (ix->nl[mid + 1] >= want)
				hi = mid;
			else
				lo = mid + 1;
		}
		p = &t->p[lo];
		b = &t->b[p->block];
		k = nl_lower(b, p->off) + (want - ix->nl[lo]) - 1;
		*pos = ix->byte[lo] + (b->nl[k] - p->off) + 1;
		return true;
	}
	for (size_t i = 0; i < t->np; i++) {
		const struct piece *p = &t->p[i];

		if (want <= p->nl) {
			const struct block *b = &t->b[p->block];
			size_t k = nl_lower(b, p->off) + want - 1;

			*pos = start + (b->nl[k] - p->off) + 1;
			return true;
		}
		want -= p->nl;
		start += p->len;
	}
	return false; /* unreachable: counts are consistent */
}

size_t text_count_newlines(const struct text *t, size_t pos, size_t len)
{
	size_t within, i, n = 0;

	if (pos >= t->size)
		return 0;
	if (len > t->size - pos)
		len = t->size - pos;
	i = piece_at(t, pos, &within);
	for (; i < t->np && len > 0; i++, within = 0) {
		size_t take = t->p[i].len - within;

		if (take > len)
			take = len;
		n += (within == 0 && take == t->p[i].len)
			     ? t->p[i].nl
			     : nl_between(&t->b[t->p[i].block], t->p[i].off + within, take);
		len -= take;
	}
	return n;
}

size_t text_line_of(const struct text *t, size_t pos)
{
	size_t start = 0, line = 1, within, i;
	const struct piece_index *ix;

	if (pos > t->size)
		pos = t->size;
	if (pos == t->size)
		return 1 + t->newlines;
	if ((ix = index_get(t))) {
		i = piece_at(t, pos, &within);
		return 1 + ix->nl[i] + nl_between(&t->b[t->p[i].block], t->p[i].off, within);
	}
	for (i = 0; i < t->np; i++) {
		const struct piece *p = &t->p[i];

		if (pos < start + p->len)
			return line + nl_between(&t->b[p->block], p->off, pos - start);
		line += p->nl;
		start += p->len;
	}
	return line;
}
