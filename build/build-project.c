/* The project: a directory checked on open, what builds it (its kind), its
 * state directory, and the commands, dependency graph and targets loaded
 * from the folder's sources, a compile_commands.json, or what the last build
 * recorded. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/state.h"
#include "build/build-int.h"

/* Says why dir cannot be the project; returns -err. */
static int errmsg_set(char **errmsg, int err, const char *dir)
{
	if (errmsg && asprintf(errmsg, "project directory '%s': %s", dir, strerror(err)) < 0)
		*errmsg = NULL;
	return -err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sources_release(struct project *proj)
{
	for (size_t i = 0; i < proj->nsources; i++)
		free(proj->sources[i]);
	free(proj->sources);
	proj->sources = NULL;
	proj->nsources = 0;
}

/* Lists the .c files directly in the project's directory, sorted. */
static int scan_sources(struct project *proj)
{
	DIR *d = opendir(proj->dir);
	struct dirent *de;
	size_t cap = 0;
	int err = 0;

	if (!d)
		return -errno;
	sources_release(proj);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char *path, **v;

		if (len < 3 || strcmp(de->d_name + len - 2, ".c") != 0 || de->d_name[0] == '.')
			continue;
		if (proj->nsources == cap) {
			cap = cap ? 2 * cap : 16;
			v = realloc(proj->sources, cap * sizeof(*v));
			if (!v) {
				err = -ENOMEM;
				break;
			}
			proj->sources = v;
		}
		if (asprintf(&path, "%s/%s", proj->dir, de->d_name) < 0) {
			err = -ENOMEM;
			break;
		}
		proj->sources[proj->nsources++] = path;
	}
	closedir(d);
	if (proj->nsources)
		qsort(proj->sources, proj->nsources, sizeof(*proj->sources), cmp_str);
	return err;
}

static bool has_file(const struct project *proj, const char *name)
{
	char *path;
	bool ok;

	if (asprintf(&path, "%s/%s", proj->dir, name) < 0)
		return false;
	ok = access(path, F_OK) == 0;
	free(path);
	return ok;
}

bool project_needs_configure(const struct project *proj)
{
	char *path;
	bool yes;

	/* (gnulib's GNUmakefile only says "run ./configure first") */
	if (has_file(proj, "Makefile") || has_file(proj, "makefile") ||
	    asprintf(&path, "%s/configure", proj->dir) < 0)
		return false;
	yes = access(path, X_OK) == 0;
	free(path);
	return yes;
}

/* Whether the folder can be built as kind. */
static bool kind_available(const struct project *proj, enum project_kind kind)
{
	switch (kind) {
	case PROJECT_CMAKE: return has_file(proj, "CMakeLists.txt");
	case PROJECT_MESON: return has_file(proj, "meson.build");
	case PROJECT_MAKE:
		return has_file(proj, "GNUmakefile") || has_file(proj, "Makefile") || has_file(proj, "makefile") ||
		       project_needs_configure(proj);
	case PROJECT_COMPDB: return has_file(proj, "compile_commands.json");
	case PROJECT_FOLDER: return true;
	}
	return false;
}

static enum project_kind detect_kind(const struct project *proj)
{
	/* The user's choice (build-system), while the folder still has it. */
	enum project_kind kinds[5];

	if (proj->chosen_kind >= 0 && kind_available(proj, (enum project_kind)proj->chosen_kind))
		return (enum project_kind)proj->chosen_kind;
	project_kinds(proj, kinds);
	return kinds[0]; /* the most preferred the folder has (folder, at least) */
}

/* The project_kind named name ("make"), or -1. */
static int kind_by_name(const char *name)
{
	for (int k = PROJECT_FOLDER; k <= PROJECT_COMPDB; k++)
		if (strcmp(name, project_kind_name((enum project_kind)k)) == 0)
			return k;
	return -1;
}

/* The first line of the state dir's file name, without its newline, into
 * buf; false when there is none (or it is empty). */
static bool state_line_read(const struct project *proj, const char *name, char *buf, int size)
{
	char *path = project_state_file(proj, name);
	FILE *f = path ? fopen(path, "r") : NULL;
	bool ok = f && fgets(buf, size, f);

	free(path);
	if (f)
		fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok && *buf;
}

