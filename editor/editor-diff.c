/* Line diffs of two texts, by libgit2 (its xdiff, Myers with git's
 * heuristics), with zero lines of context so that every hunk is exactly a
 * block of changed lines.
 *
 * xdiff hashes every line of both sides, so a one-line change in a
 * 250,000-line file costs it 160 ms. Most diffs encide asks for differ in a
 * few places, so the common leading and trailing whole lines are cut off
 * first (a memcmp), and only the middle goes to xdiff:
 *
 *   a:  [ same lines ... ][ middle of a ][ same lines ... ]
 *   b:  [ same lines ... ][ middle of b  ][ same lines ... ]
 *        `-- prefix P lines               `-- suffix, at a line start in both
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "editor/editor-diff.h"

static pthread_once_t libgit2_once = PTHREAD_ONCE_INIT;

static void libgit2_init_once(void)
{
	git_libgit2_init();
}

void diff_libgit2_init(void)
{
	pthread_once(&libgit2_once, libgit2_init_once);
}

size_t diff_line_count(const char *s, size_t len)
{
	size_t n = 1;

	for (const char *p = s, *end = s + len; p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	return n;
}

/* Collects hunks, their lines moved by the skipped prefix. */
struct collect {
	struct diff_hunk *v; /* hunks so far */
	size_t n, cap;       /* used, allocated */
	size_t prefix;       /* lines skipped before the middle */
	bool nomem;          /* a hunk could not be kept */
};

static int on_hunk(const git_diff_delta *delta, const git_diff_hunk *h, void *arg)
{
	struct collect *c = arg;
	struct diff_hunk hk;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct diff_hunk *v = realloc(c->v, cap * sizeof(*v));

		if (!v) {
			c->nomem = true;
			return -1;
		}
		c->v = v;
		c->cap = cap;
	}
	/* git numbers an empty side by the line before it: ours by the one after. */
	hk.old_count = (size_t)h->old_lines;
	hk.new_count = (size_t)h->new_lines;
	hk.old_start = c->prefix + (size_t)h->old_start + (h->old_lines == 0);
	hk.new_start = c->prefix + (size_t)h->new_start + (h->new_lines == 0);
	c->v[c->n++] = hk;
	return 0;
}

int diff_lines(const char *a, size_t alen, const char *b, size_t blen, struct diff_hunk **out, size_t *n)
{
	git_diff_options opts;
	struct collect c = { 0 };
	size_t pre = 0, suf = 0, min = alen < blen ? alen : blen;
	int err;

	*out = NULL;
	*n = 0;
	diff_libgit2_init();
	/* The common prefix, cut back to the start of its last line. */
	while (pre < min && a[pre] == b[pre])
		pre++;
	if (pre == alen && pre == blen)
		return 0;
	while (pre > 0 && a[pre - 1] != '\n')
		pre--;
	/* The common suffix (not into the prefix), cut forward to a line start. */
	while (suf < min - pre && a[alen - 1 - suf] == b[blen - 1 - suf])
		suf++;
	if (suf > 0 && !((alen - suf == 0 || a[alen - suf - 1] == '\n') &&
			 (blen - suf == 0 || b[blen - suf - 1] == '\n'))) {
		const char *nl = memchr(a + alen - suf, '\n', suf);

		suf = nl ? (size_t)(a + alen - nl - 1) : 0;
	}
	for (size_t i = 0; i < pre; i++)
		c.prefix += a[i] == '\n';
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.context_lines = 0;
	opts.interhunk_lines = 0;
	opts.flags = GIT_DIFF_FORCE_TEXT;
	err = git_diff_buffers(a + pre, alen - pre - suf, NULL, b + pre, blen - pre - suf, NULL, &opts,
			       NULL, NULL, on_hunk, NULL, &c);
	if (err != 0) {
		free(c.v);
		return c.nomem ? -ENOMEM : -EIO;
	}
	*out = c.v;
	*n = c.n;
	return 0;
}
