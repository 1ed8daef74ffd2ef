/* Files encide reads that others wrote, mutated thousands of times each
 * (seeded, so a failure repeats): compile_commands.json, encide-cc's log,
 * compiler diagnostics, ELF objects, programs to debug (ELF and DWARF),
 * crash-recovery journals. Each must
 * give a result or a clear error, never a crash or a leak; the suite runs
 * this under ASan+UBSan too. The mutations: bytes overwritten, cut short,
 * spliced from elsewhere in the text, runs of one byte inserted.
 * ENCIDE_FUZZ_SCALE=N runs N times as many rounds (by hand, to dig). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/bus.h"
#include "app/loop.h"
#include "build/build-int.h"
#include "debugger/debugger.h"
#include "editor/editor-journal.h"
#include "editor/editor.h"
#include "enc/enc-int.h"
#include "tests/unit/harness.h"

static uint32_t seed;

/* n rounds, times $ENCIDE_FUZZ_SCALE. */
static int rounds(int n)
{
	const char *scale = getenv("ENCIDE_FUZZ_SCALE");

	return scale && atoi(scale) > 0 ? n * atoi(scale) : n;
}

static uint32_t rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

/* A mutated copy of src (caller frees), its size in *len. */
static char *mutate(const char *src, size_t n, size_t *len)
{
	size_t cap = n * 2 + 64, m = n;
	char *s = malloc(cap + 1);

	memcpy(s, src, n);
	for (unsigned k = 1 + rnd() % 4; k > 0; k--) {
		size_t at = m ? rnd() % m : 0;

		switch (rnd() % 5) {
		case 0: /* overwrite some bytes */
			for (unsigned i = 0; i < 1 + rnd() % 8 && at + i < m; i++)
				s[at + i] = (char)rnd();
			break;
		case 1: /* a byte that matters to parsers */
			if (m)
				s[at] = "\"[]{}:,\\\n\0\x7f\xff"[rnd() % 13];
			break;
		case 2: /* cut short */
			m = at;
			break;
		case 3: { /* splice a run from elsewhere */
			size_t from = m ? rnd() % m : 0, run = rnd() % 64;

			if (run > m - from)
				run = m - from;
			if (m + run <= cap) {
				memmove(s + at + run, s + at, m - at);
				memmove(s + at, s + from + (from >= at ? run : 0), run);
				m += run;
			}
			break;
		}
		default: { /* a run of one byte */
			size_t run = 1 + rnd() % 16;

			if (m + run <= cap) {
				memmove(s + at + run, s + at, m - at);
				memset(s + at, (char)rnd(), run);
				m += run;
			}
		}
		}
	}
	s[m] = '\0';
	*len = m;
	return s;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL);
	CHECK(fwrite(data, 1, len, f) == len);
	fclose(f);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	CHECK(f != NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	CHECK(fread(s, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return s;
}

TEST(compile_commands_json)
{
	static const char good[] =
		"[\n"
		" {\"directory\": \"/p/build\", \"file\": \"../src/a.c\",\n"
		"  \"arguments\": [\"gcc\", \"-O2\", \"-I../inc\", \"-c\", \"../src/a.c\", \"-o\", \"a.o\"]},\n"
		" {\"directory\": \"/p/build\", \"file\": \"/p/src/b.c\", \"output\": \"b.o\",\n"
		"  \"command\": \"cc -DMSG='\\\"hi there\\\"' -c /p/src/b.c -o sub/b.o\"}\n"
		"]\n";
	int ok = 0;

	seed = 1;
	for (int i = 0; i < rounds(4000); i++) {
		struct build_cmds c = { 0 };
		char *err = NULL, *text;
		size_t len;

		text = mutate(good, sizeof(good) - 1, &len);
		if (build_compdb_parse(&c, "/p/compile_commands.json", text, len, NULL, &err) == 0) {
			ok++;
			build_cmds_release(&c);
		} else {
			CHECK(err != NULL && err[0] != '\0');
		}
		free(err);
		free(text);
	}
	CHECK(ok > 0); /* some mutations leave it valid */
}

TEST(encide_cc_log)
{
	static const char good[] =
		"{\"kind\":\"compile\",\"directory\":\"/p\",\"arguments\":[\"cc\",\"-c\",\"a.c\",\"-o\",\"a.o\"],"
		"\"file\":\"/p/a.c\",\"output\":\"a.o\",\"depfile\":\"/s/a.d\"}\n"
		"{\"kind\":\"link\",\"directory\":\"/p\",\"arguments\":[\"cc\",\"-o\",\"prog\",\"a.o\"],\"output\":\"prog\"}\n";
	char path[512];

	snprintf(path, sizeof(path), "%s/cc.log", harness_tmpdir());
	seed = 2;
	for (int i = 0; i < rounds(3000); i++) {
		struct build_cmds c = { 0 };
		char *err = NULL, *text;
		size_t len;

		text = mutate(good, sizeof(good) - 1, &len);
		write_file(path, text, len);
		if (build_cclog_load(&c, path, &err) == 0)
			build_cmds_release(&c);
		free(err);
		free(text);
	}
}

TEST(compiler_diagnostics)
{
	static const char json[] =
		"[{\"kind\": \"error\", \"message\": \"expected ';' before 'return'\", \"children\": [],"
		" \"locations\": [{\"caret\": {\"file\": \"main.c\", \"line\": 5, \"display-column\": 13,"
		" \"byte-column\": 13, \"column\": 13}}], \"fixits\": [{\"start\": {\"file\": \"main.c\","
		" \"line\": 5, \"column\": 13}, \"next\": {\"file\": \"main.c\", \"line\": 5, \"column\": 13},"
		" \"string\": \";\"}], \"escape-source\": false}]\n";
	static const char text[] =
		"main.c:5:13: error: expected ';' before 'return'\n"
		"main.c: In function 'main':\n"
		"util.c:3:1: warning: unused variable 'x' [-Wunused-variable]\n"
		"fix-it:\"main.c\":{5:13-5:13}:\";\"\n";

	seed = 3;
	for (int i = 0; i < rounds(4000); i++) {
		struct build_diags d = { 0 };
		const char *src = i % 2 ? json : text;
		size_t len, n = i % 2 ? sizeof(json) - 1 : sizeof(text) - 1;
		char *t = mutate(src, n, &len);

		CHECK_INT(build_diag_parse(&d, t, len), 0);
		build_diags_release(&d);
		free(t);
	}
}

TEST(elf_objects)
{
	char src[512], obj[512], bad[512], *out = NULL, *bytes;
	char *const argv[] = { "gcc", "-c", "-g", "-O0", "-ffunction-sections", "-fdata-sections",
			       "-fpatchable-function-entry=16,14", "f.c", "-o", "f.o", NULL };
	size_t len;
	int opened = 0;

	snprintf(src, sizeof(src), "%s/f.c", harness_tmpdir());
	snprintf(obj, sizeof(obj), "%s/f.o", harness_tmpdir());
	snprintf(bad, sizeof(bad), "%s/bad.o", harness_tmpdir());
	{
		static const char text[] = "#include <stdio.h>\nstatic int n;\nint g = 3;\n"
					   "int f(int x) { n++; printf(\"%d %d\\n\", x, g); return x * 2; }\n";

		write_file(src, text, sizeof(text) - 1);
	}
	CHECK_INT(harness_run(harness_tmpdir(), argv, &out), 0);
	free(out);
	bytes = read_file(obj, &len);
	seed = 4;
	for (int i = 0; i < rounds(1500); i++) {
		struct obj *o = NULL;
		char *err = NULL, *m;
		size_t mlen = len;

		/* Most mutations of a whole object touch code or debug bytes the
		 * reader never parses: aim at the headers and tables too. */
		m = malloc(len);
		memcpy(m, bytes, len);
		for (unsigned k = 1 + rnd() % 6; k > 0; k--) {
			size_t at = rnd() % 3 == 0 ? rnd() % 64 : rnd() % len;

			m[at] = (char)rnd();
		}
		if (rnd() % 8 == 0)
			mlen = rnd() % len;
		write_file(bad, m, mlen);
		if (obj_open(&o, bad, &err) == 0) {
			opened++;
			for (size_t s = 0; s < 3; s++)
				obj_find(o, s == 0 ? "f" : s == 1 ? "g" : "n", 0);
			obj_free(o);
		} else {
			CHECK(err != NULL);
		}
		free(err);
		free(m);
	}
	CHECK(opened > 0);
	free(bytes);
}

TEST(programs_to_debug)
{
	char src[512], prog[512], bad[512], *out = NULL, *bytes;
	char *const argv[] = { "gcc", "-g", "-O0", "p.c", "-o", "p", NULL };
	struct loop *loop = loop_new();
	struct bus *bus = bus_new();
	struct dbg *dbg = dbg_new(loop, bus);
	size_t len;
	int ok = 0;

	CHECK(loop && bus && dbg);
	snprintf(src, sizeof(src), "%s/p.c", harness_tmpdir());
	snprintf(prog, sizeof(prog), "%s/p", harness_tmpdir());
	snprintf(bad, sizeof(bad), "%s/bad", harness_tmpdir());
	{
		static const char text[] = "#include <stdio.h>\nstruct pt { int x, y; };\n"
					   "static int sum(struct pt p) { return p.x + p.y; }\n"
					   "int main(void) { struct pt p = { 1, 2 }; printf(\"%d\\n\", sum(p)); return 0; }\n";

		write_file(src, text, sizeof(text) - 1);
	}
	CHECK_INT(harness_run(harness_tmpdir(), argv, &out), 0);
	free(out);
	bytes = read_file(prog, &len);
	seed = 6;
	for (int i = 0; i < rounds(300); i++) {
		char *err = NULL, *m = malloc(len);
		uint64_t addr;
		int line;

		memcpy(m, bytes, len);
		for (unsigned k = 1 + rnd() % 6; k > 0; k--)
			m[rnd() % 3 == 0 ? rnd() % 64 : rnd() % len] = (char)rnd();
		write_file(bad, m, rnd() % 10 == 0 ? rnd() % len : len);
		if (dbg_set_program(dbg, bad, &err) == 0) {
			ok++;
			/* what `break` asks of the file before the run */
			dbg_line_address(dbg, "p.c", 3, &addr, &line, NULL);
			dbg_lookup_symbol(dbg, "sum", "p.c", &addr, NULL);
		} else {
			CHECK(err != NULL);
		}
		free(err);
		free(m);
	}
	CHECK(ok > 0);
	free(bytes);
	dbg_free(dbg);
	bus_free(bus);
	loop_free(loop);
}

TEST(recovery_journals)
{
	char path[512], jdir[512], *base = "int main(void)\n{\n\treturn 0;\n}\n";
	struct journal *j;
	struct edit_op op = { .version = 1, .insert = true, .pos = 17, .line = 3, .col = 0,
			      .text = "\tputs(\"x\");\n", .len = 12, .newlines = 1 };
	char *jfile = NULL, *bytes;
	size_t len;

	snprintf(jdir, sizeof(jdir), "%s/state", harness_tmpdir());
	setenv("ENCIDE_STATE_DIR", jdir, 1);
	snprintf(path, sizeof(path), "%s/t.c", harness_tmpdir());
	write_file(path, base, strlen(base));
	j = journal_new(path, base, strlen(base));
	CHECK(j != NULL);
	journal_record(j, &op);
	op.version = 2;
	op.pos = 0;
	op.line = 1;
	op.text = "/* c */\n";
	op.len = 8;
	journal_record(j, &op);
	CHECK_INT(journal_flush(j), 0);
	journal_free(j);
	{
		/* where it went: the only file below state/journal */
		char *const find[] = { "find", jdir, "-name", "*.journal", NULL };

		CHECK_INT(harness_run(harness_tmpdir(), find, &jfile), 0);
		jfile[strcspn(jfile, "\n")] = '\0';
		CHECK(jfile[0] != '\0');
	}
	bytes = read_file(jfile, &len);
	seed = 5;
	for (int i = 0; i < rounds(2000); i++) {
		struct journal_replay r = { 0 };
		size_t mlen;
		char *m = mutate(bytes, len, &mlen);
		int err;

		write_file(jfile, m, mlen);
		err = journal_take(path, base, strlen(base), &r);
		CHECK(err == 0 || err == -ESTALE || err == -EBADMSG);
		if (r.file)
			unlink(r.file); /* moved aside: the next round writes it anew */
		journal_replay_release(&r);
		free(m);
	}
	free(bytes);
	free(jfile);
}
