/* Buffers: atomic save, refusing to overwrite a file changed on disk, read-
 * only files, bytes that survive open and save unchanged, marks, columns,
 * and the journal read back after a session that did not save. */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "editor/editor.h"
#include "tests/unit/harness.h"

static char *path_in_tmp(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", harness_tmpdir(), name);
	return path;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL);
	CHECK_INT(fwrite(data, 1, len, f), len);
	fclose(f);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = malloc(1 << 20);

	CHECK(f != NULL);
	*len = fread(data, 1, 1 << 20, f);
	fclose(f);
	return data;
}

static void use_private_state(void)
{
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/state", harness_tmpdir());
	setenv("ENCIDE_STATE_DIR", dir, 1);
}

TEST(bytes_survive_open_and_save)
{
	/* CRLF lines, invalid UTF-8, NUL, a lone CR, no final newline. */
	const char data[] = "int a;\r\nchar *s = \"\xff\xfe\xc3\";\r\n\0\x01\rtail";
	char *path, *back;
	struct buffer *buf;
	char *err = NULL;
	size_t len;

	use_private_state();
	path = path_in_tmp("bytes.c");
	write_file(path, data, sizeof(data) - 1);
	CHECK_INT(buf_open(&buf, path, &err), 0);
	CHECK_INT(buf_size(buf), sizeof(data) - 1);
	CHECK_INT(buf_line_count(buf), 3);
	/* An edit and its undo, then save: every byte as it was. */
	CHECK_INT(buf_insert(buf, 3, "x", 1), 0);
	CHECK_INT(buf_undo(buf, NULL), 0);
	CHECK_INT(buf_save(buf, false, &err), 0);
	back = read_file(path, &len);
	CHECK_INT(len, sizeof(data) - 1);
	CHECK(memcmp(back, data, len) == 0);
	free(back);
	buf_free(buf);
}

TEST(save_is_atomic_and_keeps_the_mode)
{
	char *path = path_in_tmp("m.c"), *back, *err = NULL;
	struct buffer *buf;
	struct stat st;
	ino_t before;
	size_t len;

	use_private_state();
	write_file(path, "old\n", 4);
	chmod(path, 0751);
	stat(path, &st);
	before = st.st_ino;
	CHECK_INT(buf_open(&buf, path, &err), 0);
	CHECK(!buf_modified(buf));
	CHECK_INT(buf_insert(buf, 0, "new ", 4), 0);
	CHECK(buf_modified(buf));
	CHECK_INT(buf_save(buf, false, &err), 0);
	CHECK(!buf_modified(buf));
	stat(path, &st);
	CHECK_INT(st.st_mode & 07777, 0751);
	CHECK(st.st_ino != before); /* a new file renamed over the old one */
	back = read_file(path, &len);
	CHECK_INT(len, 8);
	CHECK(memcmp(back, "new old\n", 8) == 0);
	free(back);
	/* No temporary file is left behind. */
	CHECK(access(path_in_tmp("m.c.encide-XXXXXX"), F_OK) < 0);
	buf_free(buf);
}

TEST(a_file_changed_on_disk_is_not_overwritten)
{
	char *path = path_in_tmp("c.c"), *back, *err = NULL;
	struct buffer *buf;
	size_t len;

	use_private_state();
	write_file(path, "mine\n", 5);
	CHECK_INT(buf_open(&buf, path, &err), 0);
	CHECK_INT(buf_insert(buf, 0, "x", 1), 0);
	usleep(10000);
	write_file(path, "someone else's\n", 15);
	CHECK(buf_changed_on_disk(buf));
	CHECK_INT(buf_save(buf, false, &err), -EEXIST);
	CHECK(strstr(err, "changed on disk since it was read") != NULL);
	CHECK(strstr(err, "save!") != NULL);
	free(err);
	err = NULL;
	back = read_file(path, &len);
	CHECK_INT(len, 15); /* untouched */
	free(back);
	CHECK_INT(buf_save(buf, true, &err), 0); /* save! */
	back = read_file(path, &len);
	CHECK_INT(len, 6);
	CHECK(memcmp(back, "xmine\n", 6) == 0);
	free(back);
	buf_free(buf);
}

TEST(read_only_files_say_so)
{
	char *path = path_in_tmp("ro.c"), *err = NULL;
	struct buffer *buf;

	use_private_state();
	write_file(path, "ro\n", 3);
	chmod(path, 0444);
	CHECK_INT(buf_open(&buf, path, &err), 0);
	CHECK_INT(buf_insert(buf, 0, "x", 1), 0);
	CHECK(buf_save(buf, false, &err) < 0);
	CHECK(strstr(err, "is read-only") != NULL);
	free(err);
	buf_free(buf);
}

TEST(open_errors_name_the_file)
{
	struct buffer *buf = NULL;
	char *err = NULL;

	CHECK_INT(buf_open(&buf, "/no/such/file.c", &err), -ENOENT);
	CHECK_STR(err, "cannot open '/no/such/file.c': No such file or directory");
	free(err);
	CHECK_INT(buf_open(&buf, harness_tmpdir(), &err), -EISDIR);
	CHECK(strstr(err, "Is a directory") != NULL);
	free(err);
	CHECK(buf == NULL);
}

