/* The event loop: poll() over the registered fds plus the loop's own
 * signalfd and inotify fd, timers kept in a small array (there are few), and
 * before-sleep hooks. See loop.h for the contract.
 */
#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "app/loop.h"

struct fd_watch {
	int fd;           /* -1 once removed (swept after the iteration) */
	unsigned serial;  /* which watch this is: an fd number reused within an
			   * iteration is a new watch, owed none of the old one's events */
	short events;     /* poll events wanted */
	loop_fd_fn *fn;   /* callback */
	void *arg;        /* its argument */
};

struct handler {
	int id;    /* > 0; 0 once removed */
	int key;   /* signal number, inotify wd, or unused */
	void *fn;  /* loop_signal_fn, loop_timer_fn, loop_watch_fn or loop_hook_fn */
	void *arg; /* its argument */
	uint64_t due;      /* timers: CLOCK_MONOTONIC ms when it fires */
	unsigned period;   /* timers: ms between firings, 0 for one shot */
	char *path;        /* watches: the path given */
};

/* A growable array of handlers (signals, timers, watches or hooks). */
struct handlers {
	struct handler *v; /* entries in the order added */
	size_t n, cap;     /* used, allocated */
};

struct loop {
	struct fd_watch *fds;  /* registered fds */
	size_t nfds, capfds;   /* used, allocated */
	struct handlers signals, timers, watches, hooks;
	int next_id;           /* next handler id */
	int sigfd;             /* signalfd for the blocked signals */
	int infd;              /* inotify fd, -1 until the first watch */
	sigset_t blocked;      /* the signals routed to sigfd */
	sigset_t old_mask;     /* the mask before loop_new, for children */
	struct sigaction old_pipe; /* SIGPIPE's disposition before loop_new */
	struct pollfd *pfds;   /* scratch array for poll() */
	unsigned *pserial;     /* the serial of the watch each pfds entry was made for */
	size_t cappfds;        /* allocated entries of pfds */
	unsigned next_serial;  /* the serial of the next watch added */
	bool quit;             /* loop_quit() called */
	int status;            /* its status */
};

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct loop *loop_new(void)
{
	struct loop *loop = calloc(1, sizeof(*loop));
	struct sigaction ign = { .sa_handler = SIG_IGN };

	if (!loop)
		return NULL;
	loop->next_id = 1;
	loop->infd = -1;
	sigemptyset(&loop->blocked);
	sigaddset(&loop->blocked, SIGCHLD);
	sigaddset(&loop->blocked, SIGWINCH);
	sigaddset(&loop->blocked, SIGINT);
	sigaddset(&loop->blocked, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &loop->blocked, &loop->old_mask) < 0)
		goto fail;
	loop->sigfd = signalfd(-1, &loop->blocked, SFD_NONBLOCK | SFD_CLOEXEC);
	if (loop->sigfd < 0) {
		int err = errno;

		sigprocmask(SIG_SETMASK, &loop->old_mask, NULL);
		errno = err;
		goto fail;
	}
	/* A write to a closed pipe (a compiler that died) is an EPIPE, not death. */
	sigaction(SIGPIPE, &ign, &loop->old_pipe);
	return loop;
fail:
	free(loop);
	return NULL;
}

static void handlers_release(struct handlers *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i].path);
	free(h->v);
}

void loop_free(struct loop *loop)
{
	if (!loop)
		return;
	close(loop->sigfd);
	if (loop->infd >= 0)
		close(loop->infd);
	sigaction(SIGPIPE, &loop->old_pipe, NULL);
	sigprocmask(SIG_SETMASK, &loop->old_mask, NULL);
	handlers_release(&loop->signals);
	handlers_release(&loop->timers);
	handlers_release(&loop->watches);
	handlers_release(&loop->hooks);
	free(loop->fds);
	free(loop->pfds);
	free(loop->pserial);
	free(loop);
}

const sigset_t *loop_child_sigmask(const struct loop *loop)
{
	return &loop->old_mask;
}

static struct fd_watch *fd_find(struct loop *loop, int fd)
{
	for (size_t i = 0; i < loop->nfds; i++)
		if (loop->fds[i].fd == fd)
			return &loop->fds[i];
	return NULL;
}

