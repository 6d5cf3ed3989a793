// Signal helpers for user test programs on arm64.
// signal_restorer: the sa_restorer handlers return to; it calls rt_sigreturn (139).
// fault_read(addr): loads from addr with its first instruction and returns x0.
// fault_write(addr): stores 1 at addr with its second instruction and returns x0.
// fault_with_vector(addr, pattern): loads the 16 bytes at pattern into V5, then loads from addr
// (the third instruction faults) and returns x0.
	.text
	.globl signal_restorer
	.type signal_restorer, %function
signal_restorer:
	mov	x8, #139
	svc	#0
	.size signal_restorer, . - signal_restorer

	.globl fault_read
	.type fault_read, %function
fault_read:
	ldr	x0, [x0]
	ret
	.size fault_read, . - fault_read

	.globl fault_write
	.type fault_write, %function
fault_write:
	mov	x1, #1
	str	x1, [x0]
	ret
	.size fault_write, . - fault_write

	.globl fault_with_vector
	.type fault_with_vector, %function
fault_with_vector:
	ldr	q5, [x1]
	ldr	x0, [x0]
	ret
	.size fault_with_vector, . - fault_with_vector

	.section .note.GNU-stack, "", %progbits
