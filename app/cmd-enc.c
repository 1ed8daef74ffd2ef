/* The Edit and Continue commands: apply (save what was edited, recompile,
 * load into the stopped program, redirect), the setting that makes the
 * debug commands apply first, and what joins the engine to the editor: the
 * version of every buffer each generation was compiled from, which gives
 * the line maps between generations (enc/) and the line translator that
 * shows every location in the text the user sees now (debugger/).
 *
 *   generation   0 (as built)   1 (upd001)   2 (upd002)   now
 *   count.c      v0             v7           v12          v15
 *   main.c       v0             v0           v3           v3
 *
 *   a line of upd001's code in count.c -> buf_linemap(v7, v15) -> now
 *
 * A buffer opened after some generations stands, with its first version,
 * for all of them. When another program changed the file before it was
 * opened, that first text is not what they ran: their stored source (the
 * snapshot store's) is diffed with it, and the lines go through that diff
 * first (a guess, said so); apply takes the file in, edited or not.
 *
 *   gen 0 (stored blob) --diff--> v0 (as opened) --buf_linemap--> now
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cmd-int.h"
#include "build/build.h"
#include "debugger/debugger.h"
#include "editor/editor.h"
#include "enc/enc.h"

/* A buffer and the version of its text each generation was built from. */
struct gen_buf {
	struct buffer *buf;  /* the buffer (the app's) */
	uint64_t *version;   /* [g]: its version in generation g, g <= ngen */
	uint64_t submitted;  /* the version last applied, or found to change no code */
	unsigned known;      /* versions of generations before this are unknown (opened after a restart) */
	char *real;          /* its path, resolved */
	unsigned stand_in;   /* generations <= this were made before it was seen (its version 0 stands for them) */
	struct blob_id opened; /* the text of its version 0, as stored */
	bool *differs;       /* [g <= stand_in]: generation g ran another text than version 0's, or NULL */
	struct blob_id *ran; /* [g]: that text, stored */
	bool taken;          /* its text was applied since (or changed no code) */
};

/* The text a buffer had when it was opened (its version 0), as stored. */
struct opened {
	struct buffer *buf;  /* the buffer */
	struct blob_id id;   /* its text then */
};

/* A line map asked for recently (maps between fixed versions never change). */
struct map_cache {
	struct buffer *buf;  /* whose */
	uint64_t from, to;   /* versions */
	struct linemap *map; /* the map (owned) */
};

/* A file name the debugger or the engine passed, and its buffer. */
struct file_cache {
	char *file;          /* as passed (owned copy) */
	long buf;            /* index in bufs, -1: not open */
};

#define NMAPS 16
#define NFILES 32

struct gens {
	struct gen_buf *bufs;      /* every buffer seen */
	size_t nbufs;              /* how many */
	unsigned ngen;             /* the newest generation recorded */
	unsigned restored;         /* the generations a restarted encide found (their text: snapshots) */
	bool auto_apply;           /* debug commands apply unapplied edits first */
	struct map_cache maps[NMAPS]; /* recent maps, round robin */
	unsigned next_map;         /* the slot the next one takes */
	struct file_cache files[NFILES]; /* recent file names */
	unsigned next_file;        /* the slot the next one takes */
	struct opened *opened;     /* program sources as they were opened (kept across runs) */
	size_t nopened;            /* how many */
};

static struct gens *gens_of(struct app *app)
{
	if (!app->applied) {
		struct gens *g = calloc(1, sizeof(*g));

		if (g)
			g->auto_apply = true;
		app->applied = g;
	}
	return app->applied;
}

static void caches_clear(struct gens *g)
{
	for (int i = 0; i < NMAPS; i++) {
		linemap_free(g->maps[i].map);
		g->maps[i] = (struct map_cache){ 0 };
	}
	for (int i = 0; i < NFILES; i++) {
		free(g->files[i].file);
		g->files[i] = (struct file_cache){ 0 };
	}
}

/* Forgets every generation (a new run starts from what was built). */
static void gens_reset(struct gens *g)
{
	for (size_t i = 0; i < g->nbufs; i++) {
		free(g->bufs[i].version);
		free(g->bufs[i].real);
		free(g->bufs[i].differs);
		free(g->bufs[i].ran);
	}
	free(g->bufs);
	g->bufs = NULL;
	g->nbufs = 0;
	g->ngen = 0;
	g->restored = 0;
	caches_clear(g);
}

