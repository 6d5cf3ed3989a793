// Where an address space gets the pages that back anonymous memory on demand. Injected as
// function pointers like the MMU: the kernels hand out RAM from their page allocator, host tests
// use malloc and track every page, so a test can prove that nothing leaks.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"

struct PageSource {
  // One zero-filled page; returns its physical address, or Error::NoMemory.
  Result<uint64_t> (*alloc_zeroed)(void* context);
  // Takes back a page from alloc_zeroed once no translation maps it any more.
  void (*free)(void* context, uint64_t pa);
  void* context;
};
