/* The session: creates the loop and the bus, opens the project, and owns the
 * buffers the commands open. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cmd-int.h"
#include "build/build.h"
#include "editor/editor.h"

int app_init(struct app *app, const char *project_dir, char **errmsg)
{
	int err;

	*app = (struct app){ .page_lines = 20 };
	*errmsg = NULL;
	app->loop = loop_new();
	if (!app->loop) {
		err = -errno;
		if (asprintf(errmsg, "cannot set up the event loop: %s", strerror(errno)) < 0)
			*errmsg = NULL;
		goto fail;
	}
	app->bus = bus_new();
	if (!app->bus || expect_attach(app) < 0) {
		err = -ENOMEM;
		*errmsg = strdup("out of memory");
		goto fail;
	}
	if (project_dir && (err = project_open(&app->project, project_dir, errmsg)) < 0)
		goto fail;
	return 0;
fail:
	app_release(app);
	return err;
}

void app_release(struct app *app)
{
	expect_detach(app);
	buf_free(app->view.buf);
	project_free(app->project);
	bus_free(app->bus);
	loop_free(app->loop);
	free(app->pending.error);
	*app = (struct app){ 0 };
}

/* True when the file at path defines main (a line "... main(" at column 0
 * or after a type, not inside a longer name). */
static bool defines_main(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	regex_t re;
	bool found = false;

	if (!f)
		return false;
	regcomp(&re, "^(int|void)?[[:space:]]*main[[:space:]]*\\(", REG_EXTENDED | REG_NOSUB);
	while (!found && getline(&line, &cap, f) > 0)
		found = regexec(&re, line, 0, NULL, 0) == 0;
	regfree(&re);
	free(line);
	fclose(f);
	return found;
}

char *app_main_file(const struct app *app)
{
	size_t n;

	if (!app->project)
		return NULL;
	n = project_source_count(app->project);
	for (size_t i = 0; i < n; i++)
		if (defines_main(project_source(app->project, i)))
			return strdup(project_source(app->project, i));
	return n ? strdup(project_source(app->project, 0)) : NULL;
}

int app_open_file(struct app *app, const char *path, char **errmsg)
{
	struct buffer *buf;
	char *full = NULL;
	int err;

	*errmsg = NULL;
	if (path[0] != '/' && app->project) {
		if (asprintf(&full, "%s/%s", project_dir(app->project), path) < 0)
			return -ENOMEM;
		path = full;
	}
	err = buf_open(&buf, path, errmsg);
	if (err == 0) {
		buf_free(app->view.buf);
		app->view = (struct view){ .buf = buf, .line = 1, .col = 1 };
		bus_emit_file_opened(app->bus, &(struct ev_file_opened){
			.path = buf_path(buf), .lines = (int64_t)buf_line_count(buf),
			.bytes = (int64_t)buf_size(buf) });
	}
	free(full);
	return err;
}
