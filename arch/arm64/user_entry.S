// Entry to and exit from EL0 (kernel/arch/user.h). arm64_user_enter saves the kernel's
// callee-saved registers on the kernel stack, loads the program's registers from its UserContext
// and erets; SP_EL1 then stays where that frame is, so an exception from EL0 arrives with the
// UserContext pointer at [SP_EL1 + USER_ENTRY_CONTEXT]. vectors.S jumps to arm64_user_exit with
// x0 = the context and x1 = the slot (the program's x0 and x1 pushed below the frame), which
// saves the program's state and returns from arm64_user_enter. FP/SIMD is enabled
// (CPACR_EL1.FPEN) only between the load and the save of the program's V registers, FPSR and FPCR
// (user_context.h says why eagerly).

#include "arch/arm64/regs.h"
#include "arch/arm64/user_context.h"

        .text
        .globl  arm64_user_enter
        .type   arm64_user_enter, %function
arm64_user_enter:
        sub     sp, sp, #USER_ENTRY_SIZE
        stp     x19, x20, [sp, #(USER_ENTRY_X19 + 0 * 8)]
        stp     x21, x22, [sp, #(USER_ENTRY_X19 + 2 * 8)]
        stp     x23, x24, [sp, #(USER_ENTRY_X19 + 4 * 8)]
        stp     x25, x26, [sp, #(USER_ENTRY_X19 + 6 * 8)]
        stp     x27, x28, [sp, #(USER_ENTRY_X19 + 8 * 8)]
        stp     x29, x30, [sp, #(USER_ENTRY_X19 + 10 * 8)]
        str     x0, [sp, #USER_ENTRY_CONTEXT]

        mov     x2, #CPACR_EL1_FPEN_NO_TRAP
        msr     cpacr_el1, x2
        isb                                     // the FP/SIMD loads below must not trap
        add     x2, x0, #UCTX_VREGS
        ldp     q0, q1, [x2, #(0 * 32)]
        ldp     q2, q3, [x2, #(1 * 32)]
        ldp     q4, q5, [x2, #(2 * 32)]
        ldp     q6, q7, [x2, #(3 * 32)]
        ldp     q8, q9, [x2, #(4 * 32)]
        ldp     q10, q11, [x2, #(5 * 32)]
        ldp     q12, q13, [x2, #(6 * 32)]
        ldp     q14, q15, [x2, #(7 * 32)]
        ldp     q16, q17, [x2, #(8 * 32)]
        ldp     q18, q19, [x2, #(9 * 32)]
        ldp     q20, q21, [x2, #(10 * 32)]
        ldp     q22, q23, [x2, #(11 * 32)]
        ldp     q24, q25, [x2, #(12 * 32)]
        ldp     q26, q27, [x2, #(13 * 32)]
        ldp     q28, q29, [x2, #(14 * 32)]
        ldp     q30, q31, [x2, #(15 * 32)]
        add     x2, x0, #UCTX_FPSR
        ldp     w2, w3, [x2]                    // FPSR and FPCR
        msr     fpsr, x2
        msr     fpcr, x3

        ldp     x2, x3, [x0, #FRAME_SP]         // SP and ELR
        msr     sp_el0, x2
        msr     elr_el1, x3
        ldr     x2, [x0, #FRAME_SPSR]
        msr     spsr_el1, x2
        ldr     x2, [x0, #UCTX_TPIDR]
        msr     tpidr_el0, x2
        ldp     x2, x3, [x0, #(2 * 8)]
        ldp     x4, x5, [x0, #(4 * 8)]
        ldp     x6, x7, [x0, #(6 * 8)]
        ldp     x8, x9, [x0, #(8 * 8)]
        ldp     x10, x11, [x0, #(10 * 8)]
        ldp     x12, x13, [x0, #(12 * 8)]
        ldp     x14, x15, [x0, #(14 * 8)]
        ldp     x16, x17, [x0, #(16 * 8)]
        ldp     x18, x19, [x0, #(18 * 8)]
        ldp     x20, x21, [x0, #(20 * 8)]
        ldp     x22, x23, [x0, #(22 * 8)]
        ldp     x24, x25, [x0, #(24 * 8)]
        ldp     x26, x27, [x0, #(26 * 8)]
        ldp     x28, x29, [x0, #(28 * 8)]
        ldr     x30, [x0, #(30 * 8)]
        ldp     x0, x1, [x0, #(0 * 8)]
        eret
        .size   arm64_user_enter, . - arm64_user_enter

// x0 = UserContext, x1 = slot; the program's x0 and x1 at [sp], its other registers live.
        .globl  arm64_user_exit
        .type   arm64_user_exit, %function
arm64_user_exit:
        stp     x2, x3, [x0, #(2 * 8)]
        stp     x4, x5, [x0, #(4 * 8)]
        stp     x6, x7, [x0, #(6 * 8)]
        stp     x8, x9, [x0, #(8 * 8)]
        stp     x10, x11, [x0, #(10 * 8)]
        stp     x12, x13, [x0, #(12 * 8)]
        stp     x14, x15, [x0, #(14 * 8)]
        stp     x16, x17, [x0, #(16 * 8)]
        stp     x18, x19, [x0, #(18 * 8)]
        stp     x20, x21, [x0, #(20 * 8)]
        stp     x22, x23, [x0, #(22 * 8)]
        stp     x24, x25, [x0, #(24 * 8)]
        stp     x26, x27, [x0, #(26 * 8)]
        stp     x28, x29, [x0, #(28 * 8)]
        str     x30, [x0, #(30 * 8)]
        ldp     x2, x3, [sp], #16
        stp     x2, x3, [x0, #(0 * 8)]
        mrs     x2, sp_el0
        mrs     x3, elr_el1
        stp     x2, x3, [x0, #FRAME_SP]
        mrs     x2, spsr_el1
        str     x2, [x0, #FRAME_SPSR]
        mrs     x2, esr_el1
        mrs     x3, far_el1
        stp     x2, x3, [x0, #FRAME_ESR]
        mrs     x2, tpidr_el0
        stp     x2, x1, [x0, #UCTX_TPIDR]

        add     x2, x0, #UCTX_VREGS
        stp     q0, q1, [x2, #(0 * 32)]
        stp     q2, q3, [x2, #(1 * 32)]
        stp     q4, q5, [x2, #(2 * 32)]
        stp     q6, q7, [x2, #(3 * 32)]
        stp     q8, q9, [x2, #(4 * 32)]
        stp     q10, q11, [x2, #(5 * 32)]
        stp     q12, q13, [x2, #(6 * 32)]
        stp     q14, q15, [x2, #(7 * 32)]
        stp     q16, q17, [x2, #(8 * 32)]
        stp     q18, q19, [x2, #(9 * 32)]
        stp     q20, q21, [x2, #(10 * 32)]
        stp     q22, q23, [x2, #(11 * 32)]
        stp     q24, q25, [x2, #(12 * 32)]
        stp     q26, q27, [x2, #(13 * 32)]
        stp     q28, q29, [x2, #(14 * 32)]
        stp     q30, q31, [x2, #(15 * 32)]
        mrs     x2, fpsr
        mrs     x3, fpcr
        add     x4, x0, #UCTX_FPSR
        stp     w2, w3, [x4]
        msr     cpacr_el1, xzr                  // the kernel's FP/SIMD instructions trap again
        isb

        ldp     x19, x20, [sp, #(USER_ENTRY_X19 + 0 * 8)]
        ldp     x21, x22, [sp, #(USER_ENTRY_X19 + 2 * 8)]
        ldp     x23, x24, [sp, #(USER_ENTRY_X19 + 4 * 8)]
        ldp     x25, x26, [sp, #(USER_ENTRY_X19 + 6 * 8)]
        ldp     x27, x28, [sp, #(USER_ENTRY_X19 + 8 * 8)]
        ldp     x29, x30, [sp, #(USER_ENTRY_X19 + 10 * 8)]
        add     sp, sp, #USER_ENTRY_SIZE
        ret
        .size   arm64_user_exit, . - arm64_user_exit
