/* Files changed on disk by another program. The folders of open files, and
 * while a program runs the folders of its sources, are watched (inotify
 * through the loop). A changed open file without unsaved edits is reloaded
 * (buf_reload: the change comes in as edits from a line diff, so line maps
 * across it are guesses); with unsaved edits nothing is lost: both versions
 * are stored in the snapshot store and kept, and the user chooses with
 * `reload` or `keep-buffer`. A changed source that is not open is noted;
 * `apply` takes it in, its lines mapped by a diff of the stored source of
 * the running generation against the file (a guess too).
 *
 *   event on dir/name --> an open buffer?  no --> a source of the run whose
 *                           |                     file differs from its
 *                    yes    v                     snapshot? FILE_CHANGED_OUTSIDE
 *        unsaved edits? --yes--> both kept, FILE_CHANGED_OUTSIDE unsaved=true
 *                           no
 *                           v
 *                      buf_reload, FILE_RELOADED guess=true
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "app/cmd-int.h"
#include "build/build.h"
#include "debugger/debugger.h"
#include "editor/editor.h"
#include "enc/enc.h"

/* An open buffer whose file changed while it had unsaved edits. */
struct conflict {
	struct buffer *buf;     /* the buffer */
	struct blob_id disk;    /* the file's new text, stored */
	struct blob_id mine;    /* the buffer's text then, stored */
	bool stored;            /* both blobs are in the store */
};

/* A diff-made line map of a file that is not open, between two stored
 * versions. */
struct file_map {
	char *file;             /* the file (owned) */
	struct blob_id from, to; /* the two versions */
	struct linemap *map;    /* the map (owned) */
};

#define NMAPS 8
#define NNAMES 16

struct disk {
	char **dirs;            /* folders watched */
	size_t ndirs;           /* how many */
	struct conflict *conflicts; /* open buffers waiting for the user's choice */
	size_t nconflicts;      /* how many */
	char **noted;           /* sources not open whose change was announced */
	struct blob_id *noted_id; /* ... at which content */
	size_t nnoted;          /* how many */
	struct file_map maps[NMAPS]; /* recent maps, round robin */
	unsigned next_map;      /* the slot the next one takes */
	struct {
		char *name;     /* a file name as DWARF or the engine give it */
		char *real;     /* its real path, NULL when it has none */
	} names[NNAMES];        /* recent names, round robin */
	unsigned next_name;     /* the slot the next one takes */
};

static struct disk *disk_of(struct app *app)
{
	if (!app->disk)
		app->disk = calloc(1, sizeof(struct disk));
	return app->disk;
}

static struct buffer *open_buffer(struct app *app, const char *real)
{
	for (size_t i = 0; i < app->nbufs; i++)
		if (strcmp(buf_path(app->bufs[i]), real) == 0)
			return app->bufs[i];
	return NULL;
}

static struct conflict *conflict_of(struct disk *d, const struct buffer *buf)
{
	for (size_t i = 0; i < d->nconflicts; i++)
		if (d->conflicts[i].buf == buf)
			return &d->conflicts[i];
	return NULL;
}

static void conflict_drop(struct disk *d, const struct buffer *buf)
{
	struct conflict *c = conflict_of(d, buf);

	if (c)
		*c = d->conflicts[--d->nconflicts];
}

/* The newest stored source of file in the current run (what the program
 * runs now, as far as the store knows). */
static int running_source(struct app *app, const char *file, struct blob_id *out)
{
	struct snapshot *snap = snapshot_store(app);

	return snap ? snap_lookup(snap, file, ENC_NOW - 1, out) : -ENOENT;
}

/* Moves the editor's cursor, when it is in buf, along the reload's map. */
static void cursor_follow(struct app *app, struct buffer *buf, uint64_t before)
{
	struct linemap *m;
	size_t line;

	if (app->view.buf != buf || !(m = buf_linemap(buf, before, buf_version(buf))))
		return;
	line = linemap_get(m, app->view.line);
	linemap_free(m);
	if (line == 0 || line > buf_line_count(buf))
		line = app->view.line <= buf_line_count(buf) ? app->view.line : buf_line_count(buf);
	app->view.line = line;
	app->view.col = 1;
}

