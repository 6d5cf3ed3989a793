// maplet-run --exec end to end against tests/fake_qemu.sh, whose "kernel" is a recorded exec-mode
// console: what reaches stdout and stderr, the exit status for each way a program ends, the
// refusals before boot, what the kernel is given (command line, initramfs), and a hung kernel
// stopped at the timeout with no QEMU left.
#include "tools/runner/exec_run.h"

#include <signal.h>

#include <gtest/gtest.h>

#include <cstdlib>

#include "tools/runner/tests/test_util.h"

namespace maplet::runner {
namespace {

using test_support::fake_elf;
using test_support::FakeElf;
using test_support::read_file;
using test_support::tests_dir;

class ExecRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir =
        test_support::scratch_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    m_options.artifacts = (m_dir / "artifacts").string();
    m_options.exec = (m_dir / "prog").string();
    m_options.exec_boot_grace_seconds = 0.5;
    for (const char* arch : {"arm64", "powerpc"}) {
      m_options.qemu_binary[arch] = (tests_dir() / "fake_qemu.sh").string();
    }
    program(fake_elf({}));
    console("exec_exit.console");
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  void program(std::string_view bytes) { test_support::write_file(m_options.exec, bytes); }
  void console(const std::string& name) {
    for (const char* arch : {"arm64", "powerpc"}) {
      m_options.kernel[arch] = (tests_dir() / "transcripts" / name).string();
    }
  }
  int run_it() { return run_exec(m_options, m_output); }
  std::string qemu_stderr() { return read_file(m_dir / "artifacts/exec/qemu-stderr.log"); }

