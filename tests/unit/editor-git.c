/* The user's repository through libgit2, on real repositories the git
 * command makes here: a branch with commits, HEAD moving under us, an
 * unborn branch, a detached HEAD, untracked, added, modified and deleted
 * files, a folder that is no repository and a bare one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "editor/editor.h"
#include "tests/unit/harness.h"

static char *path_in(const char *name)
{
	char *p;

	CHECK(asprintf(&p, "%s/%s", harness_tmpdir(), name) > 0);
	return p;
}

static void write_file(const char *name, const char *text)
{
	char *p = path_in(name);
	FILE *f = fopen(p, "w");

	CHECK(f != NULL);
	fputs(text, f);
	fclose(f);
	free(p);
}

/* Runs git with args in the repository at <tmp>/repo; its stdout (trimmed)
 * into out if not NULL. */
static void git(const char *dir, char **out, const char *a, const char *b, const char *c, const char *d)
{
	char *argv[] = { "git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main",
			 (char *)a, (char *)b, (char *)c, (char *)d, NULL };
	char *text = NULL;

	if (harness_run(dir, argv, &text) != 0)
		harness_fail(__FILE__, __LINE__, "git %s %s failed", a, b ? b : "");
	if (out) {
		text[strcspn(text, "\n")] = '\0';
		*out = text;
	} else {
		free(text);
	}
}

static struct repo *open_repo(const char *path)
{
	struct repo *r = NULL;
	char *err = NULL;

	if (repo_open(&r, path, &err) != 0)
		harness_fail(__FILE__, __LINE__, "repo_open: %s", err ? err : "?");
	return r;
}

/* The flags of path among the status list, -1 when not listed. */
static long listed(struct repo *r, const char *name)
{
	struct repo_file *v;
	size_t n;
	char *p = path_in(name), real[4096];
	long flags = -1;

	CHECK(realpath(harness_tmpdir(), real) != NULL);
	free(p);
	CHECK(asprintf(&p, "%s/%s", real, name) > 0);
	CHECK_INT(repo_status(r, &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].path, p) == 0)
			flags = (long)v[i].flags;
	repo_files_free(v, n);
	free(p);
	return flags;
}

TEST(git_no_repository_and_bare)
{
	struct repo *r = NULL;
	char *err = NULL, *bare = path_in("bare.git");

	CHECK_INT(repo_open(&r, harness_tmpdir(), &err), -ENOENT);
	CHECK(err && strstr(err, "is not in a git repository"));
	free(err);
	err = NULL;
	git(harness_tmpdir(), NULL, "init", "-q", "--bare", "bare.git");
	CHECK_INT(repo_open(&r, bare, &err), -ENOENT);
	CHECK(err && strstr(err, "bare"));
	free(err);
	err = NULL;
	CHECK_INT(repo_open(&r, "/no/such/dir", &err), -ENOENT);
	free(err);
	free(bare);
}

