/* Child processes for builds: posix_spawn with an argv (never a shell), each
 * in its own process group, stdout and stderr on one non-blocking pipe read
 * by the event loop, reaped on the loop's SIGCHLD with waitpid() of our own
 * pids only (the debugger has children too). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/loop.h"
#include "build/build-int.h"

extern char **environ;

/* One child. */
struct job {
	pid_t pid;          /* its pid, also its process group */
	int fd;             /* read end of its output pipe, -1 once closed */
	char *out;          /* output so far (NUL-terminated) */
	size_t len, cap;    /* bytes in out, allocated */
	bool reaped;        /* waitpid() returned it */
	int status;         /* its wait status once reaped */
	bool cancelled;     /* build_jobs_cancel() signalled it */
	struct build_jobs *jobs; /* the runner it belongs to */
	build_job_fn *fn;   /* called when it is done */
	void *arg;          /* for fn */
	struct job *next;   /* the next running job */
};

struct build_jobs {
	struct loop *loop;  /* where our fds and SIGCHLD handler live */
	int sig;            /* the SIGCHLD handler's id */
	struct job *list;   /* running jobs */
	size_t n;           /* how many */
};

static void job_free(struct build_jobs *jobs, struct job *j)
{
	if (j->fd >= 0) {
		loop_fd_remove(jobs->loop, j->fd);
		close(j->fd);
	}
	free(j->out);
	free(j);
}

/* Reads what the pipe holds; returns true at end of file or error. */
static bool job_read(struct job *j)
{
	for (;;) {
		ssize_t r;

		if (j->len + 4096 + 1 > j->cap) {
			size_t cap = j->cap ? 2 * j->cap : 16384;
			char *s = realloc(j->out, cap);

			if (!s)
				return true;
			j->out = s;
			j->cap = cap;
		}
		r = read(j->fd, j->out + j->len, j->cap - j->len - 1);
		if (r > 0) {
			j->len += (size_t)r;
			j->out[j->len] = '\0';
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		return !(r < 0 && errno == EAGAIN);
	}
}

static void on_output(int fd, short revents, void *arg)
{
	struct job *j = arg;

	if (job_read(j) || (revents & (POLLERR | POLLNVAL))) {
		/* End of file: stop watching (POLLHUP would fire forever). */
		loop_fd_remove(j->jobs->loop, fd);
		close(fd);
		j->fd = -1;
	}
}

/* SIGCHLD: reap our children that ended, then call their callbacks (which
 * may start new jobs) once the list is consistent again. */
static void on_sigchld(int signo, void *arg)
{
	struct build_jobs *jobs = arg;
	struct job *done = NULL, **pp = &jobs->list;

	while (*pp) {
		struct job *j = *pp;
		pid_t r = waitpid(j->pid, &j->status, WNOHANG);

		if (r == j->pid || (r < 0 && errno == ECHILD)) {
			if (r < 0)
				j->status = 0;
			j->reaped = true;
			if (j->fd >= 0)
				job_read(j);
			*pp = j->next;
			jobs->n--;
			j->next = done;
			done = j;
		} else {
			pp = &j->next;
		}
	}
	/* Callbacks in start order (done was built reversed). */
	{
		struct job *rev = NULL;

		while (done) {
			struct job *j = done;

			done = j->next;
			j->next = rev;
			rev = j;
		}
		while (rev) {
			struct job *j = rev;

			rev = j->next;
			if (j->fd >= 0) {
				loop_fd_remove(jobs->loop, j->fd);
				close(j->fd);
				j->fd = -1;
			}
			j->fn(j->arg, j->status, j->cancelled, j->out ? j->out : "", j->len);
			job_free(jobs, j);
		}
	}
}

int build_jobs_new(struct build_jobs **out, struct loop *loop)
{
	struct build_jobs *jobs = calloc(1, sizeof(*jobs));

	if (!jobs)
		return -ENOMEM;
	jobs->loop = loop;
	jobs->sig = loop_signal_add(loop, SIGCHLD, on_sigchld, jobs);
	if (jobs->sig < 0) {
		int err = jobs->sig;

		free(jobs);
		return err;
	}
	*out = jobs;
	return 0;
}

void build_jobs_free(struct build_jobs *jobs)
{
	if (!jobs)
		return;
	while (jobs->list) {
		struct job *j = jobs->list;

		jobs->list = j->next;
		kill(-j->pid, SIGKILL);
		while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR)
			;
		job_free(jobs, j);
	}
	loop_signal_remove(jobs->loop, jobs->sig);
	free(jobs);
}

