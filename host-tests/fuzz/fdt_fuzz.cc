// libFuzzer target for the device tree reader (kernel/lib/fdt.cc). Each input is tried twice:
// as a whole blob, and as a structure block and strings block behind a valid header, so the
// fuzzer spends its time in the structure walk rather than rediscovering the header. Whatever
// parse() accepts is then read completely. ASan and UBSan turn any out-of-bounds read, overflow
// or runaway recursion into a crash; libFuzzer's -timeout catches a hang. The memory the blob
// describes (fdt_read_memory) goes through the memory map, whose invariants are checked.

#include <stddef.h>
#include <stdint.h>

#include <cstring>
#include <vector>

#include "host-tests/fdt_read_all.h"
#include "kernel/lib/fdt.h"
#include "kernel/lib/fdt_memory.h"
#include "kernel/mm/memory_map.h"
#include "kernel/mm/page_allocator.h"

namespace {

// Whatever memory the blob describes, the usable map is sorted, disjoint, page aligned, inside
// RAM and clear of every reservation.
void check_memory_map(const BootInfo& info) {
  MemoryMap ram{};
  MemoryMap usable{};
  if (ram_map(info.ram, info.ram_count, &ram).is_error()) return;
  if (usable_map(info.ram, info.ram_count, info.reserved, info.reserved_count, &usable)
          .is_error()) {
    return;
  }
  for (size_t i = 0; i < usable.count; i++) {
    const PhysicalRange& piece = usable.ranges[i];
    if (piece.size == 0 || piece.base % PAGE_SIZE != 0 || piece.size % PAGE_SIZE != 0) {
      __builtin_trap();
    }
    if (!map_contains(ram, piece.base, piece.size)) __builtin_trap();
    if (i > 0 && piece.base < usable.ranges[i - 1].base + usable.ranges[i - 1].size) {
      __builtin_trap();
    }
    for (size_t r = 0; r < info.reserved_count; r++) {
      const PhysicalRange& hole = info.reserved[r].range;
      uint64_t end = 0;
      if (hole.size == 0) continue;
      if (__builtin_add_overflow(hole.base, hole.size, &end)) end = ~uint64_t{0};
      if (hole.base < piece.base + piece.size && end > piece.base) __builtin_trap();
    }
  }
}

void exercise(const uint8_t* blob, size_t size) {
  // An exact-size heap copy, so ASan sees a read one byte past the end.
  std::vector<uint8_t> copy(blob, blob + size);
  Result<Fdt> parsed = Fdt::parse(copy.empty() ? nullptr : copy.data(), copy.size());
  if (parsed.is_error()) return;
  const Fdt& fdt = parsed.value();
  if (fdt.total_size() > size) __builtin_trap();
  if (!fdt_read_all(fdt)) __builtin_trap();
  BootInfo info{};
  if (fdt_read_memory(fdt, 0x48000000, info).is_ok()) check_memory_map(info);
}

void put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  b[at] = v >> 24;
  b[at + 1] = v >> 16;
  b[at + 2] = v >> 8;
  b[at + 3] = v;
}

// header (40) | empty reservation block (16) | structure | strings
void exercise_behind_header(const uint8_t* data, size_t size) {
  if (size < 2) return;
  const size_t body = size - 2;
  const size_t struct_size = ((size_t{data[0]} << 8) | data[1]) % (body + 1);
  std::vector<uint8_t> blob(56, 0);
  blob.insert(blob.end(), data + 2, data + size);
  put32(blob, 0, Fdt::MAGIC);
  put32(blob, 4, static_cast<uint32_t>(blob.size()));
  put32(blob, 8, 56);
  put32(blob, 12, static_cast<uint32_t>(56 + struct_size));
  put32(blob, 16, 40);
  put32(blob, 20, 17);
  put32(blob, 24, 16);
  put32(blob, 32, static_cast<uint32_t>(body - struct_size));
  put32(blob, 36, static_cast<uint32_t>(struct_size));
  exercise(blob.data(), blob.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  exercise(data, size);
  exercise_behind_header(data, size);
  return 0;
}
