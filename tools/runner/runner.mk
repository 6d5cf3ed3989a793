# The host runner (tools/runner): maplet-run boots the kernels under QEMU and reports their
# KTAP results; runner-tests is its GoogleTest suite (ASan+UBSan). New files are picked up by
# name: tools/runner/*.cc (but main.cc) form the library, tools/runner/tests/*_test.cc the tests.

RUNNER := $(BUILD)/host/maplet-run
RUNNER_TESTS := $(BUILD)/host/runner-tests

RUNNER_LIB_SRCS := $(filter-out tools/runner/main.cc,$(sort $(wildcard tools/runner/*.cc)))
RUNNER_TEST_SRCS := $(sort $(wildcard tools/runner/tests/*_test.cc))
RUNNER_CXXFLAGS := -std=c++20 $(WARNINGS) -I.

RUNNER_OBJS := $(patsubst %.cc,$(BUILD)/host/runner/opt/%.o,tools/runner/main.cc $(RUNNER_LIB_SRCS))
RUNNER_TEST_OBJS := $(patsubst %.cc,$(BUILD)/host/runner/asan/%.o,$(RUNNER_TEST_SRCS) \
  $(RUNNER_LIB_SRCS))
ALL_DEPS += $(RUNNER_OBJS:.o=.d) $(RUNNER_TEST_OBJS:.o=.d)

$(BUILD)/host/runner/opt/%.o: %.cc
	$(call quiet,CXX,$@)mkdir -p $(@D) && \
	  $(HOSTCXX) $(RUNNER_CXXFLAGS) -O2 $(DEPFLAGS) -c $< -o $@
$(BUILD)/host/runner/asan/%.o: %.cc
	$(call quiet,CXX,$@)mkdir -p $(@D) && \
	  $(HOSTCXX) $(RUNNER_CXXFLAGS) -O1 -g $(SANITIZE) $(DEPFLAGS) -c $< -o $@

$(RUNNER): $(RUNNER_OBJS)
	$(call quiet,LINK,$@)$(HOSTCXX) -o $@ $^ -lz
# The signal tests run the maplet-run binary that sits beside the test binary.
$(RUNNER_TESTS): $(RUNNER_TEST_OBJS) | $(RUNNER)
	$(call quiet,LINK,$@)$(HOSTCXX) $(SANITIZE) -o $@ $^ -lgtest -lgtest_main -lpthread -lz

host-tests: $(RUNNER_TESTS)