/* Writes value as the one line of the state dir's file name (the
 * directory made first). 0, or a negative errno with *errmsg: "cannot
 * remember the WHAT in PATH: why". */
static int state_line_write(const struct project *proj, const char *name, const char *value, const char *what,
			    char **errmsg)
{
	char *path = NULL;
	FILE *f;
	int err = 0;

	if ((err = project_state_mkdir(proj, NULL)) < 0 || !(path = project_state_file(proj, name)))
		err = err < 0 ? err : -ENOMEM;
	else if (!(f = fopen(path, "w")) || fprintf(f, "%s\n", value) < 0 || fclose(f) != 0)
		err = -errno;
	if (err < 0 && asprintf(errmsg, "cannot remember the %s in %s: %s", what, path ? path : proj->state,
				strerror(-err)) < 0)
		*errmsg = NULL;
	free(path);
	return err;
}

/* The chosen build system and target, remembered in the state dir's
 * "build-system" and "target" files. */
static void read_choices(struct project *proj)
{
	char line[NAME_MAX + 2];

	proj->chosen_kind = state_line_read(proj, "build-system", line, sizeof(line)) ? kind_by_name(line) : -1;
	if (state_line_read(proj, "target", line, sizeof(line)))
		proj->target = strdup(line);
}

int project_open(struct project **out, const char *dir, char **errmsg)
{
	struct project *proj;
	char real[PATH_MAX], *sd = NULL;
	struct stat st;
	int err;

	if (stat(dir, &st) < 0)
		return errmsg_set(errmsg, errno, dir);
	if (!S_ISDIR(st.st_mode))
		return errmsg_set(errmsg, ENOTDIR, dir);
	if (access(dir, R_OK | X_OK) < 0)
		return errmsg_set(errmsg, errno, dir);
	if (!realpath(dir, real))
		return errmsg_set(errmsg, errno, dir);
	proj = calloc(1, sizeof(*proj));
	if (!proj || !(proj->dir = strdup(real)))
		goto nomem;
	proj->name = strdup(strrchr(proj->dir, '/')[1] ? strrchr(proj->dir, '/') + 1 : proj->dir);
	if (!proj->name || !(proj->graph = build_graph_new()) || !(sd = state_dir()))
		goto nomem;
	if (asprintf(&proj->state, "%s/projects/%s-%016llx", sd, proj->name,
		     (unsigned long long)build_fnv(BUILD_FNV0, proj->dir, strlen(proj->dir))) < 0) {
		proj->state = NULL;
		goto nomem;
	}
	free(sd);
	sd = NULL;
	err = scan_sources(proj);
	if (err < 0) {
		project_free(proj);
		return errmsg_set(errmsg, -err, dir);
	}
	read_choices(proj);
	proj->kind = detect_kind(proj);
	*out = proj;
	return 0;
nomem:
	free(sd);
	project_free(proj);
	return errmsg_set(errmsg, ENOMEM, dir);
}

static void targets_release(struct project *proj)
{
	for (size_t i = 0; proj->target_inputs && i < proj->ntargets; i++)
		build_argv_free(proj->target_inputs[i]);
	free(proj->target_inputs);
	proj->target_inputs = NULL;
	build_argv_free(proj->targets);
	build_argv_free(proj->target_paths);
	proj->targets = proj->target_paths = NULL;
	proj->ntargets = 0;
}

void project_free(struct project *proj)
{
	if (!proj)
		return;
	build_jobs_free(proj->jobs); /* kills a running build's children */
	build_run_free(proj->run);
	sources_release(proj);
	build_cmds_release(&proj->cmds);
	build_graph_free(proj->graph);
	targets_release(proj);
	free(proj->target);
	free(proj->state);
	free(proj->name);
	free(proj->dir);
	free(proj);
}

const char *project_dir(const struct project *proj)
{
	return proj->dir;
}

const char *project_name(const struct project *proj)
{
	return proj->name;
}

size_t project_source_count(const struct project *proj)
{
	return proj->nsources;
}

