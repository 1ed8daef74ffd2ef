/* encide-cc: the compiler wrapper through which CMake (as a launcher), Meson
 * (as "CC=encide-cc cc") and Make (as CC=encide-cc) projects are built. A
 * compile gets the EnC profile (their -O2 dropped), its exact command is
 * appended to $ENCIDE_CC_LOG as one JSON line, and the real compiler is
 * exec'd in place: no shell, no second process. Anything else (a link, a
 * --version probe) runs unchanged, links recorded too. A command that
 * compiles and links at once ("cc -o prog a.c b.c", sqlite's shell) is
 * taken apart: each source is compiled alone in the profile (recorded,
 * into encide's state directory), then the objects are linked.
 *
 *   encide-cc gcc ARGS...   launcher form: the compiler is the first word
 *   encide-cc ARGS...       CC form: the compiler is $ENCIDE_REAL_CC or cc
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "build/build-int.h"

/* Appends one record to the log (one write on an O_APPEND fd, so parallel
 * compiles do not interleave). */
static void record(const char *log, const char *kind, char *const *argv, const char *file,
		   const char *output, const char *depfile)
{
	struct json_object *o = json_object_new_object(), *args = json_object_new_array();
	char cwd[PATH_MAX], *line = NULL;
	int fd;

	if (!o || !args || !getcwd(cwd, sizeof(cwd)))
		goto out;
	for (size_t i = 0; argv[i]; i++)
		json_object_array_add(args, json_object_new_string(argv[i]));
	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "directory", json_object_new_string(cwd));
	json_object_object_add(o, "arguments", args);
	args = NULL;
	if (file)
		json_object_object_add(o, "file", json_object_new_string(file));
	json_object_object_add(o, "output", json_object_new_string(output));
	if (depfile)
		json_object_object_add(o, "depfile", json_object_new_string(depfile));
	if (asprintf(&line, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
									 JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		goto out;
	fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write(fd, line, strlen(line)) < 0)
			fprintf(stderr, "encide-cc: %s: %s\n", log, strerror(errno));
		close(fd);
	}
out:
	free(line);
	json_object_put(args);
	json_object_put(o);
}

/* True when word looks like a compiler rather than an argument. */
static bool is_compiler(const char *word)
{
	const char *base = strrchr(word, '/') ? strrchr(word, '/') + 1 : word;
	size_t n = strlen(base);

	if (word[0] == '-' || (n > 2 && (strcmp(base + n - 2, ".c") == 0 || strcmp(base + n - 2, ".o") == 0)))
		return false;
	return strstr(base, "cc") || strstr(base, "clang") || strstr(base, "c99") || strstr(base, "tcc");
}

extern char **environ;

/* The depfile hint for an object: in depdir, named by its absolute path. */
static char *dep_hint_for(const char *depdir, const char *obj)
{
	char cwd[PATH_MAX], *abs, *hint = NULL;

	if (!depdir || !*depdir || !getcwd(cwd, sizeof(cwd)) || !(abs = build_path_abs(cwd, obj)))
		return NULL;
	if (asprintf(&hint, "%s/%016llx.d", depdir, (unsigned long long)build_fnv(BUILD_FNV0, abs, strlen(abs))) < 0)
		hint = NULL;
	free(abs);
	return hint;
}

/* Compiles each source of the compile-and-link command *cmd alone, in the
 * profile (recorded), and replaces *cmd with the link of the objects.
 * 0, or the exit status to leave with. */
