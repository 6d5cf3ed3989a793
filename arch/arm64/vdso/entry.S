// The arm64 vDSO's exported entry points (linker/vdso-arm64.ld exports them as LINUX_2.6.39, the
// set of Linux 6.12's arch/arm64/kernel/vdso/vdso.lds.S) and what the neutral functions need from
// the arch (kernel/vdso/vdso_arch.h). Each entry finds the data page PC-relatively at _vdso_data,
// two pages before the text, and tail-calls its C++ function with it as the last argument;
// AAPCS64 results come back unchanged (0 or -errno).
#include "kernel/vdso/vdso_data_offsets.h"

#define NR_CLOCK_GETTIME 113  // include/uapi/asm-generic/unistd.h
#define NR_CLOCK_GETRES 114
#define NR_RT_SIGRETURN 139
#define NR_GETRANDOM 278

.macro function name
	.globl \name
	.type \name, %function
	.p2align 2
\name:
.endm

.macro with_data name, target, reg
function \name
	adrp	\reg, _vdso_data
	add	\reg, \reg, :lo12:_vdso_data
	b	\target
	.size \name, . - \name
.endm

.macro fallback name, number
function \name
	mov	x8, #\number
	svc	#0
	ret
	.size \name, . - \name
.endm

	.text
	with_data __kernel_clock_gettime, vdso_clock_gettime, x2
	with_data __kernel_gettimeofday, vdso_gettimeofday, x2
	with_data __kernel_clock_getres, vdso_clock_getres, x2
	with_data __kernel_getrandom, vdso_getrandom, x5

// Where a handler without SA_RESTORER returns (arch/arm64/kernel/signal.c setup_return sets x30
// to it): rt_sigreturn with the frame at sp.
function __kernel_rt_sigreturn
	mov	x8, #NR_RT_SIGRETURN
	svc	#0
	.size __kernel_rt_sigreturn, . - __kernel_rt_sigreturn

// The ISB keeps the counter read from being done ahead of the loads before it (Arm ARM D12.1.2,
// the generic timer's reads are not ordered by themselves).
function vdso_counter
	isb
	mrs	x0, cntvct_el0
	ret
	.size vdso_counter, . - vdso_counter

	fallback vdso_sys_clock_gettime, NR_CLOCK_GETTIME
	fallback vdso_sys_clock_getres, NR_CLOCK_GETRES
	fallback vdso_sys_getrandom, NR_GETRANDOM

	.section .note.GNU-stack, "", %progbits
