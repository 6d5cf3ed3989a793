#include "tools/runner/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
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
