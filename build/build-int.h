/* Private to build/: the pieces the project is made of (argv helpers, the
 * profile, compile databases, the dependency graph, jobs, diagnostics) and
 * struct project itself. Nothing outside build/ includes this, except
 * build/'s own unit tests and the benchmark. */
#ifndef ENCIDE_BUILD_INT_H
#define ENCIDE_BUILD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "build/build.h"

struct loop;
struct bus;
struct json_object;

/* ---- build-argv.c: NULL-terminated string vectors and shell words ---- */

/* Splits a compile_commands.json "command" into words as a POSIX shell
 * would, without expansion: blanks, '...', "..." (backslash escapes only
 * $ ` " \ newline inside), backslash outside quotes. *out is NULL-terminated
 * (free with build_argv_free). Returns 0, or -EINVAL with *errmsg (caller
 * frees) for an unterminated quote. */
int build_argv_split(char ***out, const char *cmd, char **errmsg);
/* Frees a vector and its strings; NULL is a no-op. */
void build_argv_free(char **argv);
/* Number of strings in argv. */
size_t build_argv_len(char *const *argv);
/* A deep copy of argv, or NULL when out of memory. */
char **build_argv_dup(char *const *argv);
/* Appends a copy of s to *argv (which may start NULL); 0 or -ENOMEM. */
int build_argv_push(char ***argv, size_t *n, const char *s);
/* The words joined by spaces, quoted where a shell would need it (for
 * messages and logs). NULL when out of memory; the caller frees. */
char *build_argv_join(char *const *argv);
/* path made absolute against dir (dir/path unless path starts with '/'),
 * with "." and ".." components removed lexically; caller frees. */
char *build_path_abs(const char *dir, const char *path);
/* The program found on $PATH (or prog itself when it has a '/'), absolute,
 * caller frees; NULL when there is none. */
char *build_which(const char *prog);
/* 64-bit FNV-1a of len bytes, continuing from h (start with BUILD_FNV0). */
#define BUILD_FNV0 0xcbf29ce484222325ull
uint64_t build_fnv(uint64_t h, const void *data, size_t len);

/* ---- build-profile.c: the EnC profile applied to a command ---- */

/* What a compiler command line does. */
enum build_cmd_kind {
	BUILD_CMD_OTHER,   /* --version, -E, -M, several sources...: untouched */
	BUILD_CMD_COMPILE, /* -c of exactly one .c file */
	BUILD_CMD_LINK,    /* no -c/-E/-S: objects (or sources) to an executable */
};

/* Classifies argv (compiler first); *out_src and *out_output (may be NULL)
 * point into argv: the .c source and the -o file, or NULL. */
enum build_cmd_kind build_cmd_classify(char *const *argv, const char **out_src, const char **out_output);
/* A command that compiles and links at once ("cc -o prog a.c b.c -lm"),
 * taken apart so that each source is compiled in the profile and recorded
 * as a TU: how many .c sources argv names; the compile of source number
 * which alone (every option but -o and the linker's, then -c SRC -o obj;
 * *out_src points into argv); the link with each source replaced by
 * objs[i]. *out is the caller's (build_argv_free). 0, -ENOENT (no such
 * source) or -ENOMEM. */
size_t build_cmd_nsources(char *const *argv);
/* The files a link command argv reads (objects, archives, sources), made
 * absolute against dir: a NULL-terminated list the caller frees with
 * build_argv_free; NULL when out of memory. */
char **build_cmd_inputs(char *const *argv, const char *dir);
/* The member names of the static archive at path (build-ar.c), as a list
 * the caller frees with build_argv_free; NULL when it is not one or cannot
 * be read. */
char **build_ar_members(const char *path);
int build_cmd_compile_of(char ***out, char *const *argv, size_t which, const char *obj, const char **out_src);
int build_cmd_link_of(char ***out, char *const *argv, const char *const *objs);
/* A copy of the compile command argv in the profile: -O1..-O3/-Os/-Ofast/
 * -Og/-Oz, -flto and -fomit-frame-pointer dropped, the profile flags added
 * once at the end, and -MMD -MF depfile added when the command makes no
 * depfile (depfile NULL: gcc's default beside the object). Applying it twice
 * gives the same argv. *out_depfile (caller frees; may be NULL) is the
 * depfile in effect as the command names it, or NULL if unknown.
 * Returns 0 or -ENOMEM. */
int build_profile_apply(char ***out, char *const *argv, const char *depfile, char **out_depfile);
/* True when the compiler argv[0] names is gcc (JSON diagnostics) rather than
 * clang or something else. */