  std::filesystem::path m_dir;
  Options m_options;
  StringOutput m_output;
};

TEST_F(ExecRunTest, OutputAndExitStatusAreTheProgramsOwn) {
  EXPECT_EQ(run_it(), 3);
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  EXPECT_EQ(m_output.stdout_text, "hello, world\n" + bytes);
  // The program's stderr, and the one line for its unknown system call; no KTAP or log.
  EXPECT_EQ(m_output.stderr_text, "a warning\nmaplet-run: " + m_options.exec +
                                      " made the unknown system call newfstatat (79): ENOSYS\n");
  // The kernel's log stays in the console log.
  EXPECT_NE(read_file(m_dir / "artifacts/exec/console.log").find("~log exec /bin/prog"),
            std::string::npos);
}

TEST_F(ExecRunTest, TheKernelGetsTheProgramArgumentsAndStdin) {
  test_support::write_file(m_dir / "input", "typed\n");
  m_options.stdin_file = (m_dir / "input").string();
  m_options.exec_args = {"one", "two words"};
  m_options.timeout_seconds = 7.5;
  EXPECT_EQ(run_it(), 3);
  std::string args = qemu_stderr();
  EXPECT_NE(args.find("maplet.exec=/bin/prog maplet.user_timeout=8"), std::string::npos) << args;
  EXPECT_EQ(args.find("maplet.check_mm"), std::string::npos) << args;
  std::string initramfs = (m_dir / "artifacts/exec/initramfs.cpio").string();
  EXPECT_NE(args.find("-initrd " + initramfs), std::string::npos) << args;
  std::string command =
      "cd '" + m_dir.string() + "' && mkdir x && cd x && cpio --quiet -idm < '" + initramfs + "'";
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_EQ(read_file(m_dir / "x/bin/prog"), fake_elf({}));
  EXPECT_EQ(read_file(m_dir / "x/exec/argv"), std::string("prog\0one\0two words\0", 19));
  EXPECT_EQ(read_file(m_dir / "x/exec/envp"), std::string("HOME=/\0TERM=linux\0PATH=/bin\0", 28));
  EXPECT_EQ(read_file(m_dir / "x/exec/stdin"), "typed\n");
}

TEST_F(ExecRunTest, DeathBySignalIs128PlusItWithItsReason) {
  console("exec_signal.console");
  EXPECT_EQ(run_it(), 128 + SIGSEGV);
  EXPECT_EQ(m_output.stdout_text, "no newline at the end");
  EXPECT_EQ(m_output.stderr_text, "maplet-run: " + m_options.exec +
                                      " killed by SIGSEGV (signal 11), code 1 (SEGV_MAPERR), "
                                      "addr 0x10, pc 0x400123\n");
}

TEST_F(ExecRunTest, ACoreFileIsNamedBesideTheReason) {
  console("exec_core.console");
  EXPECT_EQ(run_it(), 128 + SIGABRT);
  std::string core = (m_dir / "artifacts/exec/prog.core").string();
  EXPECT_NE(m_output.stderr_text.find("killed by SIGABRT (signal 6), code -6 (SI_TKILL)"),
            std::string::npos)
      << m_output.stderr_text;
  EXPECT_NE(m_output.stderr_text.find("maplet-run: core file: " + core + "\n"), std::string::npos)
      << m_output.stderr_text;
  std::string bytes;
  for (int i = 0; i < 5; ++i)
    bytes +=
        "\x7f"
        "ELF core bytes ";
  EXPECT_EQ(read_file(core), bytes);
}

TEST_F(ExecRunTest, TimeLimitRefusalAndMissingStatus) {
  console("exec_timeout.console");
  EXPECT_EQ(run_it(), EXEC_TIMEOUT);
  EXPECT_NE(m_output.stderr_text.find("still running after 60 s (--timeout): killed"),
            std::string::npos)
      << m_output.stderr_text;
  console("exec_refused.console");
  m_output.stderr_text.clear();
  EXPECT_EQ(run_it(), EXEC_CANNOT_RUN);
  EXPECT_EQ(m_output.stderr_text, "maplet-run: cannot run " + m_options.exec +
                                      ": the kernel refused it: the program's segments do not "
                                      "fit the address space (EINVAL)\n");
  console("exec_no_status.console");
  m_output.stderr_text.clear();
  EXPECT_EQ(run_it(), EXEC_RUNNER_ERROR);
  EXPECT_EQ(m_output.stderr_text.rfind("maplet-run: the kernel ended without saying how ", 0), 0u)
      << m_output.stderr_text;
  console("exec_garbled_status.console");
  m_output.stderr_text.clear();
  EXPECT_EQ(run_it(), EXEC_RUNNER_ERROR);
  EXPECT_EQ(m_output.stderr_text,
            "maplet-run: malformed status line from the kernel: ~status signal eleven\n");
}

TEST_F(ExecRunTest, AHungKernelIsStoppedAtTheTimeoutAndNoQemuIsLeft) {
  console("exec_no_status.console");
  m_options.append = "fake.hang";
  m_options.timeout_seconds = 0.5;
  EXPECT_EQ(run_it(), EXEC_TIMEOUT);
  EXPECT_NE(m_output.stderr_text.find("still running after 0.5 s and the kernel did not stop it"),
            std::string::npos)
      << m_output.stderr_text;
  std::string log = qemu_stderr();
  pid_t fake = std::stoi(log.substr(log.find(": ") + 2));
  EXPECT_NE(kill(fake, 0), 0) << "the fake QEMU " << fake << " is still running";
}

TEST_F(ExecRunTest, RefusedBeforeBootWithTheirCodes) {
  m_options.exec = (m_dir / "absent").string();
  EXPECT_EQ(run_it(), EXEC_NOT_FOUND);
  EXPECT_EQ(m_output.stderr_text, "maplet-run: cannot run " + m_options.exec + ": no such file\n");
  m_options.exec = (m_dir / "prog").string();
  program(fake_elf({.interp = "/lib/ld.so"}));
  EXPECT_EQ(run_it(), EXEC_CANNOT_RUN);
  program(fake_elf({}));
  m_options.arches = {"powerpc"};
  m_options.arch_given = true;
  m_output.stderr_text.clear();
  EXPECT_EQ(run_it(), EXEC_CANNOT_RUN);
  EXPECT_EQ(m_output.stderr_text,
            "maplet-run: cannot run " + m_options.exec + ": it is an arm64 program, not powerpc\n");
  // Nothing was booted.
  EXPECT_FALSE(std::filesystem::exists(m_dir / "artifacts/exec/console.log"));
}

TEST_F(ExecRunTest, RunnerErrorsAre125) {
  m_options.stdin_file = (m_dir / "absent").string();
  EXPECT_EQ(run_it(), EXEC_RUNNER_ERROR);
  EXPECT_EQ(m_output.stderr_text.rfind("maplet-run: cannot read the --stdin file ", 0), 0u);
  m_options.stdin_file.clear();
  m_options.kernel["arm64"] = (m_dir / "no-kernel").string();
  m_output.stderr_text.clear();
  EXPECT_EQ(run_it(), EXEC_RUNNER_ERROR);
  EXPECT_EQ(m_output.stderr_text.rfind("maplet-run: cannot start: kernel image ", 0), 0u)
      << m_output.stderr_text;
  EXPECT_EQ(std::count(m_output.stderr_text.begin(), m_output.stderr_text.end(), '\n'), 1);
}

}  // namespace
}  // namespace maplet::runner
