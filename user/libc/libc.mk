# Ordinary static Linux programs built by Debian's cross toolchains, unmodified, with glibc (arm64,
# big-endian ppc64 in glibc's ELFv1 ABI, and ppc64le for the Linux oracle, which runs little-endian)
# and musl (arm64 and ppc64le, Debian's musl-dev:arm64 and musl-dev:ppc64el):
# build/libc/<target>/<program>-<libc>. make check runs each through
# `maplet-run --exec` and on Debian's Linux (scripts/exec-check.sh) and compares the two.
# LIBC_COMPARED (and arm64's hello-glibc-pie) run on both; LIBC_MAPLET_ONLY exercise maplet-run itself (stdin, arguments, the
# time limit), which Linux's oracle /init cannot give them.

LIBC_COMPARED := hello malloc_loop self_maps segv_handler clock cxx_exceptions abort
LIBC_MAPLET_ONLY := cat_stdin spin exit_args
LIBC_TARGETS := arm64 ppc64 ppc64le
LIBC_CC_arm64 := aarch64-linux-gnu-gcc
LIBC_CC_ppc64 := powerpc64-linux-gnu-gcc
LIBC_CC_ppc64le := powerpc64le-linux-gnu-gcc
LIBC_CXX_arm64 := aarch64-linux-gnu-g++
LIBC_CXX_ppc64 := powerpc64-linux-gnu-g++
LIBC_CXX_ppc64le := powerpc64le-linux-gnu-g++
# musl's specs file points the cross gcc at musl's headers, start files and libc.a, as Debian's
# <triplet>-linux-musl-gcc wrapper does.
LIBC_MUSL_TARGETS := arm64 ppc64le
LIBC_MUSL_SPECS_arm64 := -specs=/usr/lib/aarch64-linux-musl/musl-gcc.specs
LIBC_MUSL_SPECS_ppc64le := -specs=/usr/lib/powerpc64le-linux-musl/musl-gcc.specs
# -z noexecstack: powerpc64-linux-gnu-gcc leaves PT_GNU_STACK out otherwise.
LIBC_CFLAGS := -static -O2 -std=gnu11 $(WARNINGS) -Wl,-z,noexecstack
LIBC_CXXFLAGS := -static -O2 -std=gnu++17 $(WARNINGS) -Wl,-z,noexecstack
LIBC_C_PROGRAMS := $(filter-out cxx_exceptions,$(LIBC_COMPARED) $(LIBC_MAPLET_ONLY))

# libc_rules(target): glibc programs, C and C++.
define libc_rules
$(BUILD)/libc/$(1)/%-glibc: user/libc/%.c
	$$(call quiet,CC,$$@)mkdir -p $$(@D) && $(LIBC_CC_$(1)) $(LIBC_CFLAGS) $$< -o $$@
$(BUILD)/libc/$(1)/%-glibc: user/libc/%.cc
	$$(call quiet,CXX,$$@)mkdir -p $$(@D) && $(LIBC_CXX_$(1)) $(LIBC_CXXFLAGS) $$< -o $$@
endef
$(foreach t,$(LIBC_TARGETS),$(eval $(call libc_rules,$(t))))
# libc_musl_rules(target): musl programs, C only.
define libc_musl_rules
$(BUILD)/libc/$(1)/%-musl: user/libc/%.c
	$$(call quiet,CC,$$@)mkdir -p $$(@D) && $(LIBC_CC_$(1)) $(LIBC_MUSL_SPECS_$(1)) $(LIBC_CFLAGS) $$< -o $$@
endef
$(foreach t,$(LIBC_MUSL_TARGETS),$(eval $(call libc_musl_rules,$(t))))

# The same hello world as a static PIE (ET_DYN without PT_INTERP, loaded at a random base);
# Debian's powerpc64 glibc has no rcrt1.o, so arm64 only.
$(BUILD)/libc/arm64/hello-glibc-pie: user/libc/hello.c
	$(call quiet,CC,$@)mkdir -p $(@D) && $(LIBC_CC_arm64) $(filter-out -static,$(LIBC_CFLAGS)) -static-pie $< -o $@

LIBC_BINS := $(BUILD)/libc/arm64/hello-glibc-pie $(foreach t,arm64 ppc64,$(patsubst %,$(BUILD)/libc/$(t)/%-glibc,$(LIBC_COMPARED) $(LIBC_MAPLET_ONLY))) \
  $(foreach t,$(LIBC_MUSL_TARGETS),$(patsubst %,$(BUILD)/libc/$(t)/%-musl,$(LIBC_C_PROGRAMS))) \
  $(patsubst %,$(BUILD)/libc/ppc64le/%-glibc,$(LIBC_COMPARED))

.PHONY: libc-programs
libc-programs: $(LIBC_BINS)
all: libc-programs
