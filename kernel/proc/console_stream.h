// A user program's standard output or error as the runner's console lines
// (tools/runner/README.md, "Reserved ~ lines"): every write becomes "~out <base64>" or
// "~err <base64>" lines of up to 48 bytes each, decodable one by one, which the runner writes to
// its own stdout or stderr byte for byte.
//
//   ConsoleStream err_stream{&console_sink(), ConsoleStream::Kind::Err};
//   Sink err = err_stream.sink();
#pragma once

#include <stdint.h>

#include "kernel/lib/format.h"

struct ConsoleStream {
  enum class Kind : uint8_t { Out, Err };
  Sink* console;
  Kind kind;

  // A sink that writes through this stream; the stream must outlive it.
  Sink sink();
};
