#include "tools/runner/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

namespace maplet::runner {
namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

// Creates a unique "<path>.tmp.XXXXXX" beside `path`; returns its descriptor (-1 on failure,
// `error` set) and its name in `temp`.
int create_temp_beside(const std::string& path, std::string* temp, std::string* error) {
  std::vector<char> name(path.begin(), path.end());
  for (char c : std::string_view(".tmp.XXXXXX")) name.push_back(c);
  name.push_back('\0');
  int fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    *error = errno_text("cannot create a file beside " + path);
    return -1;
  }
  *temp = name.data();
  return fd;
}

// The process's file mode creation mask. Read from /proc/self/status, which leaves it alone;
// only where that has no "Umask:" line is it read by setting and restoring it, which another
// thread creating a file at that moment could see.
mode_t current_umask() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Umask:", 0) == 0)
      return static_cast<mode_t>(std::strtoul(line.c_str() + 6, nullptr, 8));
  }
  mode_t mask = umask(0);
  umask(mask);
  return mask;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

std::string prepare_output_file(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, ec);
    if (ec) return "cannot create the directory " + parent.string() + ": " + ec.message();
  }
  if (std::filesystem::is_directory(path, ec)) return path + " is a directory";
  std::string temp;
  std::string error;
  int fd = create_temp_beside(path, &temp, &error);
  if (fd < 0) return error;
  close(fd);
  unlink(temp.c_str());
  return "";
}

std::string write_file_atomically(const std::string& path,
                                  const std::function<void(std::ostream&)>& write) {
  std::ostringstream text;
  write(text);
  std::string temp;
  std::string error;
  int fd = create_temp_beside(path, &temp, &error);
  if (fd < 0) return error;
  // mkostemp makes the file 0600; the result gets the mode a file created with open(2) would
  // (0666 less the umask), so that others may read it when the umask lets them.
  if (fchmod(fd, 0666 & ~current_umask()) != 0) {
    error = errno_text("cannot set the mode of " + temp);
    close(fd);
    unlink(temp.c_str());
    return error;
  }
  // The data must be on disk before the rename makes it the file, or a crash could leave an
  // empty file under the final name.
  bool ok = write_all(fd, text.view()) && fsync(fd) == 0;
  if (!ok) error = errno_text("cannot write " + temp);
  if (close(fd) != 0 && ok) {
    ok = false;
    error = errno_text("cannot write " + temp);
  }
  if (ok && rename(temp.c_str(), path.c_str()) != 0) {
    ok = false;
    error = errno_text("cannot rename " + temp + " to " + path);
  }
  if (!ok) unlink(temp.c_str());
  return ok ? "" : error;
}

}  // namespace maplet::runner