bool build_cc_is_gcc(const char *cc);

/* ---- build-compdb.c: compile_commands.json and the wrapper's log ---- */

/* One translation unit's command. */
struct build_tu {
	char *file;    /* the source, absolute */
	char *dir;     /* where the command runs, absolute */
	char **argv;   /* the command in the profile, compiler first */
	char *output;  /* the object, absolute */
	char *depfile; /* the depfile, absolute */
};

/* One executable a link command wrote. */
struct build_link {
	char *name;   /* the executable's file name */
	char *output; /* its absolute path */
	char *dir;    /* where the link ran */
	char **argv;  /* the link command */
};

/* Commands read from a compilation database or a log. */
struct build_cmds {
	struct build_tu *tu;     /* translation units */
	size_t ntu;              /* how many */
	struct build_link *link; /* executables linked (logs only) */
	size_t nlink;            /* how many */
};

void build_tu_release(struct build_tu *tu);
void build_cmds_release(struct build_cmds *cmds);
/* Parses a compile_commands.json text (path is for messages). Entries with
 * "arguments" or "command" (shell-split); relative paths resolved against
 * "directory"; the profile applied (depfile_dir non-NULL: depfiles of
 * commands that make none go there). Returns 0, or -EINVAL with *errmsg
 * (caller frees) such as "PATH:3:14: unexpected character" or "PATH: entry 2
 * has no \"file\"". *out is untouched on failure. */
int build_compdb_parse(struct build_cmds *out, const char *path, const char *text, size_t len,
		       const char *depfile_dir, char **errmsg);
/* Reads and parses the compile_commands.json at path. */
int build_compdb_load(struct build_cmds *out, const char *path, const char *depfile_dir, char **errmsg);
/* Reads encide-cc's log (JSON lines of compile and link records, later lines
 * replacing earlier ones for the same output). A missing log is empty. */
int build_cclog_load(struct build_cmds *out, const char *path, char **errmsg);
/* The line and column (1-based) of byte offset off in text. */
void build_text_linecol(const char *text, size_t len, size_t off, size_t *line, size_t *col);

/* ---- build-graph.c: files, TUs, and who includes what ---- */

struct build_graph;

/* An empty graph; NULL when out of memory. */
struct build_graph *build_graph_new(void);
void build_graph_free(struct build_graph *g);
/* Adds TU number tu (its source path) with no headers yet; 0 or -ENOMEM. */
int build_graph_add_tu(struct build_graph *g, size_t tu, const char *file);
/* Replaces the headers of TU tu with those its depfile lists (paths relative
 * to dir made absolute). Returns 0, -ENOENT when there is no depfile,
 * or -EINVAL with *errmsg for one that cannot be parsed. */
int build_graph_read_depfile(struct build_graph *g, size_t tu, const char *depfile, const char *dir,
			     char **errmsg);
/* Replaces the headers of TU tu with an #include scan of its source,
 * searching -iquote, -I, -isystem and -idirafter directories of argv (dir:
 * where they are relative to). Unresolved <...> includes are system headers
 * and ignored. A cycle among headers is noted (build_graph_warning). */
int build_graph_scan(struct build_graph *g, size_t tu, char *const *argv, const char *dir);
/* Number of TUs. */
size_t build_graph_tu_count(const struct build_graph *g);
/* The headers of TU tu (sorted paths owned by the graph); see project_tu_headers. */
int build_graph_headers(const struct build_graph *g, size_t tu, const char ***out, size_t *n);
/* The TUs depending on path; see project_dependents. */
int build_graph_dependents(struct build_graph *g, const char *path, size_t **out, size_t *n);
/* Files the graph knows, by id (0 .. count-1): TU sources and headers. */
size_t build_graph_file_count(const struct build_graph *g);
const char *build_graph_file(const struct build_graph *g, size_t id);
/* The file ids TU tu reads: *src its source, hdr[0..n) its headers (owned
 * by the graph, valid until it changes). */
void build_graph_tu_files(const struct build_graph *g, size_t tu, uint32_t *src, const uint32_t **hdr, size_t *n);
/* The first header cycle a scan met ("a.h -> b.h -> a.h"), or NULL. */
const char *build_graph_warning(const struct build_graph *g);

/* ---- build-jobs.c: child processes in the event loop ---- */

struct build_jobs;
/* Called once per job when its process ended and its output was read:
 * status is the wait status; out the merged stdout+stderr (NUL-terminated,
 * valid during the call). Cancelled jobs call with cancelled true. */
typedef void build_job_fn(void *arg, int status, bool cancelled, const char *out, size_t len);

