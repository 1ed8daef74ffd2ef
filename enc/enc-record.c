/* The engine's record of a program's generations, kept in the project's
 * state directory after every apply and revert, so that a restarted encide
 * attaching to the same process (the same pid and start time: the label)
 * knows what it runs: where each generation's code and data are, which
 * object describes them, every copy of every function it redirected, the
 * variables it added, the image's original entry bytes.
 *
 * A text file, one record per line, fields separated by tabs (paths may
 * hold spaces):
 *
 *   run     LABEL
 *   gen     N  REVERTED
 *   obj     SOURCE  OBJECT  BUILT  GEN
 *   region  GEN  BASE  SIZE  OBSOLETE  RELEASED  OBJECT  NSECS  ADDR...
 *   refs    ADDR...                         (of the region above: what it binds to)
 *   func    NAME  CU|-  IN_IMAGE
 *   copy    ENTRY  SIZE  GEN  OBJECT          (of the func above)
 *   orig    ADDR  HEXBYTES                    (of the func above)
 *   var     NAME  CU|-  FUNC|-  ADDR
 *
 * Written to a temporary file and renamed over the last one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debugger/debugger.h"
#include "enc/enc-int.h"

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

int enc_save(const struct enc *enc, const char *path, const char *label)
{
	char *tmp = NULL;
	FILE *f;
	int err = 0;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -ENOMEM;
	if (!(f = fopen(tmp, "we"))) {
		err = -errno;
		free(tmp);
		return err;
	}
	fprintf(f, "run\t%s\n", label);
	fprintf(f, "gen\t%u\t%d\n", enc->gen, enc->reverted);
	for (size_t i = 0; i < enc->nobjs; i++)
		fprintf(f, "obj\t%s\t%s\t%s\t%u\n", enc->objs[i].source, or_dash(enc->objs[i].object),
			or_dash(enc->objs[i].built), enc->objs[i].gen);
	for (size_t i = 0; i < enc->nregions; i++) {
		const struct gen_region *r = &enc->regions[i];

		fprintf(f, "region\t%u\t%" PRIx64 "\t%" PRIx64 "\t%d\t%d\t%s\t%zu", r->gen, r->r.base, r->r.size,
			r->obsolete, r->released, or_dash(r->object), r->r.nsecs);
		for (size_t k = 0; k < r->r.nsecs; k++)
			fprintf(f, "\t%" PRIx64, r->r.sec_addr[k]);
		fputc('\n', f);
		if (r->r.nrefs) {
			fputs("refs", f);
			for (size_t k = 0; k < r->r.nrefs; k++)
				fprintf(f, "\t%" PRIx64, r->r.refs[k]);
			fputc('\n', f);
		}
	}
	for (size_t i = 0; i < enc->nfuncs; i++) {
		const struct patched *p = &enc->funcs[i];

		fprintf(f, "func\t%s\t%s\t%d\n", p->name, or_dash(p->cu), p->in_image);
		for (size_t c = 0; c < p->ncopies; c++)
			fprintf(f, "copy\t%" PRIx64 "\t%" PRIx64 "\t%u\t%s\n", p->copies[c].entry, p->copies[c].size,
				p->copies[c].gen, or_dash(p->copies[c].object));
		for (size_t o = 0; o < p->norig; o++) {
			fprintf(f, "orig\t%" PRIx64 "\t", p->orig[o].addr);
			for (size_t b = 0; b < p->orig[o].len; b++)
				fprintf(f, "%02x", p->orig[o].bytes[b]);
			fputc('\n', f);
		}
	}
	for (size_t i = 0; i < enc->nvars; i++)
		fprintf(f, "var\t%s\t%s\t%s\t%" PRIx64 "\n", enc->vars[i].name, or_dash(enc->vars[i].cu),
			or_dash(enc->vars[i].func), enc->vars[i].addr);
	if (fclose(f) != 0 || rename(tmp, path) < 0)
		err = -errno;
	if (err < 0)
		unlink(tmp);
	free(tmp);
	return err;
}

/* Splits line at tabs into fields (the line is cut in place; *v grows to
 * hold them: a region of an object with many sections has many). Returns
 * how many, or 0 when out of memory. */
