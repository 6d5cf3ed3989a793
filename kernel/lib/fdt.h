// A reader for flattened device tree blobs (DTB), as the Devicetree Specification v0.4,
// chapter 5 "Flattened Devicetree (DTB) Format" defines them. The blob may come from anywhere
// (a boot loader, a fuzzer): Fdt::parse validates all of it up front (header, memory
// reservation block, the whole structure block and every string it names), and every later
// read is bounds-checked again, so a malformed blob is an Error, never a crash or a hang.
//
//   Result<Fdt> fdt = Fdt::parse(blob, readable_bytes);
//   Result<FdtNode> chosen = fdt.value().find_node("/chosen");
//
// No allocation, no I/O, no arch code: the same file is built into the kernels and host-tests.
// All multi-byte values in a blob are big-endian; the reader converts them.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"

// A node: the offset of its FDT_BEGIN_NODE token in the structure block. Only Fdt makes them.
class FdtNode {
 public:
  uint32_t offset() const { return m_offset; }
  bool operator==(const FdtNode&) const = default;

 private:
  friend class Fdt;
  explicit FdtNode(uint32_t offset) : m_offset(offset) {}
  uint32_t m_offset;
};

// A property: its name and value bytes, both inside the blob.
struct FdtProperty {
  const char* name;
  const uint8_t* data;
  uint32_t size;

  // The index-th 32-bit cell. Error::Range past the end.
  Result<uint32_t> cell(size_t index) const;
  // A number `count` cells wide (1 or 2) starting at cell `index`: Error::Range past the end,
  // Error::NotSupported for other widths.
  Result<uint64_t> cells(size_t index, uint32_t count) const;
  // The value as one string: Error::Invalid unless it is non-empty and NUL-terminated.
  Result<const char*> string() const;
};

// One [base, base + size) range of a reg property or of the memory reservation block.
struct FdtRange {
  uint64_t base;
  uint64_t size;
};

class Fdt {
 public:
  static constexpr uint32_t MAGIC = 0xd00dfeed;
  // Version 17 is what dtc and QEMU write; 16 lacks size_dt_struct, so bounds could not be kept.
  static constexpr uint32_t VERSION = 17;
  static constexpr uint32_t HEADER_SIZE = 40;
  // Deepest node nesting accepted (the root is depth 1).
  static constexpr uint32_t MAX_DEPTH = 64;

  // Validates the blob at `blob`, of which `capacity` bytes may be read (the blob's own
  // totalsize must fit in them). Errors: Range if capacity or totalsize is below the header size
  // or totalsize exceeds capacity (truncated); Invalid for a bad magic or any malformed block,
  // string, token or nesting; NotSupported for versions other than 17-compatible. When `reason`
  // is given it receives a short static description of what was wrong.
  static Result<Fdt> parse(const void* blob, size_t capacity, const char** reason = nullptr);

  uint32_t total_size() const { return m_total_size; }
  FdtNode root() const { return FdtNode(m_root); }

  // Looks a node up by absolute path ("/", "/chosen", "/soc/uart@9000000"). A path component
  // without '@' also matches a node whose name has a unit address ("memory" finds
  // "memory@40000000"); the first match wins. Error::NotFound when there is no such node,
  // Error::Invalid for a relative path.
  Result<FdtNode> find_node(const char* path) const;
  // The node's name with its unit address ("" for the root).
  const char* node_name(FdtNode node) const;
  // Error::NotFound when the node has no children / no further siblings.
  Result<FdtNode> first_child(FdtNode node) const;
  Result<FdtNode> next_sibling(FdtNode node) const;

  // Error::NotFound when the node has no property of that name.
  Result<FdtProperty> property(FdtNode node, const char* name) const;
  // The property at position `index` of the node (for walking all of them); NotFound past the
  // last one.
  Result<FdtProperty> property_at(FdtNode node, size_t index) const;

  // #address-cells and #size-cells of a node, which apply to its children's reg: the spec's
  // defaults 2 and 1 when absent; Error::Invalid when the property is not one cell or above 4.
  Result<uint32_t> address_cells(FdtNode node) const;
  Result<uint32_t> size_cells(FdtNode node) const;
  // Entry `index` of a reg property whose parent has the given cell counts. Error::Range past
  // the last entry; NotSupported for cell counts the 64-bit range cannot hold (0 address
  // cells, or more than 2 of either); Invalid when the length is not a multiple of an entry.
  static Result<FdtRange> reg_entry(const FdtProperty& reg, uint32_t address_cells,
                                    uint32_t size_cells, size_t index);

  // The RAM ranges: every reg entry of the root's memory nodes (named "memory" or "memory@...",
  // or with device_type "memory"), in blob order, using the root's cell counts. Fills up to
  // `capacity` entries and returns how many there are. Error::NotFound when there are none,
  // Error::NoSpace when there are more than `capacity`, and the errors of reg_entry.
  Result<size_t> memory_ranges(FdtRange* out, size_t capacity) const;
  // /chosen/bootargs: "" when /chosen or bootargs is absent, Error::Invalid when it is not a
  // NUL-terminated string.
  Result<const char*> bootargs() const;
  // Entry `index` of the memory reservation block; Error::NotFound past the last one.
  Result<FdtRange> reserved_range(size_t index) const;

 private:
  Fdt() = default;

  Result<uint32_t> token_at(uint32_t offset) const;
  Result<uint32_t> skip_node_name(uint32_t offset) const;
  Result<uint32_t> skip_nops(uint32_t offset) const;
  Result<FdtProperty> read_property(uint32_t offset, uint32_t* next) const;
  Result<uint32_t> first_property_offset(FdtNode node) const;
  Result<uint32_t> skip_subtree(FdtNode node) const;
  // Moves `node` to its next sibling: false when there is none.
  Result<bool> advance(FdtNode& node) const;
  Result<uint32_t> cell_count(FdtNode node, const char* name, uint32_t fallback) const;
  Result<void> validate_structure(const char** reason);

  const uint8_t* m_blob = nullptr;
  uint32_t m_total_size = 0;
  const uint8_t* m_struct = nullptr;
  uint32_t m_struct_size = 0;
  const char* m_strings = nullptr;
  uint32_t m_strings_size = 0;
  uint32_t m_reserve_offset = 0;
  uint32_t m_root = 0;
};
