/* Functions of the C library's static part. glibc's libc.so is a linker
 * script that adds libc_nonshared.a to every link: atexit(),
 * at_quick_exit(), pthread_atfork() are copied into a program from there,
 * and only into one that calls them. New code that calls atexit() in a
 * program that never did finds it neither in the program nor in
 * libc.so.6. The member of the archive that defines it is then loaded into
 * the program like a generation's object (a region of its own near the
 * image), once; its own references (__cxa_atexit, __dso_handle) resolve as
 * any undefined symbol does.
 *
 *   new object: call atexit  --(the loader finds it neither in the program
 *   nor in libc.so.6: plan->undefined)-->
 *   `cc -print-file-name=libc_nonshared.a`  ->  its symbol index  ->
 *   member atexit.oS  ->  <state>/gen/NNN/nonshared-atexit.oS.o  -> loaded
 */
#include <errno.h>
#include <fcntl.h>
#include <libelf.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "debugger/debugger.h"
#include "enc/enc-int.h"

extern char **environ;

/* The archive the compiler links with: its answer to -print-file-name
 * (the name itself when it has none). NULL when it cannot be asked. */
static char *archive_path(const char *compiler)
{
	const char *argv[] = { compiler, "-print-file-name=libc_nonshared.a", NULL };
	posix_spawn_file_actions_t fa;
	char buf[4096], *path = NULL;
	size_t len = 0;
	int pipefd[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	if (posix_spawnp(&pid, compiler, &fa, NULL, (char *const *)argv, environ) != 0)
		pid = 0;
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	while (pid && len + 1 < sizeof(buf) && (n = read(pipefd[0], buf + len, sizeof(buf) - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	close(pipefd[0]);
	while (pid && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (pid && buf[0] == '/' && access(buf, R_OK) == 0)
		path = strdup(buf);
	return path;
}

/* Writes the archive member that defines name (used by section user) to a
 * file of dir: its path (caller frees), or NULL with *errmsg. */
static char *extract_member(const char *archive, const char *name, const char *user, const char *dir,
			    char **errmsg)
{
	int fd = open(archive, O_RDONLY | O_CLOEXEC);
	Elf *ar = NULL, *m = NULL;
	Elf_Arsym *syms;
	Elf_Arhdr *hdr;
	size_t nsyms = 0, size;
	char *path = NULL, *raw;

	if (fd < 0) {
		enc_fail(errmsg, -errno, "%s: %s", archive, strerror(errno));
		return NULL;
	}
	elf_version(EV_CURRENT);
	/* Mapped: libelf's elf_rawfile() of a member read into memory leaks
	 * its copy. */
	if (!(ar = elf_begin(fd, ELF_C_READ_MMAP, NULL)) || elf_kind(ar) != ELF_K_AR ||
	    !(syms = elf_getarsym(ar, &nsyms))) {
		enc_fail(errmsg, -EINVAL, "%s: not an archive with a symbol index", archive);
		goto out;
	}
	for (size_t i = 0; i < nsyms && syms[i].as_name; i++) {
		if (strcmp(syms[i].as_name, name) != 0)
			continue;
		if (elf_rand(ar, syms[i].as_off) != syms[i].as_off || !(m = elf_begin(fd, ELF_C_READ_MMAP, ar)) ||
		    !(hdr = elf_getarhdr(m)) || !(raw = elf_rawfile(m, &size))) {
			enc_fail(errmsg, -EINVAL, "%s: cannot read the member that defines '%s'", archive, name);
			goto out;
		}
		if (asprintf(&path, "%s/nonshared-%s.o", dir, hdr->ar_name) < 0) {
			path = NULL;
			goto out;
		}
		{
			int out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

			if (out < 0 || write(out, raw, size) != (ssize_t)size) {
				enc_fail(errmsg, -EIO, "%s: %s", path, strerror(errno));
				if (out >= 0)
					close(out);
				free(path);
				path = NULL;
				goto out;
			}
			close(out);
		}
		goto out;
	}
	enc_fail(errmsg, -ENOENT, "undefined symbol '%s' (used by %s) is not in the program, its libraries or %s "
		 "(a function declared nowhere?)", name, user, archive);
out:
	if (m)
		elf_end(m);
	if (ar)
		elf_end(ar);
	close(fd);
	return path;
}

/* Loads the member at path as a region of generation gen; *addr gets
 * name's address there. */
static int load_member(struct enc *enc, const char *path, const char *name, unsigned gen, uint64_t *addr,
		       char **errmsg)
{
	struct obj *o = NULL;
	struct load_plan plan = { 0 };
	struct load_result r = { 0 };
	struct gen_region *v;
	long k;
	int err;

	if ((err = obj_open(&o, path, errmsg)) < 0)
		return err;
	k = obj_find(o, name, STT_FUNC);
	plan.addr = calloc(o->nsyms ? o->nsyms : 1, sizeof(*plan.addr));
	plan.load = calloc(o->nsecs ? o->nsecs : 1, sizeof(*plan.load));
	if (k < 0 || !plan.addr || !plan.load) {
		err = enc_fail(errmsg, k < 0 ? -ENOENT : -ENOMEM, "%s does not define '%s'", path, name);
		goto out;
	}
	for (size_t i = 0; i < o->nsecs; i++)
		plan.load[i] = (o->secs[i].flags & SHF_ALLOC) && o->secs[i].size > 0;
	if ((err = load_object(enc->dbg, o, &plan, &r, errmsg)) < 0)
		goto out;
	v = realloc(enc->regions, (enc->nregions + 1) * sizeof(*v));
	if (!v) {
		load_undo(enc->dbg, &r);
		load_result_release(&r);
		err = enc_fail(errmsg, -ENOMEM, "out of memory");
		goto out;
	}
	enc->regions = v;
	*addr = r.sec_addr[o->syms[k].shndx] + o->syms[k].value;
	v[enc->nregions++] = (struct gen_region){ .r = r, .gen = gen, .object = strdup(path) };
out:
	free(plan.addr);
	free(plan.load);
	obj_free(o);
	return err;
}

/* The address of name in a member loaded before (its region still
 * there), or 0. */
static uint64_t loaded_before(const struct enc *enc, const char *name)
{
	for (size_t i = 0; i < enc->nsupport; i++)
		if (strcmp(enc->support[i].name, name) == 0 && enc->support[i].region < enc->nregions &&
		    !enc->regions[enc->support[i].region].released)
			return enc->support[i].addr;
	return 0;
}

int nonshared_resolve(void *arg, const char *name, const char *user, uint64_t *addr, char **errmsg)
{
	struct nonshared_ctx *c = arg;
	struct enc *enc = c->enc;
	struct support *v;
	char *member;
	int err;

	if ((*addr = loaded_before(enc, name)))
		return 0;
	if (!enc->nonshared && !enc->nonshared_asked) {
		enc->nonshared_asked = true;
		enc->nonshared = archive_path(c->compiler);
	}
	if (!enc->nonshared)
		return enc_fail(errmsg, -ENOENT, "undefined symbol '%s' (used by %s) is not in the program or its "
				"libraries", name, user);
	if (!(member = extract_member(enc->nonshared, name, user, c->dir, errmsg)))
		return -ENOENT;
	err = load_member(enc, member, name, c->gen, addr, errmsg);
	free(member);
	if (err < 0)
		return err;
	v = realloc(enc->support, (enc->nsupport + 1) * sizeof(*v));
	if (!v)
		return enc_fail(errmsg, -ENOMEM, "out of memory");
	enc->support = v;
	v[enc->nsupport++] = (struct support){ .name = strdup(name), .addr = *addr, .region = enc->nregions - 1 };
	return 0;
}

void nonshared_undo(struct enc *enc, size_t nregions)
{
	while (enc->nregions > nregions) {
		struct gen_region *r = &enc->regions[--enc->nregions];

		load_undo(enc->dbg, &r->r);
		load_result_release(&r->r);
		free(r->object);
		free(r->kept);
	}
	for (size_t i = enc->nsupport; i-- > 0;)
		if (enc->support[i].region >= nregions) {
			free(enc->support[i].name);
			enc->support[i] = enc->support[--enc->nsupport];
		}
}
