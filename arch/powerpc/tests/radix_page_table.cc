// The radix page tables behind MmuOps, seen from the kernel: what map writes into the leaf PTEs,
// what walk reports, that protect and unmap change exactly their range, that two address spaces
// keep the same address apart, and that destroy gives back every table page and its PID.

#include "arch/powerpc/radix_page_table.h"
#include "arch/powerpc/radix.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t BASE = 0x1000'0000;
constexpr unsigned MAX_VISITS = 16;

struct Visits {
  uint64_t va[MAX_VISITS];
  uint64_t pa[MAX_VISITS];
  MmuAccess access[MAX_VISITS];
  unsigned count;
  unsigned stop_after;  // 0: never stop
};

bool record(void* cookie, uint64_t va, uint64_t pa, MmuAccess access) {
  auto* visits = static_cast<Visits*>(cookie);
  if (visits->count < MAX_VISITS) {
    visits->va[visits->count] = va;
    visits->pa[visits->count] = pa;
    visits->access[visits->count] = access;
  }
  ++visits->count;
  return visits->stop_after == 0 || visits->count < visits->stop_after;
}

Visits walk(const MmuOps& ops, uint64_t start, uint64_t end, unsigned stop_after = 0) {
  Visits visits{};
  visits.stop_after = stop_after;
  ops.walk(ops.context, start, end, record, &visits);
  return visits;
}

uint64_t access_of(uint64_t pte) {
  return pte & (radix_pte::READ | radix_pte::WRITE | radix_pte::EXECUTE | radix_pte::PRIVILEGED);
}

// Any page will do as a mapping target: the tests never access it through the mapping.
constexpr uint64_t TARGET = 0x0200'0000;

}  // namespace

KTEST(powerpc_radix, map_writes_user_leaf_entries) {
  ArchAddressSpace* aspace = MUST(arch_aspace_create());
  const MmuOps ops = arch_aspace_mmu_ops(aspace);
  ASSERT_TRUE(ops.map(ops.context, BASE, TARGET, 2 * PAGE_SIZE, VM_READ | VM_WRITE).is_ok());
  ASSERT_TRUE(ops.map(ops.context, BASE + 4 * PAGE_SIZE, TARGET, PAGE_SIZE, VM_EXEC).is_ok());

  const uint64_t pte = radix_leaf_pte(aspace, BASE + PAGE_SIZE);
  EXPECT_EQ(pte & radix_pte::VALID, radix_pte::VALID);
  EXPECT_EQ(pte & radix_pte::LEAF, radix_pte::LEAF);
  EXPECT_EQ(pte & radix_pte::RPN_MASK, TARGET + PAGE_SIZE);
  EXPECT_EQ(pte & (radix_pte::REFERENCED | radix_pte::CHANGED),
            radix_pte::REFERENCED | radix_pte::CHANGED);
  EXPECT_EQ(access_of(pte), radix_pte::READ | radix_pte::WRITE);
  EXPECT_EQ(access_of(radix_leaf_pte(aspace, BASE + 4 * PAGE_SIZE)), radix_pte::EXECUTE);
  EXPECT_EQ(radix_leaf_pte(aspace, BASE + 2 * PAGE_SIZE), 0u);

  const Visits visits = walk(ops, 0, RADIX_USER_END);
  ASSERT_EQ(visits.count, 3u);
  EXPECT_EQ(visits.va[0], BASE);
  EXPECT_EQ(visits.pa[0], TARGET);
  EXPECT_EQ(visits.va[1], BASE + PAGE_SIZE);
  EXPECT_EQ(visits.pa[1], TARGET + PAGE_SIZE);
  EXPECT_EQ(visits.va[2], BASE + 4 * PAGE_SIZE);
  EXPECT_EQ(visits.pa[2], TARGET);
  // The walk reports what each entry grants problem state.
  EXPECT_EQ(visits.access[0].flags, VM_READ | VM_WRITE);
  EXPECT_EQ(visits.access[2].flags, VM_EXEC);
  for (unsigned i = 0; i < 3; i++) EXPECT_TRUE(visits.access[i].user);
  EXPECT_FALSE(radix_leaf_access(pte | radix_pte::PRIVILEGED).user);
  EXPECT_EQ(walk(ops, 0, RADIX_USER_END, 2).count, 2u);
  EXPECT_EQ(walk(ops, BASE + PAGE_SIZE, BASE + 4 * PAGE_SIZE).count, 1u);
  arch_aspace_destroy(aspace);
}

