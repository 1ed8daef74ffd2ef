/* One build in the event loop. Folder and compile_commands.json projects are
 * built by encide itself: the TUs whose inputs changed (a content hash of
 * the command, the source and every header the graph knows it reads) are
 * compiled as parallel jobs, then linked. CMake, Meson and Make projects are
 * built by their own tool with encide-cc as the compiler (which applies the
 * profile and appends each command to the state dir's cc.log, watched here
 * for progress), then reloaded. Either way progress, diagnostics and the end
 * go on the bus.
 *
 * State kept in the project's state dir between builds:
 *   hashes      "<hex> <output>" per object (and per executable, its link)
 *   filehash    "<mtime ns> <size> <hex> <path>": contents already hashed,
 *               so an unchanged file is not read again (a touched file is
 *               read, and rebuilds nothing when its bytes are the same)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "app/bus.h"
#include "app/loop.h"
#include "build/build-int.h"

#define HASH_MISSING 1ull /* the content hash of a file that does not exist */

/* A file's content hash as remembered from an earlier build. */
struct fcache {
	char *path;      /* absolute */
	long long mtime; /* st_mtim in ns */
	long long size;  /* st_size */
	uint64_t hash;   /* FNV-1a of the bytes */
};

/* A stored "inputs hash" of an output. */
struct ohash {
	char *output;   /* object or executable, absolute */
	uint64_t hash;  /* of the inputs that made it */
};

/* A compile job's context. */
struct tu_job {
	struct build_run *run; /* the build */
	size_t tu;             /* which TU */
};

struct build_run {
	struct project *proj;     /* being built */
	struct loop *loop;        /* children, timers, watches */
	struct bus *bus;          /* progress, diagnostics, the end */
	bool relink;              /* link even if nothing changed */
	size_t max_jobs;          /* parallel jobs */
	project_build_fn *done;   /* called once at the end */
	void *arg;                /* for done */
	int timer;                /* the deferred start, 0 once run */
	bool cancelled;           /* project_build_cancel() */
	bool gcc;                 /* the compiler speaks JSON diagnostics */
	/* incremental state */
	struct fcache *cache;     /* filehash, sorted by path */
	size_t ncache;
	struct ohash *stored;     /* hashes, sorted by output */
	size_t nstored;
	uint64_t *fh;             /* content hash by graph file id, 0: not yet */
	struct fcache *fstat;     /* mtime/size by graph file id (path unused) */
	size_t nfh;               /* entries in fh and fstat */
	uint64_t *tuhash;         /* inputs hash by TU, 0: unknown */
	bool *fresh;              /* TU compiled (or was up to date) this build */
	/* the compiles */
	size_t *todo;             /* TUs to compile, in order */
	struct tu_job *ctx;       /* a job context per TU (freed with the run) */
	size_t ntodo, next;       /* how many, the next to start */
	size_t running;           /* jobs running */
	size_t total, step;       /* progress: steps in all, started */
	bool link;                /* a link step follows */
	uint64_t linkhash;        /* inputs hash of the link */
	long errors, warnings;    /* diagnostics counted */
	size_t compiled, up_to_date; /* TUs */
	char *errtext;            /* "file:line:col: error: message" lines */
	size_t errlen;
	FILE *errf;               /* writes errtext */
	char *fail;               /* why the build stopped, when not diagnostics */
	/* cmake, meson, make */
	char ***steps;            /* argv of each tool step */
	char ***envs;             /* extra environment of each */
	size_t nsteps, cur;       /* how many, the one running */
	size_t cleaning;          /* the step that is `make clean` (may fail), or SIZE_MAX */
	char *logpath;            /* cc.log */
	off_t logoff;             /* how far it was read */
	int watch;                /* inotify watch on it */
};

static void publish_progress(struct build_run *run, const char *action, const char *file)
{
	bus_emit_build_progress(run->bus, &(struct ev_build_progress){
		.done = (int64_t)++run->step, .total = (int64_t)run->total, .action = action, .file = file });
}

/* ---- persisted hashes ---- */

static int cmp_fcache(const void *a, const void *b)
{
	return strcmp(((const struct fcache *)a)->path, ((const struct fcache *)b)->path);
}

static int cmp_ohash(const void *a, const void *b)
{
	return strcmp(((const struct ohash *)a)->output, ((const struct ohash *)b)->output);
}

