// User-memory access contract: the only way kernel code reads or writes user memory. Every access
// is checked against the program's own permissions (arm64 EL0, powerpc problem state) in the
// currently active address space, and a fault ends the copy with a result instead of a kernel
// trap: an unmapped page, a page the program may not access that way, a kernel address, or a
// range that wraps past the top of the address space. Everywhere else the kernel cannot touch
// user memory at all: on arm64 PAN makes such an access trap; the powerpc kernel runs in real
// mode, where a user address is no user memory, and radix KUAP (the AMR) traps a translated one.
//
// Copies are byte-exact: when `faulted` is set, the first `done` bytes were copied and the byte at
// user address start + done is the one that faulted, so a caller that can resolve the fault (a
// demand page) may retry from there. A range that wraps faults before any byte is copied.
#pragma once

#include <stddef.h>
#include <stdint.h>

struct UserAccess {
  size_t done;   // bytes copied (or cleared) before the end or the fault
  bool faulted;  // the access at user address start + done faulted
};

UserAccess arch_copy_from_user(void* to, uint64_t from, size_t n);
UserAccess arch_copy_to_user(uint64_t to, const void* from, size_t n);
UserAccess arch_clear_user(uint64_t to, size_t n);
// Copies up to and including the first NUL, at most n bytes: `done` counts the bytes copied, the
// NUL included, so done == n without a NUL at to[n - 1] means the string did not fit.
UserAccess arch_strncpy_from_user(char* to, uint64_t from, size_t n);
