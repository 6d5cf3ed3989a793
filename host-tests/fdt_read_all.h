// Reads everything a parsed device tree offers, for the FDT tests and the FDT fuzzer alike: every
// node's name and properties (as a string, as cells, as reg entries), each node's cell sizes,
// the memory ranges, the bootargs, a few paths and the reserved ranges. What matters is that
// each read ends and stays inside the blob (ASan watches the heap copy); the answers are not
// checked.
#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>

#include "kernel/lib/fdt.h"

namespace fdt_read_all_detail {

// False when the walk breaks a promise of kernel/lib/fdt.h: nodes nested deeper than
// Fdt::MAX_DEPTH, or a next sibling that does not lie after the node (the walk would not end).
inline bool read_node(const Fdt& fdt, FdtNode node, uint32_t depth) {
  if (depth > Fdt::MAX_DEPTH) return false;
  (void)std::strlen(fdt.node_name(node));
  for (size_t i = 0;; i++) {
    Result<FdtProperty> p = fdt.property_at(node, i);
    if (p.is_error()) break;
    (void)std::strlen(p.value().name);
    (void)p.value().string();
    // Cells past the end included; 64 at most, so a huge property does not slow the fuzzer.
    for (size_t c = 0; c <= p.value().size / 4 && c < 64; c++) {
      (void)p.value().cell(c);
      (void)p.value().cells(c, 2);
    }
    for (size_t entry = 0; entry < 8; entry++) (void)Fdt::reg_entry(p.value(), 2, 1, entry);
  }
  (void)fdt.address_cells(node);
  (void)fdt.size_cells(node);
  Result<FdtNode> child = fdt.first_child(node);
  if (child.is_error()) return true;
  FdtNode current = child.value();
  for (;;) {
    if (!read_node(fdt, current, depth + 1)) return false;
    Result<FdtNode> next = fdt.next_sibling(current);
    if (next.is_error()) return true;
    if (next.value().offset() <= current.offset()) return false;
    current = next.value();
  }
}

}  // namespace fdt_read_all_detail

// True when every read ended inside the blob and the tree kept the promises read_node names.
inline bool fdt_read_all(const Fdt& fdt) {
  if (!fdt_read_all_detail::read_node(fdt, fdt.root(), 1)) return false;
  FdtRange ranges[8];
  (void)fdt.memory_ranges(ranges, 8);
  Result<const char*> args = fdt.bootargs();
  if (args.is_ok()) (void)std::strlen(args.value());
  for (const char* path :
       {"/", "/chosen", "/memory", "/psci", "/a/b/c", "/a/b@1/c", "//chosen/", "//x//"}) {
    (void)fdt.find_node(path);
  }
  for (size_t i = 0; i < 8; i++) (void)fdt.reserved_range(i);
  return true;
}
