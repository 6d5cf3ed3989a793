// The EL1 exception vectors (VBAR_EL1).
//
// The kernel runs in EL1h, on SP_EL1, so its own exceptions arrive at the "current EL, SPx" slots
// (4-7). Each saves the full register state as an ExceptionFrame (arch/arm64/exception_frame.h) on
// the kernel stack and calls arm64_handle_exception(frame, slot); if that returns, the (possibly
// edited) frame is restored and we eret. A fault inside a handler arrives at the same slots, one
// frame deeper, and the handler reports it as fatal (exception.cc counts the depth). A stack
// pointer that has left the kernel stack (an overflow into the guard page below it, or a corrupt
// SP) would fault again on every attempt to save a frame; the entry tests bit 18 of the new SP
// first, which is clear only inside the 256 KiB stack (linker/arm64.ld aligns it to 512 KiB), and
// reports the overflow from an emergency stack instead.
//
// Exceptions from EL0 in AArch64 (slots 8-11) end the user program's run: they go to
// arm64_user_exit (user_entry.S). The "current EL, SP0" slots (the kernel never selects SP_EL0)
// and the AArch32 slots (no program runs in AArch32) are saved as kernel frames and reported as
// fatal.

#include "arch/arm64/exception_frame.h"
#include "arch/arm64/user_context.h"

#define KERNEL_STACK_SHIFT 18

.macro KERNEL_VENTRY slot
        .balign 0x80
        sub     sp, sp, #FRAME_SIZE
        msr     tpidr_el1, x0                   // a scratch register nothing else uses
        mov     x0, sp
        tbnz    x0, #KERNEL_STACK_SHIFT, kernel_stack_overflow
        mrs     x0, tpidr_el1
        stp     x0, x1, [sp, #(FRAME_X0 + 0 * 8)]
        mov     x1, #\slot
        b       exception_entry
.endm

.macro USER_VENTRY slot
        .balign 0x80
        stp     x0, x1, [sp, #-16]!
        ldr     x0, [sp, #(16 + USER_ENTRY_CONTEXT)]
        mov     x1, #\slot
        b       arm64_user_exit
.endm

        .section .text.vectors, "ax"
        .balign 2048
        .globl  arm64_vectors
arm64_vectors:
        KERNEL_VENTRY 0
        KERNEL_VENTRY 1
        KERNEL_VENTRY 2
        KERNEL_VENTRY 3
        KERNEL_VENTRY 4
        KERNEL_VENTRY 5
        KERNEL_VENTRY 6
        KERNEL_VENTRY 7
        USER_VENTRY 8
        USER_VENTRY 9
        USER_VENTRY 10
        USER_VENTRY 11
        KERNEL_VENTRY 12
        KERNEL_VENTRY 13
        KERNEL_VENTRY 14
        KERNEL_VENTRY 15

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
        // The interrupted stack pointer: this one before the frame for the "current EL, SPx"
        // slots (4-7), SP_EL0 for the others.
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

        // Resume; the interrupted context ran on this stack, just above the frame.
        ldp     x2, x3, [sp, #FRAME_ELR]
        msr     elr_el1, x2
        msr     spsr_el1, x3
        ldp     x0, x1, [sp, #(0 * 8)]
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

// The stack pointer left the kernel stack: report from the emergency stack, with the bad SP.
kernel_stack_overflow:
        ldr     x0, =__emergency_stack_top
        mov     x1, sp
        mov     sp, x0
        add     x0, x1, #FRAME_SIZE
        bl      arm64_kernel_stack_overflow
        .ltorg
