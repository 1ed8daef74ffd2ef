/* The edit log: the list of every operation on a buffer, the undo and redo
 * steps over it, version tags, and line maps computed by replaying it.
 *
 * Undo is linear: a step is a run of consecutive versions. Undoing a step
 * records the inverse of each of its operations (newest first) as new
 * operations that name the one they invert; redo does the same to an undo
 * step. So the log only grows, and any two versions can be related.
 *
 *   v1 v2 v3 | v4=undo(v3) | v5=undo(v2) v6=undo(v1)? ...
 *   undo list: [v1..v2] [v3]   redo list: (empty)
 *   after undo:  undo list [v1..v2]   redo list [v4]
 *
 * Replaying for a line map: an operation and its inverse cancel when both
 * lie in the range. A map that replays an operation made from a diff (a
 * reload of a file changed on disk) is a guess. Because undo is linear they nest like brackets, so one
 * stack pass finds the pairs; what is left is replayed in order, each
 * operation's recorded lines being valid in the state where it is replayed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "editor/editor-linemap.h"
#include "editor/editor-log.h"

struct step {
	uint64_t first, last; /* versions of the step's operations */
};

struct steps {
	struct step *v; /* oldest first: the top is the end */
	size_t n, cap;  /* used, allocated */
};

struct tag {
	uint64_t version; /* the version named */
	char *name;       /* its name (owned) */
};

struct editlog {
	struct edit_op *ops;  /* ops[v - 1] is version v */
	size_t n, cap;        /* used, allocated */
	size_t lines0;        /* lines of version 0 */
	struct steps undo;    /* steps undo can take, newest last */
	struct steps redo;    /* steps redo can take, newest last */
	int depth;            /* nesting of editlog_begin */
	bool in_group;        /* a user group is open and has a step */
	int inverting;        /* 0, or 1/2 while recording an undo/redo step */
	bool inverse_started; /* the inverse step got its first operation */
	struct tag *tags;     /* version names */
	size_t ntags;         /* entries in tags */
};

struct editlog *editlog_new(size_t lines)
{
	struct editlog *log = calloc(1, sizeof(*log));

	if (log)
		log->lines0 = lines;
	return log;
}

static void steps_release(struct steps *s)
{
	free(s->v);
}

void editlog_free(struct editlog *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < log->n; i++)
		free(log->ops[i].text);
	for (size_t i = 0; i < log->ntags; i++)
		free(log->tags[i].name);
	free(log->ops);
	free(log->tags);
	steps_release(&log->undo);
	steps_release(&log->redo);
	free(log);
}

uint64_t editlog_version(const struct editlog *log)
{
	return log->n;
}

const struct edit_op *editlog_op(const struct editlog *log, uint64_t v)
{
	return v >= 1 && v <= log->n ? &log->ops[v - 1] : NULL;
}

size_t editlog_lines_at(const struct editlog *log, uint64_t v)
{
	return v == 0 || v > log->n ? log->lines0 : log->ops[v - 1].lines_after;
}

static int steps_push(struct steps *s, uint64_t v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;
		struct step *p = realloc(s->v, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->v = p;
		s->cap = cap;
	}
	s->v[s->n++] = (struct step){ v, v };
	return 0;
}

void editlog_begin(struct editlog *log)
{
	if (log->depth++ == 0)
		log->in_group = false;
}

void editlog_end(struct editlog *log)
{
	if (log->depth > 0 && --log->depth == 0)
		log->in_group = false;
}