const char *project_source(const struct project *proj, size_t i)
{
	return i < proj->nsources ? proj->sources[i] : NULL;
}

enum project_kind project_kind(const struct project *proj)
{
	return proj->kind;
}

const char *project_kind_name(enum project_kind kind)
{
	switch (kind) {
	case PROJECT_FOLDER: return "folder";
	case PROJECT_CMAKE: return "cmake";
	case PROJECT_MESON: return "meson";
	case PROJECT_MAKE: return "make";
	case PROJECT_COMPDB: return "compile_commands.json";
	}
	return "?";
}

const char *project_state_path(const struct project *proj)
{
	return proj->state;
}

char *project_state_file(const struct project *proj, const char *name)
{
	char *path;

	return asprintf(&path, "%s/%s", proj->state, name) < 0 ? NULL : path;
}

/* mkdir -p path. */
static int mkdirs(const char *path)
{
	char *p = strdup(path);
	int err = 0;

	if (!p)
		return -ENOMEM;
	for (char *s = p + 1; *s && err == 0; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			err = -errno;
		*s = '/';
	}
	if (err == 0 && mkdir(p, 0700) < 0 && errno != EEXIST)
		err = -errno;
	free(p);
	return err;
}

int project_state_mkdir(const struct project *proj, const char *name)
{
	char *path = name ? project_state_file(proj, name) : strdup(proj->state);
	int err;

	if (!path)
		return -ENOMEM;
	err = mkdirs(path);
	free(path);
	return err;
}

/* The folder project's commands: one `cc -c` per .c file, objects and
 * depfiles in the state dir. */
static int folder_cmds(struct project *proj, struct build_cmds *out, char **errmsg)
{
	const char *cc = getenv("CC") && *getenv("CC") ? getenv("CC") : "cc";
	struct build_cmds cmds = { 0 };
	int err = -ENOMEM;

	if ((err = scan_sources(proj)) < 0)
		goto out;
	err = -ENOMEM;
	if (!proj->nsources) {
		if (asprintf(errmsg, "project '%s' has no .c files (and no CMakeLists.txt, meson.build, "
				     "Makefile or compile_commands.json): nothing to build in %s",
			     proj->name, proj->dir) < 0)
			*errmsg = NULL;
		return -ENOENT;
	}
	if (!(cmds.tu = calloc(proj->nsources, sizeof(*cmds.tu))))
		goto out;
	for (size_t i = 0; i < proj->nsources; i++) {
		struct build_tu *tu = &cmds.tu[cmds.ntu++];
		const char *base = strrchr(proj->sources[i], '/') + 1;
		char *argv[6] = { (char *)cc, "-c", proj->sources[i], "-o", NULL, NULL };

		if (asprintf(&tu->output, "%s/obj/%.*s.o", proj->state, (int)(strlen(base) - 2), base) < 0) {
			tu->output = NULL;
			goto out;
		}
		if (!(tu->depfile = strdup(tu->output)))
			goto out;
		strcpy(tu->depfile + strlen(tu->depfile) - 1, "d");
		argv[4] = tu->output;
		if (!(tu->file = strdup(proj->sources[i])) || !(tu->dir = strdup(proj->dir)) ||
		    build_profile_apply(&tu->argv, argv, tu->depfile, NULL) < 0)
			goto out;
	}
	err = 0;
out:
	if (err < 0) {
		build_cmds_release(&cmds);
		if (!*errmsg && asprintf(errmsg, "%s: %s", proj->dir, strerror(-err)) < 0)
			*errmsg = NULL;
		return err;
	}
	*out = cmds;
	return 0;
}

/* What the last cmake/meson/make build recorded: their compilation database
 * (cmake, meson) or the wrapper's compile records (make), and the wrapper's
 * link records. */
