# Host builds of the very same kernel sources: GoogleTest suites under ASan+UBSan, libFuzzer
# targets, and Google Benchmark programs. New files are picked up by name:
#   host-tests/*_test.cc   -> build/host/unit-tests (one binary, with every kernel test suite)
#   host-tests/fuzz/X.cc   -> build/host/fuzz/X
#   host-tests/bench/X.cc  -> build/host/bench/X

HOST_BUILD := $(BUILD)/host
HOST_COMMON := -std=c++20 -g -I. $(WARNINGS) -DMAPLET_HOST=1
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_CXXFLAGS := $(HOST_COMMON) -O1 $(SANITIZE)
FUZZ_CXXFLAGS := $(HOST_COMMON) -O1 -fsanitize=fuzzer-no-link,address,undefined \
  -fno-sanitize-recover=all
BENCH_CXXFLAGS := $(HOST_COMMON) -O2 -DNDEBUG

# kernel/main.cc is the kernel's entry; everything else in kernel/ is host-testable. The host's
# arch is arch/host and, as for powerpc, arch/common's no-MTE contract.
HOST_KERNEL_SRCS := $(filter-out kernel/main.cc,$(NEUTRAL_SRCS))
HOST_ARCH_SRCS := $(sort $(wildcard arch/host/*.cc arch/host/*.S)) arch/common/no_mte.cc
HOST_LIB_SRCS := $(filter-out kernel/test/tests/%,$(HOST_KERNEL_SRCS)) $(HOST_ARCH_SRCS)
UNIT_TEST_SRCS := $(sort $(wildcard host-tests/*_test.cc)) $(HOST_KERNEL_SRCS) $(HOST_ARCH_SRCS)

# host_objs(variant, sources)
host_objs = $(patsubst %,$(HOST_BUILD)/$(1)/%.o,$(2))

UNIT_TESTS := $(HOST_BUILD)/unit-tests
UNIT_OBJS := $(call host_objs,asan,$(UNIT_TEST_SRCS))
FUZZ_SRCS := $(sort $(wildcard host-tests/fuzz/*.cc))
FUZZERS := $(patsubst host-tests/fuzz/%.cc,$(HOST_BUILD)/fuzz/%,$(FUZZ_SRCS))
BENCH_SRCS := $(sort $(wildcard host-tests/bench/*.cc))
BENCHES := $(patsubst host-tests/bench/%.cc,$(HOST_BUILD)/bench/%,$(BENCH_SRCS))
ALL_DEPS += $(patsubst %.o,%.d,$(UNIT_OBJS) \
  $(call host_objs,fuzz,$(FUZZ_SRCS) $(HOST_LIB_SRCS)) \
  $(call host_objs,bench,$(BENCH_SRCS) $(HOST_LIB_SRCS)))

$(HOST_BUILD)/asan/%.o: %
	$(call quiet,HOSTCXX,$@)mkdir -p $(@D) && \
	  $(HOSTCXX) $(HOST_CXXFLAGS) $(DEPFLAGS) -x $(if $(filter %.S,$<),assembler-with-cpp,c++) \
	  -c $< -o $@
$(HOST_BUILD)/fuzz/%.o: %
	$(call quiet,HOSTCXX,$@)mkdir -p $(@D) && \
	  $(HOSTCXX) $(FUZZ_CXXFLAGS) $(DEPFLAGS) -x $(if $(filter %.S,$<),assembler-with-cpp,c++) \
	  -c $< -o $@
$(HOST_BUILD)/bench/%.o: %
	$(call quiet,HOSTCXX,$@)mkdir -p $(@D) && \
	  $(HOSTCXX) $(BENCH_CXXFLAGS) $(DEPFLAGS) -x $(if $(filter %.S,$<),assembler-with-cpp,c++) \
	  -c $< -o $@

$(UNIT_TESTS): $(UNIT_OBJS)
	$(call quiet,LINK,$@)$(HOSTCXX) $(SANITIZE) -o $@ $^ -lgtest -lgtest_main -lpthread
$(HOST_BUILD)/fuzz/%: $(HOST_BUILD)/fuzz/host-tests/fuzz/%.cc.o $(call host_objs,fuzz,$(HOST_LIB_SRCS))
	$(call quiet,LINK,$@)$(HOSTCXX) -fsanitize=fuzzer,address,undefined -o $@ $^
# Named in an explicit rule too: prerequisites of a pattern rule alone count as intermediate files
# while no dependency file names them yet (a fresh build, a new source), and make would delete them.
$(FUZZERS): $(call host_objs,fuzz,$(HOST_LIB_SRCS))
$(HOST_BUILD)/bench/%: $(HOST_BUILD)/bench/host-tests/bench/%.cc.o \
    $(call host_objs,bench,$(HOST_LIB_SRCS))
	$(call quiet,LINK,$@)$(HOSTCXX) -o $@ $^ -lbenchmark -lpthread

host-tests: $(UNIT_TESTS)

# Long runs, measured by hand: make fuzz FUZZ_SECONDS=600, make bench. After the host fuzzers,
# the three kernels run the syscall fuzz program for FUZZ_CALLS calls from FUZZ_SEED (a new seed
# each time unless given; it is printed, and the program prints it too) and 10,000 process
# lifetimes.
FUZZ_SECONDS ?= 600
FUZZ_CALLS ?= 100000
FUZZ_SEED ?= $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
fuzz: $(FUZZERS) kernels $(HOST_BUILD)/maplet-run
	$(Q)for f in $(FUZZERS); do \
	  mkdir -p $(BUILD)/fuzz-corpus/$$(basename $$f); \
	  echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    $(BUILD)/fuzz-corpus/$$(basename $$f) || exit 1; \
	done
	$(Q)echo "fuzz: the kernels, seed $(FUZZ_SEED), $(FUZZ_CALLS) system calls"
	$(Q)$(HOST_BUILD)/maplet-run --config arm64-fuzz,powerpc-fuzz,powerpc64le-fuzz \
	  --append 'maplet.args.fuzz=$(FUZZ_SEED),$(FUZZ_CALLS)'

# The host benchmarks, then each kernel's user-level figures (scripts/user-bench.sh). The VmaTree
# bench prints its table against the maple tree, absl's btree and std::map, also kept as TSV
# (BENCH_SIZES=1000,10000 chooses N). Its node cache sits on 2 MiB pages as the kernels' RAM does
# (host_pages.h); glibc's malloc, which the other structures' nodes come from, is asked for the
# same, so no row is won on TLB reach alone.
bench: $(BENCHES) $(ANCHORS) kernels $(HOST_BUILD)/maplet-run
	$(Q)mkdir -p $(BUILD)/bench-results
	$(Q)echo "bench: $(ANCHORS)" && GLIBC_TUNABLES=glibc.malloc.hugetlb=1 $(ANCHORS) $(if $(BENCH_SIZES),--sizes=$(BENCH_SIZES)) \
	  $(BUILD)/bench-results/vma-tree-anchors.tsv
	$(Q)for b in $(BENCHES); do \
	  echo "bench: $$b"; \
	  $$b --benchmark_out=$(BUILD)/bench-results/$$(basename $$b).json \
	    --benchmark_out_format=json $(BENCH_ARGS) || exit 1; \
	done
	$(Q)BUILD=$(BUILD) scripts/user-bench.sh $(RUNNER) $(KERNEL_ARCHES)

# The VmaTree bench against its anchors (host-tests/bench/anchors): Linux's maple tree built from
# Debian's linux-source-6.12, unpacked under build/ by scripts/bench-deps.sh (which also installs
# liburcu-dev and libabsl-dev), absl::btree_map and std::map, all in one program.
ANCHORS := $(HOST_BUILD)/bench/vma-tree-anchors
ANCHORS_DIR := $(HOST_BUILD)/anchors
ANCHORS_LINUX_STAMP := $(BUILD)/bench-linux/ready
ANCHORS_LINUX := $(BUILD)/bench-linux/linux-source-6.12
# The harness's include paths (tools/testing/shared/shared.mk) and its generated headers, with
# the 64-bit node layout forced (see maple_anchor.c); -O2 as the kernel builds it.
ANCHORS_CFLAGS := -O2 -g -w -D_LGPL_SOURCE -DCONFIG_64BIT=1 -I. -I$(ANCHORS_LINUX)/tools/testing/shared \
  -I$(ANCHORS_DIR) -I$(ANCHORS_LINUX)/tools/include -I$(ANCHORS_LINUX)/lib
ANCHORS_GENERATED := $(ANCHORS_DIR)/generated/autoconf.h $(ANCHORS_DIR)/generated/map-shift.h
# The harness's kernel shims the maple tree links against (kmem_cache, kmalloc).
ANCHORS_SHIMS := tools/testing/shared/linux tools/lib/slab
ANCHORS_SHIM_OBJS := $(patsubst %,$(ANCHORS_DIR)/shim/%.o,$(ANCHORS_SHIMS))
ANCHORS_OBJS := $(ANCHORS_DIR)/vma_tree_anchors.o $(ANCHORS_DIR)/host_pages.o \
  $(ANCHORS_DIR)/maple_anchor.o $(ANCHORS_SHIM_OBJS)
ALL_DEPS += $(ANCHORS_OBJS:.o=.d)

$(ANCHORS_LINUX_STAMP): oracle/linux-version scripts/bench-deps.sh
	$(Q)scripts/bench-deps.sh $(@D)
$(ANCHORS_DIR)/generated/autoconf.h:
	$(Q)mkdir -p $(@D) && echo '#define CONFIG_XARRAY_MULTI 1' > $@
$(ANCHORS_DIR)/generated/map-shift.h:
	$(Q)mkdir -p $(@D) && echo '#define XA_CHUNK_SHIFT 6' > $@
$(ANCHORS_DIR)/maple_anchor.o: host-tests/bench/anchors/maple_anchor.c $(ANCHORS_LINUX_STAMP) \
    $(ANCHORS_GENERATED)
	$(call quiet,HOSTCC,$@)$(HOSTCXX:clang++=clang) $(ANCHORS_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(ANCHORS_SHIM_OBJS): $(ANCHORS_DIR)/shim/%.o: $(ANCHORS_LINUX_STAMP) $(ANCHORS_GENERATED)
	$(call quiet,HOSTCC,$@)mkdir -p $(@D) && $(HOSTCXX:clang++=clang) $(ANCHORS_CFLAGS) $(DEPFLAGS) \
	  -c $(ANCHORS_LINUX)/$*.c -o $@
$(ANCHORS_DIR)/vma_tree_anchors.o: host-tests/bench/anchors/vma_tree_anchors.cc $(ANCHORS_LINUX_STAMP)
	$(call quiet,HOSTCXX,$@)mkdir -p $(@D) && $(HOSTCXX) $(BENCH_CXXFLAGS) $(DEPFLAGS) -c $< -o $@
$(ANCHORS_DIR)/host_pages.o: host-tests/bench/anchors/host_pages.cc
	$(call quiet,HOSTCXX,$@)mkdir -p $(@D) && $(HOSTCXX) $(BENCH_CXXFLAGS) $(DEPFLAGS) -c $< -o $@
$(ANCHORS): $(ANCHORS_OBJS) $(call host_objs,bench,$(HOST_LIB_SRCS))
	$(call quiet,LINK,$@)$(HOSTCXX) -o $@ $^ -lurcu -lpthread
