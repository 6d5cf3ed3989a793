// Memory as Open Firmware describes it, read through the client interface before quiesce, as
// Linux's prom_init does: every RAM range of every memory node, and every range the kernel must
// keep out of its page allocator.
#pragma once

#include "kernel/arch/boot.h"
#include "kernel/lib/result.h"

namespace of {

// Fills info.ram, info.reserved, info.loaded_image and info.initrd from the device tree:
//   - RAM: every "reg" entry of every root child with device_type "memory";
//   - reserved: what each memory node's "available" leaves out of its "reg" (what the firmware
//     claimed: its own code and stack, the loaded kernel, the initrd), the root's
//     "reserved-ranges", every "reg" entry of the children of /reserved-memory, an instantiated
//     RTAS (/rtas linux,rtas-base and rtas-size), the initrd, the interrupt vectors and the kernel
//     image as linked;
//   - loaded_image: the claimed range that holds the kernel's first byte;
//   - initrd: /chosen linux,initrd-start and linux,initrd-end, as Linux's
//     early_init_dt_check_for_initrd reads them (none when either is missing or end <= start).
// Errors: Error::NotFound when no memory node has a "reg"; Error::Invalid for a "reg" or
// "available" whose length is not a whole number of entries; Error::NoSpace when a table of the
// BootInfo overflows; Error::Io when a client-interface call fails.
Result<void> read_memory(BootInfo& info);

}  // namespace of