static int recorded_cmds(struct project *proj, struct build_cmds *out, char **errmsg)
{
	const char *sub = proj->kind == PROJECT_CMAKE ? "cmake" : "meson";
	struct build_cmds log = { 0 }, db = { 0 };
	char *logpath = project_state_file(proj, "cc.log"), *dbpath = NULL;
	int err;

	if (!logpath)
		return -ENOMEM;
	err = build_cclog_load(&log, logpath, errmsg);
	free(logpath);
	if (err < 0 || proj->kind == PROJECT_MAKE) {
		*out = log;
		return err;
	}
	if (asprintf(&dbpath, "%s/%s/compile_commands.json", proj->state, sub) < 0) {
		build_cmds_release(&log);
		return -ENOMEM;
	}
	if (access(dbpath, F_OK) == 0)
		err = build_compdb_load(&db, dbpath, NULL, errmsg);
	free(dbpath);
	if (err < 0) {
		build_cmds_release(&log);
		return err;
	}
	/* The TUs of the database, each with the exact command the wrapper
	 * recorded when it built it (the database leaves out the depfile
	 * flags the generator adds), and the links of the log. */
	for (size_t i = 0; i < db.ntu; i++) {
		for (size_t k = 0; k < log.ntu; k++) {
			if (log.tu[k].output && strcmp(log.tu[k].output, db.tu[i].output) == 0) {
				build_tu_release(&db.tu[i]);
				db.tu[i] = log.tu[k];
				log.tu[k] = (struct build_tu){ 0 };
				break;
			}
		}
	}
	for (size_t i = 0; i < log.ntu; i++)
		build_tu_release(&log.tu[i]);
	free(log.tu);
	db.link = log.link;
	db.nlink = log.nlink;
	*out = db;
	return 0;
}

/* A link record worth calling a target (not a configure-time probe). */
static bool real_target(const struct build_link *l)
{
	return !strstr(l->output, "/CMakeFiles/") && !strstr(l->output, "/meson-private/") &&
	       !strstr(l->output, "/CMakeScratch/");
}

static int set_targets(struct project *proj, const struct build_cmds *cmds)
{
	char **names = NULL, **paths = NULL, ***inputs = NULL;
	size_t n = 0, m = 0;

	if (proj->kind == PROJECT_FOLDER || proj->kind == PROJECT_COMPDB) {
		char *exe;

		if (asprintf(&exe, "%s/bin/%s", proj->state, proj->name) < 0)
			return -ENOMEM;
		if (build_argv_push(&names, &n, proj->name) < 0 || build_argv_push(&paths, &m, exe) < 0) {
			free(exe);
			goto nomem;
		}
		free(exe);
	} else {
		for (size_t i = 0; i < cmds->nlink; i++)
			if (real_target(&cmds->link[i]) &&
			    (build_argv_push(&names, &n, cmds->link[i].name) < 0 ||
			     build_argv_push(&paths, &m, cmds->link[i].output) < 0))
				goto nomem;
		if (n && !(inputs = calloc(n, sizeof(*inputs))))
			goto nomem;
		for (size_t i = 0, k = 0; i < cmds->nlink; i++)
			if (real_target(&cmds->link[i]))
				inputs[k++] = build_cmd_inputs(cmds->link[i].argv, cmds->link[i].dir);
	}
	/* By name: links finish in any order when they run in parallel. */
	for (size_t i = 1; i < n; i++) {
		for (size_t k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
			char *t = names[k];

			names[k] = names[k - 1];
			names[k - 1] = t;
			t = paths[k];
			paths[k] = paths[k - 1];
			paths[k - 1] = t;
			if (inputs) {
				char **ti = inputs[k];

				inputs[k] = inputs[k - 1];
				inputs[k - 1] = ti;
			}
		}
	}
	targets_release(proj);
	proj->targets = names;
	proj->target_paths = paths;
	proj->target_inputs = inputs;
	proj->ntargets = n;
	return 0;
nomem:
	build_argv_free(names);
	build_argv_free(paths);
	free(inputs);
	return -ENOMEM;
}

