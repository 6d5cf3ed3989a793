// Program entry for 64-bit powerpc ELFv2 programs. The kernel enters _start with r1 at argc
// (create_elf_tables in fs/binfmt_elf.c). The TOC pointer r2 is derived from the address _start
// runs at, found with a branch-and-link, so entry works whether or not the kernel put the entry
// address in r12 as start_thread() does for ELFv2. A minimal 32-byte frame with a NULL back
// chain ends the stack walk and gives user_start its LR save slot (ELFv2 ABI 2.2.2).
#include "arch/powerpc/asm.h"

	.abiversion 2
	.text
	.globl _start
	.type _start, @function
_start:
	bl	1f
1:	mflr	r12
	addis	r2, r12, (.TOC. - 1b)@ha
	addi	r2, r2, (.TOC. - 1b)@l
	mr	r3, r1
	li	r0, 0
	stdu	r0, -32(r1)
	bl	user_start
	nop
	trap				// user_start never returns
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