/* Takes the file into buf; says what happened. 0 or -1 (said). */
static int reload(struct app *app, struct buffer *buf, const char *why)
{
	uint64_t before = buf_version(buf);
	size_t hunks = 0;
	char *err = NULL;

	if (buf_reload(buf, &hunks, &err) < 0) {
		app_say(app, "error", "%s", err ? err : "cannot reload");
		free(err);
		return -1;
	}
	conflict_drop(disk_of(app), buf);
	cursor_follow(app, buf, before);
	bus_emit_file_reloaded(app->bus, &(struct ev_file_reloaded){
		.path = buf_path(buf), .version = (int64_t)buf_version(buf), .lines = (int64_t)buf_line_count(buf),
		.hunks = (int64_t)hunks, .guess = hunks > 0 });
	if (hunks)
		app_say(app, "info", "'%s' %s: reloaded, %zu changed block%s (lines are mapped across it by a diff: "
		    "a guess; 'undo' brings the text before back)", buf_path(buf), why, hunks, hunks == 1 ? "" : "s");
	return 0;
}

/* An open buffer's file changed: reload, or keep both for the user. */
static void buffer_changed(struct app *app, struct buffer *buf)
{
	struct disk *d = disk_of(app);
	struct snapshot *snap = snapshot_store(app);
	struct conflict c = { .buf = buf };
	char disk_hex[BLOB_ID_HEX] = "", mine_hex[BLOB_ID_HEX] = "", *err = NULL;
	struct stat st;

	if (!d || !buf_changed_on_disk(buf))
		return; /* our own save, or nothing that matters */
	if (stat(buf_path(buf), &st) < 0) {
		bus_emit_file_changed_outside(app->bus, &(struct ev_file_changed_outside){
			.path = buf_path(buf), .open = true, .unsaved = buf_modified(buf), .deleted = true });
		app_say(app, "warning", "'%s' was deleted on disk: the buffer keeps its text ('save' writes it again)",
		    buf_path(buf));
		return;
	}
	if (!buf_modified(buf)) {
		reload(app, buf, "changed on disk");
		return;
	}
	/* Unsaved edits: keep both, and ask. */
	if (snap && snap_put_file(snap, buf_path(buf), &c.disk, &err) == 0 && snap_put_buffer(snap, buf, &c.mine) == 0) {
		c.stored = true;
		blob_id_hex(&c.disk, disk_hex);
		blob_id_hex(&c.mine, mine_hex);
	}
	free(err);
	{
		struct conflict *old = conflict_of(d, buf);

		if (old && old->stored && c.stored && blob_id_equal(&old->disk, &c.disk))
			return; /* the same change, seen twice */
		if (old) {
			*old = c;
		} else {
			struct conflict *v = realloc(d->conflicts, (d->nconflicts + 1) * sizeof(*v));

			if (!v)
				return;
			d->conflicts = v;
			d->conflicts[d->nconflicts++] = c;
		}
	}
	bus_emit_file_changed_outside(app->bus, &(struct ev_file_changed_outside){
		.path = buf_path(buf), .open = true, .unsaved = true, .disk_blob = disk_hex, .buffer_blob = mine_hex });
	app_say(app, "warning", "'%s' changed on disk while it has unsaved edits: 'reload' takes the file (your edits "
	    "stay in undo), 'keep-buffer' keeps yours (the next save overwrites the file)%s%s%s%s", buf_path(buf),
	    c.stored ? "; both are kept in the snapshot store: file " : "", disk_hex, c.stored ? ", buffer " : "",
	    mine_hex);
}

/* A source of the running program that is not open changed: say so once
 * per content. */