static size_t fields(char *line, char ***v, size_t *cap)
{
	size_t n = 1;

	line[strcspn(line, "\n")] = '\0';
	for (const char *p = line; (p = strchr(p, '\t')); p++)
		n++;
	if (n > *cap) {
		char **nv = realloc(*v, n * sizeof(*nv));

		if (!nv)
			return 0;
		*v = nv;
		*cap = n;
	}
	n = 0;
	for (char *p = line; p; n++) {
		(*v)[n] = p;
		if ((p = strchr(p, '\t')))
			*p++ = '\0';
	}
	return n;
}

static char *dash_null(const char *s)
{
	return strcmp(s, "-") == 0 ? NULL : strdup(s);
}

/* Grows an array by one element: its address, or NULL. */
static void *grow(void **v, size_t *n, size_t size)
{
	char *p = realloc(*v, (*n + 1) * size);

	if (!p)
		return NULL;
	*v = p;
	memset(p + *n * size, 0, size);
	return p + (*n)++ * size;
}

int enc_restore(struct enc *enc, const char *path, const char *label, char **errmsg)
{
	char *line = NULL, **v = NULL;
	size_t linecap = 0, cap = 0;
	struct gen_region *r = NULL;
	struct patched *p = NULL;
	FILE *f = fopen(path, "re");
	bool ours = false;
	int err = 0;

	if (!f)
		return -ENOENT;
	if (enc->gen || enc->nfuncs) {
		fclose(f);
		return enc_fail(errmsg, -EBUSY, "the engine already has generations");
	}
	while (err == 0 && getline(&line, &linecap, f) > 0) {
		size_t n = fields(line, &v, &cap);

		if (n == 0) {
			err = -ENOMEM;
		} else if (n == 2 && strcmp(v[0], "run") == 0) {
			ours = strcmp(v[1], label) == 0;
			if (!ours)
				break;
		} else if (!ours) {
			break;
		} else if (n == 3 && strcmp(v[0], "gen") == 0) {
			enc->gen = (unsigned)strtoul(v[1], NULL, 10);
			enc->reverted = atoi(v[2]) != 0;
		} else if (n == 5 && strcmp(v[0], "obj") == 0) {
			struct tu_obj *o = grow((void **)&enc->objs, &enc->nobjs, sizeof(*o));

			if (!o)
				err = -ENOMEM;
			else
				*o = (struct tu_obj){ .source = strdup(v[1]), .object = dash_null(v[2]),
						      .built = dash_null(v[3]), .gen = (unsigned)strtoul(v[4], NULL, 10) };
		} else if (n >= 8 && strcmp(v[0], "region") == 0) {
			size_t nsecs = strtoul(v[7], NULL, 10);

			r = grow((void **)&enc->regions, &enc->nregions, sizeof(*r));
			if (!r || n != 8 + nsecs || !(r->r.sec_addr = calloc(nsecs ? nsecs : 1, sizeof(uint64_t)))) {
				err = r ? -EINVAL : -ENOMEM;
				break;
			}
			r->gen = (unsigned)strtoul(v[1], NULL, 10);
			r->r.base = strtoull(v[2], NULL, 16);
			r->r.size = strtoull(v[3], NULL, 16);
			r->obsolete = atoi(v[4]) != 0;
			r->released = atoi(v[5]) != 0;
			r->object = dash_null(v[6]);
			r->r.nsecs = nsecs;
			for (size_t k = 0; k < nsecs; k++)
				r->r.sec_addr[k] = strtoull(v[8 + k], NULL, 16);
		} else if (n >= 2 && strcmp(v[0], "refs") == 0 && r && !r->r.refs) {
			if (!(r->r.refs = calloc(n - 1, sizeof(uint64_t)))) {
				err = -ENOMEM;
				break;
			}
			r->r.nrefs = n - 1;
			for (size_t k = 1; k < n; k++)
				r->r.refs[k - 1] = strtoull(v[k], NULL, 16);
		} else if (n == 4 && strcmp(v[0], "func") == 0) {
			if (!(p = grow((void **)&enc->funcs, &enc->nfuncs, sizeof(*p)))) {
				err = -ENOMEM;
				break;
			}
			p->name = strdup(v[1]);
			p->cu = dash_null(v[2]);
			p->in_image = atoi(v[3]) != 0;
		} else if (n == 5 && strcmp(v[0], "copy") == 0 && p) {
			err = enc_copy_add(p, strtoull(v[1], NULL, 16), strtoull(v[2], NULL, 16),
					   (unsigned)strtoul(v[3], NULL, 10), strcmp(v[4], "-") ? v[4] : "");
		} else if (n == 3 && strcmp(v[0], "orig") == 0 && p) {
			struct code_bytes *o = grow((void **)&p->orig, &p->norig, sizeof(*o));
			size_t len = strlen(v[2]) / 2;

			if (!o || len > sizeof(o->bytes)) {
				err = o ? -EINVAL : -ENOMEM;
				break;
			}
			o->addr = strtoull(v[1], NULL, 16);
			o->len = len;
			for (size_t b = 0; b < len; b++)
				sscanf(v[2] + 2 * b, "%2hhx", &o->bytes[b]);
		} else if (n == 5 && strcmp(v[0], "var") == 0) {
			struct added_var *a = grow((void **)&enc->vars, &enc->nvars, sizeof(*a));

			if (!a)
				err = -ENOMEM;
			else
				*a = (struct added_var){ .name = strdup(v[1]), .cu = dash_null(v[2]),
							 .func = dash_null(v[3]), .addr = strtoull(v[4], NULL, 16) };
		} else {
			err = -EINVAL;
		}
	}
	fclose(f);
	free(line);
	free(v);
	if (!ours)
		return -ESTALE; /* another process's record */
	if (err < 0)
		return enc_fail(errmsg, err, "%s: %s", path, err == -EINVAL ? "a line encide cannot read" : strerror(-err));
	return 0;
}

