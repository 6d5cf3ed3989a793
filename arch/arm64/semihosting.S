// The semihosting trap (Arm "Semihosting for AArch32 and AArch64", 2.0: HLT #0xF000 with the
// operation in w0 and the parameter in x1, result in x0). Without semihosting enabled in the
// debugger/emulator HLT is UNDEFINED, so semihosting.cc probes it once under the vectors.

        .text
        .globl  arm64_semihosting_call
        .globl  arm64_semihosting_trap
        .type   arm64_semihosting_call, %function
arm64_semihosting_call:
arm64_semihosting_trap:
        hlt     #0xf000
        ret
        .size   arm64_semihosting_call, . - arm64_semihosting_call
