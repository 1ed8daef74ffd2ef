/* The event loop: fds, timers, signals through the signalfd, inotify
 * watches, before-sleep hooks, and removal from inside callbacks. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "app/loop.h"
#include "tests/unit/harness.h"

static char order[256];

static void note(char c)
{
	size_t n = strlen(order);

	order[n] = c;
	order[n + 1] = '\0';
}

static void on_readable(int fd, short revents, void *arg)
{
	char buf[16];
	struct loop *loop = arg;

	CHECK(revents & POLLIN);
	CHECK(read(fd, buf, sizeof(buf)) > 0);
	note('r');
	loop_fd_remove(loop, fd); /* removing itself inside the callback */
}

TEST(fd_readable)
{
	struct loop *loop = loop_new();
	int p[2];

	order[0] = '\0';
	CHECK(pipe(p) == 0);
	CHECK_INT(loop_fd_add(loop, p[0], POLLIN, on_readable, loop), 0);
	CHECK_INT(loop_fd_add(loop, p[0], POLLIN, on_readable, loop), -EEXIST);
	CHECK(write(p[1], "x", 1) == 1);
	CHECK_INT(loop_run_once(loop, 1000), 0);
	CHECK_STR(order, "r");
	CHECK(write(p[1], "y", 1) == 1);
	CHECK_INT(loop_run_once(loop, 50), 0); /* removed: not called again */
	CHECK_STR(order, "r");
	close(p[0]);
	close(p[1]);
	loop_free(loop);
}

/* Fd reuse within one iteration: X's callback closes Y and opens a new
 * pipe on Y's number; poll's readiness of the old Y must not be handed to
 * the new watch (a build's pipe and the program's pty met that way). */
static int reuse_y[2], reuse_new[2];

static void on_new(int fd, short revents, void *arg)
{
	note('N');
}

static void on_x(int fd, short revents, void *arg)
{
	struct loop *loop = arg;
	char buf[16];

	CHECK(read(fd, buf, sizeof(buf)) > 0);
	note('X');
	loop_fd_remove(loop, fd);
	loop_fd_remove(loop, reuse_y[0]);
	close(reuse_y[1]);
	CHECK(pipe(reuse_new) == 0);
	CHECK(dup2(reuse_new[0], reuse_y[0]) == reuse_y[0]);
	close(reuse_new[0]);
	reuse_new[0] = reuse_y[0];
	CHECK_INT(loop_fd_add(loop, reuse_new[0], POLLIN, on_new, loop), 0);
}

static void on_y(int fd, short revents, void *arg)
{
	note('Y');
}

TEST(fd_reused_in_a_callback_gets_no_stale_events)
{
	struct loop *loop = loop_new();
	int x[2];

	order[0] = '\0';
	CHECK(pipe(x) == 0);
	CHECK(pipe(reuse_y) == 0);
	CHECK_INT(loop_fd_add(loop, x[0], POLLIN, on_x, loop), 0);
	CHECK_INT(loop_fd_add(loop, reuse_y[0], POLLIN, on_y, loop), 0);
	CHECK(write(x[1], "x", 1) == 1);
	CHECK(write(reuse_y[1], "y", 1) == 1);
	CHECK_INT(loop_run_once(loop, 1000), 0);
	CHECK_STR(order, "X");
	CHECK_INT(loop_run_once(loop, 50), 0); /* the new pipe is empty */
	CHECK_STR(order, "X");
	CHECK(write(reuse_new[1], "n", 1) == 1);
	CHECK_INT(loop_run_once(loop, 1000), 0);
	CHECK_STR(order, "XN");
	close(x[0]);
	close(x[1]);
	close(reuse_new[0]);
	close(reuse_new[1]);
	loop_free(loop);
}

static void on_timer(void *arg)
{
	note(*(const char *)arg);
}

static void on_quit_timer(void *arg)
{
	loop_quit(arg, 42);
}

TEST(timers_in_due_order)
{
	struct loop *loop = loop_new();
	uint64_t start = loop_now_ms();
	int cancelled;

	order[0] = '\0';
	loop_timer_add(loop, 30, false, on_timer, "b");
	loop_timer_add(loop, 10, false, on_timer, "a");
	cancelled = loop_timer_add(loop, 20, false, on_timer, "x");
	loop_timer_cancel(loop, cancelled);
	loop_timer_add(loop, 60, false, on_quit_timer, loop);
	CHECK_INT(loop_run(loop), 42);
	CHECK_STR(order, "ab");
	CHECK(loop_now_ms() - start >= 60);
	loop_free(loop);
}

static int repeats;

static void on_repeat(void *arg)
{
	if (++repeats == 3)
		loop_quit(arg, 0);
}

