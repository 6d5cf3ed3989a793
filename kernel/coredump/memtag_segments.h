// arm64's extra core segments (arch/arm64/kernel/elfcore.c): one PT_AARCH64_MEMTAG_MTE program
// header per VM_MTE VMA of the snapshot, after the PT_LOADs, with that VMA's allocation tags as
// its data. Neutral code over a CoreTagSource, so host tests drive it with a fake one and the
// arm64 kernel only adapts its tag storage.
//
// Each header: p_type 0x70000002, p_flags, p_paddr and p_align 0, p_vaddr and p_memsz those of
// the VMA's PT_LOAD, p_filesz = (its dump size / PAGE_SIZE) * 128 (0 for a VMA not dumped),
// p_offset running on from the end of the PT_LOAD data without alignment. The data is, for each
// dumped page, its 128 tag bytes as mte_save_page_tags stores them: byte k holds granule 2k's tag
// in its low nibble and granule 2k + 1's in its high nibble; a page without tags (never tagged,
// or no page at all) is a hole of zeros.
#pragma once

#include <stdint.h>

#include "kernel/coredump/core_writer.h"

inline constexpr uint32_t PT_AARCH64_MEMTAG_MTE = 0x70000002;  // PT_LOPROC + 2
// MTE_PAGE_TAG_STORAGE: a 4-bit tag per 16-byte granule.
inline constexpr uint64_t MEMTAG_PAGE_BYTES = PAGE_SIZE / 16 / 2;

// Where the tags come from. page_tags fills `out` with the tags of the page at va (page aligned,
// inside `vma`, a VM_MTE VMA) and returns true, or returns false when the page holds no tags.
// It must not allocate a page.
struct CoreTagSource {
  bool (*page_tags)(void* context, const CoreVma& vma, uint64_t va, uint8_t out[MEMTAG_PAGE_BYTES]);
  void* context;
};

// The hooks for CoreRequest::extra; they keep a pointer to `source`, which must outlive them.
CoreExtraSegments memtag_segments(const CoreTagSource& source);

// Packs one tag per granule (tags[i] the tag of granule i, 0..15) into the core's 128 bytes.
void memtag_pack(const uint8_t tags[PAGE_SIZE / 16], uint8_t out[MEMTAG_PAGE_BYTES]);
