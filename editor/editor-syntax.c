/* The C syntax trees of a buffer (tree-sitter) and the highlight spans drawn
 * from them with the grammar's own queries/highlights.scm. tree-sitter 0.20.7
 * leaves text predicates (#match?, #eq?) to its clients: they are compiled
 * here, once per process, with the query.
 *
 * A buffer is parsed in chunks, not as one tree:
 *
 *   text   |int a;|void f(void) {...}|struct s {...};|void g(void)...|.....
 *   chunks [------ chunk 0 ---------][-------- chunk 1 -----------][ not
 *           ~32 KiB, cut where a top-level item begins a line       split yet
 *
 * Each chunk is parsed alone, as if it were a file of its own (C's top level
 * is a list of independent items, so a chunk cut between two items parses
 * exactly as the same bytes inside the whole file), with positions relative
 * to its first byte and line. Why: tree-sitter rebuilds the root node on
 * every reparse, and the root of a 250,000-line file has tens of thousands
 * of children; summarising and balancing them cost ~15 ms a keystroke. A
 * chunk's root has a few dozen. An edit reparses one chunk; opening a file
 * parses only the chunks the first screen shows; the rest are split and
 * parsed when something asks for them (the function list, a highlight
 * further down).
 *
 * Cuts: a chunk is parsed over ~32 KiB rounded to a line end; its last
 * top-level item may be cut in half, and error recovery may have split it
 * into several ERROR items, so the cut goes before the trailing run of
 * items that are the last, erroneous, or not at the start of a line. When
 * the run is the whole chunk (one enormous item), the chunk doubles.
 * Edits keep the cuts: text typed at a chunk's first byte belongs to that
 * chunk, a deletion across a cut merges the chunks it touches, and a chunk
 * grown past four times the size is cut again. An unclosed '{' or comment
 * is contained in its chunk instead of recolouring the rest of the file.
 */
#include <errno.h>
#include <malloc.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <tree_sitter/api.h>

#include "editor/editor-int.h"

/* The grammar (tree-sitter-c's parser.c) and the embedded query text. */
const TSLanguage *tree_sitter_c(void);
extern const char editor_highlights_scm[];

/* tree-sitter keeps at most this many matches in progress at once: a
 * pathological file costs a few lost highlights, never unbounded memory. */
#define SYN_MATCH_LIMIT 256

/* The chunk size aimed at; tests set a smaller one (syn_set_chunk_bytes). */
#define SYN_CHUNK_BYTES (32 * 1024)

/* A run of whole top-level items, parsed as a file of its own. */
struct syn_chunk {
	size_t start; /* its first byte in the buffer, at the start of a line */
	size_t line;  /* that byte's line, 0-based */
	size_t len;   /* its bytes */
	TSTree *tree; /* its parse (positions relative to start/line), or NULL */
	bool stale;   /* edited since parsed: reparse (incrementally) before use */
};

struct syntax {
	struct syn_chunk *chunks; /* in order, contiguous from byte 0 */
	size_t n, cap;            /* chunks used, allocated */
	size_t covered;           /* bytes the chunks cover: [0, covered) */
	bool complete;            /* they cover the whole text */
	size_t chunk_bytes;       /* the size aimed at */
	bool failed;              /* the grammar cannot be loaded: never retry */
};

/* One text predicate of a pattern, e.g. (#match? @constant "^[A-Z]"). */
struct syn_pred {
	bool is_match;     /* #match? (a regex), else #eq? */
	bool negate;       /* the #not-... form */
	uint32_t capture;  /* the capture tested */
	int64_t other;     /* #eq? @a @b: b's capture id, else -1 */
	const char *value; /* #eq? @a "text": the text (owned by the query) */
	regex_t re;        /* #match?: the compiled regex */
};

/* The query and what was derived from it, built once per process. */
struct syn_query {
	TSQuery *query;               /* highlights.scm, compiled */
	enum syn_class *classes;      /* class of each capture id */
	struct syn_pred **preds;      /* per pattern: its predicates */
	uint32_t *npreds;             /* per pattern: how many */
	uint32_t npatterns;           /* patterns in the query */
};

static const char *const class_names[SYN__COUNT] = {
	[SYN_NONE] = "none",
	[SYN_KEYWORD] = "keyword",
	[SYN_TYPE] = "type",
	[SYN_FUNCTION] = "function",
	[SYN_STRING] = "string",
	[SYN_NUMBER] = "number",
	[SYN_CONSTANT] = "constant",
	[SYN_COMMENT] = "comment",
	[SYN_OPERATOR] = "operator",
	[SYN_DELIMITER] = "delimiter",
	[SYN_PROPERTY] = "property",
	[SYN_LABEL] = "label",
	[SYN_VARIABLE] = "variable",
	[SYN_PREPROC] = "preproc",
};

const char *syn_class_name(enum syn_class class)
{
	if ((int)class < 0 || class >= SYN__COUNT)
		return class_names[SYN_NONE];
	return class_names[class];
}

/* The class of a capture name: exact first, then its part before the first
 * '.' ("constant.builtin" -> constant). The macro name of a function-like
 * #define (@function.special) is drawn as preprocessor. */
