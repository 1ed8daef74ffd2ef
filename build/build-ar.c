/* The members of a static archive (ar): a link that names libfoo.a may
 * have read the objects in it, which is how most Makefiles put a
 * program's own code in it (Lua's liblua.a, bc's libbc.a).
 *
 *   "!<arch>\n"  then per member a 60-byte header:
 *   name[16] date[12] uid[6] gid[6] mode[8] size[10] "`\n"   then size
 *   bytes, padded to an even offset. GNU ar ends a short name with '/',
 *   lists names longer than 15 in a member named "//" and refers to them
 *   as "/OFFSET"; "/" alone is the symbol index. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/build-int.h"

char **build_ar_members(const char *path)
{
	FILE *f = fopen(path, "re");
	char magic[8], hdr[60], **v = NULL, *longnames = NULL;
	size_t n = 0, nlong = 0;

	if (!f)
		return NULL;
	if (fread(magic, 1, 8, f) != 8 || memcmp(magic, "!<arch>\n", 8) != 0)
		goto fail;
	if (!(v = calloc(1, sizeof(*v))))
		goto fail;
	while (fread(hdr, 1, sizeof(hdr), f) == sizeof(hdr)) {
		char name[256], sizebuf[11];
		long size;
		size_t len;

		memcpy(sizebuf, hdr + 48, 10);
		sizebuf[10] = '\0';
		size = strtol(sizebuf, NULL, 10);
		if (size < 0 || memcmp(hdr + 58, "`\n", 2) != 0)
			goto fail;
		if (memcmp(hdr, "// ", 3) == 0) {
			/* The long names, read for the members after it. */
			free(longnames);
			if (!(longnames = malloc((size_t)size + 1)) || fread(longnames, 1, (size_t)size, f) != (size_t)size)
				goto fail;
			longnames[size] = '\0';
			nlong = (size_t)size;
			if (size % 2)
				fgetc(f);
			continue;
		}
		if (hdr[0] == '/' && hdr[1] >= '0' && hdr[1] <= '9' && longnames) {
			size_t off = strtoul(hdr + 1, NULL, 10);

			if (off >= nlong)
				goto fail;
			len = strcspn(longnames + off, "/\n");
			snprintf(name, sizeof(name), "%.*s", (int)len, longnames + off);
		} else {
			for (len = 16; len > 0 && (hdr[len - 1] == ' ' || hdr[len - 1] == '/'); len--)
				;
			snprintf(name, sizeof(name), "%.*s", (int)len, hdr);
		}
		if (name[0] && build_argv_push(&v, &n, name) < 0)
			goto fail;
		if (fseek(f, size + (size % 2), SEEK_CUR) != 0)
			goto fail;
	}
	free(longnames);
	fclose(f);
	return v;
fail:
	free(longnames);
	build_argv_free(v);
	fclose(f);
	return NULL;
}
