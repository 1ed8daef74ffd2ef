/* Compiler diagnostics as records: gcc's -fdiagnostics-format=json (read
 * with json-c, notes and fix-its included) and the text form that gcc,
 * clang and the linker print ("file:line:col: severity: message"), with
 * clang's -fdiagnostics-parseable-fixits lines attached to the diagnostic
 * before them. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "build/build-int.h"

static void diag_release(struct build_diag *d)
{
	free(d->file);
	free(d->severity);
	free(d->message);
	build_argv_free(d->fixits);
}

void build_diags_release(struct build_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		diag_release(&d->v[i]);
	free(d->v);
	*d = (struct build_diags){ 0 };
}

void build_diags_count(const struct build_diags *d, long *errors, long *warnings)
{
	*errors = *warnings = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (strstr(d->v[i].severity, "error"))
			++*errors;
		else if (strcmp(d->v[i].severity, "warning") == 0)
			++*warnings;
	}
}

static int diag_push(struct build_diags *out, const char *file, long line, long col, const char *sev,
		     const char *msg)
{
	struct build_diag *v = realloc(out->v, (out->n + 1) * sizeof(*v)), *d;

	if (!v)
		return -ENOMEM;
	out->v = v;
	d = &v[out->n];
	*d = (struct build_diag){ .line = line, .col = col };
	d->file = strdup(file ? file : "");
	d->severity = strdup(sev);
	d->message = strdup(msg ? msg : "");
	if (!d->file || !d->severity || !d->message) {
		diag_release(d);
		return -ENOMEM;
	}
	out->n++;
	return 0;
}

static int fixit_push(struct build_diag *d, long l1, long c1, long l2, long c2, const char *text)
{
	size_t n = build_argv_len(d->fixits);
	char *s;
	int err;

	if (asprintf(&s, "%ld:%ld-%ld:%ld: %s", l1, c1, l2, c2, text) < 0)
		return -ENOMEM;
	err = build_argv_push(&d->fixits, &n, s);
	free(s);
	return err;
}

static long get_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? (long)json_object_get_int64(v) : 0;
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

/* gcc's columns count tabs to the next multiple of 8 ("column"); the
 * editor counts bytes, which gcc gives as "byte-column". */
static long byte_col(struct json_object *loc)
{
	long c = get_int(loc, "byte-column");

	return c ? c : get_int(loc, "column");
}

/* One gcc JSON diagnostic and its children (notes). */
static int json_diag(struct build_diags *out, struct json_object *o)
{
	struct json_object *locs, *caret = NULL, *fixits, *children;
	int err;

	if (!json_object_is_type(o, json_type_object))
		return 0;
	if (json_object_object_get_ex(o, "locations", &locs) && json_object_is_type(locs, json_type_array) &&
	    json_object_array_length(locs) > 0)
		json_object_object_get_ex(json_object_array_get_idx(locs, 0), "caret", &caret);
	err = diag_push(out, caret ? get_str(caret, "file") : NULL, caret ? get_int(caret, "line") : 0,
			caret ? byte_col(caret) : 0, get_str(o, "kind") ? get_str(o, "kind") : "error",
			get_str(o, "message"));
	if (err < 0)
		return err;
	if (json_object_object_get_ex(o, "fixits", &fixits) && json_object_is_type(fixits, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(fixits); i++) {
			struct json_object *f = json_object_array_get_idx(fixits, i), *s, *e;

			if (!json_object_object_get_ex(f, "start", &s) || !json_object_object_get_ex(f, "next", &e))
				continue;
			err = fixit_push(&out->v[out->n - 1], get_int(s, "line"), byte_col(s), get_int(e, "line"), byte_col(e),
					 get_str(f, "string") ? get_str(f, "string") : "");
			if (err < 0)
				return err;
		}
	}
	if (json_object_object_get_ex(o, "children", &children) && json_object_is_type(children, json_type_array))
		for (size_t i = 0; i < json_object_array_length(children); i++)
			if ((err = json_diag(out, json_object_array_get_idx(children, i))) < 0)
				return err;
	return 0;
}

