// A tiny user program for the arm64 user-mode tests: hand-assembled instruction words in a fresh
// code page at CODE (read/execute), a data page at DATA (read/write), its own address space, and
// a UserContext that starts at CODE. The instruction encoders follow the Arm ARM's A64 encodings.
#pragma once

#include <stdint.h>

#include "arch/arm64/page_table.h"
#include "arch/arm64/user_context.h"
#include "kernel/arch/mmu.h"
#include "kernel/arch/user.h"
#include "kernel/lib/string.h"
#include "kernel/mm/physical_pages.h"

namespace arm64_test {

constexpr uint64_t CODE = 0x400000;
constexpr uint64_t DATA = 0x500000;

// MOVZ Xd, #imm16 (C6.2 "MOVZ").
constexpr uint32_t movz(unsigned rd, uint32_t imm16) { return 0xd2800000 | (imm16 << 5) | rd; }
// MOVZ Xd, #imm16, LSL #16.
constexpr uint32_t movz_lsl16(unsigned rd, uint32_t imm16) { return movz(rd, imm16) | (1u << 21); }
// SVC #0 (C6.2 "SVC"): the Linux system call.
constexpr uint32_t SVC_0 = 0xd4000001;
// B . (C6.2 "B"): an endless loop.
constexpr uint32_t B_SELF = 0x14000000;
// STR Xt, [Xn] and LDR Xt, [Xn] (C6.2 "STR (immediate)", "LDR (immediate)", unsigned offset 0).
constexpr uint32_t str(unsigned rt, unsigned rn) { return 0xf9000000 | (rn << 5) | rt; }
constexpr uint32_t ldr(unsigned rt, unsigned rn) { return 0xf9400000 | (rn << 5) | rt; }
// MOVK Xd, #imm16 (C6.2 "MOVK"): the low 16 bits, the others kept.
constexpr uint32_t movk(unsigned rd, uint32_t imm16) { return 0xf2800000 | (imm16 << 5) | rd; }
// ADD Xd, Xn, #imm12 (C6.2 "ADD (immediate)"); register 31 is SP here.
constexpr uint32_t add_imm(unsigned rd, unsigned rn, uint32_t imm12) {
  return 0x91000000 | (imm12 << 10) | (rn << 5) | rd;
}
// MRS Xt, TPIDR_EL0 (C6.2 "MRS"; op0 3, op1 3, CRn 13, CRm 0, op2 2).
constexpr uint32_t mrs_tpidr_el0(unsigned rt) { return 0xd53bd040 | rt; }
// BRK #imm16 (C6.2 "BRK") and UDF #0 (C6.2 "UDF").
constexpr uint32_t brk(uint32_t imm16) { return 0xd4200000 | (imm16 << 5); }
constexpr uint32_t UDF_0 = 0x00000000;

class UserProgram {
 public:
  static constexpr unsigned MAX_RESUMES = 100;

  // Maps the code (at most 1024 words) and data pages and makes the address space current.
  bool load(const uint32_t* words, unsigned count) {
    Result<ArchAddressSpace*> aspace = arch_aspace_create();
    if (aspace.is_error()) return false;
    m_aspace = aspace.value();
    m_mmu = arch_aspace_mmu_ops(m_aspace);
    if (!page(&m_code) || !page(&m_data) || count > PAGE_SIZE / 4) return false;
    auto* code = static_cast<uint32_t*>(arch_phys_to_virt(m_code));
    for (unsigned i = 0; i < count; i++) code[i] = words[i];
    klib::mem_set(data(), 0, PAGE_SIZE);
    if (m_mmu.map(m_mmu.context, CODE, m_code, PAGE_SIZE, VM_READ | VM_EXEC).is_error()) {
      return false;
    }
    if (m_mmu.map(m_mmu.context, DATA, m_data, PAGE_SIZE, VM_READ | VM_WRITE).is_error()) {
      return false;
    }
    Result<UserContext*> context = arch_user_context_create(CODE, 0);
    if (context.is_error()) return false;
    m_context = context.value();
    arch_aspace_activate(m_aspace);
    return true;
  }

  ~UserProgram() {
    arch_user_slice_end();
    arch_aspace_activate(nullptr);
    if (m_context != nullptr) arch_user_context_destroy(m_context);
    if (m_aspace != nullptr) {
      m_mmu.unmap(m_mmu.context, 0, arm64::user_va_limit());
      arch_aspace_destroy(m_aspace);
    }
    if (m_code != 0) physical_pages().free(m_code, 1);
    if (m_data != 0) physical_pages().free(m_data, 1);
  }

  UserExit run() { return arch_user_run(m_context); }
  // Runs again after each timer interrupt, as a scheduler would resume the program, so that a
  // host that stalls QEMU past a time slice does not change the exit a test expects; gives up
  // (returning the Interrupt exit) after MAX_RESUMES slices.
  UserExit run_past_interrupts() {
    UserExit exit = run();
    for (unsigned n = 0; exit.kind == UserExitKind::Interrupt && n < MAX_RESUMES; n++) exit = run();
    return exit;
  }
  // Makes this program's address space current again after another program ran.
  void activate() { arch_aspace_activate(m_aspace); }
  UserContext& context() { return *m_context; }
  const MmuOps& mmu() const { return m_mmu; }
  // The data page through the kernel's linear map.
  uint64_t* data() { return static_cast<uint64_t*>(arch_phys_to_virt(m_data)); }

 private:
  static bool page(uint64_t* pa) {
    Result<uint64_t> allocated = physical_pages().alloc(1);
    if (allocated.is_error()) return false;
    *pa = allocated.value();
    return true;
  }

  ArchAddressSpace* m_aspace = nullptr;
  MmuOps m_mmu{};
  UserContext* m_context = nullptr;
  uint64_t m_code = 0;
  uint64_t m_data = 0;
};

}  // namespace arm64_test
