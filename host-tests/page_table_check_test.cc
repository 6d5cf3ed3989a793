// The mm check of kernel/mm/page_table_check.h over the fake MMU: an address space the fault and
// mm paths built passes, and each kind of wrong translation planted in the page table is caught
// (outside every VMA, more access than the VMA allows, a privileged entry, MTE or the BTI guard
// where the VMA has none, no guard where it has one, the zero page writable), while
// read-only-until-written and PROT_NONE translations are allowed.

#include "kernel/mm/page_table_check.h"

#include "host-tests/fake_mmu.h"

namespace {

using PageTableCheckTest = AddressSpaceTest;

constexpr uint64_t A = 0x40000000;

TEST_F(PageTableCheckTest, WhatTheAddressSpaceBuildsPasses) {
  map(A, 4 * P, RW, ANON | MAP_FIXED);
  touch(A, FaultAccess::Read);  // the zero page, read-only until written: fewer rights
  touch(A + P);
  touch(A + 2 * P);
  ASSERT_TRUE(space->mprotect(A + 2 * P, P, PROT_READ).is_ok());
  ASSERT_TRUE(space->mprotect(A + P, P, PROT_NONE).is_ok());
  const PageTableCheck check = check_page_tables(*space, mmu.ops());
  EXPECT_TRUE(check.ok()) << check.problem;
  EXPECT_EQ(check.offending, 0u);
}

TEST_F(PageTableCheckTest, MoreAccessThanTheVmaAllowsIsCaught) {
  map(A, 2 * P, PROT_READ, ANON | MAP_FIXED);
  touch(A, FaultAccess::Read);
  touch(A + P, FaultAccess::Read);
  ASSERT_TRUE(check_page_tables(*space, mmu.ops()).ok());
  mmu.pages[A + P].flags |= VM_WRITE;
  const PageTableCheck check = check_page_tables(*space, mmu.ops());
  ASSERT_FALSE(check.ok());
  EXPECT_FALSE(check.tree);
  EXPECT_STREQ(check.problem, "a translation granting more than its VMA allows");
  EXPECT_EQ(check.va, A + P);
  EXPECT_EQ(check.granted, VM_READ | VM_WRITE);
  EXPECT_EQ(check.allowed, VM_READ);
  EXPECT_EQ(check.offending, 1u);
  mmu.pages[A + P].flags = VM_READ | VM_EXEC;
  EXPECT_FALSE(check_page_tables(*space, mmu.ops()).ok());
  mmu.pages[A + P].flags = VM_READ | VM_MTE;
  EXPECT_FALSE(check_page_tables(*space, mmu.ops()).ok());
  mmu.pages[A + P].flags = VM_READ;
  EXPECT_TRUE(check_page_tables(*space, mmu.ops()).ok());
}

TEST_F(PageTableCheckTest, AGuardUnlikeTheVmasIsCaught) {
  AddressSpaceLayout layout = default_layout();
  layout.bti = true;
  make_space(layout);
  map(A, P, PROT_READ | PROT_EXEC | PROT_BTI, ANON | MAP_FIXED);
  map(A + P, P, PROT_READ | PROT_EXEC, ANON | MAP_FIXED);
  touch(A, FaultAccess::Read);
  touch(A + P, FaultAccess::Read);
  ASSERT_TRUE(check_page_tables(*space, mmu.ops()).ok());
  // A guarded VMA's page without the guard, then a guard outside a guarded VMA.
  mmu.pages[A].flags &= ~VM_ARM64_BTI;
  PageTableCheck check = check_page_tables(*space, mmu.ops());
  ASSERT_FALSE(check.ok());
  EXPECT_STREQ(check.problem, "a translation guarded unlike its VMA");
  EXPECT_EQ(check.va, A);
  mmu.pages[A].flags |= VM_ARM64_BTI;
  mmu.pages[A + P].flags |= VM_ARM64_BTI;
  check = check_page_tables(*space, mmu.ops());
  ASSERT_FALSE(check.ok());
  EXPECT_STREQ(check.problem, "a translation granting more than its VMA allows");
  EXPECT_EQ(check.va, A + P);
  mmu.pages[A + P].flags &= ~VM_ARM64_BTI;
  // A PROT_NONE page grants nothing, guarded or not.
  ASSERT_TRUE(space->mprotect(A, P, PROT_BTI).is_ok());
  EXPECT_TRUE(check_page_tables(*space, mmu.ops()).ok());
}

TEST_F(PageTableCheckTest, AWritableZeroPageIsCaught) {
  map(A, 2 * P, RW, ANON | MAP_FIXED);
  touch(A, FaultAccess::Read);
  touch(A + P, FaultAccess::Read);
  ASSERT_EQ(mmu.pages.at(A + P).pa, pages.zero_page());
  ASSERT_TRUE(check_page_tables(*space, mmu.ops()).ok());
  // Write access is within what the VMA allows, but not for the zero page.
  mmu.pages[A + P].flags |= VM_WRITE;
  const PageTableCheck check = check_page_tables(*space, mmu.ops());
  ASSERT_FALSE(check.ok());
  EXPECT_STREQ(check.problem, "the zero page mapped writable");
  EXPECT_EQ(check.va, A + P);
  EXPECT_EQ(check.granted, VM_READ | VM_WRITE);
  EXPECT_EQ(check.allowed, VM_READ | VM_WRITE);
  mmu.pages[A + P].flags = VM_READ;
}

TEST_F(PageTableCheckTest, ATranslationOutsideEveryVmaIsCaught) {
  map(A, P, RW, ANON | MAP_FIXED);
  touch(A);
  const auto page = mmu.pages.at(A);
  mmu.pages.emplace(A + 8 * P, page);
  const PageTableCheck check = check_page_tables(*space, mmu.ops());
  ASSERT_FALSE(check.ok());
  EXPECT_STREQ(check.problem, "a translation outside every VMA");
  EXPECT_EQ(check.va, A + 8 * P);
  mmu.pages.erase(A + 8 * P);  // the teardown must find only the address space's own pages
}

TEST_F(PageTableCheckTest, ExecuteOnlyReadsOnlyWhereTheLayoutSaysSo) {
  AddressSpaceLayout layout = default_layout();
  for (const bool implies : {false, true}) {
    layout.exec_implies_read = implies;
    make_space(layout);
    map(A, P, PROT_EXEC, ANON | MAP_FIXED);
    mmu.pages.emplace(
        A, FakePte{pages.source().alloc_zeroed(pages.source().context).value(), VM_READ | VM_EXEC});
    EXPECT_EQ(check_page_tables(*space, mmu.ops()).ok(), implies);
    ASSERT_TRUE(space->munmap(A, P).is_ok());  // frees the planted page with its translation
  }
}

TEST_F(PageTableCheckTest, APrivilegedEntryIsCaught) {
  map(A, P, RW, ANON | MAP_FIXED);
  touch(A);
  MmuOps ops = mmu.ops();
  ops.walk = [](void* c, uint64_t start, uint64_t end, MmuVisitFn visit, void* cookie) {
    for (const auto& [va, pte] : static_cast<FakeMmu*>(c)->pages) {
      if (va >= start && va < end && !visit(cookie, va, pte.pa, MmuAccess{VM_READ, false})) return;
    }
  };
  const PageTableCheck check = check_page_tables(*space, ops);
  ASSERT_FALSE(check.ok());
  EXPECT_STREQ(check.problem, "a privileged translation in the user half");
}

}  // namespace
