#include "tools/runner/artifacts_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace maplet::runner {

std::optional<ArtifactsLock> ArtifactsLock::acquire(const std::string& dir, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *error = "cannot create the artifacts directory " + dir + ": " + ec.message();
    return std::nullopt;
  }
  std::string path = (std::filesystem::path(dir) / FILE_NAME).string();
  // Close-on-exec, so QEMU does not inherit (and keep) the lock.
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = "cannot write in the artifacts directory " + dir + ": " + std::strerror(errno);
    return std::nullopt;
  }
  int rc;
  do {
    rc = flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    int saved = errno;
    close(fd);
    *error = saved == EWOULDBLOCK
                 ? "another maplet-run is using the artifacts directory " + dir + " (it holds " +
                       path + "); wait for it or pass another --artifacts DIR"
                 : "cannot lock " + path + ": " + std::strerror(saved);
    return std::nullopt;
  }
  return ArtifactsLock(fd);
}

ArtifactsLock::~ArtifactsLock() {
  if (m_fd >= 0) close(m_fd);
}

}  // namespace maplet::runner