TEST(git_branch_commits_and_status)
{
	struct repo *r;
	const struct repo_head *h;
	char *head = NULL, *blobhex = NULL, hex[BLOB_ID_HEX], *data, *sub = path_in("src/lib.c"), *main_c = path_in("main.c");
	struct blob_id id;
	size_t len;
	unsigned flags;

	git(harness_tmpdir(), NULL, "init", "-q", NULL, NULL);
	write_file("main.c", "int main(void)\n{\n\treturn 0;\n}\n");
	{
		char *src = path_in("src");

		mkdir(src, 0700);
		free(src);
	}
	write_file("src/lib.c", "int lib;\n");
	git(harness_tmpdir(), NULL, "add", "-A", NULL, NULL);
	git(harness_tmpdir(), NULL, "commit", "-q", "-m", "one");
	r = open_repo(sub); /* found from a file in a subfolder */
	CHECK_INT(repo_head(r, &h), 0);
	CHECK_STR(h->branch, "main");
	CHECK(!h->detached && !h->unborn);
	git(harness_tmpdir(), &head, "rev-parse", "HEAD", NULL, NULL);
	CHECK_STR(h->commit, head);
	free(head);
	/* HEAD's blob of main.c is git's. */
	CHECK_INT(repo_head_blob(r, main_c, &id, &data, &len), 0);
	CHECK_STR(data, "int main(void)\n{\n\treturn 0;\n}\n");
	free(data);
	blob_id_hex(&id, hex);
	git(harness_tmpdir(), &blobhex, "rev-parse", "HEAD:main.c", NULL, NULL);
	CHECK_STR(hex, blobhex);
	free(blobhex);
	CHECK_INT(listed(r, "main.c"), -1); /* clean */
	CHECK_INT(repo_file_status(r, main_c, &flags), 0);
	CHECK_INT(flags, 0);
	CHECK(repo_mark(flags) == ' ');

	/* Modified, untracked, added, deleted. */
	write_file("main.c", "int main(void)\n{\n\treturn 1;\n}\n");
	write_file("new.c", "int fresh;\n");
	write_file("staged.c", "int staged;\n");
	git(harness_tmpdir(), NULL, "add", "staged.c", NULL, NULL);
	unlink(sub);
	CHECK_INT(listed(r, "main.c"), REPO_MODIFIED);
	CHECK_INT(listed(r, "new.c"), REPO_UNTRACKED);
	CHECK_INT(listed(r, "staged.c"), REPO_ADDED);
	CHECK_INT(listed(r, "src/lib.c"), REPO_DELETED);
	CHECK(repo_mark(REPO_MODIFIED) == 'M' && repo_mark(REPO_UNTRACKED) == '?' && repo_mark(REPO_ADDED) == 'A' &&
	      repo_mark(REPO_DELETED) == 'D');
	CHECK_INT(repo_file_status(r, main_c, &flags), 0);
	CHECK_INT(flags, REPO_MODIFIED);
	/* The untracked file has no blob in HEAD. */
	{
		char *p = path_in("new.c");

		CHECK_INT(repo_head_blob(r, p, &id, NULL, NULL), -ENOENT);
		free(p);
	}

	/* A commit made behind our back moves HEAD. */
	git(harness_tmpdir(), NULL, "commit", "-q", "-am", "two");
	CHECK_INT(repo_head(r, &h), 0);
	git(harness_tmpdir(), &head, "rev-parse", "HEAD", NULL, NULL);
	CHECK_STR(h->commit, head);
	free(head);
	CHECK_INT(repo_head_blob(r, main_c, &id, &data, &len), 0);
	CHECK(strstr(data, "return 1;"));
	free(data);

	/* Detached. */
	git(harness_tmpdir(), NULL, "checkout", "-q", "--detach", "HEAD~1");
	CHECK_INT(repo_head(r, &h), 0);
	CHECK(h->detached);
	CHECK(h->branch == NULL);
	git(harness_tmpdir(), &head, "rev-parse", "HEAD", NULL, NULL);
	CHECK_STR(h->commit, head);
	free(head);
	CHECK_INT(repo_head_blob(r, main_c, &id, &data, &len), 0);
	CHECK(strstr(data, "return 0;"));
	free(data);
	repo_free(r);
	free(sub);
	free(main_c);
}

TEST(git_unborn_branch)
{
	struct repo *r;
	const struct repo_head *h;
	struct blob_id id;
	char *file = path_in("first.c");

	git(harness_tmpdir(), NULL, "init", "-q", "-b", "trunk");
	write_file("first.c", "int x;\n");
	r = open_repo(harness_tmpdir());
	CHECK_INT(repo_head(r, &h), 0);
	CHECK(h->unborn);
	CHECK(!h->detached);
	CHECK_STR(h->branch, "trunk");
	CHECK_STR(h->commit, "");
	CHECK_INT(repo_head_blob(r, file, &id, NULL, NULL), -ENOENT);
	CHECK_INT(listed(r, "first.c"), REPO_UNTRACKED);
	/* The first commit is seen. */
	git(harness_tmpdir(), NULL, "add", "first.c", NULL, NULL);
	git(harness_tmpdir(), NULL, "commit", "-q", "-m", "first");
	CHECK_INT(repo_head(r, &h), 0);
	CHECK(!h->unborn);
	CHECK_STR(h->branch, "trunk");
	CHECK_INT(repo_head_blob(r, file, &id, NULL, NULL), 0);
	repo_free(r);
	free(file);
}
