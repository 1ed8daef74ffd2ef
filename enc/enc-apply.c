/* Apply Code Changes: the pipeline, one step after the other, each able to
 * fail with nothing in the program changed.
 *
 *   1  changed set: the TUs of the edited files (headers: every TU that
 *      includes them, from the build graph)
 *   2  compile each with its recorded command into <state>/gen/NNN/
 *   3  diff each new object against the previous generation's, function by
 *      function (bytes, relocations, the constants they use)
 *   4  refuse what cannot work (a changed initialiser of an existing variable,
 *      a variable whose size changed, an optimised TU)
 *   5  load: new and changed functions, new variables; existing variables and
 *      unchanged functions bound to the running image
 *   6  redirect each changed function's entry, in the image and in every
 *      earlier generation, to the newest code (every byte written is logged
 *      first: a failure puts them all back and unloads)
 *   7  record the generation; every thread's frames in replaced code follow
 *      (enc-follow.c)
 *
 * The redirect uses the patchable entry of the EnC profile
 * (-fpatchable-function-entry=16,14):
 *
 *        f-14                        f    f+2
 *   old: nop x14                    | nop nop | push %rbp ...
 *   new: jmp *0(%rip); .quad NEW    | jmp f-14 | push %rbp ...
 *        (6 + 8 bytes, written first) (2 bytes, written last: one store)
 *
 * A thread stopped between the two nops at f would run into the middle of
 * the short jump: it is stepped out first (follow_clear_range).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/bus.h"
#include "build/build.h"
#include "debugger/debugger.h"
#include "enc/enc-int.h"

extern char **environ;

int enc_fail(char **errmsg, int err, const char *fmt, ...)
{
	va_list ap;

	if (errmsg) {
		free(*errmsg);
		va_start(ap, fmt);
		if (vasprintf(errmsg, fmt, ap) < 0)
			*errmsg = NULL;
		va_end(ap);
	}
	return err;
}

struct enc *enc_new(struct dbg *dbg, struct project *proj, struct bus *bus)
{
	struct enc *enc = calloc(1, sizeof(*enc));

	if (enc) {
		enc->dbg = dbg;
		enc->proj = proj;
		enc->bus = bus;
	}
	return enc;
}

void enc_free(struct enc *enc)
{
	if (!enc)
		return;
	follow_cancel(enc);
	for (size_t i = 0; i < enc->nfuncs; i++) {
		free(enc->funcs[i].name);
		free(enc->funcs[i].cu);
		for (size_t c = 0; c < enc->funcs[i].ncopies; c++)
			free(enc->funcs[i].copies[c].object);
		free(enc->funcs[i].copies);
	}
	for (size_t i = 0; i < enc->nobjs; i++) {
		free(enc->objs[i].source);
		free(enc->objs[i].object);
		free(enc->objs[i].built);
		types_free(enc->objs[i].types, enc->objs[i].ntypes);
	}
	for (size_t i = 0; i < enc->nvars; i++) {
		free(enc->vars[i].name);
		free(enc->vars[i].cu);
		free(enc->vars[i].func);
	}
	free(enc->vars);
	for (size_t i = 0; i < enc->nregions; i++) {
		load_result_release(&enc->regions[i].r);
		free(enc->regions[i].object);
		free(enc->regions[i].kept);
	}
	for (size_t i = 0; i < enc->nsupport; i++)
		free(enc->support[i].name);
	free(enc->support);
	free(enc->nonshared);
	for (size_t i = 0; i < enc->nfuncs; i++)
		free(enc->funcs[i].orig);
	free(enc->funcs);
	free(enc->objs);
	free(enc->regions);
	free(enc->waiting);
	for (size_t i = 0; i < enc->nstale; i++)
		free(enc->stale[i]);
	free(enc->stale);
	free(enc);
}

unsigned enc_generation(const struct enc *enc)
{
	return enc->gen;
}

bool enc_reverted(const struct enc *enc)
{
	return enc->reverted;
}

pid_t enc_moved(const struct enc *enc)
{
	return enc->moved_tid;
}

int enc_region(const struct enc *enc, size_t i, struct enc_region_info *out)
{
	const struct gen_region *r;

	if (i >= enc->nregions)
		return -ENOENT;
	r = &enc->regions[i];
	*out = (struct enc_region_info){ .generation = r->gen, .object = r->object, .base = r->r.base,
					 .size = r->r.size, .obsolete = r->obsolete, .released = r->released,
					 .kept = r->kept };
	return 0;
}

void enc_fail_at(struct enc *enc, int step)
{
	enc->fail_at = step;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int injected(struct enc *enc, int step, char **errmsg)
{
	if (enc->fail_at == step)
		return enc_fail(errmsg, -ECANCELED, "failure injected at step %d (test)", step);
	return 0;
}

/* mkdir -p. */
static void make_dirs(const char *dir)
{
	char *p = strdup(dir);

	for (char *s = p ? p + 1 : NULL; s && *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	if (p)
		mkdir(p, 0755);
	free(p);
}

/* Copies the file at from to to. 0 or negative. */
static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in = open(from, O_RDONLY | O_CLOEXEC), out, err = 0;

	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		err = -errno;
		close(in);
		return err;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			err = -EIO;
			break;
		}
	if (n < 0)
		err = -errno;
	close(in);
	if (close(out) < 0 && !err)
		err = -errno;
	return err;
}

/* The object the TU's code in the program was built from: the newest
 * generation's, else a copy of the build's kept in gen/000/ (a later build
 * may overwrite the build's while the program runs on). NULL when the build
 * left none. */
static const char *current_object(struct enc *enc, size_t tu)
{
	const char *src = project_tu_file(enc->proj, tu), *built = project_tu_output(enc->proj, tu);
	const char *base = strrchr(built, '/');
	struct tu_obj *v;
	char *copy = NULL, dir[4096];

	for (size_t i = 0; i < enc->nobjs; i++)
		if (strcmp(enc->objs[i].source, src) == 0)
			return enc->objs[i].object;
	if (access(built, R_OK) != 0)
		return NULL;
	snprintf(dir, sizeof(dir), "%s/gen/000", project_state_path(enc->proj));
	make_dirs(dir);
	if (asprintf(&copy, "%s/%zu-%s", dir, tu, base ? base + 1 : built) < 0)
		return NULL;
	v = realloc(enc->objs, (enc->nobjs + 1) * sizeof(*v));
	if (!v || copy_file(built, copy) < 0) {
		free(copy);
		if (v)
			enc->objs = v;
		return built;
	}
	enc->objs = v;
	v[enc->nobjs++] = (struct tu_obj){ .source = strdup(src), .object = copy, .built = strdup(copy) };
	return copy;
}

