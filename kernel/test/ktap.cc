#include "kernel/test/ktap.h"

namespace ktest {

namespace {

// KUnit indents a suite's block by 4 spaces (KUNIT_SUBTEST_INDENT); Linux's parser expects that.
constexpr const char* SUBTEST_INDENT = "    ";

// Prefixes every line written through it with an indent and "# ".
struct DiagnosticLines {
  Sink* out;
  const char* indent;
  bool at_line_start = true;

  static void write(void* self, const char* s, size_t n) {
    auto* d = static_cast<DiagnosticLines*>(self);
    for (size_t i = 0; i < n; i++) {
      if (d->at_line_start) {
        d->out->write(d->indent, klib::str_length(d->indent));
        d->out->write("# ", 2);
        d->at_line_start = false;
      }
      d->out->put(s[i]);
      if (s[i] == '\n') d->at_line_start = true;
    }
  }
};

}  // namespace

void Counts::add(Status status) {
  switch (status) {
    case Status::Pass:
      passed++;
      break;
    case Status::Fail:
      failed++;
      break;
    case Status::Skip:
      skipped++;
      break;
  }
}

void KtapWriter::indent() {
  if (m_in_suite) m_sink.write(SUBTEST_INDENT, 4);
}

void KtapWriter::begin(unsigned suites) { format(m_sink, "KTAP version 1\n1..%u\n", suites); }

void KtapWriter::begin_suite(const char* name, unsigned cases) {
  m_in_suite = true;
  format(m_sink, "%sKTAP version 1\n%s# Subtest: %s\n%s1..%u\n", SUBTEST_INDENT, SUBTEST_INDENT,
         name, SUBTEST_INDENT, cases);
}

void KtapWriter::vdiagnostic(const char* fmt, va_list args) {
  DiagnosticLines lines{&m_sink, m_in_suite ? SUBTEST_INDENT : ""};
  Sink sink(&DiagnosticLines::write, &lines);
  vformat(sink, fmt, args);
  if (!lines.at_line_start) m_sink.put('\n');
}

void KtapWriter::diagnostic(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vdiagnostic(fmt, args);
  va_end(args);
}

void KtapWriter::case_result(unsigned number, const char* name, Status status,
                             const char* skip_reason) {
  indent();
  format(m_sink, "%s %u %s", status == Status::Fail ? "not ok" : "ok", number, name);
  if (status == Status::Skip) format(m_sink, " # SKIP %s", skip_reason ? skip_reason : "");
  m_sink.put('\n');
}

void KtapWriter::end_suite(unsigned number, const char* name, const Counts& counts) {
  diagnostic("%s: pass:%u fail:%u skip:%u total:%u", name, counts.passed, counts.failed,
             counts.skipped, counts.total());
  diagnostic("Totals: pass:%u fail:%u skip:%u total:%u", counts.passed, counts.failed,
             counts.skipped, counts.total());
  m_in_suite = false;
  // A suite whose every case was skipped is itself reported as skipped, as KUnit does.
  const bool all_skipped = counts.total() > 0 && counts.skipped == counts.total();
  format(m_sink, "%s %u %s%s\n", counts.failed > 0 ? "not ok" : "ok", number, name,
         all_skipped ? " # SKIP" : "");
}

}  // namespace ktest