int project_install_cmds(struct project *proj, struct build_cmds *cmds, char **errmsg)
{
	struct build_graph *g = build_graph_new();
	int err = g ? 0 : -ENOMEM;

	for (size_t i = 0; i < cmds->ntu && err == 0; i++) {
		const struct build_tu *tu = &cmds->tu[i];

		if ((err = build_graph_add_tu(g, i, tu->file)) < 0)
			break;
		err = build_graph_read_depfile(g, i, tu->depfile, tu->dir, NULL);
		if (err == -ENOENT || err == -EINVAL)
			err = build_graph_scan(g, i, tu->argv, tu->dir);
	}
	if (err == 0)
		err = set_targets(proj, cmds);
	if (err < 0) {
		build_graph_free(g);
		build_cmds_release(cmds);
		if (asprintf(errmsg, "loading the build graph: %s", strerror(-err)) < 0)
			*errmsg = NULL;
		return err;
	}
	build_graph_free(proj->graph);
	proj->graph = g;
	build_cmds_release(&proj->cmds);
	proj->cmds = *cmds;
	*cmds = (struct build_cmds){ 0 };
	return 0;
}

int project_load(struct project *proj, char **errmsg)
{
	struct build_cmds cmds = { 0 };
	char *path = NULL, *obj = NULL;
	int err;

	*errmsg = NULL;
	if (proj->run) {
		*errmsg = strdup("a build is running: the graph is reloaded when it ends");
		return -EBUSY;
	}
	proj->kind = detect_kind(proj);
	switch (proj->kind) {
	case PROJECT_FOLDER:
		err = folder_cmds(proj, &cmds, errmsg);
		break;
	case PROJECT_COMPDB:
		if (asprintf(&path, "%s/compile_commands.json", proj->dir) < 0 ||
		    !(obj = project_state_file(proj, "obj"))) {
			err = -ENOMEM;
			break;
		}
		err = build_compdb_load(&cmds, path, obj, errmsg);
		if (err == 0 && cmds.ntu == 0) {
			err = -ENOENT;
			if (asprintf(errmsg, "%s lists no translation units: nothing to build", path) < 0)
				*errmsg = NULL;
		}
		break;
	default:
		err = recorded_cmds(proj, &cmds, errmsg);
		break;
	}
	free(path);
	free(obj);
	if (err < 0) {
		if (!*errmsg && asprintf(errmsg, "%s: %s", proj->dir, strerror(-err)) < 0)
			*errmsg = NULL;
		return err;
	}
	return project_install_cmds(proj, &cmds, errmsg);
}

const char *project_graph_warning(const struct project *proj)
{
	return build_graph_warning(proj->graph);
}

size_t project_tu_count(const struct project *proj)
{
	return proj->cmds.ntu;
}

const char *project_tu_file(const struct project *proj, size_t i)
{
	return i < proj->cmds.ntu ? proj->cmds.tu[i].file : NULL;
}

const char *const *project_tu_argv(const struct project *proj, size_t i)
{
	return i < proj->cmds.ntu ? (const char *const *)proj->cmds.tu[i].argv : NULL;
}

const char *project_tu_dir(const struct project *proj, size_t i)
{
	return i < proj->cmds.ntu ? proj->cmds.tu[i].dir : NULL;
}

const char *project_tu_output(const struct project *proj, size_t i)
{
	return i < proj->cmds.ntu ? proj->cmds.tu[i].output : NULL;
}

const char *project_tu_depfile(const struct project *proj, size_t i)
{
	return i < proj->cmds.ntu ? proj->cmds.tu[i].depfile : NULL;
}

long project_tu_find(const struct project *proj, const char *path)
{
	char *abs = build_path_abs(proj->dir, path);
	long found = -1;

	for (size_t i = 0; abs && i < proj->cmds.ntu && found < 0; i++)
		if (strcmp(proj->cmds.tu[i].file, abs) == 0)
			found = (long)i;
	free(abs);
	return found;
}

int project_tu_headers(const struct project *proj, size_t i, const char ***out, size_t *n)
{
	return build_graph_headers(proj->graph, i, out, n);
}

int project_dependents(const struct project *proj, const char *path, size_t **out, size_t *n)
{
	char *abs = build_path_abs(proj->dir, path);
	int err;

	if (!abs)
		return -ENOMEM;
	/* The reverse index is a cache: building it is not a visible change. */
	err = build_graph_dependents(((struct project *)proj)->graph, abs, out, n);
	free(abs);
	return err;
}

