// VmaTree: the VMA iterator (Linux's vma_find/vma_next/vma_prev/pause/reset semantics, walking
// while the tree changes) and the unmapped-area searches.
#include "host-tests/vma_tree_test_support.h"

namespace {

using namespace vma_tree_test;

class VmaTreeIterTest : public ::testing::Test {
 protected:
  TestAlloc alloc;
  VmaTree tree{alloc.allocator()};
  // Ranges [10k, 10k + 5) pages for k = 1..n, entry V(k).
  void fill(uint64_t n) {
    for (uint64_t k = 1; k <= n; k++) {
      ASSERT_TRUE(tree.insert(k * 10 * PAGE, (k * 10 + 5) * PAGE, V(k)).is_ok());
    }
  }
  void TearDown() override { expect_valid(tree); }
};

TEST_F(VmaTreeIterTest, ForEachVmaVisitsAllInOrder) {
  fill(500);
  VMA_ITERATOR(vmi, tree, 0);
  Vma* vma;
  uint64_t k = 0;
  for_each_vma(vmi, vma) {
    k++;
    ASSERT_EQ(vma, V(k));
    EXPECT_EQ(vmi.addr(), k * 10 * PAGE);
    EXPECT_EQ(vmi.end(), (k * 10 + 5) * PAGE);
  }
  EXPECT_EQ(k, 500u);
  EXPECT_EQ(vmi.vma_next(), nullptr);  // stays at the end
  EXPECT_EQ(vmi.vma_prev(), V(499));
}

TEST_F(VmaTreeIterTest, FirstStepReturnsContainingOrNext) {
  fill(20);
  VMA_ITERATOR(in, tree, 32 * PAGE);  // inside range 3
  EXPECT_EQ(in.addr(), 32 * PAGE);
  EXPECT_EQ(in.end(), 32 * PAGE);
  EXPECT_EQ(in.vma_next(), V(3));
  VMA_ITERATOR(hole, tree, 37 * PAGE);  // in the hole after range 3
  EXPECT_EQ(hole.vma_next(), V(4));
  VMA_ITERATOR(prev_in, tree, 32 * PAGE);
  EXPECT_EQ(prev_in.vma_prev(), V(2));
  VMA_ITERATOR(prev_hole, tree, 37 * PAGE);
  EXPECT_EQ(prev_hole.vma_prev(), V(3));
  VMA_ITERATOR(before_all, tree, 0);
  EXPECT_EQ(before_all.vma_prev(), nullptr);
  VMA_ITERATOR(after_all, tree, TOP);
  EXPECT_EQ(after_all.vma_next(), nullptr);
  EXPECT_EQ(after_all.vma_prev(), V(20));
}

TEST_F(VmaTreeIterTest, VmaFindStopsAtExclusiveMax) {
  fill(100);
  VMA_ITERATOR(vmi, tree, 12 * PAGE);
  Vma* vma;
  std::vector<Vma*> seen;
  for_each_vma_range(vmi, vma, 40 * PAGE) seen.push_back(vma);
  // Ranges 1..3 start below 40 pages; range 4 starts exactly at the bound.
  EXPECT_EQ(seen, (std::vector<Vma*>{V(1), V(2), V(3)}));
  // A null return does not move the iterator: the walk continues after range 3.
  EXPECT_EQ(vmi.addr(), 30 * PAGE);
  EXPECT_EQ(vmi.vma_find(41 * PAGE), V(4));
  EXPECT_EQ(vmi.vma_find(41 * PAGE), nullptr);
  EXPECT_EQ(vmi.vma_next(), V(5));
}

TEST_F(VmaTreeIterTest, PrevAndNextAcrossLeaves) {
  fill(1000);
  VMA_ITERATOR(vmi, tree, TOP);
  for (uint64_t k = 1000; k >= 1; k--) ASSERT_EQ(vmi.vma_prev(), V(k));
  EXPECT_EQ(vmi.vma_prev(), nullptr);
  EXPECT_EQ(vmi.addr(), 10 * PAGE);  // still on the first range
  EXPECT_EQ(vmi.vma_next(), V(2));
  EXPECT_EQ(vmi.vma_prev(), V(1));
  for (uint64_t k = 2; k <= 1000; k++) ASSERT_EQ(vmi.vma_next(), V(k));
  EXPECT_EQ(vmi.vma_next(), nullptr);
}

// Every step between neighbours, so every leaf boundary and every boundary between two parents
// (1000 packed ranges take three levels) is crossed forwards and backwards, bounded and not.
TEST_F(VmaTreeIterTest, BoundedStepsAtEveryBoundary) {
  fill(1000);
  ASSERT_EQ(tree.height(), 3u);
  for (uint64_t k = 1; k < 1000; k++) {
    VMA_ITERATOR(vmi, tree, k * 10 * PAGE);
    const uint64_t next_start = (k + 1) * 10 * PAGE;
    ASSERT_EQ(vmi.vma_find(next_start), V(k));
    // The next range starts exactly at the bound: no step, and the position stays valid.
    ASSERT_EQ(vmi.vma_find(next_start), nullptr);
    ASSERT_EQ(vmi.addr(), k * 10 * PAGE);
    ASSERT_EQ(vmi.end(), (k * 10 + 5) * PAGE);
    ASSERT_EQ(vmi.vma_find(next_start + 1), V(k + 1));
    ASSERT_EQ(vmi.addr(), next_start);
    ASSERT_EQ(vmi.end(), next_start + 5 * PAGE);
    ASSERT_EQ(vmi.vma_prev(), V(k));
    ASSERT_EQ(vmi.addr(), k * 10 * PAGE);
    if (k > 1) {
      ASSERT_EQ(vmi.vma_prev(), V(k - 1));
      ASSERT_EQ(vmi.end(), ((k - 1) * 10 + 5) * PAGE);
      ASSERT_EQ(vmi.vma_next(), V(k));
    }
    ASSERT_EQ(vmi.vma_next(), V(k + 1));
  }
}

TEST_F(VmaTreeIterTest, PauseResetSet) {
  fill(50);
  VMA_ITERATOR(vmi, tree, 0);
  EXPECT_EQ(vmi.vma_next(), V(1));
  EXPECT_EQ(vmi.vma_next(), V(2));
  vmi.pause();
  EXPECT_EQ(vmi.vma_next(), V(3));
  vmi.pause();
  EXPECT_EQ(vmi.vma_prev(), V(2));
  vmi.reset();  // walks again from addr(): the current range comes back
  EXPECT_EQ(vmi.vma_next(), V(2));
  vmi.set(255 * PAGE);
  EXPECT_EQ(vmi.addr(), 255 * PAGE);
  EXPECT_EQ(vmi.vma_next(), V(26));
  vmi.set(255 * PAGE);
  EXPECT_EQ(vmi.vma_prev(), V(25));
}

TEST_F(VmaTreeIterTest, EraseCurrentWhileIterating) {
  fill(2000);
  VMA_ITERATOR(vmi, tree, 0);
  Vma* vma;
  uint64_t k = 0;
  // Erasing every other range through the tree reshapes nodes under the iterator; it notices
  // the new sequence number and re-walks from its saved range.
  for_each_vma(vmi, vma) {
    k++;
    ASSERT_EQ(vma, V(k));
    if (k % 2 == 0) ASSERT_EQ(tree.erase(vmi.addr()), vma);
  }
  EXPECT_EQ(k, 2000u);
  EXPECT_EQ(tree.count(), 1000u);
}

TEST_F(VmaTreeIterTest, InsertAheadWhileIterating) {
  fill(300);
  VMA_ITERATOR(vmi, tree, 0);
  Vma* vma;
  uint64_t seen = 0;
  for_each_vma(vmi, vma) {
    seen++;
    uint64_t k = vmi.addr() / (10 * PAGE);
    // Fill the hole right after the current range; the walk must visit it next.
    if (vmi.end() == (k * 10 + 5) * PAGE && k <= 300 &&
        reinterpret_cast<uintptr_t>(vma) < 16 * 1000) {
      ASSERT_TRUE(tree.insert(vmi.end(), vmi.end() + PAGE, V(1000 + k)).is_ok());
      ASSERT_EQ(vmi.vma_next(), V(1000 + k));
      seen++;
    }
  }
  EXPECT_EQ(seen, 600u);
  EXPECT_EQ(tree.count(), 600u);
}

TEST_F(VmaTreeIterTest, ClearWhileIterating) {
  fill(100);
  VMA_ITERATOR(vmi, tree, 0);
  EXPECT_EQ(vmi.vma_next(), V(1));
  tree.clear();
  EXPECT_EQ(vmi.vma_next(), nullptr);
  EXPECT_EQ(vmi.vma_prev(), nullptr);
  ASSERT_TRUE(tree.insert(100 * PAGE, 101 * PAGE, V(7)).is_ok());
  EXPECT_EQ(vmi.vma_next(), V(7));
}

TEST_F(VmaTreeIterTest, GapSearchArguments) {
  EXPECT_ERR(tree.unmapped_area_topdown(0, 100, 0), Error::Invalid);
  EXPECT_ERR(tree.unmapped_area_topdown(0, 100, 1, 3), Error::Invalid);
  EXPECT_ERR(tree.unmapped_area_topdown(0, 100, 1, 0), Error::Invalid);
  EXPECT_ERR(tree.unmapped_area_bottomup(100, 100, 1), Error::Invalid);
  EXPECT_ERR(tree.unmapped_area_bottomup(0, 100, 101), Error::NoMemory);
  EXPECT_ADDR(tree.unmapped_area_bottomup(0, 100, 100), 0u);
  EXPECT_ADDR(tree.unmapped_area_topdown(0, 100, 100), 0u);
  EXPECT_ADDR(tree.unmapped_area_topdown(0, 100, 16, 32), 64u);
  EXPECT_ADDR(tree.unmapped_area_topdown(0, 100, 16, 32, 8), 72u);
  EXPECT_ADDR(tree.unmapped_area_bottomup(1, 100, 16, 32, 8), 8u);
  EXPECT_ADDR(tree.unmapped_area_bottomup(9, 100, 16, 32, 8), 40u);
}

TEST_F(VmaTreeIterTest, GapSearchBothDirections) {
  fill(1000);  // holes: [0,10) pages, then 5 pages between ranges, then above 10005 pages
  ASSERT_TRUE(tree.store(505 * PAGE, 520 * PAGE, V(9999)).is_ok());  // fills one hole
  // The largest holes below the end are 5 pages; 6 pages fit only below the first range or
  // above the last within the window.
  EXPECT_ADDR(tree.unmapped_area_bottomup(PAGE, 10005 * PAGE, 6 * PAGE), PAGE);
  EXPECT_ERR(tree.unmapped_area_bottomup(5 * PAGE, 10005 * PAGE, 6 * PAGE), Error::NoMemory);
  EXPECT_ADDR(tree.unmapped_area_topdown(0, 10010 * PAGE, 6 * PAGE), 4 * PAGE);
  EXPECT_ERR(tree.unmapped_area_topdown(5 * PAGE, 10010 * PAGE, 6 * PAGE), Error::NoMemory);
  EXPECT_ADDR(tree.unmapped_area_topdown(0, 10011 * PAGE, 6 * PAGE), 10005 * PAGE);
  EXPECT_ADDR(tree.unmapped_area_topdown(0, 10011 * PAGE, 5 * PAGE), 10006 * PAGE);
  EXPECT_ADDR(tree.unmapped_area_topdown(0, 10005 * PAGE, 5 * PAGE), 9995 * PAGE);
  EXPECT_ADDR(tree.unmapped_area_bottomup(10 * PAGE, TOP, 5 * PAGE), 15 * PAGE);
  // Window edges clip holes: [17, 19) pages is what is left of the hole [15, 20).
  EXPECT_ADDR(tree.unmapped_area_bottomup(17 * PAGE, 19 * PAGE, 2 * PAGE), 17 * PAGE);
  EXPECT_ADDR(tree.unmapped_area_topdown(17 * PAGE, 19 * PAGE, 2 * PAGE), 17 * PAGE);
  EXPECT_ERR(tree.unmapped_area_topdown(17 * PAGE, 19 * PAGE, 3 * PAGE), Error::NoMemory);
  // The filled hole is skipped in both directions.
  EXPECT_ADDR(tree.unmapped_area_bottomup(500 * PAGE, TOP, PAGE), 525 * PAGE);
  EXPECT_ADDR(tree.unmapped_area_topdown(0, 525 * PAGE, PAGE), 499 * PAGE);
}

TEST_F(VmaTreeIterTest, GapSearchAlignmentKeepsSearching) {
  // Holes of 3 pages at odd page offsets: big enough by size for 2 pages, never 4-page aligned
  // for 2 pages except where the hole starts on a 4-page boundary.
  for (uint64_t k = 0; k < 2000; k++) {
    uint64_t start = k * 8 * PAGE + PAGE;
    ASSERT_TRUE(tree.insert(start, start + 5 * PAGE, V(k + 1)).is_ok());
  }
  // Holes are [8k+6, 8k+9) pages: a 2-page run aligned to 4 pages needs 8k+8 and 8k+9: no fit.
  EXPECT_ERR(tree.unmapped_area_bottomup(PAGE, 16000 * PAGE, 2 * PAGE, 4 * PAGE), Error::NoMemory);
  // Aligned to 2 pages it fits at 8k+6.
  EXPECT_ADDR(tree.unmapped_area_bottomup(PAGE, 16000 * PAGE, 2 * PAGE, 2 * PAGE), 6 * PAGE);
  EXPECT_ADDR(tree.unmapped_area_topdown(PAGE, 16000 * PAGE, 2 * PAGE, 2 * PAGE), 15998 * PAGE);
  EXPECT_ADDR(tree.unmapped_area_topdown(PAGE, 15998 * PAGE, 2 * PAGE, 2 * PAGE),
              (8 * 1998 + 6) * PAGE);
  // One hole far away is made 4-page alignable; both directions must find it.
  ASSERT_EQ(tree.erase((8 * 1500 + 1) * PAGE), V(1501));
  ASSERT_TRUE(tree.insert((8 * 1500 + 1) * PAGE, (8 * 1500 + 2) * PAGE, V(1501)).is_ok());
  uint64_t want = (8 * 1500 + 4) * PAGE;
  EXPECT_ADDR(tree.unmapped_area_bottomup(PAGE, 16000 * PAGE, 2 * PAGE, 4 * PAGE), want);
  // The widened hole is [8*1500+2, 8*1500+9) pages; the highest aligned fit starts at +4.
  EXPECT_ADDR(tree.unmapped_area_topdown(PAGE, 15990 * PAGE, 2 * PAGE, 4 * PAGE), want);
  EXPECT_ADDR(tree.unmapped_area_topdown(PAGE, 15990 * PAGE, 2 * PAGE, 4 * PAGE, PAGE),
              (8 * 1500 + 5) * PAGE);
  // With an offset of 3 pages every 3-page hole [8k+6, 8k+9) has a fit at 8k+7.
  EXPECT_ADDR(tree.unmapped_area_bottomup(PAGE, 15990 * PAGE, 2 * PAGE, 4 * PAGE, 3 * PAGE),
              7 * PAGE);
}

}  // namespace
