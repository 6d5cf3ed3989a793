// VMSAv8-64 stage 1 translation table descriptors for the 4 KiB granule (Arm ARM, "Translation
// table descriptor formats" and "Memory region attributes"), shared by the kernel's boot map
// (mmu_boot.cc) and the user page tables (page_table.cc).
//
//   63    55 54  53  52   51 50 49 48 47                12 11 10 9  8 7  6 5  4    2 1 0
//  | ign.  |UXN|PXN|Cont|DBM|GP| res0 |   output address   |nG|AF| SH | AP |NS|AttrIdx|T|V|
//
// Bit 1 (T) is set in table and page (level 3) descriptors and clear in block descriptors. With
// TCR_EL1.DS (FEAT_LPA2, 52-bit addresses) bits [9:8] hold output address bits [51:50] instead
// of SH, in every descriptor of both halves, and TCR_EL1.SH0/SH1 give the shareability; the
// descriptors are built with mmu_shareability() (mmu_boot.h), which knows which.
#pragma once

#include <stdint.h>

namespace arm64 {

constexpr uint64_t DESC_VALID = uint64_t{1} << 0;
constexpr uint64_t DESC_TABLE = uint64_t{1} << 1;  // table (levels 0-2) or page (level 3)
constexpr uint64_t DESC_BLOCK = DESC_VALID;
constexpr uint64_t DESC_PAGE = DESC_VALID | DESC_TABLE;
constexpr unsigned DESC_ATTR_INDEX_SHIFT = 2;
constexpr uint64_t DESC_ATTR_INDEX_MASK = uint64_t{7} << DESC_ATTR_INDEX_SHIFT;
// AP[2:1] in bits [7:6]: bit 6 grants EL0 the access EL1 has, bit 7 makes it read-only.
constexpr uint64_t DESC_AP_EL0 = uint64_t{1} << 6;
constexpr uint64_t DESC_AP_READ_ONLY = uint64_t{1} << 7;
constexpr uint64_t DESC_SH_INNER = uint64_t{3} << 8;
constexpr uint64_t DESC_AF = uint64_t{1} << 10;
constexpr uint64_t DESC_NG = uint64_t{1} << 11;
// GP (FEAT_BTI): a guarded page, where an indirect branch must land on a BTI instruction.
constexpr uint64_t DESC_GP = uint64_t{1} << 50;
constexpr uint64_t DESC_PXN = uint64_t{1} << 53;
constexpr uint64_t DESC_UXN = uint64_t{1} << 54;
constexpr uint64_t DESC_ADDRESS_MASK = 0x0000fffffffff000;

// MAIR_EL1 attribute indices (Arm ARM, register MAIR_EL1): 0x00 Device-nGnRnE, 0xff Normal
// inner/outer write-back read/write-allocate, 0xf0 Normal Tagged (MTE allocation tags checked).
constexpr unsigned MAIR_INDEX_DEVICE = 0;
constexpr unsigned MAIR_INDEX_NORMAL = 1;
constexpr unsigned MAIR_INDEX_TAGGED = 2;
constexpr uint64_t MAIR_VALUE = (uint64_t{0x00} << (8 * MAIR_INDEX_DEVICE)) |
                                (uint64_t{0xff} << (8 * MAIR_INDEX_NORMAL)) |
                                (uint64_t{0xf0} << (8 * MAIR_INDEX_TAGGED));

constexpr uint64_t desc_attr_index(unsigned index) {
  return uint64_t{index} << DESC_ATTR_INDEX_SHIFT;
}

// 512 eight-byte entries per 4 KiB table; level L resolves VA bits [47 - 9L : 39 - 9L], and
// level -1, where 52-bit VAs start their walks, bits [51:48] (16 entries are used).
constexpr unsigned TABLE_ENTRIES = 512;
constexpr unsigned level_shift(int level) { return static_cast<unsigned>(39 - 9 * level); }
constexpr unsigned table_index(uint64_t va, int level) {
  return static_cast<unsigned>((va >> level_shift(level)) & (TABLE_ENTRIES - 1));
}

}  // namespace arm64
