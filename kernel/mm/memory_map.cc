#include "kernel/mm/memory_map.h"

#include "kernel/lib/kstd.h"
#include "kernel/mm/page_allocator.h"

namespace {

uint64_t end_of(const PhysicalRange& range) { return range.base + range.size; }

// Insertion sort by base: the maps hold a few dozen ranges at most.
void sort_by_base(PhysicalRange* ranges, size_t count) {
  for (size_t i = 1; i < count; i++) {
    const PhysicalRange moving = ranges[i];
    size_t j = i;
    for (; j > 0 && ranges[j - 1].base > moving.base; j--) ranges[j] = ranges[j - 1];
    ranges[j] = moving;
  }
}

// Cuts [start, end) out of every range of `map`, whose ranges are sorted and disjoint, keeping
// them so (and page aligned, when they and the cut are).
Result<void> cut(MemoryMap* map, uint64_t start, uint64_t end) {
  for (size_t i = 0; i < map->count; i++) {
    PhysicalRange& piece = map->ranges[i];
    const uint64_t piece_end = end_of(piece);
    if (end <= piece.base || start >= piece_end) continue;
    const bool keep_low = start > piece.base;
    const bool keep_high = end < piece_end;
    if (keep_low && keep_high) {
      if (map->count == MEMORY_MAP_CAPACITY) return Error::NoSpace;
      for (size_t j = map->count; j > i + 1; j--) map->ranges[j] = map->ranges[j - 1];
      map->count++;
      map->ranges[i + 1] = PhysicalRange{end, piece_end - end};
      piece.size = start - piece.base;
      i++;
    } else if (keep_low) {
      piece.size = start - piece.base;
    } else if (keep_high) {
      piece = PhysicalRange{end, piece_end - end};
    } else {
      for (size_t j = i; j + 1 < map->count; j++) map->ranges[j] = map->ranges[j + 1];
      map->count--;
      i--;
    }
  }
  return {};
}

// Sorted, merged (overlapping or touching ranges joined), empty ranges dropped, exact to the
// byte.
Result<void> merged_map(const PhysicalRange* ranges, size_t count, MemoryMap* out) {
  if (count > MEMORY_MAP_CAPACITY) return Error::NoSpace;
  size_t kept = 0;
  for (size_t i = 0; i < count; i++) {
    uint64_t end = 0;
    if (!kstd::checked_add(ranges[i].base, ranges[i].size, &end)) return Error::Range;
    if (ranges[i].size != 0) out->ranges[kept++] = ranges[i];
  }
  sort_by_base(out->ranges, kept);
  out->count = 0;
  for (size_t i = 0; i < kept; i++) {
    const PhysicalRange next = out->ranges[i];
    if (out->count > 0 && next.base <= end_of(out->ranges[out->count - 1])) {
      PhysicalRange& last = out->ranges[out->count - 1];
      last.size = kstd::max(end_of(last), end_of(next)) - last.base;
    } else {
      out->ranges[out->count++] = next;
    }
  }
  return {};
}

}  // namespace

Result<void> ram_map(const PhysicalRange* ram, size_t ram_count, MemoryMap* out) {
  // Merging before rounding lets two unaligned neighbours that meet mid-page keep that page.
  TRY(merged_map(ram, ram_count, out));
  size_t kept = 0;
  for (size_t i = 0; i < out->count; i++) {
    uint64_t start = 0;
    if (!kstd::checked_align_up(out->ranges[i].base, PAGE_SIZE, &start)) continue;
    const uint64_t end = kstd::align_down(end_of(out->ranges[i]), PAGE_SIZE);
    if (end > start) out->ranges[kept++] = PhysicalRange{start, end - start};
  }
  out->count = kept;
  return {};
}

Result<void> subtract_ranges(const PhysicalRange* from, size_t from_count,
                             const PhysicalRange* holes, size_t hole_count, MemoryMap* out) {
  TRY(merged_map(from, from_count, out));
  for (size_t i = 0; i < hole_count; i++) {
    uint64_t end = 0;
    if (!kstd::checked_add(holes[i].base, holes[i].size, &end)) return Error::Range;
    if (holes[i].size != 0) TRY(cut(out, holes[i].base, end));
  }
  return {};
}

Result<void> usable_map(const PhysicalRange* ram, size_t ram_count, const ReservedRange* reserved,
                        size_t reserved_count, MemoryMap* out) {
  TRY(ram_map(ram, ram_count, out));
  for (size_t i = 0; i < reserved_count; i++) {
    const PhysicalRange& range = reserved[i].range;
    if (range.size == 0) continue;
    uint64_t end = 0;
    if (!kstd::checked_add(range.base, range.size, &end)) end = kstd::U64_MAX;
    // Whole pages outward; a last page that would round past 2^64 is cut to the top, which
    // removes it anyway since no RAM piece can end above U64_MAX.
    uint64_t page_end = 0;
    if (!kstd::checked_align_up(end, PAGE_SIZE, &page_end)) page_end = kstd::U64_MAX;
    TRY(cut(out, kstd::align_down(range.base, PAGE_SIZE), page_end));
  }
  return {};
}

uint64_t map_bytes(const MemoryMap& map) {
  uint64_t total = 0;
  for (size_t i = 0; i < map.count; i++) total += map.ranges[i].size;
  return total;
}

bool map_contains(const MemoryMap& map, uint64_t base, uint64_t size) {
  uint64_t end = 0;
  if (size == 0 || !kstd::checked_add(base, size, &end)) return false;
  for (size_t i = 0; i < map.count; i++) {
    if (base >= map.ranges[i].base && end <= end_of(map.ranges[i])) return true;
  }
  return false;
}
