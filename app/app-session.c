/* The session: creates the loop and the bus, opens the project, and owns the
 * buffers the commands open. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cmd-int.h"
#include "build/build.h"
#include "editor/editor.h"

static void journal_tick(void *arg)
{
	app_flush_journals(arg);
}

void app_flush_journals(struct app *app)
{
	for (size_t i = 0; i < app->nbufs; i++)
		buf_journal_flush(app->bufs[i]);
}

int app_init(struct app *app, const char *project_dir, char **errmsg)
{
	int err;

	*app = (struct app){ .page_lines = 20 };
	*errmsg = NULL;
	app->loop = loop_new();
	if (!app->loop) {
		err = -errno;
		if (asprintf(errmsg, "cannot set up the event loop: %s", strerror(errno)) < 0)
			*errmsg = NULL;
		goto fail;
	}
	app->bus = bus_new();
	if (!app->bus || expect_attach(app) < 0 || debug_attach(app) < 0 ||
	    enc_attach(app) < 0 || snapshot_attach(app) < 0 || git_attach(app) < 0 ||
	    disk_attach(app) < 0) {
		err = -ENOMEM;
		*errmsg = strdup("out of memory");
		goto fail;
	}
	if (project_dir && (err = project_open(&app->project, project_dir, errmsg)) < 0)
		goto fail;
	app->journal_timer = loop_timer_add(app->loop, 1000, true, journal_tick, app);
	return 0;
fail:
	app_release(app);
	return err;
}

void app_release(struct app *app)
{
	expect_detach(app);
	enc_detach(app);
	snapshot_detach(app);
	git_detach(app);
	disk_detach(app);
	debug_detach(app);
	app_breakpoints_release(app);
	if (app->loop)
		app_flush_journals(app);
	for (size_t i = 0; i < app->nbufs; i++)
		buf_free(app->bufs[i]);
	free(app->bufs);
	free(app->search);
	display_release(app);
	project_free(app->project);
	bus_free(app->bus);
	loop_free(app->loop);
	free(app->pending.error);
	*app = (struct app){ 0 };
}

/* True when the file at path defines main (a line "... main(" at column 0
 * or after a type, not inside a longer name). */
static bool defines_main(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	regex_t re;
	bool found = false;

	if (!f)
		return false;
	regcomp(&re, "^(int|void)?[[:space:]]*main[[:space:]]*\\(", REG_EXTENDED | REG_NOSUB);
	while (!found && getline(&line, &cap, f) > 0)
		found = regexec(&re, line, 0, NULL, 0) == 0;
	regfree(&re);
	free(line);
	fclose(f);
	return found;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* How well a file that defines main fits as the one to open: named after
 * the target (3), main.c (2), its name beginning the project's ("lua.c" in
 * lua-5.4, not "luac.c": 1), else 0. */
static int main_score(const char *path, const char *target, const char *project)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t len = strlen(base) - 2; /* without ".c" */

	if (target && strlen(target) == len && strncmp(base, target, len) == 0)
		return 3;
	if (strcmp(base, "main.c") == 0)
		return 2;
	if (strncmp(project, base, len) == 0 && !(project[len] >= 'a' && project[len] <= 'z'))
		return 1;
	return 0;
}

/* Keeps in *best (owned) the better of it and path, a file defining main
 * (an earlier one wins a tie: callers go in sorted order). */
static void consider_main(const struct app *app, const char *path, char **best, int *best_score)
{
	const struct project *proj = app->project;
	int score;

	if (!defines_main(path))
		return;
	score = main_score(path, project_target(proj), project_name(proj));
	if (*best && score <= *best_score)
		return;
	free(*best);
	*best = strdup(path);
	*best_score = score;
}

/* The .c files one folder below the top (src/lua.c), sorted. */
static size_t sources_below(const char *dir, char ***out)
{
	DIR *d = opendir(dir), *sd;
	struct dirent *de, *se;
	char **v = NULL, *sub, *f, **nv;
	size_t n = 0;

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
			continue;
		if ((sd = opendir(sub))) {
			while ((se = readdir(sd))) {
				size_t len = strlen(se->d_name);

				if (len < 3 || strcmp(se->d_name + len - 2, ".c") != 0 ||
				    asprintf(&f, "%s/%s", sub, se->d_name) < 0)
					continue;
				if (!(nv = realloc(v, (n + 1) * sizeof(*v)))) {
					free(f);
					continue;
				}
				v = nv;
				v[n++] = f;
			}
			closedir(sd);
		}
		free(sub);
	}
	if (d)
		closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_path);
	*out = v;
	return n;
}

