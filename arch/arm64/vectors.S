// The EL1 exception vectors (VBAR_EL1). Every entry saves the full register state as an
// ExceptionFrame (arch/arm64/exception_frame.h) on SP_EL1 and calls arm64_handle_exception(frame,
// slot). If the handler returns, the (possibly edited) frame is restored and we eret.
//
// The kernel runs in EL1t, on SP_EL0, and SP_EL1 is a separate exception stack. So exceptions of
// normal kernel code arrive at the "current EL, SP0" slots, and an exception raised while a
// handler runs (in EL1h) arrives at the "current EL, SPx" slots, which the handler treats as fatal:
// a nested fault can never loop, and a corrupt kernel stack pointer cannot fault the entry code.
// arch_longjmp (context.S) resets SP_EL1 when it leaves a handler.

#include "arch/arm64/exception_frame.h"

.macro VENTRY slot
        .balign 0x80
        sub     sp, sp, #FRAME_SIZE
        stp     x0, x1, [sp, #(FRAME_X0 + 0 * 8)]
        mov     x1, #\slot
        b       exception_entry
.endm

        .section .text.vectors, "ax"
        .balign 2048
        .globl  arm64_vectors
arm64_vectors:
        VENTRY 0
        VENTRY 1
        VENTRY 2
        VENTRY 3
        VENTRY 4
        VENTRY 5
        VENTRY 6
        VENTRY 7
        VENTRY 8
        VENTRY 9
        VENTRY 10
        VENTRY 11
        VENTRY 12
        VENTRY 13
        VENTRY 14
        VENTRY 15

// x1 = slot; x0 and x1 of the interrupted context are already saved.
exception_entry:
        stp     x2, x3, [sp, #(2 * 8)]
        stp     x4, x5, [sp, #(4 * 8)]
        stp     x6, x7, [sp, #(6 * 8)]
        stp     x8, x9, [sp, #(8 * 8)]
        stp     x10, x11, [sp, #(10 * 8)]
        stp     x12, x13, [sp, #(12 * 8)]
        stp     x14, x15, [sp, #(14 * 8)]
        stp     x16, x17, [sp, #(16 * 8)]
        stp     x18, x19, [sp, #(18 * 8)]
        stp     x20, x21, [sp, #(20 * 8)]
        stp     x22, x23, [sp, #(22 * 8)]
        stp     x24, x25, [sp, #(24 * 8)]
        stp     x26, x27, [sp, #(26 * 8)]
        stp     x28, x29, [sp, #(28 * 8)]
        // The interrupted stack pointer: SP_EL1 itself for the "current EL, SPx" slots (4-7),
        // SP_EL0 for everything else.
        add     x2, sp, #FRAME_SIZE
        sub     x3, x1, #4
        cmp     x3, #4
        b.lo    1f
        mrs     x2, sp_el0
1:      stp     x30, x2, [sp, #(30 * 8)]
        mrs     x2, elr_el1
        mrs     x3, spsr_el1
        stp     x2, x3, [sp, #FRAME_ELR]
        mrs     x2, esr_el1
        mrs     x3, far_el1
        stp     x2, x3, [sp, #FRAME_ESR]

        mov     x29, xzr
        mov     x0, sp
        bl      arm64_handle_exception

        // Resume. SP_EL0 is written back only for contexts that run on it.
        ldp     x2, x3, [sp, #FRAME_ELR]
        msr     elr_el1, x2
        msr     spsr_el1, x3
        and     x3, x3, #0x1f
        cmp     x3, #0x5                        // EL1h: its SP is this stack, left as is
        b.eq    2f
        ldr     x2, [sp, #FRAME_SP]
        msr     sp_el0, x2
2:      ldp     x0, x1, [sp, #(0 * 8)]
        ldp     x2, x3, [sp, #(2 * 8)]
        ldp     x4, x5, [sp, #(4 * 8)]
        ldp     x6, x7, [sp, #(6 * 8)]
        ldp     x8, x9, [sp, #(8 * 8)]
        ldp     x10, x11, [sp, #(10 * 8)]
        ldp     x12, x13, [sp, #(12 * 8)]
        ldp     x14, x15, [sp, #(14 * 8)]
        ldp     x16, x17, [sp, #(16 * 8)]
        ldp     x18, x19, [sp, #(18 * 8)]
        ldp     x20, x21, [sp, #(20 * 8)]
        ldp     x22, x23, [sp, #(22 * 8)]
        ldp     x24, x25, [sp, #(24 * 8)]
        ldp     x26, x27, [sp, #(26 * 8)]
        ldp     x28, x29, [sp, #(28 * 8)]
        ldr     x30, [sp, #(30 * 8)]
        add     sp, sp, #FRAME_SIZE
        eret
