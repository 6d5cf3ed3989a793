// The neutral AddressSpace on the radix MMU: a user program runs on pages that its faults bring
// in through AddressSpace::handle_fault, mprotect and munmap take effect on the very next access,
// and tearing both down gives back every page, table and PID. This is the path the process layer
// takes: user exits decoded into fault verdicts.

#include "arch/powerpc/radix_page_table.h"
#include "arch/powerpc/tests/user_program.h"
#include "arch/powerpc/user_context.h"
#include "kernel/lib/placement_new.h"
#include "kernel/lib/string.h"
#include "kernel/mm/address_space.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/proc/kernel_memory.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t P = PAGE_SIZE;
constexpr int ANON_FIXED = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
constexpr uint32_t VMA_SLOTS = 8;
constexpr uint32_t NODE_SLOTS = 8;

// VMA and tree-node arenas for one address space at a time.
struct Arena {
  Vma vmas[VMA_SLOTS];
  bool vma_used[VMA_SLOTS];
  alignas(VmaTree::NODE_ALIGN) unsigned char nodes[NODE_SLOTS][VmaTree::NODE_SIZE];
  bool node_used[NODE_SLOTS];
};
Arena g_arena;
alignas(AddressSpace) unsigned char g_space_storage[sizeof(AddressSpace)];

AddressSpace& fresh_space(const MmuOps& mmu) {
  g_arena = Arena{};
  AddressSpaceLayout layout;
  layout.mmap_base = 0x7fff'0000'0000;
  layout.task_size = uint64_t{1} << 47;
  layout.mmap_window = layout.task_size;
  layout.unmapped_base = 0x2000'0000'0000;
  // Radix expresses execute-only, and Linux uses it: PROT_EXEC alone is PAGE_EXECONLY_X
  // (arch/powerpc/mm/pgtable.c protection_map), and access_error() in arch/powerpc/mm/fault.c
  // refuses a read of a VM_EXEC-only mapping.
  layout.exec_implies_read = false;
  VmaAllocator vmas;
  vmas.alloc = [](void*) -> Vma* {
    for (uint32_t i = 0; i < VMA_SLOTS; i++) {
      if (!g_arena.vma_used[i]) {
        g_arena.vma_used[i] = true;
        return &g_arena.vmas[i];
      }
    }
    return nullptr;
  };
  vmas.free = [](void*, Vma* vma) { g_arena.vma_used[vma - g_arena.vmas] = false; };
  vmas.context = nullptr;
  VmaTreeAllocator nodes;
  nodes.alloc_node = [](void*) -> void* {
    for (uint32_t i = 0; i < NODE_SLOTS; i++) {
      if (!g_arena.node_used[i]) {
        g_arena.node_used[i] = true;
        return g_arena.nodes[i];
      }
    }
    return nullptr;
  };
  nodes.free_node = [](void*, void* node) {
    for (uint32_t i = 0; i < NODE_SLOTS; i++) {
      if (g_arena.nodes[i] == node) g_arena.node_used[i] = false;
    }
  };
  nodes.ctx = nullptr;
  // Anonymous pages straight from the physical page allocator, and the kernel's zero page.
  return *new (g_space_storage) AddressSpace(layout, vmas, nodes, mmu, kernel_page_source());
}

FaultAccess fault_access(TrapAccess access) {
  switch (access) {
    case TrapAccess::Write:
      return FaultAccess::Write;
    case TrapAccess::Execute:
      return FaultAccess::Exec;
    default:
      return FaultAccess::Read;
  }
}

struct Outcome {
  UserExitKind kind;  // how the last run ended
  uint32_t faults_resolved;
  FaultVerdict verdict;  // of the fault that ended it, when kind is Fault
};

// Runs the program from `pc`, servicing its faults as a kernel would, until a system call or a
// fault that ends in a signal.
Outcome run_with_faults(AddressSpace& space, UserContext* context, uint64_t pc) {
  arch_user_set_pc(context, pc);
  Outcome outcome{};
  for (int attempt = 0; attempt < 8; ++attempt) {
    const UserExit exit = user_program_run_past_interrupts(context);
    outcome.kind = exit.kind;
    if (exit.kind != UserExitKind::Fault) return outcome;
    KTEST_NOTE("fault: vector %#x at %#llx", exit.trap.vector,
               static_cast<unsigned long long>(exit.trap.address));
    Result<FaultVerdict> verdict =
        space.handle_fault(exit.trap.address, fault_access(exit.trap.access));
    if (verdict.is_error()) return outcome;
    outcome.verdict = verdict.value();
    if (outcome.verdict.signal != FaultSignal::None) return outcome;
    ++outcome.faults_resolved;
  }
  return outcome;
}

bool note_pa(void* cookie, uint64_t, uint64_t pa, MmuAccess) {
  *static_cast<uint64_t*>(cookie) = pa;
  return false;
}

uint64_t translation(const MmuOps& mmu, uint64_t va) {
  uint64_t pa = 0;
  mmu.walk(mmu.context, va, va + P, note_pa, &pa);
  return pa;
}

}  // namespace