int loop_fd_add(struct loop *loop, int fd, short events, loop_fd_fn *fn, void *arg)
{
	assert(fd >= 0 && fn);
	if (fd_find(loop, fd))
		return -EEXIST;
	if (loop->nfds == loop->capfds) {
		size_t cap = loop->capfds ? 2 * loop->capfds : 8;
		struct fd_watch *v = realloc(loop->fds, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		loop->fds = v;
		loop->capfds = cap;
	}
	loop->fds[loop->nfds++] = (struct fd_watch){ fd, ++loop->next_serial, events, fn, arg };
	return 0;
}

int loop_fd_set_events(struct loop *loop, int fd, short events)
{
	struct fd_watch *w = fd_find(loop, fd);

	if (!w)
		return -ENOENT;
	w->events = events;
	return 0;
}

void loop_fd_remove(struct loop *loop, int fd)
{
	struct fd_watch *w = fd_find(loop, fd);

	if (w)
		w->fd = -1; /* swept after the iteration: callers may be iterating */
}

static int handler_add(struct loop *loop, struct handlers *h, struct handler entry)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 8;
		struct handler *v = realloc(h->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	entry.id = loop->next_id++;
	h->v[h->n++] = entry;
	return entry.id;
}

static struct handler *handler_find(struct handlers *h, int id)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].id == id)
			return &h->v[i];
	return NULL;
}

/* Marks a handler removed; the entry is dropped by sweep() later. */
static void handler_remove(struct handlers *h, int id)
{
	struct handler *e = handler_find(h, id);

	if (e)
		e->id = 0;
}

static void handlers_sweep(struct handlers *h)
{
	size_t j = 0;

	for (size_t i = 0; i < h->n; i++) {
		if (h->v[i].id != 0)
			h->v[j++] = h->v[i];
		else
			free(h->v[i].path);
	}
	h->n = j;
}

int loop_signal_add(struct loop *loop, int signo, loop_signal_fn *fn, void *arg)
{
	if (!sigismember(&loop->blocked, signo))
		return -EINVAL;
	return handler_add(loop, &loop->signals, (struct handler){ .key = signo, .fn = (void *)fn, .arg = arg });
}

void loop_signal_remove(struct loop *loop, int id)
{
	handler_remove(&loop->signals, id);
}

int loop_timer_add(struct loop *loop, unsigned ms, bool repeat, loop_timer_fn *fn, void *arg)
{
	return handler_add(loop, &loop->timers,
			   (struct handler){ .fn = (void *)fn, .arg = arg,
					     .due = loop_now_ms() + ms,
					     .period = repeat ? (ms ? ms : 1) : 0 });
}

void loop_timer_cancel(struct loop *loop, int id)
{
	handler_remove(&loop->timers, id);
}

int loop_watch_add(struct loop *loop, const char *path, uint32_t mask, loop_watch_fn *fn, void *arg)
{
	char *copy;
	int wd, id;

	if (loop->infd < 0) {
		loop->infd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (loop->infd < 0)
			return -errno;
	}
	wd = inotify_add_watch(loop->infd, path, mask);
	if (wd < 0)
		return -errno;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	id = handler_add(loop, &loop->watches,
			 (struct handler){ .key = wd, .fn = (void *)fn, .arg = arg, .path = copy });
	if (id < 0)
		free(copy);
	return id;
}

void loop_watch_remove(struct loop *loop, int id)
{
	struct handler *e = handler_find(&loop->watches, id);
	bool shared = false;

	if (!e)
		return;
	/* inotify gives one wd per inode: keep it while another watch uses it. */
	for (size_t i = 0; i < loop->watches.n; i++)
		if (loop->watches.v[i].id != id && loop->watches.v[i].id != 0 &&
		    loop->watches.v[i].key == e->key)
			shared = true;
	if (!shared)
		inotify_rm_watch(loop->infd, e->key);
	e->id = 0;
}

int loop_hook_add(struct loop *loop, loop_hook_fn *fn, void *arg)
{
	return handler_add(loop, &loop->hooks, (struct handler){ .fn = (void *)fn, .arg = arg });
}

void loop_hook_remove(struct loop *loop, int id)
{
	handler_remove(&loop->hooks, id);
}

void loop_quit(struct loop *loop, int status)
{
	loop->quit = true;
	loop->status = status;
}

bool loop_quitting(const struct loop *loop)
{
	return loop->quit;
}

void loop_resume(struct loop *loop)
{
	loop->quit = false;
}

static void run_hooks(struct loop *loop)
{
	/* Index and count fixed first: a hook may add hooks (they run next time). */
	size_t n = loop->hooks.n;

	for (size_t i = 0; i < n; i++) {
		struct handler h = loop->hooks.v[i];

		if (h.id != 0)
			((loop_hook_fn *)h.fn)(h.arg);
	}
}

