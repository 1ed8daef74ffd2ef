/* Compile commands from files: compile_commands.json (CMake's, Meson's or
 * one the user wrote, both its "arguments" and "command" forms) read with
 * json-c, and the JSON-lines log the encide-cc wrapper appends to while make
 * (or cmake, or meson) builds. Errors name the file, line and column. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "build/build-int.h"

void build_tu_release(struct build_tu *tu)
{
	free(tu->file);
	free(tu->dir);
	build_argv_free(tu->argv);
	free(tu->output);
	free(tu->depfile);
	*tu = (struct build_tu){ 0 };
}

static void link_release(struct build_link *l)
{
	free(l->name);
	free(l->output);
	free(l->dir);
	build_argv_free(l->argv);
	*l = (struct build_link){ 0 };
}

void build_cmds_release(struct build_cmds *cmds)
{
	for (size_t i = 0; i < cmds->ntu; i++)
		build_tu_release(&cmds->tu[i]);
	for (size_t i = 0; i < cmds->nlink; i++)
		link_release(&cmds->link[i]);
	free(cmds->tu);
	free(cmds->link);
	*cmds = (struct build_cmds){ 0 };
}

void build_text_linecol(const char *text, size_t len, size_t off, size_t *line, size_t *col)
{
	size_t l = 1, c = 1;

	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static int push_tu(struct build_cmds *cmds, struct build_tu *tu)
{
	struct build_tu *v = realloc(cmds->tu, (cmds->ntu + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	cmds->tu = v;
	v[cmds->ntu++] = *tu;
	*tu = (struct build_tu){ 0 };
	return 0;
}

/* Replaces the -o of argv with obj (adding "-o obj" when it has none). */
static int redirect_output(char ***argv, const char *obj)
{
	char **v = *argv;

	for (size_t i = 1; v[i]; i++) {
		if (strcmp(v[i], "-o") == 0 && v[i + 1]) {
			char *s = strdup(obj);

			if (!s)
				return -ENOMEM;
			free(v[i + 1]);
			v[i + 1] = s;
			return 0;
		}
		if (strncmp(v[i], "-o", 2) == 0 && v[i][2]) {
			char *s;

			if (asprintf(&s, "-o%s", obj) < 0)
				return -ENOMEM;
			free(v[i]);
			v[i] = s;
			return 0;
		}
	}
	{
		size_t n = build_argv_len(v);

		if (build_argv_push(argv, &n, "-o") < 0 || build_argv_push(argv, &n, obj) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* The object a compile writes: its -o, else the source's base name .o. */
static char *output_of(char *const *argv, const char *src)
{
	const char *out = NULL, *base, *dot;
	char *o;

	build_cmd_classify(argv, NULL, &out);
	if (out)
		return strdup(out);
	base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
	dot = strrchr(base, '.');
	if (asprintf(&o, "%.*s.o", (int)(dot ? dot - base : (long)strlen(base)), base) < 0)
		return NULL;
	return o;
}

/* Fills tu from argv (taken), directory and file; obj_dir: where the
 * object and depfile go instead of where the command put them. */
static int make_tu(struct build_tu *tu, char **argv, const char *dir, const char *file,
		   const char *obj_dir, char **errmsg, const char *where)
{
	char *obj = NULL, *dep = NULL, **prof = NULL, *out = NULL;
	int err = -ENOMEM;

	*tu = (struct build_tu){ 0 };
	if (!argv[0]) {
		build_argv_free(argv);
		if (asprintf(errmsg, "%s: the command is empty", where) < 0)
			*errmsg = NULL;
		return -EINVAL;
	}
	if (!(tu->dir = build_path_abs(NULL, dir)) || !(tu->file = build_path_abs(tu->dir, file)))
		goto out;
	if (obj_dir) {
		const char *base = strrchr(tu->file, '/') + 1;
		uint64_t h = build_fnv(BUILD_FNV0, tu->file, strlen(tu->file));

		if (asprintf(&obj, "%s/%.*s-%08x.o", obj_dir, (int)(strcspn(base, ".")), base,
			     (unsigned)(h ^ (h >> 32))) < 0) {
			obj = NULL;
			goto out;
		}
		if (redirect_output(&argv, obj) < 0 || !(dep = strdup(obj)))
			goto out;
		strcpy(dep + strlen(dep) - 1, "d");
	}
	if (build_profile_apply(&prof, argv, dep, &out) < 0)
		goto out;
	tu->argv = prof;
	prof = NULL;
	free(dep);
	dep = out;
	out = output_of(tu->argv, tu->file);
	if (!out || !(tu->output = build_path_abs(tu->dir, out)))
		goto out;
	if (!(tu->depfile = dep ? build_path_abs(tu->dir, dep) : NULL) && dep)
		goto out;
	if (!tu->depfile && !(tu->depfile = strdup("")))
		goto out;
	err = 0;
out:
	build_argv_free(argv);
	build_argv_free(prof);
	free(obj);
	free(dep);
	free(out);
	if (err < 0) {
		build_tu_release(tu);
		if (asprintf(errmsg, "%s: out of memory", where) < 0)
			*errmsg = NULL;
	}
	return err;
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* argv from an entry's "arguments" (array of strings) or "command". */
static int entry_argv(struct json_object *e, char ***out, const char *where, char **errmsg)
{
	struct json_object *args;
	const char *cmd = get_str(e, "command");
	char *why = NULL;
	int err;

	if (json_object_object_get_ex(e, "arguments", &args)) {
		size_t n = 0, len;
		char **v = calloc(1, sizeof(*v));

		if (!json_object_is_type(args, json_type_array)) {
			free(v);
			goto bad;
		}
		len = json_object_array_length(args);
		for (size_t i = 0; v && i < len; i++) {
			struct json_object *a = json_object_array_get_idx(args, i);

			if (!json_object_is_type(a, json_type_string)) {
				build_argv_free(v);
				goto bad;
			}
			if (build_argv_push(&v, &n, json_object_get_string(a)) < 0) {
				build_argv_free(v);
				v = NULL;
			}
		}
		if (!v)
			return -ENOMEM;
		*out = v;
		return 0;
	}
	if (!cmd) {
		if (asprintf(errmsg, "%s has neither \"arguments\" nor \"command\"", where) < 0)
			*errmsg = NULL;
		return -EINVAL;
	}
	err = build_argv_split(out, cmd, &why);
	if (err == -EINVAL && asprintf(errmsg, "%s: %s", where, why ? why : "bad command") < 0)
		*errmsg = NULL;
	free(why);
	return err;
bad:
	if (asprintf(errmsg, "%s: \"arguments\" must be an array of strings", where) < 0)
		*errmsg = NULL;
	return -EINVAL;
}

int build_compdb_parse(struct build_cmds *out, const char *path, const char *text, size_t len,
		       const char *obj_dir, char **errmsg)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root = NULL;
	struct build_cmds cmds = { 0 };
	enum json_tokener_error jerr;
	int err = -EINVAL;
	size_t n;

	*errmsg = NULL;
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (jerr != json_tokener_success) {
		size_t off = jerr == json_tokener_continue ? len : json_tokener_get_parse_end(tok), line, col;
		const char *why = jerr == json_tokener_continue ? "unexpected end of file"
								  : json_tokener_error_desc(jerr);

		build_text_linecol(text, len, off, &line, &col);
		if (asprintf(errmsg, "%s:%zu:%zu: malformed JSON: %s", path, line, col, why) < 0)
			*errmsg = NULL;
		goto out;
	}
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++) {
		if (!strchr(" \t\r\n", text[i])) {
			size_t line, col;

			build_text_linecol(text, len, i, &line, &col);
			if (asprintf(errmsg, "%s:%zu:%zu: malformed JSON: text after the array", path, line, col) < 0)
				*errmsg = NULL;
			goto out;
		}
	}
	if (!json_object_is_type(root, json_type_array)) {
		if (asprintf(errmsg, "%s: expected an array of entries", path) < 0)
			*errmsg = NULL;
		goto out;
	}
	n = json_object_array_length(root);
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(root, i);
		const char *dir, *file;
		char where[64 + 4096];
		struct build_tu tu;
		char **argv;

		snprintf(where, sizeof(where), "%s: entry %zu", path, i + 1);
		if (!json_object_is_type(e, json_type_object)) {
			if (asprintf(errmsg, "%s is not an object", where) < 0)
				*errmsg = NULL;
			goto out;
		}
		dir = get_str(e, "directory");
		file = get_str(e, "file");
		if (!dir || !file) {
			if (asprintf(errmsg, "%s has no \"%s\" string", where, dir ? "file" : "directory") < 0)
				*errmsg = NULL;
			goto out;
		}
		if ((err = entry_argv(e, &argv, where, errmsg)) < 0)
			goto out;
		if (dir[0] != '/') {
			/* A relative "directory" is taken from the database's own. */
			char *base = strdup(path), *abs;

			if (!base) {
				build_argv_free(argv);
				goto nomem;
			}
			*(strrchr(base, '/') ? strrchr(base, '/') : base) = '\0';
			abs = build_path_abs(*base ? base : ".", dir);
			free(base);
			if (!abs) {
				build_argv_free(argv);
				goto nomem;
			}
			err = make_tu(&tu, argv, abs, file, obj_dir, errmsg, where);
			free(abs);
		} else {
			err = make_tu(&tu, argv, dir, file, obj_dir, errmsg, where);
		}
		if (err < 0)
			goto out;
		if ((err = push_tu(&cmds, &tu)) < 0) {
			build_tu_release(&tu);
			goto out;
		}
		err = -EINVAL;
	}
	err = 0;
	goto out;
nomem:
	err = -ENOMEM;
out:
	if (root)
		json_object_put(root);
	json_tokener_free(tok);
	if (err < 0) {
		build_cmds_release(&cmds);
		if (!*errmsg && asprintf(errmsg, "%s: %s", path, strerror(-err)) < 0)
			*errmsg = NULL;
		return err;
	}
	*out = cmds;
	return 0;
}

/* The whole file at path, NUL-terminated; NULL with errno set. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			char *t = realloc(s, cap = 2 * cap + 8192);

			if (!t) {
				free(s);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			s = t;
		}
		r = fread(s + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	fclose(f);
	s[n] = '\0';
	*len = n;
	return s;
}

int build_compdb_load(struct build_cmds *out, const char *path, const char *obj_dir, char **errmsg)
{
	size_t len;
	char *text = slurp(path, &len);
	int err;

	*errmsg = NULL;
	if (!text) {
		err = -errno;
		if (asprintf(errmsg, "%s: %s", path, strerror(errno)) < 0)
			*errmsg = NULL;
		return err;
	}
	err = build_compdb_parse(out, path, text, len, obj_dir, errmsg);
	free(text);
	return err;
}

/* One record of the wrapper's log into cmds (replacing an earlier one with
 * the same output). Malformed records are skipped: a log is ours, and a
 * crash mid-write must not stop the project from loading. */
static int cclog_record(struct build_cmds *cmds, struct json_object *r)
{
	const char *kind = get_str(r, "kind"), *dir = get_str(r, "directory");
	const char *output = get_str(r, "output"), *file = get_str(r, "file");
	const char *dep = get_str(r, "depfile");
	struct json_object *args;
	char **argv = NULL, *why = NULL;
	int err = -ENOMEM;

	if (!kind || !dir || !output || !json_object_object_get_ex(r, "arguments", &args) ||
	    entry_argv(r, &argv, "log", &why) < 0) {
		free(why);
		return 0;
	}
	if (strcmp(kind, "compile") == 0 && file) {
		struct build_tu tu = { 0 };

		tu.argv = argv;
		argv = NULL;
		if (!(tu.dir = strdup(dir)) || !(tu.file = build_path_abs(dir, file)) ||
		    !(tu.output = build_path_abs(dir, output)) ||
		    !(tu.depfile = dep ? build_path_abs(dir, dep) : strdup(""))) {
			build_tu_release(&tu);
			goto out;
		}
		for (size_t i = 0; i < cmds->ntu; i++) {
			if (strcmp(cmds->tu[i].output, tu.output) == 0) {
				build_tu_release(&cmds->tu[i]);
				cmds->tu[i] = tu;
				return 0;
			}
		}
		if ((err = push_tu(cmds, &tu)) < 0)
			build_tu_release(&tu);
	} else if (strcmp(kind, "link") == 0) {
		struct build_link l = { .argv = argv }, *v;

		argv = NULL;
		if (!(l.dir = strdup(dir)) || !(l.output = build_path_abs(dir, output)) ||
		    !(l.name = strdup(strrchr(l.output, '/') + 1))) {
			link_release(&l);
			goto out;
		}
		for (size_t i = 0; i < cmds->nlink; i++) {
			if (strcmp(cmds->link[i].output, l.output) == 0) {
				link_release(&cmds->link[i]);
				cmds->link[i] = l;
				return 0;
			}
		}
		if (!(v = realloc(cmds->link, (cmds->nlink + 1) * sizeof(*v)))) {
			link_release(&l);
			goto out;
		}
		cmds->link = v;
		v[cmds->nlink++] = l;
	}
	err = 0;
out:
	build_argv_free(argv);
	return err;
}

int build_cclog_load(struct build_cmds *out, const char *path, char **errmsg)
{
	struct build_cmds cmds = { 0 };
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int err = 0;

	*errmsg = NULL;
	if (!f) {
		if (errno == ENOENT) {
			*out = cmds;
			return 0;
		}
		err = -errno;
		if (asprintf(errmsg, "%s: %s", path, strerror(errno)) < 0)
			*errmsg = NULL;
		return err;
	}
	while (err == 0 && getline(&line, &cap, f) > 0) {
		struct json_object *r = json_tokener_parse(line);

		if (r)
			err = cclog_record(&cmds, r);
		json_object_put(r);
	}
	free(line);
	fclose(f);
	if (err < 0) {
		build_cmds_release(&cmds);
		if (asprintf(errmsg, "%s: out of memory", path) < 0)
			*errmsg = NULL;
		return err;
	}
	*out = cmds;
	return 0;
}
