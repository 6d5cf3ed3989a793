#pragma once

// Exclusive use of an artifacts directory for one run: two runs writing the same console logs
// would splice them. The lock is flock(2) on "<dir>/.maplet-run.lock", held until the object
// is destroyed or the process ends (however it ends: the kernel drops the lock with the file).

#include <optional>
#include <string>

namespace maplet::runner {

class ArtifactsLock {
 public:
  static constexpr const char* FILE_NAME = ".maplet-run.lock";

  // Creates `dir` (and its parents) if needed and takes the lock without waiting. Fails with a
  // message naming the directory: it cannot be created or written (with the system's error
  // text), or another run holds it.
  [[nodiscard]] static std::optional<ArtifactsLock> acquire(const std::string& dir,
                                                            std::string* error);

  ArtifactsLock(ArtifactsLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  ArtifactsLock& operator=(ArtifactsLock&&) = delete;
  ArtifactsLock(const ArtifactsLock&) = delete;
  ~ArtifactsLock();

 private:
  explicit ArtifactsLock(int fd) : m_fd(fd) {}
  int m_fd;
};

}  // namespace maplet::runner
