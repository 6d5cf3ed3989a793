# arm64: freestanding C++ for QEMU's virt machine. Integer registers only (CPACR_EL1.FPEN is off
# in the kernel, so any FP/SIMD instruction would trap; only user programs get it, user_context.h);
# armv8.5-a with MTE so the assembler knows irg/stg/ldg.
# Unaligned accesses are fine once boot has turned on the map with RAM as Normal memory.
ARCH_CXXFLAGS_arm64 := --target=aarch64-none-elf -march=armv8.5-a+memtag -mgeneral-regs-only \
  -fno-unwind-tables -fno-asynchronous-unwind-tables
ARCH_ASFLAGS_arm64 := --target=aarch64-none-elf -march=armv8.5-a+memtag
ARCH_LDFLAGS_arm64 := -nostdlib -static --no-dynamic-linker -z max-page-size=4096 --build-id=none
ARCH_LDSCRIPT_arm64 := linker/arm64.ld
ARCH_COMMON_SRCS_arm64 := arch/common/vdso_image.S arch/common/vdso_image.cc
# QEMU boots the flat Image (the Linux boot protocol passes the device tree in x0); maplet.elf
# stays for gdb.
ARCH_IMAGE_arm64 := $(BUILD)/arm64/maplet.bin

# The Image header's magic "ARM\x64" must sit at offset 56, or QEMU would boot the file as raw
# code without a device tree.
$(BUILD)/arm64/maplet.bin: $(BUILD)/arm64/maplet.elf
	$(call quiet,OBJCOPY,$@)$(OBJCOPY) -O binary $< $@.tmp && \
	  printf 'ARM\144' | cmp -s -n 4 -i 56:0 $@.tmp - || \
	  { echo "$@: no arm64 Image magic at offset 56" >&2; rm -f $@.tmp; exit 1; } ; \
	  mv $@.tmp $@

# mmu_boot.cc runs at the physical address before the MMU is on, where an absolute (link-time,
# upper-half) address would be wrong: refuse any absolute relocation outside its debug sections.
MMU_BOOT_OBJ := $(BUILD)/arm64/obj/arch/arm64/mmu_boot.cc.o
$(BUILD)/arm64/maplet.elf: $(MMU_BOOT_OBJ).pcrel
$(MMU_BOOT_OBJ).pcrel: $(MMU_BOOT_OBJ)
	$(call quiet,CHECK,$@)llvm-readelf -r $< | awk '/^Relocation section/ { debug = ($$3 ~ /debug/) } \
	  !debug && /R_AARCH64_ABS/ { print "$<: absolute relocation:", $$0; bad = 1 } \
	  END { exit bad }' >&2 && touch $@
