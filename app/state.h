/* Where encide keeps its per-user state (journals, per-project build
 * directories, source snapshots): part of the bottom layer, so editor/ and
 * build/ find the same place without knowing each other. */
#ifndef ENCIDE_STATE_H
#define ENCIDE_STATE_H

/* $ENCIDE_STATE_DIR, else $XDG_STATE_HOME/encide, else
 * ~/.local/state/encide (created lazily by whoever writes there). A new
 * string the caller frees; NULL when out of memory. */
char *state_dir(void);

#endif
