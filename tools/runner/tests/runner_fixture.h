#pragma once

// The fixture of the end-to-end runner tests: options that point both arches at
// tests/fake_qemu.sh (a stand-in that prints a recorded transcript as its console), a scratch
// artifacts directory, and the captured output.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "tools/runner/runner.h"
#include "tools/runner/tests/test_util.h"

namespace maplet::runner::test_support {

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = scratch_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    m_options.artifacts = (m_dir / "artifacts").string();
    m_options.timeout_seconds = 20;
    for (const char* arch : {"arm64", "powerpc"}) {
      m_options.qemu_binary[arch] = (tests_dir() / "fake_qemu.sh").string();
    }
    use("arm64", "pass.ktap");
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  void use(const std::string& arch, const std::string& transcript_name) {
    m_options.kernel[arch] = (tests_dir() / "transcripts" / transcript_name).string();
    if (std::find(m_options.arches.begin(), m_options.arches.end(), arch) ==
        m_options.arches.end()) {
      m_options.arches.push_back(arch);
    }
  }

  int run_it() { return run(m_options, m_output); }

  std::string last_stdout_line() const {
    const std::string& text = m_output.stdout_text;
    size_t start = text.rfind('\n', text.size() - 2);
    return text.substr(start == std::string::npos ? 0 : start + 1);
  }

  std::string artifact(const std::string& arch, const std::string& name) const {
    return read_file(m_dir / "artifacts" / arch / name);
  }

  std::filesystem::path m_dir;
  Options m_options;
  StringOutput m_output;
};

}  // namespace maplet::runner::test_support