static int compile_apart(char ***cmd, const char *log, const char *depdir, const char *output)
{
	size_t n = build_cmd_nsources(*cmd);
	char **objs = calloc(n + 1, sizeof(*objs)), **link = NULL, cwd[PATH_MAX];
	const char *base = output ? (strrchr(output, '/') ? strrchr(output, '/') + 1 : output) : "a.out";
	int status = 1;

	if (!objs || !getcwd(cwd, sizeof(cwd)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		char **c = NULL, **prof = NULL, *hint = NULL, *depfile = NULL, *where = NULL;
		const char *src;
		pid_t pid;
		int st = 0, err;

		/* Objects go where encide keeps its own files, not in the
		 * project's tree; else beside the output. */
		if (asprintf(&where, "%s%s%016llx", depdir && *depdir ? depdir : "", depdir && *depdir ? "/" : ".",
			     (unsigned long long)build_fnv(BUILD_FNV0, cwd, strlen(cwd))) < 0 ||
		    asprintf(&objs[i], "%s-%s-%zu.o", where, base, i) < 0) {
			free(where);
			objs[i] = NULL;
			goto out;
		}
		free(where);
		hint = dep_hint_for(depdir, objs[i]);
		err = build_cmd_compile_of(&c, *cmd, i, objs[i], &src);
		if (err == 0)
			err = build_profile_apply(&prof, c, hint, &depfile);
		build_argv_free(c);
		if (err == 0 && log && *log)
			record(log, "compile", prof, src, objs[i], depfile);
		if (err == 0 && (err = posix_spawnp(&pid, prof[0], NULL, NULL, prof, environ)) != 0)
			fprintf(stderr, "encide-cc: cannot run '%s': %s\n", prof[0], strerror(err));
		else if (err == 0)
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
		build_argv_free(prof);
		free(hint);
		free(depfile);
		if (err != 0)
			goto out;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			status = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
			goto out;
		}
	}
	if (build_cmd_link_of(&link, *cmd, (const char *const *)objs) < 0)
		goto out;
	build_argv_free(*cmd);
	*cmd = link;
	status = 0;
out:
	for (size_t i = 0; objs && i < n; i++)
		free(objs[i]);
	free(objs);
	return status;
}

int main(int argc, char **argv)
{
	const char *log = getenv("ENCIDE_CC_LOG"), *depdir = getenv("ENCIDE_CC_DEPDIR");
	const char *real = getenv("ENCIDE_REAL_CC"), *src = NULL, *output = NULL;
	char **cmd = NULL, **prof = NULL, *depfile = NULL, *dep_hint = NULL, *abs_out = NULL, cwd[PATH_MAX];
	char default_out[PATH_MAX];
	size_t n = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: encide-cc [COMPILER] ARGS... (the EnC profile wrapper)\n");
		return 2;
	}
	if (!is_compiler(argv[1])) {
		if (build_argv_push(&cmd, &n, real && *real ? real : "cc") < 0)
			goto nomem;
	}
	for (int i = 1; i < argc; i++)
		if (build_argv_push(&cmd, &n, argv[i]) < 0)
			goto nomem;
	switch (build_cmd_classify(cmd, &src, &output)) {
	case BUILD_CMD_COMPILE:
		if (!output && src) {
			/* "cc -c dir/x.c" writes x.o in the working directory
			 * (less's Makefile compiles so) */
			const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;

			snprintf(default_out, sizeof(default_out), "%.*s.o", (int)(strlen(base) - 2), base);
			output = default_out;
		}
		if (depdir && *depdir && getcwd(cwd, sizeof(cwd))) {
			abs_out = output ? build_path_abs(cwd, output) : NULL;
			if (abs_out && asprintf(&dep_hint, "%s/%016llx.d", depdir,
						(unsigned long long)build_fnv(BUILD_FNV0, abs_out, strlen(abs_out))) < 0)
				dep_hint = NULL;
		}
		if (build_profile_apply(&prof, cmd, dep_hint, &depfile) < 0)
			goto nomem;
		if (log && *log && output)
			record(log, "compile", prof, src, output, depfile);
		build_argv_free(cmd);
		cmd = prof;
		break;
	case BUILD_CMD_LINK: {
		/* (output points into cmd, which compile_apart replaces) */
		char *out_copy = output ? strdup(output) : NULL;
		int st = build_cmd_nsources(cmd) > 0 ? compile_apart(&cmd, log, depdir, out_copy) : 0;

		if (st == 0 && log && *log)
			record(log, "link", cmd, NULL, out_copy, NULL);
		free(out_copy);
		if (st != 0) {
			build_argv_free(cmd);
			return st;
		}
		break;
	}
	case BUILD_CMD_OTHER:
		break;
	}
	free(depfile);
	free(dep_hint);
	free(abs_out);
	execvp(cmd[0], cmd);
	fprintf(stderr, "encide-cc: cannot run '%s': %s\n", cmd[0], strerror(errno));
	return errno == ENOENT ? 127 : 126;
nomem:
	fprintf(stderr, "encide-cc: out of memory\n");
	return 1;
}
