// Where an address space gets the pages that back anonymous memory on demand. Injected as
// function pointers like the MMU: the kernels hand out RAM from their page allocator, host tests
// use malloc and track every page, so a test can prove that nothing leaks. Each source also names
// the shared zero page (Linux's ZERO_PAGE): read faults of private anonymous memory map it
// read-only instead of taking a page of their own.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"

struct PageSource {
  // One zero-filled page; returns its physical address, or Error::NoMemory.
  Result<uint64_t> (*alloc_zeroed)(void* context);
  // Takes back a page from alloc_zeroed once no translation maps it any more.
  void (*free)(void* context, uint64_t pa);
  void* context;
  // The physical address of the zero page: zero-filled for as long as the source lives, never
  // handed out by alloc_zeroed and never given to free. Nothing may write it; the address space
  // maps it without write access only.
  uint64_t zero_page;
};
