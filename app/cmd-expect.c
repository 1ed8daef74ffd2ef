/* The commands scenario tests assert with. A subscriber keeps the bus
 * transcript (as the JSON objects --batch prints); `expect` finds the next
 * matching event after the last one matched, waiting for it when it has not
 * happened yet, and `expect-none` checks that none has. */
#include <errno.h>
#include <stdio.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "app/cmd-int.h"
#include "build/build.h"
#include "debugger/debugger.h"

#define EXPECT_TIMEOUT_MS 10000

struct matcher {
	char *field;   /* payload field name */
	char *value;   /* FIELD=VALUE: the exact text of the field */
	regex_t re;    /* FIELD~REGEX: an extended regex searched in it */
	bool is_re;    /* which of the two */
};

struct expect {
	struct app *app;          /* the session */
	int sub;                  /* bus subscription id */
	struct json_object **ev;  /* the transcript, oldest first */
	size_t n, cap;            /* events in ev, allocated */
	size_t next;              /* the first event not yet matched */
	/* the pending `expect`, while it waits */
	bool waiting;             /* an expect is pending */
	char *type;               /* the event type it wants */
	struct matcher *m;        /* its matchers */
	int nm;                   /* how many */
	int timer;                /* its timeout timer */
	/* the program's output, for expect-output */
	char *out;                /* every PROGRAM_OUTPUT text, concatenated */
	size_t outlen, outcap;    /* bytes in out, allocated */
	size_t outnext;           /* where the next expect-output searches */
	bool out_waiting;         /* an expect-output is pending */
	regex_t out_re;           /* its regex */
	char *memory;             /* the program's state saved by expect-memory save */
};

static void matchers_free(struct matcher *m, int n)
{
	for (int i = 0; i < n; i++) {
		free(m[i].field);
		free(m[i].value);
		if (m[i].is_re)
			regfree(&m[i].re);
	}
	free(m);
}

static bool event_matches(struct json_object *ev, const char *type, const struct matcher *m, int nm)
{
	struct json_object *val;

	if (!json_object_object_get_ex(ev, "event", &val) || strcmp(json_object_get_string(val), type) != 0)
		return false;
	for (int i = 0; i < nm; i++) {
		const char *text;

		if (!json_object_object_get_ex(ev, m[i].field, &val))
			return false;
		text = json_object_get_type(val) == json_type_string
			       ? json_object_get_string(val)
			       : json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN);
		if (m[i].is_re ? regexec(&m[i].re, text, 0, NULL, 0) != 0 : strcmp(text, m[i].value) != 0)
			return false;
	}
	return true;
}

/* The index of the first event from x->next that matches, or -1. */
static long find(struct expect *x, const char *type, const struct matcher *m, int nm)
{
	for (size_t i = x->next; i < x->n; i++)
		if (event_matches(x->ev[i], type, m, nm))
			return (long)i;
	return -1;
}

static void stop_waiting(struct expect *x)
{
	matchers_free(x->m, x->nm);
	free(x->type);
	x->m = NULL;
	x->nm = 0;
	x->type = NULL;
	x->waiting = false;
	loop_timer_cancel(x->app->loop, x->timer);
}

/* Searches the output from outnext; on a match moves past it. */
static bool output_match(struct expect *x)
{
	regmatch_t m;

	if (!x->out || regexec(&x->out_re, x->out + x->outnext, 1, &m, 0) != 0)
		return false;
	x->outnext += (size_t)m.rm_eo;
	return true;
}

static void output_stop_waiting(struct expect *x)
{
	regfree(&x->out_re);
	x->out_waiting = false;
	loop_timer_cancel(x->app->loop, x->timer);
}

static void output_add(struct expect *x, const char *text)
{
	size_t len = text ? strlen(text) : 0;

	if (x->outlen + len + 1 > x->outcap) {
		size_t cap = (x->outlen + len + 1) * 2;
		char *p = realloc(x->out, cap);

		if (!p)
			return;
		x->out = p;
		x->outcap = cap;
	}
	memcpy(x->out + x->outlen, text, len);
	x->outlen += len;
	x->out[x->outlen] = '\0';
	if (x->out_waiting && output_match(x)) {
		output_stop_waiting(x);
		if (x->app->pending.active)
			cmd_finish(x->app, 0, NULL);
	}
}