static enum syn_class class_of_capture(const char *name, size_t len)
{
	static const char special[] = "function.special";
	size_t dot;

	if (len == sizeof(special) - 1 && memcmp(name, special, len) == 0)
		return SYN_PREPROC;
	for (dot = 0; dot < len && name[dot] != '.'; dot++)
		;
	for (int c = SYN_NONE + 1; c < SYN__COUNT; c++)
		if (strlen(class_names[c]) == dot && memcmp(class_names[c], name, dot) == 0)
			return (enum syn_class)c;
	return SYN_NONE;
}

/*
 * The queries are written for tree-sitter's Rust regex crate; POSIX extended
 * regexes lack its class escapes. \d, \w and \s become bracket classes
 * (inside a bracket expression, where POSIX takes '\' literally, just their
 * contents), "\\" in a bracket becomes one backslash. Returns a new string,
 * or NULL when out of memory.
 */
static char *regex_to_posix(const char *re)
{
	size_t n = strlen(re);
	char *out = malloc(n * 12 + 1), *o = out;
	bool bracket = false;

	if (!out)
		return NULL;
	for (const char *p = re; *p; p++) {
		const char *cls = NULL;

		if (*p == '\\' && p[1]) {
			switch (p[1]) {
			case 'd':
				cls = "0-9";
				break;
			case 'w':
				cls = "[:alnum:]_";
				break;
			case 's':
				cls = "[:space:]";
				break;
			}
			if (cls) {
				o += sprintf(o, bracket ? "%s" : "[%s]", cls);
				p++;
			} else if (bracket) {
				*o++ = *++p;
			} else {
				*o++ = *p++;
				*o++ = *p;
			}
			continue;
		}
		if (!bracket && *p == '[') {
			bracket = true;
			*o++ = *p;
			/* A ']' right after "[" or "[^" is a member, not the end. */
			if (p[1] == '^')
				*o++ = *++p;
			if (p[1] == ']')
				*o++ = *++p;
			continue;
		}
		if (bracket && *p == ']')
			bracket = false;
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* Compiles pattern i's predicates into q->preds[i]. Returns 0, 1 when the
 * pattern uses a predicate we cannot evaluate (the caller disables it), or
 * -ENOMEM. */
static int compile_predicates(struct syn_query *q, uint32_t i)
{
	uint32_t nsteps, len, k = 0, count = 0;
	const TSQueryPredicateStep *steps = ts_query_predicates_for_pattern(q->query, i, &nsteps);

	for (uint32_t s = 0; s < nsteps; s++)
		count += steps[s].type == TSQueryPredicateStepTypeDone;
	if (count == 0)
		return 0;
	q->preds[i] = calloc(count, sizeof(*q->preds[i]));
	if (!q->preds[i])
		return -ENOMEM;

	for (uint32_t s = 0; s < nsteps; k++) {
		struct syn_pred *pr = &q->preds[i][k];
		const TSQueryPredicateStep *a = &steps[s];
		uint32_t argc = 0;
		const char *name;
		char *posix;
		int err;

		while (s + 1 + argc < nsteps && steps[s + 1 + argc].type != TSQueryPredicateStepTypeDone)
			argc++;
		s += argc + 2; /* the name, the arguments, the Done */
		if (a[0].type != TSQueryPredicateStepTypeString || argc != 2 ||
		    a[1].type != TSQueryPredicateStepTypeCapture)
			return 1;
		name = ts_query_string_value_for_id(q->query, a[0].value_id, &len);
		pr->capture = a[1].value_id;
		pr->other = -1;
		if (strcmp(name, "eq?") == 0 || strcmp(name, "not-eq?") == 0) {
			pr->negate = name[0] == 'n';
			if (a[2].type == TSQueryPredicateStepTypeCapture)
				pr->other = a[2].value_id;
			else
				pr->value = ts_query_string_value_for_id(q->query, a[2].value_id, &len);
		} else if (strcmp(name, "match?") == 0 || strcmp(name, "not-match?") == 0) {
			if (a[2].type != TSQueryPredicateStepTypeString)
				return 1;
			pr->negate = name[0] == 'n';
			posix = regex_to_posix(ts_query_string_value_for_id(q->query, a[2].value_id, &len));
			if (!posix)
				return -ENOMEM;
			err = regcomp(&pr->re, posix, REG_EXTENDED | REG_NOSUB);
			free(posix);
			if (err != 0)
				return 1;
			pr->is_match = true;
		} else {
			return 1;
		}
		q->npreds[i] = k + 1;
	}
	return 0;
}

/* The process's compiled highlight query; NULL if it cannot be built (out
 * of memory, or a query the grammar rejects: a broken build). */
static const struct syn_query *highlight_query(void)
{
	static struct syn_query q;
	static bool tried;
	uint32_t offset, ncaptures, len;
	TSQueryError qerr;

	if (tried)
		return q.query ? &q : NULL;
	tried = true;
	q.query = ts_query_new(tree_sitter_c(), editor_highlights_scm,
			       (uint32_t)strlen(editor_highlights_scm), &offset, &qerr);
	if (!q.query)
		return NULL;
	ncaptures = ts_query_capture_count(q.query);
	q.npatterns = ts_query_pattern_count(q.query);
	q.classes = calloc(ncaptures ? ncaptures : 1, sizeof(*q.classes));
	q.preds = calloc(q.npatterns ? q.npatterns : 1, sizeof(*q.preds));
	q.npreds = calloc(q.npatterns ? q.npatterns : 1, sizeof(*q.npreds));
	if (!q.classes || !q.preds || !q.npreds)
		goto fail;
	for (uint32_t c = 0; c < ncaptures; c++) {
		const char *name = ts_query_capture_name_for_id(q.query, c, &len);

		q.classes[c] = class_of_capture(name, len);
	}
	for (uint32_t i = 0; i < q.npatterns; i++) {
		int r = compile_predicates(&q, i);

		if (r < 0)
			goto fail;
		if (r > 0)
			ts_query_disable_pattern(q.query, i);
	}
	return &q;
fail:
	for (uint32_t i = 0; q.preds && i < q.npatterns; i++) {
		for (uint32_t k = 0; k < q.npreds[i]; k++)
			if (q.preds[i][k].is_match)
				regfree(&q.preds[i][k].re);
		free(q.preds[i]);
	}
	free(q.preds);
	free(q.npreds);
	free(q.classes);
	ts_query_delete(q.query);
	q = (struct syn_query){ 0 };
	return NULL;
}

/* The process's parser, set to the C grammar; NULL when out of memory or
 * when libtree-sitter cannot load the grammar's ABI. */
static TSParser *c_parser(void)
{
	static TSParser *parser;

	if (!parser) {
		parser = ts_parser_new();
		if (parser && !ts_parser_set_language(parser, tree_sitter_c())) {
			ts_parser_delete(parser);
			parser = NULL;
		}
	}
	return parser;
}

void editor_tune_allocator(void)
{
	/* No fast bins: each free goes where it belongs at once, so no later
	 * malloc_consolidate() has to sweep a reparse's worth of them (p99 of
	 * a keystroke on the 250,000-line benchmark: 4.5 ms with, 1.7 without;
	 * p50 unchanged). */
	mallopt(M_MXFAST, 0);
}

int syn_new(struct syntax **out)
{
	struct syntax *syn = calloc(1, sizeof(*syn));

	if (!syn)
		return -ENOMEM;
	syn->chunk_bytes = SYN_CHUNK_BYTES;
	*out = syn;
	return 0;
}

/* Forgets chunks [from, n): their bytes are not split any more. */
static void chunks_truncate(struct syntax *syn, size_t from)
{
	for (size_t i = from; i < syn->n; i++)
		if (syn->chunks[i].tree)
			ts_tree_delete(syn->chunks[i].tree);
	if (from < syn->n) {
		syn->covered = syn->chunks[from].start;
		syn->complete = false;
		syn->n = from;
	}
}

void syn_free(struct syntax *syn)
{
	if (!syn)
		return;
	chunks_truncate(syn, 0);
	free(syn->chunks);
	free(syn);
}

void syn_set_chunk_bytes(struct syntax *syn, size_t bytes)
{
	chunks_truncate(syn, 0);
	syn->chunk_bytes = bytes ? bytes : SYN_CHUNK_BYTES;
}

size_t syn_chunk_count(const struct syntax *syn)
{
	return syn->n;
}

bool syn_has_tree(const struct syntax *syn)
{
	for (size_t i = 0; syn && i < syn->n; i++)
		if (syn->chunks[i].tree)
			return true;
	return false;
}

/* What a chunk's TSInput reads: len bytes of buf from start. */
struct chunk_input {
	const struct buffer *buf; /* the text */
	size_t start, len;        /* the part read, as a file of its own */
};

/* TSInput's reader: the piece table's bytes at the chunk's byte. */
static const char *read_chunk(void *payload, uint32_t byte, TSPoint point, uint32_t *bytes_read)
{
	const struct chunk_input *in = payload;
	size_t len = 0;
	const char *s = byte < in->len ? buf_chunk(in->buf, in->start + byte, &len) : "";

	if (len > in->len - byte)
		len = byte < in->len ? in->len - byte : 0;
	*bytes_read = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	return s;
}

/* Parses len bytes of buf from start (with old, edited to match, when not
 * NULL). NULL when the parser gives up. */
static TSTree *parse_range(TSParser *parser, const struct buffer *buf, size_t start, size_t len, TSTree *old)
{
	struct chunk_input in = { buf, start, len };
	TSInput input = { &in, read_chunk, TSInputEncodingUTF8 };

	return ts_parser_parse(parser, old, input);
}

/* Where tree (of a chunk) may be cut: before the trailing run of its
 * top-level items that are the last one (maybe cut in half), erroneous, or
 * not at the start of a line. 0 when the run is the whole tree. */
static size_t cut_point(TSTree *tree)
{
	TSNode root = ts_tree_root_node(tree);
	uint32_t n = ts_node_child_count(root);

	for (uint32_t i = n; i-- > 1;) {
		TSNode item = ts_node_child(root, i), prev = ts_node_child(root, i - 1);

		if (ts_node_start_point(item).column == 0 && !ts_node_has_error(prev) && !ts_node_is_missing(prev) &&
		    ts_node_start_byte(item) >= ts_node_end_byte(prev))
			return ts_node_start_byte(item);
	}
	return 0;
}

/* The byte after the line holding pos (or the end of the text). */
static size_t line_end_after(const struct buffer *buf, size_t pos)
{
	size_t size = buf_size(buf), start, end;

	if (pos >= size)
		return size;
	if (!buf_line_span(buf, buf_line_of(buf, pos), &start, &end))
		return size;
	return end < size ? end + 1 : size;
}

/* Splits off the next chunk at the end of the covered text and parses it.
 * 0, or negative (out of memory, the grammar cannot be loaded). */
static int chunk_next(struct syntax *syn, const struct buffer *buf, TSParser *parser)
{
	size_t size = buf_size(buf), start = syn->covered, want = syn->chunk_bytes, end, cut = 0;
	TSTree *tree = NULL;

	if (start >= size) {
		syn->complete = true;
		return 0;
	}
	if (syn->n == syn->cap) {
		size_t cap = syn->cap ? 2 * syn->cap : 16;
		struct syn_chunk *v = realloc(syn->chunks, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		syn->chunks = v;
		syn->cap = cap;
	}
	for (;;) {
		end = want >= size - start ? size : line_end_after(buf, start + want);
		if (tree)
			ts_tree_delete(tree);
		if (!(tree = parse_range(parser, buf, start, end - start, NULL)))
			return -ENOMEM;
		if (end == size || (cut = cut_point(tree)) > 0)
			break;
		want *= 2; /* one item longer than a chunk: take more */
	}
	if (end < size) {
		/* Drop the cut-off tail: an edit deleting it, and a reparse that
		 * reuses everything before it. Both ends are line starts. */
		size_t first = buf_line_of(buf, start);
		TSInputEdit e = {
			.start_byte = (uint32_t)cut, .old_end_byte = (uint32_t)(end - start), .new_end_byte = (uint32_t)cut,
			.start_point = { (uint32_t)(buf_line_of(buf, start + cut) - first), 0 },
			.old_end_point = { (uint32_t)(buf_line_of(buf, end) - first), 0 },
		};
		TSTree *shorter;

		e.new_end_point = e.start_point;
		ts_tree_edit(tree, &e);
		shorter = parse_range(parser, buf, start, cut, tree);
		ts_tree_delete(tree);
		if (!(tree = shorter))
			return -ENOMEM;
		end = start + cut;
	}
	syn->chunks[syn->n++] = (struct syn_chunk){
		.start = start, .line = buf_line_of(buf, start) - 1, .len = end - start, .tree = tree,
	};
	syn->covered = end;
	syn->complete = end >= size;
	return 0;
}

/* The parser, or NULL with syn marked failed (the grammar cannot load). */
static TSParser *usable_parser(struct syntax *syn, const struct buffer *buf)
{
	TSParser *parser = syn->failed ? NULL : c_parser();

	if (!parser || buf_size(buf) > UINT32_MAX)
		syn->failed = true;
	return syn->failed ? NULL : parser;
}

/* Makes chunk i's tree current: reparses it if edited (cutting it again
 * when it grew past four times the size), parses it if it never was.
 * 0 or negative. */
static int chunk_parse(struct syntax *syn, const struct buffer *buf, TSParser *parser, size_t i)
{
	struct syn_chunk *c = &syn->chunks[i];
	TSTree *tree;
	size_t cut;

	if (c->tree && !c->stale)
		return 0;
	if (!(tree = parse_range(parser, buf, c->start, c->len, c->stale ? c->tree : NULL)))
		return -ENOMEM;
	if (c->tree)
		ts_tree_delete(c->tree);
	c->tree = tree;
	c->stale = false;
	if (c->len > 4 * syn->chunk_bytes && (cut = cut_point(tree)) > 0 && cut < c->len) {
		/* Grown too big: forget it and everything after; the next
		 * chunk_next() cuts again from its start. */
		chunks_truncate(syn, i);
	}
	return 0;
}

/* Splits and parses chunks until they cover [0, end) and every chunk
 * overlapping [start, end) has a current tree. 0 or negative. */
static int syn_prepare(struct syntax *syn, const struct buffer *buf, size_t start, size_t end)
{
	TSParser *parser = usable_parser(syn, buf);
	int err;

	if (!parser)
		return -ENOTSUP;
	for (size_t i = 0;; i++) {
		if (i == syn->n) {
			if (syn->complete || syn->covered >= end)
				return 0;
			if ((err = chunk_next(syn, buf, parser)) < 0)
				return err;
			if (i == syn->n)
				return 0; /* the text ended */
			continue;
		}
		if (syn->chunks[i].start + syn->chunks[i].len < start ||
		    (syn->chunks[i].start >= end && syn->chunks[i].start > start))
			continue;
		if ((err = chunk_parse(syn, buf, parser, i)) < 0)
			return err;
		if (i >= syn->n)
			i--; /* it was cut again: split from there */
	}
}

int syn_parse(struct syntax *syn, const struct buffer *buf, char **errmsg)
{
	int err;

	if (errmsg)
		*errmsg = NULL;
	if (!usable_parser(syn, buf)) {
		if (errmsg && buf_size(buf) > UINT32_MAX)
			*errmsg = strdup("too large to parse (more than 4 GiB)");
		else if (errmsg && asprintf(errmsg, "the C grammar (ABI %u) cannot be loaded by libtree-sitter",
					    ts_language_version(tree_sitter_c())) < 0)
			*errmsg = NULL;
		return buf_size(buf) > UINT32_MAX ? -EFBIG : -ENOTSUP;
	}
	err = syn_prepare(syn, buf, 0, SIZE_MAX);
	if (err < 0 && errmsg)
		*errmsg = strdup("the parser gave up (out of memory)");
	return err;
}

/* The chunk holding byte pos (an insertion at the very end: the last). */
static size_t chunk_at(const struct syntax *syn, size_t pos)
{
	size_t lo = 0, hi = syn->n;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (syn->chunks[mid].start <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Where the text of op ends, as a tree-sitter point from `from`. */
static TSPoint point_after(TSPoint from, const struct edit_op *op)
{
	const char *nl = op->len ? memrchr(op->text, '\n', op->len) : NULL;

	if (!nl)
		return (TSPoint){ from.row, from.column + (uint32_t)op->len };
	return (TSPoint){ from.row + (uint32_t)op->newlines, (uint32_t)(op->text + op->len - nl - 1) };
}

void syn_edit(struct syntax *syn, const struct edit_op *op)
{
	size_t end = op->pos + (op->insert ? 0 : op->len), k, last;
	struct syn_chunk *c;
	TSPoint start;
	TSInputEdit edit;
	long dlines = op->insert ? (long)op->newlines : -(long)op->newlines;
	ptrdiff_t dbytes = op->insert ? (ptrdiff_t)op->len : -(ptrdiff_t)op->len;

	if (syn->n == 0 || op->pos > syn->covered || (op->pos == syn->covered && !syn->complete))
		return; /* not split yet: the first parse sees the new text */
	if (end > syn->covered || (end == syn->covered && !syn->complete && !op->insert)) {
		/* It reaches text not split yet: split again from its chunk. */
		chunks_truncate(syn, chunk_at(syn, op->pos));
		return;
	}
	k = chunk_at(syn, op->pos);
	last = op->insert ? k : chunk_at(syn, end > op->pos ? end - 1 : end);
	if (last > k) {
		/* A deletion across cuts: chunks k..last become one, parsed anew. */
		c = &syn->chunks[k];
		c->len = syn->chunks[last].start + syn->chunks[last].len - c->start;
		for (size_t i = k; i <= last; i++)
			if (syn->chunks[i].tree)
				ts_tree_delete(syn->chunks[i].tree);
		c->tree = NULL;
		c->stale = false;
		memmove(&syn->chunks[k + 1], &syn->chunks[last + 1], (syn->n - last - 1) * sizeof(*c));
		syn->n -= last - k;
	}
	c = &syn->chunks[k];
	if (c->tree) {
		start = (TSPoint){ (uint32_t)(op->line - 1 - c->line), (uint32_t)op->col };
		edit = (TSInputEdit){ .start_byte = (uint32_t)(op->pos - c->start), .start_point = start };
		if (op->insert) {
			edit.old_end_byte = edit.start_byte;
			edit.old_end_point = start;
			edit.new_end_byte = (uint32_t)(op->pos - c->start + op->len);
			edit.new_end_point = point_after(start, op);
		} else {
			edit.old_end_byte = (uint32_t)(op->pos - c->start + op->len);
			edit.old_end_point = point_after(start, op);
			edit.new_end_byte = edit.start_byte;
			edit.new_end_point = start;
		}
		ts_tree_edit(c->tree, &edit);
		c->stale = true;
	}
	c->len = (size_t)((ptrdiff_t)c->len + dbytes);
	for (size_t i = k + 1; i < syn->n; i++) {
		syn->chunks[i].start = (size_t)((ptrdiff_t)syn->chunks[i].start + dbytes);
		syn->chunks[i].line = (size_t)((long)syn->chunks[i].line + dlines);
	}
	syn->covered = (size_t)((ptrdiff_t)syn->covered + dbytes);
	if (c->len == 0) {
		/* Emptied: its neighbour takes its place. */
		if (c->tree)
			ts_tree_delete(c->tree);
		memmove(c, c + 1, (syn->n - k - 1) * sizeof(*c));
		if (--syn->n == 0) {
			/* The text is empty: what is typed next is split anew. */
			syn->covered = 0;
			syn->complete = false;
		}
	}
}

/* True when [start, end) touches node (an insertion point inside it). */
static bool touches(TSNode node, size_t start, size_t end)
{
	size_t ns = ts_node_start_byte(node), ne = ts_node_end_byte(node);

	return start == end ? (ns < start && start < ne) : (ns < end && start < ne);
}

static bool has_child_type(TSNode node, const char *type, int depth)
{
	uint32_t n = ts_node_named_child_count(node);

	if (strcmp(ts_node_type(node), type) == 0)
		return true;
	for (uint32_t i = 0; depth > 0 && i < n; i++)
		if (has_child_type(ts_node_named_child(node, i), type, depth - 1))
			return true;
	return false;
}

/* The kind of top-level construct node is, for the range [start, end). */
static unsigned kind_of(TSNode node, size_t start, size_t end)
{
	const char *type = ts_node_type(node);

	if (strcmp(type, "function_definition") == 0) {
		TSNode body = ts_node_child_by_field_name(node, "body", 4);

		/* Strictly between the braces; the braces themselves are the shape. */
		if (!ts_node_is_null(body) && ts_node_start_byte(body) < start &&
		    (start == end ? start : end) < ts_node_end_byte(body))
			return EDIT_KIND_BODY;
		return EDIT_KIND_PROTOTYPE;
	}
	if (strcmp(type, "type_definition") == 0 || strcmp(type, "struct_specifier") == 0 ||
	    strcmp(type, "union_specifier") == 0 || strcmp(type, "enum_specifier") == 0)
		return EDIT_KIND_TYPE;
	if (strcmp(type, "declaration") == 0) {
		if (has_child_type(node, "field_declaration_list", 2) || has_child_type(node, "enumerator_list", 2))
			return EDIT_KIND_TYPE;
		if (has_child_type(node, "function_declarator", 3) && !has_child_type(node, "init_declarator", 1))
			return EDIT_KIND_PROTOTYPE;
		return EDIT_KIND_GLOBAL;
	}
	if (strncmp(type, "preproc_", 8) == 0) {
		/* #if/#ifdef blocks hold top-level code: look inside them. */
		uint32_t n = ts_node_named_child_count(node);

		for (uint32_t i = 0; i < n; i++) {
			TSNode child = ts_node_named_child(node, i);
			const char *ct = ts_node_type(child);

			if (touches(child, start, end) && strncmp(ct, "preproc_", 8) != 0 &&
			    strcmp(ct, "identifier") != 0 && !strstr(ct, "expression") &&
			    strcmp(ct, "preproc_arg") != 0)
				return kind_of(child, start, end);
			if (touches(child, start, end) && strncmp(ct, "preproc_", 8) == 0 &&
			    (strcmp(ct, "preproc_if") == 0 || strcmp(ct, "preproc_ifdef") == 0 ||
			     strcmp(ct, "preproc_else") == 0 || strcmp(ct, "preproc_elif") == 0))
				return kind_of(child, start, end);
		}
		return EDIT_KIND_PREPROC;
	}
	return EDIT_KIND_OTHER;
}

unsigned syn_kinds(struct syntax *syn, const struct buffer *buf, size_t start, size_t end)
{
	unsigned kinds = 0;

	if (syn_prepare(syn, buf, start, end) < 0 || syn->n == 0)
		return EDIT_KIND_OTHER;
	for (size_t i = chunk_at(syn, start); i < syn->n && syn->chunks[i].start <= end; i++) {
		struct syn_chunk *c = &syn->chunks[i];
		size_t rs = start > c->start ? start - c->start : 0, re = end - c->start;
		TSTreeCursor cur;

		if (!c->tree || end < c->start)
			continue;
		/* A cursor jumps to the first top-level item at start. */
		cur = ts_tree_cursor_new(ts_tree_root_node(c->tree));
		if (ts_tree_cursor_goto_first_child_for_byte(&cur, (uint32_t)rs) >= 0) {
			do {
				TSNode node = ts_tree_cursor_current_node(&cur);

				if (ts_node_start_byte(node) >= re + (rs == re))
					break;
				if (ts_node_is_named(node) && touches(node, rs, re))
					kinds |= kind_of(node, rs, re);
			} while (ts_tree_cursor_goto_next_sibling(&cur));
		}
		ts_tree_cursor_delete(&cur);
	}
	return kinds ? kinds : EDIT_KIND_OTHER;
}

/* The name a declarator declares (through pointers, parentheses, arrays). */
static TSNode declared_name(TSNode decl)
{
	while (!ts_node_is_null(decl) && strcmp(ts_node_type(decl), "identifier") != 0) {
		TSNode inner = ts_node_child_by_field_name(decl, "declarator", 10);

		if (ts_node_is_null(inner)) {
			/* parenthesized_declarator has no field: its one named child */
			if (ts_node_named_child_count(decl) == 0)
				break;
			inner = ts_node_named_child(decl, 0);
		}
		decl = inner;
	}
	return decl;
}

/* Appends the function definitions among node's children (recursing into
 * preprocessor blocks) to *v. */
static int collect_functions(const struct buffer *buf, const struct syn_chunk *c, TSNode node,
			     struct buf_function **v, size_t *n, size_t *cap)
{
	uint32_t count = ts_node_named_child_count(node);

	for (uint32_t i = 0; i < count; i++) {
		TSNode child = ts_node_named_child(node, i);
		const char *type = ts_node_type(child);
		TSNode name, body;
		size_t ns, ne;

		if (strncmp(type, "preproc_if", 10) == 0 || strcmp(type, "preproc_else") == 0 ||
		    strcmp(type, "preproc_elif") == 0) {
			if (collect_functions(buf, c, child, v, n, cap) < 0)
				return -ENOMEM;
			continue;
		}
		if (strcmp(type, "function_definition") != 0)
			continue;
		name = declared_name(ts_node_child_by_field_name(child, "declarator", 10));
		if (ts_node_is_null(name) || strcmp(ts_node_type(name), "identifier") != 0)
			continue;
		if (*n == *cap) {
			size_t more = *cap ? 2 * *cap : 32;
			struct buf_function *p = realloc(*v, more * sizeof(*p));

			if (!p)
				return -ENOMEM;
			*v = p;
			*cap = more;
		}
		ns = c->start + ts_node_start_byte(name);
		ne = c->start + ts_node_end_byte(name);
		body = ts_node_child_by_field_name(child, "body", 4);
		(*v)[*n] = (struct buf_function){
			.name = malloc(ne - ns + 1),
			.first_line = c->line + ts_node_start_point(child).row + 1,
			.last_line = c->line + ts_node_end_point(child).row + 1,
			.body_line = ts_node_is_null(body) ? 0 : c->line + ts_node_start_point(body).row + 1,
		};
		if (!(*v)[*n].name)
			return -ENOMEM;
		(*v)[*n].name[buf_read(buf, ns, ne - ns, (*v)[*n].name)] = '\0';
		(*n)++;
	}
	return 0;
}

ssize_t buf_functions(const struct buffer *buf, struct buf_function **out)
{
	struct syntax *syn = buf_syntax(buf);
	struct buf_function *v = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	if (syn_prepare(syn, buf, 0, SIZE_MAX) < 0)
		return 0;
	for (size_t i = 0; i < syn->n; i++) {
		if (syn->chunks[i].tree &&
		    collect_functions(buf, &syn->chunks[i], ts_tree_root_node(syn->chunks[i].tree), &v, &n, &cap) < 0) {
			buf_functions_free(v, n);
			return -ENOMEM;
		}
	}
	*out = v;
	return (ssize_t)n;
}

void buf_functions_free(struct buf_function *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].name);
	free(v);
}

int buf_function_at(const struct buffer *buf, size_t line, struct buf_function *out)
{
	struct buf_function *v;
	ssize_t n = buf_functions(buf, &v);
	int found = -ENOENT;

	if (n < 0)
		return (int)n;
	for (ssize_t i = 0; i < n; i++) {
		if (v[i].first_line <= line && line <= v[i].last_line) {
			*out = v[i];
			v[i].name = NULL; /* handed over */
			found = 0;
			break;
		}
	}
	buf_functions_free(v, (size_t)n);
	return found;
}

/* The text of node into a NUL-terminated string: small in *stack, else a
 * new allocation in *heap (which the caller frees). NULL when out of memory. */
static const char *node_text(const struct buffer *buf, size_t base, TSNode node, char *stack, size_t stack_size,
			     char **heap)
{
	size_t start = base + ts_node_start_byte(node), len = ts_node_end_byte(node) - ts_node_start_byte(node);
	char *s = stack;

	if (len >= stack_size) {
		s = *heap = malloc(len + 1);
		if (!s)
			return NULL;
	}
	s[buf_read(buf, start, len, s)] = '\0';
	return s;
}

/* Whether every node captured as id in match passes pr. */
static bool pred_holds(const struct buffer *buf, size_t base, const struct syn_pred *pr, const TSQueryMatch *m)
{
	char stack_a[128], stack_b[128];

	for (uint16_t i = 0; i < m->capture_count; i++) {
		char *heap_a = NULL, *heap_b = NULL;
		const char *a, *b = pr->value;
		bool ok = true;

		if (m->captures[i].index != pr->capture)
			continue;
		a = node_text(buf, base, m->captures[i].node, stack_a, sizeof(stack_a), &heap_a);
		if (pr->other >= 0) {
			b = NULL;
			for (uint16_t j = 0; j < m->capture_count && !b; j++)
				if (m->captures[j].index == (uint32_t)pr->other)
					b = node_text(buf, base, m->captures[j].node, stack_b, sizeof(stack_b), &heap_b);
		}
		if (!a)
			ok = false;
		else if (pr->is_match)
			ok = (regexec(&pr->re, a, 0, NULL, 0) == 0) != pr->negate;
		else
			ok = b && (strcmp(a, b) == 0) != pr->negate;
		free(heap_a);
		free(heap_b);
		if (!ok)
			return false;
	}
	return true;
}

/* A capture that may become a span. */
struct candidate {
	uint32_t start, end;  /* the node's bytes */
	uint32_t pattern;     /* the pattern that captured it */
	enum syn_class class; /* its capture's class */
};

/* Outer nodes before the nodes inside them, and for one range the earlier
 * pattern first: painting in this order lets the innermost, then the latest
 * (most specific) pattern win. */
static int candidate_cmp(const void *pa, const void *pb)
{
	const struct candidate *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	if (a->pattern != b->pattern)
		return a->pattern < b->pattern ? -1 : 1;
	return 0;
}

/*
 * Captures are syntax nodes, so they nest or coincide, never cross. Sorted
 * outer-first they are painted, one class per byte, onto the range asked for;
 * the runs of the painted bytes are the spans:
 *
 *   text      f o o ( B A R )        (call_expression
 *   variable  [---]   [---]            function: (identifier) @function)
 *   constant          [---]          comes later in highlights.scm than
 *   function  [---]                  (identifier) @variable, so it paints
 *   spans     [fn-]   [cst]          over it.
 *
 * Adjacent runs of one class merge into one span.
 */
ssize_t buf_highlight(const struct buffer *buf, size_t start, size_t end, struct syn_span **out)
{
	const struct syn_query *q = highlight_query();
	struct syntax *syn = buf_syntax(buf);
	struct candidate *cands = NULL;
	struct syn_span *spans = NULL;
	size_t ncands = 0, capcands = 0, nspans = 0;
	unsigned char *paint = NULL;
	TSQueryCursor *cursor = NULL;
	TSQueryMatch m;
	ssize_t ret;

	if (!q) {
		ret = -EINVAL;
		goto out;
	}
	if (end > buf_size(buf))
		end = buf_size(buf);
	if (end > UINT32_MAX)
		end = UINT32_MAX;
	if (start >= end || syn_prepare(syn, buf, start, end) < 0 || syn->n == 0) {
		*out = NULL;
		ret = 0;
		goto out;
	}
	ret = -ENOMEM;
	cursor = ts_query_cursor_new();
	paint = calloc(end - start, 1);
	if (!cursor || !paint)
		goto out;
	ts_query_cursor_set_match_limit(cursor, SYN_MATCH_LIMIT);
	for (size_t ci = chunk_at(syn, start); ci < syn->n && syn->chunks[ci].start < end; ci++) {
		const struct syn_chunk *c = &syn->chunks[ci];
		size_t rs = start > c->start ? start - c->start : 0, re = end - c->start;
		TSTreeCursor top;

		if (!c->tree)
			continue;
		ts_query_cursor_set_byte_range(cursor, (uint32_t)rs, (uint32_t)(re < c->len ? re : c->len));
		/* The query runs on each top-level item the range overlaps, not
		 * on the root: tree-sitter 0.20's cursor would step through every
		 * item before the range (no pattern of highlights.scm spans two). */
		top = ts_tree_cursor_new(ts_tree_root_node(c->tree));
		if (ts_tree_cursor_goto_first_child_for_byte(&top, (uint32_t)rs) >= 0) {
			do {
				TSNode item = ts_tree_cursor_current_node(&top);

				if (ts_node_start_byte(item) >= re)
					break;
				ts_query_cursor_exec(cursor, q->query, item);
				while (ts_query_cursor_next_match(cursor, &m)) {
					bool ok = true;

					for (uint32_t k = 0; ok && k < q->npreds[m.pattern_index]; k++)
						ok = pred_holds(buf, c->start, &q->preds[m.pattern_index][k], &m);
					for (uint16_t i = 0; ok && i < m.capture_count; i++) {
						TSNode node = m.captures[i].node;
						enum syn_class class = q->classes[m.captures[i].index];

						if (class == SYN_NONE)
							continue;
						if (ncands == capcands) {
							size_t cap = capcands ? 2 * capcands : 64;
							struct candidate *cv = realloc(cands, cap * sizeof(*cv));

							if (!cv) {
								ts_tree_cursor_delete(&top);
								goto out;
							}
							cands = cv;
							capcands = cap;
						}
						cands[ncands++] = (struct candidate){
							.start = (uint32_t)(c->start + ts_node_start_byte(node)),
							.end = (uint32_t)(c->start + ts_node_end_byte(node)),
							.pattern = m.pattern_index,
							.class = class,
						};
					}
				}
			} while (ts_tree_cursor_goto_next_sibling(&top));
		}
		ts_tree_cursor_delete(&top);
	}

	if (ncands)
		qsort(cands, ncands, sizeof(*cands), candidate_cmp);
	for (size_t i = 0; i < ncands; i++) {
		size_t s = cands[i].start > start ? cands[i].start : start;
		size_t e = cands[i].end < end ? cands[i].end : end;

		if (s < e)
			memset(paint + (s - start), cands[i].class, e - s);
	}

	/* At most one span per run: count, then fill. */
	for (size_t i = 0; i < end - start; i++)
		if (paint[i] != SYN_NONE && (i == 0 || paint[i - 1] != paint[i]))
			nspans++;
	if (nspans) {
		spans = malloc(nspans * sizeof(*spans));
		if (!spans)
			goto out;
		nspans = 0;
		for (size_t i = 0; i < end - start; i++) {
			if (paint[i] == SYN_NONE)
				continue;
			if (i == 0 || paint[i - 1] != paint[i])
				spans[nspans++] = (struct syn_span){ .start = start + i, .class = paint[i] };
			spans[nspans - 1].end = start + i + 1;
		}
	}
	*out = spans;
	ret = (ssize_t)nspans;
out:
	if (cursor)
		ts_query_cursor_delete(cursor);
	free(paint);
	free(cands);
	return ret;
}
