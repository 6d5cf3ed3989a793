// long vdso_call(uint64_t function, long a0, ..., long a4): calls a vDSO function at its address
// (no function descriptor) with bctrl, as glibc does on both powerpc ABIs, and turns Linux's vDSO
// error convention (CR0.SO set, positive errno in r3) into -errno as raw_syscall does.
// long vdso_call_red_zone(uint64_t function, long a0, long a1) calls function(a0, a1) as a
// caller that keeps data below its stack pointer does (glibc's clock_getres keeps r30 and r31 at
// -16(r1) and -8(r1)): it fills the RED_ZONE bytes below its r1 with a pattern, each doubleword
// its own address, and returns how many of those doublewords the call left as they were.
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

#define RED_ZONE 88  // what Linux's vDSO leaves alone below its caller's r1

	.globl vdso_call_red_zone
	.type vdso_call_red_zone, @function
vdso_call_red_zone:
	mflr	r0
	std	r0, 16(r1)
	stdu	r1, -32(r1)
	mtctr	r3
	mr	r3, r4
	mr	r4, r5
	li	r9, -RED_ZONE
1:	add	r10, r1, r9
	std	r10, 0(r10)
	addi	r9, r9, 8
	cmpdi	r9, 0
	blt	1b
	bctrl
	li	r3, 0
	li	r9, -RED_ZONE
2:	add	r10, r1, r9
	ld	r11, 0(r10)
	cmpd	r11, r10
	bne	3f
	addi	r3, r3, 1
3:	addi	r9, r9, 8
	cmpdi	r9, 0
	blt	2b
	addi	r1, r1, 32
	ld	r0, 16(r1)
	mtlr	r0
	blr
	.size vdso_call_red_zone, . - vdso_call_red_zone

	.section .note.GNU-stack, "", @progbits
