#pragma once

// Splits the kernel's serial console into lines and routes each by its prefix (see README.md,
// "Console protocol"):
//
//   ~log <text>        kernel log line              -> sink.log_line
//   ~out <base64>      user program stdout bytes    -> sink.user_stdout (decoded)
//   ~err <base64>      user program stderr bytes    -> sink.user_stderr (decoded)
//   ~file/~data/~end   framed binary artifact       -> ArtifactReceiver
//   ~hostfile/~hostram a file the kernel sent aside -> ArtifactReceiver
//   ~plan <N>          N test cases will report     -> sink.plan_line ("<N>")
//   ~clock <c> <hz>    the guest's counter          -> sink.clock_line ("<c> <hz>")
//   ~status <how>      how an --exec program ended  -> sink.status_line ("<how>")
//   ~enosys <n> <name> it made an unknown syscall   -> sink.enosys_line ("<n> <name>")
//   anything else      KTAP, or noise for it to skip -> sink.ktap_line
//
// Lines end at '\n'; a '\r' before it is dropped. A line longer than MAX_LINE is cut there (the
// rest up to the next '\n' is dropped, and the sink is told). The raw bytes are not kept here:
// the caller writes them to console.log before feeding them.

#include <functional>
#include <string>
#include <string_view>

#include "tools/runner/artifact_receiver.h"

namespace maplet::runner {

struct DemuxSink {
  std::function<void(std::string_view)> ktap_line;
  std::function<void(std::string_view)> log_line;
  std::function<void(std::string_view)> user_stdout;
  std::function<void(std::string_view)> user_stderr;
  std::function<void(std::string_view)> plan_line;
  std::function<void(std::string_view)> clock_line;
  std::function<void(std::string_view)> status_line;
  std::function<void(std::string_view)> enosys_line;
  std::function<void(std::string_view)> warning;
  // The stream ended in the middle of a line. Such a line is not routed: "    ok 2 wid" may be
  // the start of "    ok 2 width" or of "    ok 2 width # SKIP", so it proves nothing.
  std::function<void(std::string_view)> partial_line;
};

class ConsoleDemux {
 public:
  static constexpr size_t MAX_LINE = 64 * 1024;

  // `artifacts` may be null: frames are then dropped.
  ConsoleDemux(DemuxSink sink, ArtifactReceiver* artifacts);

  void feed(std::string_view bytes);
  // End of stream: a last line without '\n' goes to sink.partial_line; an open ~file frame is
  // truncated.
  void finish();

 private:
  void dispatch(std::string_view line, bool cut);
  void warn(std::string_view message);

  DemuxSink m_sink;
  ArtifactReceiver* m_artifacts;
  std::string m_line;
  bool m_cut = false;  // Current line exceeded MAX_LINE; dropping until '\n'.
  bool m_finished = false;
};

}  // namespace maplet::runner
