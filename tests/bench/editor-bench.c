/* The editor benchmark of issue 3, encide's side: `generate` writes a
 * deterministic C file of any length to benchmark on, `run` times opening it
 * to the first highlighted screen and typing into it through editor.h. Run by
 * hand through tests/bench/editor.sh, which times neovim doing the same work.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "editor/editor.h"

#ifndef BENCH_BUILD_TYPE
#define BENCH_BUILD_TYPE "unknown"
#endif

/* The visible window: what a 60-line terminal pane draws. */
#define WINDOW_LINES 60
/* The keystroke at step i goes to line (i * LINE_STRIDE) % lines + 1: a
 * prime, so 10,000 steps through 250,000 lines never hit a line twice. */
#define LINE_STRIDE 7919

/*
 * The generator. One pseudo-random stream with a fixed seed picks what comes
 * next, so every run writes the same bytes. The output is C that gcc accepts
 * (-fsyntax-only), which keeps the syntax tree free of ERROR nodes as a real
 * project's would be.
 */

struct gen {
	FILE *f;              /* where the C goes */
	uint64_t state;       /* xorshift64* state */
	size_t lines;         /* lines written so far */
	int indent;           /* tabs before the next line */
	unsigned unit;        /* number of the current top-level unit */
	unsigned nscalar;     /* scalar functions defined so far */
	unsigned last_struct; /* unit of the newest struct, 0 before the first */
	unsigned last_macros; /* unit of the newest macro group, 0 before the first */
	int err;              /* the first write error (negative errno) */
};