static void source_changed(struct app *app, const char *file)
{
	struct disk *d = disk_of(app);
	struct snapshot *snap = snapshot_store(app);
	struct blob_id ran, now;
	char *err = NULL, hex[BLOB_ID_HEX], **v;
	struct blob_id *ids;
	size_t i;

	if (!d || !snap || dbg_pid(app->dbg) <= 0 || running_source(app, file, &ran) < 0)
		return;
	if (snap_put_file(snap, file, &now, &err) < 0 || blob_id_equal(&ran, &now)) {
		free(err);
		return;
	}
	for (i = 0; i < d->nnoted; i++)
		if (strcmp(d->noted[i], file) == 0)
			break;
	if (i < d->nnoted && blob_id_equal(&d->noted_id[i], &now))
		return;
	if (i == d->nnoted) {
		v = realloc(d->noted, (d->nnoted + 1) * sizeof(*v));
		if (v)
			d->noted = v;
		ids = realloc(d->noted_id, (d->nnoted + 1) * sizeof(*ids));
		if (ids)
			d->noted_id = ids;
		if (!v || !ids || !(d->noted[i] = strdup(file)))
			return;
		d->nnoted++;
	}
	d->noted_id[i] = now;
	blob_id_hex(&now, hex);
	bus_emit_file_changed_outside(app->bus, &(struct ev_file_changed_outside){
		.path = file, .open = false, .disk_blob = hex });
	app_say(app, "info", "'%s' changed on disk: 'apply' loads it into the program (its lines are mapped by a diff "
	    "of the source the program runs against the file: a guess)", file);
}

static void on_watch(const char *path, uint32_t mask, void *arg)
{
	struct app *app = arg;
	char real[PATH_MAX];
	struct buffer *buf;

	/* A deleted file has no realpath: its folder's is in path already. */
	if (!realpath(path, real))
		snprintf(real, sizeof(real), "%s", path);
	if ((buf = open_buffer(app, real)))
		buffer_changed(app, buf);
	else if (!(mask & (IN_DELETE | IN_MOVED_FROM)))
		source_changed(app, real);
}

/* Watches the folder of file (once per folder). */
static void watch_folder_of(struct app *app, const char *file)
{
	struct disk *d = disk_of(app);
	char dir[PATH_MAX], *slash, **v;

	if (!d)
		return;
	snprintf(dir, sizeof(dir), "%s", file);
	if (!(slash = strrchr(dir, '/')) || slash == dir)
		return;
	*slash = '\0';
	for (size_t i = 0; i < d->ndirs; i++)
		if (strcmp(d->dirs[i], dir) == 0)
			return;
	v = realloc(d->dirs, (d->ndirs + 1) * sizeof(*v));
	if (!v)
		return;
	d->dirs = v;
	if (!(d->dirs[d->ndirs] = strdup(dir)))
		return;
	if (loop_watch_add(app->loop, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM, on_watch, app) < 0) {
		free(d->dirs[d->ndirs]);
		return;
	}
	d->ndirs++;
}

static void on_opened(const struct bus_event *ev, void *arg)
{
	const struct ev_file_opened *o = ev->payload;

	watch_folder_of(arg, o->path);
}

/* The program's baseline is recorded: watch where its sources are. */
static void on_snapshot(const struct bus_event *ev, void *arg)
{
	const struct ev_snapshot_recorded *s = ev->payload;
	struct app *app = arg;
	const char *file;
	struct blob_id id;
	unsigned gen;

	if (strcmp(s->what, "baseline") != 0 || !app->snap)
		return;
	for (size_t i = 0; snap_record_at(app->snap, i, &file, &gen, &id); i++)
		watch_folder_of(app, file);
}

int disk_attach(struct app *app)
{
	if (!disk_of(app) || bus_subscribe(app->bus, EV_FILE_OPENED, on_opened, app) < 0 ||
	    bus_subscribe(app->bus, EV_SNAPSHOT_RECORDED, on_snapshot, app) < 0)
		return -ENOMEM;
	return 0;
}

void disk_detach(struct app *app)
{
	struct disk *d = app->disk;

	if (!d)
		return;
	for (size_t i = 0; i < d->ndirs; i++)
		free(d->dirs[i]);
	for (size_t i = 0; i < d->nnoted; i++)
		free(d->noted[i]);
	for (int i = 0; i < NMAPS; i++) {
		free(d->maps[i].file);
		linemap_free(d->maps[i].map);
	}
	for (int i = 0; i < NNAMES; i++) {
		free(d->names[i].name);
		free(d->names[i].real);
	}
	free(d->dirs);
	free(d->noted);
	free(d->noted_id);
	free(d->conflicts);
	free(d);
	app->disk = NULL;
}

