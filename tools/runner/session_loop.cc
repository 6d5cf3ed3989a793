#include "tools/runner/session_loop.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>

namespace maplet::runner {
namespace {

// poll() sleeps at most this long, so a stop request is noticed quickly.
constexpr int MAX_POLL_MS = 200;

}  // namespace

std::string check_setup(const std::vector<ArchSetup>& setups) {
  std::string problems;
  for (const auto& setup : setups) {
    std::string qemu = check_qemu(setup);
    if (!qemu.empty()) problems += qemu + "\n";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(setup.kernel, ec)) {
      problems += "kernel image " + setup.kernel + " for " + setup.arch +
                  " not found (build it with `make kernels`, or pass --kernel-" + setup.arch +
                  " PATH)\n";
    }
  }
  return problems;
}

bool drive_sessions(std::vector<std::unique_ptr<ArchSession>>& sessions, size_t jobs,
                    const std::atomic<bool>* stop) {
  size_t next = 0;
  std::vector<ArchSession*> active;
  bool stopping = false;
  while (true) {
    if (!stopping && stop != nullptr && stop->load()) {
      stopping = true;
      for (ArchSession* s : active) s->abort("interrupted");
    }
    while (!stopping && active.size() < jobs && next < sessions.size()) {
      ArchSession* s = sessions[next++].get();
      s->start();
      active.push_back(s);
    }
    auto now = Clock::now();
    for (ArchSession* s : active) s->tick(now);
    for (auto it = active.begin(); it != active.end();) {
      if ((*it)->done()) {
        (*it)->finish();
        it = active.erase(it);
      } else {
        ++it;
      }
    }
    if (active.empty() && (stopping || next >= sessions.size())) break;

    std::vector<pollfd> fds;
    std::vector<ArchSession*> owners;
    auto wake = Clock::now() + std::chrono::milliseconds(MAX_POLL_MS);
    for (ArchSession* s : active) {
      for (int fd : {s->stdout_fd(), s->stderr_fd()}) {
        if (fd < 0) continue;
        fds.push_back(pollfd{fd, POLLIN, 0});
        owners.push_back(s);
      }
      wake = std::min(wake, s->next_deadline());
    }
    // Reaping has no file descriptor to wait on, so exited children are noticed by polling.
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now());
    int timeout_ms = static_cast<int>(std::clamp<long long>(wait.count() + 1, 1, MAX_POLL_MS));
    bool all_pipes_closed = fds.empty();
    if (all_pipes_closed) timeout_ms = std::min(timeout_ms, 10);
    const Clock::time_point polled_at = Clock::now();
    int rc = poll(fds.data(), fds.size(), timeout_ms);
    if (rc < 0 && errno != EINTR) break;
    for (size_t i = 0; rc >= 0 && i < fds.size(); ++i) {
      if (fds[i].revents != 0) {
        owners[i]->read_ready(fds[i].fd);
      } else {
        owners[i]->saw_empty(fds[i].fd, polled_at);
      }
    }
  }
  for (auto& s : sessions) {
    if (!s->done()) s->finish();  // Never started because of a stop request.
  }
  return stopping;
}

}  // namespace maplet::runner
