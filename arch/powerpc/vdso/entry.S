// The 64-bit powerpc vDSO's exported entry points (linker/vdso-powerpc.ld exports them as
// LINUX_2.6.15, the set of Linux 6.12's arch/powerpc/kernel/vdso/vdso64.lds.S) and what the
// neutral functions need from the arch (kernel/vdso/vdso_arch.h).
//
// The calling convention is Linux's for its powerpc vDSO: a plain code address with no function
// descriptor, r2 neither used nor changed, arguments in r3-r8, and an error returned as a positive
// errno in r3 with CR0.SO set, success with CR0.SO clear, as a system call returns. glibc calls
// the entries through the plain address with mtctr/bctrl and reads CR0.SO, and on big-endian
// ELFv1 wraps the ones it resolves as ifuncs (gettimeofday, time) in a descriptor of its own, so
// an ELFv1 caller needs nothing more from the vDSO. Each entry
// makes its own stack frames before anything else, as Linux's cvdso_call does: a caller may have
// stored its LR at 16(r1) and kept registers below r1 without a frame of its own (glibc's
// clock_getres saves r30 and r31 at -16(r1) and -8(r1) around its bctrl), so a first minimum
// frame (112 bytes) covers those, and the LR goes in its LR slot, 96 bytes below the caller's r1;
// a second frame below it is the C++ function's caller frame. It finds the data page at _vdso_data, three pages before the text,
// from its own address (bcl 20,31 is the form that does not disturb the link stack, Power ISA
// Book II 1.7.2), and calls its C++ function with it as the last argument.
#include "arch/powerpc/asm.h"
#include "kernel/vdso/vdso_data_offsets.h"

#define NR_RT_SIGRETURN 172  // arch/powerpc/kernel/syscalls/syscall.tbl
#define NR_CLOCK_GETTIME 246
#define NR_CLOCK_GETRES 247
#define NR_GETRANDOM 359
#define SIGNAL_FRAMESIZE 128  // __SIGNAL_FRAMESIZE: the handler's dummy caller frame
#define MIN_FRAME 112             // PPC_MIN_STKFRM: each entry makes two
#define LR_SAVE (MIN_FRAME + 16)  // the return address, in the upper frame's LR slot
#define CACHE_BLOCK 128  // POWER9 and POWER10's cache block (AT_DCACHEBSIZE)

	.abiversion 2

.macro function name
	.globl \name
	.type \name, @function
	.p2align 2
\name:
.endm

// reg = &_vdso_data; clobbers LR.
.macro get_data reg
	bcl	20, 31, 1f
1:	mflr	\reg
	addis	\reg, \reg, (_vdso_data - 1b)@ha
	addi	\reg, \reg, (_vdso_data - 1b)@l
.endm

// Calls target(args..., data) with data in reg; errors become CR0.SO and a positive errno when
// errors is 1.
.macro call_with_data name, target, reg, errors
function \name
	stdu	r1, -MIN_FRAME(r1)
	stdu	r1, -MIN_FRAME(r1)
	mflr	r0
	std	r0, LR_SAVE(r1)
	get_data \reg
	bl	\target
	nop
	ld	r0, LR_SAVE(r1)
	mtlr	r0
	addi	r1, r1, 2 * MIN_FRAME
	.if \errors
	cmpdi	r3, 0
	crclr	4*0+3
	bgelr
	neg	r3, r3
	crset	4*0+3
	.else
	crclr	4*0+3
	.endif
	blr
	.size \name, . - \name
.endm

// A system call returning -errno, as the neutral code expects.
.macro fallback name, number
function \name
	li	r0, \number
	sc
	bnslr
	neg	r3, r3
	blr
	.size \name, . - \name
.endm

	.text
	call_with_data __kernel_clock_gettime, vdso_clock_gettime, r5, 1
	call_with_data __kernel_clock_getres, vdso_clock_getres, r5, 1
	call_with_data __kernel_gettimeofday, vdso_gettimeofday, r5, 1
	call_with_data __kernel_time, vdso_time, r4, 0
	call_with_data __kernel_getcpu, vdso_getcpu, r5, 1
	call_with_data __kernel_getrandom, vdso_getrandom, r8, 1

// unsigned long long __kernel_get_tbfreq(void): the timebase frequency.
function __kernel_get_tbfreq
	mflr	r12
	get_data r3
	mtlr	r12
	ld	r3, VDSO_DATA_FREQUENCY(r3)
	crclr	4*0+3
	blr
	.size __kernel_get_tbfreq, . - __kernel_get_tbfreq

// const unsigned *__kernel_get_syscall_map(unsigned *count): the map of implemented system
// calls, and their number in *count unless count is null.
function __kernel_get_syscall_map
	mflr	r12
	mr	r4, r3
	get_data r3
	mtlr	r12
	cmpldi	r4, 0
	beq	1f
	lwz	r0, VDSO_DATA_SYSCALL_COUNT(r3)
	stw	r0, 0(r4)
1:	addi	r3, r3, VDSO_DATA_SYSCALL_MAP
	crclr	4*0+3
	blr
	.size __kernel_get_syscall_map, . - __kernel_get_syscall_map

// int __kernel_sync_dicache(void *start, unsigned long size): makes [start, start + size)
// coherent for instruction fetch, Power ISA Book II 1.8's sequence: dcbst every block, sync,
// icbi every block, isync.
function __kernel_sync_dicache
	add	r8, r3, r4
	clrrdi	r7, r3, 7
1:	cmpld	r7, r8
	bge	2f
	dcbst	0, r7
	addi	r7, r7, CACHE_BLOCK
	b	1b
2:	sync
	clrrdi	r7, r3, 7
3:	cmpld	r7, r8
	bge	4f
	icbi	0, r7
	addi	r7, r7, CACHE_BLOCK
	b	3b
4:	isync
	li	r3, 0
	crclr	4*0+3
	blr
	.size __kernel_sync_dicache, . - __kernel_sync_dicache

// The signal trampoline: the kernel enters a handler here with its address in CTR (and r12);
// the handler returns to __kernel_sigtramp_rt64, which drops the dummy caller frame and calls
// rt_sigreturn with r1 at the ucontext (arch/powerpc/kernel/signal_64.c handle_rt_signal64).
// __kernel_sigtramp_rt64 is the return address, as glibc's backtrace looks for it.
	.p2align 3
	.globl vdso_sigtramp_start
	.type vdso_sigtramp_start, @function
vdso_sigtramp_start:
	bctrl
	.size vdso_sigtramp_start, . - vdso_sigtramp_start
function __kernel_sigtramp_rt64
	addi	r1, r1, SIGNAL_FRAMESIZE
	li	r0, NR_RT_SIGRETURN
	sc
	.size __kernel_sigtramp_rt64, . - __kernel_sigtramp_rt64

function vdso_counter
	mftb	r3
	blr
	.size vdso_counter, . - vdso_counter

	fallback vdso_sys_clock_gettime, NR_CLOCK_GETTIME
	fallback vdso_sys_clock_getres, NR_CLOCK_GETRES
	fallback vdso_sys_getrandom, NR_GETRANDOM

	.section .note.GNU-stack, "", @progbits
