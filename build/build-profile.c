/* The EnC build profile applied to a compiler command line: what kind of
 * command it is, and the rewrite that makes any project's compile (a
 * Makefile's -O2 included) produce patchable, debuggable -O0 code. encide's
 * own builds, the encide-cc wrapper and the commands read from compilation
 * databases all go through build_profile_apply(), so the command recorded
 * for a TU is the command that built it. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "build/build-int.h"

static const char *const profile_flags[] = { BUILD_PROFILE_FLAGS, NULL };

/* Options whose value is the next word when not attached. */
static bool takes_value(const char *a)
{
	static const char *const opts[] = {
		"-o", "-I", "-D", "-U", "-include", "-imacros", "-iquote", "-isystem", "-idirafter",
		"-MF", "-MT", "-MQ", "-x", "-L", "-Xlinker", "-Xassembler", "-Xpreprocessor",
		"-aux-info", "--param", "-iprefix", "-iwithprefix", "-isysroot", "-target", NULL,
	};

	for (size_t i = 0; opts[i]; i++)
		if (strcmp(a, opts[i]) == 0)
			return true;
	return false;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

enum build_cmd_kind build_cmd_classify(char *const *argv, const char **out_src, const char **out_output)
{
	const char *src = NULL, *output = NULL;
	bool compile = false, other = false;
	size_t nsrc = 0, ninputs = 0;

	for (size_t i = 1; argv[0] && argv[i]; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-c") == 0) {
			compile = true;
		} else if (strcmp(a, "-E") == 0 || strcmp(a, "-S") == 0 || strcmp(a, "-M") == 0 ||
			   strcmp(a, "-MM") == 0 || strcmp(a, "-fsyntax-only") == 0 || strcmp(a, "-v") == 0 ||
			   strcmp(a, "--version") == 0 || strncmp(a, "--help", 6) == 0 ||
			   strncmp(a, "-dump", 5) == 0 || strncmp(a, "-print-", 7) == 0 || strcmp(a, "-") == 0) {
			other = true;
		} else if (strcmp(a, "-o") == 0) {
			output = argv[i + 1];
			i += argv[i + 1] != NULL;
		} else if (strncmp(a, "-o", 2) == 0) {
			output = a + 2;
		} else if (a[0] == '-') {
			if (takes_value(a) && argv[i + 1])
				i++;
		} else {
			ninputs++;
			if (ends_with(a, ".c")) {
				src = a;
				nsrc++;
			}
		}
	}
	if (out_src)
		*out_src = nsrc == 1 ? src : NULL;
	if (out_output)
		*out_output = output;
	if (other || ninputs == 0)
		return BUILD_CMD_OTHER;
	if (compile)
		return nsrc == 1 ? BUILD_CMD_COMPILE : BUILD_CMD_OTHER;
	return output ? BUILD_CMD_LINK : BUILD_CMD_OTHER;
}

/* True when a is an option only the linker uses. */
static bool link_only(const char *a)
{
	return strncmp(a, "-l", 2) == 0 || strncmp(a, "-L", 2) == 0 || strncmp(a, "-Wl,", 4) == 0 ||
	       strcmp(a, "-Xlinker") == 0 || strcmp(a, "-shared") == 0 || strcmp(a, "-static") == 0 ||
	       strcmp(a, "-rdynamic") == 0 || strcmp(a, "-pie") == 0 || strcmp(a, "-no-pie") == 0 ||
	       strcmp(a, "-static-pie") == 0 || strcmp(a, "-nostdlib") == 0 || strcmp(a, "-s") == 0;
}

char **build_cmd_inputs(char *const *argv, const char *dir)
{
	char **v = calloc(1, sizeof(*v)); /* an empty list, not NULL */
	size_t n = 0;

	if (!v)
		return NULL;
	for (size_t i = 1; argv[0] && argv[i]; i++) {
		const char *a = argv[i];
		char *abs;

		if (a[0] == '-') {
			i += takes_value(a) && argv[i + 1];
			continue;
		}
		if (!(abs = build_path_abs(dir, a)) || build_argv_push(&v, &n, abs) < 0) {
			free(abs);
			build_argv_free(v);
			return NULL;
		}
		free(abs);
	}
	return v;
}

/* Calls fn for each .c source of argv (an option's value is no source). */
static size_t each_source(char *const *argv, void (*fn)(void *arg, size_t i), void *arg)
{
	size_t n = 0;

	for (size_t i = 1; argv[0] && argv[i]; i++) {
		const char *a = argv[i];

		if (a[0] == '-' && takes_value(a) && argv[i + 1]) {
			i++;
		} else if (a[0] != '-' && ends_with(a, ".c")) {
			if (fn)
				fn(arg, i);
			n++;
		}
	}
	return n;
}

size_t build_cmd_nsources(char *const *argv)
{
	return each_source(argv, NULL, NULL);
}

struct link_of {
	char **argv;     /* the link being made */
	bool *is_src;    /* per word of the command */
};

static void mark_source(void *arg, size_t i)
{
	((struct link_of *)arg)->is_src[i] = true;
}

int build_cmd_link_of(char ***out, char *const *argv, const char *const *objs)
{
	struct link_of lo = { .is_src = calloc(build_argv_len(argv) + 1, sizeof(bool)) };
	size_t n = 0, k = 0;

	*out = NULL;
	if (!lo.is_src)
		return -ENOMEM;
	each_source(argv, mark_source, &lo);
	for (size_t i = 0; argv[i]; i++)
		if (build_argv_push(&lo.argv, &n, lo.is_src[i] ? objs[k++] : argv[i]) < 0) {
			build_argv_free(lo.argv);
			free(lo.is_src);
			return -ENOMEM;
		}
	free(lo.is_src);
	*out = lo.argv;
	return 0;
}