/* gcc's JSON: one array per compile (several when outputs were joined).
 * Returns 1 when text was JSON, 0 when it is not, or -ENOMEM. */
static int parse_json(struct build_diags *out, const char *text, size_t len)
{
	struct json_tokener *tok;
	size_t off = 0;
	int found = 0, err = 0;

	while (off < len && isspace((unsigned char)text[off]))
		off++;
	if (off == len || text[off] != '[')
		return 0;
	if (!(tok = json_tokener_new()))
		return -ENOMEM;
	while (off < len && err == 0) {
		struct json_object *arr;

		while (off < len && isspace((unsigned char)text[off]))
			off++;
		if (off == len)
			break;
		json_tokener_reset(tok);
		arr = json_tokener_parse_ex(tok, text + off, (int)(len - off));
		if (!arr || !json_object_is_type(arr, json_type_array)) {
			json_object_put(arr);
			break;
		}
		found = 1;
		for (size_t i = 0; i < json_object_array_length(arr) && err == 0; i++)
			err = json_diag(out, json_object_array_get_idx(arr, i));
		json_object_put(arr);
		off += json_tokener_get_parse_end(tok);
	}
	json_tokener_free(tok);
	return err < 0 ? err : found;
}

/* "file:12:5" -> file, 12, 5 (the numbers that end it; 0 when absent). */
static void split_location(char *loc, long *line, long *col)
{
	char *c1 = strrchr(loc, ':'), *end;
	long a, b;

	*line = *col = 0;
	if (!c1)
		return;
	b = strtol(c1 + 1, &end, 10);
	if (end == c1 + 1 || *end)
		return;
	*c1 = '\0';
	{
		char *c0 = strrchr(loc, ':');

		if (c0) {
			a = strtol(c0 + 1, &end, 10);
			if (end != c0 + 1 && !*end) {
				*c0 = '\0';
				*line = a;
				*col = b;
				return;
			}
		}
	}
	*line = b;
}

/* clang: fix-it:"file":{12:5-12:9}:"text" */
static int parse_fixit(struct build_diags *out, const char *line)
{
	const char *p = strstr(line, "\":{");
	long l1, c1, l2, c2;
	int used = 0;
	const char *q;
	char *text;
	size_t n;
	int err;

	if (!out->n || !p || sscanf(p, "\":{%ld:%ld-%ld:%ld}:\"%n", &l1, &c1, &l2, &c2, &used) != 4 || !used)
		return 0;
	q = p + used;
	n = strlen(q);
	if (n && q[n - 1] == '"')
		n--;
	if (!(text = strndup(q, n)))
		return -ENOMEM;
	err = fixit_push(&out->v[out->n - 1], l1, c1, l2, c2, text);
	free(text);
	return err;
}

static int parse_text_line(struct build_diags *out, char *line)
{
	static const char *const sev[] = { "fatal error", "error", "warning", "note", NULL };
	char *hit = NULL;
	const char *which = NULL;
	long l, c;

	if (strncmp(line, "fix-it:\"", 8) == 0)
		return parse_fixit(out, line);
	for (size_t i = 0; sev[i] && !hit; i++) {
		char pat[32];

		snprintf(pat, sizeof(pat), ": %s: ", sev[i]);
		if ((hit = strstr(line, pat)))
			which = sev[i];
	}
	if (hit) {
		*hit = '\0';
		split_location(line, &l, &c);
		return diag_push(out, line, l, c, which, hit + 4 + strlen(which));
	}
	/* The linker: "a.c:(.text+0x9): undefined reference to `f'". */
	if ((hit = strstr(line, ": undefined reference to "))) {
		*hit = '\0';
		return diag_push(out, line, 0, 0, "error", hit + 2);
	}
	return 0;
}

int build_diag_parse(struct build_diags *out, const char *text, size_t len)
{
	char *copy, *line, *save = NULL;
	int r = parse_json(out, text, len);

	if (r != 0)
		return r < 0 ? r : 0;
	if (!(copy = strndup(text, len)))
		return -ENOMEM;
	for (line = strtok_r(copy, "\n", &save); line && r == 0; line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);

		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		r = parse_text_line(out, line);
	}
	free(copy);
	return r;
}
