#include "tools/runner/process.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace maplet::runner {
namespace {

bool make_pipe(int fds[2], std::string* error) {
  if (pipe2(fds, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    return false;
  }
  return true;
}

void close_fd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// The process groups of unreaped children, for kill_all_children() in signal handlers: a fixed
// array of lock-free atomics, since a handler can neither lock nor allocate.
constexpr size_t MAX_CHILDREN = 64;
std::atomic<pid_t> g_groups[MAX_CHILDREN];
static_assert(std::atomic<pid_t>::is_always_lock_free);

void register_group(pid_t pid) {
  for (auto& slot : g_groups) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) return;
  }
  // More children than slots: the parent-death signal still covers the runner's death.
}

void unregister_group(pid_t pid) {
  for (auto& slot : g_groups) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

// Runs in the child between fork() and exec: async-signal-safe calls only. Reports a failure
// as an errno value on `report` and exits.
[[noreturn]] void exec_child(const char* path, char* const argv[], pid_t parent, int out, int err,
                             int report) {
  int error = 0;
  // The kernel kills the child when the runner's thread that forked it ends, however it ends
  // (Linux prctl(2), PR_SET_PDEATHSIG). The runner may have died before this call: then the
  // child has been re-parented already and must not start QEMU at all.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) error = errno;
  if (error == 0 && getppid() != parent) _exit(127);
  // A group of its own, so that a kill reaches whatever QEMU starts (set in the parent too).
  if (error == 0 && setpgid(0, 0) != 0) error = errno;
  int null = error == 0 ? open("/dev/null", O_RDONLY) : -1;
  if (error == 0 && null < 0) error = errno;
  if (error == 0 && (dup2(null, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
                     dup2(err, STDERR_FILENO) < 0)) {
    error = errno;
  }
  // Default dispositions and an empty mask, whatever the runner has set up for itself.
  struct sigaction defaults = {};
  defaults.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &defaults, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  if (error == 0) {
    execve(path, argv, environ);
    error = errno;
  }
  ssize_t ignored = write(report, &error, sizeof error);
  (void)ignored;  // Nothing else can be done about a lost report: the parent sees exit 127.
  _exit(127);
}

}  // namespace

std::optional<Child> spawn_child(const std::vector<std::string>& argv, std::string* error) {
  auto path = find_executable(argv.at(0));
  if (!path) {
    *error = "cannot start " + argv[0] + ": " + std::strerror(ENOENT);
    return std::nullopt;
  }
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  int report[2] = {-1, -1};
  auto close_all = [&] {
    for (int* fds : {out, err, report}) {
      close_fd(fds[0]);
      close_fd(fds[1]);
    }
  };
  if (!make_pipe(out, error) || !make_pipe(err, error) || !make_pipe(report, error)) {
    close_all();
    return std::nullopt;
  }
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);

  // No signal handler may run in the child before exec (it would act on the runner's state),
  // and the child must be registered before a handler in the parent can look for it.
  sigset_t all;
  sigset_t saved;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &saved);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) exec_child(path->c_str(), cargv.data(), parent, out[1], err[1], report[1]);
  int fork_errno = errno;
  if (pid > 0) {
    setpgid(pid, pid);  // Also here, so the group exists before fork() returns to the caller.
    register_group(pid);
  }
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  close_fd(out[1]);
  close_fd(err[1]);
  close_fd(report[1]);
  if (pid < 0) {
    *error = "cannot start " + argv[0] + ": fork: " + std::strerror(fork_errno);
    close_all();
    return std::nullopt;
  }
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(report[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  close_fd(report[0]);
  if (n > 0) {
    // exec failed: the child has exited already.
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    unregister_group(pid);
    *error = "cannot start " + argv[0] + ": " + std::strerror(child_errno);
    close_all();
    return std::nullopt;
  }
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  fcntl(err[0], F_SETFL, O_NONBLOCK);
  return Child{pid, out[0], err[0]};
}

void signal_group(pid_t pid, int signal) {
  if (pid > 0) kill(-pid, signal);
}

void kill_all_children(int signal) {
  for (auto& slot : g_groups) {
    pid_t pid = slot.load();
    if (pid > 0) kill(-pid, signal);
  }
}

std::optional<int> try_reap(pid_t pid) {
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r != pid) return std::nullopt;
  unregister_group(pid);
  return status;
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  return "wait status " + std::to_string(status);
}

std::optional<std::string> find_executable(const std::string& program) {
  auto runnable = [](const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
  };
  if (program.empty()) return std::nullopt;
  if (program.find('/') != std::string::npos) {
    return runnable(program) ? std::optional<std::string>(program) : std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = dirs.find(':', start);
    std::string dir =
        dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (runnable(candidate)) return candidate;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return std::nullopt;
}

std::optional<Captured> run_and_capture(const std::vector<std::string>& argv,
                                        std::chrono::milliseconds timeout, std::string* error) {
  auto child = spawn_child(argv, error);
  if (!child) return std::nullopt;
  Captured captured;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int fds[2] = {child->stdout_fd, child->stderr_fd};
  int open = 2;
  while (open > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      captured.timed_out = true;
      signal_group(child->pid, SIGKILL);
      break;
    }
    pollfd pfds[2];
    nfds_t n = 0;
    for (int fd : fds) {
      if (fd >= 0) pfds[n++] = pollfd{fd, POLLIN, 0};
    }
    int rc = poll(pfds, n, static_cast<int>(left.count()));
    if (rc < 0 && errno != EINTR) break;
    for (nfds_t i = 0; i < n; ++i) {
      if (pfds[i].revents == 0) continue;
      char buf[4096];
      ssize_t got = read(pfds[i].fd, buf, sizeof buf);
      if (got > 0) {
        captured.output.append(buf, static_cast<size_t>(got));
      } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
        for (int& fd : fds) {
          if (fd == pfds[i].fd) close_fd(fd);
        }
        --open;
      }
    }
  }
  for (int& fd : fds) close_fd(fd);
  int status = 0;
  while (waitpid(child->pid, &status, 0) < 0 && errno == EINTR) {
  }
  unregister_group(child->pid);
  captured.status = status;
  return captured;
}

}  // namespace maplet::runner
