#include "kernel/proc/console_stream.h"

#include "kernel/lib/base64.h"

namespace {

// 48 bytes are 64 base64 characters: short lines, and no padding inside a chunk.
constexpr size_t CHUNK = 48;

void write_stream(void* context, const char* s, size_t n) {
  const auto* stream = static_cast<const ConsoleStream*>(context);
  Sink& out = *stream->console;
  const char* prefix = stream->kind == ConsoleStream::Kind::Out ? "~out " : "~err ";
  while (n > 0) {
    const size_t step = n < CHUNK ? n : CHUNK;
    out.write(prefix, 5);
    base64_encode(out, s, step);
    out.put('\n');
    s += step;
    n -= step;
  }
}

}  // namespace

Sink ConsoleStream::sink() { return Sink(&write_stream, this); }
