// kernel/arch/mte.h where there is no memory tagging (powerpc, and the host tests' stand-in): no
// page is tagged, addresses carry no tag bits, and the tagged address prctl calls are EINVAL
// (kernel/sys.c without SET_TAGGED_ADDR_CTRL).

#include "kernel/arch/mte.h"

#include "kernel/lib/string.h"

Result<void> arch_mte_init_page_flags() { return {}; }

bool arch_mte_page_tagged(uint64_t) { return false; }

void arch_mte_read_page_tags(uint64_t, uint8_t tags[MTE_PAGE_TAG_BYTES]) {
  klib::mem_set(tags, 0, MTE_PAGE_TAG_BYTES);
}

void arch_mte_init_zero_page(uint64_t) {}

void arch_mte_page_freed(uint64_t) {}

uint64_t arch_untagged_addr(uint64_t address) { return address; }

bool arch_tagged_addr_enabled(const UserContext*) { return false; }

Result<void> arch_set_tagged_addr_ctrl(UserContext*, uint64_t) { return Error::Invalid; }

Result<uint64_t> arch_get_tagged_addr_ctrl(const UserContext*) { return Error::Invalid; }