static void load_cache(struct build_run *run)
{
	char *path = project_state_file(run->proj, "filehash"), *line = NULL;
	FILE *f = path ? fopen(path, "r") : NULL;
	size_t cap = 0, vcap = 0;

	while (f && getline(&line, &cap, f) > 0) {
		struct fcache e = { 0 };
		unsigned long long h;
		int off = 0;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%lld %lld %llx %n", &e.mtime, &e.size, &h, &off) < 3 || !off)
			continue;
		e.hash = h;
		if (run->ncache == vcap) {
			struct fcache *v = realloc(run->cache, (vcap = vcap ? 2 * vcap : 1024) * sizeof(*v));

			if (!v)
				break;
			run->cache = v;
		}
		if (!(e.path = strdup(line + off)))
			break;
		run->cache[run->ncache++] = e;
	}
	if (f)
		fclose(f);
	free(line);
	free(path);
	if (run->ncache)
		qsort(run->cache, run->ncache, sizeof(*run->cache), cmp_fcache);
}

static void load_hashes(struct build_run *run)
{
	char *path = project_state_file(run->proj, "hashes"), *line = NULL;
	FILE *f = path ? fopen(path, "r") : NULL;
	size_t cap = 0, vcap = 0;

	while (f && getline(&line, &cap, f) > 0) {
		unsigned long long h;
		int off = 0;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%llx %n", &h, &off) < 1 || !off)
			continue;
		if (run->nstored == vcap) {
			struct ohash *v = realloc(run->stored, (vcap = vcap ? 2 * vcap : 1024) * sizeof(*v));

			if (!v)
				break;
			run->stored = v;
		}
		if (!(run->stored[run->nstored].output = strdup(line + off)))
			break;
		run->stored[run->nstored++].hash = h;
	}
	if (f)
		fclose(f);
	free(line);
	free(path);
	if (run->nstored)
		qsort(run->stored, run->nstored, sizeof(*run->stored), cmp_ohash);
}

static uint64_t stored_hash(const struct build_run *run, const char *output)
{
	struct ohash key = { .output = (char *)output }, *e;

	e = run->nstored ? bsearch(&key, run->stored, run->nstored, sizeof(key), cmp_ohash) : NULL;
	return e ? e->hash : 0;
}

/* Writes path atomically (a temporary file renamed over it). */
static FILE *open_tmp(const char *path, char **tmp)
{
	FILE *f;

	if (asprintf(tmp, "%s.tmp", path) < 0)
		return NULL;
	if (!(f = fopen(*tmp, "w"))) {
		free(*tmp);
		*tmp = NULL;
	}
	return f;
}

static void close_tmp(FILE *f, char *tmp, const char *path)
{
	if (fclose(f) == 0)
		rename(tmp, path);
	else
		unlink(tmp);
	free(tmp);
}

static void save_state(struct build_run *run)
{
	const struct project *proj = run->proj;
	char *hpath = project_state_file(proj, "hashes"), *cpath = project_state_file(proj, "filehash");
	char *tmp = NULL;
	FILE *f;

	if (hpath && (f = open_tmp(hpath, &tmp))) {
		for (size_t i = 0; i < proj->cmds.ntu; i++) {
			uint64_t h = run->fresh && run->fresh[i] ? run->tuhash[i]
								 : stored_hash(run, proj->cmds.tu[i].output);

			if (h)
				fprintf(f, "%016llx %s\n", (unsigned long long)h, proj->cmds.tu[i].output);
		}
		if (run->linkhash && proj->ntargets)
			fprintf(f, "%016llx %s\n", (unsigned long long)run->linkhash, proj->target_paths[0]);
		close_tmp(f, tmp, hpath);
	}
	if (cpath && (f = open_tmp(cpath, &tmp))) {
		for (size_t id = 0; id < run->nfh; id++)
			if (run->fh[id] && run->fh[id] != HASH_MISSING)
				fprintf(f, "%lld %lld %016llx %s\n", run->fstat[id].mtime, run->fstat[id].size,
					(unsigned long long)run->fh[id], build_graph_file(proj->graph, id));
		close_tmp(f, tmp, cpath);
	}
	free(hpath);
	free(cpath);
}

/* ---- content hashes ---- */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t hash_contents(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t h = BUILD_FNV0;
	char buf[65536];
	ssize_t r;

	if (fd < 0)
		return HASH_MISSING;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		h = build_fnv(h, buf, (size_t)r);
	close(fd);
	return h < 2 ? h + 2 : h;
}

/* The content hash of graph file id (read once per build, and not at all
 * when its mtime and size match the cache). */
