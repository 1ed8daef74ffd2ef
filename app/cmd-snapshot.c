/* The snapshot store in the session (editor.h's snap_*): what each build
 * compiled is stored when it finishes; when the program starts, its baseline
 * (generation 0) is recorded from that build (or from the disk for a
 * program encide did not build); each applied generation records the files
 * it was compiled from (cmd-enc.c calls snapshot_generation). A restarted
 * encide attaching to the same process keeps the generations it finds.
 * The `snapshots` command lists them. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cmd-int.h"
#include "app/state.h"
#include "build/build.h"
#include "editor/editor.h"

struct snapshot *snapshot_store(struct app *app)
{
	char *dir = NULL, *err = NULL;

	if (app->snap || !app->project || app->snap_failed)
		return app->snap;
	if (asprintf(&dir, "%s/snapshots", project_state_path(app->project)) < 0)
		return NULL;
	if (snap_open(&app->snap, dir, &err) < 0) {
		/* Said once: EnC still works, without old source or guesses. */
		app->snap_failed = true;
		app_say(app, "warning", "%s; generations' source will not be kept", err ? err : dir);
	}
	free(err);
	free(dir);
	return app->snap;
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Calls fn once for every file the program is built from: each TU's source
 * and the headers it includes (absolute, as the build graph has them). */
static void each_source(struct app *app, void (*fn)(struct app *app, const char *file, void *arg), void *arg)
{
	size_t ntu = project_tu_count(app->project), n = 0;
	const char **v = NULL;

	for (size_t i = 0; i < ntu; i++) {
		const char **hdrs = NULL, **nv;
		size_t nh = 0;

		if (project_tu_headers(app->project, i, &hdrs, &nh) < 0)
			continue;
		nv = realloc(v, (n + nh + 1) * sizeof(*v));
		if (!nv) {
			free(hdrs);
			continue;
		}
		v = nv;
		v[n++] = project_tu_file(app->project, i);
		if (nh)
			memcpy(v + n, hdrs, nh * sizeof(*v));
		n += nh;
		free(hdrs);
	}
	if (n)
		qsort(v, n, sizeof(*v), path_cmp);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
			fn(app, v[i], arg);
	free(v);
}

/* How many files a pass stored, and whether one failed. */
struct pass {
	unsigned gen;   /* the generation recorded (run passes) */
	size_t files;   /* files recorded */
	char *error;    /* the first failure (owned) */
};

static void pass_fail(struct pass *p, char *err)
{
	if (!p->error)
		p->error = err;
	else
		free(err);
}

static void record_built(struct app *app, const char *file, void *arg)
{
	struct pass *p = arg;
	struct blob_id id;
	char *err = NULL;

	if (snap_put_file(app->snap, file, &id, &err) == 0 && snap_build_record(app->snap, file, &id) == 0)
		p->files++;
	else
		pass_fail(p, err ? err : strdup(snap_error(app->snap)));
}

static void record_baseline(struct app *app, const char *file, void *arg)
{
	struct pass *p = arg;
	struct blob_id id;
	char *err = NULL;

	if ((snap_built(app->snap, file, &id) == 0 || snap_put_file(app->snap, file, &id, &err) == 0) &&
	    snap_record(app->snap, file, 0, &id) == 0)
		p->files++;
	else
		pass_fail(p, err ? err : strdup(snap_error(app->snap)));
}

static void announce(struct app *app, const char *what, struct pass *p)
{
	if (p->error)
		app_say(app, "warning", "snapshot of the %s incomplete: %s", what, p->error);
	bus_emit_snapshot_recorded(app->bus, &(struct ev_snapshot_recorded){
		.what = what, .generation = p->gen, .files = (int64_t)p->files, .store = snap_dir(app->snap) });
	free(p->error);
}

static void on_build_finished(const struct bus_event *ev, void *arg)
{
	const struct ev_build_finished *bf = ev->payload;
	struct app *app = arg;
	struct pass p = { 0 };

	if (!bf->ok || !snapshot_store(app))
		return;
	if (snap_build_begin(app->snap) < 0) {
		app_say(app, "warning", "cannot record the build in %s", snap_dir(app->snap));
		return;
	}
	each_source(app, record_built, &p);
	announce(app, "build", &p);
}

/* The kernel's start time of pid (ticks since boot), 0 if unknown: with the
 * pid it names one process, not whoever gets the pid next. */
unsigned long long snapshot_start_time(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (!(f = fopen(path, "re")))
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Field 22, counting from the state after the name's closing ')'. */
	if (!(p = strrchr(buf, ')')))
		return 0;
	p++;
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p, " %llu", &t);
	return t;
}

