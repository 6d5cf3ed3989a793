// maplet-run's setup errors and its files: an artifacts directory or JUnit path that cannot be
// used is exit status 2 with the system's reason, missing parent directories are created, an
// artifacts directory is used by one run at a time, and the JUnit file is replaced whole, with
// the mode the umask allows.

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <thread>

#include "tools/runner/artifacts_lock.h"
#include "tools/runner/atomic_file.h"
#include "tools/runner/tests/runner_fixture.h"

namespace maplet::runner {
namespace {

using test_support::read_file;
using test_support::RunnerTest;
using test_support::scratch_dir;
using test_support::transcript;

// A directory nobody may create entries in, root included (sysfs refuses mkdir).
const char* const FORBIDDEN = "/sys/maplet-runner-test";

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST_F(RunnerTest, ArtifactsThatIsAFileIsASetupError) {
  write_text(m_dir / "file", "x");
  m_options.artifacts = (m_dir / "file").string();
  EXPECT_EQ(run_it(), EXIT_SETUP);
  std::string expected = "cannot create the artifacts directory " + m_options.artifacts + ": ";
  EXPECT_NE(m_output.stderr_text.find(expected), std::string::npos) << m_output.stderr_text;
  EXPECT_TRUE(m_output.stderr_text.find(std::strerror(EEXIST)) != std::string::npos ||
              m_output.stderr_text.find(std::strerror(ENOTDIR)) != std::string::npos)
      << m_output.stderr_text;
  EXPECT_EQ(m_output.stdout_text, "");
}

TEST_F(RunnerTest, UnwritableArtifactsIsASetupErrorWithTheReason) {
  m_options.artifacts = std::string(FORBIDDEN) + "/artifacts";
  EXPECT_EQ(run_it(), EXIT_SETUP);
  EXPECT_NE(m_output.stderr_text.find("cannot create the artifacts directory " +
                                      m_options.artifacts + ": " + std::strerror(EPERM)),
            std::string::npos)
      << m_output.stderr_text;
}

TEST_F(RunnerTest, MissingParentDirectoriesAreCreated) {
  m_options.artifacts = (m_dir / "a" / "b" / "artifacts").string();
  m_options.junit = (m_dir / "c" / "d" / "junit.xml").string();
  EXPECT_EQ(run_it(), EXIT_PASS) << m_output.stderr_text;
  EXPECT_NE(read_file(m_options.junit).find("</testsuites>\n"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(m_dir / "a" / "b" / "artifacts" / "arm64" / "console.log"));
}

TEST_F(RunnerTest, UnwritableJunitIsASetupErrorWithTheReason) {
  m_options.junit = std::string(FORBIDDEN) + "/junit.xml";
  EXPECT_EQ(run_it(), EXIT_SETUP);
  EXPECT_NE(m_output.stderr_text.find("cannot write the JUnit file " + m_options.junit +
                                      ": cannot create the directory " + FORBIDDEN + ": " +
                                      std::strerror(EPERM)),
            std::string::npos)
      << m_output.stderr_text;
  EXPECT_EQ(m_output.stdout_text, "");
}

TEST_F(RunnerTest, JunitThatIsADirectoryIsASetupError) {
  m_options.junit = m_dir.string();
  EXPECT_EQ(run_it(), EXIT_SETUP);
  EXPECT_NE(m_output.stderr_text.find(m_dir.string() + " is a directory"), std::string::npos)
      << m_output.stderr_text;
}

// Runs a hanging kernel in another thread until told to stop.
class BackgroundRun {
 public:
  explicit BackgroundRun(Options options)
      : m_thread([this, options] { m_status = run(options, m_output, &m_stop); }) {}
  ~BackgroundRun() { stop(); }
  int stop() {
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
    return m_status;
  }

 private:
  std::atomic<bool> m_stop{false};
  StringOutput m_output;
  int m_status = -1;
  std::thread m_thread;
};

void wait_for_file(const std::filesystem::path& path) {
  for (int i = 0; i < 1000 && !std::filesystem::exists(path); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
}

TEST_F(RunnerTest, SecondRunOnTheSameArtifactsIsASetupError) {
  Options first = m_options;
  first.append = "fake.hang";
  BackgroundRun background(first);
  std::string console = transcript("pass.ktap");
  for (int i = 0; i < 1000 && artifact("arm64", "console.log") != console; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(artifact("arm64", "console.log"), console);

  EXPECT_EQ(run_it(), EXIT_SETUP);
  EXPECT_NE(m_output.stderr_text.find("another maplet-run is using the artifacts directory " +
                                      m_options.artifacts),
            std::string::npos)
      << m_output.stderr_text;
  EXPECT_EQ(artifact("arm64", "console.log"), console);
  EXPECT_EQ(background.stop(), EXIT_FAIL);

  // Once the first run is over, the directory is free again.
  StringOutput again;
  EXPECT_EQ(run(m_options, again), EXIT_PASS) << again.stderr_text;
}

// --failed reads the records only once the directory is its own: a run in progress may be
// about to rewrite them.
TEST_F(RunnerTest, FailedWaitsForNoOtherRun) {
  std::string error;
  auto held = ArtifactsLock::acquire(m_options.artifacts, &error);
  ASSERT_TRUE(held) << error;
  m_options.failed = true;
  EXPECT_EQ(run_it(), EXIT_SETUP);
  EXPECT_NE(m_output.stderr_text.find("another maplet-run is using the artifacts directory " +
                                      m_options.artifacts),
            std::string::npos)
      << m_output.stderr_text;
}

TEST_F(RunnerTest, OldJunitStaysUntilTheNewOneIsComplete) {
  m_options.junit = (m_dir / "junit.xml").string();
  write_text(m_options.junit, "old results\n");
  Options hanging = m_options;
  hanging.append = "fake.hang";
  {
    BackgroundRun background(hanging);
    wait_for_file(m_dir / "artifacts" / "arm64" / "qemu-stderr.log");
    EXPECT_EQ(read_file(m_options.junit), "old results\n");
    EXPECT_EQ(background.stop(), EXIT_FAIL);
  }
  std::string xml = read_file(m_options.junit);
  EXPECT_EQ(xml.rfind("<?xml", 0), 0u);
  EXPECT_NE(xml.find("</testsuites>\n"), std::string::npos);
  for (const auto& entry : std::filesystem::directory_iterator(m_dir)) {
    EXPECT_EQ(entry.path().filename().string().find("junit.xml.tmp"), std::string::npos);
  }
}

// A write that fails half-way (here: the file size limit) leaves the old file as it was.
TEST(AtomicFile, FailedWriteKeepsTheOldFile) {
  auto dir = scratch_dir("atomic_file");
  auto path = (dir / "out.txt").string();
  write_text(path, "old\n");
  struct rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  struct rlimit small = saved;
  small.rlim_cur = 4096;
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);  // Writes past the limit fail with EFBIG.
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string error =
      write_file_atomically(path, [](std::ostream& out) { out << std::string(100000, 'x'); });
  setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_NE(error.find(std::strerror(EFBIG)), std::string::npos) << error;
  EXPECT_EQ(read_file(path), "old\n");
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1u);
  EXPECT_EQ(write_file_atomically(path, [](std::ostream& out) { out << "new\n"; }), "");
  EXPECT_EQ(read_file(path), "new\n");
  std::filesystem::remove_all(dir);
}

// The file gets 0666 less the umask, as one created with open(2) would, not mkostemp's 0600: a
// CI step running as another user can read the JUnit file. Two masks show it follows the umask.
TEST(AtomicFile, NewFileHasTheModeTheUmaskAllows) {
  auto dir = scratch_dir("atomic_file_mode");
  auto path = (dir / "out.txt").string();
  mode_t saved = umask(022);
  ASSERT_EQ(write_file_atomically(path, [](std::ostream& out) { out << "a\n"; }), "");
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  umask(002);
  ASSERT_EQ(write_file_atomically(path, [](std::ostream& out) { out << "b\n"; }), "");
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0664u);
  umask(saved);
  EXPECT_EQ(read_file(path), "b\n");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace maplet::runner
