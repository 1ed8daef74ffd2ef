/* ui/: the full-screen terminal interface, the only part of encide that
 * includes ncurses. It is a client of app/: keys become command lines run
 * through the command table, and what it shows is read from the session.
 */
#ifndef ENCIDE_UI_H
#define ENCIDE_UI_H

#include "app/app.h"

/* Runs the full-screen UI on app (its view may have no buffer) until a quit
 * command or SIGINT/SIGTERM; the terminal is restored before it returns.
 * theme names the colour theme (NULL: the default, dark); a bad one is
 * reported on the status line and the default is used.
 * Returns the exit status: 0 after quit, 128 + the signal's number after a
 * signal (129 when the terminal goes away), 1 when the terminal cannot be
 * used (the reason is printed on stderr). */
int ui_run(struct app *app, const char *theme);

/* `encide --colours`: prints on f what terminfo, COLORTERM and the terminal
 * itself (asked as ui_run asks it) say about colour, and what encide will
 * draw with. 0, or 1 when there is no terminal (/dev/tty; said on stderr). */
int ui_colours_report(FILE *f);

#endif
