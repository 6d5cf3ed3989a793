#include "kernel/proc/console_artifact.h"

#include "kernel/lib/base64.h"
#include "kernel/lib/crc32.h"

void send_console_artifact(Sink& console, const char* name, const char* data, size_t size) {
  ConsoleArtifactStream stream(console, name, size, crc32_update(0, data, size));
  stream.sink().write(data, size);
  stream.finish();
}

ConsoleArtifactStream::ConsoleArtifactStream(Sink& console, const char* name, uint64_t size,
                                             uint32_t crc)
    : m_console(&console), m_name(name), m_sink(&write, this) {
  format(console, "~file %s %llu %08x\n", name, static_cast<unsigned long long>(size), crc);
}

void ConsoleArtifactStream::write(void* context, const char* s, size_t n) {
  auto* self = static_cast<ConsoleArtifactStream*>(context);
  while (n != 0) {
    const size_t room = LINE_BYTES - self->m_used;
    const size_t take = n < room ? n : room;
    for (size_t i = 0; i < take; i++) self->m_line[self->m_used + i] = s[i];
    self->m_used += take;
    s += take;
    n -= take;
    if (self->m_used == LINE_BYTES) self->flush();
  }
}

void ConsoleArtifactStream::flush() {
  m_console->write("~data ", 6);
  base64_encode(*m_console, m_line, m_used);
  m_console->put('\n');
  m_used = 0;
}

void ConsoleArtifactStream::finish() {
  if (m_used != 0) flush();
  format(*m_console, "~end %s\n", m_name);
}
