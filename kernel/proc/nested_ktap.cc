#include "kernel/proc/nested_ktap.h"

#include "kernel/lib/string.h"
#include "kernel/lib/string_view.h"
#include "kernel/test/plan.h"

namespace {

constexpr const char* INDENT = "    ";

bool parse_number(StringView text, unsigned* value) {
  if (text.size() == 0 || text.size() > 9) return false;
  unsigned v = 0;
  for (size_t i = 0; i < text.size(); i++) {
    if (text[i] < '0' || text[i] > '9') return false;
    v = v * 10 + static_cast<unsigned>(text[i] - '0');
  }
  *value = v;
  return true;
}

bool contains(StringView text, StringView part) {
  for (size_t i = 0; i + part.size() <= text.size(); i++) {
    if (text.substr(i).starts_with(part)) return true;
  }
  return false;
}

// The number of "ok N ..." / "not ok N ..." and whether it failed or skipped; false for other
// lines.
bool parse_result(StringView line, unsigned* number, ktest::Status* status) {
  bool failed = false;
  if (line.starts_with("not ok ")) {
    failed = true;
    line = line.substr(7);
  } else if (line.starts_with("ok ")) {
    line = line.substr(3);
  } else {
    return false;
  }
  const size_t space = line.find(' ');
  if (!parse_number(line.substr(0, space), number)) return false;
  const StringView rest = line.substr(space);
  const bool skipped = contains(rest, "# SKIP");
  *status = failed ? ktest::Status::Fail : skipped ? ktest::Status::Skip : ktest::Status::Pass;
  return true;
}

}  // namespace

NestedKtap::NestedKtap(ktest::KtapWriter& writer, Sink& out, const char* suite)
    : m_writer(writer), m_out(out), m_input(&NestedKtap::write, this), m_suite(suite) {}

void NestedKtap::write(void* self, const char* s, size_t n) {
  auto* nest = static_cast<NestedKtap*>(self);
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\n') {
      nest->line(nest->m_line, nest->m_used);
      nest->m_used = 0;
      continue;
    }
    if (nest->m_used == sizeof(nest->m_line)) {
      nest->line(nest->m_line, nest->m_used);
      nest->m_used = 0;
    }
    nest->m_line[nest->m_used++] = s[i];
  }
}

void NestedKtap::header(unsigned planned) {
  m_header_written = true;
  m_planned = planned;
  // The kernel's plan counted only the final case; the program's own come on top.
  ktest::grow_plan(m_out, planned);
  m_writer.begin_suite(m_suite, planned + 1);
}

void NestedKtap::line(const char* text, size_t length) {
  const StringView line(text, length);
  if (!m_version_seen &&
      (line == StringView("KTAP version 1") || line == StringView("TAP version 14"))) {
    m_version_seen = true;
    return;
  }
  unsigned planned = 0;
  if (!m_header_written && line.starts_with("1..") && parse_number(line.substr(3), &planned)) {
    header(planned);
    return;
  }
  if (!m_header_written) header(0);
  unsigned number = 0;
  ktest::Status status = ktest::Status::Pass;
  if (parse_result(line, &number, &status)) {
    if (number > m_reported) m_reported = number;
    m_counts.add(status);
  }
  m_out.write(INDENT, 4);
  m_out.write(text, length);
  m_out.put('\n');
}

ktest::Counts NestedKtap::finish(unsigned number, const char* final_case, ktest::Status status,
                                 const char* diagnostic) {
  if (m_used > 0) {
    line(m_line, m_used);
    m_used = 0;
  }
  if (!m_header_written) header(0);
  for (unsigned missing = m_reported + 1; missing <= m_planned; missing++) {
    m_writer.diagnostic("case %u was planned but never reported", missing);
    m_writer.case_result(missing, "unreported", ktest::Status::Fail, nullptr);
    m_counts.add(ktest::Status::Fail);
  }
  if (m_reported > m_planned) ktest::grow_plan(m_out, m_reported - m_planned);
  const unsigned last = (m_reported > m_planned ? m_reported : m_planned) + 1;
  m_writer.diagnostic("%s", diagnostic);
  m_writer.case_result(last, final_case, status,
                       status == ktest::Status::Skip ? diagnostic : nullptr);
  m_counts.add(status);
  m_writer.end_suite(number, m_suite, m_counts);
  return m_counts;
}
