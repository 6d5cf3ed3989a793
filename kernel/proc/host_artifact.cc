#include "kernel/proc/host_artifact.h"

#include "kernel/arch/host_file.h"
#include "kernel/lib/string.h"
#include "kernel/proc/kernel_memory.h"

namespace {

// Semihosting calls cost a trap to QEMU each: large writes keep their number small.
constexpr size_t BUFFER_BYTES = 64 * 1024;
constexpr size_t PATH_BYTES = 512;

struct Buffered {
  uint64_t handle;
  char* buffer;
  size_t used;
  bool failed;
};

void flush(Buffered& b) {
  if (b.used != 0 && !b.failed) {
    b.failed = arch_host_file_write(b.handle, b.buffer, b.used).is_error();
  }
  b.used = 0;
}

void buffered_write(void* context, const char* s, size_t n) {
  auto& b = *static_cast<Buffered*>(context);
  while (n != 0) {
    const size_t take = n < BUFFER_BYTES - b.used ? n : BUFFER_BYTES - b.used;
    klib::mem_copy(b.buffer + b.used, s, take);
    b.used += take;
    s += take;
    n -= take;
    if (b.used == BUFFER_BYTES) flush(b);
  }
}

}  // namespace

Result<void> send_host_artifact(Sink& console, StringView dir, const char* name, uint64_t size,
                                uint32_t crc, void (*write)(void* context, Sink& sink),
                                void* context) {
  char path[PATH_BYTES];
  BufferSink path_sink(path, sizeof(path));
  path_sink.write(dir);
  format(path_sink, "/%s.part", name);
  if (path_sink.truncated()) return Error::Invalid;
  const uint64_t handle = TRY(arch_host_file_create(path));
  Result<void*> buffer = kernel_alloc(BUFFER_BYTES);
  if (buffer.is_error()) {
    (void)arch_host_file_close(handle);  // the NoMemory is what the caller needs to know
    return Error::NoMemory;
  }
  Buffered b{handle, static_cast<char*>(buffer.value()), 0, false};
  Sink sink(&buffered_write, &b);
  write(context, sink);
  flush(b);
  kernel_free(buffer.value(), BUFFER_BYTES);
  const bool closed = arch_host_file_close(handle).is_ok();
  if (b.failed || !closed) return Error::Io;
  format(console, "~hostfile %s %llu %08x\n", name, static_cast<unsigned long long>(size), crc);
  return {};
}
