// powerpc's host files. pseries has no semihosting, so the runner backs guest RAM with a file it
// can read (QEMU's memory-backend-file with share=on; a guest physical address is an offset in
// that file) and the kernel hands it a file's bytes through a staging area in RAM. For each
// filled staging area the kernel writes one console line
//
//   ~hostram <path> <offset> <length> <staging-address-hex> <ack-address-hex>
//
// and the runner appends those bytes of its RAM file to the host file named by <path>, then
// stores the file's new length big-endian at <ack-address> (or ~0 when it could not).
// The kernel refills the staging area only after that answer, so the runner never reads bytes
// the kernel is rewriting, and no more than the staging area is held however large the file.
#include "kernel/arch/host_file.h"

#include "kernel/arch/mmu.h"
#include "kernel/arch/timer.h"
#include "kernel/lib/big_endian.h"
#include "kernel/lib/console.h"
#include "kernel/lib/string.h"
#include "kernel/mm/physical_pages.h"

namespace {

// 4 MiB: a 64 MiB core takes 16 round trips. Halved while RAM is short, down to 64 KiB.
constexpr uint64_t MAX_STAGING_PAGES = 1024;
constexpr uint64_t MIN_STAGING_PAGES = 16;
// The ack word until the runner answers; it answers with a length (far smaller) or with ~0,
// its REFUSED (tools/runner/artifact_receiver.h).
constexpr uint64_t ACK_PENDING = ~uint64_t{0} - 1;
// Only catches a runner that never answers; a healthy one answers in milliseconds.
constexpr uint64_t ACK_TIMEOUT_SECONDS = 20;
constexpr size_t PATH_BYTES = 512;
// The one handle: a single file is open at a time (cores are sent one after the other).
constexpr uint64_t HANDLE = 1;

struct HostFile {
  bool open = false;
  bool failed = false;     // A round trip failed: the rest of the file is not sent.
  bool abandoned = false;  // The runner never answered: the staging area is never freed.
  char path[PATH_BYTES] = {};
  uint64_t staging = 0;        // physical address of the staging area
  uint64_t staging_pages = 0;  // the staging area's pages; the ack word is in the page after
  uint64_t used = 0;           // bytes waiting in the staging area
  uint64_t sent = 0;           // bytes the runner has appended to the host file
};

HostFile g_file;

uint64_t staging_bytes() { return g_file.staging_pages * PAGE_SIZE; }

// The ack word, big-endian as the runner stores it whatever the kernel's byte order.
be64* ack_word() { return static_cast<be64*>(arch_phys_to_virt(g_file.staging + staging_bytes())); }

// The runner stores the answer behind the compiler's back: each call reads memory afresh.
uint64_t read_ack() {
  asm volatile("" ::: "memory");
  return ack_word()->load();
}

// Hands the staging area to the runner and waits for its answer.
Result<void> send_staging() {
  ack_word()->store(ACK_PENDING);
  // The staged bytes and the pending mark are in RAM before the runner can see the line.
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  format(console_sink(), "~hostram %s %llu %llu %llx %llx\n", g_file.path,
         static_cast<unsigned long long>(g_file.sent), static_cast<unsigned long long>(g_file.used),
         static_cast<unsigned long long>(g_file.staging),
         static_cast<unsigned long long>(g_file.staging + staging_bytes()));
  const uint64_t start = arch_counter_read();
  const uint64_t limit = arch_counter_frequency() * ACK_TIMEOUT_SECONDS;
  uint64_t answer;
  while ((answer = read_ack()) == ACK_PENDING) {
    if (arch_counter_read() - start > limit) {
      // The runner may still read the staging area and store its answer later: the pages stay
      // allocated for good, so that late store cannot land in memory someone else owns.
      g_file.abandoned = true;
      return Error::Io;
    }
  }
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (answer != g_file.sent + g_file.used) return Error::Io;  // refused, or a wrong length
  g_file.sent = answer;
  g_file.used = 0;
  return {};
}

Result<void> check_handle(uint64_t handle) {
  if (handle != HANDLE || !g_file.open) return Error::BadFile;
  return {};
}

}  // namespace

Result<uint64_t> arch_host_file_create(const char* path) {
  if (g_file.open) return Error::Busy;
  const size_t length = klib::str_length(path);
  if (length == 0 || length >= PATH_BYTES) return Error::Invalid;
  for (size_t i = 0; i < length; ++i) {
    if (path[i] == ' ' || path[i] == '\n') return Error::Invalid;  // one word on the line
  }
  for (uint64_t pages = MAX_STAGING_PAGES; pages >= MIN_STAGING_PAGES; pages /= 2) {
    const Result<uint64_t> staging = physical_pages().alloc(pages + 1);
    if (staging.is_error()) continue;
    g_file = HostFile{};
    klib::mem_copy(g_file.path, path, length + 1);
    g_file.staging = staging.value();
    g_file.staging_pages = pages;
    g_file.open = true;
    return HANDLE;
  }
  return Error::NoMemory;
}

Result<void> arch_host_file_write(uint64_t handle, const void* data, size_t size) {
  TRY(check_handle(handle));
  if (g_file.failed) return Error::Io;
  const auto* bytes = static_cast<const uint8_t*>(data);
  while (size != 0) {
    const uint64_t room = staging_bytes() - g_file.used;
    const size_t take = size < room ? size : static_cast<size_t>(room);
    klib::mem_copy(static_cast<uint8_t*>(arch_phys_to_virt(g_file.staging)) + g_file.used, bytes,
                   take);
    g_file.used += take;
    bytes += take;
    size -= take;
    if (g_file.used == staging_bytes() && send_staging().is_error()) {
      g_file.failed = true;
      return Error::Io;
    }
  }
  return {};
}

Result<void> arch_host_file_close(uint64_t handle) {
  TRY(check_handle(handle));
  // The last, partial staging area; an empty file still needs one (empty) append to exist.
  if (!g_file.failed && (g_file.used != 0 || g_file.sent == 0) && send_staging().is_error()) {
    g_file.failed = true;
  }
  if (!g_file.abandoned) physical_pages().free(g_file.staging, g_file.staging_pages + 1);
  g_file.open = false;
  if (g_file.failed) return Error::Io;
  return {};
}