static uint64_t file_hash(struct build_run *run, uint32_t id)
{
	const char *path = build_graph_file(run->proj->graph, id);
	struct fcache key = { .path = (char *)path }, *e;
	struct stat st;

	if (id >= run->nfh) {
		size_t n = build_graph_file_count(run->proj->graph) + 64;
		uint64_t *fh = realloc(run->fh, n * sizeof(*fh));
		struct fcache *fs = fh ? realloc(run->fstat, n * sizeof(*fs)) : NULL;

		if (fh)
			run->fh = fh;
		if (!fh || !fs)
			return hash_contents(path); /* no memory to remember it */
		run->fstat = fs;
		memset(run->fh + run->nfh, 0, (n - run->nfh) * sizeof(*fh));
		memset(run->fstat + run->nfh, 0, (n - run->nfh) * sizeof(*fs));
		run->nfh = n;
	}
	if (run->fh[id])
		return run->fh[id];
	if (stat(path, &st) < 0)
		return run->fh[id] = HASH_MISSING;
	run->fstat[id].mtime = (long long)st.st_mtim.tv_sec * 1000000000ll + st.st_mtim.tv_nsec;
	run->fstat[id].size = (long long)st.st_size;
	e = run->ncache ? bsearch(&key, run->cache, run->ncache, sizeof(key), cmp_fcache) : NULL;
	if (e && e->mtime == run->fstat[id].mtime && e->size == run->fstat[id].size)
		return run->fh[id] = e->hash;
	return run->fh[id] = hash_contents(path);
}

/* What a TU's object depends on: its command and directory, and the bytes
 * of its source and headers (combined by a sum: order does not matter). */
static uint64_t tu_inputs(struct build_run *run, size_t tu, bool *missing_src)
{
	const struct build_tu *t = &run->proj->cmds.tu[tu];
	uint64_t h = build_fnv(BUILD_FNV0, t->dir, strlen(t->dir) + 1), acc = 0;
	const uint32_t *hdr;
	uint32_t src;
	size_t n;

	for (size_t i = 0; t->argv[i]; i++)
		h = build_fnv(h, t->argv[i], strlen(t->argv[i]) + 1);
	build_graph_tu_files(run->proj->graph, tu, &src, &hdr, &n);
	{
		uint64_t fh = file_hash(run, src);

		*missing_src = fh == HASH_MISSING;
		acc += mix(fh ^ build_fnv(BUILD_FNV0, t->file, strlen(t->file)));
	}
	for (size_t i = 0; i < n; i++) {
		const char *p = build_graph_file(run->proj->graph, hdr[i]);

		acc += mix(file_hash(run, hdr[i]) ^ build_fnv(BUILD_FNV0, p, strlen(p)));
	}
	h = mix(h ^ mix(acc));
	return h < 2 ? h + 2 : h;
}

/* ---- the end ---- */

void build_run_free(struct build_run *run)
{
	if (!run)
		return;
	if (run->timer > 0)
		loop_timer_cancel(run->loop, run->timer);
	if (run->watch > 0)
		loop_watch_remove(run->loop, run->watch);
	for (size_t i = 0; i < run->ncache; i++)
		free(run->cache[i].path);
	for (size_t i = 0; i < run->nstored; i++)
		free(run->stored[i].output);
	for (size_t i = 0; i < run->nsteps; i++) {
		build_argv_free(run->steps[i]);
		build_argv_free(run->envs[i]);
	}
	if (run->errf)
		fclose(run->errf);
	free(run->errtext);
	free(run->steps);
	free(run->envs);
	free(run->cache);
	free(run->stored);
	free(run->fh);
	free(run->fstat);
	free(run->tuhash);
	free(run->fresh);
	free(run->todo);
	free(run->ctx);
	free(run->fail);
	free(run->logpath);
	free(run);
}

static void finish(struct build_run *run, int status)
{
	struct project *proj = run->proj;
	project_build_fn *done = run->done;
	void *arg = run->arg;
	const char *target = project_target(proj);
	const char *output = NULL;
	char *msg = NULL;

	if (run->errf) {
		fclose(run->errf);
		run->errf = NULL;
	}
	if (run->cancelled)
		status = -ECANCELED;
	if (status == 0 && run->errors)
		status = -EIO;
	if (status < 0) {
		if (run->cancelled)
			msg = strdup("build cancelled");
		else if (run->errors && run->errlen &&
			 asprintf(&msg, "build failed: %ld error%s\n%.*s", run->errors, run->errors == 1 ? "" : "s",
				  (int)(run->errlen - 1), run->errtext) < 0)
			msg = NULL;
		else if (!run->errors || !run->errlen)
			msg = strdup(run->fail ? run->fail : "build failed");
	}
	for (size_t i = 0; target && i < proj->ntargets; i++)
		if (strcmp(proj->targets[i], target) == 0)
			output = proj->target_paths[i];
	if (proj->kind == PROJECT_FOLDER || proj->kind == PROJECT_COMPDB)
		save_state(run);
	bus_emit_build_finished(run->bus, &(struct ev_build_finished){
		.ok = status == 0, .errors = run->errors, .warnings = run->warnings,
		.compiled = (int64_t)run->compiled, .up_to_date = (int64_t)run->up_to_date,
		.output = status == 0 ? output : NULL, .error = msg });
	proj->run = NULL;
	build_run_free(run);
	done(arg, status, msg);
	free(msg);
}