TEST(marks_move_with_edits)
{
	char *path = path_in_tmp("k.c"), *err = NULL;
	struct buffer *buf;
	size_t pos;
	int a, b;

	use_private_state();
	write_file(path, "0123456789", 10);
	CHECK_INT(buf_open(&buf, path, &err), 0);
	a = buf_mark_add(buf, 5);
	b = buf_mark_add(buf, 8);
	CHECK_INT(buf_insert(buf, 2, "xx", 2), 0);
	CHECK(buf_mark_pos(buf, a, &pos) && pos == 7);
	CHECK_INT(buf_delete(buf, 6, 3), 0); /* a (7) inside: goes to 6 */
	CHECK(buf_mark_pos(buf, a, &pos) && pos == 6);
	CHECK(buf_mark_pos(buf, b, &pos) && pos == 7);
	buf_mark_remove(buf, a);
	CHECK(!buf_mark_pos(buf, a, &pos));
	buf_free(buf);
}

TEST(columns_in_characters_and_cells)
{
	/* "\tx" then é (2 bytes), 日 (3 bytes, 2 cells), an invalid byte. */
	const char line[] = "\tx\xc3\xa9\xe6\x97\xa5\xff!";
	char *path = path_in_tmp("w.c"), *err = NULL;
	struct buffer *buf;
	size_t chars, cells;

	CHECK(setlocale(LC_CTYPE, "C.UTF-8") != NULL);
	use_private_state();
	write_file(path, line, sizeof(line) - 1);
	CHECK_INT(buf_open(&buf, path, &err), 0);
	buf_columns(buf, 1, 8, &chars, &cells);
	CHECK_INT(chars, 1);
	CHECK_INT(cells, 8);
	buf_columns(buf, 4, 8, &chars, &cells); /* after é */
	CHECK_INT(chars, 3);
	CHECK_INT(cells, 10);
	buf_columns(buf, 7, 8, &chars, &cells); /* after 日 */
	CHECK_INT(chars, 4);
	CHECK_INT(cells, 12);
	buf_columns(buf, 8, 4, &chars, &cells); /* after the invalid byte; tab 4 */
	CHECK_INT(chars, 5);
	CHECK_INT(cells, 4 + 1 + 1 + 2 + 4);
	buf_free(buf);
}

TEST(journal_brings_back_unsaved_edits)
{
	char *path = path_in_tmp("j.c"), *err = NULL, *got;
	struct buffer *buf;
	size_t len;

	use_private_state();
	write_file(path, "int main(void)\n{\n}\n", 19);
	CHECK_INT(buf_open(&buf, path, &err), 0);
	CHECK_INT(buf_recovery_count(buf), 0);
	CHECK_INT(buf_insert(buf, 17, "\treturn 0;\n", 11), 0);
	CHECK_INT(buf_delete(buf, 0, 4), 0);
	CHECK_INT(buf_insert(buf, 0, "long ", 5), 0);
	CHECK_INT(buf_journal_flush(buf), 0);
	buf_free(buf); /* as if the session died: not saved */

	CHECK_INT(buf_open(&buf, path, &err), 0);
	CHECK_INT(buf_recovery_count(buf), 3);
	CHECK_INT(buf_size(buf), 19); /* nothing applied until asked */
	CHECK_INT(buf_recover(buf), 0);
	got = malloc(buf_size(buf) + 1);
	len = buf_read(buf, 0, buf_size(buf), got);
	got[len] = '\0';
	CHECK_STR(got, "long main(void)\n{\n\treturn 0;\n}\n");
	free(got);
	CHECK(buf_modified(buf));
	CHECK_INT(buf_recovery_count(buf), 0);
	CHECK_INT(buf_journal_flush(buf), 0);
	CHECK_INT(buf_save(buf, false, &err), 0);
	buf_free(buf);

	/* Saved: nothing left to recover. */
	CHECK_INT(buf_open(&buf, path, &err), 0);
	CHECK_INT(buf_recovery_count(buf), 0);
	CHECK(buf_recovery_problem(buf) == NULL);
	buf_free(buf);
}

TEST(journal_for_other_content_is_kept_not_applied)
{
	char *path = path_in_tmp("s.c"), *err = NULL;
	struct buffer *buf;

	use_private_state();
	write_file(path, "a\n", 2);
	CHECK_INT(buf_open(&buf, path, &err), 0);
	CHECK_INT(buf_insert(buf, 0, "b", 1), 0);
	CHECK_INT(buf_journal_flush(buf), 0);
	buf_free(buf);
	write_file(path, "changed by someone\n", 19);
	CHECK_INT(buf_open(&buf, path, &err), 0);
	CHECK_INT(buf_recovery_count(buf), 0);
	CHECK(buf_recovery_problem(buf) != NULL);
	CHECK(strstr(buf_recovery_problem(buf), "other content") != NULL);
	buf_free(buf);
}
