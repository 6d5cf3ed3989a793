// Signal helpers for user test programs on powerpc (see user/arch/arm64/signal.S).
// signal_restorer calls rt_sigreturn (172); fault_read's first and fault_write's second
// instruction access addr; fault_with_vector(addr, pattern) loads the 16 bytes at pattern (16-byte
// aligned) into v5, then loads from addr with its third instruction. Linux's powerpc ignores
// SA_RESTORER: handlers return through the frame's trampoline, never signal_restorer.
// descriptor_handler(signo, info, uc): an SA_SIGINFO handler for an ELFv1 program's descriptor
// test; it writes the r2 it was entered with into the interrupted context's r3 (uc_mcontext
// gp_regs[3], 232 + 3 * 8 bytes into the ucontext), so the interrupted system call returns it.
// descriptor_handler_sigcontext(signo, info, uc) writes there the sigcontext's handler word
// (208 bytes into the ucontext) instead.
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

	.globl fault_with_vector
	.type fault_with_vector, @function
fault_with_vector:
	li	r5, 0
	lvx	5, r5, r4
	ld	r3, 0(r3)
	blr
	.size fault_with_vector, . - fault_with_vector

	.globl descriptor_handler
	.type descriptor_handler, @function
descriptor_handler:
	std	r2, 256(r5)
	blr
	.size descriptor_handler, . - descriptor_handler

	.globl descriptor_handler_sigcontext
	.type descriptor_handler_sigcontext, @function
descriptor_handler_sigcontext:
	ld	r6, 208(r5)
	std	r6, 256(r5)
	blr
	.size descriptor_handler_sigcontext, . - descriptor_handler_sigcontext

	.section .note.GNU-stack, "", @progbits