/* One compiler running for step 2. */
struct compile {
	pid_t pid;         /* the child, 0 before it starts or after it ended */
	int fd;            /* its stdout and stderr, -1 once read to the end */
	char *out;         /* what it printed (NUL-terminated) */
	size_t len, cap;   /* bytes in out, allocated */
	int status;        /* its wait status */
};

/* Starts argv in dir with stdout and stderr on one pipe; no signal blocked
 * (encide's loop blocks some), SIGPIPE at its default. 0 or -errno. */
static int compile_start(struct compile *c, const char *const *argv, const char *dir)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, pipe_only;
	int pipefd[2], err;

	*c = (struct compile){ .fd = -1 };
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	sigemptyset(&none);
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &pipe_only);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	posix_spawn_file_actions_addchdir_np(&fa, dir);
	err = posix_spawnp(&c->pid, argv[0], &fa, &attr, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(pipefd[1]);
	if (err) {
		close(pipefd[0]);
		c->pid = 0;
		return -err;
	}
	c->fd = pipefd[0];
	return 0;
}

/* Reads what c printed (until the end), then reaps it. */
static void compile_collect(struct compile *c)
{
	char buf[4096];
	ssize_t n = read(c->fd, buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return;
	if (n > 0) {
		if (c->len + (size_t)n + 1 > c->cap) {
			size_t cap = (c->len + (size_t)n + 1) * 2;
			char *p = realloc(c->out, cap);

			if (!p)
				return;
			c->out = p;
			c->cap = cap;
		}
		memcpy(c->out + c->len, buf, (size_t)n);
		c->len += (size_t)n;
		c->out[c->len] = '\0';
		return;
	}
	close(c->fd);
	c->fd = -1;
	while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
		;
	c->pid = 0;
}

/* Runs the compiles argv[i] in dir[i] (i < n), as many at once as there are
 * processors; waits for all. c[i] gets each one's output and status. 0, or
 * the first error starting one (the others are still waited for). */
static int compile_all(struct compile *c, const char *const *const *argv, const char *const *dir, size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t next = 0, running = 0, jobs = cpus > 0 ? (size_t)cpus : 1;
	int err = 0;

	for (size_t i = 0; i < n; i++)
		c[i] = (struct compile){ .fd = -1 };
	while (next < n || running > 0) {
		struct pollfd pfd[64];
		size_t who[64], np = 0;

		while (next < n && running < jobs && running < 64) {
			int e = compile_start(&c[next], argv[next], dir[next]);

			if (e < 0 && !err)
				err = e;
			if (e == 0)
				running++;
			next++;
		}
		for (size_t i = 0; i < n && np < 64; i++)
			if (c[i].fd >= 0) {
				pfd[np] = (struct pollfd){ .fd = c[i].fd, .events = POLLIN };
				who[np++] = i;
			}
		if (np == 0)
			break;
		if (poll(pfd, np, -1) < 0 && errno != EINTR)
			break;
		for (size_t k = 0; k < np; k++)
			if (pfd[k].revents) {
				compile_collect(&c[who[k]]);
				if (c[who[k]].fd < 0)
					running--;
			}
	}
	return err;
}

/* The TU's command with its output moved to obj, no depfile and no colours. */
static char **gen_argv(const char *const *argv, const char *obj)
{
	size_t n = 0, j = 0;
	char **v;

	while (argv[n])
		n++;
	v = calloc(n + 4, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < n) {
			i++;
			continue;
		}
		/* No dependency output at all (automake adds -MD -MP; -MP alone
		 * is an error). */
		if (strcmp(argv[i], "-MMD") == 0 || strcmp(argv[i], "-MD") == 0 || strcmp(argv[i], "-MP") == 0 ||
		    strcmp(argv[i], "-MG") == 0 || strcmp(argv[i], "-M") == 0 || strcmp(argv[i], "-MM") == 0)
			continue;
		if ((strcmp(argv[i], "-MF") == 0 || strcmp(argv[i], "-MT") == 0 || strcmp(argv[i], "-MQ") == 0) &&
		    i + 1 < n) {
			i++;
			continue;
		}
		v[j++] = (char *)argv[i];
	}
	/* The errors are shown as text: no colours (meson asks for them). */
	v[j++] = "-fdiagnostics-color=never";
	v[j++] = "-o";
	v[j++] = (char *)obj;
	return v;
}

/* The flag of a DW_AT_producer (gcc records its flags there) that makes
 * the code it describes unfit for Edit and Continue, into buf: the last -O
 * when it optimises, or the missing patchable entry of encide's profile.
 * NULL when the code is fit. */
static const char *producer_unfit(const char *producer, char *buf, size_t size)
{
	const char *p = producer, *last = NULL;

	if (!producer)
		return NULL;
	while ((p = strstr(p, " -O"))) {
		last = p + 1;
		p += 3;
	}
	if (last && !(strncmp(last, "-O0", 3) == 0 && (last[3] == ' ' || last[3] == '\0'))) {
		snprintf(buf, size, "%.*s", (int)strcspn(last, " "), last);
		return buf;
	}
	if (!strstr(producer, "-fpatchable-function-entry=16,14")) {
		snprintf(buf, size, "no -fpatchable-function-entry=16,14");
		return buf;
	}
	return NULL;
}

/* A flag of argv that optimises (-O1..-O3, -Os, -Ofast, -Og), or NULL. */
static const char *optimised(const char *const *argv)
{
	const char *last = NULL;

	for (size_t i = 0; argv[i]; i++)
		if (strncmp(argv[i], "-O", 2) == 0)
			last = argv[i];
	return last && strcmp(last, "-O0") != 0 && strcmp(last, "-O") != 0 ? last : NULL;
	/* "-O" alone is -O1: caught below by the caller's message too. */
}

static bool is_text(const struct obj *o, unsigned shndx)
{
	return shndx < o->nsecs && (o->secs[shndx].flags & SHF_EXECINSTR);
}