int editlog_record(struct editlog *log, const struct edit_op *op)
{
	uint64_t v = log->n + 1;
	struct steps *s = log->inverting == 1 ? &log->redo : &log->undo;
	/* Does this operation start a new step, or extend the open one? */
	bool new_step = log->inverting ? !log->inverse_started : !(log->depth > 0 && log->in_group);
	char *text;

	if (log->n == log->cap) {
		size_t cap = log->cap ? 2 * log->cap : 64;
		struct edit_op *p = realloc(log->ops, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		log->ops = p;
		log->cap = cap;
	}
	text = malloc(op->len ? op->len : 1);
	if (!text)
		return -ENOMEM;
	if (new_step && steps_push(s, v) < 0) {
		free(text);
		return -ENOMEM;
	}
	/* Nothing fails from here on. */
	memcpy(text, op->text, op->len);
	log->ops[log->n] = *op;
	log->ops[log->n].text = text;
	log->ops[log->n].version = v;
	log->n++;
	s->v[s->n - 1].last = v;
	if (log->inverting) {
		log->inverse_started = true;
	} else {
		if (log->depth > 0)
			log->in_group = true;
		log->redo.n = 0; /* a new edit forgets what was undone */
	}
	return 0;
}

bool editlog_undo_range(const struct editlog *log, uint64_t *first, uint64_t *last)
{
	if (log->undo.n == 0)
		return false;
	*first = log->undo.v[log->undo.n - 1].first;
	*last = log->undo.v[log->undo.n - 1].last;
	return true;
}

bool editlog_redo_range(const struct editlog *log, uint64_t *first, uint64_t *last)
{
	if (log->redo.n == 0)
		return false;
	*first = log->redo.v[log->redo.n - 1].first;
	*last = log->redo.v[log->redo.n - 1].last;
	return true;
}

void editlog_undo_begin(struct editlog *log, bool redo)
{
	struct steps *from = redo ? &log->redo : &log->undo;

	if (from->n > 0)
		from->n--;
	log->inverting = redo ? 2 : 1;
	log->inverse_started = false;
}

void editlog_undo_end(struct editlog *log)
{
	log->inverting = 0;
	log->inverse_started = false;
}

/* The operations in (lo, hi] left after cancelling inverse pairs, in order;
 * *out is a new array of versions the caller frees. */
static int effective_ops(const struct editlog *log, uint64_t lo, uint64_t hi, uint64_t **out, size_t *n)
{
	uint64_t *stack = malloc((size_t)(hi - lo + 1) * sizeof(*stack));
	size_t top = 0;

	if (!stack)
		return -ENOMEM;
	for (uint64_t v = lo + 1; v <= hi; v++) {
		const struct edit_op *op = &log->ops[v - 1];

		if (op->inverts && top > 0 && stack[top - 1] == op->inverts)
			top--;
		else
			stack[top++] = v;
	}
	*out = stack;
	*n = top;
	return 0;
}

/* True when op came from a diff: a reload's operation, or the undo or redo
 * of one (followed back through what each inverts). */
static bool from_diff(const struct editlog *log, const struct edit_op *op)
{
	while (op->origin != EDIT_OUTSIDE && op->inverts >= 1 && op->inverts < op->version)
		op = &log->ops[op->inverts - 1];
	return op->origin == EDIT_OUTSIDE;
}

struct linemap *editlog_linemap(const struct editlog *log, uint64_t from, uint64_t to)
{
	bool forward = from <= to;
	uint64_t lo = forward ? from : to, hi = forward ? to : from, *ops;
	struct linemap *map;
	size_t n, lines;

	if (hi > log->n)
		return NULL;
	map = linemap_identity(editlog_lines_at(log, from));
	if (!map || effective_ops(log, lo, hi, &ops, &n) < 0) {
		linemap_free(map);
		return NULL;
	}
	lines = editlog_lines_at(log, from);
	for (size_t i = 0; i < n; i++) {
		const struct edit_op *op = &log->ops[ops[forward ? i : n - 1 - i] - 1];
		/* Backwards, each operation is undone: an insert becomes a delete. */
		bool insert = forward ? op->insert : !op->insert;
		struct linemap *step = linemap_of_op(lines, insert, op->line, op->col == 0, op->newlines);
		struct linemap *next = step ? linemap_compose(map, step) : NULL;

		linemap_free(step);
		linemap_free(map);
		map = next;
		if (!map)
			break;
		if (from_diff(log, op))
			linemap_set_guess(map);
		lines = linemap_new_lines(map);
	}
	free(ops);
	return map;
}

int editlog_tag(struct editlog *log, uint64_t v, const char *name)
{
	struct tag *t = realloc(log->tags, (log->ntags + 1) * sizeof(*t));

	if (!t)
		return -ENOMEM;
	log->tags = t;
	t[log->ntags].version = v;
	t[log->ntags].name = strdup(name);
	if (!t[log->ntags].name)
		return -ENOMEM;
	log->ntags++;
	return 0;
}

bool editlog_tagged(const struct editlog *log, const char *name, uint64_t *v)
{
	for (size_t i = log->ntags; i-- > 0;) {
		if (strcmp(log->tags[i].name, name) == 0) {
			*v = log->tags[i].version;
			return true;
		}
	}
	return false;
}