TEST(repeating_timer)
{
	struct loop *loop = loop_new();

	repeats = 0;
	loop_timer_add(loop, 5, true, on_repeat, loop);
	CHECK_INT(loop_run(loop), 0);
	CHECK_INT(repeats, 3);
	loop_free(loop);
}

static void on_signal(int signo, void *arg)
{
	note(signo == SIGTERM ? 'T' : signo == SIGCHLD ? 'C' : '?');
	loop_quit(arg, signo);
}

TEST(signals_arrive_through_the_loop)
{
	struct loop *loop = loop_new();
	pid_t pid;
	int id;

	order[0] = '\0';
	id = loop_signal_add(loop, SIGTERM, on_signal, loop);
	CHECK(id > 0);
	CHECK(loop_signal_add(loop, SIGUSR1, on_signal, loop) < 0); /* not routed */
	CHECK(kill(getpid(), SIGTERM) == 0); /* blocked: waits for the loop */
	CHECK_INT(loop_run(loop), SIGTERM);
	CHECK_STR(order, "T");

	loop_resume(loop);
	loop_signal_add(loop, SIGCHLD, on_signal, loop);
	pid = fork();
	if (pid == 0)
		_exit(0);
	CHECK_INT(loop_run(loop), SIGCHLD);
	CHECK_STR(order, "TC");
	loop_signal_remove(loop, id);
	loop_free(loop);
}

static void on_watch(const char *path, uint32_t mask, void *arg)
{
	if (mask & IN_CLOSE_WRITE) {
		note('w');
		loop_quit(arg, 0);
	}
}

TEST(inotify_watch)
{
	struct loop *loop = loop_new();
	char path[256];
	FILE *f;

	order[0] = '\0';
	snprintf(path, sizeof(path), "%s/watched.c", harness_tmpdir());
	f = fopen(path, "w");
	CHECK(f != NULL);
	fclose(f);
	CHECK(loop_watch_add(loop, path, IN_CLOSE_WRITE, on_watch, loop) > 0);
	CHECK(loop_watch_add(loop, "/no/such/file", IN_CLOSE_WRITE, on_watch, loop) < 0);
	f = fopen(path, "w");
	fputs("int x;\n", f);
	fclose(f);
	loop_timer_add(loop, 5000, false, on_quit_timer, loop); /* never hang */
	loop_run(loop);
	CHECK_STR(order, "w");
	loop_free(loop);
}

static char seen_path[512];

static void on_dir_watch(const char *path, uint32_t mask, void *arg)
{
	if (mask & IN_MOVED_TO) {
		snprintf(seen_path, sizeof(seen_path), "%s", path);
		loop_quit(arg, 0);
	}
}

/* A folder's watch names the entry that changed (a file replaced by rename,
 * as editors save). */
TEST(inotify_folder_watch_names_the_file)
{
	struct loop *loop = loop_new();
	char tmp[256], path[256], want[300];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s/new.tmp", harness_tmpdir());
	snprintf(path, sizeof(path), "%s/file.c", harness_tmpdir());
	CHECK(loop_watch_add(loop, harness_tmpdir(), IN_MOVED_TO, on_dir_watch, loop) > 0);
	f = fopen(tmp, "w");
	CHECK(f != NULL);
	fputs("int y;\n", f);
	fclose(f);
	CHECK_INT(rename(tmp, path), 0);
	loop_timer_add(loop, 5000, false, on_quit_timer, loop); /* never hang */
	loop_run(loop);
	snprintf(want, sizeof(want), "%s/file.c", harness_tmpdir());
	CHECK_STR(seen_path, want);
	loop_free(loop);
}

static void hook_a(void *arg)
{
	note('A');
}

static void hook_b(void *arg)
{
	note('B');
}

TEST(hooks_run_before_sleeping_in_order)
{
	struct loop *loop = loop_new();
	int b;

	order[0] = '\0';
	loop_hook_add(loop, hook_a, NULL);
	b = loop_hook_add(loop, hook_b, NULL);
	loop_run_once(loop, 0);
	CHECK_STR(order, "AB");
	loop_hook_remove(loop, b);
	loop_run_once(loop, 0);
	CHECK_STR(order, "ABA");
	loop_free(loop);
}

TEST(child_mask_unblocks)
{
	sigset_t before, now;
	struct loop *loop;

	sigprocmask(SIG_SETMASK, NULL, &before);
	loop = loop_new();
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK(sigismember(&now, SIGCHLD));
	CHECK(!sigismember(loop_child_sigmask(loop), SIGCHLD) || sigismember(&before, SIGCHLD));
	loop_free(loop);
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK_INT(sigismember(&now, SIGCHLD), sigismember(&before, SIGCHLD));
}
