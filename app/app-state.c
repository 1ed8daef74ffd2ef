/* encide's per-user state directory, from the environment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/state.h"

char *state_dir(void)
{
	const char *env = getenv("ENCIDE_STATE_DIR"), *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char *dir = NULL;

	if (env && *env)
		return strdup(env);
	if (xdg && *xdg)
		return asprintf(&dir, "%s/encide", xdg) < 0 ? NULL : dir;
	return asprintf(&dir, "%s/.local/state/encide", home && *home ? home : "/tmp") < 0 ? NULL : dir;
}
