# Maplet build. `make run` boots the kernels; `make check` runs the host tests, then the kernels.
# Every object depends on the headers it includes (-MMD -MP). `make V=1` shows the commands.

.DEFAULT_GOAL := all
BUILD := build
# The arches, and the kernels: those of the arches and little-endian powerpc64, built with its
# programs from arch/powerpc and user/arch/powerpc (ARCH_DIR_powerpc64le) in the other byte order.
ARCHES := arm64 powerpc
KERNEL_ARCHES := $(ARCHES) powerpc64le

V ?= 0
ifeq ($(V),0)
Q := @
quiet = @printf '  %-8s %s\n' '$(1)' '$(2)';
else
Q :=
quiet =
endif

KCXX := clang++
KLD := ld.lld
OBJCOPY := llvm-objcopy
HOSTCXX ?= clang++

WARNINGS := -Wall -Wextra -Werror
DEPFLAGS = -MMD -MP

# The kernel: freestanding C++20, no libc, no libstdc++, no exceptions, no RTTI.
KERNEL_CXXFLAGS := -std=c++20 -ffreestanding -nostdlib -nostdinc++ -fno-exceptions -fno-rtti \
  -fno-threadsafe-statics -fno-stack-protector -fno-builtin -fno-pic -O2 -g $(WARNINGS) -I. \
  -DMAPLET_KERNEL=1
KERNEL_ASFLAGS := -g -I. -D__ASSEMBLY__=1 -DMAPLET_KERNEL=1

# Arch-neutral kernel code, compiled into both kernels and (but for main.cc) into host tests.
# kernel/vdso and arch/<arch>/vdso build the vDSO, not the kernel (kernel/vdso/vdso.mk).
NEUTRAL_SRCS := $(sort $(shell find kernel -path kernel/vdso -prune -o -name '*.cc' -print))

include $(foreach a,$(ARCHES),arch/$(a)/arch.mk)

# kernel_rules(kernel): objects under build/<kernel>/obj from arch/<ARCH_DIR_kernel> (the
# kernel's own name unless its arch.mk says otherwise) and the arch/common sources its arch.mk
# lists as ARCH_COMMON_SRCS, linked with linker/<ARCH_LDSCRIPT>.
define kernel_rules
ARCH_DIR_$(1) ?= $(1)
$(1)_SRCS := $$(NEUTRAL_SRCS) $$(sort $$(shell find arch/$$(ARCH_DIR_$(1)) \
  -path arch/$$(ARCH_DIR_$(1))/vdso -prune -o \( -name '*.cc' -o -name '*.S' \) -print)) \
  $$(ARCH_COMMON_SRCS_$(1))
$(1)_OBJS := $$(patsubst %,$(BUILD)/$(1)/obj/%.o,$$($(1)_SRCS))
ALL_DEPS += $$($(1)_OBJS:.o=.d)

$(BUILD)/$(1)/obj/%.cc.o: %.cc
	$$(call quiet,CXX,$$@)mkdir -p $$(@D) && \
	  $(KCXX) $(KERNEL_CXXFLAGS) $$(ARCH_CXXFLAGS_$(1)) $(DEPFLAGS) -c $$< -o $$@
$(BUILD)/$(1)/obj/%.S.o: %.S
	$$(call quiet,AS,$$@)mkdir -p $$(@D) && \
	  $(KCXX) $(KERNEL_ASFLAGS) $$(ARCH_ASFLAGS_$(1)) $(DEPFLAGS) -c $$< -o $$@
$(BUILD)/$(1)/maplet.elf: $$($(1)_OBJS) $$(ARCH_LDSCRIPT_$(1))
	$$(call quiet,LD,$$@)$(KLD) $$(ARCH_LDFLAGS_$(1)) -T $$(ARCH_LDSCRIPT_$(1)) -o $$@ $$($(1)_OBJS)
endef
$(foreach a,$(KERNEL_ARCHES),$(eval $(call kernel_rules,$(a))))

KERNEL_IMAGES := $(foreach a,$(KERNEL_ARCHES),$(ARCH_IMAGE_$(a)))

include kernel/vdso/vdso.mk
include host-tests/host-tests.mk
include tools/runner/runner.mk
include user/user.mk
include oracle/oracle.mk
include user/libc/libc.mk
include user/mm-selftests/mm-selftests.mk

# User programs and their initramfs: `make user` (see user/user.mk).
.PHONY: all kernels host-tests deps run check fuzz bench format compile_commands.json clean
all: kernels host-tests $(RUNNER) $(INITRAMFS_IMAGES)
kernels: $(KERNEL_IMAGES) $(INITRAMFS_IMAGES)

deps:
	$(Q)scripts/install-deps.sh

# Boots the kernels in their default configurations and prints the results (installs missing
# tools first). RUN_ARGS go to the runner: "--arch powerpc", "--config all", "--list", ...
run: deps
	$(Q)$(MAKE) --no-print-directory -j$$(nproc) kernels $(RUNNER)
	$(Q)$(RUNNER) $(RUN_ARGS)

# Host tests (ASan+UBSan), fuzz smoke runs, then the kernels through the runner in the boot
# configurations of scripts/check.sh. The last line is the leaf-test total:
# "N passed, N failed[, N skipped]".
check: deps
	$(Q)$(MAKE) --no-print-directory -j$$(nproc) all $(FUZZERS) mm-selftests
	$(Q)scripts/check.sh

format:
	$(Q)clang-format -i $$(git ls-files '*.cc' '*.h')

compile_commands.json:
	$(Q)scripts/compile-commands.sh > $@.tmp && mv $@.tmp $@ || { rm -f $@.tmp; exit 1; }

clean:
	rm -rf $(BUILD)

# The objects only a pattern chain makes (a user program's, a fuzzer's or a benchmark's own object)
# would count as intermediate and be deleted after each build: keep them, so rebuilds stay
# incremental. They are listed, not a bare .SECONDARY, which would make every target intermediate
# and leave a new source file's object unbuilt while the binary is newer than its other objects.
.SECONDARY: $(foreach a,$(KERNEL_ARCHES),$(patsubst %,$(BUILD)/$(a)/user/obj/user/%.cc.o,$(USER_PROGRAMS)) \
  $(USER_RUNTIME_OBJS_$(a))) \
  $(call host_objs,fuzz,$(FUZZ_SRCS)) $(call host_objs,bench,$(BENCH_SRCS))

-include $(ALL_DEPS)