size_t disk_changed_sources(struct app *app, const char **out, size_t have)
{
	struct snapshot *snap = snapshot_store(app);
	const char *file;
	struct blob_id id, ran, now;
	unsigned gen;
	size_t n = 0;

	if (!snap || !snap_run_label(snap))
		return 0;
	for (size_t i = 0; snap_record_at(snap, i, &file, &gen, &id); i++) {
		char *err = NULL;
		bool seen = false;

		/* One look per file: its newest record says what runs. */
		if (running_source(app, file, &ran) < 0 || !blob_id_equal(&ran, &id) || open_buffer(app, file))
			continue;
		if (snap_put_file(snap, file, &now, &err) < 0 || blob_id_equal(&now, &ran)) {
			free(err);
			continue;
		}
		for (size_t k = 0; out && k < have + n; k++)
			seen |= strcmp(out[k], file) == 0;
		if (seen)
			continue;
		if (out)
			out[have + n] = file;
		n++;
	}
	return n;
}

/* The stored version of a file that is not open: generation gen's; for
 * the generation an apply is making (not recorded yet), the file on disk;
 * for ENC_NOW the change the watch saw, else what the program runs (no
 * file is read: the debugger asks this for every location it shows). */
static int version_of(struct app *app, const char *file, unsigned gen, struct blob_id *out)
{
	struct snapshot *snap = snapshot_store(app);
	struct disk *d = disk_of(app);
	char *err = NULL;
	int r;

	if (!snap || !d || running_source(app, file, out) < 0)
		return -ENOENT; /* not a source of the program */
	if (gen != ENC_NOW && gen > snap_generation(snap)) {
		r = snap_put_file(snap, file, out, &err);
		free(err);
		return r;
	}
	if (gen != ENC_NOW)
		return snap_lookup(snap, file, gen, out);
	for (size_t i = 0; i < d->nnoted; i++)
		if (strcmp(d->noted[i], file) == 0) {
			*out = d->noted_id[i];
			return 0;
		}
	return running_source(app, file, out);
}

/* The real path of a file name (cached), or NULL. */
static const char *real_name(struct disk *d, const char *file)
{
	char real[PATH_MAX];
	unsigned k;

	for (int i = 0; i < NNAMES; i++)
		if (d->names[i].name && strcmp(d->names[i].name, file) == 0)
			return d->names[i].real;
	k = d->next_name++ % NNAMES;
	free(d->names[k].name);
	free(d->names[k].real);
	d->names[k].name = strdup(file);
	d->names[k].real = d->names[k].name && realpath(file, real) ? strdup(real) : NULL;
	return d->names[k].real;
}

/* The diff-made map of file between its stored versions a and b (cached),
 * or NULL when they are the same or cannot be read. */
static const struct linemap *blob_map(struct app *app, const char *file, const struct blob_id *pa,
				      const struct blob_id *pb)
{
	struct disk *d = disk_of(app);
	struct blob_id a = *pa, b = *pb;
	struct file_map *m;
	struct linemap *map;

	if (!d || !app->snap || blob_id_equal(&a, &b))
		return NULL;
	for (int i = 0; i < NMAPS; i++)
		if (d->maps[i].map && strcmp(d->maps[i].file, file) == 0 && blob_id_equal(&d->maps[i].from, &a) &&
		    blob_id_equal(&d->maps[i].to, &b))
			return d->maps[i].map;
	if (snap_linemap(app->snap, &a, &b, &map) < 0)
		return NULL;
	m = &d->maps[d->next_map++ % NMAPS];
	free(m->file);
	linemap_free(m->map);
	*m = (struct file_map){ .file = strdup(file), .from = a, .to = b, .map = map };
	if (!m->file) {
		linemap_free(m->map);
		m->map = NULL;
		return NULL;
	}
	return map;
}

/* The diff-made map of file between generations from and to, or NULL when
 * its text is the same in both (or unknown). */
static const struct linemap *file_map(struct app *app, const char *file, unsigned from, unsigned to)
{
	struct blob_id a, b;

	if (version_of(app, file, from, &a) < 0 || version_of(app, file, to, &b) < 0)
		return NULL;
	return blob_map(app, file, &a, &b);
}

