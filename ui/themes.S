/* The built-in themes, embedded so the binary needs no data files at run
 * time: ui_theme_NAME is the text of themes/NAME.theme, NUL-terminated.
 * CMake passes the themes/ folder to the assembler's include path. */
#define THEME(sym, file)                  \
	.global sym;                      \
	.type sym, @object;               \
sym:                                      \
	.incbin file;                     \
	.byte 0;                          \
	.size sym, . - sym

	.section .rodata
	THEME(ui_theme_dark, "dark.theme")
	THEME(ui_theme_light, "light.theme")
	THEME(ui_theme_high_contrast, "high-contrast.theme")
	THEME(ui_theme_vc6, "vc6.theme")
	.section .note.GNU-stack, "", @progbits
