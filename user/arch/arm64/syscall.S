// long raw_syscall(long number, long a0, ..., long a5): the arm64 Linux convention
// (arch/arm64/kernel/syscall.c): number in x8, arguments in x0-x5, svc #0, and the result in x0,
// a value in [-4095, -1] being -errno. Only x0 changes; a C call may clobber x1-x17 anyway.
	.text
	.globl raw_syscall
	.type raw_syscall, %function
raw_syscall:
	mov	x8, x0
	mov	x0, x1
	mov	x1, x2
	mov	x2, x3
	mov	x3, x4
	mov	x4, x5
	mov	x5, x6
	svc	#0
	ret
	.size raw_syscall, . - raw_syscall

	.section .note.GNU-stack, "", %progbits
