#include "kernel/lib/fdt.h"

namespace {

// Structure block tokens (Devicetree Specification v0.4, 5.4.1).
constexpr uint32_t FDT_BEGIN_NODE = 1;
constexpr uint32_t FDT_END_NODE = 2;
constexpr uint32_t FDT_PROP = 3;
constexpr uint32_t FDT_NOP = 4;
constexpr uint32_t FDT_END = 9;

// Header fields (5.2), byte offsets.
constexpr size_t HDR_MAGIC = 0;
constexpr size_t HDR_TOTALSIZE = 4;
constexpr size_t HDR_OFF_DT_STRUCT = 8;
constexpr size_t HDR_OFF_DT_STRINGS = 12;
constexpr size_t HDR_OFF_MEM_RSVMAP = 16;
constexpr size_t HDR_VERSION = 20;
constexpr size_t HDR_LAST_COMP_VERSION = 24;
constexpr size_t HDR_SIZE_DT_STRINGS = 32;
constexpr size_t HDR_SIZE_DT_STRUCT = 36;

constexpr size_t RESERVE_ENTRY_SIZE = 16;

uint32_t load_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

uint64_t load_be64(const uint8_t* p) { return (uint64_t{load_be32(p)} << 32) | load_be32(p + 4); }

// Length of the string at s, looking at no more than `limit` bytes; `limit` when unterminated.
size_t bounded_length(const char* s, size_t limit) {
  size_t n = 0;
  while (n < limit && s[n] != '\0') n++;
  return n;
}

bool same(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) {
    a++;
    b++;
  }
  return *a == *b;
}

// Whether path component [component, component + length) names `node_name`: exactly, or, when
// the component has no unit address, as the part of the name before '@'.
bool component_matches(const char* component, size_t length, const char* node_name) {
  bool has_unit = false;
  for (size_t i = 0; i < length; i++) has_unit = has_unit || component[i] == '@';
  size_t i = 0;
  for (; i < length; i++) {
    if (node_name[i] != component[i]) return false;
  }
  return node_name[i] == '\0' || (!has_unit && node_name[i] == '@');
}

bool is_memory_name(const char* name) { return component_matches("memory", 6, name); }

constexpr uint32_t align4(uint64_t value) { return static_cast<uint32_t>((value + 3) & ~3ull); }

}  // namespace

Result<uint32_t> FdtProperty::cell(size_t index) const {
  if (index >= size / 4) return Error::Range;
  return load_be32(data + index * 4);
}

Result<uint64_t> FdtProperty::cells(size_t index, uint32_t count) const {
  if (count != 1 && count != 2) return Error::NotSupported;
  if (index > size / 4 || size / 4 - index < count) return Error::Range;
  return count == 1 ? uint64_t{load_be32(data + index * 4)} : load_be64(data + index * 4);
}

Result<const char*> FdtProperty::string() const {
  const char* text = reinterpret_cast<const char*>(data);
  if (size == 0 || bounded_length(text, size) != size - 1) return Error::Invalid;
  return text;
}

