/* encide's entry point: parses the command line, sets up the session, then
 * runs a script headless (-x) or the full-screen UI. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "editor/editor.h"
#include "ui/ui.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: encide [--theme NAME] [PROJECT_DIR]\n"
		"       encide -x SCRIPT [--batch] [PROJECT_DIR]\n"
		"\n"
		"A terminal IDE for C whose reason to exist is Edit and Continue.\n"
		"\n"
		"  PROJECT_DIR      the project to open (default: the current directory)\n"
		"  -x, --script F   run the commands in F without a terminal, then exit:\n"
		"                   0 if every command succeeded, 1 at the first failure\n"
		"                   (reported as F:LINE: message)\n"
		"  --batch          with -x, print every bus event as one JSON object per line\n"
		"  --theme NAME     colours: dark (default), light, high-contrast, vc6, or a file\n"
		"  --colours        say what terminfo, COLORTERM and the terminal itself say\n"
		"                   about colour, and what encide draws with\n"
		"  --commands-md    print the command reference (docs/commands.md)\n"
		"  -h, --help       show this help\n"
		"  -V, --version    show the version\n"
		"\n"
		"Exit status 2: bad arguments, or a project directory that cannot be opened.\n");
}

static void dispatch_hook(void *arg)
{
	bus_dispatch(arg);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "script", required_argument, NULL, 'x' },
		{ "batch", no_argument, NULL, 'b' },
		{ "commands-md", no_argument, NULL, 'm' },
		{ "theme", required_argument, NULL, 't' },
		{ "colours", no_argument, NULL, 'c' },
		{ "colors", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	const char *script = NULL, *dir = ".", *theme = NULL;
	bool batch = false;
	struct app app;
	char *err = NULL, *main_file;
	int c, status;

	editor_tune_allocator();
	while ((c = getopt_long(argc, argv, "x:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'x':
			script = optarg;
			break;
		case 'b':
			batch = true;
			break;
		case 't':
			theme = optarg;
			break;
		case 'm':
			cmd_write_markdown(stdout);
			return 0;
		case 'c':
			return ui_colours_report(stdout);
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("encide %s\n", ENCIDE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		dir = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "encide: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (batch && !script) {
		fprintf(stderr, "encide: --batch needs a script (-x SCRIPT)\n");
		return 2;
	}

	if (app_init(&app, dir, &err) < 0) {
		fprintf(stderr, "encide: %s\n", err ? err : "cannot start");
		free(err);
		return 2;
	}
	app.batch = batch;
	app.headless = script != NULL;
	loop_hook_add(app.loop, dispatch_hook, app.bus);

	main_file = app_main_file(&app);
	if (main_file && app_open_file(&app, main_file, &err) < 0) {
		/* Not fatal: the user can open another file. */
		bus_emit_message(app.bus, &(struct ev_message){ .level = "error", .text = err });
		free(err);
		err = NULL;
	}
	free(main_file);

	if (script)
		status = app_script_run(&app, script);
	else
		status = ui_run(&app, theme);
	app_finish(&app);
	app_release(&app);
	return status;
}
