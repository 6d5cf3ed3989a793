#include "arch/powerpc/radix.h"

#include "arch/powerpc/hcall.h"
#include "arch/powerpc/radix_page_table.h"
#include "arch/powerpc/regs.h"
#include "kernel/lib/big_endian.h"
#include "kernel/lib/console.h"
#include "kernel/lib/panic.h"

namespace {

// LoPAPR H_REGISTER_PROC_TBL: a new radix process table, guest translation shootdown enabled so
// the guest may run tlbie itself (Linux's PROC_TABLE_NEW | PROC_TABLE_RADIX | PROC_TABLE_GTSE).
constexpr uint64_t H_REGISTER_PROC_TBL = 0x37c;
constexpr uint64_t PROC_TABLE_NEW = 0x18;
constexpr uint64_t PROC_TABLE_RADIX = 0x4;
constexpr uint64_t PROC_TABLE_GTSE = 0x1;

// Process-table entries are two doublewords; a 4 KiB table (size field 0: 2^(12 + 0) bytes)
// holds PID_COUNT of them.
constexpr uint64_t PROC_TABLE_BYTES = 4096;
constexpr uint64_t PROC_TABLE_SIZE_FIELD = 0;
static_assert(radix::PID_COUNT * 16 == PROC_TABLE_BYTES);

// Process-table entry doubleword 0 (Book III, "Process Table"): RTS = 52-bit address space (52 -
// 31 = 21 = 0b10101, split as RTS1 = 0b10 in bits 1:2 and RTS2 = 0b101 in bits 56:58), the root's
// real address, and RPDS = log2 of the root's entry count.
constexpr uint64_t PRTB0_RTS = (uint64_t{0x2} << 61) | (uint64_t{0x5} << 5);
using radix::ROOT_BYTES;
using radix::ROOT_INDEX_BITS;

// tlbie RB and RS fields (Book III, "TLB Management Instructions"): IS in RB bits 52:53 (MSB-0),
// the PID in RS bits 0:31; AP = 0 in RB bits 56:58 is a 4 KiB page.
constexpr uint64_t TLBIE_IS_PID = uint64_t{1} << 10;
constexpr uint64_t TLBIE_EPN_MASK = ~uint64_t{0xfff};
constexpr unsigned TLBIE_RS_PID_SHIFT = 32;
constexpr unsigned RIC_TLB = 0;
constexpr unsigned RIC_ALL = 2;

// Big-endian in memory, as the MMU reads it (Book III, "Process Table").
struct ProcessTableEntry {
  be64 dw0;
  be64 dw1;  // unused for process-scoped translation
};
struct alignas(PROC_TABLE_BYTES) ProcessTable {
  ProcessTableEntry entries[radix::PID_COUNT];
};
ProcessTable g_process_table;

// The kernel's tree (PID 0): its first root entry points at a level-1 table of 1 GiB leaves,
// the linear map of quadrant 3. The tree of NO_USER_PID has no entry at all.
constexpr uint64_t LEVEL1_ENTRIES = 512;
constexpr uint64_t LEVEL1_NLS = 9;
constexpr uint64_t GIB = uint64_t{1} << 30;
static_assert(radix::KERNEL_LINEAR_SIZE == LEVEL1_ENTRIES * GIB);
alignas(ROOT_BYTES) be64 g_kernel_root[ROOT_BYTES / 8];
alignas(4096) be64 g_kernel_linear[LEVEL1_ENTRIES];
alignas(ROOT_BYTES) be64 g_no_user_root[ROOT_BYTES / 8];

void build_kernel_tree() {
  // Privileged, readable and writable, never executed (the kernel fetches in real mode), R and C
  // set so the MMU need not update them.
  const uint64_t leaf = radix_pte::VALID | radix_pte::LEAF | radix_pte::REFERENCED |
                        radix_pte::CHANGED | radix_pte::PRIVILEGED | radix_pte::READ |
                        radix_pte::WRITE;
  for (uint64_t i = 0; i < LEVEL1_ENTRIES; ++i) g_kernel_linear[i].store(leaf | (i * GIB));
  g_kernel_root[0].store(radix_pte::VALID | reinterpret_cast<uint64_t>(g_kernel_linear) |
                         LEVEL1_NLS);
}

be64 entry_dw0(const be64* root) {
  return be64(PRTB0_RTS | reinterpret_cast<uint64_t>(root) | ROOT_INDEX_BITS);
}

uint64_t g_pid_in_use[radix::PID_COUNT / 64];

// tlbie RB, RS, RIC, PRS = 1, R = 1, encoded by hand: LLVM 14 knows only the two-operand form.
// The operands live in r4 (RB) and r5 (RS) (Book III, X-form: RS bits 6:10, RIC 12:13, PRS 14,
// R 15, RB 16:20).
template <unsigned Ric>
void tlbie(uint64_t rb_value, uint64_t rs_value) {
  constexpr uint32_t WORD =
      0x7c000264 | (5u << 21) | (Ric << 18) | (1u << 17) | (1u << 16) | (4u << 11);
  register uint64_t rb asm("r4") = rb_value;
  register uint64_t rs asm("r5") = rs_value;
  // ptesync orders the PTE store before the invalidation; eieio; tlbsync; ptesync waits until
  // every processor has completed it (Book III, "Translation Table Update Synchronization").
  asm volatile("ptesync\n\t.long %2\n\teieio\n\ttlbsync\n\tptesync"
               :
               : "r"(rb), "r"(rs), "i"(WORD)
               : "memory");
}

}  // namespace

