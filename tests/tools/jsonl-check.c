/* Reads a --batch transcript on stdin and checks that every line is a JSON
 * object with a string "event" field; with arguments, also that each named
 * event type occurs. Prints what is wrong; exit 1 if anything is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

int main(int argc, char **argv)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, bad = 0, nevents = 0;
	int *found = calloc((size_t)argc, sizeof(*found));

	while ((len = getline(&line, &cap, stdin)) >= 0) {
		struct json_object *obj, *ev;
		enum json_tokener_error jerr;

		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		obj = json_tokener_parse_verbose(line, &jerr);
		if (!obj || !json_object_is_type(obj, json_type_object)) {
			printf("line %d is not a JSON object (%s): %s\n", lineno,
			       obj ? "not an object" : json_tokener_error_desc(jerr), line);
			bad++;
		} else if (!json_object_object_get_ex(obj, "event", &ev) ||
			   !json_object_is_type(ev, json_type_string)) {
			printf("line %d has no string \"event\" field: %s\n", lineno, line);
			bad++;
		} else {
			nevents++;
			for (int i = 1; i < argc; i++)
				if (strcmp(json_object_get_string(ev), argv[i]) == 0)
					found[i] = 1;
		}
		json_object_put(obj);
	}
	for (int i = 1; i < argc; i++) {
		if (!found[i]) {
			printf("no %s event in the transcript\n", argv[i]);
			bad++;
		}
	}
	if (nevents == 0) {
		printf("the transcript is empty\n");
		bad++;
	}
	printf("%d lines, %d events, %d problems\n", lineno, nevents, bad);
	free(found);
	free(line);
	return bad ? 1 : 0;
}
