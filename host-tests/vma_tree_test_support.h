// Shared helpers of the VmaTree GoogleTest files: a counting allocator that can fail on demand,
// fake entries, a dump of the tree through the iterator, and Result checks.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <vector>

#include "kernel/mm/vma.h"
#include "kernel/mm/vma_tree.h"

namespace vma_tree_test {

// Results of the gap searches, checked without tripping Result's VERIFY on the wrong variant.
#define EXPECT_ADDR(expr, want)                                                    \
  do {                                                                             \
    auto r_ = (expr);                                                              \
    ASSERT_TRUE(r_.is_ok()) << #expr << " failed with " << error_name(r_.error()); \
    EXPECT_EQ(r_.value(), static_cast<uint64_t>(want)) << #expr;                   \
  } while (0)
#define EXPECT_ERR(expr, err)                                          \
  do {                                                                 \
    auto r_ = (expr);                                                  \
    ASSERT_TRUE(r_.is_error()) << #expr << " returned " << r_.value(); \
    EXPECT_EQ(r_.error(), err) << #expr;                               \
  } while (0)

// Counting allocator that can be told to fail from the n-th call on.
struct TestAlloc {
  long live = 0;
  long calls = 0;
  long fail_at = -1;  // from this calls value on alloc_node returns nullptr; -1 = never

  static void* alloc(void* ctx) {
    TestAlloc* self = static_cast<TestAlloc*>(ctx);
    const bool fail = self->fail_at >= 0 && self->calls >= self->fail_at;
    self->calls++;
    if (fail) return nullptr;
    self->live++;
    return aligned_alloc(VmaTree::NODE_ALIGN, VmaTree::NODE_SIZE);
  }
  static void free(void* ctx, void* node) {
    static_cast<TestAlloc*>(ctx)->live--;
    ::free(node);
  }
  VmaTreeAllocator allocator() { return {&TestAlloc::alloc, &TestAlloc::free, this}; }
};

constexpr uint64_t PAGE = 4096;
constexpr uint64_t TOP = kstd::U64_MAX;

// Distinct fake entries; the tree never dereferences them.
inline Vma* V(uintptr_t n) { return reinterpret_cast<Vma*>(n * 16); }

inline std::vector<VmaTreeEntry> dump(const VmaTree& tree) {
  std::vector<VmaTreeEntry> out;
  VMA_ITERATOR(vmi, tree, 0);
  Vma* vma;
  for_each_vma(vmi, vma) out.push_back({vmi.addr(), vmi.end(), vma});
  return out;
}

inline void expect_valid(const VmaTree& tree) {
  const char* why = "";
  EXPECT_TRUE(tree.validate(&why).is_ok()) << why;
}

inline bool same(const std::vector<VmaTreeEntry>& a, const std::vector<VmaTreeEntry>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    if (a[i].start != b[i].start || a[i].end != b[i].end || a[i].vma != b[i].vma) return false;
  }
  return true;
}

// A tree on a counting allocator; every test ends with a valid tree and no leaked node.
class TreeFixture : public ::testing::Test {
 protected:
  TestAlloc alloc;
  VmaTree tree{alloc.allocator()};
  void TearDown() override {
    expect_valid(tree);
    tree.clear();
    EXPECT_EQ(alloc.live, 0);
    EXPECT_EQ(tree.memory_bytes(), 0u);
  }
};

}  // namespace vma_tree_test