void project_tu_refresh(struct project *proj, size_t tu)
{
	const struct build_tu *t = &proj->cmds.tu[tu];

	if (build_graph_read_depfile(proj->graph, tu, t->depfile, t->dir, NULL) < 0)
		build_graph_scan(proj->graph, tu, t->argv, t->dir);
}

size_t project_target_count(const struct project *proj)
{
	return proj->ntargets;
}

const char *project_target_name(const struct project *proj, size_t i)
{
	return i < proj->ntargets ? proj->targets[i] : NULL;
}

const char *project_target_path(const struct project *proj, size_t i)
{
	return i < proj->ntargets ? proj->target_paths[i] : NULL;
}

/* The target whose file is path (a symbolic link to it too: a link reads
 * libz.so, the target is libz.so.1.2.13), or -1. */
static long target_at(const struct project *proj, const char *path)
{
	char *real = realpath(path, NULL);
	long found = -1;

	for (size_t j = 0; j < proj->ntargets && found < 0; j++) {
		char *tr;

		if (strcmp(proj->target_paths[j], path) == 0) {
			found = (long)j;
		} else if (real && (tr = realpath(proj->target_paths[j], NULL))) {
			if (strcmp(tr, real) == 0)
				found = (long)j;
			free(tr);
		}
	}
	free(real);
	return found;
}

/* Whether the link of target i read out: itself, in an archive, or through
 * a shared library of the project that it links with (and so on, depth
 * links deep). 1, 0, or -ENOENT when the link's inputs are not known. */
static int linked_in(const struct project *proj, size_t i, const char *out, int depth)
{
	const char *base = strrchr(out, '/') ? strrchr(out, '/') + 1 : out;
	size_t dirlen = (size_t)(base - out); /* out's folder, with its slash */

	if (!proj->target_inputs || !proj->target_inputs[i])
		return -ENOENT;
	for (char **p = proj->target_inputs[i]; *p; p++) {
		size_t len = strlen(*p);
		char **members;
		bool in = false;

		if (strcmp(*p, out) == 0)
			return 1;
		if (strstr(*p, ".so")) {
			long j = target_at(proj, *p);

			/* A shared library the project builds: what its link
			 * read is code the program runs too. One whose link was
			 * not recorded (libtool links libraries with the compiler
			 * it was configured with, not encide's): its objects are
			 * beside it (src/.libs/libgdbm.so, src/.libs/x.o). */
			if (j >= 0 ? depth > 0 && (size_t)j != i && linked_in(proj, (size_t)j, out, depth - 1) == 1
				   : dirlen > 0 && strncmp(*p, out, dirlen) == 0 && !strchr(*p + dirlen, '/'))
				return 1;
		}
		/* An archive the link read: the object may be in it. */
		if (len < 2 || strcmp(*p + len - 2, ".a") != 0 || !(members = build_ar_members(*p)))
			continue;
		for (char **m = members; *m && !in; m++)
			in = strcmp(*m, base) == 0;
		build_argv_free(members);
		if (in)
			return 1;
	}
	return 0;
}

int project_tu_linked(const struct project *proj, size_t tu)
{
	const char *target = project_target(proj), *out = project_tu_output(proj, tu);

	for (size_t i = 0; target && out && i < proj->ntargets; i++)
		if (strcmp(proj->targets[i], target) == 0)
			return linked_in(proj, i, out, 4);
	return -ENOENT;
}

/* Whether target i is a library (libz.so.1.2.13, libz.a), not a program. */
static bool target_is_library(const struct project *proj, size_t i)
{
	const char *n = proj->targets[i];
	size_t len = strlen(n);

	return strstr(n, ".so") || (len > 2 && strcmp(n + len - 2, ".a") == 0);
}

