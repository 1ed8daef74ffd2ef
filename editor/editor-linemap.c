/* Line maps: where each line of one version of a buffer is in another,
 * computed from the edit operations between them, never from the texts.
 *
 * A line follows its first byte. An edit moves whole runs of lines by the
 * same amount, so a map is a short sorted list of segments of old lines,
 * each with one shift (or "deleted"):
 *
 *   old lines   1 ........ 9 | 10 | 11 ..... 13 | 14 .............. 200
 *   segment     shift 0      | del| del         | shift -4
 *                            `-- a 4-line block was deleted here --'
 *
 * One operation is such a list too (at most four segments), so applying an
 * operation to a map and composing two maps are the same walk: push each
 * segment's image through the second list's segments.
 *
 * Insert at line Lp, column cp, of text holding k newlines:
 *   lines < Lp stay; line Lp moves by k if cp is 0 (its first byte was pushed
 *   down) else stays; lines > Lp move by k.
 * Delete from line Lp, column cp, of text holding k newlines (to line Lq =
 * Lp + k):
 *   lines < Lp stay; line Lp is deleted if cp is 0 and k > 0 (all of it,
 *   newline included, went) else stays; lines Lp+1 .. Lq-1 are deleted; line
 *   Lq and below move up by k (Lq's surviving tail now sits on line Lp).
 *
 * Undo is the inverse operation, so replaying "delete line 5, undo" would map
 * line 5 to deleted; editor-buf.c cancels an operation and its inverse when
 * both lie in the range before replaying (see buf_linemap).
 *
 * A map can also come from a line diff (linemap_from_hunks), when nobody saw
 * the edits: a file rewritten by another program, two stored snapshots. It
 * is then a guess (seed 003: the same two texts can come from edits that
 * moved a line up or down) and says so; a composition with a guess is a
 * guess. Inside a hunk of m old and n new lines, the first min(m, n) old
 * lines are taken to be edited in place (old line i -> new line i of the
 * hunk) and the rest deleted:
 *
 *   old  10 11 12 13 |14        new  10 11 |12 13 14
 *   hunk [10, 4) -> [10, 2):   10->10, 11->11, 12 and 13 deleted, 14->12
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "editor/editor.h"
#include "editor/editor-diff.h"
#include "editor/editor-linemap.h"

struct seg {
	size_t from;    /* first old line of the segment */
	long shift;     /* new line = old line + shift */
	bool deleted;   /* the segment's lines are gone (shift unused) */
};

struct linemap {
	struct seg *s;      /* segments, ascending from, s[0].from == 1 */
	size_t n;           /* segments used */
	size_t old_lines;   /* lines in the old version */
	size_t new_lines;   /* lines in the new version */
	bool guess;         /* made from a diff, not from the edits */
};

