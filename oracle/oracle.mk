# The Linux oracle: the differential programs (oracle/programs/*.c, static C, one binary each)
# and the oracle's /init (entered at first_instruction.S) for arm64, ppc64le (what Debian's
# Linux and Maplet's powerpc64le kernel run) and big-endian ppc64 (what Maplet's powerpc kernel
# runs), and the host comparison tool with its tests.
# `make oracle` builds them; `make oracle-linux` runs the programs on Linux (oracle/run-linux.sh).

ORACLE_TARGETS := arm64 ppc64le ppc64
ORACLE_CC_arm64 := aarch64-linux-gnu-gcc
ORACLE_CC_ppc64le := powerpc64le-linux-gnu-gcc
ORACLE_CC_ppc64 := powerpc64-linux-gnu-gcc
# -z noexecstack: powerpc64-linux-gnu-gcc leaves PT_GNU_STACK out, which would give the big-endian
# build an executable stack where the little-endian one Linux runs has none.
ORACLE_CFLAGS := -static -O2 -g -std=gnu11 $(WARNINGS) -I. -MMD -MP -Wl,-z,noexecstack

# bti_note_refused is bti_elf with a malformed property note (oracle/bad-property-note.py), which
# exec must refuse on arm64 as Linux does; elsewhere it is bti_elf. A program whose name ends in
# _refused passes on Linux when exec refused it (scripts/oracle-check.sh).
ORACLE_PROGRAMS := $(sort $(basename $(notdir $(wildcard oracle/programs/*.c))) bti_note_refused)
ORACLE_BINS := $(foreach t,$(ORACLE_TARGETS),$(patsubst %,$(BUILD)/oracle/$(t)/programs/%,$(ORACLE_PROGRAMS))) \
  $(foreach t,$(ORACLE_TARGETS),$(BUILD)/oracle/$(t)/init)
ALL_DEPS += $(wildcard $(BUILD)/oracle/deps/*/*.d)

define oracle_rules
$(BUILD)/oracle/$(1)/programs/%: oracle/programs/%.c
	$$(call quiet,CC,$$@)mkdir -p $$(@D) $(BUILD)/oracle/deps/$(1) && $(ORACLE_CC_$(1)) $(ORACLE_CFLAGS) $$(ORACLE_PROGRAM_CFLAGS) -MF $(BUILD)/oracle/deps/$(1)/$$(@F).d $$< -o $$@
$(BUILD)/oracle/$(1)/init: oracle/init.c oracle/first_instruction.S
	$$(call quiet,CC,$$@)mkdir -p $$(@D) $(BUILD)/oracle/deps/$(1) && $(ORACLE_CC_$(1)) $(ORACLE_CFLAGS) -Wl,-e,oracle_entry -MF $(BUILD)/oracle/deps/$(1)/$$(@F).d $$^ -o $$@
endef
$(foreach t,$(ORACLE_TARGETS),$(eval $(call oracle_rules,$(t))))
$(foreach t,$(ORACLE_TARGETS),$(BUILD)/oracle/$(t)/programs/bti_note_refused): %/bti_note_refused: %/bti_elf oracle/bad-property-note.py
	$(call quiet,GEN,$@)oracle/bad-property-note.py $< $@ && chmod +x $@

# fuzz_mm's seeds: oracle/fuzz-seeds (a few fixed seeds and every regression seed) unless
# FUZZ_SEEDS names others (`make oracle-fuzz`). The seed list is a file, so a change rebuilds fuzz_mm.
ORACLE_COMMA := ,
ORACLE_EMPTY :=
ORACLE_SPACE := $(ORACLE_EMPTY) $(ORACLE_EMPTY)
FUZZ_SEEDS ?= $(shell sed 's/\#.*//' oracle/fuzz-seeds)
ORACLE_FUZZ_LIST := $(subst $(ORACLE_SPACE),$(ORACLE_COMMA),$(strip $(FUZZ_SEEDS)))
ORACLE_FUZZ_BINS := $(foreach t,$(ORACLE_TARGETS),$(BUILD)/oracle/$(t)/programs/fuzz_mm)
$(BUILD)/oracle/fuzz-seeds: FORCE
	$(Q)mkdir -p $(@D) && echo '$(ORACLE_FUZZ_LIST)' | cmp -s - $@ || echo '$(ORACLE_FUZZ_LIST)' >$@
$(ORACLE_FUZZ_BINS): $(BUILD)/oracle/fuzz-seeds
$(ORACLE_FUZZ_BINS): ORACLE_PROGRAM_CFLAGS = -DFUZZ_SEEDS=$(ORACLE_FUZZ_LIST)
# bti_elf on arm64 carries the BTI property note, which the linker keeps only when every input
# has it: Debian's static C library has none, so the program is freestanding.
$(BUILD)/oracle/arm64/programs/bti_elf: ORACLE_PROGRAM_CFLAGS = -nostdlib -ffreestanding \
  -mbranch-protection=bti

ORACLE_COMPARE := $(BUILD)/host/oracle-compare
ORACLE_TESTS := $(BUILD)/host/oracle-tests
ORACLE_LIB_SRCS := $(filter-out oracle/compare/main.cc,$(sort $(wildcard oracle/compare/*.cc)))
ORACLE_TEST_SRCS := $(sort $(wildcard oracle/compare/tests/*_test.cc))
ORACLE_COMPARE_OBJS := $(patsubst %.cc,$(BUILD)/host/runner/opt/%.o,oracle/compare/main.cc \
  $(ORACLE_LIB_SRCS))
ORACLE_TEST_OBJS := $(patsubst %.cc,$(BUILD)/host/runner/asan/%.o,$(ORACLE_TEST_SRCS) \
  $(ORACLE_LIB_SRCS))
ALL_DEPS += $(ORACLE_COMPARE_OBJS:.o=.d) $(ORACLE_TEST_OBJS:.o=.d)

$(ORACLE_COMPARE): $(ORACLE_COMPARE_OBJS)
	$(call quiet,LINK,$@)$(HOSTCXX) -o $@ $^
$(ORACLE_TESTS): $(ORACLE_TEST_OBJS)
	$(call quiet,LINK,$@)$(HOSTCXX) $(SANITIZE) -o $@ $^ -lgtest -lgtest_main -lpthread

# Maplet's initramfs of each kernel's build (arm64, big-endian ppc64, ppc64le), as /p/<name> like
# the Linux one, and /init, which Maplet runs first (the boot configurations arm64-oracle,
# powerpc-oracle and powerpc64le-oracle boot it with maplet.oracle=1).
ORACLE_MAPLET_INITRAMFS := $(BUILD)/oracle/maplet-initramfs/arm64.cpio \
  $(BUILD)/oracle/maplet-initramfs/powerpc.cpio $(BUILD)/oracle/maplet-initramfs/powerpc64le.cpio
define oracle_maplet_initramfs
$(BUILD)/oracle/maplet-initramfs/$(1).cpio: $(patsubst %,$(BUILD)/oracle/$(2)/programs/%,$(ORACLE_PROGRAMS)) $(BUILD)/oracle/$(2)/init scripts/pack-initramfs.sh
	$$(call quiet,CPIO,$$@)mkdir -p $$(@D) && { echo '/init 0755 ../init'; printf '/p/%s 0755 %s\n' $(foreach p,$(ORACLE_PROGRAMS),$(p) $(p)); } >$$@.list && \
	  scripts/pack-initramfs.sh $$@ $(BUILD)/oracle/$(2)/programs $$@.list
endef
$(eval $(call oracle_maplet_initramfs,arm64,arm64))
$(eval $(call oracle_maplet_initramfs,powerpc,ppc64))
$(eval $(call oracle_maplet_initramfs,powerpc64le,ppc64le))

.PHONY: oracle oracle-linux oracle-fuzz FORCE
FORCE:
# fuzz_mm with many seeds on both kernels: `make oracle-fuzz FUZZ_SEEDS="$$(seq 1 500)"` (default
# 1 to 200), in chunks (scripts/oracle-fuzz.sh). A seed that finds a difference belongs in
# oracle/fuzz-seeds. (`make fuzz`, in host-tests/host-tests.mk, runs the host's libFuzzer targets
# and then Maplet's kernels with the syscall fuzz program user/fuzz.cc; it boots no Linux.)
ORACLE_FUZZ_MANY := $(strip $(if $(filter command line,$(origin FUZZ_SEEDS)),$(FUZZ_SEEDS),$(shell seq 1 200)))
oracle-fuzz:
	$(Q)scripts/oracle-fuzz.sh $(BUILD) $(ORACLE_FUZZ_MANY)
oracle: $(ORACLE_BINS) $(ORACLE_COMPARE) $(ORACLE_TESTS) $(ORACLE_MAPLET_INITRAMFS)
oracle-linux: oracle
	$(Q)oracle/run-linux.sh $(BUILD)
all: oracle
