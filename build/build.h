/* build/: the project encide was opened on and its build graph: the exact
 * command of each translation unit (our ENC_CMD) in the EnC build profile,
 * the include dependencies, the targets, and builds run as child processes
 * in the event loop with progress and diagnostics on the bus. A library with
 * no terminal code.
 *
 * Ownership: a struct project owns every string it returns; they live until
 * project_free() or the next successful project_load() / build, whichever
 * comes first. Arrays returned through `out` parameters are the caller's.
 */
#ifndef ENCIDE_BUILD_H
#define ENCIDE_BUILD_H

#include <stdbool.h>
#include <stddef.h>

struct project;
struct loop;
struct bus;

/* The flags encide adds to every compile (DESIGN.md, "The EnC build
 * profile"); -MMD depfiles come on top. */
#define BUILD_PROFILE_FLAGS                                                    \
	"-g", "-O0", "-fno-omit-frame-pointer", "-ffunction-sections",        \
		"-fdata-sections", "-fpatchable-function-entry=16,14"

/* How the project is built, from what its directory holds (first match). */
enum project_kind {
	PROJECT_FOLDER, /* .c files only: one program, built by encide itself */
	PROJECT_CMAKE,  /* CMakeLists.txt: configured into encide's state dir */
	PROJECT_MESON,  /* meson.build: set up in encide's state dir */
	PROJECT_MAKE,   /* Makefile: make CC=encide-cc, the wrapper records */
	PROJECT_COMPDB, /* compile_commands.json: compiled and linked by encide */
};

/* Opens the project in dir: it must be a readable directory. Returns 0, or a
 * negative errno with *errmsg (caller frees) naming dir and the reason; *out
 * is untouched on failure. Loads no build graph yet (project_load does). */
int project_open(struct project **out, const char *dir, char **errmsg);
/* Frees the project, cancelling a running build (its children are killed
 * and reaped, its callback not called); project_free(NULL) is a no-op. */
void project_free(struct project *proj);

/* The project's directory, absolute and without a trailing '/'. */
const char *project_dir(const struct project *proj);
/* The project's name: its directory's last component. */
const char *project_name(const struct project *proj);
/* The number of .c files directly in the project (sorted by name). */
size_t project_source_count(const struct project *proj);
/* The absolute path of the i-th .c file. */
const char *project_source(const struct project *proj, size_t i);
/* How the project is built. */
enum project_kind project_kind(const struct project *proj);
/* "folder", "cmake", "meson", "make" or "compile_commands.json". */
const char *project_kind_name(enum project_kind kind);
/* The build systems the folder can be built with, into out, most
 * preferred first (the one chosen when the user has not said); returns
 * how many (folder, encide's own, is always one). */
size_t project_kinds(const struct project *proj, enum project_kind out[5]);
/* Builds the project with the build system named name ("make" for a
 * project that also has a CMakeLists.txt), remembered in the state dir.
 * 0; -EINVAL (no such name), -ENOENT (the folder lacks its file), -EBUSY
 * (a build runs), or another negative errno, with *errmsg. */
int project_kind_set(struct project *proj, const char *name, char **errmsg);
/* encide's directory for this project: state_dir()/projects/<name>-<hash of
 * the absolute path> (created by the first build). */
const char *project_state_path(const struct project *proj);

/* (Re)reads the compile commands (the folder's .c files, the
 * compile_commands.json, or what the last build recorded) and the include
 * graph (depfiles, else an #include scan). On failure the previous commands
 * and graph stay as they were. Returns 0, or a negative errno with *errmsg
 * (caller frees), e.g. "compile_commands.json:3:7: ...". A header cycle is
 * not an error: project_graph_warning() tells it. */
int project_load(struct project *proj, char **errmsg);
/* What the last load noticed without failing (a header cycle), or NULL. */
const char *project_graph_warning(const struct project *proj);

/* Translation units, in the order of their commands. */
size_t project_tu_count(const struct project *proj);
/* The TU's source file, absolute. */
const char *project_tu_file(const struct project *proj, size_t i);
/* Its exact compile command in the profile, NULL-terminated, compiler
 * first: what built it and what EnC recompiles it with. */
const char *const *project_tu_argv(const struct project *proj, size_t i);
/* The directory its command runs in (absolute). */
const char *project_tu_dir(const struct project *proj, size_t i);
/* The object file it writes (absolute). */
const char *project_tu_output(const struct project *proj, size_t i);
/* The -MMD depfile it writes (absolute). */
const char *project_tu_depfile(const struct project *proj, size_t i);
/* The TU whose source is path (absolute or relative to the project), or -1. */
long project_tu_find(const struct project *proj, const char *path);
/* The headers TU i includes, directly or not, sorted; *out (caller frees)
 * holds *n paths owned by the project. Returns 0 or -ENOMEM. */
int project_tu_headers(const struct project *proj, size_t i, const char ***out, size_t *n);
/* Every TU that depends on the file at path (a header, transitively, or a
 * TU's own source), as sorted TU indices in *out (caller frees). Returns 0
 * (with *n == 0 when nothing depends on it) or -ENOMEM. */
int project_dependents(const struct project *proj, const char *path, size_t **out, size_t *n);

/* Executables the project links: one for folder and compile_commands.json
 * projects, those the last build linked for the others. */
size_t project_target_count(const struct project *proj);
const char *project_target_name(const struct project *proj, size_t i);
/* The absolute path of the executable of target i. */
const char *project_target_path(const struct project *proj, size_t i);
/* The target to debug: the one chosen with project_target_set(), else the
 * only or first one; NULL when none is known yet. */
const char *project_target(const struct project *proj);
/* Whether the object of TU tu is an input of the target's link, itself, as
 * a member (by name) of an archive the link read, or through a shared
 * library the project builds and the target links with: 1, 0, or -ENOENT
 * when the project does not know (no link record). */
int project_tu_linked(const struct project *proj, size_t tu);
/* Chooses the target to debug and remembers it in the project's state dir
 * (so the next session picks it too). Returns 0, or -ENOENT (no such target,
 * *errmsg lists the known ones) or another negative errno, *errmsg set. */
int project_target_set(struct project *proj, const char *name, char **errmsg);

/* How a build ends: status 0 or a negative errno; msg (NULL on success) is
 * the failure, errors listed as "file:line:col: error: message" lines. */
typedef void project_build_fn(void *arg, int status, const char *msg);

struct build_opts {
	bool relink;      /* link even when no object changed */
	int jobs;         /* parallel jobs, 0: the number of online CPUs */
};

/* Builds the project in the EnC profile: configure if needed, compile the
 * TUs whose inputs changed (content hashes of source, headers and command),
 * link, reload the graph. Publishes BUILD_STARTED, BUILD_PROGRESS,
 * DIAGNOSTIC and BUILD_FINISHED on bus; children run in loop. Returns 0 and
 * later calls done(arg, ...) from the loop (never from inside this call);
 * or fails at once (no sources, a malformed compile_commands.json, a build
 * already running) returning a negative errno with *errmsg (caller frees),
 * done not called. */
int project_build(struct project *proj, struct loop *loop, struct bus *bus,
		  const struct build_opts *opts, project_build_fn *done, void *arg, char **errmsg);
/* True while a build runs. */
bool project_building(const struct project *proj);
/* Stops a running build: its children get SIGTERM, done is called with
 * -ECANCELED. Returns false when nothing was running. */
bool project_build_cancel(struct project *proj);

#endif
