// A program whose return addresses are signed, that dies with a core file: on arm64 it is built
// with -mbranch-protection=pac-ret+leaf (user/user.mk), so every function, leaves included,
// signs its link register on entry (PACIASP) and authenticates it before returning; main calls
// core_pac_outer, which calls core_pac_inner, which stores through an unmapped pointer. The core
// then holds signed return addresses in x30 and on the stack, which a debugger unwinds only with
// the core's NT_ARM_PAC_MASK (scripts/check-core-gdb.sh --pac). Elsewhere it is the same program
// without signatures, and dies the same way.

#include "user/lib/ktap.h"
#include "user/lib/print.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

namespace {

#if defined(__aarch64__)
constexpr uint64_t AT_HWCAP = 16, HWCAP_PACA = uint64_t{1} << 30;
#endif
constexpr uint64_t UNMAPPED = 0x100000000;

}  // namespace

// Not inlined, so that each is a frame of its own with its own signed return address.
[[gnu::noinline]] void core_pac_inner(volatile int* where) { *where = 0x9ac; }

[[gnu::noinline]] void core_pac_outer(volatile int* where) {
  core_pac_inner(where);
  asm volatile("" ::: "memory");  // not a tail call: the return address stays on the stack
}

int main(const StartInfo& start) {
  ktap_plan(1);
  ktap_run("address_authentication", [&] {
#if defined(__aarch64__)
    KTAP_EXPECT((getauxval(start, AT_HWCAP) & HWCAP_PACA) != 0);
#else
    (void)start;
#endif
  });
  print_flush();
  core_pac_outer(reinterpret_cast<volatile int*>(UNMAPPED));
  print("# still running after the fault\n");
  return 1;
}
