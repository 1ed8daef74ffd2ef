/* Argument vectors for build/: the shell-word splitter for
 * compile_commands.json's "command" form (build/ has its own so that it
 * never depends on app/'s command line), quoting for messages, paths and
 * $PATH lookup. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/build-int.h"

void build_argv_free(char **argv)
{
	if (!argv)
		return;
	for (size_t i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

size_t build_argv_len(char *const *argv)
{
	size_t n = 0;

	while (argv && argv[n])
		n++;
	return n;
}

int build_argv_push(char ***argv, size_t *n, const char *s)
{
	char **v = realloc(*argv, (*n + 2) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	*argv = v;
	if (!(v[*n] = strdup(s))) {
		v[*n] = NULL;
		return -ENOMEM;
	}
	v[++*n] = NULL;
	return 0;
}

char **build_argv_dup(char *const *argv)
{
	char **v = NULL;
	size_t n = 0;

	if (!(v = calloc(1, sizeof(*v))))
		return NULL;
	for (size_t i = 0; argv && argv[i]; i++) {
		if (build_argv_push(&v, &n, argv[i]) < 0) {
			build_argv_free(v);
			return NULL;
		}
	}
	return v;
}

/* A word being built, byte by byte. */
struct word {
	char *s;      /* the bytes so far, NUL-terminated */
	size_t len;   /* bytes used */
	size_t cap;   /* bytes allocated */
	bool started; /* a word began, even an empty "" one */
};

static int word_add(struct word *w, char c)
{
	if (w->len + 2 > w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		char *s = realloc(w->s, cap);

		if (!s)
			return -ENOMEM;
		w->s = s;
		w->cap = cap;
	}
	w->s[w->len++] = c;
	w->s[w->len] = '\0';
	w->started = true;
	return 0;
}

static int word_end(struct word *w, char ***argv, size_t *n)
{
	int err = build_argv_push(argv, n, w->s ? w->s : "");

	free(w->s);
	*w = (struct word){ 0 };
	return err;
}

/*
 * The POSIX rules without expansion: blanks end a word; a backslash outside
 * quotes takes the next byte literally (backslash-newline vanishes); '...'
 * is literal up to the next '; inside "..." a backslash escapes only
 * $ ` " \ and newline and stays before anything else. So
 *     cc -DMSG="\"hi there\"" 'a b.c'   ->   cc | -DMSG="hi there" | a b.c
 */
int build_argv_split(char ***out, const char *cmd, char **errmsg)
{
	struct word w = { 0 };
	char **argv = calloc(1, sizeof(*argv));
	size_t n = 0;
	const char *p = cmd;
	int err = 0;

	if (!argv)
		return -ENOMEM;
	while (*p && err == 0) {
		char c = *p++;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (w.started)
				err = word_end(&w, &argv, &n);
		} else if (c == '\\') {
			if (*p == '\n')
				p++;
			else
				err = word_add(&w, *p ? *p++ : '\\');
		} else if (c == '\'' || c == '"') {
			w.started = true;
			while (*p && *p != c && err == 0) {
				if (c == '"' && p[0] == '\\' && p[1] == '\n') {
					p += 2; /* line continuation */
					continue;
				}
				if (c == '"' && p[0] == '\\' && p[1] && strchr("$`\"\\", p[1]))
					p++;
				err = word_add(&w, *p++);
			}
			if (err == 0 && !*p) {
				err = -EINVAL;
				if (errmsg && asprintf(errmsg, "unterminated %c quote in command", c) < 0)
					*errmsg = NULL;
			}
			p += *p != '\0';
		} else {
			err = word_add(&w, c);
		}
	}
	if (err == 0 && w.started)
		err = word_end(&w, &argv, &n);
	if (err < 0) {
		free(w.s);
		build_argv_free(argv);
		return err;
	}
	*out = argv;
	return 0;
}

/* True when s needs quotes to survive a shell as one word. */
static bool needs_quotes(const char *s)
{
	if (!*s)
		return true;
	for (; *s; s++)
		if (!strchr("+-./=:,_@%^", *s) && !(*s >= '0' && *s <= '9') &&
		    !((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z'))
			return true;
	return false;
}

char *build_argv_join(char *const *argv)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; argv && argv[i]; i++) {
		if (i)
			fputc(' ', f);
		if (!needs_quotes(argv[i])) {
			fputs(argv[i], f);
			continue;
		}
		fputc('\'', f);
		for (const char *p = argv[i]; *p; p++) {
			if (*p == '\'')
				fputs("'\\''", f);
			else
				fputc(*p, f);
		}
		fputc('\'', f);
	}
	if (fclose(f) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* Whether p has no "." or ".." component, no empty one (//) and no
 * trailing slash: nothing to resolve. */
static bool path_clean(const char *p)
{
	for (const char *s = p; *s; s++) {
		if (*s != '/')
			continue;
		if (s[1] == '/' || s[1] == '\0' ||
		    (s[1] == '.' && (s[2] == '/' || s[2] == '\0' || (s[2] == '.' && (s[3] == '/' || s[3] == '\0')))))
			return false;
	}
	return !(p[0] == '.' && (p[1] == '/' || p[1] == '\0' || (p[1] == '.' && (p[2] == '/' || p[2] == '\0'))));
}

char *build_path_abs(const char *dir, const char *path)
{
	char *full = NULL, *out, *seg, *save = NULL;
	size_t len = 0;

	/* Most paths (a depfile's headers) have nothing to resolve: a graph
	 * load of 5,000 TUs normalises ~150,000 of them. */
	if (path[0] == '/' && path_clean(path))
		return strdup(path);
	if (path[0] != '/' && dir && dir[0] == '/' && path_clean(dir) && path_clean(path))
		return asprintf(&full, "%s/%s", dir, path) < 0 ? NULL : full;
	if (path[0] == '/' ? !(full = strdup(path)) : asprintf(&full, "%s/%s", dir ? dir : ".", path) < 0)
		return NULL;
	out = malloc(strlen(full) + 2);
	if (!out) {
		free(full);
		return NULL;
	}
	out[0] = '\0';
	for (seg = strtok_r(full, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			out[len] = '\0';
			continue;
		}
		out[len++] = '/';
		strcpy(out + len, seg);
		len += strlen(seg);
	}
	if (len == 0)
		strcpy(out, "/");
	free(full);
	return out;
}

char *build_which(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *found = NULL;

	if (!prog || !*prog)
		return NULL;
	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0 ? build_path_abs(getcwd((char[PATH_MAX]){ 0 }, PATH_MAX), prog)
					       : NULL;
	copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!copy)
		return NULL;
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *cand;

		if (asprintf(&cand, "%s/%s", dir, prog) < 0)
			break;
		if (access(cand, X_OK) == 0)
			found = cand;
		else
			free(cand);
	}
	free(copy);
	return found;
}

uint64_t build_fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}
