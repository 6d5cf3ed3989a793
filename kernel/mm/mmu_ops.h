// The page-table operations the arch-neutral address space needs, injected as function pointers
// so that kernel/mm includes no arch header: each kernel passes its arch MMU, host tests pass a
// fake that records the calls and keeps a page-by-page picture of what is mapped. Ranges are
// half-open and page aligned.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/mm/vm_flags.h"

// What the hardware grants at one present translation, decoded from the arch's entry.
struct MmuAccess {
  // VM_READ, VM_WRITE and VM_EXEC as user mode may use the page (an execute-only page is
  // VM_EXEC alone; a present PROT_NONE entry is none of them), VM_MTE when accesses are tag
  // checked (arm64's Normal Tagged memory type) and VM_ARM64_BTI when the page is guarded
  // (arm64's GP bit: an indirect branch into it must land on a BTI instruction).
  VmFlags flags;
  // An unprivileged entry (arm64 AP[1] set, powerpc EAA privileged bit clear): a user page.
  bool user;
};

// Called for each present translation, in address order; returning false stops the walk.
using MmuVisitFn = bool (*)(void* cookie, uint64_t va, uint64_t pa, MmuAccess access);

struct MmuOps {
  // Maps [va, va + size) to physical [pa, pa + size) with the access bits of flags
  // (VM_TRANSLATION_FLAGS). No page of the range is mapped beforehand. Error::NoMemory
  // when page-table pages ran out; nothing of the range is then mapped.
  Result<void> (*map)(void* context, uint64_t va, uint64_t pa, uint64_t size, VmFlags flags);
  // Removes every translation in [start, end) and flushes them from the TLB. Holes are fine.
  void (*unmap)(void* context, uint64_t start, uint64_t end);
  // Changes the access bits of every present translation in [start, end).
  void (*protect)(void* context, uint64_t start, uint64_t end, VmFlags flags);
  // Points the present translation of the page at va at physical page pa instead, with the
  // access bits of flags: the old translation is removed and flushed from the TLB before the
  // new one is written (break-before-make), as a copy-on-write fault needs. Needs no memory.
  void (*remap)(void* context, uint64_t va, uint64_t pa, VmFlags flags);
  // Visits the present translations in [start, end), with what each grants, without changing
  // them.
  void (*walk)(void* context, uint64_t start, uint64_t end, MmuVisitFn visit, void* cookie);
  void* context;
};