static void on_event(const struct bus_event *ev, void *arg)
{
	struct expect *x = arg;
	char *json = bus_event_json(ev);
	struct json_object *obj = json ? json_tokener_parse(json) : NULL;

	free(json);
	if (!obj)
		return;
	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 256;
		struct json_object **v = realloc(x->ev, cap * sizeof(*v));

		if (!v) {
			json_object_put(obj);
			return;
		}
		x->ev = v;
		x->cap = cap;
	}
	x->ev[x->n++] = obj;
	if (ev->type == EV_PROGRAM_OUTPUT)
		output_add(x, ((const struct ev_program_output *)ev->payload)->text);
	if (x->waiting && event_matches(obj, x->type, x->m, x->nm)) {
		x->next = x->n;
		stop_waiting(x);
		if (x->app->pending.active)
			cmd_finish(x->app, 0, NULL);
	}
}

/* Describes the unmatched events, for a failure message. */
static char *seen_text(struct expect *x)
{
	size_t len = 0, first = x->n > x->next + 8 ? x->n - 8 : x->next;
	char *s = NULL;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return NULL;
	if (first == x->n)
		fputs("no events", f);
	for (size_t i = first; i < x->n; i++)
		fprintf(f, "%s%s", i > first ? ", " : "",
			json_object_to_json_string_ext(x->ev[i], JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	fclose(f);
	return s;
}

static void on_timeout(void *arg)
{
	struct expect *x = arg;
	char *seen, *msg = NULL;

	if (x->out_waiting) {
		x->timer = 0;
		output_stop_waiting(x);
		if (asprintf(&msg, "expect-output: not printed within %d ms; the program's output since the "
			     "last match: \"%.2000s\"", EXPECT_TIMEOUT_MS, x->out ? x->out + x->outnext : "") < 0)
			msg = NULL;
		if (x->app->pending.active)
			cmd_finish(x->app, -ETIMEDOUT, msg);
		free(msg);
		return;
	}
	if (!x->waiting)
		return;
	x->timer = 0;
	seen = seen_text(x);
	if (asprintf(&msg, "expect: no %s event as asked within %d ms; since the last match: %s",
		     x->type, EXPECT_TIMEOUT_MS, seen ? seen : "?") < 0)
		msg = NULL;
	free(seen);
	stop_waiting(x);
	if (x->app->pending.active)
		cmd_finish(x->app, -ETIMEDOUT, msg);
	free(msg);
}

int expect_attach(struct app *app)
{
	struct expect *x = calloc(1, sizeof(*x));

	if (!x)
		return -ENOMEM;
	x->app = app;
	x->sub = bus_subscribe(app->bus, EV_ANY, on_event, x);
	if (x->sub < 0) {
		free(x);
		return -ENOMEM;
	}
	app->test = x;
	return 0;
}

void expect_detach(struct app *app)
{
	struct expect *x = app->test;

	if (!x)
		return;
	if (x->waiting)
		stop_waiting(x);
	if (x->out_waiting)
		output_stop_waiting(x);
	free(x->out);
	free(x->memory);
	bus_unsubscribe(app->bus, x->sub);
	for (size_t i = 0; i < x->n; i++)
		json_object_put(x->ev[i]);
	free(x->ev);
	free(x);
	app->test = NULL;
}

/* Parses argv[2..] as FIELD=VALUE / FIELD~REGEX into *out. */
static int parse_matchers(struct cmd_ctx *ctx, int argc, char **argv, struct matcher **out, int *nout)
{
	struct matcher *m = calloc((size_t)argc, sizeof(*m));
	int n = 0;

	if (!m)
		return cmd_error(ctx, "out of memory");
	for (int i = 2; i < argc; i++, n++) {
		size_t k = strcspn(argv[i], "=~");
		int rc;

		if (!argv[i][k] || k == 0) {
			matchers_free(m, n);
			return cmd_error(ctx, "%s: '%s' is not FIELD=VALUE or FIELD~REGEX", ctx->entry->name, argv[i]);
		}
		m[n].field = strndup(argv[i], k);
		if (argv[i][k] == '=') {
			m[n].value = strdup(argv[i] + k + 1);
		} else if ((rc = regcomp(&m[n].re, argv[i] + k + 1, REG_EXTENDED | REG_NOSUB)) != 0) {
			char buf[128];

			regerror(rc, &m[n].re, buf, sizeof(buf));
			free(m[n].field);
			matchers_free(m, n);
			return cmd_error(ctx, "%s: bad regex '%s': %s", ctx->entry->name, argv[i] + k + 1, buf);
		} else {
			m[n].is_re = true;
		}
	}
	*out = m;
	*nout = n;
	return 0;
}

static int check_type(struct cmd_ctx *ctx, const char *type)
{
	if (bus_type_by_name(type) == EV_ANY)
		return cmd_error(ctx, "%s: no event type '%s'", ctx->entry->name, type);
	return 0;
}

static int cmd_expect(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct expect *x = ctx->app->test;
	struct matcher *m;
	int nm;
	long at;

	if (!x)
		return cmd_error(ctx, "expect: the transcript is not recorded in this session");
	if (check_type(ctx, argv[1]) < 0 || parse_matchers(ctx, argc, argv, &m, &nm) < 0)
		return -1;
	bus_dispatch(ctx->app->bus); /* what earlier commands published */
	at = find(x, argv[1], m, nm);
	if (at >= 0) {
		x->next = (size_t)at + 1;
		matchers_free(m, nm);
		return 0;
	}
	x->waiting = true;
	x->type = strdup(argv[1]);
	x->m = m;
	x->nm = nm;
	x->timer = loop_timer_add(ctx->app->loop, EXPECT_TIMEOUT_MS, false, on_timeout, x);
	return CMD_PENDING;
}

const struct cmd_entry cmd_expect_entry = {
	.name = "expect",
	.usage = "EVENT [FIELD=VALUE|FIELD~REGEX]...",
	.help = "Wait for the next EVENT whose fields match (scenario tests)",
	.min_args = 1,
	.max_args = -1,
	.exec = cmd_expect,
};

static int cmd_expect_none(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct expect *x = ctx->app->test;
	struct matcher *m;
	int nm;
	long at;

	if (!x)
		return cmd_error(ctx, "expect-none: the transcript is not recorded in this session");
	if (check_type(ctx, argv[1]) < 0 || parse_matchers(ctx, argc, argv, &m, &nm) < 0)
		return -1;
	bus_dispatch(ctx->app->bus);
	at = find(x, argv[1], m, nm);
	matchers_free(m, nm);
	if (at >= 0)
		return cmd_error(ctx, "expect-none: found %s", json_object_to_json_string_ext(
			x->ev[at], JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	return 0;
}

const struct cmd_entry cmd_expect_none_entry = {
	.name = "expect-none",
	.usage = "EVENT [FIELD=VALUE|FIELD~REGEX]...",
	.help = "Fail if an EVENT whose fields match happened since the last expect",
	.min_args = 1,
	.max_args = -1,
	.exec = cmd_expect_none,
};

static int cmd_expect_output(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct expect *x = ctx->app->test;
	int rc;

	if (!x)
		return cmd_error(ctx, "expect-output: the transcript is not recorded in this session");
	rc = regcomp(&x->out_re, argv[1], REG_EXTENDED | REG_NEWLINE); /* ^ $ at line ends */
	if (rc != 0) {
		char buf[128];

		regerror(rc, &x->out_re, buf, sizeof(buf));
		return cmd_error(ctx, "expect-output: bad regex '%s': %s", argv[1], buf);
	}
	bus_dispatch(ctx->app->bus);
	if (output_match(x)) {
		regfree(&x->out_re);
		return 0;
	}
	x->out_waiting = true;
	x->timer = loop_timer_add(ctx->app->loop, EXPECT_TIMEOUT_MS, false, on_timeout, x);
	return CMD_PENDING;
}

const struct cmd_entry cmd_expect_output_entry = {
	.name = "expect-output",
	.usage = "REGEX",
	.help = "Wait until the program's output (since the last match) matches REGEX; ^ and $ match at line ends (scenario tests)",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_expect_output,
};

/* Reads the whole file at path; NULL (errno set) on failure. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t cap = 0;
	FILE *m;
	char chunk[8192];
	size_t r;

	if (!f)
		return NULL;
	m = open_memstream(&data, &cap);
	if (!m) {
		fclose(f);
		return NULL;
	}
	while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, r, m);
	fclose(f);
	fclose(m);
	*len = cap;
	return data;
}

/* PATH relative to the project; EXPECTED relative to the script's folder. */
static int cmd_expect_file(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	char *path = NULL, *want_path = NULL, *got = NULL, *want = NULL;
	const char *slash = app->script ? strrchr(app->script, '/') : NULL;
	size_t got_len = 0, want_len = 0;
	int ret = -1;

	if (argv[1][0] == '/' || !app->project)
		path = strdup(argv[1]);
	else if (asprintf(&path, "%s/%s", project_dir(app->project), argv[1]) < 0)
		path = NULL;
	if (argv[2][0] == '/' || !slash)
		want_path = strdup(argv[2]);
	else if (asprintf(&want_path, "%.*s/%s", (int)(slash - app->script), app->script, argv[2]) < 0)
		want_path = NULL;
	if (!path || !want_path) {
		cmd_error(ctx, "expect-file: out of memory");
		goto out;
	}
	if (!(got = read_file(path, &got_len))) {
		cmd_error(ctx, "expect-file: cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!(want = read_file(want_path, &want_len))) {
		cmd_error(ctx, "expect-file: cannot read '%s': %s", want_path, strerror(errno));
		goto out;
	}
	if (got_len != want_len || memcmp(got, want, got_len) != 0) {
		size_t at = 0;

		while (at < got_len && at < want_len && got[at] == want[at])
			at++;
		cmd_error(ctx, "expect-file: '%s' (%zu bytes) differs from '%s' (%zu bytes) at byte %zu",
			  path, got_len, want_path, want_len, at);
		goto out;
	}
	ret = 0;
out:
	free(path);
	free(want_path);
	free(got);
	free(want);
	return ret;
}

const struct cmd_entry cmd_expect_file_entry = {
	.name = "expect-file",
	.usage = "PATH EXPECTED",
	.help = "Fail unless PATH (in the project) has exactly the bytes of EXPECTED (beside the script)",
	.min_args = 2,
	.max_args = 2,
	.exec = cmd_expect_file,
};

/* Writes data to path as another program would: in place (truncate, write,
 * close), or a new file renamed over it (how most editors save). */
static int write_outside(const char *path, const char *data, size_t len, bool by_rename)
{
	char *tmp = NULL;
	FILE *f;
	int err = 0;

	if (by_rename && asprintf(&tmp, "%s.outside-XXXXXX", path) < 0)
		return -ENOMEM;
	if (tmp) {
		int fd = mkstemp(tmp);

		f = fd >= 0 ? fdopen(fd, "w") : NULL;
	} else {
		f = fopen(path, "w");
	}
	if (!f) {
		err = -errno;
		goto out;
	}
	if (fwrite(data, 1, len, f) != len)
		err = -EIO;
	if (fclose(f) != 0 && !err)
		err = -errno;
	if (!err && tmp && rename(tmp, path) < 0)
		err = -errno;
out:
	if (tmp && err)
		unlink(tmp);
	free(tmp);
	return err;
}

/* FILE relative to the project; --from=SOURCE relative to the script. */
static int cmd_outside_write(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	const char *slash = app->script ? strrchr(app->script, '/') : NULL, *file = NULL, *text = NULL;
	const char *source = NULL;
	char *path = NULL, *from = NULL, *data = NULL;
	bool by_rename = false;
	size_t len = 0;
	int err;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rename") == 0)
			by_rename = true;
		else if (strncmp(argv[i], "--from=", 7) == 0 && !from)
			source = argv[i] + 7;
		else if (!file)
			file = argv[i];
		else
			text = argv[i];
	}
	if (!file || !(text || source))
		return cmd_error(ctx, "outside-write: usage: outside-write [--rename] FILE TEXT|--from=SOURCE");
	if (source && (source[0] == '/' || !slash))
		from = strdup(source);
	else if (source && asprintf(&from, "%.*s/%s", (int)(slash - app->script), app->script, source) < 0)
		from = NULL;
	if (file[0] == '/' || !app->project)
		path = strdup(file);
	else if (asprintf(&path, "%s/%s", project_dir(app->project), file) < 0)
		path = NULL;
	data = source ? (from ? read_file(from, &len) : NULL) : cmd_unescape(text, &len);
	if (!path || !data) {
		cmd_error(ctx, "outside-write: cannot read '%s': %s", from ? from : "TEXT", strerror(errno));
		err = -1;
		goto out;
	}
	if ((err = write_outside(path, data, len, by_rename)) < 0)
		cmd_error(ctx, "outside-write: '%s': %s", path, strerror(-err));
out:
	free(path);
	free(from);
	free(data);
	return err < 0 ? -1 : 0;
}

const struct cmd_entry cmd_outside_write_entry = {
	.name = "outside-write",
	.usage = "[--rename] FILE TEXT|--from=SOURCE",
	.help = "Write FILE (in the project) as another program would, in place or by rename: TEXT (\\n, \\t escapes) or the bytes of SOURCE (beside the script) (scenario tests)",
	.min_args = 2,
	.max_args = 3,
	.exec = cmd_outside_write,
};

/* expect-memory save | same: the stopped program's whole state (every
 * mapping's bytes, every thread's registers) saved, then compared: a failed
 * apply must leave the process exactly as it was. */
static int cmd_expect_memory(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct expect *x = ctx->app->test;
	char *state = NULL, *msg = NULL;

	if (!x)
		return cmd_error(ctx, "expect-memory: the transcript is not recorded in this session");
	if (strcmp(argv[1], "save") != 0 && strcmp(argv[1], "same") != 0)
		return cmd_error(ctx, "expect-memory: 'save' or 'same', not '%s'", argv[1]);
	if (dbg_memory_state(ctx->app->dbg, &state, &msg) < 0) {
		cmd_error(ctx, "expect-memory: %s", msg ? msg : "cannot read the program");
		free(msg);
		return -1;
	}
	if (strcmp(argv[1], "save") == 0) {
		free(x->memory);
		x->memory = state;
		return 0;
	}
	if (!x->memory) {
		free(state);
		return cmd_error(ctx, "expect-memory: nothing saved (expect-memory save first)");
	}
	if (strcmp(x->memory, state) != 0) {
		/* Name the first line (mapping or thread) that differs. */
		const char *a = x->memory, *b = state;

		while (*a && *b) {
			size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

			if (la != lb || memcmp(a, b, la) != 0) {
				cmd_error(ctx, "expect-memory: the program changed: was '%.*s', now '%.*s'", (int)la, a,
					  (int)lb, b);
				free(state);
				return -1;
			}
			a += la + (a[la] == '\n');
			b += lb + (b[lb] == '\n');
		}
		cmd_error(ctx, "expect-memory: the program changed: its mappings or threads are not the same ones");
		free(state);
		return -1;
	}
	free(state);
	return 0;
}

const struct cmd_entry cmd_expect_memory_entry = {
	.name = "expect-memory",
	.usage = "save|same",
	.help = "Save the stopped program's memory and registers, or fail unless they are the same as saved (scenario tests)",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_expect_memory,
};
