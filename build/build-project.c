/* The project: a directory checked on open, and its C sources. Later issues
 * grow this into the build graph (embedded, CMake, Make, Meson projects).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/build.h"

struct project {
	char *dir;      /* absolute path */
	char *name;     /* last component of dir */
	char **sources; /* absolute paths of the .c files, sorted */
	size_t nsources; /* entries in sources */
};

/* Says why dir cannot be the project; returns -err. */
static int errmsg_set(char **errmsg, int err, const char *dir)
{
	if (errmsg && asprintf(errmsg, "project directory '%s': %s", dir, strerror(err)) < 0)
		*errmsg = NULL;
	return -err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int scan_sources(struct project *proj)
{
	DIR *d = opendir(proj->dir);
	struct dirent *de;
	size_t cap = 0;
	int err = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char *path, **v;

		if (len < 3 || strcmp(de->d_name + len - 2, ".c") != 0 || de->d_name[0] == '.')
			continue;
		if (proj->nsources == cap) {
			cap = cap ? 2 * cap : 16;
			v = realloc(proj->sources, cap * sizeof(*v));
			if (!v) {
				err = -ENOMEM;
				break;
			}
			proj->sources = v;
		}
		if (asprintf(&path, "%s/%s", proj->dir, de->d_name) < 0) {
			err = -ENOMEM;
			break;
		}
		proj->sources[proj->nsources++] = path;
	}
	closedir(d);
	if (proj->nsources)
		qsort(proj->sources, proj->nsources, sizeof(*proj->sources), cmp_str);
	return err;
}

int project_open(struct project **out, const char *dir, char **errmsg)
{
	struct project *proj;
	char real[PATH_MAX];
	struct stat st;
	int err;

	if (stat(dir, &st) < 0)
		return errmsg_set(errmsg, errno, dir);
	if (!S_ISDIR(st.st_mode))
		return errmsg_set(errmsg, ENOTDIR, dir);
	if (access(dir, R_OK | X_OK) < 0)
		return errmsg_set(errmsg, errno, dir);
	if (!realpath(dir, real))
		return errmsg_set(errmsg, errno, dir);
	proj = calloc(1, sizeof(*proj));
	if (!proj || !(proj->dir = strdup(real)))
		goto nomem;
	proj->name = strdup(strrchr(proj->dir, '/')[1] ? strrchr(proj->dir, '/') + 1 : proj->dir);
	if (!proj->name)
		goto nomem;
	err = scan_sources(proj);
	if (err < 0) {
		project_free(proj);
		return errmsg_set(errmsg, -err, dir);
	}
	*out = proj;
	return 0;
nomem:
	project_free(proj);
	return errmsg_set(errmsg, ENOMEM, dir);
}

void project_free(struct project *proj)
{
	if (!proj)
		return;
	for (size_t i = 0; i < proj->nsources; i++)
		free(proj->sources[i]);
	free(proj->sources);
	free(proj->name);
	free(proj->dir);
	free(proj);
}

const char *project_dir(const struct project *proj)
{
	return proj->dir;
}

const char *project_name(const struct project *proj)
{
	return proj->name;
}

size_t project_source_count(const struct project *proj)
{
	return proj->nsources;
}

const char *project_source(const struct project *proj, size_t i)
{
	return i < proj->nsources ? proj->sources[i] : NULL;
}
