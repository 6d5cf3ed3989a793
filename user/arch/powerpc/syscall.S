// long raw_syscall(long number, long a0, ..., long a5): the 64-bit powerpc Linux convention
// (arch/powerpc/kernel/interrupt.c, Documentation/arch/powerpc/syscall64-abi.rst): number in r0,
// arguments in r3-r8, sc; on return CR0.SO set means r3 holds a positive errno, which this stub
// turns into -errno so both arches report errors alike. The kernel clobbers only registers a C
// call may clobber (r0, r4-r12, CR0, CTR, XER).
#include "arch/powerpc/asm.h"

// The C arguments (number, a0-a5 in r3-r9) moved to where the kernel takes them (r0, r3-r8).
.macro syscall_registers
	mr	r0, r3
	mr	r3, r4
	mr	r4, r5
	mr	r5, r6
	mr	r6, r7
	mr	r7, r8
	mr	r8, r9
.endm

	.abiversion 2
	.text
	.globl raw_syscall
	.type raw_syscall, @function
raw_syscall:
	syscall_registers
	sc
	bnslr
	neg	r3, r3
	blr
	.size raw_syscall, . - raw_syscall

// long raw_scv(long number, long a0, ..., long a5): the same by scv 0, which returns -errno as it
// is and gives up LR besides (Documentation/arch/powerpc/syscall64-abi.rst): LR waits in the
// caller's LR save doubleword. Only for a kernel whose AT_HWCAP2 has PPC_FEATURE2_SCV.
	.globl raw_scv
	.type raw_scv, @function
raw_scv:
	mflr	r11
	std	r11, 16(r1)
	syscall_registers
	.long	0x44000001	// scv 0, which LLVM 14 does not know
	ld	r11, 16(r1)
	mtlr	r11
	blr
	.size raw_scv, . - raw_scv

	.section .note.GNU-stack, "", @progbits
