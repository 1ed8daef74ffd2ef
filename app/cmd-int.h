/* Private to app/: the command table's rows, defined in the cmd-*.c files,
 * and the hooks the session calls into them. */
#ifndef ENCIDE_CMD_INT_H
#define ENCIDE_CMD_INT_H

#include "app/app.h"

/* Turns \\n, \\t, \\r, \\0, \\\\ and \\xHH in s into their bytes; *len
 * gets the result's size (it may hold NUL bytes). The caller frees it;
 * NULL when out of memory. */
char *cmd_unescape(const char *s, size_t *len);

/* cmd-session.c */
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_echo_entry;
extern const struct cmd_entry cmd_version_entry;
extern const struct cmd_entry cmd_sleep_entry;
extern const struct cmd_entry cmd_quit_entry;

/* cmd-edit.c */
extern const struct cmd_entry cmd_open_entry;
extern const struct cmd_entry cmd_goto_entry;
extern const struct cmd_entry cmd_cursor_up_entry;
extern const struct cmd_entry cmd_cursor_down_entry;
extern const struct cmd_entry cmd_cursor_left_entry;
extern const struct cmd_entry cmd_cursor_right_entry;
extern const struct cmd_entry cmd_line_start_entry;
extern const struct cmd_entry cmd_line_end_entry;
extern const struct cmd_entry cmd_page_up_entry;
extern const struct cmd_entry cmd_page_down_entry;
extern const struct cmd_entry cmd_file_start_entry;
extern const struct cmd_entry cmd_file_end_entry;
extern const struct cmd_entry cmd_info_entry;

/* cmd-buffer.c */
extern const struct cmd_entry cmd_insert_entry;
extern const struct cmd_entry cmd_delete_entry;
extern const struct cmd_entry cmd_delete_line_entry;
extern const struct cmd_entry cmd_replace_entry;
extern const struct cmd_entry cmd_undo_entry;
extern const struct cmd_entry cmd_redo_entry;
extern const struct cmd_entry cmd_save_entry;
extern const struct cmd_entry cmd_save_force_entry;
extern const struct cmd_entry cmd_search_entry;
extern const struct cmd_entry cmd_search_next_entry;
extern const struct cmd_entry cmd_search_prev_entry;
extern const struct cmd_entry cmd_recover_entry;
extern const struct cmd_entry cmd_discard_entry;

/* cmd-debug.c */
extern const struct cmd_entry cmd_file_entry;
extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_start_entry;
extern const struct cmd_entry cmd_continue_entry;
extern const struct cmd_entry cmd_next_entry;
extern const struct cmd_entry cmd_step_entry;
extern const struct cmd_entry cmd_finish_entry;
extern const struct cmd_entry cmd_until_entry;
extern const struct cmd_entry cmd_jump_entry;
extern const struct cmd_entry cmd_stepi_entry;
extern const struct cmd_entry cmd_nexti_entry;
extern const struct cmd_entry cmd_break_entry;
extern const struct cmd_entry cmd_tbreak_entry;
extern const struct cmd_entry cmd_enable_entry;
extern const struct cmd_entry cmd_disable_entry;
extern const struct cmd_entry cmd_condition_entry;
extern const struct cmd_entry cmd_ignore_entry;
extern const struct cmd_entry cmd_handle_entry;
extern const struct cmd_entry cmd_input_entry;
extern const struct cmd_entry cmd_bt_entry;
extern const struct cmd_entry cmd_frame_entry;
extern const struct cmd_entry cmd_up_entry;
extern const struct cmd_entry cmd_down_entry;
extern const struct cmd_entry cmd_threads_entry;
extern const struct cmd_entry cmd_thread_entry;
extern const struct cmd_entry cmd_attach_entry;
extern const struct cmd_entry cmd_detach_entry;
extern const struct cmd_entry cmd_kill_entry;
extern const struct cmd_entry cmd_interrupt_entry;
extern const struct cmd_entry cmd_print_entry;
extern const struct cmd_entry cmd_locals_entry;
extern const struct cmd_entry cmd_args_entry;
extern const struct cmd_entry cmd_watch_entry;
extern const struct cmd_entry cmd_rwatch_entry;
extern const struct cmd_entry cmd_awatch_entry;
/* `delete breakpoints [N...]` (the editor's `delete N` hands it over). */
int cmd_delete_breakpoints(struct cmd_ctx *ctx, int argc, char **argv);
/* The program to debug: the one set by `file`, else the project's built
 * target (set now). 0, or negative with *errmsg (caller frees). */
int debug_program(struct app *app, char **errmsg);
/* Creates the session's debugger and its subscriptions; 0 or -ENOMEM. */
int debug_attach(struct app *app);
/* Kills (or detaches from) the program and frees the debugger. */
void debug_detach(struct app *app);

/* cmd-build.c */
/* Loads the project's commands and graph when nothing did yet (no build
 * this session): 0, or -1 after cmd_error. */
int cmd_project_loaded(struct cmd_ctx *ctx);
extern const struct cmd_entry cmd_build_entry;
extern const struct cmd_entry cmd_relink_entry;
extern const struct cmd_entry cmd_build_system_entry;
extern const struct cmd_entry cmd_build_cancel_entry;
extern const struct cmd_entry cmd_target_entry;
extern const struct cmd_entry cmd_build_info_entry;

/* cmd-enc.c */
extern const struct cmd_entry cmd_apply_entry;
extern const struct cmd_entry cmd_set_entry;
extern const struct cmd_entry cmd_revert_entry;
extern const struct cmd_entry cmd_generations_entry;
/* Debug commands (continue, next, step, finish, until) call this first:
 * with auto-apply on, unapplied edits of the program's sources are applied.
 * 0 (nothing to do, or applied); 1 when the apply moved the current
 * thread's point of execution off a deleted line (a step is then done: VC6
 * stops there); or -1 after cmd_error: the command must not be performed. */
