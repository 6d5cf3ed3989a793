// long vdso_call(uint64_t function, long a0, ..., long a4): calls a vDSO function at its address
// (no function descriptor) with bctrl, as glibc does on both powerpc ABIs, and turns Linux's vDSO
// error convention (CR0.SO set, positive errno in r3) into -errno as raw_syscall does.
#include "arch/powerpc/asm.h"

	.abiversion 2
	.text
	.globl vdso_call
	.type vdso_call, @function
vdso_call:
	mflr	r0
	std	r0, 16(r1)
	stdu	r1, -32(r1)
	mtctr	r3
	mr	r3, r4
	mr	r4, r5
	mr	r5, r6
	mr	r6, r7
	mr	r7, r8
	bctrl
	addi	r1, r1, 32
	ld	r0, 16(r1)
	mtlr	r0
	bnslr
	neg	r3, r3
	blr
	.size vdso_call, . - vdso_call

	.section .note.GNU-stack, "", @progbits
