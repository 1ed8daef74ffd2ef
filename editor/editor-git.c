/* The user's git repository, read-only, through libgit2: where HEAD is
 * (branch, detached, unborn), which files differ from it, and the HEAD
 * version of a file for the change gutter. Nothing here writes to the
 * repository: no index refresh, no refs, no objects.
 *
 * HEAD is re-resolved only when something under the git directory that
 * could move it changed: the stat of HEAD, of the branch's ref file, of
 * packed-refs and of the index make a stamp, compared on each question
 * (four stat calls instead of reading refs and objects).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>

#include "editor/editor.h"
#include "editor/editor-diff.h"

/* What moves HEAD or the status, as last seen. */
struct stamp {
	struct stat head, ref, packed, index; /* zeroed when missing */
};

struct repo {
	git_repository *git;  /* the repository */
	char *gitdir;         /* its .git directory, with a trailing '/' */
	char *workdir;        /* its working tree, with a trailing '/' */
	struct stamp seen;    /* the stamp HEAD was resolved at */
	bool resolved;        /* head and tree below are valid for seen */
	uint64_t epoch;       /* how many times HEAD was resolved */
	struct repo_head head; /* HEAD as of seen */
	git_tree *tree;       /* HEAD's tree; NULL when unborn or detached nowhere */
	char *error;          /* the last failure's message */
};

static void set_error(struct repo *r, const char *what)
{
	const git_error *e = git_error_last();

	free(r->error);
	if (asprintf(&r->error, "%s: %s", what, e && e->message ? e->message : "libgit2 failed") < 0)
		r->error = NULL;
}

const char *repo_error(const struct repo *r)
{
	return r->error ? r->error : "no error";
}

/* Appends '/' when missing; a new string. */
static char *with_slash(const char *dir)
{
	size_t len = strlen(dir);
	char *s = malloc(len + 2);

	if (!s)
		return NULL;
	memcpy(s, dir, len + 1);
	if (len == 0 || s[len - 1] != '/')
		strcpy(s + len, "/");
	return s;
}

int repo_open(struct repo **out, const char *path, char **errmsg)
{
	struct repo *r;
	char real[PATH_MAX];
	int err;

	*errmsg = NULL;
	diff_libgit2_init();
	if (!realpath(path, real)) {
		err = -errno;
		if (asprintf(errmsg, "%s: %s", path, strerror(errno)) < 0)
			*errmsg = NULL;
		return err;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	err = git_repository_open_ext(&r->git, real, 0, NULL);
	if (err == GIT_ENOTFOUND) {
		free(r);
		if (asprintf(errmsg, "%s is not in a git repository", real) < 0)
			*errmsg = NULL;
		return -ENOENT;
	}
	if (err != 0) {
		const git_error *e = git_error_last();

		if (asprintf(errmsg, "cannot open the git repository of %s: %s", real,
			     e && e->message ? e->message : "libgit2 failed") < 0)
			*errmsg = NULL;
		free(r);
		return -EIO;
	}
	if (git_repository_is_bare(r->git)) {
		git_repository_free(r->git);
		free(r);
		if (asprintf(errmsg, "%s is in a bare git repository (no working tree)", real) < 0)
			*errmsg = NULL;
		return -ENOENT;
	}
	r->gitdir = with_slash(git_repository_path(r->git));
	r->workdir = with_slash(git_repository_workdir(r->git));
	if (!r->gitdir || !r->workdir) {
		repo_free(r);
		return -ENOMEM;
	}
	*out = r;
	return 0;
}

static void head_release(struct repo_head *h)
{
	free(h->branch);
	*h = (struct repo_head){ 0 };
}

void repo_free(struct repo *r)
{
	if (!r)
		return;
	head_release(&r->head);
	git_tree_free(r->tree);
	git_repository_free(r->git);
	free(r->gitdir);
	free(r->workdir);
	free(r->error);
	free(r);
}

uint64_t repo_epoch(const struct repo *r)
{
	return r->epoch;
}

const char *repo_workdir(const struct repo *r)
{
	return r->workdir;
}

static void stat_or_zero(const char *dir, const char *name, struct stat *st)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s%s", dir, name);
	if (stat(path, st) < 0)
		memset(st, 0, sizeof(*st));
}