static void read_signals(struct loop *loop)
{
	struct signalfd_siginfo si;

	while (read(loop->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		size_t n = loop->signals.n;

		for (size_t i = 0; i < n; i++) {
			struct handler h = loop->signals.v[i];

			if (h.id != 0 && h.key == (int)si.ssi_signo)
				((loop_signal_fn *)h.fn)((int)si.ssi_signo, h.arg);
		}
	}
}

/* Calls a watch's fn with its path, or with "path/name" for an entry of a
 * watched folder. */
static void watch_call(const struct handler *h, const struct inotify_event *ie)
{
	loop_watch_fn *fn = (loop_watch_fn *)h->fn;
	void *arg = h->arg;
	char *full = NULL;

	if (ie->len > 0 && ie->name[0] && asprintf(&full, "%s/%s", h->path, ie->name) < 0)
		full = NULL;
	fn(full ? full : h->path, ie->mask, arg);
	free(full);
}

static void read_inotify(struct loop *loop)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;

	while ((len = read(loop->infd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ie = (const struct inotify_event *)p;
			size_t n = loop->watches.n;

			for (size_t i = 0; i < n; i++) {
				struct handler *h = &loop->watches.v[i];

				/* h is not used after the call: it may move the array. */
				if (h->id != 0 && h->key == ie->wd)
					watch_call(h, ie);
			}
			p += sizeof(*ie) + ie->len;
		}
	}
}

static void run_timers(struct loop *loop)
{
	uint64_t now = loop_now_ms();
	size_t n = loop->timers.n;

	for (size_t i = 0; i < n; i++) {
		struct handler *t = &loop->timers.v[i];
		struct handler copy = *t;

		if (t->id == 0 || t->due > now)
			continue;
		if (t->period)
			t->due = now + t->period;
		else
			t->id = 0;
		((loop_timer_fn *)copy.fn)(copy.arg);
	}
}

/* Milliseconds until the first timer is due (0 if one is late), or -1. */
static int next_timer_ms(struct loop *loop)
{
	uint64_t now = loop_now_ms(), first = UINT64_MAX;

	for (size_t i = 0; i < loop->timers.n; i++)
		if (loop->timers.v[i].id != 0 && loop->timers.v[i].due < first)
			first = loop->timers.v[i].due;
	if (first == UINT64_MAX)
		return -1;
	return first <= now ? 0 : (int)(first - now > 600000 ? 600000 : first - now);
}

static void sweep_fds(struct loop *loop)
{
	size_t j = 0;

	for (size_t i = 0; i < loop->nfds; i++)
		if (loop->fds[i].fd >= 0)
			loop->fds[j++] = loop->fds[i];
	loop->nfds = j;
}

int loop_run_once(struct loop *loop, int timeout_ms)
{
	size_t want = loop->nfds + 2, n = 0;
	int timer_ms, ready;

	run_hooks(loop);
	if (loop->quit)
		return 0;
	if (want > loop->cappfds) {
		struct pollfd *p = realloc(loop->pfds, want * sizeof(*p));
		unsigned *ps;

		if (!p)
			return -ENOMEM;
		loop->pfds = p;
		ps = realloc(loop->pserial, want * sizeof(*ps));
		if (!ps)
			return -ENOMEM;
		loop->pserial = ps;
		loop->cappfds = want;
	}
	loop->pfds[n++] = (struct pollfd){ .fd = loop->sigfd, .events = POLLIN };
	loop->pfds[n++] = (struct pollfd){ .fd = loop->infd, .events = POLLIN }; /* -1: ignored */
	for (size_t i = 0; i < loop->nfds; i++) {
		loop->pserial[n] = loop->fds[i].serial;
		loop->pfds[n++] = (struct pollfd){ .fd = loop->fds[i].fd, .events = loop->fds[i].events };
	}

	timer_ms = next_timer_ms(loop);
	if (timer_ms >= 0 && (timeout_ms < 0 || timer_ms < timeout_ms))
		timeout_ms = timer_ms;
	ready = poll(loop->pfds, n, timeout_ms);
	if (ready < 0 && errno != EINTR)
		return -errno;

	if (ready > 0) {
		if (loop->pfds[0].revents)
			read_signals(loop);
		if (loop->pfds[1].revents)
			read_inotify(loop);
		for (size_t i = 2; i < n; i++) {
			struct fd_watch *w;

			if (!loop->pfds[i].revents)
				continue;
			/* Look the fd up again: a callback may have removed it, or
			 * closed it and watched a new file on the same number. */
			w = fd_find(loop, loop->pfds[i].fd);
			if (w && w->serial == loop->pserial[i])
				w->fn(w->fd, loop->pfds[i].revents, w->arg);
		}
	}
	run_timers(loop);
	sweep_fds(loop);
	handlers_sweep(&loop->signals);
	handlers_sweep(&loop->timers);
	handlers_sweep(&loop->watches);
	handlers_sweep(&loop->hooks);
	return 0;
}

int loop_run(struct loop *loop)
{
	while (!loop->quit) {
		int err = loop_run_once(loop, -1);

		if (err < 0)
			return err;
	}
	run_hooks(loop); /* deliver what the last iteration published */
	return loop->status;
}
