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
	/* another program changed a file: open (a buffer holds it), unsaved \
	 * (it has edits: both versions kept as blobs, the user chooses),     \
	 * deleted; a source not open is loaded by the next apply */          \
	X(FILE_CHANGED_OUTSIDE, file_changed_outside, S(path) B(open)          \
	  B(unsaved) B(deleted) S(disk_blob) S(buffer_blob))                   \
	/* a buffer took its file's text from disk, as edits from a line diff \
	 * (hunks blocks); guess: line maps across it are a diff's guess */    \
	X(FILE_RELOADED, file_reloaded, S(path) I(version) I(lines) I(hunks)   \
	  B(guess))                                                            \
	/* a buffer was written to its file */                                 \
	X(FILE_SAVED, file_saved, S(path) I(bytes) I(version))                 \
	/* a file opened has unsaved edits from a session that ended */        \
	X(RECOVERY_AVAILABLE, recovery_available, S(path) I(operations))       \
	/* the debugged program was started (or attached to) */               \
	X(INFERIOR_STARTED, inferior_started, I(pid) S(program))               \
	/* every thread stopped; reason: breakpoint, step, signal, ...; the   \
	 * code's EnC generation, and N when it runs code updN replaced */     \
	X(INFERIOR_STOPPED, inferior_stopped, S(reason) I(tid) I(pc)           \
	  S(function) S(file) I(line) S(signal) I(breakpoint) I(generation)    \
	  I(superseded))                                                       \
	/* the debugged program ended: exit status, or the signal that killed it */ \
	X(INFERIOR_EXITED, inferior_exited, I(pid) I(status) S(signal))        \
	/* what the program wrote to its terminal */                           \
	X(PROGRAM_OUTPUT, program_output, S(stream) S(text))                   \
	/* what was sent to the program's terminal (its echo is off) */        \
	X(PROGRAM_INPUT, program_input, S(text))                               \
	X(THREAD_NEW, thread_new, I(tid))                                      \
	X(THREAD_EXITED, thread_exited, I(tid))                                \
	/* a breakpoint was set (or moved to the next line with code) */       \
	X(BREAKPOINT_SET, breakpoint_set, I(id) S(location) S(file) I(line)    \
	  I(address) I(requested_line))                                        \
	/* a build began (build/): the project's kind, target, parallel jobs */ \
	X(BUILD_STARTED, build_started, S(project) S(kind) S(target) I(jobs)  \
	  B(relink))                                                           \
	/* a build step began: [done/total] action file (total 0: unknown) */  \
	X(BUILD_PROGRESS, build_progress, I(done) I(total) S(action) S(file))  \
	/* the compiler's error, warning or note; fixits "L:C-L:C: text" */    \
	X(DIAGNOSTIC, diagnostic, S(file) I(line) I(column) S(severity)       \
	  S(message) V(fixits))                                                \
	/* a build ended; output is the target's executable when ok */         \
	X(BUILD_FINISHED, build_finished, B(ok) I(errors) I(warnings)         \
	  I(compiled) I(up_to_date) S(output) S(error))                        \
	/* new code is live: generation N (upd00N), what changed, what was   \
	 * added, what was removed, functions still running old code on the  \
	 * stack, functions whose only change is a __LINE__ that moved (not   \
	 * patched), and how long the compiler and the whole apply took       \
	 * (microseconds) */                                                   \
	X(ENC_APPLIED, enc_applied, I(generation) S(name) V(changed) V(added)  \
	  V(variables) V(removed) V(old_frames) V(moved) I(compile_us)         \
	  I(total_us))                                                         \
	/* every generation was undone (as generation N): the program's own  \
	 * code runs again; regions released now, and kept while frames run  \
	 * them */                                                            \
	X(ENC_REVERTED, enc_reverted, I(generation) S(name) V(restored)        \
	  V(old_frames) I(released) I(kept))                                   \
	/* a frame that ran a changed function now runs its new code; guess: \
	 * its line came through a diff (a file changed outside encide) */     \
	X(FRAME_REMAPPED, frame_remapped, S(function) I(tid) I(old_line)       \
	  I(new_line) B(moved) I(generation) B(guess))                         \
	/* a frame that runs a changed function stays in its old code */      \
	X(FRAME_SUPERSEDED, frame_superseded, S(function) I(tid)               \
	  I(generation) S(reason))                                             \
	/* source text stored (snapshot store): what is "build", "baseline"   \
	 * (generation 0 of a program run) or "upd001"...; files recorded */   \
	X(SNAPSHOT_RECORDED, snapshot_recorded, S(what) I(generation)          \
	  I(files) S(store))                                                   \
	/* git (the project's working tree): HEAD and whether files differ;  \
	 * published by git-status and when a save changes the summary */     \
	X(GIT_STATUS, git_status, S(workdir) S(branch) S(commit) B(detached)   \
	  B(unborn) B(dirty) I(changed) I(untracked))                          \
	/* git-changes: a buffer's lines against HEAD; changes "+L,N" added,  \
	 * "~L,N" modified, "-L,N" N lines deleted above line L */              \
	X(GIT_CHANGES, git_changes, S(path) I(added) I(modified) I(deleted)    \
	  V(changes))                                                          \
	/* an apply was refused or failed; nothing in the program changed */    \
	X(ENC_REJECTED, enc_rejected, S(reason))                               \
	/* SIGINT, SIGTERM or a quit command: the session is ending */         \
	X(QUIT, quit, S(reason) I(status))

#endif
