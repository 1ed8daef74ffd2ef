/* The rows of the command table that act on the full-screen UI: panes,
 * tabs, selection and clipboard, the command line, search, themes, key
 * bindings and the mouse. app/ must not call up into ui/, so each row's
 * handler hands its words to the hook the UI registered in app->ui
 * (struct app_ui); headless there is none and they fail with a message.
 * Keeping them here keeps one table: scripts, keys, the ':' line and
 * docs/commands.md all see them. */
#include "app/cmd-int.h"

static int cmd_ui(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct app_ui *ui = ctx->app->ui;

	if (!ui || !ui->exec)
		return cmd_error(ctx, "%s: only in the full-screen UI (not in scripts)", ctx->entry->name);
	return ui->exec(ui->arg, ctx, argc, argv);
}

#define UI_ENTRY(var, cmd, use, text, lo, hi)                                  \
	const struct cmd_entry var = {                                         \
		.name = cmd,                                                   \
		.usage = use,                                                  \
		.help = text,                                                  \
		.min_args = lo,                                                \
		.max_args = hi,                                                \
		.exec = cmd_ui,                                                \
	}

UI_ENTRY(cmd_focus_entry, "focus", "PANE|next|prev|left|right|up|down",
	 "Give the keyboard to a pane (tree editor stack locals breakpoints threads output problems)", 1, 1);
UI_ENTRY(cmd_zoom_entry, "zoom", "[PANE]", "Let a pane (default: the focused one) fill the screen, or undo it", 0, 1);
UI_ENTRY(cmd_pane_hide_entry, "pane-hide", "[PANE]", "Hide a pane (default: the focused one)", 0, 1);
UI_ENTRY(cmd_pane_show_entry, "pane-show", "PANE|all", "Show a hidden pane again", 1, 1);
UI_ENTRY(cmd_pane_resize_entry, "pane-resize", "[PANE] +N|-N|N",
	 "Make a pane's column or row N cells wider or taller (or exactly N)", 1, 2);
UI_ENTRY(cmd_tab_entry, "tab", "next|prev|N", "Show the next, previous or Nth open file in the editor", 1, 1);
UI_ENTRY(cmd_select_entry, "select", "MOVE [N]",
	 "Extend the selection by a cursor command (cursor-up, line-end...), or 'select all'", 1, 2);
UI_ENTRY(cmd_copy_entry, "copy", "", "Copy the selection (also to the terminal's clipboard, OSC 52)", 0, 0);
UI_ENTRY(cmd_cut_entry, "cut", "", "Cut the selection (one undo step)", 0, 0);
UI_ENTRY(cmd_paste_entry, "paste", "", "Insert what was cut or copied (one undo step)", 0, 0);
UI_ENTRY(cmd_command_line_entry, "command-line", "[TEXT]", "Open the ':' command line (with TEXT typed in)", 0, 1);
UI_ENTRY(cmd_find_entry, "find", "", "Incremental search: matches are highlighted as you type", 0, 0);
UI_ENTRY(cmd_theme_entry, "theme", "[NAME]", "Use colour theme NAME (dark light high-contrast vc6, or a file); without NAME, list them", 0, 1);
UI_ENTRY(cmd_bind_entry, "bind", "[PANE:]KEY [KEY] COMMAND...",
	 "Make KEY (or a prefix and a key) run COMMAND, in every pane or only in PANE", 2, -1);
UI_ENTRY(cmd_unbind_entry, "unbind", "[PANE:]KEY [KEY]", "Remove a key binding", 1, 2);
UI_ENTRY(cmd_mouse_entry, "mouse", "on|off", "Use the mouse (click to focus and place the cursor, wheel to scroll)", 1, 1);
UI_ENTRY(cmd_keys_entry, "keys", "[PANE]", "Show the keys of the focused pane (or of PANE)", 0, 1);
UI_ENTRY(cmd_redraw_entry, "redraw", "", "Draw the whole screen again", 0, 0);