const char *project_target(const struct project *proj)
{
	size_t stem;

	for (size_t i = 0; proj->target && i < proj->ntargets; i++)
		if (strcmp(proj->targets[i], proj->target) == 0)
			return proj->targets[i];
	/* None chosen: the program named after the project's folder, its
	 * version left out (fribidi-1.0.8: fribidi, not BidiCharacterTest),
	 * else the first program, else the first target. */
	stem = strlen(proj->name);
	while (stem > 0 && (isdigit((unsigned char)proj->name[stem - 1]) || proj->name[stem - 1] == '.'))
		stem--;
	if (stem > 0 && stem < strlen(proj->name) && proj->name[stem - 1] == '-')
		stem--;
	else
		stem = strlen(proj->name);
	for (size_t i = 0; i < proj->ntargets; i++)
		if (!target_is_library(proj, i) && strlen(proj->targets[i]) == stem &&
		    strncmp(proj->targets[i], proj->name, stem) == 0)
			return proj->targets[i];
	for (size_t i = 0; i < proj->ntargets; i++)
		if (!target_is_library(proj, i))
			return proj->targets[i];
	return proj->ntargets ? proj->targets[0] : NULL;
}

size_t project_kinds(const struct project *proj, enum project_kind out[5])
{
	static const enum project_kind order[] = { PROJECT_CMAKE, PROJECT_MESON, PROJECT_MAKE, PROJECT_COMPDB,
						   PROJECT_FOLDER };
	size_t n = 0;

	for (size_t i = 0; i < 5; i++)
		if (kind_available(proj, order[i]))
			out[n++] = order[i];
	return n;
}

int project_kind_set(struct project *proj, const char *name, char **errmsg)
{
	int k = kind_by_name(name), err;
	char *path;

	*errmsg = NULL;
	if (k < 0) {
		if (asprintf(errmsg, "no build system '%s' (cmake, meson, make, compile_commands.json or folder)",
			     name) < 0)
			*errmsg = NULL;
		return -EINVAL;
	}
	if (!kind_available(proj, (enum project_kind)k)) {
		if (asprintf(errmsg, "%s cannot be built with %s: it has no %s", proj->dir, name,
			     k == PROJECT_CMAKE ? "CMakeLists.txt" : k == PROJECT_MESON ? "meson.build"
			     : k == PROJECT_MAKE ? "Makefile or configure script" : "compile_commands.json") < 0)
			*errmsg = NULL;
		return -ENOENT;
	}
	if (proj->run) {
		*errmsg = strdup("a build is running: choose the build system when it ends");
		return -EBUSY;
	}
	if ((err = state_line_write(proj, "build-system", name, "build system", errmsg)) < 0)
		return err;
	proj->chosen_kind = k;
	if (proj->kind != (enum project_kind)k && (path = project_state_file(proj, "cc.log"))) {
		/* The wrapper's records are of the other build system's
		 * compiles and links (its programs): the next build makes new
		 * ones. */
		unlink(path);
		free(path);
	}
	proj->kind = detect_kind(proj);
	return 0;
}

int project_target_set(struct project *proj, const char *name, char **errmsg)
{
	char *copy;
	int err;

	*errmsg = NULL;
	for (size_t i = 0; i < proj->ntargets; i++) {
		if (strcmp(proj->targets[i], name) != 0)
			continue;
		if ((err = state_line_write(proj, "target", name, "target", errmsg)) < 0)
			return err;
		if (!(copy = strdup(name)))
			return -ENOMEM;
		free(proj->target);
		proj->target = copy;
		return 0;
	}
	{
		char *list = build_argv_join(proj->targets);

		if (asprintf(errmsg, "no target '%s' in %s (%s)", name, proj->name,
			     proj->ntargets ? (list ? list : "?") : "none known yet: build first") < 0)
			*errmsg = NULL;
		free(list);
	}
	return -ENOENT;
}

char *project_wrapper_path(void)
{
	const char *env = getenv("ENCIDE_CC_WRAPPER");
	char exe[PATH_MAX], *path;
	ssize_t n;

	if (env && *env)
		return strdup(env);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	/* Beside encide; unit tests run from a folder below it. */
	for (int up = 0; up < 2; up++) {
		if (asprintf(&path, "%s/encide-cc", exe) < 0)
			return NULL;
		if (access(path, X_OK) == 0)
			return path;
		free(path);
		if (!strrchr(exe, '/'))
			break;
		*strrchr(exe, '/') = '\0';
	}
	return NULL;
}
