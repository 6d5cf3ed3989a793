#include "arch/host/console.h"

#include <unistd.h>

#include "kernel/arch/console.h"

namespace {

std::string* g_capture = nullptr;

}  // namespace

void host_console_capture(std::string* target) { g_capture = target; }

void arch_console_write(const char* s, size_t n) {
  if (g_capture != nullptr) {
    g_capture->append(s, n);
    return;
  }
  while (n > 0) {
    const ssize_t written = write(STDERR_FILENO, s, n);
    if (written <= 0) return;
    s += written;
    n -= written;
  }
}