int enc_apply_first(struct cmd_ctx *ctx);
/* Subscribes the engine to the program's starts; 0 or -ENOMEM. */
int enc_attach(struct app *app);
/* Frees the engine and its records. */
void enc_detach(struct app *app);
/* A build succeeded: each buffer's text now is what the program holds
 * (BUILD_FINISHED calls it; `go` first, as its run starts at once). */
void enc_note_built(struct app *app);

/* cmd-disk.c */
extern const struct cmd_entry cmd_reload_entry;
extern const struct cmd_entry cmd_keep_buffer_entry;
/* Watches the folders of opened files and of the program's sources; 0 or
 * -ENOMEM. */
int disk_attach(struct app *app);
/* Stops watching, frees what it kept. */
void disk_detach(struct app *app);
/* The sources of the running program (as the snapshot store knows them)
 * that are not open and whose file differs from the source the program
 * runs: appended to out[have...] (skipping names already in out[0, have)),
 * the strings owned by the store; returns how many (out NULL: just count). */
size_t disk_changed_sources(struct app *app, const char **out, size_t have);
/* How line of a file that is not open moved between generations from and
 * to (ENC_NOW: the file on disk), by a diff of the stored versions (a
 * guess); the line itself when the text is the same. 0 when deleted. */
size_t disk_map_line(struct app *app, const char *file, unsigned from, unsigned to, int line);
/* True when that map is a diff's guess (the file's text differs). */
bool disk_map_guess(struct app *app, const char *file, unsigned from, unsigned to);
struct blob_id;
/* How line of file moved from its stored text from to its stored text to,
 * by a diff (a guess; cached); the line itself when they are the same. 0
 * when deleted. */
size_t disk_blob_line(struct app *app, const char *file, const struct blob_id *from, const struct blob_id *to,
		      int line);

/* cmd-git.c */
extern const struct cmd_entry cmd_git_status_entry;
extern const struct cmd_entry cmd_git_changes_entry;
/* Watches saves (the status is read again); 0 or -ENOMEM. */
int git_attach(struct app *app);
/* Frees the repositories and caches. */
void git_detach(struct app *app);

/* cmd-snapshot.c */
extern const struct cmd_entry cmd_snapshots_entry;
/* Subscribes the store to builds and program starts; 0 or -ENOMEM. */
int snapshot_attach(struct app *app);
/* Closes the store. */
void snapshot_detach(struct app *app);
/* The project's snapshot store, opened on first use; NULL without a
 * project or when it cannot be opened (the user was told once). */
struct snapshot *snapshot_store(struct app *app);
/* Records the files (NULL-terminated) as generation gen of the current run,
 * from their content on disk; publishes SNAPSHOT_RECORDED. */
void snapshot_generation(struct app *app, const char *const *files, unsigned gen);
/* Records generation gen as the same source as generation like, for every
 * file of the run (a revert: the program runs its build's code again). */
void snapshot_like(struct app *app, unsigned gen, unsigned like);
/* The kernel's start time of process pid (clock ticks since boot), 0 if
 * unknown: with the pid, it names one process. */
unsigned long long snapshot_start_time(long pid);
/* cmd-ui.c: the UI's rows, handed to app->ui */
extern const struct cmd_entry cmd_focus_entry;
extern const struct cmd_entry cmd_zoom_entry;
extern const struct cmd_entry cmd_pane_hide_entry;
extern const struct cmd_entry cmd_pane_show_entry;
extern const struct cmd_entry cmd_pane_resize_entry;
extern const struct cmd_entry cmd_tab_entry;
extern const struct cmd_entry cmd_select_entry;
extern const struct cmd_entry cmd_copy_entry;
extern const struct cmd_entry cmd_cut_entry;
extern const struct cmd_entry cmd_paste_entry;
extern const struct cmd_entry cmd_command_line_entry;
extern const struct cmd_entry cmd_find_entry;
extern const struct cmd_entry cmd_theme_entry;
extern const struct cmd_entry cmd_bind_entry;
extern const struct cmd_entry cmd_unbind_entry;
extern const struct cmd_entry cmd_mouse_entry;
extern const struct cmd_entry cmd_keys_entry;
extern const struct cmd_entry cmd_redraw_entry;

/* cmd-go.c: VC-style debugging commands */
extern const struct cmd_entry cmd_go_entry;
extern const struct cmd_entry cmd_step_over_entry;
extern const struct cmd_entry cmd_step_into_entry;
extern const struct cmd_entry cmd_break_toggle_entry;
extern const struct cmd_entry cmd_display_entry;
extern const struct cmd_entry cmd_undisplay_entry;
/* run and start while a build runs (the relink after a run with Edit and
 * Continue): the program starts with args (NULL-terminated, copied) when
 * the build has ended, as go's does; the pending command ends when it
 * stops (at once with bg). CMD_PENDING, or -1 after cmd_error. */
int go_after_build_run(struct cmd_ctx *ctx, char *const *args, bool at_main, bool bg);
/* Frees the display list. */
void display_release(struct app *app);

/* cmd-expect.c */
extern const struct cmd_entry cmd_expect_file_entry;
extern const struct cmd_entry cmd_expect_output_entry;
extern const struct cmd_entry cmd_outside_write_entry;
extern const struct cmd_entry cmd_expect_memory_entry;
extern const struct cmd_entry cmd_expect_entry;
extern const struct cmd_entry cmd_expect_none_entry;
/* Starts recording the transcript the expect commands search. */
int expect_attach(struct app *app);
/* Stops recording and frees the transcript. */
void expect_detach(struct app *app);

#endif
