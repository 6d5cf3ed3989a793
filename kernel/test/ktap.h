// Writes KTAP version 1 as Linux KUnit prints it: a top-level plan of suites, each suite a block
// indented by 4 spaces with its own version line, "# Subtest:" line, plan, case results and
// pass/fail/skip statistics, then the suite's own result at the top level.
#pragma once

#include <stdarg.h>
#include <stdint.h>

#include "kernel/lib/format.h"

namespace ktest {

enum class Status : uint8_t { Pass, Fail, Skip };

struct Counts {
  unsigned passed = 0;
  unsigned failed = 0;
  unsigned skipped = 0;
  unsigned total() const { return passed + failed + skipped; }
  void add(Status status);
};

class KtapWriter {
 public:
  explicit KtapWriter(Sink& sink) : m_sink(sink) {}

  void begin(unsigned suites);
  void begin_suite(const char* name, unsigned cases);
  // A "# " diagnostic at the current nesting level; embedded newlines start new "# " lines.
  void diagnostic(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
  void vdiagnostic(const char* fmt, va_list args);
  void case_result(unsigned number, const char* name, Status status, const char* skip_reason);
  // Prints the statistics and the suite's result line at the top level.
  void end_suite(unsigned number, const char* name, const Counts& counts);

 private:
  void indent();

  Sink& m_sink;
  bool m_in_suite = false;
};

}  // namespace ktest
