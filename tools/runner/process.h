#pragma once

// Child processes for the runner: QEMU with its stdin on /dev/null and its stdout and stderr on
// pipes, in a process group of its own so that a kill also reaches whatever it started (the
// fake QEMU scripts in the tests start `sleep`). Each child gets SIGKILL from the kernel when
// the thread that started it ends (PR_SET_PDEATHSIG), so not even SIGKILL of the runner leaves a
// QEMU behind; and kill_all_children() lets a signal handler stop every child at once.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace maplet::runner {

struct Child {
  pid_t pid = -1;
  int stdout_fd = -1;  // Non-blocking read ends.
  int stderr_fd = -1;
};

// Starts argv[0] (looked up in PATH when it has no '/') with default signal handling and an
// empty signal mask. Returns nullopt and sets `error` (with the system's reason) when the pipes
// cannot be made, the program is not found, or it cannot be executed.
[[nodiscard]] std::optional<Child> spawn_child(const std::vector<std::string>& argv,
                                               std::string* error);

// Sends `signal` to the child's whole process group.
void signal_group(pid_t pid, int signal);

// Sends `signal` to the process group of every child not yet reaped. Async-signal-safe.
void kill_all_children(int signal);

// Reaps the child if it has exited: returns its wait status, or nullopt while it runs.
[[nodiscard]] std::optional<int> try_reap(pid_t pid);

// "exit status 3", "killed by signal 9 (Killed)".
[[nodiscard]] std::string describe_wait_status(int status);

// The full path of `program` if it exists and is executable (PATH search without a '/').
[[nodiscard]] std::optional<std::string> find_executable(const std::string& program);

struct Captured {
  std::string output;  // stdout and stderr, interleaved.
  int status = 0;      // Wait status.
  bool timed_out = false;
};

// Runs argv to completion, capturing its output; kills it after `timeout`.
[[nodiscard]] std::optional<Captured> run_and_capture(const std::vector<std::string>& argv,
                                                      std::chrono::milliseconds timeout,
                                                      std::string* error);

}  // namespace maplet::runner
