// A virtual memory area: one mapped range [vm_start, vm_end) of an address space.
//
// This is deliberately minimal. The address-space layer (kernel/mm/address_space.*) extends it
// with protection, file/offset, name and special-mapping hooks. The VMA tree never looks inside
// a Vma: it stores the pointer as an opaque value next to its own copy of the range, so this
// struct can grow without touching kernel/mm/vma_tree.*.
#pragma once

#include <stdint.h>

struct Vma {
  uint64_t vm_start;  // first address of the range
  uint64_t vm_end;    // one past the last address (half-open)
  uint64_t vm_flags;  // VM_* bits, Linux's values
};
