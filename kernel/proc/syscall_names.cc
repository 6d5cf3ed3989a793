#include "kernel/proc/syscall_names.h"

#include "kernel/proc/syscall_name_tables.h"

namespace {

using syscall_names::Name;

template <size_t N>
const char* find(const Name (&names)[N], uint64_t number) {
  for (const Name& n : names) {
    if (n.number == number) return n.name;
  }
  return nullptr;
}

}  // namespace

const char* syscall_name(ElfAbi abi, uint64_t number) {
  const char* own = abi == ElfAbi::Arm64 ? find(syscall_names::ARM64_NAMES, number)
                                         : find(syscall_names::PPC64_NAMES, number);
  // The generator leaves in the arch's table only the unified-range numbers the other arch
  // lacks or names otherwise (arm64's memfd_secret), so an own entry is the answer.
  return own != nullptr ? own : find(syscall_names::UNIFIED_NAMES, number);
}