size_t disk_blob_line(struct app *app, const char *file, const struct blob_id *from, const struct blob_id *to,
		      int line)
{
	const struct linemap *m = blob_map(app, file, from, to);

	if (line <= 0)
		return 0;
	return m ? linemap_get(m, (size_t)line) : (size_t)line;
}

size_t disk_map_line(struct app *app, const char *file, unsigned from, unsigned to, int line)
{
	struct disk *d = disk_of(app);
	const char *real = d && app->snap && snap_run_label(app->snap) ? real_name(d, file) : NULL;
	const struct linemap *m;

	if (line <= 0)
		return 0;
	if (!real || from == to)
		return (size_t)line;
	m = file_map(app, real, from, to);
	return m ? linemap_get(m, (size_t)line) : (size_t)line;
}

bool disk_map_guess(struct app *app, const char *file, unsigned from, unsigned to)
{
	struct disk *d = disk_of(app);
	const char *real = d && app->snap && snap_run_label(app->snap) ? real_name(d, file) : NULL;
	const struct linemap *m;

	if (!real || from == to)
		return false;
	m = file_map(app, real, from, to);
	return m && linemap_guess(m);
}

/* The buffer a command names (FILE relative to the project), or the
 * current one. */
static struct buffer *named_buffer(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	char *full = NULL, real[PATH_MAX];
	struct buffer *buf = NULL;

	if (argc < 2) {
		if (!app->view.buf)
			cmd_error(ctx, "%s: no file is open", ctx->entry->name);
		return app->view.buf;
	}
	if (argv[1][0] != '/' && app->project && asprintf(&full, "%s/%s", project_dir(app->project), argv[1]) < 0)
		full = NULL;
	if (realpath(full ? full : argv[1], real))
		buf = open_buffer(app, real);
	else
		snprintf(real, sizeof(real), "%s", full ? full : argv[1]);
	free(full);
	if (!buf) {
		/* A deleted file: find its buffer by name. */
		buf = open_buffer(app, real);
	}
	if (!buf)
		cmd_error(ctx, "%s: '%s' is not open", ctx->entry->name, argv[1]);
	return buf;
}

static int cmd_reload(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct buffer *buf = named_buffer(ctx, argc, argv);
	struct app *app = ctx->app;

	if (!buf)
		return -1;
	if (!buf_changed_on_disk(buf) && !buf_modified(buf)) {
		cmd_print(ctx, "'%s' is the same as on disk", buf_path(buf));
		return 0;
	}
	if (reload(app, buf, buf_modified(buf) ? "taken from disk" : "changed on disk") < 0)
		return cmd_error(ctx, "reload: '%s' cannot be read", buf_path(buf));
	cmd_print(ctx, "'%s' reloaded from disk", buf_path(buf));
	return 0;
}

const struct cmd_entry cmd_reload_entry = {
	.name = "reload",
	.usage = "[FILE]",
	.help = "Take a file's text from disk (another program changed it): the changes come in as edits, 'undo' brings the text before back",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_reload,
};

static int cmd_keep_buffer(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct buffer *buf = named_buffer(ctx, argc, argv);
	struct disk *d = disk_of(ctx->app);
	struct conflict *c;
	char hex[BLOB_ID_HEX] = "";

	if (!buf)
		return -1;
	if (!buf_changed_on_disk(buf))
		return cmd_error(ctx, "keep-buffer: '%s' did not change on disk", buf_path(buf));
	if (d && (c = conflict_of(d, buf)) && c->stored)
		blob_id_hex(&c->disk, hex);
	buf_keep(buf);
	if (d)
		conflict_drop(d, buf);
	cmd_print(ctx, "'%s': keeping the buffer; 'save' overwrites the file%s%s%s", buf_path(buf),
		  hex[0] ? " (its text is kept as blob " : "", hex, hex[0] ? " in the snapshot store)" : "");
	return 0;
}

const struct cmd_entry cmd_keep_buffer_entry = {
	.name = "keep-buffer",
	.usage = "[FILE]",
	.help = "Keep the buffer's text over a change another program made to the file: the next save overwrites the file",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_keep_buffer,
};