Result<Fdt> Fdt::parse(const void* blob, size_t capacity, const char** reason) {
  const uint8_t* bytes = static_cast<const uint8_t*>(blob);
  if (bytes == nullptr || capacity < HEADER_SIZE) {
    return with_reason(reason, Error::Range, "shorter than the header");
  }
  if (load_be32(bytes + HDR_MAGIC) != MAGIC)
    return with_reason(reason, Error::Invalid, "bad magic");
  const uint32_t version = load_be32(bytes + HDR_VERSION);
  const uint32_t last_compatible = load_be32(bytes + HDR_LAST_COMP_VERSION);
  if (version < VERSION || last_compatible > VERSION) {
    return with_reason(reason, Error::NotSupported, "unsupported version");
  }
  const uint32_t total = load_be32(bytes + HDR_TOTALSIZE);
  if (total < HEADER_SIZE)
    return with_reason(reason, Error::Range, "totalsize below the header size");
  if (total > capacity)
    return with_reason(reason, Error::Range, "truncated: totalsize exceeds the data");

  const uint32_t struct_offset = load_be32(bytes + HDR_OFF_DT_STRUCT);
  const uint32_t struct_size = load_be32(bytes + HDR_SIZE_DT_STRUCT);
  const uint32_t strings_offset = load_be32(bytes + HDR_OFF_DT_STRINGS);
  const uint32_t strings_size = load_be32(bytes + HDR_SIZE_DT_STRINGS);
  const uint32_t reserve_offset = load_be32(bytes + HDR_OFF_MEM_RSVMAP);
  // 64-bit sums: two 32-bit fields cannot wrap there.
  if (struct_offset < HEADER_SIZE || uint64_t{struct_offset} + struct_size > total) {
    return with_reason(reason, Error::Invalid, "structure block outside the blob");
  }
  if (struct_offset % 4 != 0)
    return with_reason(reason, Error::Invalid, "misaligned structure block");
  if (strings_offset < HEADER_SIZE || uint64_t{strings_offset} + strings_size > total) {
    return with_reason(reason, Error::Invalid, "strings block outside the blob");
  }
  if (reserve_offset < HEADER_SIZE || reserve_offset % 8 != 0 || reserve_offset >= total) {
    return with_reason(reason, Error::Invalid, "memory reservation block outside the blob");
  }
  // The reservation block ends with an all-zero entry, which must lie inside the blob.
  for (uint64_t entry = reserve_offset;; entry += RESERVE_ENTRY_SIZE) {
    if (entry + RESERVE_ENTRY_SIZE > total) {
      return with_reason(reason, Error::Invalid, "memory reservation block not terminated");
    }
    if (load_be64(bytes + entry) == 0 && load_be64(bytes + entry + 8) == 0) break;
  }

  Fdt fdt;
  fdt.m_blob = bytes;
  fdt.m_total_size = total;
  fdt.m_struct = bytes + struct_offset;
  fdt.m_struct_size = struct_size;
  fdt.m_strings = reinterpret_cast<const char*>(bytes + strings_offset);
  fdt.m_strings_size = strings_size;
  fdt.m_reserve_offset = reserve_offset;
  TRY(fdt.validate_structure(reason));
  return fdt;
}

// One pass over the whole structure block: every token known, every name and property inside the
// block, every property name inside the strings block and terminated there, properties before
// subnodes, exactly one root, balanced nesting no deeper than MAX_DEPTH, and FDT_END after the
// root closes. Each step moves at least 4 bytes forward, so the pass ends.
Result<void> Fdt::validate_structure(const char** reason) {
  uint32_t offset = 0;
  uint32_t depth = 0;
  bool seen_root = false;
  uint64_t has_child = 0;  // bit d-1: the open node at depth d has had a subnode
  for (;;) {
    Result<uint32_t> token = token_at(offset);
    if (token.is_error())
      return with_reason(reason, Error::Invalid, "structure block ends before FDT_END");
    switch (token.value()) {
      case FDT_BEGIN_NODE: {
        if (depth == 0 && seen_root)
          return with_reason(reason, Error::Invalid, "more than one root node");
        if (depth == MAX_DEPTH)
          return with_reason(reason, Error::Invalid, "nodes nested too deeply");
        if (depth > 0) has_child |= uint64_t{1} << (depth - 1);
        Result<uint32_t> next = skip_node_name(offset);
        if (next.is_error()) return with_reason(reason, Error::Invalid, "unterminated node name");
        if (depth == 0) m_root = offset;
        seen_root = true;
        depth++;
        has_child &= ~(uint64_t{1} << (depth - 1));
        offset = next.value();
        break;
      }
      case FDT_END_NODE:
        if (depth == 0) return with_reason(reason, Error::Invalid, "FDT_END_NODE without a node");
        depth--;
        offset += 4;
        break;
      case FDT_PROP: {
        if (depth == 0) return with_reason(reason, Error::Invalid, "property outside a node");
        if (has_child & (uint64_t{1} << (depth - 1))) {
          return with_reason(reason, Error::Invalid, "property after a subnode");
        }
        uint32_t next = 0;
        Result<FdtProperty> property = read_property(offset, &next);
        if (property.is_error()) {
          return with_reason(reason, Error::Invalid,
                             property.error() == Error::Range
                                 ? "property runs past the structure block"
                                 : "bad property name offset");
        }
        offset = next;
        break;
      }
      case FDT_NOP:
        offset += 4;
        break;
      case FDT_END:
        if (!seen_root) return with_reason(reason, Error::Invalid, "no root node");
        if (depth != 0) return with_reason(reason, Error::Invalid, "FDT_END inside a node");
        return {};
      default:
        return with_reason(reason, Error::Invalid, "unknown structure token");
    }
  }
}

Result<uint32_t> Fdt::token_at(uint32_t offset) const {
  if (offset % 4 != 0 || offset > m_struct_size || m_struct_size - offset < 4) {
    return Error::Range;
  }
  return load_be32(m_struct + offset);
}

