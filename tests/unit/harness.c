/* The unit-test harness: registration, running, and reporting. */
#include <setjmp.h>
#include <spawn.h>
#include <sys/wait.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ftw.h>

#include "tests/unit/harness.h"

struct test_case {
	const char *name; /* as written in TEST() */
	harness_fn *fn;   /* its body */
};

static struct test_case cases[256];
static size_t ncases;
static jmp_buf escape;
static char tmpdir[64];

void harness_register(const char *name, harness_fn *fn)
{
	if (ncases == sizeof(cases) / sizeof(cases[0])) {
		fprintf(stderr, "harness: too many cases\n");
		exit(2);
	}
	cases[ncases++] = (struct test_case){ name, fn };
}

void harness_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	longjmp(escape, 1);
}

const char *harness_tmpdir(void)
{
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/encide-unit-XXXXXX");
		if (!mkdtemp(tmpdir)) {
			perror("harness: mkdtemp");
			exit(2);
		}
	}
	return tmpdir;
}

extern char **environ;

int harness_run(const char *dir, char *const argv[], char **out)
{
	posix_spawn_file_actions_t fa;
	int fds[2], status;
	FILE *m = NULL;
	char buf[4096], *text = NULL;
	size_t len = 0;
	ssize_t r;
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addchdir_np(&fa, dir);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	m = open_memstream(&text, &len);
	while ((r = read(fds[0], buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)r, m);
	fclose(m);
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid) {
		free(text);
		return -1;
	}
	if (out)
		*out = text;
	else
		free(text);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static bool wanted(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < ncases; i++) {
		volatile bool ok = true;

		if (!wanted(cases[i].name, argc, argv))
			continue;
		if (setjmp(escape) == 0)
			cases[i].fn();
		else
			ok = false;
		if (tmpdir[0]) {
			nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
			tmpdir[0] = '\0';
		}
		printf("%s %s\n", ok ? "ok  " : "FAIL", cases[i].name);
		if (ok)
			passed++;
		else
			failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed || passed == 0 ? 1 : 0;
}