KTEST(powerpc_radix, protect_and_unmap_change_only_their_range) {
  ArchAddressSpace* aspace = MUST(arch_aspace_create());
  const MmuOps ops = arch_aspace_mmu_ops(aspace);
  ASSERT_TRUE(ops.map(ops.context, BASE, TARGET, 4 * PAGE_SIZE, VM_READ | VM_WRITE).is_ok());

  ops.protect(ops.context, BASE + PAGE_SIZE, BASE + 3 * PAGE_SIZE, VM_READ | VM_EXEC);
  EXPECT_EQ(access_of(radix_leaf_pte(aspace, BASE)), radix_pte::READ | radix_pte::WRITE);
  EXPECT_EQ(access_of(radix_leaf_pte(aspace, BASE + PAGE_SIZE)),
            radix_pte::READ | radix_pte::EXECUTE);
  EXPECT_EQ(access_of(radix_leaf_pte(aspace, BASE + 2 * PAGE_SIZE)),
            radix_pte::READ | radix_pte::EXECUTE);
  EXPECT_EQ(access_of(radix_leaf_pte(aspace, BASE + 3 * PAGE_SIZE)),
            radix_pte::READ | radix_pte::WRITE);
  // PROT_NONE keeps the translation present, with no access at all.
  ops.protect(ops.context, BASE, BASE + PAGE_SIZE, VM_NONE);
  EXPECT_EQ(access_of(radix_leaf_pte(aspace, BASE)), 0u);
  EXPECT_EQ(radix_leaf_pte(aspace, BASE) & radix_pte::RPN_MASK, TARGET);
  EXPECT_EQ(walk(ops, BASE, BASE + PAGE_SIZE).access[0].flags, VM_NONE);

  ops.unmap(ops.context, BASE + PAGE_SIZE, BASE + 2 * PAGE_SIZE);
  const Visits visits = walk(ops, 0, RADIX_USER_END);
  ASSERT_EQ(visits.count, 3u);
  EXPECT_EQ(visits.va[0], BASE);
  EXPECT_EQ(visits.va[1], BASE + 2 * PAGE_SIZE);
  EXPECT_EQ(visits.va[2], BASE + 3 * PAGE_SIZE);
  // The whole user half, almost all of it without tables, is one cheap call.
  ops.unmap(ops.context, 0, RADIX_USER_END);
  EXPECT_EQ(walk(ops, 0, RADIX_USER_END).count, 0u);
  // Unmapped pages can be mapped again.
  ASSERT_TRUE(ops.map(ops.context, BASE, TARGET, PAGE_SIZE, VM_READ).is_ok());
  EXPECT_EQ(walk(ops, 0, RADIX_USER_END).count, 1u);
  arch_aspace_destroy(aspace);
}

KTEST(powerpc_radix, address_spaces_keep_the_same_address_apart) {
  ArchAddressSpace* first = MUST(arch_aspace_create());
  ArchAddressSpace* second = MUST(arch_aspace_create());
  EXPECT_NE(radix_pid(first), radix_pid(second));
  EXPECT_GT(radix_pid(first), radix::NO_USER_PID);
  const MmuOps a = arch_aspace_mmu_ops(first);
  const MmuOps b = arch_aspace_mmu_ops(second);
  ASSERT_TRUE(a.map(a.context, BASE, TARGET, PAGE_SIZE, VM_READ).is_ok());
  ASSERT_TRUE(b.map(b.context, BASE, TARGET + PAGE_SIZE, PAGE_SIZE, VM_READ).is_ok());
  EXPECT_EQ(radix_leaf_pte(first, BASE) & radix_pte::RPN_MASK, TARGET);
  EXPECT_EQ(radix_leaf_pte(second, BASE) & radix_pte::RPN_MASK, TARGET + PAGE_SIZE);
  b.unmap(b.context, BASE, BASE + PAGE_SIZE);
  EXPECT_EQ(walk(a, 0, RADIX_USER_END).count, 1u);
  arch_aspace_destroy(first);
  arch_aspace_destroy(second);
}

KTEST(powerpc_radix, destroy_returns_every_table_page_and_the_pid) {
  const uint64_t free_before = physical_pages().free_pages();
  ArchAddressSpace* aspace = MUST(arch_aspace_create());
  const uint32_t pid = radix_pid(aspace);
  const MmuOps ops = arch_aspace_mmu_ops(aspace);
  // Addresses under different root, level-1 and level-2 entries, so every level gets tables.
  const uint64_t spread[] = {BASE, BASE + (uint64_t{1} << 21), BASE + (uint64_t{1} << 30),
                             uint64_t{1} << 39, RADIX_USER_END - PAGE_SIZE};
  for (uint64_t va : spread)
    ASSERT_TRUE(ops.map(ops.context, va, TARGET, PAGE_SIZE, VM_READ).is_ok());
  // The root's 16 pages, three level-1 tables, four level-2 tables and five leaf tables.
  const uint64_t held = free_before - physical_pages().free_pages();
  KTEST_NOTE("%llu pages held by the tree", static_cast<unsigned long long>(held));
  EXPECT_EQ(held, 16u + 3u + 4u + 5u);
  ops.unmap(ops.context, 0, RADIX_USER_END);
  arch_aspace_destroy(aspace);
  EXPECT_EQ(physical_pages().free_pages(), free_before);
  // The PID is free again: the next address space gets the lowest free one back.
  ArchAddressSpace* again = MUST(arch_aspace_create());
  EXPECT_EQ(radix_pid(again), pid);
  arch_aspace_destroy(again);
}

KTEST(powerpc_radix, out_of_pids_is_no_memory) {
  ArchAddressSpace* spaces[radix::PID_COUNT];
  unsigned made = 0;
  for (;;) {
    Result<ArchAddressSpace*> aspace = arch_aspace_create();
    if (aspace.is_error()) {
      EXPECT_EQ(aspace.error(), Error::NoMemory);
      break;
    }
    ASSERT_TRUE(made < radix::PID_COUNT);
    spaces[made++] = aspace.value();
  }
  EXPECT_EQ(made, radix::PID_COUNT - 2);
  for (unsigned i = 0; i < made; ++i) arch_aspace_destroy(spaces[i]);
}
