/* Edit and Continue's code as the debugger shows it: which generation's
 * source each piece of code speaks (the line translator), which code a later
 * generation replaced (frames there are superseded, `<updN>`), and why a
 * superseded frame stays where it is (notes). The EnC engine tells the
 * debugger these facts; the debugger never asks up for them.
 *
 *   module         generation   DWARF lines are those of...
 *   the program    0            the source as built
 *   gen/001/a.o    1            the source as upd001 compiled it
 *
 *   shown line = translator(file, generation, code line, to_current)
 *   breakpoint on current line L -> translator(file, g, L, !to_current)
 *                                   in each module of generation g
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/dbg-int.h"

void dbg_set_line_translator(struct dbg *dbg, dbg_line_fn *fn, void *arg)
{
	dbg->line_fn = fn;
	dbg->line_arg = arg;
}

int dbg_code_line(struct dbg *dbg, const char *file, unsigned gen, int line, bool to_current)
{
	if (!dbg->line_fn || !file || line <= 0)
		return line;
	return dbg->line_fn(dbg->line_arg, file, gen, line, to_current);
}

int dbg_code_replaced(struct dbg *dbg, uint64_t low, uint64_t high, unsigned gen)
{
	struct dbg_replaced *v;

	for (size_t i = 0; i < dbg->nreplaced; i++)
		if (dbg->replaced[i].low == low) {
			dbg->replaced[i].high = high;
			dbg->replaced[i].gen = gen;
			return 0;
		}
	v = realloc(dbg->replaced, (dbg->nreplaced + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	dbg->replaced = v;
	v[dbg->nreplaced++] = (struct dbg_replaced){ low, high, gen };
	return 0;
}

void dbg_code_replaced_clear(struct dbg *dbg)
{
	free(dbg->replaced);
	dbg->replaced = NULL;
	dbg->nreplaced = 0;
}

unsigned dbg_code_superseded(struct dbg *dbg, uint64_t pc)
{
	for (size_t i = 0; i < dbg->nreplaced; i++)
		if (pc >= dbg->replaced[i].low && pc < dbg->replaced[i].high)
			return dbg->replaced[i].gen;
	return 0;
}

int dbg_frame_note(struct dbg *dbg, pid_t tid, uint64_t cfa, const char *reason)
{
	struct dbg_note *v;
	char *copy = NULL;

	for (size_t i = 0; i < dbg->nnotes; i++) {
		if (dbg->notes[i].tid != tid || dbg->notes[i].cfa != cfa)
			continue;
		if (!reason) {
			free(dbg->notes[i].reason);
			dbg->notes[i] = dbg->notes[--dbg->nnotes];
			return 0;
		}
		if (!(copy = strdup(reason)))
			return -ENOMEM;
		free(dbg->notes[i].reason);
		dbg->notes[i].reason = copy;
		return 0;
	}
	if (!reason)
		return 0;
	v = realloc(dbg->notes, (dbg->nnotes + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	dbg->notes = v;
	if (!(copy = strdup(reason)))
		return -ENOMEM;
	v[dbg->nnotes++] = (struct dbg_note){ tid, cfa, copy };
	return 0;
}

const char *dbg_note_find(struct dbg *dbg, pid_t tid, uint64_t cfa)
{
	for (size_t i = 0; i < dbg->nnotes; i++)
		if (dbg->notes[i].tid == tid && dbg->notes[i].cfa == cfa)
			return dbg->notes[i].reason;
	return NULL;
}

void dbg_code_process_gone(struct dbg *dbg)
{
	dbg_code_replaced_clear(dbg);
	for (size_t i = 0; i < dbg->nnotes; i++)
		free(dbg->notes[i].reason);
	free(dbg->notes);
	dbg->notes = NULL;
	dbg->nnotes = 0;
}
