// Memory-tagging contract: what neutral code (the process layer, core dumps) needs of the arch's
// allocation tags and of the tagged address ABI. On arm64 it is MTE (Linux 6.12
// Documentation/arch/arm64/memory-tagging-extension.rst and tagged-address-abi.rst); every other
// arch and the host implement it as "no tags": nothing is tagged, addresses carry no tag bits and
// the prctl calls are EINVAL, as Linux's kernel/sys.c answers where the arch defines none.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/user.h"
#include "kernel/lib/result.h"

// One 4-bit allocation tag per 16-byte granule: 256 per 4 KiB page, packed two to a byte with the
// lower-addressed granule in the low nibble (the layout of Linux's mte_save_page_tags() and of
// the PT_AARCH64_MEMTAG_MTE segment of a core file, arch/arm64/kernel/elfcore.c).
inline constexpr size_t MTE_GRANULE_SIZE = 16;
inline constexpr size_t MTE_PAGE_TAG_BYTES = 4096 / MTE_GRANULE_SIZE / 2;

// Called once by kernel_main as soon as the page allocator is up: takes the memory for the
// per-page "tagged" flags (arm64 with MTE: one bit per page of RAM). Error::NoMemory.
Result<void> arch_mte_init_page_flags();

// Whether the page at physical address `pa` holds allocation tags that mean something: it was
// mapped into a VM_MTE mapping since it was last allocated, and its tags were cleared then
// (Linux's PG_mte_tagged, set by mte_sync_tags()). False for every page without arch MTE.
bool arch_mte_page_tagged(uint64_t pa);

// Reads the 256 tags of the page at `pa` into `tags`, packed as above. A page that is not
// tagged (arch_mte_page_tagged false) reads as all zero tags, as Linux's core dump writes it.
void arch_mte_read_page_tags(uint64_t pa, uint8_t tags[MTE_PAGE_TAG_BYTES]);

// Called once at boot with the shared zero page (kernel/proc/kernel_memory.h) before anything
// maps it: clears its tags, as Linux's cpu_enable_mte() clears those of empty_zero_page, so that
// only tag 0 reads it in a VM_MTE mapping. It never counts as tagged (Linux maps it
// pte_special(), which mte_sync_tags() skips): mapping it VM_MTE leaves its tags and flag alone.
void arch_mte_init_zero_page(uint64_t pa);

// Called when the page at `pa` goes back to the page allocator: it is no longer tagged (Linux
// clears PG_mte_tagged with the page's other flags when it is freed).
void arch_mte_page_freed(uint64_t pa);

// The address with its tag bits removed (arm64 untagged_addr(): bits 63:56 copied from bit 55, so
// a user address gets a zero top byte); the address itself where there are no tag bits.
uint64_t arch_untagged_addr(uint64_t address);

// Whether `context`'s program enabled the tagged address ABI (PR_TAGGED_ADDR_ENABLE), so that
// pointers it passes to the kernel may carry a tag.
bool arch_tagged_addr_enabled(const UserContext* context);

// prctl(PR_SET_TAGGED_ADDR_CTRL, arg): Linux's set_tagged_addr_ctrl() (arch/arm64/kernel/
// process.c, mte.c). Takes effect from the program's next run. Error::Invalid for a bit outside
// PR_TAGGED_ADDR_ENABLE (and, with MTE, PR_MTE_TCF_SYNC, PR_MTE_TCF_ASYNC and PR_MTE_TAG_MASK), and
// everywhere without a tagged address ABI.
Result<void> arch_set_tagged_addr_ctrl(UserContext* context, uint64_t arg);
// prctl(PR_GET_TAGGED_ADDR_CTRL): the value as get_tagged_addr_ctrl() builds it. Error::Invalid
// without a tagged address ABI.
Result<uint64_t> arch_get_tagged_addr_ctrl(const UserContext* context);
