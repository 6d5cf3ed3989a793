# Each arch's vDSO: kernel/vdso/vdso.cc (neutral) and arch/<arch>/vdso/entry.S, compiled position
# independent and linked by lld with linker/vdso-<arch>.ld into build/<arch>/vdso/vdso.so.dbg,
# checked (scripts/check-vdso.sh), stripped to vdso.so and embedded in the kernel by
# arch/common/vdso_image.S together with the trampoline offset (offsets.h). These sources are not
# part of the kernel itself (Makefile leaves kernel/vdso and arch/<arch>/vdso out of it).

VDSO_CXXFLAGS := -std=c++20 -ffreestanding -nostdlib -nostdinc++ -fno-exceptions -fno-rtti \
  -fno-threadsafe-statics -fno-stack-protector -fno-builtin -fPIC -fvisibility=hidden \
  -fno-unwind-tables -fno-asynchronous-unwind-tables -fno-jump-tables -O2 -g $(WARNINGS) -I.
VDSO_TARGET_arm64 := --target=aarch64-linux-gnu
VDSO_TARGET_powerpc := --target=powerpc64-linux-gnu -mabi=elfv2 -mcpu=power9
VDSO_TARGET_powerpc64le := --target=powerpc64le-linux-gnu -mabi=elfv2 -mcpu=power9
VDSO_CXXFLAGS_arm64 := -mgeneral-regs-only
VDSO_CXXFLAGS_powerpc := -msoft-float -mno-altivec -mno-vsx
VDSO_CXXFLAGS_powerpc64le := $(VDSO_CXXFLAGS_powerpc)
VDSO_SONAME_arm64 := linux-vdso.so.1
VDSO_SONAME_powerpc := linux-vdso64.so.1
VDSO_SONAME_powerpc64le := $(VDSO_SONAME_powerpc)
VDSO_VERSION_arm64 := LINUX_2.6.39
VDSO_VERSION_powerpc := LINUX_2.6.15
VDSO_VERSION_powerpc64le := $(VDSO_VERSION_powerpc)
VDSO_SYMBOLS_arm64 := __kernel_clock_gettime __kernel_gettimeofday __kernel_clock_getres \
  __kernel_rt_sigreturn __kernel_getrandom
VDSO_SYMBOLS_powerpc := __kernel_get_syscall_map __kernel_gettimeofday __kernel_clock_gettime \
  __kernel_clock_getres __kernel_get_tbfreq __kernel_sync_dicache __kernel_sigtramp_rt64 \
  __kernel_getcpu __kernel_time __kernel_getrandom
VDSO_SYMBOLS_powerpc64le := $(VDSO_SYMBOLS_powerpc)
VDSO_LDFLAGS := -shared -Bsymbolic --no-undefined --hash-style=both -z max-page-size=4096 \
  -z noexecstack --build-id=none

# vdso_rules(kernel): the vDSO of arch/<ARCH_DIR_kernel> in the kernel's target and byte order.
define vdso_rules
VDSO_DIR_$(1) := $(BUILD)/$(1)/vdso
VDSO_OBJS_$(1) := $$(VDSO_DIR_$(1))/kernel/vdso/vdso.cc.o \
  $$(VDSO_DIR_$(1))/arch/$$(ARCH_DIR_$(1))/vdso/entry.S.o
ALL_DEPS += $$(VDSO_OBJS_$(1):.o=.d)

$$(VDSO_DIR_$(1))/%.cc.o: %.cc
	$$(call quiet,VCXX,$$@)mkdir -p $$(@D) && $(KCXX) $(VDSO_CXXFLAGS) $$(VDSO_TARGET_$(1)) \
	  $$(VDSO_CXXFLAGS_$(1)) $(DEPFLAGS) -c $$< -o $$@
$$(VDSO_DIR_$(1))/%.S.o: %.S
	$$(call quiet,VAS,$$@)mkdir -p $$(@D) && $(KCXX) $$(VDSO_TARGET_$(1)) -I. -D__ASSEMBLY__=1 \
	  $(DEPFLAGS) -c $$< -o $$@
$$(VDSO_DIR_$(1))/vdso.so.dbg: $$(VDSO_OBJS_$(1)) linker/vdso-$$(ARCH_DIR_$(1)).ld
	$$(call quiet,VLD,$$@)$(KLD) $(VDSO_LDFLAGS) -soname $$(VDSO_SONAME_$(1)) \
	  -T linker/vdso-$$(ARCH_DIR_$(1)).ld -o $$@ $$(VDSO_OBJS_$(1))
$$(VDSO_DIR_$(1))/vdso.so: $$(VDSO_DIR_$(1))/vdso.so.dbg scripts/check-vdso.sh
	$$(call quiet,VCHECK,$$@)$(OBJCOPY) --strip-all $$< $$@.tmp && \
	  scripts/check-vdso.sh $$@.tmp $$(VDSO_VERSION_$(1)) "$$(VDSO_SYMBOLS_$(1))" \
	  $$(VDSO_OBJS_$(1)) && mv $$@.tmp $$@
$$(VDSO_DIR_$(1))/offsets.h: $$(VDSO_DIR_$(1))/vdso.so.dbg
	$$(call quiet,GEN,$$@)llvm-nm $$< | \
	  awk '$$$$3 == "VDSO_SIGTRAMP" { print "#define VDSO_SIGTRAMP_OFFSET 0x" $$$$1; n++ } \
	  END { exit n != 1 }' > $$@.tmp && mv $$@.tmp $$@

$(BUILD)/$(1)/obj/arch/common/vdso_image.S.o: $$(VDSO_DIR_$(1))/vdso.so \
  $$(VDSO_DIR_$(1))/offsets.h
$(BUILD)/$(1)/obj/arch/common/vdso_image.S.o: ARCH_ASFLAGS_$(1) += \
  -DVDSO_SO='"$$(VDSO_DIR_$(1))/vdso.so"' -DVDSO_OFFSETS='"$$(VDSO_DIR_$(1))/offsets.h"'
endef
$(foreach a,$(KERNEL_ARCHES),$(eval $(call vdso_rules,$(a))))
