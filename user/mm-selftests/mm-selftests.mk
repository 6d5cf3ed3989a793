# Linux's own mm selftests (tools/testing/selftests/mm of Debian's linux-source-6.12 at the
# version in oracle/linux-version, unpacked under build/ by scripts/linux-source.sh; nothing of
# it is in this repository), built as their Makefile builds them (each test with vm_util.c and
# thp_settings.c, -lrt -lpthread -lm, the tree's tools/include/uapi) but -static, with Debian's
# cross gcc and its 6.1 kernel headers: build/mm-selftests/<target>/<test>. `make check` runs
# each on Maplet and on Linux and compares their TAP result lines (scripts/mm-selftests-check.sh).
# The single-process tests that build here and run on Maplet without fork, threads, smaps or
# pagemap. droppable is arm64's only: powerpc's 6.1 <asm/elf.h>, which its includes reach, uses
# __vector128 without defining it.
MM_SELFTESTS := map_fixed_noreplace mremap_test mremap_dontunmap mseal_test seal_elf \
  mlock2-tests on-fault-limit virtual_address_range
# With them on arm64, three of Linux's arm64 selftests (tools/testing/selftests/arm64) that run
# single-process: the tagged address ABI's (tags) and MTE's prctl and tag inclusion (mte).
MM_SELFTESTS_ARM64_MTE := check_prctl check_tags_inclusion
MM_SELFTESTS_arm64 := $(MM_SELFTESTS) droppable tags_test $(MM_SELFTESTS_ARM64_MTE)
MM_SELFTESTS_ppc64 := $(MM_SELFTESTS)
MM_SELFTESTS_ppc64le := $(MM_SELFTESTS)
MM_SELFTESTS_DIR := $(BUILD)/mm-selftests
MM_SELFTESTS_STAMP := $(MM_SELFTESTS_DIR)/source/ready
MM_SELFTESTS_TREE := $(MM_SELFTESTS_DIR)/source/linux-source-6.12
MM_SELFTESTS_SRC := $(MM_SELFTESTS_TREE)/tools/testing/selftests/mm
MM_SELFTESTS_MEMBERS := tools/testing/selftests/mm tools/testing/selftests/kselftest.h \
  tools/testing/selftests/kselftest_harness.h tools/include/uapi tools/arch/powerpc/include/uapi \
  tools/arch/arm64/include/uapi mm/gup_test.h tools/testing/selftests/arm64/tags \
  tools/testing/selftests/arm64/mte
# The tree's path is mapped away (assert's __FILE__), so a binary's bytes, and so its cached
# Linux result, do not depend on where the checkout is.
MM_SELFTESTS_CFLAGS := -static -Wall -Wno-maybe-uninitialized -O2 -U_FORTIFY_SOURCE -I$(MM_SELFTESTS_TREE) \
  -isystem $(MM_SELFTESTS_TREE)/tools/include/uapi -ffile-prefix-map=$(abspath $(MM_SELFTESTS_TREE))=linux \
  -ffile-prefix-map=$(MM_SELFTESTS_TREE)=linux -Wl,-z,noexecstack

$(MM_SELFTESTS_STAMP): oracle/linux-version scripts/linux-source.sh user/mm-selftests/mm-selftests.mk
	$(Q)scripts/linux-source.sh $(@D) $(MM_SELFTESTS_MEMBERS) && touch $@

# mm_selftests_rules(target): each test of the target from its source and the two helpers.
define mm_selftests_rules
$(MM_SELFTESTS_DIR)/$(1)/%: $(MM_SELFTESTS_STAMP)
	$$(call quiet,CC,$$@)mkdir -p $$(@D) && $(LIBC_CC_$(1)) $(MM_SELFTESTS_CFLAGS) \
	  $(MM_SELFTESTS_SRC)/$$*.c $(MM_SELFTESTS_SRC)/vm_util.c $(MM_SELFTESTS_SRC)/thp_settings.c \
	  -lrt -lpthread -lm -o $$@
endef
$(foreach t,$(LIBC_TARGETS),$(eval $(call mm_selftests_rules,$(t))))
# The arm64 ones as their own Makefiles build them (the MTE tests with their two helpers).
MM_SELFTESTS_ARM64_SRC := $(MM_SELFTESTS_TREE)/tools/testing/selftests/arm64
$(MM_SELFTESTS_DIR)/arm64/tags_test: $(MM_SELFTESTS_STAMP)
	$(call quiet,CC,$@)mkdir -p $(@D) && $(LIBC_CC_arm64) $(MM_SELFTESTS_CFLAGS) \
	  $(MM_SELFTESTS_ARM64_SRC)/tags/tags_test.c -o $@
$(patsubst %,$(MM_SELFTESTS_DIR)/arm64/%,$(MM_SELFTESTS_ARM64_MTE)): $(MM_SELFTESTS_DIR)/arm64/%: \
    $(MM_SELFTESTS_STAMP)
	$(call quiet,CC,$@)mkdir -p $(@D) && $(LIBC_CC_arm64) $(MM_SELFTESTS_CFLAGS) -std=gnu99 \
	  -pthread -march=armv8.5-a+memtag -I$(MM_SELFTESTS_TREE)/tools/testing/selftests \
	  $(MM_SELFTESTS_ARM64_SRC)/mte/$*.c $(MM_SELFTESTS_ARM64_SRC)/mte/mte_common_util.c \
	  $(MM_SELFTESTS_ARM64_SRC)/mte/mte_helper.S -o $@

MM_SELFTESTS_BINS := $(foreach t,$(LIBC_TARGETS),$(patsubst %,$(MM_SELFTESTS_DIR)/$(t)/%,$(MM_SELFTESTS_$(t))))
.PHONY: mm-selftests
mm-selftests: $(MM_SELFTESTS_BINS)
# "<target> <test>" per line, for scripts/exec-check.sh.
.PHONY: mm-selftests-list
mm-selftests-list:
	@$(foreach t,$(LIBC_TARGETS),$(foreach p,$(MM_SELFTESTS_$(t)),echo '$(t) $(p)';))