// Offset just past a FDT_BEGIN_NODE token at `offset` and its padded, NUL-terminated name.
Result<uint32_t> Fdt::skip_node_name(uint32_t offset) const {
  const uint32_t name = offset + 4;
  if (name > m_struct_size) return Error::Range;
  const size_t limit = m_struct_size - name;
  const char* text = reinterpret_cast<const char*>(m_struct + name);
  const size_t length = bounded_length(text, limit);
  if (length == limit) return Error::Range;
  return align4(uint64_t{name} + length + 1);
}

Result<uint32_t> Fdt::skip_nops(uint32_t offset) const {
  while (TRY(token_at(offset)) == FDT_NOP) offset += 4;
  return offset;
}

// Decodes the FDT_PROP at `offset`: Error::Range when it leaves the structure block, Invalid
// when its name is not a terminated string of the strings block.
Result<FdtProperty> Fdt::read_property(uint32_t offset, uint32_t* next) const {
  if (offset > m_struct_size || m_struct_size - offset < 12) return Error::Range;
  const uint32_t length = load_be32(m_struct + offset + 4);
  const uint32_t name_offset = load_be32(m_struct + offset + 8);
  const uint64_t data = uint64_t{offset} + 12;
  if (data + length > m_struct_size) return Error::Range;
  if (name_offset >= m_strings_size) return Error::Invalid;
  const char* name = m_strings + name_offset;
  if (bounded_length(name, m_strings_size - name_offset) == m_strings_size - name_offset) {
    return Error::Invalid;
  }
  *next = align4(data + length);
  return FdtProperty{name, m_struct + data, length};
}

Result<uint32_t> Fdt::first_property_offset(FdtNode node) const {
  return skip_nops(TRY(skip_node_name(node.offset())));
}

// Offset just past the FDT_END_NODE closing `node`.
Result<uint32_t> Fdt::skip_subtree(FdtNode node) const {
  uint32_t offset = TRY(skip_node_name(node.offset()));
  uint32_t depth = 1;
  while (depth > 0) {
    switch (TRY(token_at(offset))) {
      case FDT_BEGIN_NODE:
        depth++;
        offset = TRY(skip_node_name(offset));
        break;
      case FDT_END_NODE:
        depth--;
        offset += 4;
        break;
      case FDT_PROP: {
        uint32_t next = 0;
        TRY(read_property(offset, &next));
        offset = next;
        break;
      }
      case FDT_NOP:
        offset += 4;
        break;
      default:
        return Error::Invalid;
    }
  }
  return offset;
}

const char* Fdt::node_name(FdtNode node) const {
  return reinterpret_cast<const char*>(m_struct + node.offset() + 4);
}

Result<FdtNode> Fdt::first_child(FdtNode node) const {
  uint32_t offset = TRY(first_property_offset(node));
  for (;;) {
    const uint32_t token = TRY(token_at(offset));
    if (token == FDT_BEGIN_NODE) return FdtNode(offset);
    if (token != FDT_PROP) return Error::NotFound;
    uint32_t next = 0;
    TRY(read_property(offset, &next));
    offset = TRY(skip_nops(next));
  }
}

Result<FdtNode> Fdt::next_sibling(FdtNode node) const {
  if (node.offset() == m_root) return Error::NotFound;
  const uint32_t offset = TRY(skip_nops(TRY(skip_subtree(node))));
  if (TRY(token_at(offset)) != FDT_BEGIN_NODE) return Error::NotFound;
  return FdtNode(offset);
}

Result<bool> Fdt::advance(FdtNode& node) const {
  Result<FdtNode> next = next_sibling(node);
  if (next.is_error()) {
    if (next.error() == Error::NotFound) return false;
    return next.error();
  }
  node = next.value();
  return true;
}

Result<FdtProperty> Fdt::property_at(FdtNode node, size_t index) const {
  uint32_t offset = TRY(first_property_offset(node));
  for (size_t i = 0;; i++) {
    if (TRY(token_at(offset)) != FDT_PROP) return Error::NotFound;
    uint32_t next = 0;
    FdtProperty property = TRY(read_property(offset, &next));
    if (i == index) return property;
    offset = TRY(skip_nops(next));
  }
}

Result<FdtProperty> Fdt::property(FdtNode node, const char* name) const {
  uint32_t offset = TRY(first_property_offset(node));
  for (;;) {
    if (TRY(token_at(offset)) != FDT_PROP) return Error::NotFound;
    uint32_t next = 0;
    FdtProperty property = TRY(read_property(offset, &next));
    if (same(property.name, name)) return property;
    offset = TRY(skip_nops(next));
  }
}