char *app_main_file(const struct app *app)
{
	const struct project *proj = app->project;
	char *best = NULL, **below;
	int score = 0;
	size_t n;

	if (!proj)
		return NULL;
	/* At the top first; else the TUs a build recorded; else one folder down. */
	n = project_source_count(proj);
	for (size_t i = 0; i < n; i++)
		consider_main(app, project_source(proj, i), &best, &score);
	for (size_t i = 0; !best && i < project_tu_count(proj); i++)
		consider_main(app, project_tu_file(proj, i), &best, &score);
	if (!best) {
		size_t nb = sources_below(project_dir(proj), &below);

		for (size_t i = 0; i < nb; i++) {
			consider_main(app, below[i], &best, &score);
			free(below[i]);
		}
		free(below);
	}
	if (!best && n)
		best = strdup(project_source(proj, 0));
	return best;
}

int app_save_modified(struct app *app, char **errmsg)
{
	*errmsg = NULL;
	for (size_t i = 0; i < app->nbufs; i++) {
		int err;

		if (buf_modified(app->bufs[i]) && (err = buf_save(app->bufs[i], false, errmsg)) < 0)
			return err;
	}
	return 0;
}

void app_view_goto_pos(struct view *v, size_t pos)
{
	size_t start, end;

	if (pos > buf_size(v->buf))
		pos = buf_size(v->buf);
	v->line = buf_line_of(v->buf, pos);
	buf_line_span(v->buf, v->line, &start, &end);
	v->col = pos - start + 1;
}

int app_open_file(struct app *app, const char *path, char **errmsg)
{
	struct buffer *buf, **v;
	char *full = NULL, real[PATH_MAX];
	int err;

	*errmsg = NULL;
	if (path[0] != '/' && app->project) {
		if (asprintf(&full, "%s/%s", project_dir(app->project), path) < 0)
			return -ENOMEM;
		path = full;
	}
	/* The same file again: show its buffer (unsaved edits and all). */
	if (realpath(path, real)) {
		for (size_t i = 0; i < app->nbufs; i++) {
			char other[PATH_MAX];

			if (realpath(buf_path(app->bufs[i]), other) && strcmp(other, real) == 0) {
				if (app->view.buf != app->bufs[i])
					app->view = (struct view){ .buf = app->bufs[i], .line = 1, .col = 1 };
				free(full);
				return 0;
			}
		}
	}
	v = realloc(app->bufs, (app->nbufs + 1) * sizeof(*v));
	if (!v) {
		free(full);
		return -ENOMEM;
	}
	app->bufs = v;
	err = buf_open(&buf, realpath(path, real) ? real : path, errmsg);
	if (err == 0) {
		app->bufs[app->nbufs++] = buf;
		app->view = (struct view){ .buf = buf, .line = 1, .col = 1 };
		bus_emit_file_opened(app->bus, &(struct ev_file_opened){
			.path = buf_path(buf), .lines = (int64_t)buf_line_count(buf),
			.bytes = (int64_t)buf_size(buf) });
		if (buf_recovery_count(buf)) {
			char *text = NULL;

			bus_emit_recovery_available(app->bus, &(struct ev_recovery_available){
				.path = buf_path(buf), .operations = (int64_t)buf_recovery_count(buf) });
			if (asprintf(&text, "'%s' has %zu unsaved edits from a session that ended: "
				     "'recover' restores them, 'discard' drops them",
				     buf_path(buf), buf_recovery_count(buf)) >= 0)
				bus_emit_message(app->bus, &(struct ev_message){ .level = "warning", .text = text });
			free(text);
		} else if (buf_recovery_problem(buf)) {
			bus_emit_message(app->bus, &(struct ev_message){
				.level = "warning", .text = buf_recovery_problem(buf) });
		}
	}
	free(full);
	return err;
}
