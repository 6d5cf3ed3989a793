// The vDSO image (build/<kernel>/vdso/vdso.so, checked by scripts/check-vdso.sh) in the kernel's
// read-only data, and its trampoline offset from the generated offsets.h; the build passes both
// paths as VDSO_SO and VDSO_OFFSETS. One source for every kernel: it holds only data, and the
// section type is written %progbits because @ starts a comment in arm64 assembly.
#include VDSO_OFFSETS

	.section .rodata
	.p2align 12
	.globl vdso_image_start
vdso_image_start:
	.incbin VDSO_SO
	.globl vdso_image_end
vdso_image_end:
	.p2align 3
	.globl vdso_sigtramp_offset
vdso_sigtramp_offset:
	.quad VDSO_SIGTRAMP_OFFSET
	.section .note.GNU-stack, "", %progbits