static const char *const gen_nouns[] = {
	"buf", "node", "list", "conf", "sock", "file", "str", "map", "tree", "log",
	"queue", "token", "frame", "cache", "page", "entry", "slot", "key", "path", "job",
};
static const char *const gen_verbs[] = {
	"init", "scan", "push", "pop", "find", "read", "write", "hash", "merge", "split",
	"check", "count", "copy", "trim", "parse", "emit", "fold", "walk", "reset", "grow",
};
/* String literals with escapes, as they appear inside C source. */
static const char *const gen_strings[] = {
	"\"%s:%d\\n\"", "\"tab\\tseparated\\tfields\"", "\"quote \\\"inside\\\" it\"",
	"\"back\\\\slash\"", "\"bell\\a and null\\0 byte\"", "\"hex \\x41\\x42 and octal \\101\"",
	"\"unicode \\u00e9t\\u00e9\"", "\"%-8s|%08x|%zu\\r\\n\"", "\"\"", "\"/* not a comment */\"",
	"\"// not a comment either\"", "\"multi \" \"part \" \"literal\"",
};
static const char *const gen_chars[] = {
	"'a'", "'\\n'", "'\\t'", "'\\''", "'\\\\'", "'\\0'", "'\\x7f'", "'\"'", "'#'", "'{'",
};
static const char *const gen_comments[] = {
	"keep the fast path first: most calls end here",
	"the caller owns s; we only read it",
	"TODO: split this once the format settles",
	"n counts bytes, not characters",
	"wraps on purpose: the hash only needs to mix",
	"see the note at the top of the file",
	"an empty input is valid and gives zero",
	"FIXME: the limit should come from the config",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t gen_next(struct gen *g)
{
	g->state ^= g->state >> 12;
	g->state ^= g->state << 25;
	g->state ^= g->state >> 27;
	return g->state * 2685821657736338717ULL;
}

/* A number in [0, n). */
static unsigned gen_pick(struct gen *g, unsigned n)
{
	return (unsigned)((gen_next(g) >> 33) % n);
}

/* Writes one line at the current indentation. */
static void gen_line(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gen_line(struct gen *g, const char *fmt, ...)
{
	va_list ap;

	for (int i = 0; i < g->indent; i++)
		putc('\t', g->f);
	va_start(ap, fmt);
	vfprintf(g->f, fmt, ap);
	va_end(ap);
	if (putc('\n', g->f) == EOF && g->err == 0)
		g->err = -errno;
	g->lines++;
}

static void gen_blank(struct gen *g)
{
	if (putc('\n', g->f) == EOF && g->err == 0)
		g->err = -errno;
	g->lines++;
}

static const char *gen_string(struct gen *g)
{
	return gen_strings[gen_pick(g, COUNT(gen_strings))];
}

static void gen_macros(struct gen *g)
{
	unsigned u = g->unit;

	gen_line(g, "/* Limits and helpers of part %u. */", u);
	gen_line(g, "#define LIMIT_%u %u", u, 16 + gen_pick(g, 1000));
	gen_line(g, "#define MASK_%u (0x%xu << %u)", u, 1 + gen_pick(g, 255), gen_pick(g, 8));
	gen_line(g, "#define NAME_%u %s", u, gen_string(g));
	gen_line(g, "#define MAX_%u(x, y) ((x) > (y) ? (x) : (y))", u);
	gen_line(g, "#define CLAMP_%u(v, lo, hi) ((v) < (lo) ? (lo) : (v) > (hi) ? (hi) : (v))", u);
	gen_line(g, "#define SWAP_%u(T, x, y) \\", u);
	gen_line(g, "\tdo { \\");
	gen_line(g, "\t\tT tmp_ = (x); \\");
	gen_line(g, "\t\t(x) = (y); \\");
	gen_line(g, "\t\t(y) = tmp_; \\");
	gen_line(g, "\t} while (0)");
	gen_blank(g);
	g->last_macros = u;
}

static void gen_struct(struct gen *g)
{
	unsigned u = g->unit;
	const char *noun = gen_nouns[gen_pick(g, COUNT(gen_nouns))];

	gen_line(g, "/*");
	gen_line(g, " * A %s of part %u: linked, with a label and a small", noun, u);
	gen_line(g, " * inline buffer (\"%s\" in the docs).", noun);
	gen_line(g, " */");
	gen_line(g, "struct %s_%u {", noun, u);
	g->indent++;
	gen_line(g, "int count;                 /* how many */");
	gen_line(g, "unsigned flags : %u;         /* state bits */", 1 + gen_pick(g, 8));
	gen_line(g, "const char *label;         // shown to the user");
	gen_line(g, "char buf[%u];", 8 << gen_pick(g, 4));
	gen_line(g, "union {");
	gen_line(g, "\tlong l;");
	gen_line(g, "\tdouble d;");
	gen_line(g, "} u;");
	gen_line(g, "struct %s_%u *next;", noun, u);
	g->indent--;
	gen_line(g, "};");
	gen_line(g, "typedef struct %s_%u %s_%u_t;", noun, u, noun, u);
	gen_blank(g);
	gen_line(g, "static void %s_%u_update(struct %s_%u *p, int a)", noun, u, noun, u);
	gen_line(g, "{");
	g->indent++;
	gen_line(g, "while (p) {");
	gen_line(g, "\tp->count += a;");
	gen_line(g, "\tif (p->label && p->label[0] == %s)", gen_chars[gen_pick(g, COUNT(gen_chars))]);
	gen_line(g, "\t\tp->flags |= 1;");
	gen_line(g, "\tp->u.d = p->u.l * %u.5;", gen_pick(g, 100));
	gen_line(g, "\tp = p->next;");
	gen_line(g, "}");
	g->indent--;
	gen_line(g, "}");
	gen_blank(g);
	g->last_struct = u;
}

static void gen_enum(struct gen *g)
{
	static const char *const members[] = { "IDLE", "READY", "BUSY", "DONE", "FAILED", "RETRY", "GONE" };
	unsigned u = g->unit, n = 3 + gen_pick(g, COUNT(members) - 2);
	bool typed = gen_pick(g, 2);

	gen_line(g, "%senum state_%u {", typed ? "typedef " : "", u);
	g->indent++;
	for (unsigned i = 0; i < n; i++)
		gen_line(g, "STATE_%u_%s%s,", u, members[i], i == 0 ? " = 0" : "");
	gen_line(g, "STATE_%u_COUNT /* keep last */", u);
	g->indent--;
	gen_line(g, typed ? "} state_%u_t;" : "};", u);
	gen_line(g, "typedef int (*callback_%u_fn)(void *ctx, const char *s, size_t n);", u);
	gen_blank(g);
}

static void gen_table(struct gen *g)
{
	unsigned u = g->unit, n = 3 + gen_pick(g, 6);

	gen_line(g, "static const char *const words_%u[] = {", u);
	for (unsigned i = 0; i < n; i++)
		gen_line(g, "\t%s,", gen_string(g));
	gen_line(g, "};");
	gen_line(g, "static const char separators_%u[] = { %s, %s, %s };", u,
		 gen_chars[gen_pick(g, COUNT(gen_chars))], gen_chars[gen_pick(g, COUNT(gen_chars))],
		 gen_chars[gen_pick(g, COUNT(gen_chars))]);
	gen_line(g, "int total_%u = %u, *total_%u_ptr = &total_%u;", u, gen_pick(g, 1u << 20), u, u);
	gen_blank(g);
}

static void gen_statements(struct gen *g, int depth, unsigned count);

/* One statement of a scalar function body: a, s, n, i, j, acc and buf are in
 * scope. */
static void gen_statement(struct gen *g, int depth)
{
	unsigned kind = gen_pick(g, depth > 0 ? 14 : 8);

	switch (kind) {
	case 0:
		gen_line(g, "acc += a * %u + (long)n;", 1 + gen_pick(g, 97));
		break;
	case 1:
		gen_line(g, "acc ^= (acc << %u) | (unsigned)i;", 1 + gen_pick(g, 12));
		break;
	case 2:
		gen_line(g, "j = (a > %u) ? a - %u : %u - a;", gen_pick(g, 50), gen_pick(g, 50), gen_pick(g, 50));
		break;
	case 3:
		gen_line(g, "snprintf(buf, sizeof(buf), %s, s ? s : \"\", a);",
			 gen_pick(g, 2) ? "\"%s:%d\\n\"" : "\"[%s] \\\"%d\\\"\\t\"");
		break;
	case 4:
		if (g->nscalar > 0) {
			unsigned callee = gen_pick(g, g->nscalar);

			gen_line(g, "acc += scalar_%u(a + %u, %s, n);", callee, gen_pick(g, 9), gen_string(g));
		} else {
			gen_line(g, "acc -= (long)strlen(%s);", gen_string(g));
		}
		break;
	case 5:
		gen_line(g, "// %s", gen_comments[gen_pick(g, COUNT(gen_comments))]);
		break;
	case 6:
		if (g->last_macros)
			gen_line(g, "acc = MAX_%u(acc, (long)a) + CLAMP_%u(j, 0, LIMIT_%u);", g->last_macros,
				 g->last_macros, g->last_macros);
		else
			gen_line(g, "j += buf[0] == %s;", gen_chars[gen_pick(g, COUNT(gen_chars))]);
		break;
	case 7:
		gen_line(g, "if (buf[%u] == %s || buf[1] == '\\'')", gen_pick(g, 60),
			 gen_chars[gen_pick(g, COUNT(gen_chars))]);
		gen_line(g, "\tacc--; /* %s */", gen_comments[gen_pick(g, COUNT(gen_comments))]);
		break;
	case 8:
	case 9:
		gen_line(g, "if (s && s[%u] == %s) {", gen_pick(g, 4), gen_chars[gen_pick(g, COUNT(gen_chars))]);
		gen_statements(g, depth - 1, 1 + gen_pick(g, 3));
		if (gen_pick(g, 2)) {
			gen_line(g, "} else if (n > %u && acc != 0) {", gen_pick(g, 1000));
			gen_statements(g, depth - 1, 1 + gen_pick(g, 2));
		}
		gen_line(g, "} else {");
		gen_statements(g, depth - 1, 1 + gen_pick(g, 2));
		gen_line(g, "}");
		break;
	case 10:
		gen_line(g, "for (i = 0; i < %u && (size_t)i < n; i++) {", 2 + gen_pick(g, 64));
		gen_statements(g, depth - 1, 1 + gen_pick(g, 3));
		gen_line(g, "}");
		break;
	case 11:
		if (gen_pick(g, 2)) {
			gen_line(g, "while (j < %u && acc != 0) {", gen_pick(g, 200));
			g->indent++;
			gen_line(g, "j++;");
			g->indent--;
			gen_statements(g, depth - 1, 1 + gen_pick(g, 2));
			gen_line(g, "}");
		} else {
			gen_line(g, "do {");
			gen_statements(g, depth - 1, 1 + gen_pick(g, 2));
			gen_line(g, "} while (--j > 0);");
		}
		break;
	case 12: {
		unsigned cases = 2 + gen_pick(g, 4);

		gen_line(g, "switch (a & %u) {", 7 + 8 * gen_pick(g, 2));
		for (unsigned c = 0; c < cases; c++) {
			gen_line(g, "case %u:", c);
			if (c + 1 < cases && gen_pick(g, 4) == 0) {
				gen_line(g, "\t/* fall through */");
				continue;
			}
			gen_statements(g, depth - 1, 1 + gen_pick(g, 2));
			gen_line(g, "\tbreak;");
		}
		gen_line(g, "default:");
		gen_line(g, "\tacc = -acc;");
		gen_line(g, "}");
		break;
	}
	default:
		gen_line(g, "if (acc < %d)", -(int)gen_pick(g, 1000));
		gen_line(g, "\tgoto out;");
		break;
	}
}

static void gen_statements(struct gen *g, int depth, unsigned count)
{
	g->indent++;
	for (unsigned k = 0; k < count; k++)
		gen_statement(g, depth);
	g->indent--;
}

/* A documented scalar function scalar_N(int a, const char *s, size_t n);
 * later ones call earlier ones. */
static void gen_function(struct gen *g)
{
	unsigned id = g->nscalar;
	const char *noun = gen_nouns[gen_pick(g, COUNT(gen_nouns))];
	const char *verb = gen_verbs[gen_pick(g, COUNT(gen_verbs))];

	gen_line(g, "/*");
	gen_line(g, " * scalar_%u: %s the %s of s (n bytes), mixed with a.", id, verb, noun);
	gen_line(g, " * Returns a non-negative checksum; see \"%s_%s\" in the notes.", noun, verb);
	gen_line(g, " */");
	gen_line(g, "%sint scalar_%u(int a, const char *s, size_t n)", gen_pick(g, 3) ? "static " : "", id);
	gen_line(g, "{");
	g->indent++;
	gen_line(g, "long acc = %u;", gen_pick(g, 10000));
	gen_line(g, "int i = 0, j = %u;", gen_pick(g, 16));
	gen_line(g, "char buf[64] = \"\";");
	gen_blank(g);
	g->indent--;
	gen_statements(g, 3, 3 + gen_pick(g, 6));
	g->indent++;
	gen_blank(g);
	g->indent--;
	gen_line(g, "out:");
	g->indent++;
	gen_line(g, "return (int)(acc & 0x7fffffff) + buf[0] + i + j;");
	g->indent--;
	gen_line(g, "}");
	gen_blank(g);
	g->nscalar++;
}

/* A function inside #if/#else: both branches define it, one is compiled. */
static void gen_conditional(struct gen *g)
{
	unsigned u = g->unit;

	gen_line(g, "#if defined(FEATURE_%u) && FEATURE_%u > %u", u, u, gen_pick(g, 4));
	gen_line(g, "static int feature_%u(const char *s)", u);
	gen_line(g, "{");
	gen_line(g, "\treturn s ? (int)strlen(s) : -1; /* counted */");
	gen_line(g, "}");
	gen_line(g, "#elif defined(LEGACY_%u)", u);
	gen_line(g, "#error \"legacy builds are gone\"");
	gen_line(g, "#else");
	gen_line(g, "static int feature_%u(const char *s)", u);
	gen_line(g, "{");
	gen_line(g, "\t(void)s;");
	gen_line(g, "\treturn %s[0] == '\\0';", gen_string(g));
	gen_line(g, "}");
	gen_line(g, "#endif /* FEATURE_%u */", u);
	gen_blank(g);
	if (g->last_struct) {
		gen_line(g, "#ifdef DEBUG_%u", u);
		gen_line(g, "#undef LIMIT_%u", g->last_macros ? g->last_macros : u);
		gen_line(g, "#endif");
		gen_blank(g);
	}
}

/* Writes exactly `lines` lines of C to path. */
static int bench_generate(const char *path, size_t lines)
{
	struct gen g = { .state = 0x9e3779b97f4a7c15ULL };
	int err = 0;

	g.f = fopen(path, "w");
	if (!g.f) {
		fprintf(stderr, "bench-editor: cannot create '%s': %s\n", path, strerror(errno));
		return -errno;
	}
	gen_line(&g, "/* Generated by encide's tests/bench/editor-bench.c for the editor benchmark:");
	gen_line(&g, " * varied but valid C, deterministic (the same bytes on every run). */");
	gen_line(&g, "#include <stddef.h>");
	gen_line(&g, "#include <stdio.h>");
	gen_line(&g, "#include <string.h>");
	gen_blank(&g);
	/* The largest unit is well under 200 lines: stop before overshooting,
	 * then pad with comment lines to the exact count. */
	while (g.lines + 200 < lines) {
		unsigned what = gen_pick(&g, 20);

		g.unit++;
		if (what < 2)
			gen_macros(&g);
		else if (what < 4)
			gen_struct(&g);
		else if (what < 5)
			gen_enum(&g);
		else if (what < 6)
			gen_table(&g);
		else if (what < 7)
			gen_conditional(&g);
		else
			gen_function(&g);
	}
	while (g.lines < lines)
		gen_line(&g, "// padding line %zu", g.lines + 1);
	err = g.err;
	if (fclose(g.f) != 0 && err == 0)
		err = -errno;
	if (err < 0)
		fprintf(stderr, "bench-editor: cannot write '%s': %s\n", path, strerror(-err));
	return err;
}

/*
 * The measurement.
 */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The process's CPU time in ms: what the work cost, whatever else the
 * machine is doing (the wall time above also counts waiting for a core). */
static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The process's peak resident set (VmHWM) in MB, or -1. */
static double peak_rss_mb(void)
{
	char line[256];
	double mb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			mb = strtod(line + 6, NULL) / 1024.0;
	fclose(f);
	return mb;
}

/* Lines as an editor shows them: a final '\n' does not start one more. */
static size_t shown_lines(const struct buffer *buf)
{
	size_t n = buf_line_count(buf);
	char last;

	if (n > 1 && buf_read(buf, buf_size(buf) - 1, 1, &last) == 1 && last == '\n')
		n--;
	return n;
}

/* Where typing on `line` goes: after its leading blanks. */
static size_t typing_point(const struct buffer *buf, size_t line)
{
	size_t start, end, pos;
	char c;

	buf_line_span(buf, line, &start, &end);
	for (pos = start; pos < end && buf_read(buf, pos, 1, &c) == 1 && (c == ' ' || c == '\t'); pos++)
		;
	return pos;
}

/* Highlights the WINDOW_LINES lines from first (clipped to the text) the way
 * a pane draws them; returns the span count, or a negative errno. */
static ssize_t highlight_window(const struct buffer *buf, size_t first, size_t lines)
{
	size_t last = first + WINDOW_LINES - 1, start, end, unused;
	struct syn_span *spans = NULL;
	ssize_t n;

	if (last > lines)
		last = lines;
	if (!buf_line_span(buf, first, &start, &unused) || !buf_line_span(buf, last, &unused, &end))
		return -EINVAL;
	n = buf_highlight(buf, start, end, &spans);
	free(spans);
	return n;
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return a < b ? -1 : a > b;
}

/* The nearest-rank percentile p (0..100) of sorted v[0..n). */
static double percentile(const double *v, size_t n, double p)
{
	size_t rank = (size_t)ceil(p / 100.0 * (double)n);

	return v[rank > 0 ? rank - 1 : 0];
}

/* Writes the buffer's text to path, so the script can check both editors
 * made the same edits. */
static int write_text(const struct buffer *buf, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t pos = 0, len;
	int err = 0;

	if (!f)
		return -errno;
	while (pos < buf_size(buf)) {
		const char *chunk = buf_chunk(buf, pos, &len);

		if (fwrite(chunk, 1, len, f) != len) {
			err = -errno;
			break;
		}
		pos += len;
	}
	if (fclose(f) != 0 && err == 0)
		err = -errno;
	return err;
}

/*
 * Opens path and highlights its first screen (timed as "open"), then types
 * `keys` one-character insertions, each followed by the highlight of the
 * 60-line window around it (the incremental reparse happens there), timing
 * each. Prints key=value lines for tests/bench/editor.sh.
 */
static int bench_run(const char *path, size_t keys, char key, const char *text_out)
{
	struct buffer *buf = NULL;
	char *errmsg = NULL;
	double t0, open_ms, *times = NULL, *cpu = NULL;
	ssize_t n;
	size_t lines, total_spans = 0;
	int err;

	t0 = now_ms();
	err = buf_open(&buf, path, &errmsg);
	if (err < 0) {
		fprintf(stderr, "bench-editor: %s\n", errmsg ? errmsg : strerror(-err));
		goto out;
	}
	lines = shown_lines(buf);
	n = highlight_window(buf, 1, lines);
	open_ms = now_ms() - t0;
	if (n <= 0) {
		err = n < 0 ? (int)n : -EINVAL;
		fprintf(stderr, "bench-editor: the first screen has no highlight (%zd)\n", n);
		goto out;
	}
	printf("build=%s\nlines=%zu\nbytes=%zu\nopen_ms=%.3f\nopen_spans=%zd\n", BENCH_BUILD_TYPE, lines,
	       buf_size(buf), open_ms, n);

	times = malloc((keys ? keys : 1) * sizeof(*times));
	cpu = malloc((keys ? keys : 1) * sizeof(*cpu));
	if (!times || !cpu) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < keys; i++) {
		size_t line = (i * LINE_STRIDE) % lines + 1, pos = typing_point(buf, line);
		size_t first = line > WINDOW_LINES / 2 ? line - WINDOW_LINES / 2 : 1;
		double t, c;

		if (lines >= WINDOW_LINES && first > lines - WINDOW_LINES + 1)
			first = lines - WINDOW_LINES + 1;
		t = now_ms();
		c = cpu_ms();
		err = buf_insert(buf, pos, &key, 1);
		n = err < 0 ? err : highlight_window(buf, first, lines);
		times[i] = now_ms() - t;
		cpu[i] = cpu_ms() - c;
		if (n < 0) {
			err = (int)n;
			fprintf(stderr, "bench-editor: keystroke %zu at line %zu failed: %s\n", i, line,
				strerror(-err));
			goto out;
		}
		total_spans += (size_t)n;
	}
	qsort(times, keys, sizeof(*times), cmp_double);
	qsort(cpu, keys, sizeof(*cpu), cmp_double);
	printf("keys=%zu\nkey_spans=%zu\n", keys, total_spans);
	if (keys)
		printf("p50_ms=%.3f\np99_ms=%.3f\nmax_ms=%.3f\n", percentile(times, keys, 50),
		       percentile(times, keys, 99), times[keys - 1]);
	if (keys)
		printf("cpu_p50_ms=%.3f\ncpu_p99_ms=%.3f\n", percentile(cpu, keys, 50), percentile(cpu, keys, 99));
	printf("peak_rss_mb=%.1f\n", peak_rss_mb());
	if (text_out && (err = write_text(buf, text_out)) < 0)
		fprintf(stderr, "bench-editor: cannot write '%s': %s\n", text_out, strerror(-err));
out:
	free(times);
	free(cpu);
	free(errmsg);
	buf_free(buf);
	return err;
}

static void usage(void)
{
	fputs("usage: bench-editor generate LINES OUT.c\n"
	      "       bench-editor run FILE KEYSTROKES CHAR [TEXT-OUT]\n"
	      "Run by hand through tests/bench/editor.sh.\n",
	      stderr);
}

int main(int argc, char **argv)
{
	editor_tune_allocator(); /* as encide's main does */
	if (argc == 4 && strcmp(argv[1], "generate") == 0)
		return bench_generate(argv[3], strtoul(argv[2], NULL, 10)) < 0;
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "run") == 0 && strlen(argv[4]) == 1)
		return bench_run(argv[2], strtoul(argv[3], NULL, 10), argv[4][0], argc == 6 ? argv[5] : NULL) < 0;
	usage();
	return 2;
}
