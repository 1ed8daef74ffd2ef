/* The file tree: the project's files (C sources, headers and build files;
 * hidden folders and encide's own state skipped), folders first as heads,
 * each file under its folder; folders fold and open (Enter, Left, Right).
 * Enter opens a file in a tab. The same list completes file names on the
 * ':' line.
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

static void files_free(struct ui *ui)
{
	for (size_t i = 0; i < ui->nfiles; i++)
		free(ui->files[i]);
	free(ui->files);
	ui->files = NULL;
	ui->nfiles = 0;
}

void ui_tree_load(struct ui *ui)
{
	files_free(ui);
	if (!ui->app->project)
		return;
	scan(ui, project_dir(ui->app->project), "", 0);
	qsort(ui->files, ui->nfiles, sizeof(*ui->files), cmp);
}

void ui_tree_free(struct ui *ui)
{
	for (size_t i = 0; i < ui->nfolded; i++)
		free(ui->folded[i]);
	free(ui->folded);
	ui->folded = NULL;
	ui->nfolded = 0;
	files_free(ui);
}

/* One row of the tree, as rows_each() gives it to its callback. */
struct tree_row {
	size_t row;        /* its number */
	const char *label; /* what it shows: "src/" or "lua.c" */
	int depth;         /* nesting */
	const char *file;  /* a file's relative path, or NULL for a folder */
	const char *dir;   /* a folder's relative path ("src/lib"), or NULL */
	bool folded;       /* a folder closed by the user */
};

static bool is_folded(const struct ui *ui, const char *dir, size_t n)
{
	for (size_t i = 0; i < ui->nfolded; i++)
		if (strlen(ui->folded[i]) == n && strncmp(ui->folded[i], dir, n) == 0)
			return true;
	return false;
}

/* The tree's rows: folder heads where the folder changes, then files; a
 * folded folder's head and nothing under it. Calls fn for each; returns
 * the number of rows. */
static size_t rows_each(struct ui *ui, void (*fn)(struct ui *, const struct tree_row *, void *), void *arg)
{
	size_t row = 0;

	for (size_t i = 0; i < ui->nfiles; i++) {
		const char *f = ui->files[i], *prev = i ? ui->files[i - 1] : "", *s;
		int depth = 0;
		bool hidden = false;

		/* A head for every folder this file enters, down to a folded one. */
		for (s = f; !hidden && (s = strchr(s, '/')); s++, depth++) {
			size_t n = (size_t)(s - f);
			char label[256], dir[4096];
			const char *start = f;

			hidden = is_folded(ui, f, n);
			if (strncmp(prev, f, n + 1) == 0)
				continue;
			if (fn) {
				for (const char *t = f; t < s; t++)
					if (*t == '/')
						start = t + 1;
				snprintf(label, sizeof(label), "%.*s/", (int)(s - start), start);
				snprintf(dir, sizeof(dir), "%.*s", (int)n, f);
				fn(ui, &(struct tree_row){ row, label, depth, NULL, dir, hidden }, arg);
			}
			row++;
		}
		if (hidden)
			continue;
		if (fn)
			fn(ui, &(struct tree_row){ row, strrchr(f, '/') ? strrchr(f, '/') + 1 : f, depth, f, NULL, false },
			   arg);
		row++;
	}
	return row;
}

