// Program entry for arm64 Linux ABI programs. The kernel enters _start with sp at argc
// (create_elf_tables in fs/binfmt_elf.c) and every other register zero; user_start takes that
// stack pointer, finds argv, envp and the auxv, runs main and exits.
	.text
	.globl _start
	.type _start, %function
_start:
	mov	x29, #0			// end of the frame-pointer chain
	mov	x30, #0
	mov	x0, sp
	bl	user_start
	brk	#0			// user_start never returns
	.size _start, . - _start

	.section .note.GNU-stack, "", %progbits
