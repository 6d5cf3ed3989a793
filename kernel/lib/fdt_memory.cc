#include "kernel/lib/fdt_memory.h"

#include "kernel/lib/boot_info.h"
#include "kernel/lib/string.h"

namespace {

Result<void> read_ram(const Fdt& fdt, BootInfo& info) {
  FdtRange ranges[BOOT_MAX_RAM_RANGES];
  const size_t count = TRY(fdt.memory_ranges(ranges, BOOT_MAX_RAM_RANGES));
  for (size_t i = 0; i < count; i++) TRY(boot_add_ram(info, ranges[i].base, ranges[i].size));
  return {};
}

Result<void> read_reservation_block(const Fdt& fdt, BootInfo& info) {
  for (size_t i = 0;; i++) {
    Result<FdtRange> range = fdt.reserved_range(i);
    if (range.is_error()) return {};
    TRY(boot_add_reserved(info, range.value().base, range.value().size, "FDT reservation"));
  }
}

// Devicetree Specification "status": a node is in use unless it says otherwise ("okay" or the
// older "ok"); Linux's fdt_scan_reserved_mem skips the others.
bool is_available(const Fdt& fdt, FdtNode node) {
  Result<FdtProperty> status = fdt.property(node, "status");
  if (status.is_error()) return true;
  Result<const char*> text = status.value().string();
  return text.is_ok() &&
         (klib::str_equal(text.value(), "okay") || klib::str_equal(text.value(), "ok"));
}

Result<void> read_reserved_child(const Fdt& fdt, FdtNode node, uint32_t address_cells,
                                 uint32_t size_cells, BootInfo& info) {
  if (!is_available(fdt, node)) return {};
  Result<FdtProperty> reg = fdt.property(node, "reg");
  // A node without reg asks for a dynamic allocation ("size" and "alloc-ranges"): nothing is
  // there yet to keep out.
  if (reg.is_error() && reg.error() == Error::NotFound) return {};
  TRY(reg);
  for (size_t i = 0;; i++) {
    Result<FdtRange> range = Fdt::reg_entry(reg.value(), address_cells, size_cells, i);
    if (range.is_error() && range.error() == Error::Range) return {};
    TRY(range);
    TRY(boot_add_reserved(info, range.value().base, range.value().size, "/reserved-memory"));
  }
}

Result<void> read_reserved_memory(const Fdt& fdt, BootInfo& info) {
  Result<FdtNode> parent = fdt.find_node("/reserved-memory");
  if (parent.is_error() && parent.error() == Error::NotFound) return {};
  const uint32_t address_cells = TRY(fdt.address_cells(TRY(parent)));
  const uint32_t size_cells = TRY(fdt.size_cells(parent.value()));
  Result<FdtNode> first = fdt.first_child(parent.value());
  if (first.is_error() && first.error() == Error::NotFound) return {};
  for (FdtNode node = TRY(first);;) {
    TRY(read_reserved_child(fdt, node, address_cells, size_cells, info));
    Result<FdtNode> next = fdt.next_sibling(node);
    if (next.is_error() && next.error() == Error::NotFound) return {};
    node = TRY(next);
  }
}

// A number property of 1 or 2 cells, as Linux's of_read_number reads a property of len/4 cells.
Result<uint64_t> read_number(const Fdt& fdt, FdtNode node, const char* name) {
  const FdtProperty property = TRY(fdt.property(node, name));
  if (property.size != 4 && property.size != 8) return Error::Invalid;
  return property.cells(0, property.size / 4);
}

Result<void> read_initrd(const Fdt& fdt, BootInfo& info) {
  Result<FdtNode> chosen = fdt.find_node("/chosen");
  if (chosen.is_error()) return {};
  Result<uint64_t> start = read_number(fdt, chosen.value(), "linux,initrd-start");
  Result<uint64_t> end = read_number(fdt, chosen.value(), "linux,initrd-end");
  if (start.is_error() || end.is_error() || end.value() <= start.value()) return {};
  info.initrd = PhysicalRange{start.value(), end.value() - start.value()};
  return boot_add_reserved(info, info.initrd.base, info.initrd.size, "initrd");
}

}  // namespace

Result<void> fdt_read_memory(const Fdt& fdt, uint64_t blob_address, BootInfo& info) {
  TRY(read_ram(fdt, info));
  TRY(read_reservation_block(fdt, info));
  TRY(read_reserved_memory(fdt, info));
  TRY(boot_add_reserved(info, blob_address, fdt.total_size(), "device tree"));
  TRY(read_initrd(fdt, info));
  return {};
}
