// long vdso_call(uint64_t function, long a0, ..., long a4): calls a vDSO function with the AAPCS64
// convention, which is the vDSO's own on arm64 (results, 0 or -errno, come back unchanged).
	.text
	.globl vdso_call
	.type vdso_call, %function
	.p2align 2
vdso_call:
	mov	x16, x0
	mov	x0, x1
	mov	x1, x2
	mov	x2, x3
	mov	x3, x4
	mov	x4, x5
	br	x16
	.size vdso_call, . - vdso_call

	.section .note.GNU-stack, "", %progbits
