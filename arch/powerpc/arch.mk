# 64-bit powerpc (pseries guest under QEMU's Virtual Open Firmware), as two kernels from these
# sources: powerpc, big-endian, and powerpc64le, little-endian, the byte order being the target's.
# clang's big-endian default is ELFv1 with function descriptors: ELFv2 is always requested.
# The kernel never touches FP, VMX or VSX registers, so its own traps need not save them; user
# programs' are saved and restored by the user entry and exit code (user_context.h).
PPC_CPU_FLAGS := -mabi=elfv2 -mcpu=power9
PPC_CXXFLAGS := -msoft-float -mno-altivec -mno-vsx
PPC_LDFLAGS := --no-dynamic-linker -static -z noexecstack -z norelro

ARCH_CXXFLAGS_powerpc := --target=powerpc64-unknown-elf $(PPC_CPU_FLAGS) $(PPC_CXXFLAGS)
ARCH_ASFLAGS_powerpc := --target=powerpc64-unknown-elf $(PPC_CPU_FLAGS)
ARCH_LDFLAGS_powerpc := -m elf64ppc $(PPC_LDFLAGS)
ARCH_LDSCRIPT_powerpc := linker/powerpc64.ld
ARCH_COMMON_SRCS_powerpc := arch/common/vdso_image.S arch/common/vdso_image.cc \
  arch/common/no_mte.cc
ARCH_IMAGE_powerpc := $(BUILD)/powerpc/maplet.elf

ARCH_DIR_powerpc64le := powerpc
ARCH_CXXFLAGS_powerpc64le := --target=powerpc64le-unknown-elf $(PPC_CPU_FLAGS) $(PPC_CXXFLAGS)
ARCH_ASFLAGS_powerpc64le := --target=powerpc64le-unknown-elf $(PPC_CPU_FLAGS)
ARCH_LDFLAGS_powerpc64le := -m elf64lppc $(PPC_LDFLAGS)
ARCH_LDSCRIPT_powerpc64le := linker/powerpc64.ld
ARCH_COMMON_SRCS_powerpc64le := $(ARCH_COMMON_SRCS_powerpc)
ARCH_IMAGE_powerpc64le := $(BUILD)/powerpc64le/maplet.elf