/* Writes len bytes of code at addr, logging what was there. */
int enc_code_write(struct enc *enc, struct undo_log *log, uint64_t addr, const void *buf, size_t len)
{
	struct code_bytes *v = realloc(log->v, (log->n + 1) * sizeof(*v));
	int err;

	if (!v)
		return -ENOMEM;
	log->v = v;
	v[log->n] = (struct code_bytes){ .addr = addr, .len = len };
	if ((err = dbg_read_code(enc->dbg, addr, v[log->n].bytes, len)) < 0)
		return err;
	/* No thread may be stopped inside the bytes about to change. */
	if ((err = follow_clear_range(enc, addr, addr + len)) < 0)
		return err;
	log->n++;
	return dbg_write_code(enc->dbg, addr, buf, len);
}

void enc_undo(struct enc *enc, struct undo_log *log)
{
	while (log->n > 0) {
		struct code_bytes *u = &log->v[--log->n];

		dbg_write_code(enc->dbg, u->addr, u->bytes, u->len);
	}
	free(log->v);
	log->v = NULL;
}

/* Writes the redirect of the function entry at entry to target. */
int enc_redirect(struct enc *enc, struct undo_log *log, uint64_t entry, uint64_t target, char **errmsg)
{
	uint8_t pad[16], far[14] = { 0xff, 0x25, 0, 0, 0, 0 }, near[2] = { 0xeb, 0xf0 };
	bool patchable = true;
	int err;

	if ((err = dbg_read_code(enc->dbg, entry - 14, pad, sizeof(pad))) < 0)
		return enc_fail(errmsg, err, "cannot read the entry at 0x%llx", (unsigned long long)entry);
	for (int i = 0; i < 16; i++)
		patchable &= pad[i] == 0x90;
	/* Already redirected (an earlier generation): only the target moves. */
	if (!patchable && pad[0] == 0xff && pad[1] == 0x25 && pad[14] == 0xeb && pad[15] == 0xf0) {
		if ((err = enc_code_write(enc, log, entry - 8, &target, 8)) < 0)
			return enc_fail(errmsg, err, "cannot write the redirect at 0x%llx", (unsigned long long)entry);
		return 0;
	}
	memcpy(far + 6, &target, 8);
	if (patchable) {
		if ((err = enc_code_write(enc, log, entry - 14, far, sizeof(far))) < 0 ||
		    (err = enc_code_write(enc, log, entry, near, sizeof(near))) < 0)
			return enc_fail(errmsg, err, "cannot write the redirect at 0x%llx", (unsigned long long)entry);
		return 0;
	}
	{
		/* Not built with the EnC profile: a 5-byte jump over the entry. */
		int64_t rel = (int64_t)(target - (entry + 5));
		uint8_t jmp[5] = { 0xe9 };

		if (rel < INT32_MIN || rel > INT32_MAX)
			return enc_fail(errmsg, -ERANGE, "the new code is out of reach of 0x%llx", (unsigned long long)entry);
		memcpy(jmp + 1, &(int32_t){ (int32_t)rel }, 4);
		if ((err = enc_code_write(enc, log, entry, jmp, sizeof(jmp))) < 0)
			return enc_fail(errmsg, err, "cannot write the redirect at 0x%llx", (unsigned long long)entry);
		return 0;
	}
}

static struct patched *patched_find(struct enc *enc, const char *name, const char *cu)
{
	for (size_t i = 0; i < enc->nfuncs; i++)
		if (strcmp(enc->funcs[i].name, name) == 0 &&
		    ((!cu && !enc->funcs[i].cu) || (cu && enc->funcs[i].cu && strcmp(enc->funcs[i].cu, cu) == 0)))
			return &enc->funcs[i];
	return NULL;
}

