// The maplet-run binary itself (built beside this test binary) on a hanging fake QEMU: whatever
// signal ends the runner, no QEMU may outlive it. SIGHUP, SIGTERM and the like stop the run with
// a summary; a crash kills the children before the runner dies; SIGKILL cannot be caught, and
// the children's parent-death signal kills them.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tools/runner/process.h"
#include "tools/runner/tests/test_util.h"

namespace maplet::runner {
namespace {

using test_support::read_file;
using test_support::scratch_dir;
using test_support::tests_dir;

std::filesystem::path runner_binary() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path() / "maplet-run";
}

// True once `pid` has exited (reaped, or a zombie nobody has reaped yet).
bool gone(pid_t pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return true;
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

class SignalTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    m_dir = scratch_dir("signal_" + std::to_string(GetParam()));
    // A crashing runner must not leave a core file in the repository.
    struct rlimit no_core = {0, 0};
    ASSERT_EQ(setrlimit(RLIMIT_CORE, &no_core), 0);
    ASSERT_TRUE(std::filesystem::exists(runner_binary())) << runner_binary();
  }
  void TearDown() override {
    if (m_runner.pid > 0) {
      kill(m_runner.pid, SIGKILL);
      waitpid(m_runner.pid, nullptr, 0);
    }
    if (m_fake > 0 && !gone(m_fake)) kill(m_fake, SIGKILL);
    for (int fd : {m_runner.stdout_fd, m_runner.stderr_fd}) {
      if (fd >= 0) close(fd);
    }
    std::filesystem::remove_all(m_dir);
  }

  // Starts maplet-run on a kernel that hangs after its results and returns once the fake QEMU
  // has printed its pid and the runner has read the console.
  void start_runner() {
    std::string error;
    auto child =
        spawn_child({runner_binary().string(), "--arch", "arm64", "--kernel-arm64",
                     (tests_dir() / "transcripts" / "pass.ktap").string(), "--qemu-binary-arm64",
                     (tests_dir() / "fake_qemu.sh").string(), "--artifacts",
                     (m_dir / "artifacts").string(), "--append", "fake.hang", "--timeout", "60"},
                    &error);
    ASSERT_TRUE(child) << error;
    m_runner = *child;
    auto stderr_log = m_dir / "artifacts" / "arm64" / "qemu-stderr.log";
    std::string prefix = "fake_qemu pid: ";
    ASSERT_TRUE(eventually([&] { return read_file(stderr_log).find('\n') != std::string::npos; }));
    std::string log = read_file(stderr_log);
    ASSERT_EQ(log.rfind(prefix, 0), 0u) << log;
    m_fake = std::stoi(log.substr(prefix.size()));
    ASSERT_FALSE(gone(m_fake));
    auto console = m_dir / "artifacts" / "arm64" / "console.log";
    ASSERT_TRUE(eventually([&] { return !read_file(console).empty(); }));
  }

  // Waits for the runner to end; returns its wait status and what it printed on stdout.
  int wait_runner(std::string* stdout_text) {
    int status = -1;
    EXPECT_TRUE(eventually([&] { return waitpid(m_runner.pid, &status, WNOHANG) == m_runner.pid; }))
        << "maplet-run did not end";
    m_runner.pid = -1;
    char buf[4096];
    ssize_t n;
    while ((n = read(m_runner.stdout_fd, buf, sizeof buf)) > 0) stdout_text->append(buf, n);
    return status;
  }

  std::filesystem::path m_dir;
  Child m_runner;
  pid_t m_fake = -1;
};

TEST_P(SignalTest, NoQemuOutlivesTheRunner) {
  start_runner();
  int signal = GetParam();
  ASSERT_EQ(kill(m_runner.pid, signal), 0);
  std::string out;
  int status = wait_runner(&out);
  EXPECT_TRUE(eventually([&] { return gone(m_fake); })) << "the fake QEMU " << m_fake << " lives";
  if (signal == SIGKILL || signal == SIGSEGV || signal == SIGABRT) {
    // Uncatchable, or a crash of the runner: it dies of the signal, its children with it.
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal) << status;
    return;
  }
  // A caught signal: the run is stopped like ^C, with the summary and the closing line.
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << status;
  EXPECT_NE(out.find("FAILED qemu.aborted: QEMU was stopped: interrupted"), std::string::npos)
      << out;
  EXPECT_NE(out.find("maplet-run: 4 passed, 1 failed, 0 skipped\n"), std::string::npos) << out;
}

INSTANTIATE_TEST_SUITE_P(Signals, SignalTest,
                         ::testing::Values(SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGPIPE, SIGUSR1,
                                           SIGKILL, SIGSEGV, SIGABRT),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string("SIG") + sigabbrev_np(info.param);
                         });

}  // namespace
}  // namespace maplet::runner
