// Device tree blobs for the host tests, written the way dtc lays them out, and heap copies of
// exact size so that ASan sees any read past a blob.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "kernel/lib/fdt.h"

namespace fdt_test {

constexpr uint32_t BEGIN_NODE = 1;
constexpr uint32_t END_NODE = 2;
constexpr uint32_t PROP = 3;
constexpr uint32_t NOP = 4;
constexpr uint32_t END = 9;

// Header field offsets (Devicetree Specification v0.4, 5.2).
constexpr size_t TOTALSIZE = 4;
constexpr size_t OFF_STRUCT = 8;
constexpr size_t OFF_STRINGS = 12;
constexpr size_t OFF_RSVMAP = 16;
constexpr size_t VERSION = 20;
constexpr size_t LAST_COMP = 24;
constexpr size_t SIZE_STRINGS = 32;
constexpr size_t SIZE_STRUCT = 36;

using Bytes = std::vector<uint8_t>;

inline void put32(Bytes& b, size_t at, uint32_t v) {
  b[at] = v >> 24;
  b[at + 1] = v >> 16;
  b[at + 2] = v >> 8;
  b[at + 3] = v;
}

inline uint32_t get32(const Bytes& b, size_t at) {
  return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) |
         b[at + 3];
}

// Writes a blob the way dtc lays it out: header, reservation block, structure block, strings.
class Builder {
 public:
  Builder& begin(const std::string& name) {
    token(BEGIN_NODE);
    m_struct.insert(m_struct.end(), name.begin(), name.end());
    m_struct.push_back(0);
    pad();
    return *this;
  }
  Builder& end() { return token(END_NODE); }
  Builder& nop() { return token(NOP); }
  Builder& token(uint32_t t) {
    append32(m_struct, t);
    return *this;
  }
  Builder& prop(const std::string& name, const Bytes& value) {
    return prop_at(name_offset(name), value);
  }
  Builder& prop_at(uint32_t name_offset, const Bytes& value) {
    token(PROP);
    append32(m_struct, static_cast<uint32_t>(value.size()));
    append32(m_struct, name_offset);
    m_struct.insert(m_struct.end(), value.begin(), value.end());
    pad();
    return *this;
  }
  Builder& cells(const std::string& name, std::initializer_list<uint32_t> values) {
    Bytes value;
    for (uint32_t v : values) append32(value, v);
    return prop(name, value);
  }
  Builder& string(const std::string& name, const std::string& text) {
    Bytes value(text.begin(), text.end());
    value.push_back(0);
    return prop(name, value);
  }
  Builder& reserve(uint64_t base, uint64_t size) {
    m_reserved.push_back({base, size});
    return *this;
  }
  // Appends raw bytes to the strings block (for unterminated names).
  Builder& raw_strings(const std::string& bytes) {
    m_strings.insert(m_strings.end(), bytes.begin(), bytes.end());
    return *this;
  }
  uint32_t strings_size() const { return static_cast<uint32_t>(m_strings.size()); }

  Bytes build(bool end_token = true) const {
    Bytes structure = m_struct;
    if (end_token) append32(structure, END);
    Bytes blob(40, 0);
    const uint32_t rsvmap = 40;
    for (const FdtRange& r : m_reserved) {
      append64(blob, r.base);
      append64(blob, r.size);
    }
    append64(blob, 0);
    append64(blob, 0);
    const uint32_t off_struct = static_cast<uint32_t>(blob.size());
    blob.insert(blob.end(), structure.begin(), structure.end());
    const uint32_t off_strings = static_cast<uint32_t>(blob.size());
    blob.insert(blob.end(), m_strings.begin(), m_strings.end());
    put32(blob, 0, Fdt::MAGIC);
    put32(blob, TOTALSIZE, static_cast<uint32_t>(blob.size()));
    put32(blob, OFF_STRUCT, off_struct);
    put32(blob, OFF_STRINGS, off_strings);
    put32(blob, OFF_RSVMAP, rsvmap);
    put32(blob, VERSION, 17);
    put32(blob, LAST_COMP, 16);
    put32(blob, SIZE_STRINGS, static_cast<uint32_t>(m_strings.size()));
    put32(blob, SIZE_STRUCT, static_cast<uint32_t>(structure.size()));
    return blob;
  }

 private:
  static void append32(Bytes& b, uint32_t v) {
    b.push_back(v >> 24);
    b.push_back(v >> 16);
    b.push_back(v >> 8);
    b.push_back(v);
  }
  static void append64(Bytes& b, uint64_t v) {
    append32(b, v >> 32);
    append32(b, static_cast<uint32_t>(v));
  }
  void pad() {
    while (m_struct.size() % 4 != 0) m_struct.push_back(0);
  }
  uint32_t name_offset(const std::string& name) {
    const std::string all(m_strings.begin(), m_strings.end());
    for (size_t at = all.find(name); at != std::string::npos; at = all.find(name, at + 1)) {
      if (at + name.size() < all.size() && all[at + name.size()] == '\0') {
        return static_cast<uint32_t>(at);
      }
    }
    const uint32_t at = static_cast<uint32_t>(m_strings.size());
    m_strings.insert(m_strings.end(), name.begin(), name.end());
    m_strings.push_back(0);
    return at;
  }

  Bytes m_struct;
  Bytes m_strings;
  std::vector<FdtRange> m_reserved;
};

// The shape of QEMU's virt device tree (dumpdtb), trimmed.
inline Builder virt_like() {
  Builder b;
  b.begin("")
      .cells("#address-cells", {2})
      .cells("#size-cells", {2})
      .string("compatible", "linux,dummy-virt")
      .begin("psci")
      .string("method", "hvc")
      .cells("cpu_on", {0xc4000003})
      .end()
      .begin("memory@40000000")
      .cells("reg", {0, 0x40000000, 0, 0x10000000})
      .string("device_type", "memory")
      .end()
      .begin("pl011@9000000")
      .cells("reg", {0, 0x09000000, 0, 0x1000})
      .end()
      .begin("timer")
      .cells("clock-frequency", {62500000})
      .end()
      .begin("chosen")
      .string("bootargs", "maplet.filter=* maplet.expect_mem=256M")
      .string("stdout-path", "/pl011@9000000")
      .end()
      .end();
  return b;
}

// A copy on the heap of exactly `size` bytes, so ASan sees any read past them.
struct HeapBlob {
  explicit HeapBlob(const Bytes& b, size_t size) : bytes(b.begin(), b.begin() + size) {}
  Bytes bytes;
  Result<Fdt> parse(const char** reason = nullptr) const {
    return Fdt::parse(bytes.empty() ? nullptr : bytes.data(), bytes.size(), reason);
  }
};

}  // namespace fdt_test
