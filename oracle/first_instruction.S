// The oracle's /init starts here (linked with -e oracle_entry), not at libc's _start: its first
// instruction reads the counter a program may read without a system call (arm64 CNTVCT_EL0,
// powerpc's time base) into oracle_entry_counter, so that /init, the first user program on both
// kernels, can report how long the boot took up to it. Then it goes on to _start with every
// register _start reads as the kernel left it: only scratch registers are used (arm64 x9 and
// x10; powerpc r11, r12, LR and CTR, and on ELFv2 r12 = _start, from which its global entry
// derives the TOC pointer).

        .bss
        .balign 8
        .globl  oracle_entry_counter
oracle_entry_counter:
        .space  8

#if defined(__aarch64__)
        .text
        .globl  oracle_entry
        .type   oracle_entry, %function
oracle_entry:
        mrs     x9, cntvct_el0
        adrp    x10, oracle_entry_counter
        str     x9, [x10, :lo12:oracle_entry_counter]
        b       _start
        .size   oracle_entry, . - oracle_entry

#elif defined(__powerpc64__)
#if _CALL_ELF == 2
        .text
        .globl  oracle_entry
        .type   oracle_entry, @function
oracle_entry:
#else
// ELFv1: the entry point is a function descriptor, whose TOC the kernel loads into r2 before it
// jumps to the code; a static program has one TOC, so _start finds the r2 it expects.
        .section .opd, "aw"
        .balign 8
        .globl  oracle_entry
oracle_entry:
        .quad   .oracle_entry, .TOC.@tocbase, 0
        .text
.oracle_entry:
#endif
        mftb    11
        bl      1f
1:      mflr    12
        addis   12, 12, oracle_entry_counter-1b@ha
        addi    12, 12, oracle_entry_counter-1b@l
        std     11, 0(12)
#if _CALL_ELF == 2
        bl      2f
2:      mflr    12
        addis   12, 12, _start-2b@ha
        addi    12, 12, _start-2b@l
        mtctr   12
        bctr
        .size   oracle_entry, . - oracle_entry
#else
        b       _start
#endif

#else
#error "no counter for this architecture"
#endif

        .section .note.GNU-stack, "", %progbits
