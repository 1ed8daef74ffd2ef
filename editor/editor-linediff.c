/* Changed lines of a buffer against a base text (the change gutter: the
 * file's blob in HEAD), kept up to date as the user types without diffing
 * the whole file again.
 *
 * A full diff of a 250,000-line file costs xdiff 160 ms, far over the
 * keystroke budget. But the hunks of version v stay right wherever the
 * edits since v did not reach: the operations v+1..now say which lines they
 * touched, as one dirty range (their hull, carried through each later
 * operation). Only that range, widened to the hunks it touches, is diffed
 * again; the hunks before it stay, those after it move by the lines added:
 *
 *   hunks at v:      [h1]     [h2]  [h3]            [h4]
 *   dirty lines:                  xxxxxx
 *   window:                 [ h2 xxxxxx h3 ]
 *   base lines of the window (by the offsets of the hunks before it)
 *   diffed with the buffer lines of the window now; h4 moves by delta.
 *
 * Between two hunks there is always at least one unchanged line, the same
 * on both sides, so the window's ends line up with the base exactly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "editor/editor.h"
#include "editor/editor-diff.h"

struct linediff {
	const struct buffer *buf; /* the buffer (borrowed) */
	char *base;               /* the base text (owned), NULL when none */
	size_t baselen;           /* its bytes */
	size_t *base_off;         /* base_off[l] = offset of base line l (1-based), [nbase + 1] = baselen */
	size_t nbase;             /* base lines */
	struct diff_hunk *h;      /* hunks valid at version */
	size_t nh, caph;          /* how many, allocated */
	bool valid;               /* h is the diff of the buffer at version */
	uint64_t version;         /* the buffer version h describes */
	size_t lines;             /* the buffer's lines at version */
	struct line_change *ch;   /* h as gutter marks */
	size_t nch, capch;        /* how many, allocated */
	size_t full, partial;     /* diffs done so far, of each kind */
};

int linediff_new(struct linediff **out, const struct buffer *buf)
{
	struct linediff *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->buf = buf;
	*out = d;
	return 0;
}

void linediff_free(struct linediff *d)
{
	if (!d)
		return;
	free(d->base);
	free(d->base_off);
	free(d->h);
	free(d->ch);
	free(d);
}

int linediff_set_base(struct linediff *d, const char *data, size_t len)
{
	char *copy = NULL;
	size_t *off = NULL, n = 0;

	if (data) {
		n = diff_line_count(data, len);
		copy = malloc(len + 1);
		off = malloc((n + 2) * sizeof(*off));
		if (!copy || !off) {
			free(copy);
			free(off);
			return -ENOMEM;
		}
		memcpy(copy, data, len);
		copy[len] = '\0';
		off[1] = 0;
		for (size_t i = 0, l = 1; i < len; i++)
			if (data[i] == '\n')
				off[++l] = i + 1;
		off[n + 1] = len;
	}
	free(d->base);
	free(d->base_off);
	free(d->h);
	d->h = NULL;
	d->caph = 0;
	d->base = copy;
	d->baselen = len;
	d->base_off = off;
	d->nbase = n;
	d->valid = false;
	d->nh = 0;
	d->nch = 0;
	return 0;
}

bool linediff_has_base(const struct linediff *d)
{
	return d->base != NULL;
}

/* The buffer's lines [first, last] (inclusive; empty when last < first). */
static char *buffer_slice(const struct buffer *buf, size_t first, size_t last, size_t *len)
{
	size_t start, end, next;
	char *s;

	if (last < first || !buf_line_span(buf, first, &start, &end)) {
		*len = 0;
		return calloc(1, 1);
	}
	if (buf_line_span(buf, last + 1, &next, &end))
		end = next;
	else
		end = buf_size(buf);
	*len = end - start;
	s = malloc(*len + 1);
	if (s)
		buf_read(buf, start, *len, s);
	return s;
}

static int full_diff(struct linediff *d)
{
	size_t len, n;
	struct diff_hunk *h;
	char *text = buffer_slice(d->buf, 1, buf_line_count(d->buf), &len);
	int err;

	if (!text)
		return -ENOMEM;
	err = diff_lines(d->base, d->baselen, text, len, &h, &n);
	free(text);
	if (err < 0)
		return err;
	free(d->h);
	d->h = h;
	d->nh = d->caph = n;
	d->full++;
	return 0;
}

/* The hull of the lines the operations after d->version touched, in the
 * current version's lines. */
static void dirty_range(const struct linediff *d, uint64_t now, size_t *first, size_t *last)
{
	bool have = false;
	size_t h1 = 0, h2 = 0;

	for (uint64_t v = d->version + 1; v <= now; v++) {
		const struct edit_op *op = buf_op(d->buf, v);
		size_t l = op->line, k = op->newlines, t1 = l, t2 = op->insert ? l + k : l;

		if (have && op->insert) {
			h1 = h1 <= l ? h1 : h1 + k;
			h2 = h2 < l ? h2 : h2 + k;
		} else if (have) {
			h1 = h1 <= l ? h1 : h1 <= l + k ? l : h1 - k;
			h2 = h2 <= l ? h2 : h2 <= l + k ? l : h2 - k;
		}
		h1 = have && h1 < t1 ? h1 : t1;
		h2 = have && h2 > t2 ? h2 : t2;
		have = true;
	}
	*first = h1;
	*last = h2;
}

