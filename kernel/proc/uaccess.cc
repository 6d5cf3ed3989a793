#include "kernel/proc/uaccess.h"

#include "kernel/arch/mte.h"
#include "kernel/arch/uaccess.h"

namespace {

// Brings in the page at `address` for `access`; false when the address space refuses. A tag in
// the address (which the copy could only have used under the tagged address ABI) is not part of
// the VMA lookup.
bool resolve(AddressSpace& mm, uint64_t address, FaultAccess access) {
  Result<FaultVerdict> verdict = mm.handle_fault(arch_untagged_addr(address), access);
  return verdict.is_ok() && verdict.value().signal == FaultSignal::None;
}

// Runs `step(offset)` (one arch copy of the bytes from offset on) until it completes, resolving
// each fault once: a second fault at the same byte means the page is there but still refuses
// the access.
template <typename Step>
Result<size_t> copy_loop(AddressSpace& mm, uint64_t user, size_t n, FaultAccess access, Step step) {
  // A wrapping range faults before any byte; nothing can map it.
  if (n > 0 && user + (n - 1) < user) return Error::Fault;
  size_t offset = 0;
  bool retried = false;
  uint64_t last_fault = 0;
  while (true) {
    const UserAccess result = step(offset);
    offset += result.done;
    if (!result.faulted) return offset;
    const uint64_t address = user + offset;
    if (retried && address == last_fault) return Error::Fault;
    if (!resolve(mm, address, access)) return Error::Fault;
    retried = true;
    last_fault = address;
  }
}

}  // namespace

Result<void> copy_from_user(AddressSpace& mm, void* to, uint64_t from, size_t n) {
  auto* bytes = static_cast<uint8_t*>(to);
  TRY(copy_loop(mm, from, n, FaultAccess::Read, [&](size_t offset) {
    return arch_copy_from_user(bytes + offset, from + offset, n - offset);
  }));
  return {};
}

Result<void> copy_to_user(AddressSpace& mm, uint64_t to, const void* from, size_t n) {
  const auto* bytes = static_cast<const uint8_t*>(from);
  TRY(copy_loop(mm, to, n, FaultAccess::Write, [&](size_t offset) {
    return arch_copy_to_user(to + offset, bytes + offset, n - offset);
  }));
  return {};
}

Result<void> clear_user(AddressSpace& mm, uint64_t to, size_t n) {
  TRY(copy_loop(mm, to, n, FaultAccess::Write,
                [&](size_t offset) { return arch_clear_user(to + offset, n - offset); }));
  return {};
}

Result<size_t> strncpy_from_user(AddressSpace& mm, char* to, uint64_t from, size_t n) {
  const size_t copied = TRY(copy_loop(mm, from, n, FaultAccess::Read, [&](size_t offset) {
    return arch_strncpy_from_user(to + offset, from + offset, n - offset);
  }));
  if (copied == 0 || to[copied - 1] != '\0') return Error::Range;
  return copied - 1;
}
