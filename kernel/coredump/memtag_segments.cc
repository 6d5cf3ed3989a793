#include "kernel/coredump/memtag_segments.h"

namespace {

bool tagged(const CoreVma& m) { return (m.flags & VM_MTE) != 0; }
uint64_t tag_bytes(const CoreVma& m) { return (m.dump_size / PAGE_SIZE) * MEMTAG_PAGE_BYTES; }

size_t phdrs(void*, const CoreSegments& s) {
  size_t n = 0;
  for (size_t i = 0; i < s.count; i++) n += tagged(s.vmas[i]) ? 1 : 0;
  return n;
}

uint64_t data_size(void*, const CoreSegments& s) {
  uint64_t n = 0;
  for (size_t i = 0; i < s.count; i++) n += tagged(s.vmas[i]) ? tag_bytes(s.vmas[i]) : 0;
  return n;
}

void write_phdrs(void*, const CoreSegments& s, uint64_t offset, CoreEmitter& out) {
  for (size_t i = 0; i < s.count; i++) {
    const CoreVma& m = s.vmas[i];
    if (!tagged(m)) continue;
    out.unit(ELF64_PHDR_SIZE);
    out.u32(PT_AARCH64_MEMTAG_MTE);
    out.u32(0);  // p_flags
    out.u64(offset);
    out.u64(m.start);
    out.u64(0);  // p_paddr
    out.u64(tag_bytes(m));
    out.u64(m.size());
    out.u64(0);  // p_align
    offset += tag_bytes(m);
  }
}

void write_data(void* context, const CoreSegments& s, CoreEmitter& out) {
  const auto& source = *static_cast<const CoreTagSource*>(context);
  uint8_t tags[MEMTAG_PAGE_BYTES];
  for (size_t i = 0; i < s.count; i++) {
    const CoreVma& m = s.vmas[i];
    if (!tagged(m)) continue;
    for (uint64_t off = 0; off < m.dump_size; off += PAGE_SIZE) {
      if (source.page_tags(source.context, m, m.start + off, tags)) {
        out.unit(sizeof(tags));
        out.bytes(tags, sizeof(tags));
      } else {
        out.hole(sizeof(tags));
      }
    }
  }
}

}  // namespace

CoreExtraSegments memtag_segments(const CoreTagSource& source) {
  CoreExtraSegments hooks{};
  hooks.phdrs = phdrs;
  hooks.data_size = data_size;
  hooks.write_phdrs = write_phdrs;
  hooks.write_data = write_data;
  hooks.context = const_cast<CoreTagSource*>(&source);
  return hooks;
}

void memtag_pack(const uint8_t tags[PAGE_SIZE / 16], uint8_t out[MEMTAG_PAGE_BYTES]) {
  for (uint64_t k = 0; k < MEMTAG_PAGE_BYTES; k++) {
    out[k] = static_cast<uint8_t>((tags[2 * k] & 0xf) | (tags[2 * k + 1] & 0xf) << 4);
  }
}
