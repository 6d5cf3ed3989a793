// x86-64 System V: arch_setjmp/arch_longjmp for the host build of the kernel's recovery points.
// Saves rbx, rbp, r12-r15, the caller's rsp and the return address.
        .text
        .globl  arch_setjmp
        .type   arch_setjmp, @function
arch_setjmp:
        movq    %rbx, 0(%rdi)
        movq    %rbp, 8(%rdi)
        movq    %r12, 16(%rdi)
        movq    %r13, 24(%rdi)
        movq    %r14, 32(%rdi)
        movq    %r15, 40(%rdi)
        leaq    8(%rsp), %rdx
        movq    %rdx, 48(%rdi)
        movq    (%rsp), %rdx
        movq    %rdx, 56(%rdi)
        xorl    %eax, %eax
        ret
        .size   arch_setjmp, . - arch_setjmp

        .globl  host_longjmp
        .type   host_longjmp, @function
host_longjmp:
        movl    %esi, %eax
        movq    0(%rdi), %rbx
        movq    8(%rdi), %rbp
        movq    16(%rdi), %r12
        movq    24(%rdi), %r13
        movq    32(%rdi), %r14
        movq    40(%rdi), %r15
        movq    48(%rdi), %rsp
        jmpq    *56(%rdi)
        .size   host_longjmp, . - host_longjmp

// One permanently undefined instruction (ud2), so the neutral trap tests run on the host too.
        .globl  arch_execute_undefined_instruction
        .globl  host_undefined_instruction
        .type   arch_execute_undefined_instruction, @function
arch_execute_undefined_instruction:
host_undefined_instruction:
        ud2
        ret
        .size   arch_execute_undefined_instruction, . - arch_execute_undefined_instruction

        .section .note.GNU-stack, "", @progbits