Result<FdtNode> Fdt::find_node(const char* path) const {
  if (path == nullptr || path[0] != '/') return Error::Invalid;
  FdtNode node = root();
  const char* p = path;
  for (;;) {
    while (*p == '/') p++;
    if (*p == '\0') return node;
    size_t length = 0;
    while (p[length] != '\0' && p[length] != '/') length++;
    FdtNode child = TRY(first_child(node));
    while (!component_matches(p, length, node_name(child))) child = TRY(next_sibling(child));
    node = child;
    p += length;
  }
}

Result<uint32_t> Fdt::cell_count(FdtNode node, const char* name, uint32_t fallback) const {
  Result<FdtProperty> property = this->property(node, name);
  if (property.is_error()) {
    if (property.error() == Error::NotFound) return fallback;
    return property.error();
  }
  if (property.value().size != 4) return Error::Invalid;
  const uint32_t count = TRY(property.value().cell(0));
  if (count > 4) return Error::Invalid;
  return count;
}

Result<uint32_t> Fdt::address_cells(FdtNode node) const {
  return cell_count(node, "#address-cells", 2);
}

Result<uint32_t> Fdt::size_cells(FdtNode node) const { return cell_count(node, "#size-cells", 1); }

Result<FdtRange> Fdt::reg_entry(const FdtProperty& reg, uint32_t address_cells, uint32_t size_cells,
                                size_t index) {
  if (address_cells == 0 || address_cells > 2 || size_cells > 2) return Error::NotSupported;
  const uint32_t entry_cells = address_cells + size_cells;
  if (reg.size % (entry_cells * 4) != 0) return Error::Invalid;
  if (index >= reg.size / (entry_cells * 4)) return Error::Range;
  const size_t first = index * entry_cells;
  FdtRange range{};
  range.base = TRY(reg.cells(first, address_cells));
  range.size = size_cells == 0 ? 0 : TRY(reg.cells(first + address_cells, size_cells));
  return range;
}

Result<size_t> Fdt::memory_ranges(FdtRange* out, size_t capacity) const {
  const uint32_t address_cells = TRY(this->address_cells(root()));
  const uint32_t size_cells = TRY(this->size_cells(root()));
  size_t count = 0;
  Result<FdtNode> first = first_child(root());
  if (first.is_error() && first.error() != Error::NotFound) return first.error();
  bool more = first.is_ok();
  FdtNode node = root();
  if (more) node = first.value();
  for (; more; more = TRY(advance(node))) {
    bool memory = is_memory_name(node_name(node));
    if (!memory) {
      Result<FdtProperty> type = property(node, "device_type");
      if (type.is_ok()) {
        Result<const char*> text = type.value().string();
        memory = text.is_ok() && same(text.value(), "memory");
      }
    }
    if (!memory) continue;
    Result<FdtProperty> reg = property(node, "reg");
    if (reg.is_error()) {
      if (reg.error() == Error::NotFound) continue;
      return reg.error();
    }
    for (size_t i = 0;; i++) {
      Result<FdtRange> range = reg_entry(reg.value(), address_cells, size_cells, i);
      if (range.is_error()) {
        if (range.error() == Error::Range) break;
        return range.error();
      }
      if (count == capacity) return Error::NoSpace;
      out[count++] = range.value();
    }
  }
  if (count == 0) return Error::NotFound;
  return count;
}

Result<const char*> Fdt::bootargs() const {
  Result<FdtNode> chosen = find_node("/chosen");
  if (chosen.is_error()) {
    if (chosen.error() == Error::NotFound) return "";
    return chosen.error();
  }
  Result<FdtProperty> args = property(chosen.value(), "bootargs");
  if (args.is_error()) {
    if (args.error() == Error::NotFound) return "";
    return args.error();
  }
  return args.value().string();
}

Result<FdtRange> Fdt::reserved_range(size_t index) const {
  uint64_t entry = m_reserve_offset;
  for (size_t i = 0;; i++, entry += RESERVE_ENTRY_SIZE) {
    // parse() found the terminating entry inside the blob; stay inside regardless.
    if (entry + RESERVE_ENTRY_SIZE > m_total_size) return Error::NotFound;
    const FdtRange range{load_be64(m_blob + entry), load_be64(m_blob + entry + 8)};
    if (range.base == 0 && range.size == 0) return Error::NotFound;
    if (i == index) return range;
  }
}