static void on_started(const struct bus_event *ev, void *arg)
{
	const struct ev_inferior_started *st = ev->payload;
	struct app *app = arg;
	struct pass p = { 0 };
	char *label = NULL;
	const char *old;

	if (!snapshot_store(app))
		return;
	if (asprintf(&label, "pid %lld start %llu %s", (long long)st->pid, snapshot_start_time((long)st->pid),
		     st->program ? st->program : "?") < 0)
		return;
	/* The same process as the recorded run: its generations still run. */
	old = snap_run_label(app->snap);
	if (old && strcmp(old, label) == 0 && !strstr(label, " start 0 ")) {
		app_say(app, "info", "snapshots of generations up to upd%03u of this process are known",
		    snap_generation(app->snap));
		free(label);
		return;
	}
	if (snap_run_begin(app->snap, label) < 0) {
		app_say(app, "warning", "cannot record the program's run in %s", snap_dir(app->snap));
		free(label);
		return;
	}
	free(label);
	each_source(app, record_baseline, &p);
	announce(app, "baseline", &p);
}

void snapshot_generation(struct app *app, const char *const *files, unsigned gen)
{
	struct pass p = { .gen = gen };
	char what[32];

	if (!snapshot_store(app))
		return;
	for (size_t i = 0; files[i]; i++) {
		char real[PATH_MAX];
		struct blob_id id;
		char *err = NULL;

		if (!realpath(files[i], real))
			snprintf(real, sizeof(real), "%s", files[i]);
		if (snap_put_file(app->snap, real, &id, &err) == 0 && snap_record(app->snap, real, gen, &id) == 0)
			p.files++;
		else
			pass_fail(&p, err ? err : strdup(snap_error(app->snap)));
	}
	snprintf(what, sizeof(what), "upd%03u", gen);
	announce(app, what, &p);
}

void snapshot_like(struct app *app, unsigned gen, unsigned like)
{
	struct pass p = { .gen = gen };
	const char *file;
	struct blob_id id, src;
	unsigned g;
	char what[32];

	if (!snapshot_store(app) || !snap_run_label(app->snap))
		return;
	/* Every file of the run, once (its record of generation like). */
	for (size_t i = 0; snap_record_at(app->snap, i, &file, &g, &id); i++) {
		if (g != 0 || snap_lookup(app->snap, file, like, &src) < 0)
			continue;
		if (snap_record(app->snap, file, gen, &src) == 0)
			p.files++;
		else
			pass_fail(&p, strdup(snap_error(app->snap)));
	}
	snprintf(what, sizeof(what), "upd%03u", gen);
	announce(app, what, &p);
}

int snapshot_attach(struct app *app)
{
	if (bus_subscribe(app->bus, EV_BUILD_FINISHED, on_build_finished, app) < 0 ||
	    bus_subscribe(app->bus, EV_INFERIOR_STARTED, on_started, app) < 0)
		return -ENOMEM;
	return 0;
}

void snapshot_detach(struct app *app)
{
	snap_free(app->snap);
	app->snap = NULL;
}

/* The generation's name as users see it. */
static void gen_name(unsigned gen, char out[16])
{
	if (gen == 0)
		snprintf(out, 16, "baseline");
	else
		snprintf(out, 16, "upd%03u", gen);
}

static int cmd_snapshots(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	char real[PATH_MAX];
	const char *file, *want = NULL;
	struct blob_id id;
	unsigned gen;
	size_t shown = 0;

	if (!app->project)
		return cmd_error(ctx, "snapshots: no project is open");
	if (!snapshot_store(app))
		return cmd_error(ctx, "snapshots: the snapshot store cannot be opened");
	if (argc == 2) {
		char *path = NULL;

		if (argv[1][0] != '/' && asprintf(&path, "%s/%s", project_dir(app->project), argv[1]) < 0)
			return cmd_error(ctx, "snapshots: out of memory");
		if (!realpath(path ? path : argv[1], real)) {
			free(path);
			return cmd_error(ctx, "snapshots: %s: %s", argv[1], strerror(errno));
		}
		free(path);
		want = real;
	}
	if (!snap_run_label(app->snap))
		return cmd_error(ctx, "snapshots: no program run recorded yet in %s", snap_dir(app->snap));
	cmd_print(ctx, "store %s, run %s", snap_dir(app->snap), snap_run_label(app->snap));
	for (size_t i = 0; snap_record_at(app->snap, i, &file, &gen, &id); i++) {
		char hex[BLOB_ID_HEX], name[16];

		if (want && strcmp(want, file) != 0)
			continue;
		blob_id_hex(&id, hex);
		gen_name(gen, name);
		cmd_print(ctx, "%s %s %s", name, hex, file);
		shown++;
	}
	if (want && shown == 0)
		return cmd_error(ctx, "snapshots: %s is not a source of the program", want);
	return 0;
}

const struct cmd_entry cmd_snapshots_entry = {
	.name = "snapshots",
	.usage = "[FILE]",
	.help = "List the stored source of each generation of the running program (baseline, upd001...): blob ids in encide's snapshot store",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_snapshots,
};
