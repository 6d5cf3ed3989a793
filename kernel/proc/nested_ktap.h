// Re-emits a user program's KTAP document (its standard output) as one suite of the kernel's own
// KTAP stream, nested the way KUnit nests a suite: the program's "KTAP version 1" line and plan
// become the suite's header (version, "# Subtest: NAME", the plan plus one), every other line is
// indented by one level (4 spaces), and after the program ends the kernel adds its own last case
// with how the program ended. Cases the plan promised but the program never reported are added
// as failures, so the stream stays well formed when a program dies midway. Output arrives in
// arbitrary pieces; lines are reassembled (a line longer than the buffer is passed on in pieces).
#pragma once

#include <stddef.h>

#include "kernel/lib/format.h"
#include "kernel/test/ktap.h"

class NestedKtap {
 public:
  NestedKtap(ktest::KtapWriter& writer, Sink& out, const char* suite);

  // The program's standard output.
  Sink& sink() { return m_input; }

  // Ends the suite: the missing cases, then `final_case` with `status` and its diagnostic,
  // then the statistics and the suite's result line as suite number `number`. Returns the
  // suite's counts.
  ktest::Counts finish(unsigned number, const char* final_case, ktest::Status status,
                       const char* diagnostic);

 private:
  static void write(void* self, const char* s, size_t n);
  void line(const char* text, size_t length);
  void header(unsigned planned);

  ktest::KtapWriter& m_writer;
  Sink& m_out;
  Sink m_input;
  const char* m_suite;
  char m_line[256];
  size_t m_used = 0;
  bool m_version_seen = false;
  bool m_header_written = false;
  unsigned m_planned = 0;
  unsigned m_reported = 0;  // the highest case number the program reported
  ktest::Counts m_counts;
};
