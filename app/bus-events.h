/* The one list of event types that travel on the bus, with their payload
 * fields. Every part of encide reads it: bus.h makes payload structs and
 * descriptors from it, the --batch transcript names fields after it.
 *
 * BUS_EVENTS(X, S, I, B, V) expands X(NAME, name, fields) once per event, the
 * fields built from S(f) (a string), I(f) (an int64_t), B(f) (a bool) and
 * V(f) (a NULL-terminated string vector). Adding an event is adding a row.
 */
#ifndef ENCIDE_BUS_EVENTS_H
#define ENCIDE_BUS_EVENTS_H

#define BUS_EVENTS(X, S, I, B, V)                                              \
	/* text for the user: a command's output, a notice, a warning */       \
	X(MESSAGE, message, S(level) S(text))                                  \
	/* a command line was run, from a script, the ':' line or a key */     \
	X(COMMAND, command, S(source) S(line))                                 \
	/* a command failed; error is the message shown to the user */         \
	X(COMMAND_FAILED, command_failed, S(source) S(line) S(error))          \
	/* a file was opened into a buffer */                                  \
	X(FILE_OPENED, file_opened, S(path) I(lines) I(bytes))                 \
	/* an edit command changed a buffer; version is the buffer's version */ \
	X(EDIT_APPLIED, edit_applied, S(path) S(command) I(version) I(line))   \
	/* a buffer was written to its file */                                 \
	X(FILE_SAVED, file_saved, S(path) I(bytes) I(version))                 \
	/* a file opened has unsaved edits from a session that ended */        \
	X(RECOVERY_AVAILABLE, recovery_available, S(path) I(operations))       \
	/* SIGINT, SIGTERM or a quit command: the session is ending */         \
	X(QUIT, quit, S(reason) I(status))

#endif
