// Signal helpers for user test programs on powerpc (see user/arch/arm64/signal.S).
// signal_restorer calls rt_sigreturn (172); fault_read's first and fault_write's second
// instruction access addr.
#include "arch/powerpc/asm.h"

	.abiversion 2
	.text
	.globl signal_restorer
	.type signal_restorer, @function
signal_restorer:
	li	r0, 172
	sc
	.size signal_restorer, . - signal_restorer

	.globl fault_read
	.type fault_read, @function
fault_read:
	ld	r3, 0(r3)
	blr
	.size fault_read, . - fault_read

	.globl fault_write
	.type fault_write, @function
fault_write:
	li	r4, 1
	std	r4, 0(r3)
	blr
	.size fault_write, . - fault_write

	.section .note.GNU-stack, "", @progbits
