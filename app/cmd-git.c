/* Git in the session (editor.h's repo_* and linediff_*): per buffer, the
 * lines changed against the file's blob in HEAD (asked for by the UI's
 * gutter, recomputed only when the buffer or HEAD moved); the project's
 * branch, dirty state and per-file status (status line, file tree), read
 * again when a file is saved or HEAD or the index moved. The commands
 * git-status and git-changes show the same to scripts, with GIT_STATUS and
 * GIT_CHANGES events. A folder outside git, an unborn branch, a detached
 * HEAD and untracked files are all ordinary answers, not errors. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cmd-int.h"
#include "build/build.h"
#include "editor/editor.h"

/* A buffer's gutter state. */
struct git_buf {
	struct buffer *buf;     /* the buffer (owned by the app) */
	struct repo *repo;      /* its repository (in git_state.repos), NULL: none */
	struct linediff *diff;  /* against the blob in HEAD */
	struct blob_id blob;    /* that blob */
	bool has_blob;          /* HEAD has the file (else nothing is marked) */
	uint64_t epoch;         /* the repo's epoch the blob was looked up at */
	bool checked;           /* blob and epoch are valid */
};

struct git_state {
	struct repo **repos;      /* every repository opened, one per working tree */
	size_t nrepos;            /* how many */
	struct git_buf *bufs;     /* per buffer */
	size_t nbufs;             /* how many */
	struct repo *main;        /* the project's (or first buffer's) repository */
	bool main_looked;         /* main was looked for (NULL then: none) */
	struct repo_file *files;  /* main's status, sorted by path */
	size_t nfiles;            /* how many */
	bool status_valid;        /* files is current for status_epoch */
	uint64_t status_epoch;    /* main's epoch files were read at */
	char *published;          /* the last GIT_STATUS, as text, to publish changes only */
};

static struct git_state *state(struct app *app)
{
	if (!app->git)
		app->git = calloc(1, sizeof(struct git_state));
	return app->git;
}

/* The repository holding path (shared by working tree), or NULL. */
static struct repo *repo_for(struct git_state *g, const char *path)
{
	struct repo *r, **v;
	char *err = NULL;

	if (repo_open(&r, path, &err) < 0) {
		free(err);
		return NULL;
	}
	for (size_t i = 0; i < g->nrepos; i++) {
		if (strcmp(repo_workdir(g->repos[i]), repo_workdir(r)) == 0) {
			repo_free(r);
			return g->repos[i];
		}
	}
	v = realloc(g->repos, (g->nrepos + 1) * sizeof(*v));
	if (!v) {
		repo_free(r);
		return NULL;
	}
	g->repos = v;
	g->repos[g->nrepos++] = r;
	return r;
}

/* The directory a file is in (a new string), for repository discovery. */
static char *dir_of(const char *path)
{
	char *d = strdup(path), *slash;

	if (d && (slash = strrchr(d, '/')))
		*(slash == d ? slash + 1 : slash) = '\0';
	return d;
}

static struct git_buf *buf_state(struct app *app, struct buffer *buf)
{
	struct git_state *g = state(app);
	struct git_buf *v;
	char *dir;

