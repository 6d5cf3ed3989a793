// Single-instruction accesses for the arm64 trap tests, each at a global label so a test can
// check that the decoded trap points at exactly that instruction.

        .text
        .globl  arm64_probe_load
        .globl  arm64_probe_load_instruction
        .type   arm64_probe_load, %function
arm64_probe_load:
arm64_probe_load_instruction:
        ldr     x0, [x0]
        ret
        .size   arm64_probe_load, . - arm64_probe_load

        .globl  arm64_probe_store
        .globl  arm64_probe_store_instruction
        .type   arm64_probe_store, %function
arm64_probe_store:
arm64_probe_store_instruction:
        str     xzr, [x0]
        ret
        .size   arm64_probe_store, . - arm64_probe_store

// Exclusive accesses must be naturally aligned whatever the memory type (Arm ARM B2.5.2,
// "Alignment of data accesses"), so this faults on a misaligned address.
        .globl  arm64_probe_load_exclusive
        .globl  arm64_probe_load_exclusive_instruction
        .type   arm64_probe_load_exclusive, %function
arm64_probe_load_exclusive:
arm64_probe_load_exclusive_instruction:
        ldxr    x0, [x0]
        clrex
        ret
        .size   arm64_probe_load_exclusive, . - arm64_probe_load_exclusive

        .globl  arm64_probe_brk
        .globl  arm64_probe_brk_instruction
        .type   arm64_probe_brk, %function
arm64_probe_brk:
arm64_probe_brk_instruction:
        brk     #0x4d4c
        ret
        .size   arm64_probe_brk, . - arm64_probe_brk

// Unprivileged accesses (Arm ARM C6.2 "LDTR", "STTR"): from EL1 they are checked against the
// EL0 permissions of the page, as the user program's own accesses would be.
        .globl  arm64_probe_load_user
        .globl  arm64_probe_load_user_instruction
        .type   arm64_probe_load_user, %function
arm64_probe_load_user:
arm64_probe_load_user_instruction:
        ldtr    x0, [x0]
        ret
        .size   arm64_probe_load_user, . - arm64_probe_load_user

        .globl  arm64_probe_store_user
        .globl  arm64_probe_store_user_instruction
        .type   arm64_probe_store_user, %function
arm64_probe_store_user:
arm64_probe_store_user_instruction:
        sttr    x1, [x0]
        ret
        .size   arm64_probe_store_user, . - arm64_probe_store_user

// An FP/SIMD instruction in the kernel: CPACR_EL1.FPEN traps it (user_context.h).
        .globl  arm64_probe_fp
        .globl  arm64_probe_fp_instruction
        .type   arm64_probe_fp, %function
arm64_probe_fp:
arm64_probe_fp_instruction:
        fmov    d0, xzr
        ret
        .size   arm64_probe_fp, . - arm64_probe_fp
