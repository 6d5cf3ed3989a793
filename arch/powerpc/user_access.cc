// kernel/arch/uaccess.h on powerpc: the range arithmetic here, the loops in user_access.S with
// data relocation on (see arch/powerpc/radix.h for why the kernel is otherwise in real mode).
// A privileged access with relocation on reaches quadrant 3, the kernel's linear map, too, so a
// user range is cut at the end of the user half (RADIX_USER_END, where quadrant 0's tree ends)
// and the byte there is reported as the one that faulted, as a problem-state access to it would.

#include "kernel/arch/uaccess.h"

#include "arch/powerpc/radix.h"
#include "arch/powerpc/radix_page_table.h"
#include "kernel/lib/kstd.h"
#include "kernel/lib/panic.h"

namespace {

// Returned in r3 and r4 (ELFv2: an aggregate of up to 16 bytes comes back in two GPRs).
struct LoopResult {
  uint64_t done;
  uint64_t faulted;
};

}  // namespace

extern "C" LoopResult powerpc_copy_user(uint64_t to, uint64_t from, uint64_t n);
extern "C" LoopResult powerpc_clear_user(uint64_t to, uint64_t n);
extern "C" LoopResult powerpc_strncpy_user(uint64_t to, uint64_t from, uint64_t n);

namespace {

// The kernel buffer's quadrant-3 address; the kernel's memory is RAM at its physical address.
uint64_t kernel_address(const void* pointer, size_t size) {
  const auto pa = reinterpret_cast<uint64_t>(pointer);
  VERIFY(pa < radix::KERNEL_LINEAR_SIZE && size <= radix::KERNEL_LINEAR_SIZE - pa);
  return radix::KERNEL_LINEAR + pa;
}

// How many of the n bytes at `start` lie in the user half; 0 when the range wraps past 2^64,
// which then faults before any byte.
size_t user_span(uint64_t start, size_t n) {
  uint64_t end = 0;
  if (!kstd::checked_add(start, n, &end) || start >= RADIX_USER_END) return 0;
  return end <= RADIX_USER_END ? n : RADIX_USER_END - start;
}

// A loop that ran over the first `span` of n bytes without a fault and without ending early
// stopped at the end of the user half: the next byte is the faulting one.
UserAccess result(LoopResult loop, size_t span, size_t n) {
  if (loop.faulted != 0) return {loop.done, true};
  return {loop.done, loop.done == span && span < n};
}

}  // namespace

UserAccess arch_copy_from_user(void* to, uint64_t from, size_t n) {
  const size_t span = user_span(from, n);
  return result(powerpc_copy_user(kernel_address(to, span), from, span), span, n);
}

UserAccess arch_copy_to_user(uint64_t to, const void* from, size_t n) {
  const size_t span = user_span(to, n);
  return result(powerpc_copy_user(to, kernel_address(from, span), span), span, n);
}

UserAccess arch_clear_user(uint64_t to, size_t n) {
  const size_t span = user_span(to, n);
  return result(powerpc_clear_user(to, span), span, n);
}

UserAccess arch_strncpy_from_user(char* to, uint64_t from, size_t n) {
  const size_t span = user_span(from, n);
  const LoopResult loop = powerpc_strncpy_user(kernel_address(to, span), from, span);
  // Ended on its NUL: done, even when the NUL was the last byte of the user half.
  if (loop.faulted == 0 && loop.done > 0 && to[loop.done - 1] == '\0') return {loop.done, false};
  return result(loop, span, n);
}
