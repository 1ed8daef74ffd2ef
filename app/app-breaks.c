/* Breakpoints set on lines of open buffers follow the edits made to them:
 * type two lines above a breakpoint and it is on the same statement, two
 * lines further down, in the gutter, in `info breakpoints`, and when the
 * program is built and run again. Each such breakpoint is anchored to the
 * buffer version its line was last true in; before a command runs and
 * before the screen is drawn, the edits since are replayed through the edit
 * log's line map (pull, not a bus message per keystroke). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "debugger/debugger.h"
#include "editor/editor.h"

/* A breakpoint whose FILE:LINE is in an open buffer. */
struct anchor {
	int id;              /* the breakpoint */
	struct buffer *buf;  /* the buffer of its file (owned by the app) */
	uint64_t version;    /* the buffer's version its line is true in */
};

struct anchors {
	struct anchor *v;    /* anchored breakpoints */
	size_t n;            /* how many */
};

/* The line of a FILE:LINE location, or 0. */
static long location_line(const char *location)
{
	const char *colon = strrchr(location, ':');
	char *end;
	long line = colon && colon > location ? strtol(colon + 1, &end, 10) : 0;

	return line > 0 && !*end ? line : 0;
}

/* The open buffer of the file a FILE:LINE location names, or NULL. */
static struct buffer *location_buffer(struct app *app, const char *location)
{
	const char *colon = strrchr(location, ':');
	char file[PATH_MAX], a[PATH_MAX], b[PATH_MAX];

	if (!colon || (size_t)(colon - location) >= sizeof(file))
		return NULL;
	memcpy(file, location, (size_t)(colon - location));
	file[colon - location] = '\0';
	for (size_t i = 0; i < app->nbufs; i++) {
		const char *path = buf_path(app->bufs[i]);

		if (strcmp(path, file) == 0 || (realpath(path, a) && realpath(file, b) && strcmp(a, b) == 0))
			return app->bufs[i];
	}
	/* a relative FILE: by the end of the buffer's path */
	for (size_t i = 0; i < app->nbufs; i++) {
		const char *path = buf_path(app->bufs[i]);
		size_t lp = strlen(path), lf = strlen(file);

		if (lf < lp && path[lp - lf - 1] == '/' && strcmp(path + lp - lf, file) == 0)
			return app->bufs[i];
	}
	return NULL;
}

void app_breakpoint_anchor(struct app *app, int id)
{
	struct anchors *a = app->anchors;
	const struct dbg_bp_info *list;
	size_t n = dbg_break_list(app->dbg, &list);
	struct anchor *v;
	struct buffer *buf = NULL;

	for (size_t i = 0; i < n && !buf; i++)
		if (list[i].id == id && location_line(list[i].location))
			buf = location_buffer(app, list[i].location);
	if (!buf)
		return;
	if (!a && !(a = app->anchors = calloc(1, sizeof(*a))))
		return;
	if (!(v = realloc(a->v, (a->n + 1) * sizeof(*v))))
		return;
	a->v = v;
	v[a->n++] = (struct anchor){ id, buf, buf_version(buf) };
}

void app_breakpoints_follow(struct app *app)
{
	struct anchors *a = app->anchors;
	const struct dbg_bp_info *list;
	size_t n, kept = 0;

	if (!a || !a->n)
		return;
	n = dbg_break_list(app->dbg, &list);
	for (size_t k = 0; k < a->n; k++) {
		struct anchor *an = &a->v[k];
		const struct dbg_bp_info *bp = NULL;
		struct linemap *m;
		long line;
		size_t to;

		for (size_t i = 0; i < n && !bp; i++)
			if (list[i].id == an->id)
				bp = &list[i];
		if (!bp || !(line = location_line(bp->location)))
			continue; /* deleted: the anchor goes */
		if (buf_version(an->buf) != an->version && (m = buf_linemap(an->buf, an->version, buf_version(an->buf)))) {
			/* A deleted line keeps its number (VS keeps the
			 * breakpoint where it was); others move with the text. */
			to = linemap_get(m, (size_t)line);
			linemap_free(m);
			if (to && (long)to != line)
				dbg_break_move(app->dbg, an->id, (int)to);
			an->version = buf_version(an->buf);
		}
		a->v[kept++] = *an;
	}
	a->n = kept;
}

void app_breakpoints_release(struct app *app)
{
	struct anchors *a = app->anchors;

	if (a)
		free(a->v);
	free(a);
	app->anchors = NULL;
}
