#include "kernel/coredump/core_emitter.h"

#include "kernel/mm/page_allocator.h"

namespace {
alignas(PAGE_SIZE) const uint8_t ZERO_PAGE[PAGE_SIZE] = {};
}  // namespace

void CoreEmitter::send_zeros(uint64_t n) {
  while (n != 0) {
    const uint64_t chunk = n < PAGE_SIZE ? n : PAGE_SIZE;
    m_out->write(reinterpret_cast<const char*>(ZERO_PAGE), chunk);
    m_file_size += chunk;
    n -= chunk;
  }
}

void CoreEmitter::unit(uint64_t n) {
  if (m_unit_left != 0) m_misframed = true;
  m_unit_left = n;
  m_unit_taken = false;
  if (m_stopped) return;
  if (n > m_limit - m_written) {
    m_stopped = true;  // the holes before it were only sought over
    m_pending = 0;
    return;
  }
  send_zeros(m_pending);
  m_pending = 0;
  m_written += n;
  m_unit_taken = true;
}

void CoreEmitter::bytes(const void* data, size_t n) {
  if (n > m_unit_left) {
    m_misframed = true;
    n = m_unit_left;
  }
  m_unit_left -= n;
  m_offset += n;
  if (!m_unit_taken) return;
  m_out->write(static_cast<const char*>(data), n);
  m_file_size += n;
}

void CoreEmitter::zeros(uint64_t n) {
  while (n != 0) {
    const uint64_t chunk = n < PAGE_SIZE ? n : PAGE_SIZE;
    bytes(ZERO_PAGE, chunk);
    n -= chunk;
  }
}

void CoreEmitter::hole(uint64_t n) {
  if (m_unit_left != 0) m_misframed = true;
  m_offset += n;
  if (!m_stopped) m_pending += n;
}

void CoreEmitter::finish() {
  if (m_unit_left != 0) m_misframed = true;
  if (m_stopped || m_pending == 0) return;
  // The hole but its last byte sought over, that byte written as a one-byte write.
  if (m_limit - m_written >= 1) {
    send_zeros(m_pending);
    m_written += 1;
  }
  m_pending = 0;
}
