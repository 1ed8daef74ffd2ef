/* The build graph's benchmark program (tests/bench/build.sh drives it; not
 * a test): generates a folder project of N TUs and H headers, builds it,
 * writes a build.ninja for the same compiles, and times in one fresh process
 * the graph load from depfiles, dependents() queries and a no-op build.
 *
 *   encide-build-bench gen DIR N H     write the project
 *   encide-build-bench build DIR       full build (prints seconds)
 *   encide-build-bench ninja DIR OUT   OUT/build.ninja with the same commands
 *   encide-build-bench noop DIR        load, queries, no-op build (ms each)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app/bus.h"
#include "app/loop.h"
#include "build/build.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int gen(const char *dir, int n, int h)
{
	char path[4096];
	FILE *f;

	mkdir(dir, 0755);
	/* Headers in chains of ten: hK includes hK+1 unless K ends in 9. */
	for (int k = 0; k < h; k++) {
		snprintf(path, sizeof(path), "%s/h%03d.h", dir, k);
		if (!(f = fopen(path, "w")))
			return 1;
		fprintf(f, "#ifndef H%03d_H\n#define H%03d_H\n", k, k);
		if (k % 10 != 9 && k + 1 < h)
			fprintf(f, "#include \"h%03d.h\"\n", k + 1);
		fprintf(f, "int f%03d(int x);\n#endif\n", k);
		fclose(f);
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/tu%04d.c", dir, i);
		if (!(f = fopen(path, "w")))
			return 1;
		fprintf(f, "#include \"h%03d.h\"\n#include \"h%03d.h\"\n#include \"h%03d.h\"\n", i % h, (i * 7) % h,
			(i * 13 + 1) % h);
		if (i == 0)
			fprintf(f, "int main(void) { return 0; }\n");
		fprintf(f, "int g%04d(int x) { return x + %d; }\n", i, i);
		fclose(f);
	}
	return 0;
}

static void on_done(void *arg, int status, const char *msg)
{
	int *st = arg;

	*st = status;
	if (status < 0)
		fprintf(stderr, "build failed: %s\n", msg ? msg : "?");
}

/* Builds proj; returns its status and the milliseconds it took. */
static int build(struct project *proj, double *ms)
{
	struct loop *loop = loop_new();
	struct bus *bus = bus_new();
	int status = 1;
	char *err = NULL;
	double t0 = now_ms();

	if (project_build(proj, loop, bus, NULL, on_done, &status, &err) < 0) {
		fprintf(stderr, "build: %s\n", err ? err : "?");
		free(err);
		status = -1;
	}
	while (status == 1)
		loop_run_once(loop, 1000);
	*ms = now_ms() - t0;
	project_free(proj); /* before the loop it used */
	bus_free(bus);
	loop_free(loop);
	return status;
}

static int write_ninja(struct project *proj, const char *out)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/build.ninja", out);
	mkdir(out, 0755);
	if (!(f = fopen(path, "w")))
		return 1;
	fprintf(f, "rule cc\n  command = $cmd -o $out -MF $out.d\n  depfile = $out.d\n  deps = gcc\n"
		   "rule link\n  command = cc -g -o $out $in\n");
	for (size_t i = 0; i < project_tu_count(proj); i++) {
		const char *const *argv = project_tu_argv(proj, i);
		const char *base = strrchr(project_tu_file(proj, i), '/') + 1;

		fprintf(f, "build obj/%.*s.o: cc %s\n  cmd =", (int)(strlen(base) - 2), base, project_tu_file(proj, i));
		/* The recorded command, its -o and -MF pointed into OUT. */
		for (size_t k = 0; argv[k]; k++) {
			if (strcmp(argv[k], "-o") == 0 || strcmp(argv[k], "-MF") == 0) {
				k++; /* the rule puts them in OUT */
			} else {
				fprintf(f, " %s", argv[k]);
			}
		}
		fputc('\n', f);
	}
	fprintf(f, "build prog: link");
	for (size_t i = 0; i < project_tu_count(proj); i++) {
		const char *base = strrchr(project_tu_file(proj, i), '/') + 1;

		fprintf(f, " obj/%.*s.o", (int)(strlen(base) - 2), base);
	}
	fputc('\n', f);
	return fclose(f) != 0;
}

int main(int argc, char **argv)
{
	struct project *proj = NULL;
	char *err = NULL;
	double t0, ms;

	if (argc == 5 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc < 3 || project_open(&proj, argv[2], &err) < 0) {
		fprintf(stderr, "usage: encide-build-bench gen DIR N H | build DIR | ninja DIR OUT | noop DIR%s%s\n",
			err ? ": " : "", err ? err : "");
		return 2;
	}
	if (strcmp(argv[1], "build") == 0) {
		int st = build(proj, &ms);

		printf("full_build_ms %.0f\n", ms);
		return st != 0;
	}
	if (strcmp(argv[1], "ninja") == 0 && argc == 4) {
		int r = project_load(proj, &err) < 0 || write_ninja(proj, argv[3]);

		if (r)
			fprintf(stderr, "ninja: %s\n", err ? err : strerror(errno));

		project_free(proj);
		return r;
	}
	if (strcmp(argv[1], "noop") == 0) {
		double worst = 0, total = 0, first;
		size_t nq = 0, most = 0, *deps, n;
		char path[4096];

		t0 = now_ms();
		if (project_load(proj, &err) < 0) {
			fprintf(stderr, "load: %s\n", err);
			return 1;
		}
		printf("tus %zu\n", project_tu_count(proj));
		printf("graph_load_ms %.2f\n", now_ms() - t0);
		snprintf(path, sizeof(path), "h%03d.h", 0);
		t0 = now_ms();
		project_dependents(proj, path, &deps, &n);
		first = now_ms() - t0;
		free(deps);
		for (int k = 0; k < 500; k++) {
			double q;

			snprintf(path, sizeof(path), "h%03d.h", k);
			t0 = now_ms();
			if (project_dependents(proj, path, &deps, &n) < 0)
				return 1;
			q = now_ms() - t0;
			free(deps);
			total += q;
			worst = q > worst ? q : worst;
			most = n > most ? n : most;
			nq++;
		}
		printf("dependents_first_ms %.3f\n", first);
		printf("dependents_avg_ms %.4f\n", total / (double)nq);
		printf("dependents_max_ms %.4f\n", worst);
		printf("dependents_most %zu\n", most);
		if (build(proj, &ms) != 0)
			return 1;
		printf("noop_build_ms %.1f\n", ms);
		return 0;
	}
	project_free(proj);
	return 2;
}
