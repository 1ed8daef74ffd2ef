/* The snapshot store on real object databases: blob ids are git's (checked
 * with the git command), blobs read back, build and run records survive a
 * reopen, a new run forgets the last one's generations, nothing writes a
 * ref, and the line map between two stored versions is a guess. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "editor/editor.h"
#include "tests/unit/harness.h"

static char *store_dir(void)
{
	char *dir;

	CHECK(asprintf(&dir, "%s/state/projects/p-1/snapshots", harness_tmpdir()) > 0);
	return dir;
}

static struct snapshot *open_store(const char *dir)
{
	struct snapshot *s = NULL;
	char *err = NULL;

	if (snap_open(&s, dir, &err) != 0)
		harness_fail(__FILE__, __LINE__, "snap_open: %s", err ? err : "?");
	return s;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	fputs(text, f);
	fclose(f);
}

/* What `git hash-object path` says. */
static void git_hash(const char *path, char out[BLOB_ID_HEX])
{
	char *argv[] = { "git", "hash-object", (char *)path, NULL }, *text = NULL;

	CHECK_INT(harness_run(harness_tmpdir(), argv, &text), 0);
	CHECK(strlen(text) >= 40);
	memcpy(out, text, 40);
	out[40] = '\0';
	free(text);
}

TEST(snapshot_blobs_are_git_blobs)
{
	char *dir = store_dir(), path[4096], hex[BLOB_ID_HEX], githex[BLOB_ID_HEX], *data, *err = NULL, *shown = NULL;
	struct snapshot *s = open_store(dir);
	struct blob_id id, again, parsed;
	size_t len;

	snprintf(path, sizeof(path), "%s/main.c", harness_tmpdir());
	write_file(path, "int main(void)\n{\n\treturn 0;\n}\n");
	CHECK_INT(snap_put_file(s, path, &id, &err), 0);
	blob_id_hex(&id, hex);
	git_hash(path, githex);
	CHECK_STR(hex, githex);
	CHECK_INT(blob_id_parse(&parsed, hex), 0);
	CHECK(blob_id_equal(&parsed, &id));
	CHECK_INT(blob_id_parse(&parsed, "xyz"), -EINVAL);
	/* The same bytes from memory: the same blob. */
	CHECK_INT(snap_put(s, "int main(void)\n{\n\treturn 0;\n}\n", 30, &again), 0);
	CHECK(blob_id_equal(&id, &again));
	CHECK_INT(snap_get(s, &id, &data, &len), 0);
	CHECK_INT(len, 30);
	CHECK_STR(data, "int main(void)\n{\n\treturn 0;\n}\n");
	free(data);
	/* git itself reads the store. */
	{
		char gitdir[4200], *argv[] = { "git", gitdir, "cat-file", "-p", hex, NULL };

		snprintf(gitdir, sizeof(gitdir), "--git-dir=%s", snap_dir(s));
		CHECK_INT(harness_run(harness_tmpdir(), argv, &shown), 0);
		CHECK_STR(shown, "int main(void)\n{\n\treturn 0;\n}\n");
		free(shown);
	}
	/* An unknown blob. */
	memset(again.raw, 0xab, sizeof(again.raw));
	CHECK_INT(snap_get(s, &again, &data, &len), -ENOENT);
	CHECK(strstr(snap_error(s), "no such blob"));
	snap_free(s);
	free(dir);
}

TEST(snapshot_file_changes_give_new_blobs)
{
	char *dir = store_dir(), path[4096], *err = NULL, *data;
	struct snapshot *s = open_store(dir);
	struct blob_id a, b, c;
	size_t len;

	snprintf(path, sizeof(path), "%s/f.c", harness_tmpdir());
	write_file(path, "one\n");
	CHECK_INT(snap_put_file(s, path, &a, &err), 0);
	CHECK_INT(snap_put_file(s, path, &b, &err), 0); /* unchanged: the cache */
	CHECK(blob_id_equal(&a, &b));
	/* Rewritten (a new inode by rename, as editors and encide save). */
	{
		char tmp[4200];

		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		write_file(tmp, "two lines\nnow\n");
		CHECK_INT(rename(tmp, path), 0);
	}
	CHECK_INT(snap_put_file(s, path, &c, &err), 0);
	CHECK(!blob_id_equal(&a, &c));
	CHECK_INT(snap_get(s, &c, &data, &len), 0);
	CHECK_STR(data, "two lines\nnow\n");
	free(data);
	CHECK_INT(snap_put_file(s, "/no/such/file.c", &c, &err), -ENOENT);
	CHECK(err && strstr(err, "/no/such/file.c"));
	free(err);
	snap_free(s);
	free(dir);
}

