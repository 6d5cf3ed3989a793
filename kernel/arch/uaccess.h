// User-memory access contract: the arch's primitive for the kernel's only way into user memory
// (the neutral copy_from_user/copy_to_user family builds on it). The copy goes through the
// active address space's translations with the program's permissions, and a fault is an error,
// never a kernel trap. Outside these calls the kernel cannot reach user pages at all where the
// hardware allows it (arm64 PAN, powerpc radix KUAP through the AMR).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"

// Copy `size` bytes from user address `user_src` to kernel memory at `dst` / from `src` to user
// address `user_dst`. Error::Fault when the range leaves the user half or wraps, when no address
// space is active, or when a page of it is not mapped with the needed access; bytes before the
// faulting one may have been copied.
Result<void> arch_copy_from_user(void* dst, uint64_t user_src, size_t size);
Result<void> arch_copy_to_user(uint64_t user_dst, const void* src, size_t size);
