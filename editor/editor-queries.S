/* The grammar's highlight query, embedded so the binary needs no data files
 * at run time. HIGHLIGHTS_SCM is the path CMake passes. */
	.section .rodata
	.global editor_highlights_scm
	.type editor_highlights_scm, @object
editor_highlights_scm:
	.incbin HIGHLIGHTS_SCM
	.byte 0
	.size editor_highlights_scm, . - editor_highlights_scm
	.section .note.GNU-stack, "", @progbits
