/* Bytes a full-screen program writes to its terminal per typed character:
 * runs the program on a pseudo-terminal of the given size, waits for its
 * first screen, sends the setup keys, then types characters one at a time,
 * each time reading what the program writes until it has been quiet for a
 * moment, and prints the counts. tests/bench/tty.sh runs it for encide and
 * for vim in the same run.
 *
 *   bench-tty [-c COLS] [-r ROWS] [-T TERM] [-n KEYS] [-s SETUP] [-q QUIT] [-t TEXT] -- PROG ARGS...
 *
 * TERM is what the program is told its terminal is (xterm-256color).
 * SETUP, QUIT and TEXT take C escapes (\r \n \t \e \xHH \\). Output, one
 * line: keys, bytes in all, mean, median, 95th percentile and maximum per
 * key, and the bytes of the first screen.
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads what the program writes until it has said nothing for quiet_ms
 * (after the first byte; waits up to first_ms for one). Returns the bytes
 * read, -1 at the end of the terminal. */
static long drain(int fd, int first_ms, int quiet_ms)
{
	char buf[65536];
	long total = 0;
	long long deadline = now_ms() + first_ms;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = total ? quiet_ms : deadline - now_ms();
		int r;
		ssize_t n;

		if (left <= 0)
			return total;
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return total;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return total ? total : -1;
		total += n;
	}
}

static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			out[n++] = *s;
			continue;
		}
		switch (*++s) {
		case 'r': out[n++] = '\r'; break;
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case 'e': out[n++] = 27; break;
		case 'x': {
			unsigned v = 0;
			int k = 0;

			while (k < 2 && s[1] && strchr("0123456789abcdefABCDEF", s[1])) {
				char c = *++s;

				v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
				k++;
			}
			out[n++] = (char)v;
			break;
		}
		default: out[n++] = *s; break;
		}
	}
	return n;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int cols = 200, rows = 60, keys = 200, opt, fd, status;
	const char *setup = "", *quit = "", *text = "abcdefghij", *term = "xterm-256color";
	struct winsize ws;
	long startup, total = 0, *per;
	char *buf;
	size_t n;
	pid_t pid;

	while ((opt = getopt(argc, argv, "c:r:T:n:s:q:t:")) != -1) {
		switch (opt) {
		case 'c': cols = atoi(optarg); break;
		case 'r': rows = atoi(optarg); break;
		case 'T': term = optarg; break;
		case 'n': keys = atoi(optarg); break;
		case 's': setup = optarg; break;
		case 'q': quit = optarg; break;
		case 't': text = optarg; break;
		default:
			fprintf(stderr, "usage: bench-tty [-c COLS] [-r ROWS] [-T TERM] [-n KEYS] [-s SETUP] [-q QUIT] [-t TEXT] -- PROG ARGS...\n");
			return 2;
		}
	}
	if (optind >= argc || keys < 1 || !*text) {
		fprintf(stderr, "bench-tty: which program? (after --)\n");
		return 2;
	}
	ws = (struct winsize){ .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	pid = forkpty(&fd, NULL, NULL, &ws);
	if (pid < 0) {
		perror("bench-tty: forkpty");
		return 1;
	}
	if (pid == 0) {
		setenv("TERM", term, 1);
		setenv("LANG", "C.UTF-8", 1);
		unsetenv("COLORTERM");
		execvp(argv[optind], argv + optind);
		perror("bench-tty: exec");
		_exit(127);
	}
	per = calloc((size_t)keys, sizeof(*per));
	buf = malloc(strlen(setup) + strlen(quit) + strlen(text) + 16);
	if (!per || !buf)
		return 1;
	startup = drain(fd, 30000, 2000); /* a big file takes a moment to open */
	n = unescape(setup, buf);
	if (n && write(fd, buf, n) != (ssize_t)n)
		return 1;
	drain(fd, 5000, 500);
	n = unescape(text, buf);
	for (int i = 0; i < keys; i++) {
		long got;

		if (write(fd, &buf[(size_t)i % n], 1) != 1)
			return 1;
		got = drain(fd, 5000, 40);
		per[i] = got < 0 ? 0 : got;
		total += per[i];
	}
	n = unescape(quit, buf);
	if (n && write(fd, buf, n) != (ssize_t)n)
		return 1;
	while (drain(fd, 3000, 3000) > 0)
		;
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	qsort(per, (size_t)keys, sizeof(*per), cmp_long);
	printf("%d %ld %.1f %ld %ld %ld %ld\n", keys, total, (double)total / keys, per[keys / 2],
	       per[(size_t)keys * 95 / 100], per[keys - 1], startup);
	free(per);
	free(buf);
	return 0;
}
