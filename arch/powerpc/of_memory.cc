#include "arch/powerpc/of_memory.h"

#include "arch/powerpc/of.h"
#include "arch/powerpc/regs.h"
#include "kernel/lib/big_endian.h"
#include "kernel/lib/boot_info.h"
#include "kernel/lib/console.h"
#include "kernel/lib/string.h"
#include "kernel/mm/memory_map.h"

extern "C" char __kernel_start[];
extern "C" char __kernel_end[];

namespace of {
namespace {

// IEEE 1275 ("#address-cells", "#size-cells"): defaults when a node does not say.
constexpr uint32_t DEFAULT_ADDRESS_CELLS = 2;
constexpr uint32_t DEFAULT_SIZE_CELLS = 1;
// Enough for 16 entries of 2 + 2 cells.
constexpr uint32_t MAX_REG_CELLS = 64;

struct Cells {
  uint32_t address;
  uint32_t size;
};

uint32_t cell_count(Phandle node, const char* name, uint32_t fallback) {
  Result<uint64_t> cells = get_prop_number(node, name);
  if (cells.is_ok() && (cells.value() == 1 || cells.value() == 2)) {
    return static_cast<uint32_t>(cells.value());
  }
  return fallback;
}

Cells cells_of(Phandle node) {
  return Cells{cell_count(node, "#address-cells", DEFAULT_ADDRESS_CELLS),
               cell_count(node, "#size-cells", DEFAULT_SIZE_CELLS)};
}

// The next child of `parent` after `*node` (its first child when *node is 0): false past the
// last one.
Result<bool> next_child(Phandle parent, Phandle* node) {
  Result<Phandle> next = *node == 0 ? child(parent) : peer(*node);
  if (next.is_error() && next.error() == Error::NotFound) return false;
  *node = TRY(next);
  return true;
}

uint64_t read_cells(const be32* cells, uint32_t count) {
  uint64_t value = 0;
  for (uint32_t i = 0; i < count; ++i) value = (value << 32) | cells[i].load();
  return value;
}

// The (address, size) entries of a property such as "reg" or "available". Error::NotFound when
// the node has no such property.
struct RangeList {
  PhysicalRange ranges[MAX_REG_CELLS / 2];
  size_t count;
};
Result<void> read_ranges(Phandle node, const char* name, Cells cells, RangeList* out) {
  be32 raw[MAX_REG_CELLS];
  const uint32_t length = TRY(get_prop(node, name, raw, sizeof(raw)));
  const uint32_t entry_bytes = 4 * (cells.address + cells.size);
  if (length % entry_bytes != 0) return Error::Invalid;
  out->count = length / entry_bytes;
  for (size_t i = 0; i < out->count; i++) {
    const be32* entry = raw + i * (cells.address + cells.size);
    out->ranges[i] = PhysicalRange{read_cells(entry, cells.address),
                                   read_cells(entry + cells.address, cells.size)};
  }
  return {};
}

bool has_device_type(Phandle node, const char* type) {
  char value[16];
  Result<uint32_t> length = get_prop(node, "device_type", value, sizeof(value) - 1);
  if (length.is_error()) return false;
  value[length.value()] = '\0';
  return klib::str_equal(value, type);
}

// One memory node: its RAM, and what its "available" says the firmware claimed.
Result<void> read_memory_node(Phandle node, Cells cells, BootInfo& info) {
  RangeList reg{};
  Result<void> read = read_ranges(node, "reg", cells, &reg);
  if (read.is_error() && read.error() == Error::NotFound) return {};
  TRY(read);
  for (size_t i = 0; i < reg.count; i++) {
    TRY(boot_add_ram(info, reg.ranges[i].base, reg.ranges[i].size));
  }
  RangeList available{};
  read = read_ranges(node, "available", cells, &available);
  if (read.is_error() && read.error() == Error::NotFound) return {};
  TRY(read);
  MemoryMap claimed{};
  TRY(subtract_ranges(reg.ranges, reg.count, available.ranges, available.count, &claimed));
  const uint64_t kernel = reinterpret_cast<uint64_t>(__kernel_start);
  for (size_t i = 0; i < claimed.count; i++) {
    const PhysicalRange& range = claimed.ranges[i];
    TRY(boot_add_reserved(info, range.base, range.size, "firmware claim"));
    if (kernel >= range.base && kernel - range.base < range.size) info.loaded_image = range;
  }
  return {};
}

// The reserved-memory binding (Linux's drivers/of/of_reserved_mem.c): each child's "reg", in the
// node's own cells.
Result<void> read_reserved_memory(BootInfo& info) {
  Result<Phandle> parent = find_device("/reserved-memory");
  if (parent.is_error() && parent.error() == Error::NotFound) return {};
  const Cells cells = cells_of(TRY(parent));
  for (Phandle node = 0; TRY(next_child(parent.value(), &node));) {
    RangeList reg{};
    Result<void> read = read_ranges(node, "reg", cells, &reg);
    if (read.is_error() && read.error() == Error::NotFound) continue;
    TRY(read);
    for (size_t i = 0; i < reg.count; i++) {
      TRY(boot_add_reserved(info, reg.ranges[i].base, reg.ranges[i].size, "/reserved-memory"));
    }
  }
  return {};
}

// An RTAS instance, when something instantiated one: Linux's prom_instantiate_rtas records it as
// /rtas linux,rtas-base and rtas-size and reserves it. The kernel itself calls RTAS through an
// hcall and instantiates nothing.
Result<void> read_rtas(BootInfo& info) {
  Result<Phandle> rtas = find_device("/rtas");
  if (rtas.is_error()) return {};
  Result<uint64_t> base = get_prop_number(rtas.value(), "linux,rtas-base");
  Result<uint64_t> size = get_prop_number(rtas.value(), "rtas-size");
  if (base.is_error() || size.is_error() || size.value() == 0) return {};
  return boot_add_reserved(info, base.value(), size.value(), "RTAS");
}

// The root's "reserved-ranges", pairs of 2-cell address and 2-cell size, as Linux's
// arch/powerpc/kernel/prom.c early_reserve_mem_dt reads them.
Result<void> read_reserved_ranges(Phandle root, BootInfo& info) {
  RangeList ranges{};
  Result<void> read = read_ranges(root, "reserved-ranges", Cells{2, 2}, &ranges);
  if (read.is_error() && read.error() == Error::NotFound) return {};
  TRY(read);
  for (size_t i = 0; i < ranges.count; i++) {
    TRY(boot_add_reserved(info, ranges.ranges[i].base, ranges.ranges[i].size, "reserved-ranges"));
  }
  return {};
}

Result<void> read_initrd(BootInfo& info) {
  Result<Phandle> chosen = find_device("/chosen");
  if (chosen.is_error()) return {};
  Result<uint64_t> start = get_prop_number(chosen.value(), "linux,initrd-start");
  Result<uint64_t> end = get_prop_number(chosen.value(), "linux,initrd-end");
  if (start.is_error() || end.is_error()) return {};
  if (end.value() <= start.value()) {
    klog("powerpc: /chosen initrd %#llx-%#llx is empty or inverted; ignored",
         static_cast<unsigned long long>(start.value()),
         static_cast<unsigned long long>(end.value()));
    return {};
  }
  info.initrd = PhysicalRange{start.value(), end.value() - start.value()};
  return boot_add_reserved(info, info.initrd.base, info.initrd.size, "initrd");
}

}  // namespace

Result<void> read_memory(BootInfo& info) {
  const Phandle root = TRY(find_device("/"));
  const Cells cells = cells_of(root);
  for (Phandle node = 0; TRY(next_child(root, &node));) {
    if (has_device_type(node, "memory")) TRY(read_memory_node(node, cells, info));
  }
  if (info.ram_count == 0) return Error::NotFound;
  TRY(read_reserved_ranges(root, info));
  TRY(read_reserved_memory(info));
  TRY(read_rtas(info));
  TRY(read_initrd(info));
  // traps_install placed the scv vectors before anyone's claims were known: they must not lie in
  // memory the firmware or the loader holds.
  for (size_t i = 0; i < info.reserved_count; i++) {
    const PhysicalRange& range = info.reserved[i].range;
    if (range.base < SCV_VECTORS_START + SCV_VECTORS_AREA &&
        SCV_VECTORS_START < range.base + range.size) {
      klog("powerpc: the scv vectors at %#x overlap %#llx-%#llx (%s)", SCV_VECTORS_START,
           static_cast<unsigned long long>(range.base),
           static_cast<unsigned long long>(range.base + range.size), info.reserved[i].owner);
      return Error::Busy;
    }
  }
  // The vectors live from 0 to VECTORS_END (arch/powerpc/vector_area.cc), the image where it
  // was linked (the loader puts it at its link address).
  TRY(boot_add_reserved(info, 0, VECTORS_END, "interrupt vectors"));
  TRY(boot_add_reserved(info, SCV_VECTORS_START, SCV_VECTORS_AREA, "scv vectors"));
  const uint64_t start = reinterpret_cast<uint64_t>(__kernel_start);
  TRY(boot_add_reserved(info, start, reinterpret_cast<uint64_t>(__kernel_end) - start, "kernel"));
  return {};
}

}  // namespace of