static bool same_cu(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* A variable an earlier generation added (func: the function whose static
 * it is, or NULL). */
static struct added_var *var_find(struct enc *enc, const char *name, const char *cu, const char *func)
{
	for (size_t i = 0; i < enc->nvars; i++)
		if (strcmp(enc->vars[i].name, name) == 0 && same_cu(enc->vars[i].cu, cu) &&
		    same_cu(enc->vars[i].func, func))
			return &enc->vars[i];
	return NULL;
}

/* Where function name's code runs now: the newest generation's copy, else
 * the image. 0, or -ENOENT for a function the program does not have. */
static int func_now(struct enc *enc, const char *name, const char *cu, uint64_t *addr)
{
	struct patched *p = patched_find(enc, name, cu);

	if (p && p->ncopies) {
		*addr = p->copies[p->ncopies - 1].entry;
		return 0;
	}
	return dbg_lookup_symbol(enc->dbg, name, cu, addr, NULL);
}

/* Appends a copy to p (object is duplicated). 0 or -ENOMEM. */
int enc_copy_add(struct patched *p, uint64_t entry, uint64_t size, unsigned gen, const char *object)
{
	struct fcopy *v = realloc(p->copies, (p->ncopies + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	p->copies = v;
	v[p->ncopies] = (struct fcopy){ entry, size, gen, strdup(object ? object : "") };
	if (!v[p->ncopies].object)
		return -ENOMEM;
	p->ncopies++;
	return 0;
}

/* Keeps what the redirect of the image's entry at entry overwrote (from
 * the apply's log): revert writes it back. */
static void keep_orig_bytes(struct patched *p, const struct undo_log *log, uint64_t entry)
{
	for (size_t i = 0; i < log->n; i++) {
		struct code_bytes *v;

		if (log->v[i].addr < entry - 14 || log->v[i].addr > entry + 4)
			continue;
		v = realloc(p->orig, (p->norig + 1) * sizeof(*v));
		if (!v)
			return;
		p->orig = v;
		v[p->norig++] = log->v[i];
	}
}

/* A new entry in enc->funcs. NULL when out of memory. */
static struct patched *patched_add(struct enc *enc, const char *name, const char *cu)
{
	struct patched *v = realloc(enc->funcs, (enc->nfuncs + 1) * sizeof(*v));

	if (!v)
		return NULL;
	enc->funcs = v;
	v[enc->nfuncs] = (struct patched){ .name = strdup(name), .cu = cu ? strdup(cu) : NULL };
	if (!v[enc->nfuncs].name || (cu && !v[enc->nfuncs].cu)) {
		free(v[enc->nfuncs].name);
		free(v[enc->nfuncs].cu);
		return NULL;
	}
	return &v[enc->nfuncs++];
}

/* Everything one TU brings to a generation. */
struct tu_apply {
	size_t tu;             /* index in the build graph */
	char *object;          /* the new object's path */
	struct obj *old, *new; /* the previous and the new object */
	struct load_plan plan; /* what is loaded, what is bound */
	struct load_result loaded; /* where it went */
	bool *changed;         /* per symbol of new: a function to redirect */
	bool *same;            /* per symbol of new: a function whose code did not change */
	struct type_sig *old_types, *new_types; /* the compiles' types and functions */
	size_t nold_types, nnew_types;          /* how many */
	bool old_types_kept;   /* old_types belong to the engine's record of the TU */
};

static void tu_apply_release(struct tu_apply *t)
{
	if (!t->old_types_kept)
		types_free(t->old_types, t->nold_types);
	types_free(t->new_types, t->nnew_types);
	free(t->object);
	obj_free(t->old);
	obj_free(t->new);
	free(t->plan.addr);
	free(t->plan.load);
	free(t->changed);
	free(t->same);
	load_result_release(&t->loaded);
}

/* Adds name to a NULL-terminated list. */
static void list_add(char ***v, size_t *n, const char *name)
{
	char **p = realloc(*v, (*n + 2) * sizeof(*p));

	if (!p)
		return;
	*v = p;
	p[*n] = strdup(name);
	if (p[*n])
		(*n)++;
	p[*n] = NULL;
}

static void list_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The generation the TU's newest object was compiled as. */
static unsigned tu_gen(struct enc *enc, size_t tu)
{
	const char *src = project_tu_file(enc->proj, tu);

	for (size_t i = 0; i < enc->nobjs; i++)
		if (strcmp(enc->objs[i].source, src) == 0)
			return enc->objs[i].gen;
	return 0;
}

/* "A __LINE__ moved": an immediate that was a line of the TU's source in
 * the old object's generation and is that line's place in the text now. */
struct line_moved {
	struct enc *enc;    /* the engine (its line maps) */
	const char *file;   /* the TU's source */
	unsigned gen;       /* the old object's generation */
};

static bool line_moved(void *arg, int64_t was, int64_t now)
{
	struct line_moved *lm = arg;

	if (!lm->enc->lines.map || was <= 0 || now <= 0 || was > INT32_MAX || was == now)
		return false;
	return (int64_t)lm->enc->lines.map(lm->enc->lines.arg, lm->file, lm->gen, ENC_NOW, (int)was) == now;
}

/* True when the initialiser of variable k holds an address inside the code
 * of a function the plan loads anew, past its entry: a label's address
 * (gcc's &&label, a computed goto's table as in Lua's interpreter loop).
 * The program's copy of such a variable points into the old code, where
 * nothing redirects; the new code needs its own. */
static bool points_into_new_code(const struct obj *o, const struct load_plan *plan, size_t k)
{
	const struct obj_symbol *v = &o->syms[k];
	const struct obj_section *s = &o->secs[v->shndx];

	for (size_t r = 0; r < s->nrelocs; r++) {
		const struct obj_reloc *rel = &s->relocs[r];
		const struct obj_symbol *t;
		int64_t at;

		if (rel->offset < v->value || rel->offset >= v->value + v->size || rel->sym >= o->nsyms)
			continue;
		t = &o->syms[rel->sym];
		if (!is_text(o, t->shndx) || !plan->load[t->shndx])
			continue;
		at = (int64_t)t->value + rel->addend;
		/* A function's entry is fine (the old one jumps to the new). */
		for (size_t j = 1; j < o->nsyms && at >= 0; j++)
			if (o->syms[j].type == STT_FUNC && o->syms[j].shndx == t->shndx && (int64_t)o->syms[j].value == at)
				at = -1;
		if (at >= 0)
			return true;
	}
	return false;
}

/* Binds the unchanged functions of t the loaded code refers to (by name
 * or through their section's symbol) to where they run now; one the
 * program does not have is loaded as added, and what it refers to is
 * bound in turn. Only those are looked up: sqlite3.c has thousands of
 * functions, and a look-up reads the program's symbol table. 0 or
 * -ENOMEM. */
static int bind_unchanged(struct enc *enc, struct tu_apply *t, const char *cu, char ***added, size_t *nadded,
			  char **errmsg)
{
	struct obj *o = t->new;
	size_t *func_of = calloc(o->nsecs ? o->nsecs : 1, sizeof(*func_of));
	bool more = true;

	if (!func_of)
		return enc_fail(errmsg, -ENOMEM, "out of memory");
	for (size_t k = 1; k < o->nsyms; k++)
		if (o->syms[k].type == STT_FUNC && o->syms[k].shndx < o->nsecs && !func_of[o->syms[k].shndx])
			func_of[o->syms[k].shndx] = k;
	while (more) {
		more = false;
		for (size_t i = 0; i < o->nsecs; i++) {
			if (!t->plan.load[i])
				continue;
			for (size_t r = 0; r < o->secs[i].nrelocs; r++) {
				uint32_t j = o->secs[i].relocs[r].sym;
				const struct obj_symbol *s;
				uint64_t addr;

				if (j >= o->nsyms)
					continue;
				if (o->syms[j].type == STT_SECTION && o->syms[j].shndx < o->nsecs)
					j = (uint32_t)func_of[o->syms[j].shndx];
				if (!j || !t->same[j] || t->plan.addr[j] || t->plan.load[o->syms[j].shndx])
					continue;
				s = &o->syms[j];
				if (func_now(enc, s->name, s->bind == STB_LOCAL ? cu : NULL, &addr) == 0) {
					t->plan.addr[j] = addr;
				} else {
					t->plan.load[s->shndx] = true;
					list_add(added, nadded, s->name);
					more = true;
				}
			}
		}
	}
	free(func_of);
	return 0;
}

/* Steps 3-5 for one TU: diff, refuse, plan. */
static int plan_tu(struct enc *enc, struct tu_apply *t, char ***changed, size_t *nchanged,
		   char ***added, size_t *nadded, char ***vars, size_t *nvars, char ***moved, size_t *nmoved,
		   char ***removed, size_t *nremoved, char **errmsg)
{
	struct obj *o = t->new, *old = t->old;
	const char *cu = o->source ? o->source : project_tu_file(enc->proj, t->tu);

	t->plan.addr = calloc(o->nsyms, sizeof(*t->plan.addr));
	t->plan.load = calloc(o->nsecs, sizeof(*t->plan.load));
	t->changed = calloc(o->nsyms, sizeof(*t->changed));
	t->same = calloc(o->nsyms, sizeof(*t->same));
	if (!t->plan.addr || !t->plan.load || !t->changed || !t->same)
		return enc_fail(errmsg, -ENOMEM, "out of memory");
	/* Data the functions use (string literals, constants, tables) goes in. */
	for (size_t i = 0; i < o->nsecs; i++) {
		const struct obj_section *s = &o->secs[i];

		if ((s->flags & SHF_ALLOC) && !(s->flags & SHF_EXECINSTR) && s->name &&
		    strcmp(s->name, ".eh_frame") != 0 && strcmp(s->name, "__patchable_function_entries") != 0 &&
		    strncmp(s->name, ".note", 5) != 0)
			t->plan.load[i] = true;
	}
	/* Functions first: a variable's binding depends on which code is new. */
	for (size_t n = 1; n < 2 * o->nsyms; n++) {
		size_t k = n < o->nsyms ? n : n - o->nsyms;
		const struct obj_symbol *s = &o->syms[k];
		const char *lookup_cu = s->bind == STB_LOCAL ? cu : NULL;
		char base[256];
		uint64_t addr, size;
		long ok;

		if (n == o->nsyms || (s->type == STT_OBJECT && s->shndx != SHN_UNDEF) != (n > o->nsyms))
			continue;
		if (s->shndx == SHN_UNDEF && s->name[0] && s->bind != STB_LOCAL) {
			/* Defined by an earlier generation (another TU's new
			 * function or variable): bound to it, not looked up. */
			struct patched *p = patched_find(enc, s->name, NULL);
			struct added_var *av = var_find(enc, s->name, NULL, NULL);

			if (p && p->ncopies)
				t->plan.addr[k] = p->copies[p->ncopies - 1].entry;
			else if (av)
				t->plan.addr[k] = av->addr;
			continue;
		}
		if (s->shndx == SHN_UNDEF || s->shndx >= o->nsecs)
			continue;
		if (s->type == STT_FUNC) {
			struct line_moved lm = { enc, project_tu_file(enc->proj, t->tu), tu_gen(enc, t->tu) };
			bool lines_only = false;

			ok = old ? obj_find(old, s->name, STT_FUNC) : -1;
			if (ok >= 0 && obj_same_code(old, (size_t)ok, o, k, line_moved, &lm, &lines_only)) {
				/* Unchanged (or only a __LINE__ moved: "moved, not
				 * changed"): calls go to the code that runs now, looked
				 * up below when the loaded code makes one. */
				t->same[k] = true;
				if (lines_only)
					list_add(moved, nmoved, s->name);
				continue;
			}
			t->plan.load[s->shndx] = true;
			if (func_now(enc, s->name, lookup_cu, &addr) == 0) {
				/* The new code goes near the module the function is in
				 * (a shared library's), as built: not near an earlier
				 * generation's copy, or generations would drift away. */
				uint64_t orig;

				if (!t->plan.near && dbg_lookup_symbol(enc->dbg, s->name, lookup_cu, &orig, NULL) == 0)
					t->plan.near = orig;
				t->changed[k] = true;
				list_add(changed, nchanged, s->name);
			} else {
				list_add(added, nadded, s->name);
			}
		} else if (s->type == STT_OBJECT) {
			struct added_var *av;
			const char *func = NULL;
			long was = -1;

			obj_base_name(s->name, base, sizeof(base));
			size = 0;
			/* Addresses inside changed code (a computed goto's table of
			 * labels): the program's copy points into the old code, where
			 * nothing redirects; the new code needs its own. */
			if (points_into_new_code(o, &t->plan, k)) {
				t->plan.load[s->shndx] = true;
				list_add(vars, nvars, base);
				continue;
			}
			/* A function's static ("n.1"): gcc numbers them anew in each
			 * compile; the function that uses it says which it is. */
			if (s->bind == STB_LOCAL && strcmp(base, s->name) != 0)
				func = obj_static_owner(o, k);
			if (old)
				was = func ? obj_find_static(old, func, base) : obj_find(old, s->name, STT_OBJECT);
			if ((av = var_find(enc, base, lookup_cu, func))) {
				/* Added by an earlier generation: its storage, its value. */
				t->plan.addr[k] = av->addr;
				t->plan.load[s->shndx] = false;
			} else if (func ? dbg_function_static(enc->dbg, lookup_cu, func, base, &addr) == 0
					: (dbg_lookup_symbol(enc->dbg, s->name, lookup_cu, &addr, &size) == 0 ||
					   dbg_lookup_symbol(enc->dbg, base, lookup_cu, &addr, &size) == 0)) {
				/* It exists: the program's copy, value and all. */
				if (!size && was >= 0)
					size = old->syms[was].size;
				if (size && s->size != size)
					return enc_fail(errmsg, -EINVAL, "'%s' changed size (%llu to %llu bytes): existing "
						     "data cannot change its layout; restart to apply", base,
						     (unsigned long long)size, (unsigned long long)s->size);
				if (was >= 0) {
					bool same = obj_same_data(old, (size_t)was, o, k);

					if (!same)
						return enc_fail(errmsg, -EINVAL, "the initialiser of '%s' changed: the running "
							     "program has its own value; change it with 'print %s = ...' "
							     "or restart", base, base);
				}
				t->plan.addr[k] = addr;
				t->plan.load[s->shndx] = false;
				if (!t->plan.near)
					t->plan.near = addr;
			} else {
				t->plan.load[s->shndx] = true;
				list_add(vars, nvars, base);
			}
		}
	}
	if (bind_unchanged(enc, t, cu, added, nadded, errmsg) < 0)
		return -ENOMEM;
	/* Functions and variables the edit removed: listed (their old code
	 * stays where it is: nothing recompiled refers to it any more). */
	for (size_t k = 1; old && k < old->nsyms; k++) {
		const struct obj_symbol *s = &old->syms[k];
		char base[256];

		if ((s->type == STT_FUNC || s->type == STT_OBJECT) && s->shndx != SHN_UNDEF && s->shndx < old->nsecs &&
		    (s->type == STT_FUNC ? obj_find(o, s->name, STT_FUNC) < 0
					 : (strcmp(obj_base_name(s->name, base, sizeof(base)), s->name) == 0 &&
					    obj_find(o, s->name, STT_OBJECT) < 0)))
			list_add(removed, nremoved, s->name);
	}
	/* Section symbols of sections not loaded stand for what is bound there:
	 * the section starts value bytes before a symbol it holds (a function
	 * with a patchable entry starts 14 bytes in, and gas writes a local
	 * function's address as ".text.f + 14 - 4"). */
	{
		size_t *bound = calloc(o->nsecs ? o->nsecs : 1, sizeof(*bound));

		if (!bound)
			return enc_fail(errmsg, -ENOMEM, "out of memory");
		for (size_t j = o->nsyms; j-- > 1;)
			if (o->syms[j].shndx < o->nsecs && t->plan.addr[j] && o->syms[j].type != STT_SECTION)
				bound[o->syms[j].shndx] = j; /* the first one */
		for (size_t k = 1; k < o->nsyms; k++) {
			const struct obj_symbol *s = &o->syms[k];
			size_t j;

			if (s->type != STT_SECTION || s->shndx >= o->nsecs || t->plan.load[s->shndx] ||
			    !(j = bound[s->shndx]))
				continue;
			t->plan.addr[k] = t->plan.addr[j] - o->syms[j].value;
		}
		free(bound);
	}
	(void)is_text;
	return 0;
}

/* Refuses a compile in which a type the old one also had changed layout:
 * the running code and the data in memory use the old one. */
static int refuse_layouts(struct enc *enc, struct tu_apply *t, char **errmsg)
{
	const char *name;

	if (!t->old)
		return 0;
	/* The old object's were read when it was the new one. */
	for (size_t i = 0; i < enc->nobjs; i++)
		if (enc->objs[i].types && enc->objs[i].object && strcmp(enc->objs[i].object, t->old->path) == 0) {
			t->old_types = enc->objs[i].types;
			t->nold_types = enc->objs[i].ntypes;
			t->old_types_kept = true;
		}
	if ((!t->old_types_kept && types_read(t->old->path, &t->old_types, &t->nold_types) < 0) ||
	    types_read(t->new->path, &t->new_types, &t->nnew_types) < 0)
		return 0; /* no DWARF to compare: the diff of the code still applies */
	name = types_changed(t->old_types, t->nold_types, t->new_types, t->nnew_types);
	if (name)
		return enc_fail(errmsg, -EINVAL, "the layout of '%s' changed (in %s): the running code and the data "
				"in memory use the old one; nothing applied, restart to use it", name,
				project_tu_file(enc->proj, t->tu));
	return 0;
}

/* True when the object at path refers to the global symbol name (calls
 * it, takes its address). */
static bool object_uses(const char *path, const char *name)
{
	struct obj *o = NULL;
	bool uses = false;

	if (obj_open(&o, path, NULL) < 0)
		return false;
	for (size_t i = 0; i < o->nsecs && !uses; i++)
		for (size_t r = 0; r < o->secs[i].nrelocs && !uses; r++) {
			const struct obj_symbol *s = &o->syms[o->secs[i].relocs[r].sym];

			uses = o->secs[i].relocs[r].sym < o->nsyms && s->shndx == SHN_UNDEF && strcmp(s->name, name) == 0;
		}
	obj_free(o);
	return uses;
}

/* Refuses a changed signature of a global function that code this apply
 * does not recompile still calls (it would pass the old arguments). */
static int refuse_signatures(struct enc *enc, struct tu_apply *ts, size_t nts, char **errmsg)
{
	for (size_t i = 0; i < nts; i++) {
		struct obj *o = ts[i].new;

		for (size_t k = 1; k < o->nsyms; k++) {
			const struct obj_symbol *s = &o->syms[k];
			const char *was, *now;
			char key[300];

			if (!ts[i].changed[k] || s->bind == STB_LOCAL)
				continue;
			snprintf(key, sizeof(key), "function %s", s->name);
			was = types_sig(ts[i].old_types, ts[i].nold_types, key);
			now = types_sig(ts[i].new_types, ts[i].nnew_types, key);
			if (!was || !now || strcmp(was, now) == 0)
				continue;
			for (size_t u = 0; u < project_tu_count(enc->proj); u++) {
				const char *obj;
				bool recompiled = false;

				for (size_t j = 0; j < nts; j++)
					recompiled |= ts[j].tu == u;
				if (recompiled || !(obj = current_object(enc, u)) || !object_uses(obj, s->name))
					continue;
				return enc_fail(errmsg, -EINVAL, "the signature of '%s' changed (%s to %s) but %s, which "
						"calls it, is not recompiled: it would pass the old arguments; change the "
						"declaration its callers see (a header) so that they are recompiled too, "
						"or restart", s->name, was, now, project_tu_file(enc->proj, u));
			}
		}
	}
	return 0;
}

int enc_apply(struct enc *enc, const char *const *files, const struct enc_lines *lines, char **errmsg)
{
	struct tu_apply *ts = NULL;
	struct undo_log log = { 0 };
	size_t nts = 0;
	char **changed = NULL, **added = NULL, **vars = NULL, **old_frames = NULL, **moved = NULL, **removed = NULL;
	char dir[4096];
	size_t nchanged = 0, nadded = 0, nvars = 0, nold = 0, nmoved = 0, nremoved = 0;
	uint64_t t0 = now_us(), compile_us = 0;
	unsigned gen = enc->gen + 1;
	size_t regions_before = enc->nregions;
	int err = 0;

	if (!enc->proj)
		return enc_fail(errmsg, -ENOENT, "apply: no project");
	if (dbg_state(enc->dbg) != DBG_STOPPED)
		return enc_fail(errmsg, -EBUSY, "apply: the program is not stopped");
	enc->lines = lines ? *lines : (struct enc_lines){ 0 };
	enc->moved_tid = 0;
	/* Step 1: the TUs to recompile. */
	for (size_t f = 0; files[f]; f++) {
		size_t *deps = NULL, ndeps = 0;

		if (project_dependents(enc->proj, files[f], &deps, &ndeps) < 0)
			return enc_fail(errmsg, -ENOMEM, "out of memory");
		for (size_t d = 0; d < ndeps; d++) {
			bool seen = false;

			for (size_t i = 0; i < nts; i++)
				seen |= ts[i].tu == deps[d];
			if (!seen) {
				struct tu_apply *v = realloc(ts, (nts + 1) * sizeof(*v));

				if (!v) {
					free(deps);
					err = enc_fail(errmsg, -ENOMEM, "out of memory");
					goto out;
				}
				ts = v;
				ts[nts++] = (struct tu_apply){ .tu = deps[d] };
			}
		}
		free(deps);
	}
	/* Only the compiles whose object the program's link read (itself or
	 * in an archive) are code that runs: not another program's (luac.c
	 * includes Lua's headers too, and its main() is not lua's), nor a
	 * source's other compile (libtool's PIC object, sqlite3.c for the
	 * library), whose flags may even lay types out otherwise. */
	{
		size_t all = nts;

		for (size_t i = nts; i-- > 0;)
			if (project_tu_linked(enc->proj, ts[i].tu) == 0)
				ts[i] = ts[--nts];
		if (nts == 0 && all > 0) {
			err = enc_fail(errmsg, -ENOENT, "apply: the changed files are not part of %s (no object the "
				       "link of the program read is built from them)",
				       project_target(enc->proj) ? project_target(enc->proj) : "the program");
			goto out;
		}
	}
	if (nts == 0) {
		err = enc_fail(errmsg, -ENOENT, "apply: no translation unit is built from the changed files");
		goto out;
	}
	if ((err = injected(enc, 1, errmsg)) < 0)
		goto out;

	/* Step 2: compile into the generation's folder. */
	snprintf(dir, sizeof(dir), "%s/gen/%03u", project_state_path(enc->proj), gen);
	make_dirs(dir);
	{
		const char *const **argvs = calloc(nts, sizeof(*argvs));
		const char **dirs = calloc(nts, sizeof(*dirs));
		struct compile *cs = calloc(nts, sizeof(*cs));
		uint64_t c0 = now_us();

		for (size_t i = 0; argvs && dirs && cs && i < nts && err == 0; i++) {
			const char *const *argv = project_tu_argv(enc->proj, ts[i].tu);
			const char *src = project_tu_file(enc->proj, ts[i].tu), *base = strrchr(src, '/');
			const char *opt = optimised(argv), *unfit;
			char flag[64];

			/* The code that runs: what its CU's DW_AT_producer says. */
			if (!opt && (unfit = producer_unfit(dbg_cu_producer(enc->dbg, src), flag, sizeof(flag))))
				err = enc_fail(errmsg, -EINVAL, "the running code of '%s' was compiled with %s (its "
					       "DW_AT_producer says so): it cannot be edited and continued; rebuild it "
					       "with encide's profile ('build') and run it again", src, unfit);
			else if (opt)
				err = enc_fail(errmsg, -EINVAL, "'%s' is compiled with %s: optimised code cannot be "
					       "edited and continued (encide's build uses -O0)", src, opt);
			else if (asprintf(&ts[i].object, "%s/%.*s.o", dir, (int)strcspn(base ? base + 1 : src, "."),
					  base ? base + 1 : src) < 0 ||
				 !(argvs[i] = (const char *const *)gen_argv(argv, ts[i].object)))
				err = enc_fail(errmsg, -ENOMEM, "out of memory");
			dirs[i] = project_tu_dir(enc->proj, ts[i].tu);
		}
		if (!argvs || !dirs || !cs)
			err = enc_fail(errmsg, -ENOMEM, "out of memory");
		/* Every TU at once (as many as there are processors). */
		if (err == 0 && (err = compile_all(cs, argvs, dirs, nts)) < 0)
			enc_fail(errmsg, err, "cannot run the compiler: %s", strerror(-err));
		compile_us = now_us() - c0;
		for (size_t i = 0; cs && i < nts && err == 0; i++)
			if (!WIFEXITED(cs[i].status) || WEXITSTATUS(cs[i].status) != 0)
				err = enc_fail(errmsg, -EIO, "compile error, nothing applied:\n%s",
					       cs[i].out ? cs[i].out : project_tu_file(enc->proj, ts[i].tu));
		for (size_t i = 0; i < nts; i++) {
			if (argvs)
				free((void *)argvs[i]);
			if (cs)
				free(cs[i].out);
		}
		free(argvs);
		free(dirs);
		free(cs);
		if (err < 0)
			goto out;
	}
	for (size_t i = 0; i < nts; i++) {
		const char *was;

		if ((err = obj_open(&ts[i].new, ts[i].object, errmsg)) < 0)
			goto out;
		if ((was = current_object(enc, ts[i].tu)) && (err = obj_open(&ts[i].old, was, errmsg)) < 0)
			goto out;
	}
	if ((err = injected(enc, 2, errmsg)) < 0)
		goto out;

	/* Steps 3-4: diff and refuse. */
	for (size_t i = 0; i < nts; i++) {
		if ((err = refuse_layouts(enc, &ts[i], errmsg)) < 0)
			goto out;
		if ((err = plan_tu(enc, &ts[i], &changed, &nchanged, &added, &nadded, &vars, &nvars, &moved,
				   &nmoved, &removed, &nremoved, errmsg)) < 0)
			goto out;
	}
	if ((err = refuse_signatures(enc, ts, nts, errmsg)) < 0)
		goto out;
	if ((err = injected(enc, 3, errmsg)) < 0)
		goto out;
	if (nchanged == 0 && nadded == 0 && nvars == 0 && nremoved == 0) {
		/* A comment, blank lines, an edit undone: no code changed. */
		err = 1;
		goto out;
	}

	/* Step 5: load (libc_nonshared.a's members new code needs too). */
	for (size_t i = 0; i < nts; i++) {
		struct nonshared_ctx ns = { enc, project_tu_argv(enc->proj, ts[i].tu)[0], dir, gen };

		ts[i].plan.undefined = nonshared_resolve;
		ts[i].plan.undefined_arg = &ns;
		err = load_object(enc->dbg, ts[i].new, &ts[i].plan, &ts[i].loaded, errmsg);
		ts[i].plan.undefined = NULL;
		if (err < 0 ||
		    (err = injected(enc, 4, errmsg)) < 0)
			goto unload;
	}

	/* Step 6: redirect (from here on the program's code changes; every
	 * byte is logged, and a failure puts them back). */
	for (size_t i = 0; i < nts; i++) {
		struct obj *o = ts[i].new;

		for (size_t k = 1; k < o->nsyms; k++) {
			const struct obj_symbol *s = &o->syms[k];
			const char *lookup_cu = s->bind == STB_LOCAL ? (o->source ? o->source : "") : NULL;
			uint64_t target;
			struct patched *p;

			if (!ts[i].changed[k] || s->shndx >= o->nsecs || !ts[i].plan.load[s->shndx])
				continue;
			target = ts[i].loaded.sec_addr[s->shndx] + s->value;
			if ((p = patched_find(enc, s->name, lookup_cu))) {
				for (size_t c = 0; c < p->ncopies; c++)
					if ((err = enc_redirect(enc, &log, p->copies[c].entry, target, errmsg)) < 0)
						goto undo;
			} else {
				uint64_t orig;

				if (dbg_lookup_symbol(enc->dbg, s->name, lookup_cu, &orig, NULL) < 0)
					continue;
				if ((err = enc_redirect(enc, &log, orig, target, errmsg)) < 0)
					goto undo;
			}
			if ((err = injected(enc, 5, errmsg)) < 0)
				goto undo;
		}
	}
	if ((err = injected(enc, 6, errmsg)) < 0)
		goto undo;

	/* Step 7: the generation. Nothing fails from here on. */
	enc->gen = gen;
	enc->reverted = false;
	for (size_t i = 0; i < nts; i++) {
		struct obj *o = ts[i].new;

		for (size_t k = 1; k < o->nsyms; k++) {
			const struct obj_symbol *s = &o->syms[k];
			const char *lookup_cu = s->bind == STB_LOCAL ? (o->source ? o->source : "") : NULL;
			struct patched *p;
			struct added_var *v;
			char base[256];

			if (s->shndx >= o->nsecs || !ts[i].plan.load[s->shndx])
				continue;
			if (s->type == STT_FUNC) {
				uint64_t target = ts[i].loaded.sec_addr[s->shndx] + s->value, orig, size = 0;

				if (!(p = patched_find(enc, s->name, lookup_cu))) {
					if (!(p = patched_add(enc, s->name, lookup_cu)))
						continue;
					if (ts[i].changed[k] &&
					    dbg_lookup_symbol(enc->dbg, s->name, lookup_cu, &orig, &size) == 0) {
						long was = ts[i].old ? obj_find(ts[i].old, s->name, STT_FUNC) : -1;

						if (!size && was >= 0)
							size = ts[i].old->syms[was].size;
						p->in_image = true;
						enc_copy_add(p, orig, size, 0, ts[i].old ? ts[i].old->path : "");
						keep_orig_bytes(p, &log, orig);
					}
				}
				/* Frames in the older copies are superseded by this one. */
				for (size_t c = 0; c < p->ncopies; c++)
					dbg_code_replaced(enc->dbg, p->copies[c].entry, p->copies[c].entry + p->copies[c].size,
							  gen);
				enc_copy_add(p, target, s->size, gen, ts[i].object);
				continue;
			}
			if (s->type != STT_OBJECT || ts[i].plan.addr[k])
				continue;
			v = realloc(enc->vars, (enc->nvars + 1) * sizeof(*v));
			if (!v)
				continue;
			enc->vars = v;
			obj_base_name(s->name, base, sizeof(base));
			v[enc->nvars++] = (struct added_var){
				.name = strdup(base), .cu = lookup_cu ? strdup(lookup_cu) : NULL,
				.func = s->bind == STB_LOCAL && strcmp(base, s->name) != 0 && obj_static_owner(o, k)
						? strdup(obj_static_owner(o, k)) : NULL,
				.addr = ts[i].loaded.sec_addr[s->shndx] + s->value };
		}
	}
	for (size_t i = 0; i < nts; i++) {
		const char *src = project_tu_file(enc->proj, ts[i].tu);
		struct tu_obj *slot = NULL;
		struct gen_region *rv;

		for (size_t j = 0; j < enc->nobjs; j++)
			if (strcmp(enc->objs[j].source, src) == 0)
				slot = &enc->objs[j];
		if (!slot) {
			struct tu_obj *v = realloc(enc->objs, (enc->nobjs + 1) * sizeof(*v));

			if (v) {
				enc->objs = v;
				slot = &v[enc->nobjs++];
				*slot = (struct tu_obj){ .source = strdup(src) };
			}
		}
		if (slot) {
			free(slot->object);
			slot->object = ts[i].object;
			slot->gen = gen;
			ts[i].object = NULL;
			/* Its types are the next apply's old ones (the ones this apply
			 * borrowed as its old ones go). */
			types_free(slot->types, slot->ntypes);
			if (ts[i].old_types_kept) {
				ts[i].old_types = NULL;
				ts[i].nold_types = 0;
				ts[i].old_types_kept = false;
			}
			slot->types = ts[i].new_types;
			slot->ntypes = ts[i].nnew_types;
			ts[i].new_types = NULL;
			ts[i].nnew_types = 0;
		}
		/* The debugger learns the new code: lines, frames, breakpoints. */
		{
			uint64_t *sizes = calloc(ts[i].new->nsecs ? ts[i].new->nsecs : 1, sizeof(*sizes));

			for (size_t k = 0; sizes && k < ts[i].new->nsecs; k++)
				sizes[k] = ts[i].new->secs[k].size;
			if (sizes)
				dbg_add_code(enc->dbg, slot ? slot->object : "", gen, ts[i].loaded.sec_addr, sizes,
					     ts[i].new->nsecs);
			free(sizes);
		}
		rv = realloc(enc->regions, (enc->nregions + 1) * sizeof(*rv));
		if (rv) {
			enc->regions = rv;
			rv[enc->nregions++] = (struct gen_region){ .r = ts[i].loaded, .gen = gen,
				.object = strdup(slot && slot->object ? slot->object : "") };
			ts[i].loaded.sec_addr = NULL;
			ts[i].loaded.refs = NULL;
		}
	}
	/* The frames follow: every thread's top frame in replaced code moves to
	 * the new code; the others move when control comes back to them. */
	follow_threads(enc);
	old_frames = follow_stale_frames(enc, &nold);
	dbg_break_refresh(enc->dbg);
	{
		char name[16];

		snprintf(name, sizeof(name), "upd%03u", enc->gen);
		bus_emit_enc_applied(enc->bus, &(struct ev_enc_applied){
			.generation = enc->gen, .name = name, .changed = (const char *const *)changed,
			.added = (const char *const *)added, .variables = (const char *const *)vars,
			.old_frames = (const char *const *)old_frames, .moved = (const char *const *)moved,
			.removed = (const char *const *)removed,
			.compile_us = (int64_t)compile_us, .total_us = (int64_t)(now_us() - t0) });
	}
	goto out;
undo:
	enc_undo(enc, &log);
unload:
	for (size_t i = 0; i < nts; i++)
		if (ts[i].loaded.base)
			load_undo(enc->dbg, &ts[i].loaded);
	nonshared_undo(enc, regions_before);
out:
	if (err < 0)
		bus_emit_enc_rejected(enc->bus, &(struct ev_enc_rejected){ .reason = errmsg && *errmsg ? *errmsg : "failed" });
	for (size_t i = 0; i < nts; i++)
		tu_apply_release(&ts[i]);
	free(ts);
	free(log.v);
	list_free(changed, nchanged);
	list_free(added, nadded);
	list_free(vars, nvars);
	list_free(moved, nmoved);
	list_free(removed, nremoved);
	list_free(old_frames, nold);
	return err;
}