/* Appends a segment, merging it into the previous one when they agree. */
static int seg_push(struct linemap *m, size_t *cap, struct seg sg)
{
	if (m->n > 0) {
		struct seg *last = &m->s[m->n - 1];

		if (last->deleted == sg.deleted && (sg.deleted || last->shift == sg.shift))
			return 0;
	}
	if (m->n == *cap) {
		size_t c = *cap ? 2 * *cap : 8;
		struct seg *v = realloc(m->s, c * sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->s = v;
		*cap = c;
	}
	m->s[m->n++] = sg;
	return 0;
}

struct linemap *linemap_identity(size_t lines)
{
	struct linemap *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->s = malloc(sizeof(*m->s));
	if (!m->s) {
		free(m);
		return NULL;
	}
	m->s[0] = (struct seg){ 1, 0, false };
	m->n = 1;
	m->old_lines = m->new_lines = lines;
	return m;
}

void linemap_free(struct linemap *m)
{
	if (!m)
		return;
	free(m->s);
	free(m);
}

size_t linemap_old_lines(const struct linemap *m)
{
	return m->old_lines;
}

size_t linemap_new_lines(const struct linemap *m)
{
	return m->new_lines;
}

bool linemap_guess(const struct linemap *m)
{
	return m->guess;
}

void linemap_set_guess(struct linemap *m)
{
	m->guess = true;
}

/* Last line of segment i of m. */
static size_t seg_last(const struct linemap *m, size_t i)
{
	return i + 1 < m->n ? m->s[i + 1].from - 1 : m->old_lines;
}

/* The segment of m holding line (m->s[0].from is 1, line >= 1). */
static size_t seg_find(const struct linemap *m, size_t line)
{
	size_t lo = 0, hi = m->n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->s[mid].from <= line)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

size_t linemap_get(const struct linemap *m, size_t line)
{
	size_t i;

	if (line < 1 || line > m->old_lines)
		return 0;
	i = seg_find(m, line);
	return m->s[i].deleted ? 0 : (size_t)((long)line + m->s[i].shift);
}

struct linemap *linemap_compose(const struct linemap *a, const struct linemap *b)
{
	struct linemap *c = calloc(1, sizeof(*c));
	size_t cap = 0;

	if (!c)
		return NULL;
	assert(a->new_lines == b->old_lines);
	c->old_lines = a->old_lines;
	c->new_lines = b->new_lines;
	c->guess = a->guess || b->guess;
	for (size_t i = 0; i < a->n; i++) {
		size_t first = a->s[i].from, last = seg_last(a, i);
		long sh = a->s[i].shift;

		if (first > last)
			continue;
		if (a->s[i].deleted) {
			if (seg_push(c, &cap, (struct seg){ first, 0, true }) < 0)
				goto nomem;
			continue;
		}
		/* Walk the image [first + sh, last + sh] across b's segments. */
		for (size_t line = first; line <= last;) {
			size_t img = (size_t)((long)line + sh);
			size_t j = seg_find(b, img), bend = seg_last(b, j);

			if (seg_push(c, &cap, (struct seg){ line, sh + b->s[j].shift, b->s[j].deleted }) < 0)
				goto nomem;
			if ((long)bend >= (long)last + sh)
				break;
			line = (size_t)((long)bend - sh) + 1;
		}
	}
	if (c->n == 0 && seg_push(c, &cap, (struct seg){ 1, 0, false }) < 0)
		goto nomem;
	return c;
nomem:
	linemap_free(c);
	return NULL;
}

/* The map of one operation on a version of `lines` lines (see the essay). */
struct linemap *linemap_of_op(size_t lines, bool insert, size_t line, bool at_line_start, size_t k)
{
	struct linemap *m = calloc(1, sizeof(*m));
	size_t cap = 0;
	int err = 0;

	if (!m)
		return NULL;
	m->old_lines = lines;
	m->new_lines = insert ? lines + k : lines - k;
	if (line > 1)
		err |= seg_push(m, &cap, (struct seg){ 1, 0, false });
	if (insert) {
		err |= seg_push(m, &cap, (struct seg){ line, at_line_start ? (long)k : 0, false });
		err |= seg_push(m, &cap, (struct seg){ line + 1, (long)k, false });
	} else if (k == 0) {
		err |= seg_push(m, &cap, (struct seg){ line, 0, false });
	} else {
		err |= seg_push(m, &cap, (struct seg){ line, 0, at_line_start });
		if (k >= 2)
			err |= seg_push(m, &cap, (struct seg){ line + 1, 0, true });
		err |= seg_push(m, &cap, (struct seg){ line + k, -(long)k, false });
	}
	if (err) {
		linemap_free(m);
		return NULL;
	}
	/* Drop segments that start past the last line (merging kept order). */
	while (m->n > 1 && m->s[m->n - 1].from > m->old_lines)
		m->n--;
	return m;
}

/* Appends a segment that may start where the last one did (it wins). */
static int seg_put(struct linemap *m, size_t *cap, struct seg sg)
{
	if (m->n > 0 && m->s[m->n - 1].from == sg.from)
		m->n--;
	return seg_push(m, cap, sg);
}

struct linemap *linemap_from_hunks(size_t old_lines, size_t new_lines, const struct diff_hunk *h, size_t n)
{
	struct linemap *m = calloc(1, sizeof(*m));
	size_t cap = 0;
	int err = 0;

	if (!m)
		return NULL;
	m->old_lines = old_lines;
	m->new_lines = new_lines;
	m->guess = true;
	err |= seg_put(m, &cap, (struct seg){ 1, 0, false });
	for (size_t i = 0; i < n; i++) {
		size_t same = h[i].old_count < h[i].new_count ? h[i].old_count : h[i].new_count;
		long shift = (long)h[i].new_start - (long)h[i].old_start;

		if (same)
			err |= seg_put(m, &cap, (struct seg){ h[i].old_start, shift, false });
		if (h[i].old_count > same)
			err |= seg_put(m, &cap, (struct seg){ h[i].old_start + same, 0, true });
		/* The lines after the hunk, up to the next one. */
		err |= seg_put(m, &cap, (struct seg){ h[i].old_start + h[i].old_count,
						      shift + (long)h[i].new_count - (long)h[i].old_count, false });
	}
	if (err) {
		linemap_free(m);
		return NULL;
	}
	/* A segment pushed for "after the last line" is not a line. */
	while (m->n > 1 && m->s[m->n - 1].from > m->old_lines)
		m->n--;
	/* The old text's empty last line (after its final newline) can become
	 * the new text's last line, which has no newline: git counts neither,
	 * so the hunks push it one past the end. */
	if (old_lines > 0 && linemap_get(m, old_lines) > new_lines) {
		size_t before = 0;
		bool taken;

		for (size_t l = old_lines - 1; l >= 1 && !before; l--)
			before = linemap_get(m, l);
		taken = before == new_lines;

		if (seg_put(m, &cap, (struct seg){ old_lines, (long)new_lines - (long)old_lines, taken }) < 0) {
			linemap_free(m);
			return NULL;
		}
	}
	return m;
}
