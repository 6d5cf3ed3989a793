// arch_setjmp / arch_longjmp (kernel/arch/context.h) for AAPCS64: x19-x30 and sp are the
// callee-saved state. PSTATE.DAIF and, with MTE, PSTATE.TCO are saved too: taking an exception
// masks DAIF and sets TCO (Arm ARM pseudocode
// AArch64.TakeException), and a longjmp out of a trap
// handler must not leave interrupts masked or tag checks suppressed for the code it resumes.

#include "arch/arm64/regs.h"

#define JB_X19 0
#define JB_SP (12 * 8)
#define JB_DAIF (13 * 8)
#define JB_TCO (14 * 8)

        .text
        .globl  arch_setjmp
        .type   arch_setjmp, %function
arch_setjmp:
        stp     x19, x20, [x0, #(JB_X19 + 0 * 8)]
        stp     x21, x22, [x0, #(JB_X19 + 2 * 8)]
        stp     x23, x24, [x0, #(JB_X19 + 4 * 8)]
        stp     x25, x26, [x0, #(JB_X19 + 6 * 8)]
        stp     x27, x28, [x0, #(JB_X19 + 8 * 8)]
        stp     x29, x30, [x0, #(JB_X19 + 10 * 8)]
        mov     x1, sp
        mrs     x2, daif
        stp     x1, x2, [x0, #JB_SP]
        mov     x3, xzr
        mrs     x1, id_aa64pfr1_el1
        ubfx    x1, x1, #ID_AA64PFR1_MTE_SHIFT, #ID_AA64PFR1_MTE_WIDTH
        cbz     x1, 1f
        mrs     x3, tco
1:      str     x3, [x0, #JB_TCO]
        mov     w0, #0
        ret
        .size   arch_setjmp, . - arch_setjmp

        .globl  arch_longjmp
        .type   arch_longjmp, %function
arch_longjmp:
        // Called from a handler or from kernel code: either way no exception is being handled
        // afterwards (exception.cc counts them to catch nested ones).
        adrp    x2, arm64_exception_depth
        str     xzr, [x2, :lo12:arm64_exception_depth]
        ldp     x19, x20, [x0, #(JB_X19 + 0 * 8)]
        ldp     x21, x22, [x0, #(JB_X19 + 2 * 8)]
        ldp     x23, x24, [x0, #(JB_X19 + 4 * 8)]
        ldp     x25, x26, [x0, #(JB_X19 + 6 * 8)]
        ldp     x27, x28, [x0, #(JB_X19 + 8 * 8)]
        ldp     x29, x30, [x0, #(JB_X19 + 10 * 8)]
        ldp     x2, x3, [x0, #JB_SP]
        mov     sp, x2
        msr     daif, x3
        mrs     x2, id_aa64pfr1_el1
        ubfx    x2, x2, #ID_AA64PFR1_MTE_SHIFT, #ID_AA64PFR1_MTE_WIDTH
        cbz     x2, 1f
        ldr     x3, [x0, #JB_TCO]
        msr     tco, x3
1:      cmp     w1, #0
        csinc   w0, w1, wzr, ne
        ret
        .size   arch_longjmp, . - arch_longjmp

// One permanently undefined instruction (UDF, Arm ARM C6.2 "UDF"): ESR_EL1.EC 0x00 at its
// address, the neutral trap tests' deliberate fault.
        .globl  arch_execute_undefined_instruction
        .globl  arm64_undefined_instruction
        .type   arch_execute_undefined_instruction, %function
arch_execute_undefined_instruction:
arm64_undefined_instruction:
        udf     #0
        ret
        .size   arch_execute_undefined_instruction, . - arch_execute_undefined_instruction
