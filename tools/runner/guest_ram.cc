#include "tools/runner/guest_ram.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace maplet::runner {
namespace {

std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "%#llx", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace

std::unique_ptr<GuestRam> GuestRam::create(std::string* error) {
  const int fd = memfd_create("maplet-guest-ram", MFD_CLOEXEC);
  if (fd < 0) {
    *error = std::string("cannot create the guest RAM file: memfd_create: ") + std::strerror(errno);
    return nullptr;
  }
  return std::make_unique<GuestRam>(fd);
}

GuestRam::~GuestRam() { close(m_fd); }

std::string GuestRam::qemu_path() const {
  return "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(m_fd);
}

std::string GuestRam::check_range(uint64_t address, uint64_t size) const {
  struct stat st;
  if (fstat(m_fd, &st) != 0) return std::string("guest RAM file: fstat: ") + std::strerror(errno);
  const auto ram = static_cast<uint64_t>(st.st_size);
  if (address > ram || size > ram - address) {
    return "range [" + hex(address) + ", " + hex(address) + " + " + std::to_string(size) +
           ") lies outside the guest's RAM of " + hex(ram) + " bytes";
  }
  return "";
}

std::string GuestRam::copy_to(uint64_t address, uint64_t size, FILE* out) const {
  std::string problem = check_range(address, size);
  if (!problem.empty()) return problem;
  std::vector<char> buffer(std::min<uint64_t>(size, uint64_t{1} << 20));
  while (size != 0) {
    const size_t want = std::min<uint64_t>(size, buffer.size());
    const ssize_t got = pread(m_fd, buffer.data(), want, static_cast<off_t>(address));
    if (got <= 0) {
      return "reading guest RAM at " + hex(address) + ": " +
             (got < 0 ? std::strerror(errno) : "end of file");
    }
    const auto n = static_cast<size_t>(got);
    if (std::fwrite(buffer.data(), 1, n, out) != n) return "writing the host file failed";
    address += n;
    size -= n;
  }
  return std::fflush(out) == 0 ? "" : "writing the host file failed";
}

std::string GuestRam::store_be64(uint64_t address, uint64_t value) const {
  if (address % 8 != 0) return "answer address " + hex(address) + " is not 8-byte aligned";
  std::string problem = check_range(address, 8);
  if (!problem.empty()) return problem;
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(value >> (56 - 8 * i));
  if (pwrite(m_fd, bytes, sizeof bytes, static_cast<off_t>(address)) != sizeof bytes) {
    return "storing the answer at " + hex(address) + " failed: " + std::strerror(errno);
  }
  return "";
}

}  // namespace maplet::runner
