// CoreEmitter: the byte stream of a core file as Linux 6.12 writes it to a seekable file under
// RLIMIT_CORE (fs/coredump.c). The writer announces each of Linux's writes (dump_emit,
// dump_emit_page) as a unit of n bytes, then emits them; and each hole Linux seeks over (dump_skip,
// dump_skip_to, dump_align) as hole(n). Holes do not count toward the limit: a unit is refused
// when the bytes written before it plus its own would pass the limit (__dump_emit), and the
// first refusal ends the core (elf_core_dump stops there): nothing after it reaches the sink,
// and neither do the holes before it, which Linux only sought over. A hole reaches the sink as
// zeros once a unit after it is written, or at finish(), where Linux writes the core's last byte
// over a trailing hole if the limit leaves room for it (do_coredump's cprm.to_skip). The file the
// sink receives is therefore the bytes up to the last write's end.
//
// Integers go out in the core's byte order (kernel/lib/byte_order.h), runs of zeros come from one
// static zero page so that a hole of any size costs no memory, and the emitter counts where the
// core stands (offset(), holes and refused bytes included) so the writer can check every offset
// it promised in a header, and what the sink received (file_size()).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/byte_order.h"
#include "kernel/lib/format.h"

class CoreEmitter {
 public:
  CoreEmitter(Sink& out, ByteOrder order, uint64_t limit = ~uint64_t{0})
      : m_out(&out), m_order(order), m_limit(limit) {}

  ByteOrder order() const { return m_order; }
  uint64_t offset() const { return m_offset; }
  uint64_t file_size() const { return m_file_size; }
  // Whether a byte was emitted outside a unit or past its announced size (a writer's bug).
  bool misframed() const { return m_misframed; }

  // The next n bytes are one write.
  void unit(uint64_t n);
  void bytes(const void* data, size_t n);
  void u8(uint8_t v) { bytes(&v, 1); }
  void u16(uint16_t v) { integer(v, 2); }
  void u32(uint32_t v) { integer(v, 4); }
  void u64(uint64_t v) { integer(v, 8); }
  // n zero bytes inside a unit (data that happens to be zero).
  void zeros(uint64_t n);
  // n bytes Linux seeks over: zeros in the file if a write follows.
  void hole(uint64_t n);
  // The end of the core: the trailing hole's last byte written, if the limit leaves room.
  void finish();

 private:
  void integer(uint64_t v, size_t width) {
    uint8_t b[8];
    byte_order::store(b, width, v, m_order);
    bytes(b, width);
  }
  void send_zeros(uint64_t n);

  Sink* m_out;
  ByteOrder m_order;
  uint64_t m_limit;
  uint64_t m_offset = 0;
  uint64_t m_written = 0;     // the units' bytes the sink received (cprm->written)
  uint64_t m_file_size = 0;   // all the sink received
  uint64_t m_pending = 0;     // holes not yet sent (cprm->to_skip)
  uint64_t m_unit_left = 0;   // bytes of the current unit still to come
  bool m_unit_taken = false;  // whether the current unit goes to the sink
  bool m_stopped = false;     // a unit was refused: the core ends
  bool m_misframed = false;
};
