#include "tools/runner/output.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "tools/runner/colour.h"

namespace maplet::runner {
namespace {

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // A closed terminal or pipe: nothing useful left to do with the text.
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

void Output::out(std::string_view bytes) {
  if (bytes.empty()) return;
  m_out_at_line_start = bytes.back() == '\n';
  write_out(bytes);
}

void Output::err(std::string_view bytes) {
  if (!bytes.empty()) write_err(bytes);
}

void Output::finish_out_line() {
  if (!m_out_at_line_start) out("\n");
}

StdOutput::StdOutput() {
  set_colour(
      colour_wanted(isatty(STDERR_FILENO) == 1, std::getenv("NO_COLOR"), std::getenv("TERM")));
}

void StdOutput::write_out(std::string_view bytes) { write_all(STDOUT_FILENO, bytes); }
void StdOutput::write_err(std::string_view bytes) { write_all(STDERR_FILENO, bytes); }

}  // namespace maplet::runner
