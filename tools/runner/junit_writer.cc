#include "tools/runner/junit_writer.h"

#include <cstdio>
#include <map>

namespace maplet::runner {
namespace {

// Length of the valid UTF-8 sequence at the start of `s`, or 0 if there is none.
size_t utf8_sequence_length(std::string_view s) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char b0 = byte(0);
  size_t length;
  uint32_t min;
  uint32_t cp;
  if (b0 < 0x80) return 1;
  if ((b0 & 0xe0) == 0xc0) {
    length = 2, min = 0x80, cp = b0 & 0x1f;
  } else if ((b0 & 0xf0) == 0xe0) {
    length = 3, min = 0x800, cp = b0 & 0x0f;
  } else if ((b0 & 0xf8) == 0xf0) {
    length = 4, min = 0x10000, cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (s.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i) & 0x3f);
  }
  // Overlong forms, surrogates, and U+FFFE/U+FFFF are not allowed in XML either.
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff) {
    return 0;
  }
  return length;
}

std::string format_seconds(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", seconds < 0 ? 0.0 : seconds);
  return buf;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) {
    text += line;
    text += '\n';
  }
  return text;
}

struct Suite {
  std::string name;
  std::vector<const CaseResult*> cases;
};

}  // namespace

std::string xml_escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    unsigned char c = static_cast<unsigned char>(text.front());
    size_t length = utf8_sequence_length(text);
    if (length == 0) {
      out += "\xef\xbf\xbd";
      text.remove_prefix(1);
      continue;
    }
    if (length > 1) {
      out.append(text.substr(0, length));
      text.remove_prefix(length);
      continue;
    }
    text.remove_prefix(1);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += attribute ? "&quot;" : "\"";
        break;
      case '\'':
        out += attribute ? "&apos;" : "'";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

void write_junit(std::ostream& out, const std::vector<ArchReport>& arches) {
  Tally total;
  for (const auto& arch : arches) {
    for (const auto& c : arch.cases) total.add(c.outcome);
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"maplet\" tests=\"" << total.passed + total.failed + total.skipped
      << "\" failures=\"" << total.failed << "\" errors=\"0\" skipped=\"" << total.skipped
      << "\">\n";
  for (const auto& arch : arches) {
    std::vector<Suite> suites;
    std::map<std::string, size_t> index;
    for (const auto& c : arch.cases) {
      std::string name = c.suite.empty() ? arch.arch : arch.arch + "." + c.suite;
      auto [it, inserted] = index.emplace(name, suites.size());
      if (inserted) suites.push_back(Suite{name, {}});
      suites[it->second].cases.push_back(&c);
    }
    for (const auto& suite : suites) {
      Tally tally;
      double seconds = 0;
      for (const CaseResult* c : suite.cases) {
        tally.add(c->outcome);
        seconds += c->seconds;
      }
      std::string name = xml_escape(suite.name, true);
      out << "  <testsuite name=\"" << name << "\" tests=\"" << suite.cases.size()
          << "\" failures=\"" << tally.failed << "\" errors=\"0\" skipped=\"" << tally.skipped
          << "\" time=\"" << format_seconds(seconds) << "\">\n";
      out << "    <properties><property name=\"console_log\" value=\""
          << xml_escape(arch.console_log, true) << "\"/></properties>\n";
      for (const CaseResult* c : suite.cases) {
        out << "    <testcase classname=\"" << name << "\" name=\"" << xml_escape(c->name, true)
            << "\" time=\"" << format_seconds(c->seconds) << "\"";
        switch (c->outcome) {
          case Outcome::kPass:
            out << "/>\n";
            break;
          case Outcome::kSkip:
            out << ">\n      <skipped message=\"" << xml_escape(c->message, true)
                << "\"/>\n    </testcase>\n";
            break;
          case Outcome::kFail:
            out << ">\n      <failure message=\"" << xml_escape(c->message, true) << "\" type=\""
                << (c->synthesized ? "runner" : "ktap") << "\">"
                << xml_escape(join_lines(c->diagnostics), false) << "</failure>\n    </testcase>\n";
            break;
        }
      }
      out << "  </testsuite>\n";
    }
  }
  out << "</testsuites>\n";
}

}  // namespace maplet::runner