/* The stored text buf had as opened (its version 0), if it is a source the
 * snapshot store knows: recorded when it was opened, or now if it was not
 * edited yet. 0 or -ENOENT. */
static int opened_text(struct app *app, struct gens *g, struct buffer *buf, struct blob_id *out)
{
	struct snapshot *snap = snapshot_store(app);
	const char *path = buf_path(buf);
	struct opened *v;

	for (size_t i = 0; i < g->nopened; i++)
		if (g->opened[i].buf == buf) {
			*out = g->opened[i].id;
			return 0;
		}
	if (!snap || buf_version(buf) != 0 ||
	    (snap_built(snap, path, out) < 0 && snap_lookup(snap, path, 0, out) < 0) ||
	    snap_put_buffer(snap, buf, out) < 0)
		return -ENOENT;
	v = realloc(g->opened, (g->nopened + 1) * sizeof(*v));
	if (!v)
		return -ENOENT;
	g->opened = v;
	v[g->nopened++] = (struct opened){ .buf = buf, .id = *out };
	return 0;
}

/* When the text b's version 0 stands for differs from what a generation it
 * stands for ran (the file changed on disk before it was opened), notes
 * that generation's stored text in b and tells the user once. */
static void stand_in_check(struct app *app, struct gens *g, struct gen_buf *b)
{
	struct snapshot *snap = snapshot_store(app);
	bool any = false;

	if (!snap || !snap_run_label(snap) || opened_text(app, g, b->buf, &b->opened) < 0)
		return;
	b->differs = calloc(b->stand_in + 1, sizeof(*b->differs));
	b->ran = calloc(b->stand_in + 1, sizeof(*b->ran));
	if (!b->differs || !b->ran) {
		free(b->differs);
		free(b->ran);
		b->differs = NULL;
		b->ran = NULL;
		return;
	}
	for (unsigned k = b->known; k <= b->stand_in; k++)
		if (snap_lookup(snap, b->real, k, &b->ran[k]) == 0 && !blob_id_equal(&b->ran[k], &b->opened))
			any = b->differs[k] = true;
	if (any)
		app_say(app, "info", "'%s' is not the source the program runs (it changed on disk before it was "
			"opened): 'apply' loads it; its lines are mapped by a diff of the two (a guess)", b->real);
}

/* The record of buf, made when first seen: it was opened after the
 * generations so far, so its first version stands for all of them (the
 * build's, when the buffer was tagged "built" since). */
static struct gen_buf *gen_buf_of(struct app *app, struct gens *g, struct buffer *buf)
{
	struct gen_buf *v;
	uint64_t built = 0;
	char real[PATH_MAX];
	bool tagged;

