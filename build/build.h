/* build/: the project encide was opened on and, as it grows, its build graph
 * (compile commands, include dependencies, jobs, diagnostics). A library with
 * no terminal code.
 *
 * Ownership: a struct project owns every string it returns; they live until
 * project_free().
 */
#ifndef ENCIDE_BUILD_H
#define ENCIDE_BUILD_H

#include <stddef.h>

struct project;

/* Opens the project in dir: it must be a readable directory. Returns 0, or a
 * negative errno with *errmsg (caller frees) naming dir and the reason; *out
 * is untouched on failure. */
int project_open(struct project **out, const char *dir, char **errmsg);
/* Frees the project; project_free(NULL) is a no-op. */
void project_free(struct project *proj);

/* The project's directory, absolute and without a trailing '/'. */
const char *project_dir(const struct project *proj);
/* The project's name: its directory's last component. */
const char *project_name(const struct project *proj);
/* The number of .c files directly in the project (sorted by name). */
size_t project_source_count(const struct project *proj);
/* The absolute path of the i-th .c file. */
const char *project_source(const struct project *proj, size_t i);

#endif
