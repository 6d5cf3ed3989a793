// The user-access primitive: range checks in C++, the copy itself in user_access.S with data
// relocation on (see arch/powerpc/radix.h for why the kernel is otherwise in real mode).

#include "kernel/arch/uaccess.h"

#include "arch/powerpc/radix.h"
#include "arch/powerpc/radix_page_table.h"
#include "kernel/lib/kstd.h"
#include "kernel/lib/panic.h"

extern "C" uint64_t powerpc_user_copy(uint64_t dst, uint64_t src, uint64_t size);

namespace {

bool in_user_half(uint64_t start, size_t size) {
  uint64_t end = 0;
  return kstd::checked_add(start, size, &end) && end <= RADIX_USER_END;
}

// The kernel buffer's quadrant-3 address; the kernel's memory is RAM at its physical address.
uint64_t kernel_address(const void* pointer, size_t size) {
  const auto pa = reinterpret_cast<uint64_t>(pointer);
  VERIFY(pa < radix::KERNEL_LINEAR_SIZE && size <= radix::KERNEL_LINEAR_SIZE - pa);
  return radix::KERNEL_LINEAR + pa;
}

Result<void> copy(uint64_t dst, uint64_t src, size_t size) {
  if (powerpc_user_copy(dst, src, size) != 0) return Error::Fault;
  return {};
}

}  // namespace

Result<void> arch_copy_from_user(void* dst, uint64_t user_src, size_t size) {
  if (!in_user_half(user_src, size)) return Error::Fault;
  return copy(kernel_address(dst, size), user_src, size);
}

Result<void> arch_copy_to_user(uint64_t user_dst, const void* src, size_t size) {
  if (!in_user_half(user_dst, size)) return Error::Fault;
  return copy(user_dst, kernel_address(src, size), size);
}