int enc_resume(struct enc *enc)
{
	/* The debugger learns the loaded code again, and which is stale. */
	for (size_t i = 0; i < enc->nregions; i++) {
		struct gen_region *r = &enc->regions[i];
		struct obj *o = NULL;
		uint64_t *sizes;

		if (r->released || !r->object || obj_open(&o, r->object, NULL) < 0)
			continue;
		sizes = calloc(o->nsecs ? o->nsecs : 1, sizeof(*sizes));
		for (size_t k = 0; sizes && k < o->nsecs && k < r->r.nsecs; k++)
			sizes[k] = o->secs[k].size;
		if (sizes)
			dbg_add_code(enc->dbg, r->object, r->gen, r->r.sec_addr, sizes,
				     o->nsecs < r->r.nsecs ? o->nsecs : r->r.nsecs);
		free(sizes);
		obj_free(o);
	}
	for (size_t i = 0; i < enc->nfuncs; i++) {
		const struct patched *p = &enc->funcs[i];
		unsigned newest = p->ncopies ? p->copies[p->ncopies - 1].gen : 0;

		for (size_t c = 0; c + 1 < p->ncopies; c++)
			if (p->copies[c].entry != p->copies[p->ncopies - 1].entry)
				dbg_code_replaced(enc->dbg, p->copies[c].entry, p->copies[c].entry + p->copies[c].size,
						  newest);
	}
	/* Frames in stale code wait again (their watches died with encide). */
	follow_threads(enc);
	dbg_break_refresh(enc->dbg);
	return 0;
}
