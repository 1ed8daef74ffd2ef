/* The event loop: one thread, one poll() over every file descriptor encide
 * waits on (the terminal, a signalfd, compiler and debuggee pipes, inotify),
 * with timers and before-sleep hooks. Like the bus it is a bottom layer:
 * modules register their own fds and callbacks, the loop knows none of them.
 *
 * loop_new() blocks SIGCHLD, SIGWINCH, SIGINT, SIGTERM (and SIGPIPE is
 * ignored) so that they arrive through the signalfd; a child process must get
 * an unblocked mask (loop_child_sigmask()) before it execs.
 *
 * Callbacks may add and remove fds, timers and signal handlers, including
 * their own; a removed callback is never called again.
 */
#ifndef ENCIDE_LOOP_H
#define ENCIDE_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct loop;
typedef void loop_fd_fn(int fd, short revents, void *arg);
typedef void loop_signal_fn(int signo, void *arg);
typedef void loop_timer_fn(void *arg);
typedef void loop_hook_fn(void *arg);
typedef void loop_watch_fn(const char *path, uint32_t mask, void *arg);

/* Allocates a loop with its signalfd; NULL (errno set) on failure. */
struct loop *loop_new(void);
/* Closes the loop's own fds and restores the signal mask; NULL is a no-op.
 * Registered fds are not closed: their owners close them. */
void loop_free(struct loop *loop);

/* Watches fd for events (POLLIN, POLLOUT); 0, or -EEXIST/-ENOMEM. */
int loop_fd_add(struct loop *loop, int fd, short events, loop_fd_fn *fn, void *arg);
/* Changes the events watched on fd; 0, or -ENOENT. */
int loop_fd_set_events(struct loop *loop, int fd, short events);
/* Stops watching fd (the caller still owns and closes it). */
void loop_fd_remove(struct loop *loop, int fd);

/* Calls fn when signo (one of SIGCHLD, SIGWINCH, SIGINT, SIGTERM) arrives;
 * returns an id > 0 for loop_signal_remove, or a negative errno. */
int loop_signal_add(struct loop *loop, int signo, loop_signal_fn *fn, void *arg);
void loop_signal_remove(struct loop *loop, int id);

/* Calls fn after ms milliseconds (then every ms when repeat); returns an id
 * > 0 for loop_timer_cancel, or a negative errno. */
int loop_timer_add(struct loop *loop, unsigned ms, bool repeat, loop_timer_fn *fn, void *arg);
void loop_timer_cancel(struct loop *loop, int id);

/* Calls fn whenever something changes at path (inotify mask, e.g.
 * IN_CLOSE_WRITE|IN_MOVED_TO); fn gets path itself, or for a change to an
 * entry of a watched folder "path/name". Returns an id > 0, or a negative
 * errno. */
int loop_watch_add(struct loop *loop, const char *path, uint32_t mask, loop_watch_fn *fn, void *arg);
void loop_watch_remove(struct loop *loop, int id);

/* Calls fn at the end of every iteration, before the loop sleeps in poll():
 * where the bus is dispatched and the screen drawn. Hooks run in the order
 * they were added. Returns an id > 0, or a negative errno. */
int loop_hook_add(struct loop *loop, loop_hook_fn *fn, void *arg);
void loop_hook_remove(struct loop *loop, int id);

/* One iteration: runs the before-sleep hooks, waits at most timeout_ms
 * (-1: no limit but the next timer) and runs what became ready. Returns 0,
 * or a negative errno when poll() fails. */
int loop_run_once(struct loop *loop, int timeout_ms);
/* Iterates until loop_quit(); returns the status given to it. */
int loop_run(struct loop *loop);
/* Makes loop_run() return status after the current iteration. */
void loop_quit(struct loop *loop, int status);
/* True once loop_quit() was called (and until loop_resume()). */
bool loop_quitting(const struct loop *loop);
/* Clears a previous loop_quit(), so loop_run() may be used again. */
void loop_resume(struct loop *loop);

/* The signal mask a child process should exec with (nothing blocked). */
const sigset_t *loop_child_sigmask(const struct loop *loop);
/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t loop_now_ms(void);

#endif