namespace radix {

Result<void> init() {
  build_kernel_tree();
  g_process_table.entries[0].dw0 = entry_dw0(g_kernel_root);
  g_process_table.entries[NO_USER_PID].dw0 = entry_dw0(g_no_user_root);
  g_pid_in_use[0] = (uint64_t{1} << 0) | (uint64_t{1} << NO_USER_PID);
  asm volatile("ptesync" ::: "memory");
  const int64_t status =
      hcall::call(H_REGISTER_PROC_TBL, PROC_TABLE_NEW | PROC_TABLE_RADIX | PROC_TABLE_GTSE,
                  reinterpret_cast<uint64_t>(&g_process_table), 0, PROC_TABLE_SIZE_FIELD);
  if (status != hcall::H_SUCCESS) {
    klog("powerpc: H_REGISTER_PROC_TBL failed with status %lld", static_cast<long long>(status));
    return Error::NotSupported;
  }
  set_current_pid(NO_USER_PID);
  flush_pid(0);
  flush_pid(NO_USER_PID);
  asm volatile("mtspr %0, %1\n\tisync" ::"i"(SPRN_AMR), "r"(AMR_KUAP_BLOCKED) : "memory");
  return {};
}

Result<uint32_t> alloc_pid() {
  for (uint32_t word = 0; word < PID_COUNT / 64; ++word) {
    if (g_pid_in_use[word] == ~uint64_t{0}) continue;
    const uint32_t bit = __builtin_ctzll(~g_pid_in_use[word]);
    g_pid_in_use[word] |= uint64_t{1} << bit;
    return word * 64 + bit;
  }
  return Error::NoMemory;
}

void free_pid(uint32_t pid) {
  VERIFY(pid > NO_USER_PID && pid < PID_COUNT);
  VERIFY(g_process_table.entries[pid].dw0.load() == 0);
  const uint64_t bit = uint64_t{1} << (pid % 64);
  VERIFY(g_pid_in_use[pid / 64] & bit);
  g_pid_in_use[pid / 64] &= ~bit;
}

void set_process_table_entry(uint32_t pid, uint64_t root) {
  VERIFY(pid > NO_USER_PID && pid < PID_COUNT);
  VERIFY(root % ROOT_BYTES == 0);
  g_process_table.entries[pid].dw0.store(root == 0 ? 0 : PRTB0_RTS | root | ROOT_INDEX_BITS);
  // The processor may cache process-table entries and walks of the old tree: RIC=2 drops them.
  flush_pid(pid);
}

void set_current_pid(uint32_t pid) {
  VERIFY(pid < PID_COUNT);
  // The context synchronisation makes later translated accesses use the new PID (Book III,
  // "Process Identification Register").
  asm volatile("mtspr %0, %1\n\tisync" ::"i"(SPRN_PIDR), "r"(uint64_t{pid}) : "memory");
}

uint32_t current_pid() {
  uint64_t pid;
  asm volatile("mfspr %0, %1" : "=r"(pid) : "i"(SPRN_PIDR));
  return static_cast<uint32_t>(pid);
}

void flush_page(uint32_t pid, uint64_t va) {
  tlbie<RIC_TLB>(va & TLBIE_EPN_MASK, uint64_t{pid} << TLBIE_RS_PID_SHIFT);
}

void flush_pid(uint32_t pid) { tlbie<RIC_ALL>(TLBIE_IS_PID, uint64_t{pid} << TLBIE_RS_PID_SHIFT); }

}  // namespace radix
