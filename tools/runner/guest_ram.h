#pragma once

// The RAM file of a powerpc boot. The runner creates it (a memfd, so that nothing is left behind
// however the runner ends) and QEMU maps it as the machine's RAM (memory-backend-file with
// share=on, through /proc/<runner>/fd/<n>); guest physical address A is then byte A of the file.
// The kernel hands the runner large files through it (arch/powerpc/host_file.cc, the ~hostram
// lines of artifact_receiver.h): the runner copies bytes out and stores an answer back.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace maplet::runner {

class GuestRam {
 public:
  // A new, empty memfd (QEMU sizes it); nullptr and `error` when the system refuses.
  static std::unique_ptr<GuestRam> create(std::string* error);
  // Over an open file, which it then owns (the tests use a plain file).
  explicit GuestRam(int fd) : m_fd(fd) {}
  ~GuestRam();
  GuestRam(const GuestRam&) = delete;
  GuestRam& operator=(const GuestRam&) = delete;

  // The path QEMU opens as mem-path: this process's descriptor, by /proc.
  [[nodiscard]] std::string qemu_path() const;

  // Appends the file's bytes [address, address + size) to `out`. "" when done, else why not: a
  // range outside the file (the guest's RAM), or a failed read or write.
  [[nodiscard]] std::string copy_to(uint64_t address, uint64_t size, FILE* out) const;
  // Stores `value` big-endian (the powerpc kernel's byte order) in the 8 bytes at `address`,
  // which must be 8-byte aligned and inside the file. "" when done, else why not.
  [[nodiscard]] std::string store_be64(uint64_t address, uint64_t value) const;

 private:
  // "" when [address, address + size) lies inside the file, else why not.
  [[nodiscard]] std::string check_range(uint64_t address, uint64_t size) const;

  int m_fd;
};

}  // namespace maplet::runner
