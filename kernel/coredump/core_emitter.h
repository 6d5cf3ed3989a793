// CoreEmitter: the byte stream of a core file. Integers go out in the core's byte order
// (kernel/lib/byte_order.h), runs of zeros come from one static zero page so that a hole of any
// size costs no memory, and the emitter counts what it wrote so the writer can check every offset
// it promised in a header against where the stream really is.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/byte_order.h"
#include "kernel/lib/format.h"

class CoreEmitter {
 public:
  CoreEmitter(Sink& out, ByteOrder order) : m_out(&out), m_order(order) {}

  ByteOrder order() const { return m_order; }
  uint64_t offset() const { return m_offset; }

  void bytes(const void* data, size_t n) {
    m_out->write(static_cast<const char*>(data), n);
    m_offset += n;
  }
  void u8(uint8_t v) { bytes(&v, 1); }
  void u16(uint16_t v) { integer(v, 2); }
  void u32(uint32_t v) { integer(v, 4); }
  void u64(uint64_t v) { integer(v, 8); }
  // n zero bytes (dump_skip: a hole reads back as zeros).
  void zeros(uint64_t n);

 private:
  void integer(uint64_t v, size_t width) {
    uint8_t b[8];
    byte_order::store(b, width, v, m_order);
    bytes(b, width);
  }

  Sink* m_out;
  ByteOrder m_order;
  uint64_t m_offset = 0;
};
