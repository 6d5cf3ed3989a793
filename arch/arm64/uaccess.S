// The user-memory copies of kernel/arch/uaccess.h. Each touches user memory only with LDTR(B) and
// STTR(B) (Arm ARM C6.2 "LDTR", "STTR", "LDTRB", "STTRB"): from EL1 they are checked against the
// EL0 permissions, so a kernel address or a page the program may not access faults like an
// unmapped one, and PAN (which blocks ordinary EL1 accesses to user pages) does not apply to
// them. Every such instruction has an entry in __uaccess_fixups: a data abort there resumes at
// uaccess_fault (exception.cc), which returns with x0 = the bytes done and x1 = 1.
//
// The copies move 8 bytes at a time while both sides are 8-byte aligned, bytes elsewhere: an
// aligned doubleword lies in one page and one MTE granule, so when it faults none of it was
// accessible and the bytes done are exact, as with bytes alone.
//
// Each returns a UserAccess in x0 (done) and x1 (faulted), as AAPCS64 returns a 16-byte struct.

#define UACCESS_FIXUP(instruction)                    \
        .pushsection __uaccess_fixups, "a";           \
        .balign 8;                                    \
        .quad instruction, uaccess_fault;             \
        .popsection

        .text

// (void* to, uint64_t from, size_t n)
        .globl  arm64_copy_from_user
        .type   arm64_copy_from_user, %function
arm64_copy_from_user:
        mov     x3, x0
        mov     x0, xzr
        adds    x4, x1, x2
        b.cs    uaccess_fault
1:      cmp     x0, x2
        b.hs    uaccess_done
        sub     x4, x2, x0
        add     x7, x3, x0                      // the kernel address
        orr     x7, x7, x1
        tst     x7, #7
        b.ne    3f
        cmp     x4, #8
        b.lo    3f
2:      ldtr    x5, [x1]
        UACCESS_FIXUP(2b)
        str     x5, [x3, x0]
        add     x1, x1, #8
        add     x0, x0, #8
        b       1b
3:      ldtrb   w5, [x1]
        UACCESS_FIXUP(3b)
        strb    w5, [x3, x0]
        add     x1, x1, #1
        add     x0, x0, #1
        b       1b
        .size   arm64_copy_from_user, . - arm64_copy_from_user

// (uint64_t to, const void* from, size_t n)
        .globl  arm64_copy_to_user
        .type   arm64_copy_to_user, %function
arm64_copy_to_user:
        mov     x3, x0
        mov     x0, xzr
        adds    x4, x3, x2
        b.cs    uaccess_fault
1:      cmp     x0, x2
        b.hs    uaccess_done
        sub     x4, x2, x0
        add     x7, x1, x0                      // the kernel address
        orr     x7, x7, x3
        tst     x7, #7
        b.ne    3f
        cmp     x4, #8
        b.lo    3f
        ldr     x5, [x1, x0]
2:      sttr    x5, [x3]
        UACCESS_FIXUP(2b)
        add     x3, x3, #8
        add     x0, x0, #8
        b       1b
3:      ldrb    w5, [x1, x0]
4:      sttrb   w5, [x3]
        UACCESS_FIXUP(4b)
        add     x3, x3, #1
        add     x0, x0, #1
        b       1b
        .size   arm64_copy_to_user, . - arm64_copy_to_user

// (uint64_t to, size_t n)
        .globl  arm64_clear_user
        .type   arm64_clear_user, %function
arm64_clear_user:
        mov     x3, x0
        mov     x0, xzr
        adds    x4, x3, x1
        b.cs    uaccess_fault
1:      cmp     x0, x1
        b.hs    uaccess_done
2:      sttrb   wzr, [x3]
        UACCESS_FIXUP(2b)
        add     x3, x3, #1
        add     x0, x0, #1
        b       1b
        .size   arm64_clear_user, . - arm64_clear_user

// (char* to, uint64_t from, size_t n): stops after the NUL.
        .globl  arm64_strncpy_from_user
        .type   arm64_strncpy_from_user, %function
arm64_strncpy_from_user:
        mov     x3, x0
        mov     x0, xzr
        adds    x4, x1, x2
        b.cs    uaccess_fault
1:      cmp     x0, x2
        b.hs    uaccess_done
2:      ldtrb   w5, [x1]
        UACCESS_FIXUP(2b)
        strb    w5, [x3, x0]
        add     x1, x1, #1
        add     x0, x0, #1
        cbnz    w5, 1b
        b       uaccess_done
        .size   arm64_strncpy_from_user, . - arm64_strncpy_from_user

uaccess_done:
        mov     x1, xzr
        ret

uaccess_fault:
        mov     x1, #1
        ret
