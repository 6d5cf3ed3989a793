# 64-bit big-endian powerpc (pseries guest under QEMU's Virtual Open Firmware).
# clang's big-endian default is ELFv1 with function descriptors: ELFv2 is always requested.
# The kernel never touches FP, VMX or VSX registers, so its own traps need not save them; user
# programs' are saved and restored by the user entry and exit code (user_context.h).
PPC_TARGET := --target=powerpc64-unknown-elf -mabi=elfv2 -mcpu=power9

ARCH_CXXFLAGS_powerpc := $(PPC_TARGET) -msoft-float -mno-altivec -mno-vsx
ARCH_ASFLAGS_powerpc := $(PPC_TARGET)
ARCH_LDFLAGS_powerpc := -m elf64ppc --no-dynamic-linker -static -z noexecstack -z norelro
ARCH_LDSCRIPT_powerpc := linker/powerpc64.ld
ARCH_IMAGE_powerpc := $(BUILD)/powerpc/maplet.elf