/* Publishes the diagnostics in a job's output; counts them and keeps the
 * errors' text. Returns the number of errors. */
static long report(struct build_run *run, const char *out, size_t len)
{
	struct build_diags d = { 0 };
	long errors, warnings;

	build_diag_parse(&d, out, len);
	build_diags_count(&d, &errors, &warnings);
	run->errors += errors;
	run->warnings += warnings;
	for (size_t i = 0; i < d.n; i++) {
		const struct build_diag *g = &d.v[i];

		bus_emit_diagnostic(run->bus, &(struct ev_diagnostic){
			.file = g->file, .line = g->line, .column = g->col, .severity = g->severity,
			.message = g->message, .fixits = (const char *const *)g->fixits });
		if (strstr(g->severity, "error") && run->errf) {
			if (g->line && g->col)
				fprintf(run->errf, "%s:%ld:%ld: %s: %s\n", g->file, g->line, g->col, g->severity, g->message);
			else if (g->line)
				fprintf(run->errf, "%s:%ld: %s: %s\n", g->file, g->line, g->severity, g->message);
			else
				fprintf(run->errf, "%s: %s: %s\n", g->file, g->severity, g->message);
			fflush(run->errf);
		}
	}
	build_diags_release(&d);
	return errors;
}

/* Keeps "what: exit N" and the output's last lines as the failure. */
static void note_failure(struct build_run *run, const char *what, int status, const char *out, size_t len)
{
	const char *tail = out + len;
	int lines = 0;

	while (tail > out && lines < 12)
		if (*--tail == '\n' && tail + 1 < out + len)
			lines++;
	if (run->fail)
		return;
	if (asprintf(&run->fail, "%s failed (%s %d)%s%.*s", what, WIFEXITED(status) ? "exit" : "signal",
		     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), len ? ":\n" : "",
		     (int)(out + len - tail - (len && out[len - 1] == '\n')), tail + (*tail == '\n')) < 0)
		run->fail = NULL;
}