KTEST(powerpc_user_demand_faults, a_program_runs_on_pages_its_faults_bring_in) {
  const uint64_t free_before = physical_pages().free_pages();
  ArchAddressSpace* arch = MUST(arch_aspace_create());
  const MmuOps mmu = arch_aspace_mmu_ops(arch);
  AddressSpace& space = fresh_space(mmu);

  // The code page: written through its physical address while writable, then made R+X.
  ASSERT_OK(space.mmap(USER_CODE, P, PROT_READ | PROT_WRITE, ANON_FIXED));
  ASSERT_OK(space.handle_fault(USER_CODE, FaultAccess::Write));
  const uint64_t code_pa = translation(mmu, USER_CODE);
  ASSERT_NE(code_pa, 0u);
  const UserProgramCode code = USER_PROGRAM(user_load);
  klib::mem_copy(arch_phys_to_virt(code_pa), code.start, code.end - code.start);
  ASSERT_OK(space.mprotect(USER_CODE, P, PROT_READ | PROT_EXEC));
  EXPECT_EQ(radix_leaf_pte(arch, USER_CODE) & (radix_pte::WRITE | radix_pte::EXECUTE),
            radix_pte::EXECUTE);

  ASSERT_OK(space.mmap(USER_DATA, P, PROT_READ | PROT_WRITE, ANON_FIXED));
  UserContext* context = MUST(arch_user_context_create(USER_CODE, USER_STACK_TOP));
  context->frame.gpr[3] = USER_DATA;
  context->frame.gpr[5] = 0xdead;
  arch_aspace_activate(arch);

  // First touch: one read fault maps the zero page read-only, then the load completes.
  Outcome outcome = run_with_faults(space, context, USER_CODE);
  EXPECT_EQ(outcome.kind, UserExitKind::SystemCall);
  EXPECT_EQ(outcome.faults_resolved, 1u);
  EXPECT_EQ(context->frame.gpr[5], 0u);
  EXPECT_EQ(translation(mmu, USER_DATA), space.zero_page());
  EXPECT_EQ(radix_leaf_pte(arch, USER_DATA) & (radix_pte::READ | radix_pte::WRITE),
            radix_pte::READ);

  // A write fault copies it: a page of its own, writable, replaces the zero page.
  ASSERT_OK(space.handle_fault(USER_DATA, FaultAccess::Write));
  const uint64_t data_pa = translation(mmu, USER_DATA);
  ASSERT_NE(data_pa, 0u);
  EXPECT_NE(data_pa, space.zero_page());
  EXPECT_EQ(radix_leaf_pte(arch, USER_DATA) & (radix_pte::READ | radix_pte::WRITE),
            radix_pte::READ | radix_pte::WRITE);

  // The page stays: the program sees what the kernel writes there, with no fault.
  static_cast<uint64_t*>(arch_phys_to_virt(data_pa))[0] = 0x77;
  outcome = run_with_faults(space, context, USER_CODE);
  EXPECT_EQ(outcome.kind, UserExitKind::SystemCall);
  EXPECT_EQ(outcome.faults_resolved, 0u);
  EXPECT_EQ(context->frame.gpr[5], 0x77u);

  // PROT_EXEC alone: execute-only in the tree, so the load faults and is a permission fault.
  ASSERT_OK(space.mprotect(USER_DATA, P, PROT_EXEC));
  EXPECT_EQ(radix_leaf_pte(arch, USER_DATA) & (radix_pte::READ | radix_pte::EXECUTE),
            radix_pte::EXECUTE);
  outcome = run_with_faults(space, context, USER_CODE);
  EXPECT_EQ(outcome.kind, UserExitKind::Fault);
  EXPECT_EQ(outcome.verdict.signal, FaultSignal::Segv);
  EXPECT_EQ(outcome.verdict.code, FaultCode::SegvAccErr);

  // PROT_NONE: the next load is a permission fault.
  ASSERT_OK(space.mprotect(USER_DATA, P, PROT_NONE));
  outcome = run_with_faults(space, context, USER_CODE);
  EXPECT_EQ(outcome.kind, UserExitKind::Fault);
  EXPECT_EQ(outcome.verdict.signal, FaultSignal::Segv);
  EXPECT_EQ(outcome.verdict.code, FaultCode::SegvAccErr);

  // Unmapped: no mapping at all.
  ASSERT_OK(space.munmap(USER_DATA, P));
  outcome = run_with_faults(space, context, USER_CODE);
  EXPECT_EQ(outcome.kind, UserExitKind::Fault);
  EXPECT_EQ(outcome.verdict.signal, FaultSignal::Segv);
  EXPECT_EQ(outcome.verdict.code, FaultCode::SegvMapErr);

  arch_aspace_activate(nullptr);
  arch_user_context_destroy(context);
  space.~AddressSpace();
  arch_aspace_destroy(arch);
  EXPECT_EQ(physical_pages().free_pages(), free_before);
}