/* environ with the NAME=VALUE entries of extra replacing or adding. */
static char **make_env(char *const *extra)
{
	size_t n = build_argv_len(environ) + build_argv_len(extra), k = 0;
	char **env = calloc(n + 1, sizeof(*env));

	if (!env)
		return NULL;
	for (size_t i = 0; environ[i]; i++) {
		size_t nl = strcspn(environ[i], "=");
		bool replaced = false;

		for (size_t e = 0; extra && extra[e]; e++)
			if (strncmp(extra[e], environ[i], nl + 1) == 0)
				replaced = true;
		if (!replaced)
			env[k++] = environ[i];
	}
	for (size_t e = 0; extra && extra[e]; e++)
		env[k++] = extra[e];
	env[k] = NULL;
	return env;
}

int build_jobs_start(struct build_jobs *jobs, const struct build_job_spec *spec, build_job_fn *fn,
		     void *arg, char **errmsg)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t def;
	struct job *j = NULL;
	char **env = NULL;
	int p[2] = { -1, -1 }, err;
	struct stat st;

	*errmsg = NULL;
	if (!spec->argv || !spec->argv[0] || !*spec->argv[0]) {
		if (asprintf(errmsg, "cannot start an empty command") < 0)
			*errmsg = NULL;
		return -EINVAL;
	}
	if (spec->dir && (stat(spec->dir, &st) < 0 || !S_ISDIR(st.st_mode))) {
		err = errno && stat(spec->dir, &st) < 0 ? -errno : -ENOTDIR;
		if (asprintf(errmsg, "cannot start '%s': its directory '%s': %s", spec->argv[0], spec->dir,
			     strerror(-err)) < 0)
			*errmsg = NULL;
		return err;
	}
	j = calloc(1, sizeof(*j));
	env = make_env(spec->env);
	if (!j || !env || pipe2(p, O_CLOEXEC) < 0) {
		err = j && env ? -errno : -ENOMEM;
		free(j);
		free(env);
		if (asprintf(errmsg, "cannot start '%s': %s", spec->argv[0], strerror(-err)) < 0)
			*errmsg = NULL;
		return err;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	if (spec->dir)
		posix_spawn_file_actions_addchdir_np(&fa, spec->dir);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE); /* ignored by encide; children need it back */
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setsigmask(&attr, loop_child_sigmask(jobs->loop));
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	err = posix_spawnp(&j->pid, spec->argv[0], &fa, &attr, spec->argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	free(env);
	close(p[1]);
	if (err != 0) {
		close(p[0]);
		free(j);
		if (err == ENOENT && asprintf(errmsg, "cannot start '%s': not found (is it installed and on $PATH?)",
					      spec->argv[0]) < 0)
			*errmsg = NULL;
		else if (err != ENOENT && asprintf(errmsg, "cannot start '%s': %s", spec->argv[0], strerror(err)) < 0)
			*errmsg = NULL;
		return -err;
	}
	j->fd = p[0];
	j->jobs = jobs;
	j->fn = fn;
	j->arg = arg;
	fcntl(j->fd, F_SETFL, fcntl(j->fd, F_GETFL) | O_NONBLOCK);
	if ((err = loop_fd_add(jobs->loop, j->fd, POLLIN, on_output, j)) < 0) {
		kill(-j->pid, SIGKILL);
		waitpid(j->pid, NULL, 0);
		close(j->fd);
		free(j);
		if (asprintf(errmsg, "cannot watch '%s': %s", spec->argv[0], strerror(-err)) < 0)
			*errmsg = NULL;
		return err;
	}
	j->next = jobs->list;
	jobs->list = j;
	jobs->n++;
	return 0;
}

void build_jobs_cancel(struct build_jobs *jobs)
{
	for (struct job *j = jobs->list; j; j = j->next) {
		if (!j->cancelled)
			kill(-j->pid, SIGTERM);
		j->cancelled = true;
	}
}

size_t build_jobs_running(const struct build_jobs *jobs)
{
	return jobs ? jobs->n : 0;
}
