#include "kernel/proc/console_artifact.h"

#include "kernel/lib/base64.h"
#include "kernel/lib/crc32.h"

namespace {
constexpr size_t DATA_LINE_BYTES = 57;  // 76 base64 characters
}

void send_console_artifact(Sink& console, const char* name, const char* data, size_t size) {
  format(console, "~file %s %zu %08x\n", name, size, crc32_update(0, data, size));
  for (size_t done = 0; done < size; done += DATA_LINE_BYTES) {
    const size_t step = size - done < DATA_LINE_BYTES ? size - done : DATA_LINE_BYTES;
    console.write("~data ", 6);
    base64_encode(console, data + done, step);
    console.put('\n');
  }
  format(console, "~end %s\n", name);
}