struct build_job_spec {
	char *const *argv;  /* program (searched on $PATH) and arguments */
	const char *dir;    /* working directory, NULL: ours */
	char *const *env;   /* extra NAME=VALUE entries on top of ours, or NULL */
};

/* A runner whose children are reaped on the loop's SIGCHLD (waitpid of its
 * own pids only). Returns 0 or a negative errno. */
int build_jobs_new(struct build_jobs **out, struct loop *loop);
/* Kills (SIGKILL) and reaps every running child; no callbacks. NULL: no-op. */
void build_jobs_free(struct build_jobs *jobs);
/* Starts a child in its own process group with stdout and stderr on a
 * non-blocking pipe. Returns 0, or a negative errno (-ENOENT: program not
 * found, or dir missing) with *errmsg (caller frees); fn is then not called. */
int build_jobs_start(struct build_jobs *jobs, const struct build_job_spec *spec, build_job_fn *fn,
		     void *arg, char **errmsg);
/* Sends SIGTERM to every running job's process group; their callbacks come
 * with cancelled set when they have been reaped. */
void build_jobs_cancel(struct build_jobs *jobs);
/* Jobs running. */
size_t build_jobs_running(const struct build_jobs *jobs);

/* ---- build-diag.c: compiler diagnostics ---- */

/* One diagnostic of the compiler. */
struct build_diag {
	char *file;       /* as the compiler names it */
	long line;        /* 1-based, 0 when unknown */
	long col;         /* 1-based, 0 when unknown */
	char *severity;   /* "error", "warning", "note", "fatal error" */
	char *message;    /* the text */
	char **fixits;    /* "L:C-L:C: replacement" each, NULL-terminated, or NULL */
};

struct build_diags {
	struct build_diag *v; /* diagnostics in the order printed */
	size_t n;             /* how many */
};

/* Parses gcc's -fdiagnostics-format=json output, else (not JSON) the text
 * form "file:line:col: severity: message" of gcc and clang, with clang's
 * -fdiagnostics-parseable-fixits lines. Appends to *out; 0 or -ENOMEM. */
int build_diag_parse(struct build_diags *out, const char *text, size_t len);
void build_diags_release(struct build_diags *d);
/* Counts errors (error and fatal error) and warnings in d. */
void build_diags_count(const struct build_diags *d, long *errors, long *warnings);

/* ---- build-run.c: one build in progress ---- */

struct build_run;
/* Frees a run without calling its callback (killing its children is the
 * jobs runner's business). */
void build_run_free(struct build_run *run);

/* ---- build-project.c: the project ---- */

struct project {
	char *dir;            /* absolute path */
	char *name;           /* last component of dir */
	char **sources;       /* absolute paths of the .c files, sorted */
	size_t nsources;      /* entries in sources */
	enum project_kind kind; /* from the files in dir */
	int chosen_kind;      /* the user's project_kind (build-system), or -1 */
	char *state;          /* state_dir()/projects/<name>-<hash> */
	struct build_cmds cmds;     /* the TUs and links loaded */
	struct build_graph *graph;  /* include dependencies of cmds.tu */
	char **targets;       /* target names */
	char **target_paths;  /* their executables */
	char ***target_inputs; /* per target: the files its link read (absolute), or NULL when unknown */
	size_t ntargets;      /* how many */
	char *target;         /* the chosen target's name, or NULL */
	struct build_jobs *jobs;    /* the children of builds (lazily made) */
	struct build_run *run;      /* the build running, or NULL */
};

/* Path of a file in the project's state dir (caller frees); NULL: no memory. */
char *project_state_file(const struct project *proj, const char *name);
/* mkdir -p of the project's state dir and of name inside it (NULL: none). */
int project_state_mkdir(const struct project *proj, const char *name);
/* Installs cmds as the project's TUs with a graph built from their
 * depfiles (else scans), keeping links as the targets where the kind links
 * them; on failure nothing changes. cmds is taken (released) either way. */
int project_install_cmds(struct project *proj, struct build_cmds *cmds, char **errmsg);
/* An autotools tree not configured yet: an executable ./configure and no
 * Makefile (gnulib's GNUmakefile may be there); the Make build runs
 * ./configure first. */
bool project_needs_configure(const struct project *proj);
/* Re-reads TU tu's depfile into the graph after it compiled. */
void project_tu_refresh(struct project *proj, size_t tu);
/* The encide-cc wrapper: $ENCIDE_CC_WRAPPER, else encide-cc beside the
 * running executable; caller frees; NULL when it cannot be found. */
char *project_wrapper_path(void);

#endif