static bool succeeded(int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ---- folder and compile_commands.json projects: encide compiles ---- */

static void start_more(struct build_run *run);

static void link_done(void *arg, int status, bool cancelled, const char *out, size_t len)
{
	struct build_run *run = arg;

	run->running--;
	if (cancelled || run->cancelled)
		return finish(run, -ECANCELED);
	report(run, out, len);
	if (!succeeded(status) && run->cur != run->cleaning) { /* (a Makefile may have no clean) */
		note_failure(run, "linking", status, out, len);
		run->linkhash = 0;
		return finish(run, -EIO);
	}
	finish(run, 0);
}

static void start_link(struct build_run *run)
{
	struct project *proj = run->proj;
	const char *cc = proj->cmds.tu[0].argv[0];
	char **argv = NULL, *err = NULL;
	size_t n = 0;
	int ret = 0;

	ret |= build_argv_push(&argv, &n, cc);
	ret |= build_argv_push(&argv, &n, "-g");
	ret |= build_argv_push(&argv, &n, "-o");
	ret |= build_argv_push(&argv, &n, proj->target_paths[0]);
	for (size_t i = 0; i < proj->cmds.ntu; i++)
		ret |= build_argv_push(&argv, &n, proj->cmds.tu[i].output);
	if (ret < 0) {
		build_argv_free(argv);
		free(run->fail);
		run->fail = strdup("linking: out of memory");
		return finish(run, -ENOMEM);
	}
	publish_progress(run, "link", proj->target_paths[0]);
	ret = build_jobs_start(proj->jobs, &(struct build_job_spec){ .argv = argv, .dir = proj->dir },
			       link_done, run, &err);
	build_argv_free(argv);
	if (ret < 0) {
		free(run->fail);
		run->fail = err;
		return finish(run, ret);
	}
	free(err);
	run->running++;
}

static void compile_done(void *arg, int status, bool cancelled, const char *out, size_t len)
{
	struct tu_job *job = arg;
	struct build_run *run = job->run;
	size_t tu = job->tu;

	run->running--;
	if (!cancelled && !run->cancelled) {
		long errors = report(run, out, len);

		if (succeeded(status)) {
			bool missing;

			run->compiled++;
			project_tu_refresh(run->proj, tu);
			run->tuhash[tu] = tu_inputs(run, tu, &missing);
			run->fresh[tu] = true;
		} else if (!errors) {
			char *what;

			if (asprintf(&what, "compiling %s", run->proj->cmds.tu[tu].file) >= 0) {
				note_failure(run, what, status, out, len);
				free(what);
			}
			run->errors++;
			fprintf(run->errf, "%s\n", run->fail ? run->fail : "compile failed");
		}
	}
	start_more(run);
}

/* Starts compiles up to the job limit; links or finishes after the last. */
static void start_more(struct build_run *run)
{
	struct project *proj = run->proj;

	while (!run->cancelled && !run->fail && run->next < run->ntodo && run->running < run->max_jobs) {
		size_t tu = run->todo[run->next++];
		struct build_tu *t = &proj->cmds.tu[tu];
		char **argv = build_argv_dup(t->argv), *err = NULL;
		struct tu_job *job = &run->ctx[tu];
		size_t n = build_argv_len(argv);
		int ret = argv ? 0 : -ENOMEM;

		/* Diagnostics as records: not part of the recorded command. */
		if (ret == 0)
			ret = build_argv_push(&argv, &n, run->gcc ? "-fdiagnostics-format=json"
								  : "-fdiagnostics-parseable-fixits");
		publish_progress(run, "compile", t->file);
		if (ret == 0) {
			*job = (struct tu_job){ .run = run, .tu = tu };
			ret = build_jobs_start(proj->jobs, &(struct build_job_spec){ .argv = argv, .dir = t->dir },
					       compile_done, job, &err);
		}
		build_argv_free(argv);
		if (ret < 0) {
			if (asprintf(&run->fail, "%s: %s", t->file, err ? err : strerror(-ret)) < 0)
				run->fail = NULL;
			free(err);
			if (!run->fail)
				run->fail = strdup("out of memory");
			break;
		}
		run->running++;
	}
	if (run->running)
		return;
	if (run->cancelled)
		return finish(run, -ECANCELED);
	if (run->fail)
		return finish(run, -EIO);
	if (run->errors)
		return finish(run, -EIO);
	if (run->link)
		return start_link(run);
	finish(run, 0);
}

/* Which TUs to compile, and whether to link. Fails when a source is gone. */
static int plan(struct build_run *run, char **errmsg)
{
	struct project *proj = run->proj;
	size_t ntu = proj->cmds.ntu;
	struct stat st;

	run->tuhash = calloc(ntu ? ntu : 1, sizeof(*run->tuhash));
	run->fresh = calloc(ntu ? ntu : 1, sizeof(*run->fresh));
	run->todo = malloc((ntu ? ntu : 1) * sizeof(*run->todo));
	run->ctx = malloc((ntu ? ntu : 1) * sizeof(*run->ctx));
	if (!run->tuhash || !run->fresh || !run->todo || !run->ctx)
		return -ENOMEM;
	load_cache(run);
	load_hashes(run);
	run->linkhash = mix(build_fnv(BUILD_FNV0, proj->cmds.tu[0].argv[0], strlen(proj->cmds.tu[0].argv[0])));
	for (size_t i = 0; i < ntu; i++) {
		const struct build_tu *t = &proj->cmds.tu[i];
		bool missing;

		run->tuhash[i] = tu_inputs(run, i, &missing);
		if (missing) {
			if (asprintf(errmsg, "%s: deleted since the project was scanned (%s)", t->file,
				     proj->kind == PROJECT_COMPDB ? "compile_commands.json lists it"
								  : "build again to rescan") < 0)
				*errmsg = NULL;
			return -ENOENT;
		}
		run->linkhash = mix(run->linkhash ^ build_fnv(BUILD_FNV0, t->output, strlen(t->output)));
		if (stored_hash(run, t->output) == run->tuhash[i] && stat(t->output, &st) == 0) {
			run->fresh[i] = true;
			run->up_to_date++;
		} else {
			run->todo[run->ntodo++] = i;
		}
	}
	run->link = run->relink || run->ntodo > 0 || stat(proj->target_paths[0], &st) < 0 ||
		    stored_hash(run, proj->target_paths[0]) != run->linkhash;
	run->total = run->ntodo + run->link;
	return 0;
}

/* ---- cmake, meson, make: their tool builds, encide-cc records ---- */

/* New records in cc.log: one progress event each. */
static void read_log(struct build_run *run)
{
	int fd = open(run->logpath, O_RDONLY | O_CLOEXEC);
	char buf[65536];
	ssize_t r;

	if (fd < 0)
		return;
	while ((r = pread(fd, buf, sizeof(buf) - 1, run->logoff)) > 0) {
		char *end = memrchr(buf, '\n', (size_t)r), *line = buf;

		if (!end)
			break;
		*end = '\0';
		run->logoff += end + 1 - buf;
		while (line && *line) {
			char *nl = strchr(line, '\n');
			struct json_object *rec, *v;

			if (nl)
				*nl = '\0';
			if ((rec = json_tokener_parse(line))) {
				const char *kind = json_object_object_get_ex(rec, "kind", &v) ? json_object_get_string(v) : "";
				bool link = strcmp(kind, "link") == 0;
				const char *file = json_object_object_get_ex(rec, link ? "output" : "file", &v)
							   ? json_object_get_string(v) : NULL;
				const char *dir = json_object_object_get_ex(rec, "directory", &v)
							  ? json_object_get_string(v) : NULL;
				char *abs = file && dir ? build_path_abs(dir, file) : NULL;

				if (abs)
					publish_progress(run, link ? "link" : "compile", abs);
				run->compiled += abs && !link;
				free(abs);
				json_object_put(rec);
			}
			line = nl ? nl + 1 : NULL;
		}
	}
	close(fd);
}

static void on_log(const char *path, uint32_t mask, void *arg)
{
	read_log(arg);
}

static void start_step(struct build_run *run);

static void step_done(void *arg, int status, bool cancelled, const char *out, size_t len)
{
	struct build_run *run = arg;
	static const char *const what[] = { [PROJECT_CMAKE] = "cmake", [PROJECT_MESON] = "meson",
					    [PROJECT_MAKE] = "make" };
	char *errmsg = NULL, *name;

	run->running--;
	read_log(run);
	if (cancelled || run->cancelled)
		return finish(run, -ECANCELED);
	report(run, out, len);
	if (!succeeded(status) && run->cur != run->cleaning) { /* (a Makefile may have no clean) */
		if (asprintf(&name, "%s (%s)", what[run->proj->kind], run->steps[run->cur][0]) >= 0) {
			note_failure(run, name, status, out, len);
			free(name);
		}
		return finish(run, -EIO);
	}
	if (++run->cur < run->nsteps)
		return start_step(run);
	/* Built: the new commands and links become the graph. */
	run->proj->run = NULL;
	if (project_load(run->proj, &errmsg) < 0) {
		run->fail = errmsg;
		run->proj->run = run;
		return finish(run, -EIO);
	}
	run->proj->run = run;
	free(errmsg);
	if (project_tu_count(run->proj) == 0) {
		/* The tool said yes, yet no compile ever came through encide-cc:
		 * a Makefile that ignores its own errors, or one that does not
		 * compile with $(CC). Nothing could be debugged or applied. */
		if (asprintf(&run->fail, "%s succeeded but compiled nothing through encide's compiler wrapper "
			     "(does the build call the C compiler as $(CC)? its output:\n%.*s)",
			     what[run->proj->kind], (int)(len > 600 ? 600 : len), len > 600 ? out + len - 600 : out) < 0)
			run->fail = NULL;
		return finish(run, -EIO);
	}
	finish(run, 0);
}

static void start_step(struct build_run *run)
{
	char *err = NULL;
	int ret = build_jobs_start(run->proj->jobs, &(struct build_job_spec){
		.argv = run->steps[run->cur], .dir = run->proj->dir, .env = run->envs[run->cur] },
		step_done, run, &err);

	if (ret < 0) {
		run->fail = err;
		return finish(run, ret);
	}
	run->running++;
}

static int add_step(struct build_run *run, char **argv, char **env)
{
	char ***s = realloc(run->steps, (run->nsteps + 1) * sizeof(*s));
	char ***e = s ? realloc(run->envs, (run->nsteps + 1) * sizeof(*e)) : NULL;

	if (s)
		run->steps = s;
	if (!s || !e || !argv) {
		build_argv_free(argv);
		build_argv_free(env);
		return -ENOMEM;
	}
	run->envs = e;
	run->steps[run->nsteps] = argv;
	run->envs[run->nsteps++] = env;
	return 0;
}

/* argv from a NULL-terminated list of strings, NULLs skipped via "". */
static char **vec(const char *first, ...) __attribute__((sentinel));
static char **vec(const char *first, ...)
{
	va_list ap;
	char **v = NULL;
	size_t n = 0;
	const char *s;

	va_start(ap, first);
	for (s = first; s; s = va_arg(ap, const char *))
		if (*s && build_argv_push(&v, &n, s) < 0) {
			build_argv_free(v);
			v = NULL;
			break;
		}
	va_end(ap);
	return v;
}

static int plan_tool(struct build_run *run, char **errmsg)
{
	struct project *proj = run->proj;
	const char *cc = getenv("CC") && *getenv("CC") ? getenv("CC") : "cc";
	const char *tool = proj->kind == PROJECT_CMAKE ? "cmake" : proj->kind == PROJECT_MESON ? "meson" : "make";
	char *wrapper = project_wrapper_path(), *which = build_which(tool), *bdir = NULL, *flags = NULL;
	char *e_log = NULL, *e_dep = NULL, *e_cc = NULL, *e_meson = NULL, *depdir = NULL, *jobs = NULL;
	char *probe = NULL, *ninja = build_which("ninja");
	const char *const prof[] = { BUILD_PROFILE_FLAGS, NULL };
	struct stat st;
	int err = -ENOMEM, fd;

	if (!wrapper) {
		*errmsg = strdup("encide-cc, the compiler wrapper, is not beside encide: set ENCIDE_CC_WRAPPER");
		err = -ENOENT;
		goto out;
	}
	if (!which) {
		if (asprintf(errmsg, "%s not found: the %s project needs it on $PATH", tool, proj->name) < 0)
			*errmsg = NULL;
		err = -ENOENT;
		goto out;
	}
	if (!(run->logpath = project_state_file(proj, "cc.log")) || !(depdir = project_state_file(proj, "deps")))
		goto out;
	if ((err = project_state_mkdir(proj, "deps")) < 0)
		goto out;
	err = -ENOMEM;
	if ((fd = open(run->logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0) {
		err = -errno;
		goto out;
	}
	run->logoff = lseek(fd, 0, SEEK_END);
	close(fd);
	run->watch = loop_watch_add(run->loop, run->logpath, IN_MODIFY, on_log, run);
	{
		size_t n = 0;
		char **v = NULL;

		for (size_t i = 0; prof[i]; i++)
			if (build_argv_push(&v, &n, prof[i]) < 0)
				goto out;
		flags = build_argv_join(v);
		build_argv_free(v);
	}
	if (!flags || asprintf(&e_log, "ENCIDE_CC_LOG=%s", run->logpath) < 0 ||
	    asprintf(&e_dep, "ENCIDE_CC_DEPDIR=%s", depdir) < 0 || asprintf(&jobs, "-j%zu", run->max_jobs) < 0)
		goto out;
	if (proj->kind == PROJECT_CMAKE) {
		char *a_src = NULL, *a_flags = NULL, *a_l1 = NULL, *a_l2 = NULL;

		if (!(bdir = project_state_file(proj, "cmake")) || asprintf(&probe, "%s/CMakeCache.txt", bdir) < 0)
			goto out;
		if (stat(probe, &st) < 0) {
			if (asprintf(&a_flags, "-DCMAKE_C_FLAGS=%s", flags) < 0 ||
			    asprintf(&a_l1, "-DCMAKE_C_COMPILER_LAUNCHER=%s", wrapper) < 0 ||
			    asprintf(&a_l2, "-DCMAKE_C_LINKER_LAUNCHER=%s", wrapper) < 0 ||
			    asprintf(&a_src, "-S%s", proj->dir) < 0) {
				free(a_flags);
				free(a_l1);
				free(a_l2);
				goto out;
			}
			err = add_step(run, vec("cmake", a_src, "-B", bdir, ninja ? "-GNinja" : "",
						"-DCMAKE_BUILD_TYPE=", "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON", a_flags,
						a_l1, a_l2, NULL),
				       NULL);
			free(a_src);
			free(a_flags);
			free(a_l1);
			free(a_l2);
			if (err < 0)
				goto out;
			err = -ENOMEM;
		}
		if (add_step(run, vec("cmake", "--build", bdir, "--parallel", jobs + 2, NULL),
			     vec(e_log, e_dep, NULL)) < 0)
			goto out;
	} else if (proj->kind == PROJECT_MESON) {
		if (!ninja) {
			*errmsg = strdup("ninja not found: meson projects are built with it");
			err = -ENOENT;
			goto out;
		}
		if (!(bdir = project_state_file(proj, "meson")) || asprintf(&probe, "%s/build.ninja", bdir) < 0)
			goto out;
		if (stat(probe, &st) < 0) {
			if (asprintf(&e_meson, "CC=%s %s", wrapper, cc) < 0)
				goto out;
			if (add_step(run, vec("meson", "setup", "--buildtype=plain", bdir, proj->dir, NULL),
				     vec(e_meson, NULL)) < 0)
				goto out;
		}
		if (add_step(run, vec("ninja", "-C", bdir, jobs, NULL), vec(e_log, e_dep, NULL)) < 0)
			goto out;
	} else {
		char *a_cc = NULL;
		bool first = run->logoff == 0; /* never built by encide: objects of another profile */

		if (asprintf(&a_cc, "CC=%s", wrapper) < 0 || asprintf(&e_cc, "ENCIDE_REAL_CC=%s", cc) < 0) {
			free(a_cc);
			goto out;
		}
		/* An autotools tree: ./configure writes the Makefile, in the tree,
		 * with the real compiler (its test programs are not the project's
		 * code; make's CC= then puts the wrapper in every compile). */
		if (project_needs_configure(proj) &&
		    (err = add_step(run, vec("./configure", NULL), NULL)) < 0) {
			free(a_cc);
			goto out;
		}
		/* Objects already in the tree were made in another profile (-O2):
		 * the first build cleans them. Not `make -B`, which also remakes
		 * what autotools generated (aclocal.m4, configure, Makefile.in)
		 * and needs automake. A relink is a plain make: the sources EnC
		 * saved are newer than their objects. */
		if (first) {
			run->cleaning = run->nsteps;
			if ((err = add_step(run, vec("make", "clean", NULL), NULL)) < 0) {
				free(a_cc);
				goto out;
			}
		}
		err = add_step(run, vec("make", jobs, a_cc, NULL), vec(e_log, e_dep, e_cc, NULL));
		free(a_cc);
		if (err < 0)
			goto out;
	}
	err = 0;
out:
	if (err < 0 && !*errmsg && asprintf(errmsg, "preparing the %s build: %s", tool, strerror(-err)) < 0)
		*errmsg = NULL;
	free(wrapper);
	free(which);
	free(ninja);
	free(bdir);
	free(flags);
	free(e_log);
	free(e_dep);
	free(e_cc);
	free(e_meson);
	free(depdir);
	free(jobs);
	free(probe);
	return err;
}

/* ---- starting ---- */

static void on_start(void *arg)
{
	struct build_run *run = arg;

	run->timer = 0;
	if (run->steps)
		start_step(run);
	else
		start_more(run);
}

int project_build(struct project *proj, struct loop *loop, struct bus *bus, const struct build_opts *opts,
		  project_build_fn *done, void *arg, char **errmsg)
{
	struct build_run *run = NULL;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	bool own = proj->kind == PROJECT_FOLDER || proj->kind == PROJECT_COMPDB;
	int err;

	*errmsg = NULL;
	if (proj->run) {
		*errmsg = strdup("a build is already running (build-cancel stops it)");
		return -EBUSY;
	}
	if (!(run = calloc(1, sizeof(*run))) || !(run->errf = open_memstream(&run->errtext, &run->errlen))) {
		free(run);
		*errmsg = strdup("out of memory");
		return -ENOMEM;
	}
	*run = (struct build_run){ .proj = proj, .loop = loop, .bus = bus, .relink = opts && opts->relink,
				   .cleaning = SIZE_MAX,
				   .max_jobs = opts && opts->jobs > 0 ? (size_t)opts->jobs : cpus > 0 ? (size_t)cpus : 1,
				   .done = done, .arg = arg, .errf = run->errf, .errtext = NULL };
	err = project_load(proj, errmsg);
	if (!own && err < 0) {
		/* Records of an earlier build that cannot be read: the tool's
		 * build makes new ones. */
		free(*errmsg);
		*errmsg = NULL;
		err = 0;
	}
	if (err == 0 && (err = project_state_mkdir(proj, "obj")) == 0 && (err = project_state_mkdir(proj, "bin")) == 0 &&
	    !proj->jobs)
		err = build_jobs_new(&proj->jobs, loop);
	if (err < 0 && !*errmsg && asprintf(errmsg, "%s: %s", proj->state, strerror(-err)) < 0)
		*errmsg = NULL;
	if (err == 0) {
		run->gcc = own && build_cc_is_gcc(proj->cmds.tu[0].argv[0]);
		err = own ? plan(run, errmsg) : plan_tool(run, errmsg);
	}
	bus_emit_build_started(bus, &(struct ev_build_started){
		.project = proj->name, .kind = project_kind_name(proj->kind), .target = project_target(proj),
		.jobs = (int64_t)run->max_jobs, .relink = run->relink });
	if (err == 0 && (run->timer = loop_timer_add(loop, 0, false, on_start, run)) < 0)
		err = run->timer;
	if (err < 0) {
		if (!*errmsg)
			*errmsg = strdup(strerror(-err));
		bus_emit_build_finished(bus, &(struct ev_build_finished){ .ok = false, .error = *errmsg });
		run->timer = 0;
		build_run_free(run);
		return err;
	}
	proj->run = run;
	return 0;
}

bool project_building(const struct project *proj)
{
	return proj->run != NULL;
}

bool project_build_cancel(struct project *proj)
{
	struct build_run *run = proj->run;

	if (!run)
		return false;
	run->cancelled = true;
	if (run->timer > 0) {
		loop_timer_cancel(run->loop, run->timer);
		run->timer = 0;
		finish(run, -ECANCELED);
		return true;
	}
	build_jobs_cancel(proj->jobs);
	return true;
}