int build_cmd_compile_of(char ***out, char *const *argv, size_t which, const char *obj, const char **out_src)
{
	char **v = NULL;
	const char *src = NULL;
	size_t n = 0, k = 0;

	*out = NULL;
	*out_src = NULL;
	if (build_argv_push(&v, &n, argv[0]) < 0)
		goto nomem;
	for (size_t i = 1; argv[i]; i++) {
		const char *a = argv[i];

		if (a[0] == '-') {
			bool value = takes_value(a) && argv[i + 1];

			if (strcmp(a, "-o") == 0 || strncmp(a, "-o", 2) == 0 || link_only(a)) {
				i += value;
				continue;
			}
			if (build_argv_push(&v, &n, a) < 0 || (value && build_argv_push(&v, &n, argv[++i]) < 0))
				goto nomem;
		} else if (ends_with(a, ".c") && k++ == which) {
			src = a;
		}
	}
	if (!src || build_argv_push(&v, &n, "-c") < 0 || build_argv_push(&v, &n, src) < 0 ||
	    build_argv_push(&v, &n, "-o") < 0 || build_argv_push(&v, &n, obj) < 0)
		goto nomem;
	*out = v;
	*out_src = src;
	return 0;
nomem:
	build_argv_free(v);
	return src ? -ENOMEM : -ENOENT;
}

/* Flags the profile replaces: optimisation levels, LTO, frame-pointer
 * omission, and the profile's own flags (re-added once, at the end). */
static bool dropped(const char *a)
{
	if (strncmp(a, "-O", 2) == 0 || strncmp(a, "-flto", 5) == 0 ||
	    strncmp(a, "-fpatchable-function-entry=", 27) == 0)
		return true;
	return strcmp(a, "-fomit-frame-pointer") == 0 || strcmp(a, "-fno-omit-frame-pointer") == 0 ||
	       strcmp(a, "-ffunction-sections") == 0 || strcmp(a, "-fno-function-sections") == 0 ||
	       strcmp(a, "-fdata-sections") == 0 || strcmp(a, "-fno-data-sections") == 0 ||
	       strcmp(a, "-g") == 0 || strcmp(a, "-g0") == 0;
}

/* The depfile gcc writes for -MD/-MMD without -MF: the -o name with its
 * suffix replaced by .d, else the source's base name with .d. */
static char *default_depfile(const char *src, const char *output)
{
	const char *base = output ? output : (strrchr(src, '/') ? strrchr(src, '/') + 1 : src);
	const char *slash = strrchr(base, '/'), *dot = strrchr(base, '.');
	size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - base) : strlen(base);
	char *d = malloc(stem + 3);

	if (d) {
		memcpy(d, base, stem);
		strcpy(d + stem, ".d");
	}
	return d;
}

int build_profile_apply(char ***out, char *const *argv, const char *depfile, char **out_depfile)
{
	char **v = NULL, *dep = NULL;
	const char *src = NULL, *output = NULL, *mf = NULL;
	bool has_md = false, has_g = false;
	size_t n = 0;
	int err = -ENOMEM;

	build_cmd_classify(argv, &src, &output);
	if (!(v = calloc(1, sizeof(*v))))
		goto out;
	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];

		if (i > 0 && dropped(a))
			continue;
		if (i > 0 && (strcmp(a, "-MD") == 0 || strcmp(a, "-MMD") == 0))
			has_md = true;
		if (i > 0 && strncmp(a, "-g", 2) == 0 && strcmp(a, "-g0") != 0)
			has_g = true;
		if (i > 0 && strcmp(a, "-MF") == 0 && argv[i + 1])
			mf = argv[i + 1];
		else if (i > 0 && strncmp(a, "-MF", 3) == 0 && a[3])
			mf = a + 3;
		if (build_argv_push(&v, &n, a) < 0)
			goto out;
		if (i > 0 && takes_value(a) && argv[i + 1] && build_argv_push(&v, &n, argv[++i]) < 0)
			goto out;
	}
	if (!has_md) {
		if (build_argv_push(&v, &n, "-MMD") < 0)
			goto out;
		if (depfile) {
			if (build_argv_push(&v, &n, "-MF") < 0 || build_argv_push(&v, &n, depfile) < 0)
				goto out;
			mf = depfile;
		}
	}
	for (size_t i = 0; profile_flags[i]; i++)
		if ((strcmp(profile_flags[i], "-g") != 0 || !has_g) &&
		    build_argv_push(&v, &n, profile_flags[i]) < 0)
			goto out;
	if (mf)
		dep = strdup(mf);
	else if (src)
		dep = default_depfile(src, output);
	if ((mf || src) && !dep)
		goto out;
	err = 0;
out:
	if (err < 0) {
		build_argv_free(v);
		free(dep);
		return err;
	}
	*out = v;
	if (out_depfile)
		*out_depfile = dep;
	else
		free(dep);
	return 0;
}

bool build_cc_is_gcc(const char *cc)
{
	char *path = build_which(cc), real[PATH_MAX];
	const char *base;
	bool gcc;

	if (!path)
		return false;
	base = realpath(path, real) ? real : path;
	base = strrchr(base, '/') ? strrchr(base, '/') + 1 : base;
	gcc = strstr(base, "gcc") != NULL || (strstr(base, "cc") && !strstr(base, "clang"));
	gcc = gcc && !strstr(base, "clang");
	free(path);
	return gcc;
}
