// arm64 entry. QEMU's -kernel (like real boot loaders) boots an image that starts with the arm64
// Linux Image header using the Linux boot protocol (Documentation/arch/arm64/booting.rst): MMU
// off, x0 = physical address of the device tree blob, at EL2 or EL1. We drop to EL1, clear BSS
// and build the kernel's map (mmu_boot.cc) still at the physical address, turn the MMU on and
// jump to the link address in the upper half (arch/arm64/kernel_map.h). There VBAR_EL1 gets the
// vectors and C++ starts in EL1h: the kernel runs on SP_EL1, which leaves SP_EL0 to user programs
// (see vectors.S).

#include "arch/arm64/kernel_map.h"
#include "arch/arm64/regs.h"

#define PL011_BASE 0x09000000
#define PL011_FR 0x18
#define PL011_FR_TXFF (1 << 5)

        .section .text.head, "ax"
        .globl  _start
_start:
        // The 64-byte Image header. QEMU loads the image at RAM base + 2 MiB + text_offset when
        // image_size is non-zero, which is where linker/arm64.ld links it.
        b       primary_entry           // code0
        .long   0                       // code1
        .quad   0                       // text_offset
        .quad   __image_size            // image_size, BSS and stacks included
        .quad   (1 << 1)                // flags: little-endian, 4 KiB pages
        .quad   0                       // res2
        .quad   0                       // res3
        .quad   0                       // res4
        .ascii  "ARM\x64"               // magic, at offset 56
        .long   0                       // res5 (no PE/COFF header)

primary_entry:
        mov     x19, x0                 // device tree blob
        mrs     x20, CurrentEL
        ubfx    x20, x20, #2, #2

        // The map puts the image at its link address only if it was loaded at the matching
        // physical address.
        adr     x1, _start
        ldr     x2, =_start
        ldr     x3, =KERNEL_VA_OFFSET
        sub     x2, x2, x3
        cmp     x1, x2
        b.ne    wrong_load_address

        cmp     x20, #2
        b.eq    drop_from_el2
        cmp     x20, #1
        b.eq    at_el1
        adr     x0, msg_bad_el
        b       early_fatal

drop_from_el2:
        // EL1 in AArch64 with nothing trapped to EL2; MTE tags usable when the CPU has FEAT_MTE2.
        mov     x0, #HCR_EL2_RW
        mrs     x1, id_aa64pfr1_el1
        ubfx    x1, x1, #ID_AA64PFR1_MTE_SHIFT, #ID_AA64PFR1_MTE_WIDTH
        cmp     x1, #2
        b.lo    1f
        orr     x0, x0, #HCR_EL2_ATA
1:      msr     hcr_el2, x0
        mrs     x0, cnthctl_el2
        orr     x0, x0, #(CNTHCTL_EL2_EL1PCTEN | CNTHCTL_EL2_EL1PCEN)
        msr     cnthctl_el2, x0
        msr     cntvoff_el2, xzr
        mov     x0, #CPTR_EL2_RES1
        msr     cptr_el2, x0
        msr     hstr_el2, xzr
        // With a GICv3 system-register interface (ID_AA64PFR0_EL1.GIC, bits [27:24]), let EL1 use
        // it: ICC_SRE_EL2.SRE (bit 0) and .Enable (bit 3).
        mrs     x0, id_aa64pfr0_el1
        ubfx    x0, x0, #24, #4
        cbz     x0, 7f
        mrs     x0, S3_4_C12_C9_5
        mov     x1, #0x9
        orr     x0, x0, x1
        msr     S3_4_C12_C9_5, x0
        isb
7:
        // EL1 reads of MIDR/MPIDR return these: show the real values.
        mrs     x0, midr_el1
        msr     vpidr_el2, x0
        mrs     x0, mpidr_el1
        msr     vmpidr_el2, x0
        ldr     x0, =SCTLR_EL1_MMU_OFF
        msr     sctlr_el1, x0
        mov     x0, #(SPSR_DAIF_MASKED | SPSR_M_EL1H)
        msr     spsr_el2, x0
        adr     x0, at_el1
        msr     elr_el2, x0
        eret

at_el1:
        ldr     x0, =SCTLR_EL1_MMU_OFF
        msr     sctlr_el1, x0
        // FP/SIMD, SVE and SME trap in the kernel (CPACR_EL1 resets to an UNKNOWN value); only
        // the user entry and exit code enables FP/SIMD, around a program's run (user_context.h).
        msr     cpacr_el1, xzr
        isb
        msr     daifset, #0xf
        msr     spsel, #1
        // Until the MMU is on, only PC-relative addresses are right: they are physical.
        adrp    x0, __stack_top
        add     x0, x0, :lo12:__stack_top
        mov     sp, x0

        // BSS is 16-byte aligned at both ends (linker/arm64.ld).
        adrp    x0, __bss_start
        add     x0, x0, :lo12:__bss_start
        adrp    x1, __bss_end
        add     x1, x1, :lo12:__bss_end
2:      cmp     x0, x1
        b.hs    3f
        stp     xzr, xzr, [x0], #16
        b       2b
3:
        mov     x0, x19
        bl      arm64_mmu_enable_early
        cbnz    x0, early_fatal
        ldr     x0, =upper_half
        br      x0

upper_half:
        ldr     x0, =__stack_top
        mov     sp, x0
        ldr     x0, =arm64_vectors
        msr     vbar_el1, x0
        isb
        msr     sp_el0, xzr
        mov     x29, xzr
        mov     x30, xzr
        mov     x0, x19
        mov     x1, x20
        bl      arm64_boot
        adr     x0, msg_returned
        ldr     x1, =(PL011_BASE + KERNEL_VA_OFFSET)
        b       early_fatal_at

wrong_load_address:
        adr     x0, msg_load_address
        // fall through

// Prints the NUL-terminated string at x0 on the PL011 and stops. Used only before the vectors
// exist, where neither semihosting (unprobed) nor PSCI (conduit unknown) is safe to try.
// early_fatal_at takes the UART's address in x1; early_fatal uses the physical one.
early_fatal:
        ldr     x1, =PL011_BASE
early_fatal_at:
4:      ldrb    w2, [x0], #1
        cbz     w2, 6f
5:      ldr     w3, [x1, #PL011_FR]
        tbnz    w3, #5, 5b
        strb    w2, [x1]
        b       4b
6:      wfi
        b       6b

        .ltorg

        .section .rodata.head, "a"
msg_bad_el:
        .asciz  "~log arm64: entered at EL3 (secure=on?); Maplet boots at EL2 or EL1. Halting.\n"
msg_load_address:
        .asciz  "~log arm64: loaded away from physical address 0x40200000. Halting.\n"
msg_returned:
        .asciz  "~log arm64: arm64_boot returned. Halting.\n"
