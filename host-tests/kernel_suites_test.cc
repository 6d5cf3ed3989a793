// Runs every in-kernel KTEST case on the host, one GoogleTest case each, under ASan and UBSan:
// the suites the kernels run are proven here first, on the very same sources.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arch/host/console.h"
#include "kernel/test/run.h"

namespace {

std::vector<const ktest::TestCase*> default_cases() {
  std::vector<const ktest::TestCase*> cases;
  for (const ktest::TestCase* t = ktest::first_test(); t != nullptr; t = t->next) {
    if (t->selection == ktest::Selection::Default) cases.push_back(t);
  }
  return cases;
}

class KernelSuite : public testing::TestWithParam<const ktest::TestCase*> {};

TEST_P(KernelSuite, Passes) {
  const ktest::TestCase& test = *GetParam();
  std::string output;
  Sink sink(
      [](void* s, const char* text, size_t n) { static_cast<std::string*>(s)->append(text, n); },
      &output);
  ktest::KtapWriter writer(sink);
  const char* skip_reason = nullptr;
  host_console_capture(&output);
  const ktest::Status status = ktest::run_case(test, writer, &skip_reason);
  host_console_capture(nullptr);
  if (status == ktest::Status::Skip) GTEST_SKIP() << skip_reason;
  EXPECT_EQ(status, ktest::Status::Pass) << output;
}

std::string case_name(const testing::TestParamInfo<const ktest::TestCase*>& info) {
  return std::string(info.param->suite) + "_" + info.param->name;
}

INSTANTIATE_TEST_SUITE_P(Ktest, KernelSuite, testing::ValuesIn(default_cases()), case_name);

}  // namespace
