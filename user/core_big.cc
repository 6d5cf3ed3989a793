// Dies with a 64 MiB core: it writes every page of a 64 MiB mapping, then faults. Not in the
// default initramfs (its core would take minutes over the console); the transport measurement
// (scripts/measure-core-transport.sh) packs it alone.

#include "user/lib/ktap.h"
#include "user/lib/print.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

int main(const StartInfo&) {
  constexpr uint64_t SIZE = 64 * 1024 * 1024;
  ktap_plan(1);
  const long at =
      sys::mmap(0, SIZE, sys::PROT_READ | sys::PROT_WRITE, sys::MAP_PRIVATE | sys::MAP_ANONYMOUS);
  ktap_run("mapped", [at] { KTAP_EXPECT(at > 0); });
  print_flush();
  if (at > 0) {
    for (uint64_t off = 0; off < SIZE; off += 4096) sys::at<volatile uint64_t>(at + off)[0] = off;
  }
  *reinterpret_cast<volatile int*>(uintptr_t{0x100000000}) = 1;
  return 1;
}
