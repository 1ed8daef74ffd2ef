/* The default theme, embedded so the binary needs no data files at run time.
 * DEFAULT_THEME is the path CMake passes (themes/default.theme). */
	.section .rodata
	.global ui_default_theme
	.type ui_default_theme, @object
ui_default_theme:
	.incbin DEFAULT_THEME
	.byte 0
	.size ui_default_theme, . - ui_default_theme
	.section .note.GNU-stack, "", @progbits