static bool stat_same(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void stamp_read(const struct repo *r, struct stamp *s)
{
	stat_or_zero(r->gitdir, "HEAD", &s->head);
	stat_or_zero(r->gitdir, "packed-refs", &s->packed);
	stat_or_zero(r->gitdir, "index", &s->index);
	/* The branch HEAD named last time (refs/heads/... is a path under gitdir). */
	if (r->head.branch) {
		char name[PATH_MAX];

		snprintf(name, sizeof(name), "refs/heads/%s", r->head.branch);
		stat_or_zero(r->gitdir, name, &s->ref);
	} else {
		memset(&s->ref, 0, sizeof(s->ref));
	}
}

static bool stamp_same(const struct stamp *a, const struct stamp *b)
{
	return stat_same(&a->head, &b->head) && stat_same(&a->ref, &b->ref) && stat_same(&a->packed, &b->packed) &&
	       stat_same(&a->index, &b->index);
}

/* Resolves HEAD into r->head and r->tree. */
static int resolve(struct repo *r)
{
	git_reference *ref = NULL;
	git_commit *commit = NULL;
	const char *target;
	int err;

	head_release(&r->head);
	git_tree_free(r->tree);
	r->tree = NULL;
	r->resolved = false;
	err = git_repository_head(&ref, r->git);
	if (err == GIT_EUNBORNBRANCH || err == GIT_ENOTFOUND) {
		/* No commit yet: HEAD names the branch the first one will make. */
		r->head.unborn = true;
		if (git_reference_lookup(&ref, r->git, "HEAD") == 0 &&
		    (target = git_reference_symbolic_target(ref)) != NULL)
			r->head.branch = strdup(strncmp(target, "refs/heads/", 11) == 0 ? target + 11 : target);
		git_reference_free(ref);
		goto done;
	}
	if (err != 0) {
		set_error(r, "cannot read HEAD");
		return -EIO;
	}
	r->head.detached = git_repository_head_detached(r->git) == 1;
	if (!r->head.detached)
		r->head.branch = strdup(git_reference_shorthand(ref));
	if (git_reference_peel((git_object **)&commit, ref, GIT_OBJECT_COMMIT) != 0 ||
	    git_commit_tree(&r->tree, commit) != 0) {
		set_error(r, "cannot read HEAD's commit");
		git_commit_free(commit);
		git_reference_free(ref);
		return -EIO;
	}
	git_oid_tostr(r->head.commit, sizeof(r->head.commit), git_commit_id(commit));
	git_commit_free(commit);
	git_reference_free(ref);
done:
	stamp_read(r, &r->seen);
	r->resolved = true;
	r->epoch++;
	return 0;
}

/* HEAD as of now: resolved again when the stamp moved. */
static int refresh(struct repo *r)
{
	struct stamp now;

	if (r->resolved) {
		stamp_read(r, &now);
		if (stamp_same(&now, &r->seen))
			return 0;
	}
	return resolve(r);
}

int repo_head(struct repo *r, const struct repo_head **out)
{
	int err = refresh(r);

	if (err == 0)
		*out = &r->head;
	return err;
}

/* path relative to the working tree, or NULL when outside it. */
static const char *relative(const struct repo *r, const char *path, char real[PATH_MAX])
{
	size_t n = strlen(r->workdir);

	if (!realpath(path, real)) {
		/* A deleted file: its folder still says where it was. */
		snprintf(real, PATH_MAX, "%s", path);
	}
	return strncmp(real, r->workdir, n) == 0 ? real + n : NULL;
}

int repo_head_blob(struct repo *r, const char *path, struct blob_id *id, char **data, size_t *len)
{
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	char real[PATH_MAX];
	const char *rel;
	int err;

	if ((err = refresh(r)) < 0)
		return err;
	rel = relative(r, path, real);
	if (!rel || !r->tree)
		return -ENOENT;
	if (git_tree_entry_bypath(&entry, r->tree, rel) != 0 || git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		git_tree_entry_free(entry);
		return -ENOENT;
	}
	memcpy(id->raw, git_tree_entry_id(entry)->id, sizeof(id->raw));
	if (data) {
		if (git_blob_lookup(&blob, r->git, git_tree_entry_id(entry)) != 0) {
			set_error(r, "cannot read a blob of HEAD");
			git_tree_entry_free(entry);
			return -EIO;
		}
		*len = (size_t)git_blob_rawsize(blob);
		*data = malloc(*len + 1);
		if (*data) {
			memcpy(*data, git_blob_rawcontent(blob), *len);
			(*data)[*len] = '\0';
		}
		git_blob_free(blob);
		if (!*data)
			err = -ENOMEM;
	}
	git_tree_entry_free(entry);
	return err;
}

/* Our flags from libgit2's status bits. */
static unsigned flags_of(unsigned st)
{
	unsigned f = 0;

	if (st & GIT_STATUS_INDEX_NEW)
		f |= REPO_ADDED;
	if (st & (GIT_STATUS_INDEX_MODIFIED | GIT_STATUS_INDEX_RENAMED | GIT_STATUS_INDEX_TYPECHANGE))
		f |= REPO_STAGED;
	if (st & GIT_STATUS_INDEX_DELETED)
		f |= REPO_DELETED | REPO_STAGED;
	if (st & (GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_TYPECHANGE | GIT_STATUS_WT_RENAMED))
		f |= REPO_MODIFIED;
	if (st & GIT_STATUS_WT_DELETED)
		f |= REPO_DELETED;
	if (st & GIT_STATUS_WT_NEW)
		f |= REPO_UNTRACKED;
	if (st & GIT_STATUS_IGNORED)
		f |= REPO_IGNORED;
	if (st & GIT_STATUS_CONFLICTED)
		f |= REPO_CONFLICTED;
	return f;
}

int repo_status(struct repo *r, struct repo_file **out, size_t *n)
{
	git_status_options opts;
	git_status_list *list = NULL;
	struct repo_file *v = NULL;
	size_t count, k = 0;

	*out = NULL;
	*n = 0;
	git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		     GIT_STATUS_OPT_SORT_CASE_SENSITIVELY;
	if (git_status_list_new(&list, r->git, &opts) != 0) {
		set_error(r, "cannot read the status");
		return -EIO;
	}
	count = git_status_list_entrycount(list);
	if (count && !(v = calloc(count, sizeof(*v)))) {
		git_status_list_free(list);
		return -ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
		const char *rel = d ? (d->new_file.path ? d->new_file.path : d->old_file.path) : NULL;
		unsigned f = flags_of(e->status);

		if (!rel || f == 0)
			continue;
		if (asprintf(&v[k].path, "%s%s", r->workdir, rel) < 0) {
			repo_files_free(v, k);
			git_status_list_free(list);
			return -ENOMEM;
		}
		v[k++].flags = f;
	}
	git_status_list_free(list);
	*out = v;
	*n = k;
	return 0;
}

void repo_files_free(struct repo_file *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

int repo_file_status(struct repo *r, const char *path, unsigned *flags)
{
	char real[PATH_MAX];
	const char *rel = relative(r, path, real);
	unsigned st = 0;
	int err;

	*flags = 0;
	if (!rel)
		return -ENOENT;
	err = git_status_file(&st, r->git, rel);
	if (err == GIT_ENOTFOUND)
		return -ENOENT;
	if (err != 0) {
		set_error(r, "cannot read a file's status");
		return -EIO;
	}
	*flags = flags_of(st);
	return 0;
}

char repo_mark(unsigned flags)
{
	if (flags & REPO_CONFLICTED)
		return 'U';
	if (flags & REPO_UNTRACKED)
		return '?';
	if (flags & REPO_DELETED)
		return 'D';
	if (flags & REPO_ADDED)
		return 'A';
	if (flags & (REPO_MODIFIED | REPO_STAGED))
		return 'M';
	if (flags & REPO_IGNORED)
		return '!';
	return ' ';
}