static void draw_row(struct ui *ui, const struct tree_row *t, void *arg)
{
	struct ui_pane *p = arg;
	const struct buffer *cur = ui->app->view.buf;
	struct ui_row r;
	attr_t attr;

	if (!ui_list_row(ui, p, t->row, &r, &attr))
		return;
	if (t->file && cur && strcmp(ui_display_name(ui, buf_path(cur)), t->file) == 0)
		attr |= A_BOLD;
	if (t->file) {
		/* git's letter for the file: M, A, D, ?, U, or a blank. */
		char path[4096], mark;

		snprintf(path, sizeof(path), "%s/%s", project_dir(ui->app->project), t->file);
		mark = app_git_mark(ui->app, path);
		ui_put_fmt(&r, mark == ' ' ? attr : ui->theme.attr[mark == '?' || mark == 'A' ? UI_GIT_ADDED : mark == 'D'
				? UI_GIT_DELETED : UI_GIT_MODIFIED][0], "%c ", mark);
	} else {
		/* A folder: + when folded (Enter or Right opens it), - when open. */
		ui_put_text(&r, t->folded ? "+ " : "- ", 2, attr);
	}
	ui_put_fmt(&r, t->file ? attr : (attr | A_BOLD), "%*s%s", t->depth * 2, "", t->label);
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

/* What row `want` is, and the nearest folder row above it at a lower depth. */
struct tree_find {
	size_t want;          /* the row looked for */
	struct tree_row at;   /* it (file and dir copied below) */
	char file[4096];      /* its file, or "" */
	char dir[4096];       /* its folder, or "" */
	size_t parent;        /* the row of the folder holding it */
	size_t heads[MAX_DEPTH + 2]; /* the last folder row seen at each depth */
	bool found;           /* want was reached */
};

static void find_row(struct ui *ui, const struct tree_row *t, void *arg)
{
	struct tree_find *tf = arg;

	if (tf->found)
		return;
	if (t->row == tf->want) {
		tf->at = *t;
		snprintf(tf->file, sizeof(tf->file), "%s", t->file ? t->file : "");
		snprintf(tf->dir, sizeof(tf->dir), "%s", t->dir ? t->dir : "");
		tf->parent = t->depth > 0 && t->depth <= MAX_DEPTH + 1 ? tf->heads[t->depth - 1] : t->row;
		tf->found = true;
		return;
	}
	if (!t->file && t->depth <= MAX_DEPTH + 1)
		tf->heads[t->depth] = t->row;
}

/* Opens (open) or folds (!open) the folder dir. */
static void fold(struct ui *ui, const char *dir, bool open)
{
	if (open) {
		for (size_t i = 0; i < ui->nfolded; i++)
			if (strcmp(ui->folded[i], dir) == 0) {
				free(ui->folded[i]);
				ui->folded[i] = ui->folded[--ui->nfolded];
				return;
			}
	} else if (!is_folded(ui, dir, strlen(dir))) {
		char **v = realloc(ui->folded, (ui->nfolded + 1) * sizeof(*v));

		if (!v)
			return;
		ui->folded = v;
		if ((v[ui->nfolded] = strdup(dir)))
			ui->nfolded++;
	}
}

static void tree_activate(struct ui *ui, struct ui_pane *p)
{
	struct tree_find tf = { .want = p->sel };
	char *line = NULL, *q;

	rows_each(ui, find_row, &tf);
	if (!tf.found)
		return;
	if (!*tf.file) {
		fold(ui, tf.dir, tf.at.folded);
		return;
	}
	/* Quoted: a file name may hold a blank or a quote. */
	if (!(q = ui_quote(tf.file)) || asprintf(&line, "open %s", q) < 0)
		line = NULL;
	free(q);
	if (!line)
		return;
	ui_run_line(ui, line);
	free(line);
	if (ui->app->view.buf)
		ui_focus(ui, PANE_EDITOR);
}

/* Right opens a folder, Left folds it, or from a file goes to its folder. */
static bool tree_key(struct ui *ui, struct ui_pane *p, int key)
{
	struct tree_find tf = { .want = p->sel };

	if (key != (UI_FN | KEY_RIGHT) && key != (UI_FN | KEY_LEFT))
		return ui_list_key(ui, p, key);
	rows_each(ui, find_row, &tf);
	if (!tf.found)
		return true;
	if (*tf.dir && (key == (UI_FN | KEY_RIGHT)) == tf.at.folded)
		fold(ui, tf.dir, tf.at.folded);
	else if (key == (UI_FN | KEY_LEFT) && (*tf.file || !tf.at.folded) && tf.at.depth > 0)
		p->sel = tf.parent;
	ui_list_fit(p, rows_each(ui, NULL, NULL));
	ui->dirty = true;
	return true;
}

const struct ui_pane_type ui_tree_pane = {
	.name = "tree",
	.title = "Files",
	.draw = tree_draw,
	.key = tree_key,
	.activate = tree_activate,
	.help = "Up Down\tchoose a file\nEnter\topen it in a tab; on a folder: fold or open it\n"
		"Right Left\topen, fold a folder (Left on a file: its folder)\n",
};
