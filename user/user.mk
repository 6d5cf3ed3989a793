# User test programs: libc-free, static, built by clang for each arch with a tiny runtime
# (user/lib, user/arch/<arch>) plus kernel/lib's formatting and string code, and packed with
# GNU cpio into one newc initramfs per arch, build/<arch>/initramfs.cpio, from user/initramfs.list.
# Integer registers only until user FP/SIMD state is saved by the kernel.

USER_PROGRAMS := $(sort $(notdir $(basename $(wildcard user/*.cc))))
USER_CXXFLAGS := -std=c++20 -ffreestanding -nostdlib -nostdinc++ -fno-exceptions -fno-rtti \
  -fno-threadsafe-statics -fno-stack-protector -fno-builtin -fno-pic -fno-unwind-tables \
  -fno-asynchronous-unwind-tables -O2 -g $(WARNINGS) -I.
USER_TARGET_arm64 := --target=aarch64-linux-gnu
USER_TARGET_powerpc := --target=powerpc64-linux-gnu -mabi=elfv2
USER_TARGET_powerpc64le := --target=powerpc64le-linux-gnu -mabi=elfv2
USER_CXXFLAGS_arm64 := $(USER_TARGET_arm64) -mgeneral-regs-only
USER_CXXFLAGS_powerpc := $(USER_TARGET_powerpc) -msoft-float -mno-altivec -mno-vsx
USER_CXXFLAGS_powerpc64le := $(USER_TARGET_powerpc64le) -msoft-float -mno-altivec -mno-vsx
USER_LDFLAGS := -static --no-dynamic-linker --build-id=none -z noexecstack -z max-page-size=4096
USER_RUNTIME_SRCS := $(sort $(wildcard user/lib/*.cc)) kernel/lib/format.cc kernel/lib/string.cc \
  kernel/lib/compiler_runtime.cc

# user_rules(kernel): the programs for one kernel, with the runtime of user/arch/<ARCH_DIR>
# (powerpc64le's programs are powerpc's, little-endian).
define user_rules
USER_RUNTIME_OBJS_$(1) := $$(patsubst %,$(BUILD)/$(1)/user/obj/%.o,$$(USER_RUNTIME_SRCS) \
  $$(sort $$(wildcard user/arch/$$(ARCH_DIR_$(1))/*.S)))
USER_BINS_$(1) := $$(patsubst %,$(BUILD)/$(1)/user/%,$$(USER_PROGRAMS))
ALL_DEPS += $$(patsubst %.o,%.d,$$(USER_RUNTIME_OBJS_$(1)) \
  $$(patsubst %,$(BUILD)/$(1)/user/obj/user/%.cc.o,$$(USER_PROGRAMS)))

$(BUILD)/$(1)/user/obj/%.cc.o: %.cc
	$$(call quiet,UCXX,$$@)mkdir -p $$(@D) && \
	  $(KCXX) $(USER_CXXFLAGS) $$(USER_CXXFLAGS_$(1)) $(DEPFLAGS) -c $$< -o $$@
$(BUILD)/$(1)/user/obj/%.S.o: %.S
	$$(call quiet,UAS,$$@)mkdir -p $$(@D) && \
	  $(KCXX) $$(USER_TARGET_$(1)) -I. -D__ASSEMBLY__=1 $(DEPFLAGS) -c $$< -o $$@
$(BUILD)/$(1)/user/%: $(BUILD)/$(1)/user/obj/user/%.cc.o $$(USER_RUNTIME_OBJS_$(1))
	$$(call quiet,ULD,$$@)$(KLD) $(USER_LDFLAGS) -o $$@ $$^
$(BUILD)/$(1)/initramfs.cpio: $$(USER_BINS_$(1)) user/initramfs.list scripts/pack-initramfs.sh
	$$(call quiet,CPIO,$$@)scripts/pack-initramfs.sh $$@ $(BUILD)/$(1)/user user/initramfs.list
endef
$(foreach a,$(KERNEL_ARCHES),$(eval $(call user_rules,$(a))))

# core_pac signs its return addresses on arm64: pointer authentication's pac-ret, leaves included.
$(BUILD)/arm64/user/obj/user/core_pac.cc.o: USER_CXXFLAGS_arm64 += -mbranch-protection=pac-ret+leaf

INITRAMFS_IMAGES := $(foreach a,$(KERNEL_ARCHES),$(BUILD)/$(a)/initramfs.cpio)

.PHONY: user
user: $(INITRAMFS_IMAGES)

# signals_elfv1 on powerpc is an ELFv1 program: entered through its function descriptor
# start_descriptor, with e_flags (offset 48 of the ELF header, big-endian) set to 1 after the
# link, as no ELFv1 toolchain builds the rest of the runtime.
$(BUILD)/powerpc/user/signals_elfv1: $(BUILD)/powerpc/user/obj/user/signals_elfv1.cc.o \
  $(USER_RUNTIME_OBJS_powerpc)
	$(call quiet,ULD,$@)$(KLD) $(USER_LDFLAGS) -e start_descriptor -o $@.tmp $^ && \
	  printf '\000\000\000\001' | dd of=$@.tmp bs=1 seek=48 count=4 conv=notrunc status=none && \
	  mv $@.tmp $@
