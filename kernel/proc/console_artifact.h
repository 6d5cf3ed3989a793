// A file sent to the host on the console as the runner's artifact frame
// (tools/runner/README.md, "Reserved ~ lines"): "~file <name> <size> <crc32-hex>", the bytes as
// "~data <base64>" lines of 57 bytes (76 characters) each, then "~end <name>". The runner checks
// size and CRC and saves the file as <artifacts>/<config>/<name>. `name` must be the runner's
// artifact name ([A-Za-z0-9._-], 1 to 128 characters, not starting with '.'); the caller
// guarantees it.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/format.h"

void send_console_artifact(Sink& console, const char* name, const char* data, size_t size);

// The same frame for bytes that come in pieces: the caller knows the size and CRC-32 up front
// (the ~file line goes out at construction) and must feed exactly `size` bytes through sink()
// before finish(), which sends the last line and ~end.
class ConsoleArtifactStream {
 public:
  ConsoleArtifactStream(Sink& console, const char* name, uint64_t size, uint32_t crc);
  Sink& sink() { return m_sink; }
  void finish();

 private:
  static constexpr size_t LINE_BYTES = 57;  // 76 base64 characters
  static void write(void* context, const char* s, size_t n);
  void flush();

  Sink* m_console;
  const char* m_name;
  Sink m_sink;
  char m_line[LINE_BYTES];
  size_t m_used = 0;
};
