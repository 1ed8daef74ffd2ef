/* The file tree: the project's files (C sources, headers and build files;
 * hidden folders and encide's own state skipped), folders first as heads,
 * each file under its folder. Enter opens the file in a tab. The same list
 * completes file names on the ':' line.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build/build.h"
#include "ui/ui-int.h"

#define MAX_FILES 5000
#define MAX_DEPTH 6

static void add(struct ui *ui, const char *rel)
{
	char **v;

	if (ui->nfiles >= MAX_FILES)
		return;
	v = realloc(ui->files, (ui->nfiles + 1) * sizeof(*v));
	if (!v)
		return;
	ui->files = v;
	if ((v[ui->nfiles] = strdup(rel)))
		ui->nfiles++;
}

/* Files worth showing in a C project. */
static bool wanted(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (strcmp(name, "Makefile") == 0 || strcmp(name, "makefile") == 0 || strcmp(name, "CMakeLists.txt") == 0 ||
	    strcmp(name, "meson.build") == 0 || strcmp(name, "compile_commands.json") == 0)
		return true;
	return dot && (strcmp(dot, ".c") == 0 || strcmp(dot, ".h") == 0 || strcmp(dot, ".md") == 0 ||
		       strcmp(dot, ".txt") == 0 || strcmp(dot, ".S") == 0 || strcmp(dot, ".s") == 0 ||
		       strcmp(dot, ".mk") == 0 || strcmp(dot, ".cmake") == 0);
}

static void scan(struct ui *ui, const char *root, const char *rel, int depth)
{
	char path[4096], sub[4096];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) && ui->nfiles < MAX_FILES) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name) >= sizeof(sub) ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", root, sub) >= sizeof(path))
			continue; /* too long to be a source file anyone edits */
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH)
			scan(ui, root, sub, depth + 1);
		else if (S_ISREG(st.st_mode) && wanted(de->d_name))
			add(ui, sub);
	}
	closedir(d);
}

/* Folders before files at each level, then by name. */
static int cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	for (;;) {
		const char *sx = strchr(x, '/'), *sy = strchr(y, '/');
		size_t nx = sx ? (size_t)(sx - x) : strlen(x), ny = sy ? (size_t)(sy - y) : strlen(y);
		int c;

		if (!sx != !sy)
			return sx ? -1 : 1;
		c = strncmp(x, y, nx < ny ? nx : ny);
		if (c || nx != ny || !sx)
			return c ? c : nx < ny ? -1 : nx > ny ? 1 : 0;
		x = sx + 1;
		y = sy + 1;
	}
}

void ui_tree_load(struct ui *ui)
{
	ui_tree_free(ui);
	if (!ui->app->project)
		return;
	scan(ui, project_dir(ui->app->project), "", 0);
	qsort(ui->files, ui->nfiles, sizeof(*ui->files), cmp);
}

void ui_tree_free(struct ui *ui)
{
	for (size_t i = 0; i < ui->nfiles; i++)
		free(ui->files[i]);
	free(ui->files);
	ui->files = NULL;
	ui->nfiles = 0;
}

/* The tree's rows: folder heads where the folder changes, then files.
 * Calls fn for each; returns the number of rows. */
static size_t rows_each(struct ui *ui, void (*fn)(struct ui *, size_t row, const char *label, int depth,
						  const char *file, void *arg),
			void *arg)
{
	size_t row = 0;

	for (size_t i = 0; i < ui->nfiles; i++) {
		const char *f = ui->files[i], *prev = i ? ui->files[i - 1] : "", *s;
		int depth = 0;

		/* A head for every folder this file enters. */
		for (s = f; (s = strchr(s, '/')); s++, depth++) {
			size_t n = (size_t)(s - f);

			if (strncmp(prev, f, n + 1) == 0)
				continue;
			if (fn) {
				char label[256];
				const char *start = f;

				for (const char *t = f; t < s; t++)
					if (*t == '/')
						start = t + 1;
				snprintf(label, sizeof(label), "%.*s/", (int)(s - start), start);
				fn(ui, row, label, depth, NULL, arg);
			}
			row++;
		}
		if (fn)
			fn(ui, row, strrchr(f, '/') ? strrchr(f, '/') + 1 : f, depth, f, arg);
		row++;
	}
	return row;
}

static void draw_row(struct ui *ui, size_t row, const char *label, int depth, const char *file, void *arg)
{
	struct ui_pane *p = arg;
	const struct buffer *cur = ui->app->view.buf;
	struct ui_row r;
	attr_t attr;

	if (!ui_list_row(ui, p, row, &r, &attr))
		return;
	if (file && cur && strcmp(ui_display_name(ui, buf_path(cur)), file) == 0)
		attr |= A_BOLD;
	if (file) {
		/* git's letter for the file: M, A, D, ?, U, or a blank. */
		char path[4096], mark;

		snprintf(path, sizeof(path), "%s/%s", project_dir(ui->app->project), file);
		mark = app_git_mark(ui->app, path);
		ui_put_fmt(&r, mark == ' ' ? attr : ui->theme.attr[mark == '?' || mark == 'A' ? UI_GIT_ADDED : mark == 'D'
				? UI_GIT_DELETED : UI_GIT_MODIFIED][0], "%c ", mark);
	} else {
		ui_put_text(&r, "  ", 2, attr);
	}
	ui_put_fmt(&r, file ? attr : (attr | A_BOLD), "%*s%s", depth * 2, "", label);
	ui_fill(&r, attr);
}

static void tree_draw(struct ui *ui, struct ui_pane *p)
{
	size_t n = rows_each(ui, NULL, NULL);

	if (!n) {
		ui_pane_note(ui, p, "no files");
		return;
	}
	ui_list_fit(p, n);
	rows_each(ui, draw_row, p);
}

static void find_row(struct ui *ui, size_t row, const char *label, int depth, const char *file, void *arg)
{
	const char **out = arg;

	if (row == ui->panes[PANE_TREE].sel)
		*out = file;
}

static void tree_activate(struct ui *ui, struct ui_pane *p)
{
	const char *file = NULL;
	char *line = NULL;

	rows_each(ui, find_row, &file);
	if (!file)
		return;
	if (asprintf(&line, "open '%s'", file) < 0)
		return;
	ui_run_line(ui, line);
	free(line);
	if (ui->app->view.buf)
		ui_focus(ui, PANE_EDITOR);
}

const struct ui_pane_type ui_tree_pane = {
	.name = "tree",
	.title = "Files",
	.draw = tree_draw,
	.activate = tree_activate,
	.help = "Up Down\tchoose a file\nEnter\topen it in a tab\n",
};
