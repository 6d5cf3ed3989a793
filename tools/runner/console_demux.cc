#include "tools/runner/console_demux.h"

#include <utility>

#include "tools/runner/base64.h"

namespace maplet::runner {
namespace {

bool take_prefix(std::string_view& line, std::string_view prefix) {
  if (!line.starts_with(prefix)) return false;
  line.remove_prefix(prefix.size());
  return true;
}

}  // namespace

ConsoleDemux::ConsoleDemux(DemuxSink sink, ArtifactReceiver* artifacts)
    : m_sink(std::move(sink)), m_artifacts(artifacts) {}

void ConsoleDemux::feed(std::string_view bytes) {
  if (m_finished) return;
  while (!bytes.empty()) {
    size_t newline = bytes.find('\n');
    std::string_view piece = bytes.substr(0, newline);
    if (!m_cut) {
      size_t room = MAX_LINE - m_line.size();
      if (piece.size() > room) {
        m_line.append(piece.substr(0, room));
        m_cut = true;
      } else {
        m_line.append(piece);
      }
    }
    if (newline == std::string_view::npos) return;
    dispatch(m_line, m_cut);
    m_line.clear();
    m_cut = false;
    bytes.remove_prefix(newline + 1);
  }
}

void ConsoleDemux::finish() {
  if (m_finished) return;
  if ((!m_line.empty() || m_cut) && m_sink.partial_line) m_sink.partial_line(m_line);
  m_line.clear();
  if (m_artifacts != nullptr) m_artifacts->finish();
  m_finished = true;
}

void ConsoleDemux::dispatch(std::string_view line, bool cut) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (cut) warn("console line longer than " + std::to_string(MAX_LINE) + " bytes was cut");
  if (!line.starts_with("~")) {
    if (m_sink.ktap_line) m_sink.ktap_line(line);
    return;
  }
  std::string_view rest = line;
  if (take_prefix(rest, "~log ") || rest == "~log") {
    if (m_sink.log_line) m_sink.log_line(rest == "~log" ? std::string_view() : rest);
  } else if (take_prefix(rest, "~out ") || take_prefix(rest, "~err ")) {
    bool is_out = line.starts_with("~out");
    auto bytes = base64_decode(rest);
    if (!bytes || cut) {
      warn(std::string("undecodable ") + (is_out ? "~out" : "~err") + " line dropped");
      return;
    }
    auto& target = is_out ? m_sink.user_stdout : m_sink.user_stderr;
    if (target) target(*bytes);
  } else if (take_prefix(rest, "~file ")) {
    if (m_artifacts != nullptr) m_artifacts->begin(rest);
  } else if (take_prefix(rest, "~hostfile ")) {
    if (m_artifacts != nullptr) m_artifacts->host_file(rest);
  } else if (take_prefix(rest, "~hostram ")) {
    if (m_artifacts != nullptr) m_artifacts->host_ram(rest);
  } else if (take_prefix(rest, "~data ")) {
    if (m_artifacts != nullptr) m_artifacts->data(rest, cut);
  } else if (take_prefix(rest, "~end ")) {
    if (m_artifacts != nullptr) m_artifacts->end(rest);
  } else if (take_prefix(rest, "~plan ")) {
    if (m_sink.plan_line) m_sink.plan_line(rest);
  } else if (take_prefix(rest, "~clock ")) {
    if (m_sink.clock_line) m_sink.clock_line(rest);
  } else if (m_sink.status_line && take_prefix(rest, "~status ")) {
    m_sink.status_line(rest);
  } else if (m_sink.enosys_line && take_prefix(rest, "~enosys ")) {
    m_sink.enosys_line(rest);
  } else if (m_sink.log_line) {
    // An unknown '~' kind from a newer kernel: keep it visible with the log.
    m_sink.log_line(line);
  }
}

void ConsoleDemux::warn(std::string_view message) {
  if (m_sink.warning) m_sink.warning(message);
}

}  // namespace maplet::runner