	for (size_t i = 0; i < g->nbufs; i++)
		if (g->bufs[i].buf == buf)
			return &g->bufs[i];
	v = realloc(g->bufs, (g->nbufs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	g->bufs = v;
	v = &v[g->nbufs];
	*v = (struct gen_buf){ .buf = buf, .version = calloc(g->ngen + 2, sizeof(uint64_t)),
			       .real = strdup(realpath(buf_path(buf), real) ? real : buf_path(buf)) };
	if (!v->version || !v->real) {
		free(v->version);
		free(v->real);
		return NULL;
	}
	tagged = buf_tagged(buf, "built", &built);
	for (unsigned k = 0; k <= g->ngen; k++)
		v->version[k] = built;
	v->submitted = built;
	v->known = g->restored;
	v->stand_in = g->ngen;
	g->nbufs++;
	/* A text the build compiled is exact; the text as opened may not be. */
	if (!tagged)
		stand_in_check(app, g, v);
	/* File names resolved before it was known may name it now. */
	for (int i = 0; i < NFILES; i++) {
		free(g->files[i].file);
		g->files[i] = (struct file_cache){ 0 };
	}
	return v;
}

/* Records generation gen as the current text of every open buffer, or
 * (like >= 0) as the text of generation like (a revert: the source as
 * built). */
static int gens_record(struct app *app, unsigned gen, int like)
{
	struct gens *g = gens_of(app);

	if (!g)
		return -ENOMEM;
	for (size_t i = 0; i < app->nbufs; i++)
		if (!gen_buf_of(app, g, app->bufs[i]))
			return -ENOMEM;
	for (size_t i = 0; i < g->nbufs; i++) {
		uint64_t *v = realloc(g->bufs[i].version, (gen + 1) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		g->bufs[i].version = v;
		for (unsigned k = g->ngen + 1; k <= gen; k++)
			v[k] = like >= 0 ? v[like] : buf_version(g->bufs[i].buf);
	}
	g->ngen = gen;
	return 0;
}

/* The buffer of a file name (as DWARF or the engine give it), or NULL. */
static struct gen_buf *file_buf(struct gens *g, const char *file)
{
	char real[PATH_MAX];
	struct file_cache *c;
	long found = -1;

	for (int i = 0; i < NFILES; i++)
		if (g->files[i].file && strcmp(g->files[i].file, file) == 0)
			return g->files[i].buf >= 0 ? &g->bufs[g->files[i].buf] : NULL;
	if (realpath(file, real))
		for (size_t i = 0; i < g->nbufs; i++)
			if (strcmp(g->bufs[i].real, real) == 0)
				found = (long)i;
	c = &g->files[g->next_file++ % NFILES];
	free(c->file);
	c->file = strdup(file);
	c->buf = c->file ? found : -1;
	return found >= 0 ? &g->bufs[found] : NULL;
}

/* The line map of b between two versions (cached), or NULL. */
static const struct linemap *version_map(struct gens *g, struct gen_buf *b, uint64_t from, uint64_t to)
{
	struct map_cache *c;

	for (int i = 0; i < NMAPS; i++)
		if (g->maps[i].map && g->maps[i].buf == b->buf && g->maps[i].from == from && g->maps[i].to == to)
			return g->maps[i].map;
	c = &g->maps[g->next_map++ % NMAPS];
	linemap_free(c->map);
	*c = (struct map_cache){ b->buf, from, to, buf_linemap(b->buf, from, to) };
	return c->map;
}

/* True when generation gen ran another text than the one b's version 0
 * (which stands for it) has. */
static bool stand_in_differs(const struct gen_buf *b, unsigned gen)
{
	return b->differs && gen <= b->stand_in && b->differs[gen];
}

/* enc_lines' map: a line of file between two generations (ENC_NOW: the
 * current text). Files not open in encide did not move. */
static size_t gens_map(void *arg, const char *file, unsigned from, unsigned to, int line)
{
	struct app *app = arg;
	struct gens *g = gens_of(app);
	struct gen_buf *b;
	const struct linemap *m;
	uint64_t vf, vt;

	for (size_t i = 0; g && i < app->nbufs; i++)
		gen_buf_of(app, g, app->bufs[i]);
	if (!g || line <= 0 || !(b = file_buf(g, file)))
		return disk_map_line(app, file, from, to, line); /* by the stored sources */
	/* Generations from before a restart: their text is in the snapshots
	 * (a diff's map, a guess), the buffer knows the rest. */
	if (from != ENC_NOW && from < b->known) {
		line = (int)disk_map_line(app, file, from, b->known, line);
		from = b->known;
		if (line <= 0)
			return 0;
	}
	if (to != ENC_NOW && to < b->known) {
		size_t l = gens_map(arg, file, from, b->known, line);

		return l ? disk_map_line(app, file, b->known, to, (int)l) : 0;
	}
	/* A generation whose text was not the one the buffer was opened with:
	 * from that text to the opened one by a diff. */
	if (from != ENC_NOW && stand_in_differs(b, from) &&
	    (line = (int)disk_blob_line(app, b->real, &b->ran[from], &b->opened, line)) <= 0)
		return 0;
	vf = from == ENC_NOW ? buf_version(b->buf) : b->version[from <= g->ngen ? from : g->ngen];
	vt = to == ENC_NOW ? buf_version(b->buf) : b->version[to <= g->ngen ? to : g->ngen];
	if (vf != vt && (m = version_map(g, b, vf, vt)) && (line = (int)linemap_get(m, (size_t)line)) <= 0)
		return 0;
	if (to != ENC_NOW && stand_in_differs(b, to))
		return disk_blob_line(app, b->real, &b->opened, &b->ran[to], line);
	return (size_t)line;
}

/* enc_lines' guess: the map of file between two generations came from a
 * diff (a reload, or a file that is not open changed on disk). */
static bool gens_guess(void *arg, const char *file, unsigned from, unsigned to)
{
	struct app *app = arg;
	struct gens *g = gens_of(app);
	struct gen_buf *b = g ? file_buf(g, file) : NULL;
	const struct linemap *m;
	uint64_t vf, vt;

	if (!b)
		return disk_map_guess(app, file, from, to);
	if ((from != ENC_NOW && stand_in_differs(b, from)) || (to != ENC_NOW && stand_in_differs(b, to)))
		return true;
	vf = from == ENC_NOW ? buf_version(b->buf) : b->version[from <= g->ngen ? from : g->ngen];
	vt = to == ENC_NOW ? buf_version(b->buf) : b->version[to <= g->ngen ? to : g->ngen];
	m = vf == vt ? NULL : version_map(g, b, vf, vt);
	return m && linemap_guess(m);
}

/* The debugger's line translator: generation gen's lines <-> the text now. */
static int gens_translate(void *arg, const char *file, unsigned gen, int line, bool to_current)
{
	return (int)gens_map(arg, file, to_current ? gen : ENC_NOW, to_current ? ENC_NOW : gen, line);
}

int app_generation_source(struct app *app, const char *file, unsigned gen, char **out, size_t *len)
{
	struct snapshot *snap = snapshot_store(app);
	char real[PATH_MAX];
	struct blob_id id;

	*out = NULL;
	*len = 0;
	if (!snap || !file)
		return -ENOENT;
	if (!realpath(file, real))
		snprintf(real, sizeof(real), "%s", file);
	if (snap_lookup(snap, real, gen, &id) < 0 && snap_lookup(snap, file, gen, &id) < 0)
		return -ENOENT;
	return snap_get(snap, &id, out, len);
}

bool app_generation_line(struct app *app, const char *file, unsigned gen, int line, char *buf, size_t size)
{
	char *text, *p;
	size_t len;
	int n = 1;

	if (line <= 0 || size == 0 || app_generation_source(app, file, gen, &text, &len) < 0)
		return false;
	for (p = text; *p && n < line; p++)
		if (*p == '\n')
			n++;
	if (n == line && (*p || p > text)) {
		snprintf(buf, size, "%.*s", (int)strcspn(p, "\n"), p);
		free(text);
		return true;
	}
	free(text);
	return false;
}

/* A new program run starts from what was built: generations are gone. */
/* Where the engine's record of the program's generations is kept, and the
 * label that says which process it is about (pid and start time). Both
 * are the caller's to free; false without a project or a process. */
static bool record_where(struct app *app, char **path, char **label)
{
	pid_t pid = dbg_pid(app->dbg);

	*path = *label = NULL;
	if (!app->project || pid <= 0 || asprintf(path, "%s/gen/record", project_state_path(app->project)) < 0)
		return false;
	if (asprintf(label, "pid %d start %llu %s", (int)pid, snapshot_start_time(pid),
		     dbg_program(app->dbg) ? dbg_program(app->dbg) : "?") < 0) {
		free(*path);
		*path = NULL;
		return false;
	}
	return true;
}

/* After an apply or a revert: the record a restarted encide reads. */
static void record_save(struct app *app)
{
	char *path, *label;

	if (!app->enc || !record_where(app, &path, &label))
		return;
	if (enc_save(app->enc, path, label) < 0)
		bus_emit_message(app->bus, &(struct ev_message){ .level = "warning",
			.text = "cannot write the record of the generations: a restarted encide will not know them" });
	free(path);
	free(label);
}

/* A restarted encide attached to a process its last session had applied
 * code to: the generations are known again. */
static void record_restore(struct app *app)
{
	struct gens *g = gens_of(app);
	char *path, *label, *msg = NULL, *text = NULL;
	struct enc *enc;
	int err;

	if (!g || dbg_state(app->dbg) != DBG_STOPPED || !record_where(app, &path, &label))
		return;
	enc = enc_new(app->dbg, app->project, app->bus);
	err = enc ? enc_restore(enc, path, label, &msg) : -ENOMEM;
	if (err == 0 && enc_generation(enc) > 0) {
		app->enc = enc;
		g->restored = g->ngen = enc_generation(enc);
		caches_clear(g);
		enc_resume(enc);
		if (asprintf(&text, "Edit and Continue: this process runs generations up to upd%03u (from the record "
			     "of the last session); lines of earlier generations are mapped by a diff of their "
			     "snapshots: a guess", enc_generation(enc)) >= 0)
			bus_emit_message(app->bus, &(struct ev_message){ .level = "info", .text = text });
	} else {
		enc_free(enc);
		if (err < 0 && err != -ENOENT && err != -ESTALE && asprintf(&text, "the record of the generations "
			     "cannot be read: %s", msg ? msg : strerror(-err)) >= 0)
			bus_emit_message(app->bus, &(struct ev_message){ .level = "warning", .text = text });
	}
	free(text);
	free(msg);
	free(path);
	free(label);
}

static void on_started(const struct bus_event *ev, void *arg)
{
	struct app *app = arg;
	struct gens *g = gens_of(app);

	enc_free(app->enc);
	app->enc = NULL;
	dbg_forget_code(app->dbg);
	if (g)
		gens_reset(g);
	/* attach: the process may be one a last session applied code to. */
	record_restore(app);
}

static void record_save(struct app *app);

/* At each stop: reverted generations no frame runs any more are released. */
static void on_stopped(const struct bus_event *ev, void *arg)
{
	struct app *app = arg;

	if (app->enc && dbg_state(app->dbg) == DBG_STOPPED && enc_release(app->enc) > 0)
		record_save(app);
}

static void relinked(void *arg, int status, const char *msg)
{
	struct app *app = arg;

	bus_emit_message(app->bus, &(struct ev_message){ .level = status < 0 ? "error" : "info",
		.text = status < 0 ? "relink after Edit and Continue failed: the executable does not match the sources"
				   : "relinked: the executable matches the sources" });
}

/* The end of a session in which code was applied: VC6's automatic relink,
 * so that the executable on disk matches the sources. */
static void on_exited(const struct bus_event *ev, void *arg)
{
	struct app *app = arg;
	char *msg = NULL;

	if (!app->enc || enc_generation(app->enc) == 0 || !app->project || project_building(app->project))
		return;
	bus_emit_message(app->bus, &(struct ev_message){ .level = "info",
		.text = "Edit and Continue: relinking so that the executable matches the sources" });
	if (project_build(app->project, app->loop, app->bus, &(struct build_opts){ 0 }, relinked, app, &msg) < 0) {
		char *text = NULL;

		if (asprintf(&text, "relink after Edit and Continue: %s", msg ? msg : "cannot build") >= 0)
			bus_emit_message(app->bus, &(struct ev_message){ .level = "error", .text = text });
		free(text);
	}
	free(msg);
}

void app_finish(struct app *app)
{
	bool said = false;

	if (!app->loop)
		return;
	loop_resume(app->loop);
	/* A launched one: an attached process goes on (it is detached). */
	if (app->dbg && dbg_pid(app->dbg) > 0 && !dbg_attached(app->dbg) && app->enc && enc_generation(app->enc) > 0)
		dbg_kill(app->dbg, NULL); /* its exit starts the relink (on_exited) */
	bus_dispatch(app->bus);
	while (app->project && project_building(app->project)) {
		if (!said)
			fprintf(stderr, "encide: waiting for the build that runs (the relink after Edit and Continue "
					"makes the executable match the sources)\n");
		said = true;
		if (loop_run_once(app->loop, 100) < 0 || loop_quitting(app->loop))
			break;
		bus_dispatch(app->bus);
	}
}

/* The text a build compiled: every open buffer's version is "built". */
void enc_note_built(struct app *app)
{
	for (size_t i = 0; i < app->nbufs; i++)
		buf_tag(app->bufs[i], "built");
	/* No program runs: the next one is this build, whose text is each
	 * buffer's version now (records made before it, say by a line shown
	 * while the build ran, would map its lines from the older text). The
	 * run's INFERIOR_STARTED resets them too, but only after its
	 * breakpoints were resolved through them. */
	if (dbg_pid(app->dbg) <= 0 && app->applied)
		gens_reset(app->applied);
}

/* A source of the program is opened: its text then is stored, for the
 * generations its first version will stand for (see stand_in_check). */
static void on_opened(const struct bus_event *ev, void *arg)
{
	const struct ev_file_opened *e = ev->payload;
	struct app *app = arg;
	struct gens *g = gens_of(app);
	struct blob_id id;

	for (size_t i = 0; g && i < app->nbufs; i++)
		if (strcmp(buf_path(app->bufs[i]), e->path) == 0) {
			opened_text(app, g, app->bufs[i], &id);
			break;
		}
}

static void on_built(const struct bus_event *ev, void *arg)
{
	const struct ev_build_finished *e = ev->payload;

	if (e->ok)
		enc_note_built(arg);
}

int enc_attach(struct app *app)
{
	if (!gens_of(app))
		return -ENOMEM;
	dbg_set_line_translator(app->dbg, gens_translate, app);
	if (bus_subscribe(app->bus, EV_INFERIOR_STARTED, on_started, app) < 0 ||
	    bus_subscribe(app->bus, EV_INFERIOR_STOPPED, on_stopped, app) < 0 ||
	    bus_subscribe(app->bus, EV_INFERIOR_EXITED, on_exited, app) < 0 ||
	    bus_subscribe(app->bus, EV_BUILD_FINISHED, on_built, app) < 0 ||
	    bus_subscribe(app->bus, EV_FILE_OPENED, on_opened, app) < 0)
		return -ENOMEM;
	return 0;
}

void enc_detach(struct app *app)
{
	struct gens *g = app->applied;

	enc_free(app->enc);
	app->enc = NULL;
	if (app->dbg)
		dbg_set_line_translator(app->dbg, NULL, NULL);
	if (g) {
		gens_reset(g);
		free(g->opened);
		free(g);
	}
	app->applied = NULL;
}

/* The version of buf last applied (or found to change no code). */
static uint64_t applied_version(struct app *app, struct buffer *buf)
{
	struct gens *g = gens_of(app);
	struct gen_buf *b = g ? gen_buf_of(app, g, buf) : NULL;

	return b ? b->submitted : 0;
}

/* Every buffer's current text has been applied. */
static void applied_all(struct app *app)
{
	struct gens *g = gens_of(app);

	for (size_t i = 0; g && i < app->nbufs; i++) {
		struct gen_buf *b = gen_buf_of(app, g, app->bufs[i]);

		if (b) {
			b->submitted = buf_version(app->bufs[i]);
			b->taken = true;
		}
	}
}

/* True when buf is a source of the program: a TU or a header one uses. */
static bool is_program_source(struct app *app, struct buffer *buf)
{
	size_t *deps = NULL, n = 0;

	if (!app->project || project_dependents(app->project, buf_path(buf), &deps, &n) < 0)
		return false;
	free(deps);
	return n > 0;
}

/* The buffers of the program's sources edited since they were last applied
 * (NULL-terminated, caller frees the array); *n how many, *fresh how many
 * of them are new edits. After a revert the program runs the source as
 * built again: every buffer whose text is not that goes in too (but only
 * new edits make a debug command apply). */
static const char **edited_files(struct app *app, size_t extra, size_t *n, size_t *fresh)
{
	size_t outside = disk_changed_sources(app, NULL, 0), k;
	const char **files = calloc(app->nbufs + outside + extra + 1, sizeof(*files));
	struct gens *g = gens_of(app);
	bool reverted = app->enc && enc_reverted(app->enc);

	*n = *fresh = 0;
	for (size_t i = 0; files && g && i < app->nbufs; i++) {
		struct buffer *b = app->bufs[i];
		struct gen_buf *gb = gen_buf_of(app, g, b);
		/* (the program runs another text than the one it was opened with) */
		bool edited = buf_version(b) != applied_version(app, b) ||
			      (gb && !gb->taken && stand_in_differs(gb, g->ngen));

		if (!gb || !(edited || (reverted && buf_version(b) != gb->version[0])) || !is_program_source(app, b))
			continue;
		files[(*n)++] = buf_path(b);
		*fresh += edited;
	}
	/* Sources not open that another program changed. */
	k = files ? disk_changed_sources(app, files, *n) : 0;
	*n += k;
	*fresh += k;
	return files;
}

/* A program that runs is stopped (every thread) for the engine; *resume
 * says to let it go on after. 0, or -1 after cmd_error. */
static int stop_for(struct cmd_ctx *ctx, bool *resume)
{
	char *msg = NULL;

	*resume = false;
	if (dbg_state(ctx->app->dbg) != DBG_RUNNING)
		return 0;
	if (dbg_interrupt(ctx->app->dbg, &msg) < 0) {
		cmd_error(ctx, "%s: %s", ctx->entry->name, msg ? msg : "cannot stop the program");
		free(msg);
		return -1;
	}
	*resume = true;
	return 0;
}

/* Saves, applies files as the next generation, resumes a program that ran.
 * 0, 1 (no code changed), or -1 after cmd_error. */
static int apply_files(struct cmd_ctx *ctx, const char **files, size_t nfiles, int fail_at)
{
	struct app *app = ctx->app;
	struct gens *g = gens_of(app);
	char *msg = NULL;
	bool resume = false;
	unsigned gen;
	int err;

	if (!g)
		return cmd_error(ctx, "apply: out of memory");
	/* Every file that goes in is saved first: the compiler reads them. */
	if (app_save_modified(app, &msg) < 0) {
		cmd_error(ctx, "apply: %s", msg ? msg : "cannot save");
		free(msg);
		return -1;
	}
	/* Apply while running: stop every thread, apply, let them go on. */
	if (stop_for(ctx, &resume) < 0)
		return -1;
	if (!app->enc)
		app->enc = enc_new(app->dbg, app->project, app->bus);
	if (!app->enc)
		return cmd_error(ctx, "apply: out of memory");
	/* The text the new generation is compiled from is the text now. */
	gen = enc_generation(app->enc) + 1;
	if (gens_record(app, gen, -1) < 0)
		return cmd_error(ctx, "apply: out of memory");
	enc_fail_at(app->enc, fail_at);
	err = enc_apply(app->enc, files, &(struct enc_lines){ gens_map, app, gens_guess }, &msg);
	if (err != 0) {
		g->ngen = gen - 1; /* no generation was made */
	} else {
		snapshot_generation(app, files, gen);
		record_save(app);
	}
	if (resume && dbg_pid(app->dbg) > 0)
		dbg_continue(app->dbg, NULL);
	if (err < 0) {
		cmd_error(ctx, "apply: %s", msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	applied_all(app);
	if (err == 1) {
		/* No generation: the code that runs keeps its lines, and the line
		 * translator maps them to the text as it is now. */
		cmd_print(ctx, "nothing to apply: the edits change no code");
		return 1;
	}
	cmd_print(ctx, "applied upd%03u", enc_generation(app->enc));
	for (size_t i = 0; i < nfiles; i++)
		if (gens_guess(app, files[i], gen - 1, gen))
			cmd_print(ctx, "lines of %s were mapped by a line diff (it changed outside encide): a guess",
				  files[i]);
	return 0;
}

static int cmd_apply(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	size_t nfiles = 0, fresh;
	const char **files;
	int err, fail_at = 0;

	if (!app->project)
		return cmd_error(ctx, "apply: no project");
	if (dbg_pid(app->dbg) <= 0)
		return cmd_error(ctx, "apply: the program is not running (edits take effect at the next build)");
	if (cmd_project_loaded(ctx) < 0)
		return -1;
	files = edited_files(app, (size_t)argc, &nfiles, &fresh);
	if (!files)
		return cmd_error(ctx, "apply: out of memory");
	for (int i = 1; i < argc; i++) {
		/* Test-only: --fail-at=N makes step N of the pipeline fail. */
		if (strncmp(argv[i], "--fail-at=", 10) == 0)
			fail_at = atoi(argv[i] + 10);
		else
			files[nfiles++] = argv[i];
	}
	if (nfiles == 0) {
		free(files);
		return cmd_error(ctx, "apply: nothing was edited");
	}
	err = apply_files(ctx, files, nfiles, fail_at);
	free(files);
	return err < 0 ? -1 : 0;
}

const struct cmd_entry cmd_apply_entry = {
	.name = "apply",
	.usage = "[FILE...] [--fail-at=STEP]",
	.help = "Apply code changes: save the edited files, recompile them, and load the new code into the program",
	.min_args = 0,
	.max_args = -1,
	.exec = cmd_apply,
};

int enc_apply_first(struct cmd_ctx *ctx)
{
	struct app *app = ctx->app;
	struct gens *g = gens_of(app);
	const char **files;
	size_t n = 0, fresh;
	int err;

	if (!g || !g->auto_apply || !app->project || dbg_pid(app->dbg) <= 0)
		return 0;
	if (cmd_project_loaded(ctx) < 0)
		return -1;
	files = edited_files(app, 0, &n, &fresh);
	if (!files)
		return cmd_error(ctx, "%s: out of memory", ctx->entry->name);
	if (fresh == 0) {
		free(files);
		return 0;
	}
	err = apply_files(ctx, files, n, 0);
	free(files);
	if (err == 0 && app->enc && enc_moved(app->enc) == dbg_current_thread(app->dbg))
		return 1;
	if (err < 0) {
		/* VC6: the command is not performed. Say why, and what to do. */
		char *why = ctx->error;

		ctx->error = NULL;
		cmd_error(ctx, "%s not performed: the edits could not be applied (fix them, or 'set auto-apply "
			  "off' to debug the old code): %s", ctx->entry->name, why ? why : "apply failed");
		free(why);
		return -1;
	}
	return 0;
}

static int cmd_set(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct gens *g = gens_of(ctx->app);
	bool on;

	if (!g)
		return cmd_error(ctx, "set: out of memory");
	if (strcmp(argv[1], "auto-apply") != 0)
		return cmd_error(ctx, "set: no setting '%s' (settings: auto-apply)", argv[1]);
	if (argc == 2) {
		cmd_print(ctx, "auto-apply is %s", g->auto_apply ? "on" : "off");
		return 0;
	}
	if (strcmp(argv[2], "on") == 0)
		on = true;
	else if (strcmp(argv[2], "off") == 0)
		on = false;
	else
		return cmd_error(ctx, "set: auto-apply is 'on' or 'off', not '%s'", argv[2]);
	g->auto_apply = on;
	cmd_print(ctx, "auto-apply is %s", on ? "on" : "off");
	return 0;
}

const struct cmd_entry cmd_set_entry = {
	.name = "set",
	.usage = "auto-apply [on|off]",
	.help = "Settings: auto-apply on (the default) makes continue, next, step, finish and until apply "
		"unapplied edits first",
	.min_args = 1,
	.max_args = 2,
	.exec = cmd_set,
};

static int cmd_revert(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	struct gens *g = gens_of(app);
	char *msg = NULL;
	bool resume;
	unsigned gen;
	int err;

	if (dbg_pid(app->dbg) <= 0)
		return cmd_error(ctx, "revert: the program is not running");
	if (!app->enc || !g || enc_generation(app->enc) == 0 || enc_reverted(app->enc))
		return cmd_error(ctx, "revert: nothing to revert: the program runs its own code");
	if (stop_for(ctx, &resume) < 0)
		return -1;
	/* The revert's generation runs the source as built. */
	gen = enc_generation(app->enc) + 1;
	if (gens_record(app, gen, 0) < 0)
		return cmd_error(ctx, "revert: out of memory");
	err = enc_revert(app->enc, &msg);
	if (err < 0)
		g->ngen = gen - 1;
	else {
		record_save(app);
		snapshot_like(app, gen, 0);
	}
	if (resume && dbg_pid(app->dbg) > 0)
		dbg_continue(app->dbg, NULL);
	if (err < 0) {
		cmd_error(ctx, "%s", msg ? msg : strerror(-err));
		free(msg);
		return -1;
	}
	cmd_print(ctx, "reverted (upd%03u): the program runs its own code again", gen);
	return 0;
}

const struct cmd_entry cmd_revert_entry = {
	.name = "revert",
	.usage = "",
	.help = "Undo every applied generation: the program runs its own code again, frames follow it back",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_revert,
};

static int cmd_generations(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct enc_region_info r;
	struct app *app = ctx->app;
	size_t i = 0;

	if (!app->enc || enc_generation(app->enc) == 0) {
		cmd_print(ctx, "No generations: the program runs its own code.");
		return 0;
	}
	cmd_print(ctx, "upd%03u is the newest%s", enc_generation(app->enc),
		  enc_reverted(app->enc) ? " (a revert: the program runs its own code)" : "");
	for (; enc_region(app->enc, i, &r) == 0; i++)
		cmd_print(ctx, "upd%03u 0x%llx-0x%llx %s: %s%s", r.generation, (unsigned long long)r.base,
			  (unsigned long long)(r.base + r.size), r.object,
			  r.released ? "released" : r.obsolete ? "kept: " : "loaded",
			  !r.released && r.obsolete ? (r.kept ? r.kept : "in use") : "");
	return 0;
}

const struct cmd_entry cmd_generations_entry = {
	.name = "generations",
	.usage = "",
	.help = "List the generations Edit and Continue loaded into the program and the memory each holds",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_generations,
};