TEST(snapshot_generations_survive_reopen)
{
	char *dir = store_dir();
	struct snapshot *s = open_store(dir);
	struct blob_id v0, v1, v2, hdr, got;
	const char *file;
	unsigned gen;

	CHECK_INT(snap_put(s, "a\n", 2, &v0), 0);
	CHECK_INT(snap_put(s, "a\nb\n", 4, &v1), 0);
	CHECK_INT(snap_put(s, "a\nb\nc\n", 6, &v2), 0);
	CHECK_INT(snap_put(s, "#define N 1\n", 12, &hdr), 0);
	CHECK_INT(snap_record(s, "/p/main.c", 0, &v0), -ENOENT); /* no run yet */
	CHECK_INT(snap_build_begin(s), 0);
	CHECK_INT(snap_build_record(s, "/p/main.c", &v0), 0);
	CHECK_INT(snap_build_record(s, "/p/with space.h", &hdr), 0);
	CHECK_INT(snap_build_record(s, "/p/bad\nname.c", &hdr), -EINVAL);
	CHECK(snap_run_label(s) == NULL);
	CHECK_INT(snap_run_begin(s, "pid 42 /p/bin/p"), 0);
	CHECK_INT(snap_record(s, "/p/main.c", 0, &v0), 0);
	CHECK_INT(snap_record(s, "/p/with space.h", 0, &hdr), 0);
	CHECK_INT(snap_record(s, "/p/main.c", 1, &v1), 0);
	CHECK_INT(snap_record(s, "/p/main.c", 3, &v2), 0);
	snap_free(s);

	s = open_store(dir);
	CHECK_STR(snap_run_label(s), "pid 42 /p/bin/p");
	CHECK_INT(snap_generation(s), 3);
	CHECK_INT(snap_built(s, "/p/with space.h", &got), 0);
	CHECK(blob_id_equal(&got, &hdr));
	CHECK_INT(snap_lookup(s, "/p/main.c", 0, &got), 0);
	CHECK(blob_id_equal(&got, &v0));
	CHECK_INT(snap_lookup(s, "/p/main.c", 2, &got), 0); /* unchanged by upd002 */
	CHECK(blob_id_equal(&got, &v1));
	CHECK_INT(snap_lookup(s, "/p/main.c", 7, &got), 0);
	CHECK(blob_id_equal(&got, &v2));
	CHECK_INT(snap_lookup(s, "/p/with space.h", 3, &got), 0);
	CHECK(blob_id_equal(&got, &hdr));
	CHECK_INT(snap_lookup(s, "/p/other.c", 3, &got), -ENOENT);
	CHECK(snap_record_at(s, 0, &file, &gen, &got));
	CHECK_STR(file, "/p/main.c");
	CHECK_INT(gen, 0);
	CHECK(!snap_record_at(s, 4, &file, &gen, &got));

	/* A new run forgets the generations, keeps the build. */
	CHECK_INT(snap_run_begin(s, "pid 43 /p/bin/p"), 0);
	CHECK_INT(snap_lookup(s, "/p/main.c", 3, &got), -ENOENT);
	CHECK_INT(snap_generation(s), 0);
	CHECK_INT(snap_built(s, "/p/main.c", &got), 0);
	snap_free(s);
	s = open_store(dir);
	CHECK_STR(snap_run_label(s), "pid 43 /p/bin/p");
	CHECK_INT(snap_lookup(s, "/p/main.c", 0, &got), -ENOENT);
	CHECK_INT(snap_built(s, "/p/main.c", &got), 0);
	CHECK(blob_id_equal(&got, &v0));
	/* A new build forgets the old build, keeps the run. */
	CHECK_INT(snap_record(s, "/p/main.c", 0, &v2), 0);
	CHECK_INT(snap_build_begin(s), 0);
	CHECK_INT(snap_built(s, "/p/main.c", &got), -ENOENT);
	snap_free(s);
	s = open_store(dir);
	CHECK_INT(snap_built(s, "/p/main.c", &got), -ENOENT);
	CHECK_INT(snap_lookup(s, "/p/main.c", 0, &got), 0);
	CHECK(blob_id_equal(&got, &v2));
	snap_free(s);
	free(dir);
}

/* The store never writes a ref: git finds none in it. */
TEST(snapshot_writes_no_ref)
{
	char *dir = store_dir(), gitdir[4200], *refs = NULL;
	struct snapshot *s = open_store(dir);
	struct blob_id id;
	char *argv[] = { "git", gitdir, "for-each-ref", NULL };

	CHECK_INT(snap_put(s, "x\n", 2, &id), 0);
	CHECK_INT(snap_run_begin(s, "pid 1 x"), 0);
	CHECK_INT(snap_record(s, "/p/x.c", 0, &id), 0);
	snprintf(gitdir, sizeof(gitdir), "--git-dir=%s", dir);
	CHECK_INT(harness_run(harness_tmpdir(), argv, &refs), 0);
	CHECK_STR(refs, "");
	free(refs);
	snap_free(s);
	free(dir);
}

TEST(snapshot_linemap_is_a_guess)
{
	char *dir = store_dir();
	struct snapshot *s = open_store(dir);
	struct blob_id a, b;
	struct linemap *m;

	CHECK_INT(snap_put(s, "int x;\nvoid f(void)\n{\n\tx++;\n}\n", 30, &a), 0);
	CHECK_INT(snap_put(s, "int x;\nint y;\n\nvoid f(void)\n{\n\tx++;\n\ty++;\n}\n", 45, &b), 0);
	CHECK_INT(snap_linemap(s, &a, &b, &m), 0);
	CHECK(linemap_guess(m));
	CHECK_INT(linemap_get(m, 1), 1);
	CHECK_INT(linemap_get(m, 4), 6);
	CHECK_INT(linemap_get(m, 5), 8);
	linemap_free(m);
	CHECK_INT(snap_linemap(s, &a, &a, &m), 0);
	CHECK(!linemap_guess(m));
	CHECK_INT(linemap_get(m, 4), 4);
	linemap_free(m);
	snap_free(s);
	free(dir);
}