	if (!g)
		return NULL;
	for (size_t i = 0; i < g->nbufs; i++)
		if (g->bufs[i].buf == buf)
			return &g->bufs[i];
	v = realloc(g->bufs, (g->nbufs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	g->bufs = v;
	v = &g->bufs[g->nbufs];
	*v = (struct git_buf){ .buf = buf };
	if (linediff_new(&v->diff, buf) < 0)
		return NULL;
	dir = dir_of(buf_path(buf));
	v->repo = dir ? repo_for(g, dir) : NULL;
	free(dir);
	g->nbufs++;
	return v;
}

/* Sets the buffer's base to HEAD's blob, when HEAD moved since last time. */
static int refresh_base(struct git_buf *b)
{
	const struct repo_head *h;
	struct blob_id id;
	char *data = NULL;
	size_t len = 0;
	int err;

	if (!b->repo || repo_head(b->repo, &h) < 0)
		return 0;
	if (b->checked && b->epoch == repo_epoch(b->repo))
		return 0;
	err = repo_head_blob(b->repo, buf_path(b->buf), &id, NULL, NULL);
	if (err == -ENOENT) {
		b->has_blob = false;
		err = linediff_set_base(b->diff, NULL, 0);
	} else if (err == 0 && (!b->has_blob || !blob_id_equal(&id, &b->blob))) {
		err = repo_head_blob(b->repo, buf_path(b->buf), &id, &data, &len);
		if (err == 0)
			err = linediff_set_base(b->diff, data, len);
		free(data);
		b->has_blob = err == 0;
		b->blob = id;
	}
	if (err < 0)
		return err;
	b->epoch = repo_epoch(b->repo);
	b->checked = true;
	return 0;
}

int app_git_changes(struct app *app, struct buffer *buf, const struct line_change **out, size_t *n)
{
	struct git_buf *b = buf_state(app, buf);
	int err;

	*out = NULL;
	*n = 0;
	if (!b)
		return -ENOMEM;
	if ((err = refresh_base(b)) < 0)
		return err;
	return linediff_get(b->diff, out, n);
}

/* The repository the summary is about: the project's, else the current
 * buffer's. */
static struct repo *main_repo(struct app *app)
{
	struct git_state *g = state(app);

	if (!g)
		return NULL;
	if (!g->main_looked) {
		if (app->project)
			g->main = repo_for(g, project_dir(app->project));
		else if (app->view.buf) {
			char *dir = dir_of(buf_path(app->view.buf));

			g->main = dir ? repo_for(g, dir) : NULL;
			free(dir);
		}
		g->main_looked = app->project || app->view.buf;
	}
	return g->main;
}

/* Reads main's status again when stale. */
static int refresh_status(struct app *app, bool force)
{
	struct git_state *g = state(app);
	struct repo *r = main_repo(app);
	const struct repo_head *h;
	int err;

	if (!r)
		return -ENOENT;
	if ((err = repo_head(r, &h)) < 0)
		return err;
	if (!force && g->status_valid && g->status_epoch == repo_epoch(r))
		return 0;
	repo_files_free(g->files, g->nfiles);
	g->files = NULL;
	g->nfiles = 0;
	g->status_valid = false;
	if ((err = repo_status(r, &g->files, &g->nfiles)) < 0)
		return err;
	g->status_valid = true;
	g->status_epoch = repo_epoch(r);
	return 0;
}

int app_git_summary(struct app *app, struct git_summary *out)
{
	struct git_state *g = state(app);
	const struct repo_head *h;
	int err;

	*out = (struct git_summary){ 0 };
	if (!g)
		return -ENOMEM;
	if ((err = refresh_status(app, false)) < 0)
		return err == -ENOENT ? 0 : err;
	if (repo_head(g->main, &h) < 0)
		return -EIO;
	out->repo = true;
	out->workdir = repo_workdir(g->main);
	out->branch = h->branch;
	out->commit = h->commit;
	out->detached = h->detached;
	out->unborn = h->unborn;
	for (size_t i = 0; i < g->nfiles; i++) {
		if (g->files[i].flags & REPO_UNTRACKED)
			out->untracked++;
		else if (!(g->files[i].flags & REPO_IGNORED))
			out->changed++;
	}
	out->dirty = out->changed > 0;
	return 0;
}

char app_git_mark(struct app *app, const char *path)
{
	struct git_state *g = state(app);
	char real[PATH_MAX];
	const char *p = path;

	if (!g || refresh_status(app, false) < 0)
		return ' ';
	/* The tree asks for every row on every draw: resolve only paths that
	 * do not already name the working tree. */
	if (strncmp(path, repo_workdir(g->main), strlen(repo_workdir(g->main))) != 0 && realpath(path, real))
		p = real;
	for (size_t i = 0; i < g->nfiles; i++)
		if (strcmp(g->files[i].path, p) == 0)
			return repo_mark(g->files[i].flags);
	return ' ';
}

/* HEAD's commit, short, for messages. */
static const char *short_id(const char *commit)
{
	static char s[8];

	snprintf(s, sizeof(s), "%.7s", commit);
	return s;
}

/* The summary as one line: what git-status prints first. */
static char *summary_text(const struct git_summary *s)
{
	char *head = NULL, *text = NULL;
	int r;

	if (s->unborn)
		r = asprintf(&head, "branch %s, no commit yet", s->branch ? s->branch : "?");
	else if (s->detached)
		r = asprintf(&head, "HEAD detached at %s", short_id(s->commit));
	else
		r = asprintf(&head, "branch %s at %s", s->branch, short_id(s->commit));
	if (r < 0)
		return NULL;
	if (s->changed || s->untracked)
		r = asprintf(&text, "%s, %s: %zu changed, %zu untracked", head, s->dirty ? "dirty" : "clean",
			     s->changed, s->untracked);
	else
		r = asprintf(&text, "%s, clean", head);
	free(head);
	return r < 0 ? NULL : text;
}

/* Publishes GIT_STATUS when the summary differs from the last one (always
 * when force). */
static void publish_status(struct app *app, bool force)
{
	struct git_state *g = state(app);
	struct git_summary s;
	char *text;

	if (!g || app_git_summary(app, &s) < 0 || !s.repo)
		return;
	text = summary_text(&s);
	if (!text)
		return;
	if (force || !g->published || strcmp(g->published, text) != 0)
		bus_emit_git_status(app->bus, &(struct ev_git_status){
			.workdir = s.workdir, .branch = s.branch, .commit = s.commit, .detached = s.detached,
			.unborn = s.unborn, .dirty = s.dirty, .changed = (int64_t)s.changed,
			.untracked = (int64_t)s.untracked });
	free(g->published);
	g->published = text;
}

/* A file was written (by encide or another program): the status is stale
 * (read again now, so that a change of the summary is published). */
static void on_saved(const struct bus_event *ev, void *arg)
{
	struct app *app = arg;
	struct git_state *g = state(app);

	if (!g || !main_repo(app))
		return;
	g->status_valid = false;
	publish_status(app, false);
}

int git_attach(struct app *app)
{
	/* Written by encide, or by another program (reloaded or noticed). */
	if (bus_subscribe(app->bus, EV_FILE_SAVED, on_saved, app) < 0 ||
	    bus_subscribe(app->bus, EV_FILE_RELOADED, on_saved, app) < 0 ||
	    bus_subscribe(app->bus, EV_FILE_CHANGED_OUTSIDE, on_saved, app) < 0)
		return -ENOMEM;
	return 0;
}

void git_detach(struct app *app)
{
	struct git_state *g = app->git;

	if (!g)
		return;
	for (size_t i = 0; i < g->nbufs; i++)
		linediff_free(g->bufs[i].diff);
	for (size_t i = 0; i < g->nrepos; i++)
		repo_free(g->repos[i]);
	repo_files_free(g->files, g->nfiles);
	free(g->bufs);
	free(g->repos);
	free(g->published);
	free(g);
	app->git = NULL;
}

static int cmd_git_status(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	struct git_state *g = state(app);
	struct git_summary s;
	char *text;
	int err;

	if (!g)
		return cmd_error(ctx, "git-status: out of memory");
	if (!main_repo(app)) {
		cmd_print(ctx, "not in a git repository: %s",
			  app->project ? project_dir(app->project) : app->view.buf ? buf_path(app->view.buf) : "no project");
		return 0;
	}
	if ((err = refresh_status(app, true)) < 0 || (err = app_git_summary(app, &s)) < 0)
		return cmd_error(ctx, "git-status: %s", repo_error(g->main));
	publish_status(app, true);
	text = summary_text(&s);
	cmd_print(ctx, "%s", text ? text : "?");
	free(text);
	for (size_t i = 0; i < g->nfiles; i++)
		if (!(g->files[i].flags & REPO_IGNORED))
			cmd_print(ctx, "%c %s", repo_mark(g->files[i].flags), g->files[i].path + strlen(s.workdir));
	return 0;
}

const struct cmd_entry cmd_git_status_entry = {
	.name = "git-status",
	.usage = "",
	.help = "Show the git branch (or detached HEAD, or unborn branch), whether the working tree is dirty, and each changed or untracked file",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_git_status,
};

/* The open buffer of path (relative to the project), or NULL. */
static struct buffer *find_buffer(struct app *app, const char *path)
{
	char *full = NULL, real[PATH_MAX], other[PATH_MAX];
	struct buffer *found = NULL;

	if (path[0] != '/' && app->project && asprintf(&full, "%s/%s", project_dir(app->project), path) < 0)
		return NULL;
	if (realpath(full ? full : path, real))
		for (size_t i = 0; i < app->nbufs && !found; i++)
			if (realpath(buf_path(app->bufs[i]), other) && strcmp(other, real) == 0)
				found = app->bufs[i];
	free(full);
	return found;
}

static int cmd_git_changes(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	struct buffer *buf = argc > 1 ? find_buffer(app, argv[1]) : app->view.buf;
	const struct line_change *c;
	struct git_buf *b;
	size_t n, count[3] = { 0 };
	char **marks;
	int err;

	if (!buf && argc > 1)
		return cmd_error(ctx, "git-changes: '%s' is not open (open it first)", argv[1]);
	if (!buf)
		return cmd_error(ctx, "git-changes: no file is open (use 'open FILE')");
	if ((err = app_git_changes(app, buf, &c, &n)) < 0 || !(b = buf_state(app, buf)))
		return cmd_error(ctx, "git-changes: %s", strerror(err < 0 ? -err : ENOMEM));
	if (!b->repo) {
		cmd_print(ctx, "%s is not in a git repository", buf_path(buf));
		return 0;
	}
	if (!b->has_blob) {
		cmd_print(ctx, "%s is not in HEAD (untracked, or no commit yet): no lines to compare", buf_path(buf));
		return 0;
	}
	marks = calloc(n + 1, sizeof(*marks));
	if (!marks)
		return cmd_error(ctx, "git-changes: out of memory");
	for (size_t i = 0; i < n; i++) {
		static const char sign[] = { '+', '~', '-' };

		count[c[i].kind] += c[i].kind == LINE_DELETED ? c[i].old_count : c[i].count;
		if (asprintf(&marks[i], "%c%zu,%zu", sign[c[i].kind], c[i].line,
			     c[i].kind == LINE_DELETED ? c[i].old_count : c[i].count) < 0)
			marks[i] = NULL;
	}
	bus_emit_git_changes(app->bus, &(struct ev_git_changes){
		.path = buf_path(buf), .added = (int64_t)count[LINE_ADDED], .modified = (int64_t)count[LINE_MODIFIED],
		.deleted = (int64_t)count[LINE_DELETED], .changes = (const char *const *)marks });
	if (n == 0)
		cmd_print(ctx, "%s: no changes against HEAD", buf_path(buf));
	else
		cmd_print(ctx, "%s against HEAD: %zu added, %zu modified, %zu deleted", buf_path(buf),
			  count[LINE_ADDED], count[LINE_MODIFIED], count[LINE_DELETED]);
	for (size_t i = 0; i < n; i++) {
		size_t last = c[i].line + c[i].count - 1;

		if (c[i].kind == LINE_DELETED)
			cmd_print(ctx, "deleted above %zu (%zu line%s)", c[i].line, c[i].old_count, c[i].old_count == 1 ? "" : "s");
		else if (c[i].count == 1)
			cmd_print(ctx, "%s %zu", c[i].kind == LINE_ADDED ? "added" : "modified", c[i].line);
		else
			cmd_print(ctx, "%s %zu-%zu", c[i].kind == LINE_ADDED ? "added" : "modified", c[i].line, last);
		free(marks[i]);
	}
	free(marks);
	return 0;
}

const struct cmd_entry cmd_git_changes_entry = {
	.name = "git-changes",
	.usage = "[FILE]",
	.help = "List the lines of an open file (the current one by default) added, modified or deleted against its version in git's HEAD, unsaved edits included",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_git_changes,
};
