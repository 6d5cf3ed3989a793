// Copies between the kernel and the user memory of an address space, over the arch's fenced
// copies (kernel/arch/uaccess.h): a copy that faults on a page the address space can bring in
// (a demand-zero page, say) resolves the fault through AddressSpace::handle_fault and goes on
// from the byte that faulted, as Linux's fixup path and handle_mm_fault do. `mm` must be the
// active address space.
//
// Errors: Fault (EFAULT) for a range that wraps, touches a kernel address, an unmapped page or
// one the program may not access that way, or when the page cannot be brought in (out of
// memory: Linux's copy would fail the same way); the bytes before the fault are copied.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/mm/address_space.h"

Result<void> copy_from_user(AddressSpace& mm, void* to, uint64_t from, size_t n);
Result<void> copy_to_user(AddressSpace& mm, uint64_t to, const void* from, size_t n);
Result<void> clear_user(AddressSpace& mm, uint64_t to, size_t n);
// Copies a NUL-terminated string of at most n bytes, NUL included, and returns its length
// without the NUL. Errors: Fault as above; Range when no NUL is within the first n bytes
// (to[0, n) then holds them).
Result<size_t> strncpy_from_user(AddressSpace& mm, char* to, uint64_t from, size_t n);