static int partial_diff(struct linediff *d, uint64_t now)
{
	size_t d1, d2, a = 0, b, nn, olen, nlen, off = 0, absorbed = 0;
	long delta = (long)buf_line_count(d->buf) - (long)d->lines, w1, w2, o1, o2;
	struct diff_hunk *nh = NULL, *v;
	char *ns;
	int err;

	dirty_range(d, now, &d1, &d2);
	w1 = (long)d1;
	w2 = (long)d2 - delta; /* in the lines of d->version */
	if (w1 < 1 || w2 < w1 - 1)
		return full_diff(d); /* cannot happen; be safe */
	/* The hunks before the window, then those it touches. */
	while (a < d->nh && (long)(d->h[a].new_start + d->h[a].new_count) < w1) {
		off += d->h[a].old_count - d->h[a].new_count;
		a++;
	}
	for (b = a; b < d->nh && (long)d->h[b].new_start <= w2 + 1; b++) {
		long s = (long)d->h[b].new_start, e = s + (long)d->h[b].new_count - 1;

		w1 = s < w1 ? s : w1;
		w2 = e > w2 ? e : w2;
		absorbed += d->h[b].old_count - d->h[b].new_count;
	}
	/* The window's base lines, by the offsets of the hunks before it (off
	 * and absorbed are differences of size_t: the wrap-around is exact). */
	o1 = w1 + (long)off;
	o2 = w2 + (long)off + (long)absorbed;
	if (o1 < 1 || o2 > (long)d->nbase || o2 < o1 - 1) {
		return full_diff(d); /* cannot happen; be safe */
	}
	olen = o2 < o1 ? 0 : d->base_off[o2 + 1] - d->base_off[o1];
	ns = buffer_slice(d->buf, (size_t)w1, (size_t)(w2 + delta), &nlen);
	if (!ns)
		return -ENOMEM;
	err = diff_lines(olen ? d->base + d->base_off[o1] : "", olen, ns, nlen, &nh, &nn);
	free(ns);
	if (err < 0)
		return err;
	for (size_t i = 0; i < nn; i++) {
		nh[i].old_start += (size_t)o1 - 1;
		nh[i].new_start += (size_t)w1 - 1;
	}
	/* h = h[0, a) + nh + h[b, nh) moved by delta, in place (a new array
	 * per keystroke costs more than the diff: malloc consolidates then). */
	if (a + nn + (d->nh - b) > d->caph) {
		size_t cap = 2 * (a + nn + (d->nh - b));

		v = realloc(d->h, cap * sizeof(*v));
		if (!v) {
			free(nh);
			return -ENOMEM;
		}
		d->h = v;
		d->caph = cap;
	}
	if (d->nh > b)
		memmove(d->h + a + nn, d->h + b, (d->nh - b) * sizeof(*d->h));
	if (nn)
		memcpy(d->h + a, nh, nn * sizeof(*d->h));
	d->nh = a + nn + (d->nh - b);
	for (size_t i = a + nn; i < d->nh; i++)
		d->h[i].new_start = (size_t)((long)d->h[i].new_start + delta);
	free(nh);
	d->partial++;
	return 0;
}

/* The hunks as gutter marks. */
static int make_changes(struct linediff *d)
{
	struct line_change *c = d->ch;
	size_t n = 0;

	if (3 * d->nh + 1 > d->capch) {
		c = realloc(d->ch, 2 * (3 * d->nh + 1) * sizeof(*c));
		if (!c)
			return -ENOMEM;
		d->ch = c;
		d->capch = 2 * (3 * d->nh + 1);
	}
	for (size_t i = 0; i < d->nh; i++) {
		const struct diff_hunk *h = &d->h[i];
		size_t same = h->old_count < h->new_count ? h->old_count : h->new_count;

		if (same)
			c[n++] = (struct line_change){ LINE_MODIFIED, h->new_start, same, same };
		if (h->new_count > same)
			c[n++] = (struct line_change){ LINE_ADDED, h->new_start + same, h->new_count - same, 0 };
		if (h->old_count > same)
			c[n++] = (struct line_change){ LINE_DELETED, h->new_start + same, 0, h->old_count - same };
	}
	d->nch = n;
	return 0;
}

int linediff_get(struct linediff *d, const struct line_change **out, size_t *n)
{
	uint64_t now = buf_version(d->buf);
	int err = 0;

	*out = NULL;
	*n = 0;
	if (!d->base)
		return 0;
	if (!d->valid || now != d->version) {
		err = d->valid && now > d->version ? partial_diff(d, now) : full_diff(d);
		if (err == 0)
			err = make_changes(d);
		d->valid = err == 0;
		d->version = now;
		d->lines = buf_line_count(d->buf);
		if (err < 0)
			return err;
	}
	*out = d->ch;
	*n = d->nch;
	return 0;
}

void linediff_counts(const struct linediff *d, size_t *full, size_t *partial)
{
	*full = d->full;
	*partial = d->partial;
}
