// Memory as a flattened device tree describes it, the way Linux's drivers/of/fdt.c reads it:
// every RAM range, every range the kernel must keep out of its page allocator, and the initrd.
// Neutral (arm64 boots with a DTB; host tests feed it blobs).
#pragma once

#include "kernel/arch/boot.h"
#include "kernel/lib/fdt.h"
#include "kernel/lib/result.h"

// Adds to `info`:
//   - ram: every reg entry of every memory node (Fdt::memory_ranges);
//   - reserved: every entry of the memory reservation block, every reg entry of the children
//     of /reserved-memory whose status is not "disabled" (in that node's own cells; Linux's
//     reserved-memory binding: "no-map" regions are only reserved here), the blob
//     itself at `blob_address` (its totalsize), and the initrd;
//   - initrd: /chosen linux,initrd-start and linux,initrd-end (one or two cells each), as
//     early_init_dt_check_for_initrd reads them: absent when either is missing or unreadable,
//     or when end <= start.
// Errors: those of Fdt::memory_ranges (NotFound: no RAM at all) and of reg entries, and
// Error::NoSpace when a table of the BootInfo overflows.
Result<void> fdt_read_memory(const Fdt& fdt, uint64_t blob_address, BootInfo& info);
