// VmaTree: the API contract case by case (lookups, store/insert/erase, edges of the address
// space, node splits and merges).
#include "host-tests/vma_tree_test_support.h"

namespace {

using namespace vma_tree_test;

class VmaTreeTest : public TreeFixture {};

TEST_F(VmaTreeTest, EmptyTree) {
  EXPECT_TRUE(tree.empty());
  EXPECT_EQ(tree.count(), 0u);
  EXPECT_EQ(tree.find_vma(0), nullptr);
  EXPECT_EQ(tree.find_vma(TOP), nullptr);
  EXPECT_EQ(tree.vma_lookup(123), nullptr);
  EXPECT_EQ(tree.find_vma_intersection(0, TOP), nullptr);
  Vma* prev = V(1);
  EXPECT_EQ(tree.find_vma_prev(100, &prev), nullptr);
  EXPECT_EQ(prev, nullptr);
  EXPECT_EQ(tree.erase(5), nullptr);
  EXPECT_TRUE(tree.store(0, 10, nullptr).is_ok());
  EXPECT_TRUE(tree.empty());
  VMA_ITERATOR(vmi, tree, 0);
  EXPECT_EQ(vmi.vma_next(), nullptr);
  EXPECT_EQ(vmi.vma_prev(), nullptr);
  EXPECT_ADDR(tree.unmapped_area_bottomup(0, TOP, PAGE), 0u);
  EXPECT_ADDR(tree.unmapped_area_topdown(0, TOP, PAGE), TOP - PAGE);
  expect_valid(tree);
}

TEST_F(VmaTreeTest, InvalidArguments) {
  EXPECT_EQ(tree.store(5, 5, V(1)).error(), Error::Invalid);
  EXPECT_EQ(tree.store(6, 5, V(1)).error(), Error::Invalid);
  EXPECT_EQ(tree.insert(5, 5, V(1)).error(), Error::Invalid);
  EXPECT_EQ(tree.insert(0, 5, nullptr).error(), Error::Invalid);
  EXPECT_TRUE(tree.empty());
  EXPECT_EQ(alloc.calls, 0);
}

TEST_F(VmaTreeTest, OneRange) {
  ASSERT_TRUE(tree.insert(0x1000, 0x3000, V(1)).is_ok());
  EXPECT_EQ(tree.count(), 1u);
  EXPECT_EQ(tree.find_vma(0), V(1));
  EXPECT_EQ(tree.find_vma(0x2fff), V(1));
  EXPECT_EQ(tree.find_vma(0x3000), nullptr);
  EXPECT_EQ(tree.vma_lookup(0xfff), nullptr);
  EXPECT_EQ(tree.vma_lookup(0x1000), V(1));
  EXPECT_EQ(tree.vma_lookup(0x3000), nullptr);
  EXPECT_EQ(tree.find_vma_intersection(0, 0x1000), nullptr);
  EXPECT_EQ(tree.find_vma_intersection(0, 0x1001), V(1));
  EXPECT_EQ(tree.find_vma_intersection(0x2fff, 0x5000), V(1));
  EXPECT_EQ(tree.find_vma_intersection(0x3000, 0x5000), nullptr);
  EXPECT_EQ(tree.find_vma_intersection(0x2000, 0x2000), nullptr);
  VmaTreeEntry e{};
  ASSERT_TRUE(tree.find_entry(0, &e));
  EXPECT_EQ(e.start, 0x1000u);
  EXPECT_EQ(e.end, 0x3000u);
  EXPECT_EQ(tree.insert(0x2000, 0x4000, V(2)).error(), Error::Exists);
  EXPECT_EQ(tree.insert(0, 0x1001, V(2)).error(), Error::Exists);
  EXPECT_TRUE(tree.insert(0x3000, 0x4000, V(2)).is_ok());
  EXPECT_TRUE(tree.insert(0, 0x1000, V(3)).is_ok());
  EXPECT_EQ(tree.count(), 3u);
}

TEST_F(VmaTreeTest, FindVmaPrev) {
  ASSERT_TRUE(tree.insert(0x1000, 0x2000, V(1)).is_ok());
  ASSERT_TRUE(tree.insert(0x4000, 0x5000, V(2)).is_ok());
  Vma* prev = nullptr;
  EXPECT_EQ(tree.find_vma_prev(0, &prev), V(1));
  EXPECT_EQ(prev, nullptr);
  EXPECT_EQ(tree.find_vma_prev(0x1800, &prev), V(1));
  EXPECT_EQ(prev, nullptr);
  EXPECT_EQ(tree.find_vma_prev(0x2000, &prev), V(2));
  EXPECT_EQ(prev, V(1));
  EXPECT_EQ(tree.find_vma_prev(0x4000, &prev), V(2));
  EXPECT_EQ(prev, V(1));
  EXPECT_EQ(tree.find_vma_prev(0x5000, &prev), nullptr);
  EXPECT_EQ(prev, V(2));
  EXPECT_EQ(tree.find_vma_prev(TOP, &prev), nullptr);
  EXPECT_EQ(prev, V(2));
}

TEST_F(VmaTreeTest, EdgesOfTheAddressSpace) {
  ASSERT_TRUE(tree.insert(0, 1, V(1)).is_ok());
  ASSERT_TRUE(tree.insert(TOP - PAGE, TOP, V(2)).is_ok());
  EXPECT_EQ(tree.find_vma(0), V(1));
  EXPECT_EQ(tree.vma_lookup(0), V(1));
  EXPECT_EQ(tree.find_vma(1), V(2));
  EXPECT_EQ(tree.vma_lookup(TOP - 1), V(2));
  EXPECT_EQ(tree.find_vma(TOP - 1), V(2));
  // The last address 2^64-1 is outside every range: the largest storable end is U64_MAX.
  EXPECT_EQ(tree.find_vma(TOP), nullptr);
  EXPECT_EQ(tree.vma_lookup(TOP), nullptr);
  EXPECT_EQ(tree.find_vma_intersection(TOP - 1, TOP), V(2));
  EXPECT_ADDR(tree.unmapped_area_topdown(0, TOP, PAGE), TOP - 2 * PAGE);
  EXPECT_ADDR(tree.unmapped_area_bottomup(0, TOP, PAGE), 1u);
  EXPECT_ADDR(tree.unmapped_area_bottomup(0, TOP, PAGE, PAGE), PAGE);
  VMA_ITERATOR(vmi, tree, TOP - 1);
  EXPECT_EQ(vmi.vma_next(), V(2));
  EXPECT_EQ(vmi.end(), TOP);
  EXPECT_EQ(vmi.vma_next(), nullptr);
  EXPECT_EQ(vmi.vma_prev(), V(1));
  EXPECT_EQ(vmi.vma_prev(), nullptr);
  ASSERT_TRUE(tree.store(0, TOP, V(3)).is_ok());
  EXPECT_EQ(tree.count(), 1u);
  EXPECT_EQ(tree.find_vma(TOP - 1), V(3));
  EXPECT_ERR(tree.unmapped_area_topdown(0, TOP, 1), Error::NoMemory);
  EXPECT_EQ(tree.erase(TOP - 1), V(3));
  EXPECT_TRUE(tree.empty());
}

TEST_F(VmaTreeTest, AdjacentRanges) {
  ASSERT_TRUE(tree.insert(10, 20, V(2)).is_ok());
  ASSERT_TRUE(tree.insert(0, 10, V(1)).is_ok());
  ASSERT_TRUE(tree.insert(20, 30, V(3)).is_ok());
  EXPECT_EQ(tree.find_vma(9), V(1));
  EXPECT_EQ(tree.find_vma(10), V(2));
  EXPECT_EQ(tree.vma_lookup(20), V(3));
  EXPECT_EQ(tree.find_vma_intersection(10, 20), V(2));
  EXPECT_ADDR(tree.unmapped_area_bottomup(0, 100, 1), 30u);
  EXPECT_ERR(tree.unmapped_area_topdown(0, 30, 1), Error::NoMemory);
}

TEST_F(VmaTreeTest, StoreOverwritesTrimsAndSplits) {
  ASSERT_TRUE(tree.store(100, 200, V(1)).is_ok());
  // Strictly inside: split into three.
  ASSERT_TRUE(tree.store(140, 160, V(2)).is_ok());
  EXPECT_TRUE(same(dump(tree), {{100, 140, V(1)}, {140, 160, V(2)}, {160, 200, V(1)}}));
  // Clearing strictly inside a range: split into two.
  ASSERT_TRUE(tree.store(110, 120, nullptr).is_ok());
  EXPECT_TRUE(
      same(dump(tree), {{100, 110, V(1)}, {120, 140, V(1)}, {140, 160, V(2)}, {160, 200, V(1)}}));
  // Across several: trims both ends, removes the ones inside.
  ASSERT_TRUE(tree.store(105, 170, V(3)).is_ok());
  EXPECT_TRUE(same(dump(tree), {{100, 105, V(1)}, {105, 170, V(3)}, {170, 200, V(1)}}));
  // Exact replacement.
  ASSERT_TRUE(tree.store(105, 170, V(4)).is_ok());
  EXPECT_TRUE(same(dump(tree), {{100, 105, V(1)}, {105, 170, V(4)}, {170, 200, V(1)}}));
  // Trim the start / end of a single range.
  ASSERT_TRUE(tree.store(90, 102, V(5)).is_ok());
  ASSERT_TRUE(tree.store(190, 210, nullptr).is_ok());
  EXPECT_TRUE(
      same(dump(tree), {{90, 102, V(5)}, {102, 105, V(1)}, {105, 170, V(4)}, {170, 190, V(1)}}));
  // Covering everything.
  ASSERT_TRUE(tree.store(0, 1000, V(6)).is_ok());
  EXPECT_TRUE(same(dump(tree), {{0, 1000, V(6)}}));
  ASSERT_TRUE(tree.store(0, 1000, nullptr).is_ok());
  EXPECT_TRUE(tree.empty());
}

TEST_F(VmaTreeTest, EraseRemovesWholeRange) {
  ASSERT_TRUE(tree.insert(0x1000, 0x5000, V(1)).is_ok());
  ASSERT_TRUE(tree.insert(0x6000, 0x7000, V(2)).is_ok());
  EXPECT_EQ(tree.erase(0x5000), nullptr);
  EXPECT_EQ(tree.erase(0x4fff), V(1));
  EXPECT_EQ(tree.vma_lookup(0x1000), nullptr);
  EXPECT_EQ(tree.count(), 1u);
  EXPECT_EQ(tree.erase(0x6000), V(2));
  EXPECT_TRUE(tree.empty());
  EXPECT_EQ(tree.height(), 0u);
}

// Grows the tree to several levels, then erases in an interleaved order down to empty, checking
// every invariant (fill, depth, gap metadata) after each step.
TEST_F(VmaTreeTest, SplitsAndMergesDownToEmpty) {
  constexpr uint64_t N = 12000;
  for (uint64_t i = 0; i < N; i++) {
    uint64_t k = (i * 7919) % N;  // a permutation: 7919 is prime and does not divide N
    ASSERT_TRUE(tree.insert(k * 3 * PAGE, k * 3 * PAGE + PAGE, V(k + 1)).is_ok());
    if (i % 97 == 0) expect_valid(tree);
  }
  expect_valid(tree);
  EXPECT_EQ(tree.count(), N);
  EXPECT_GE(tree.height(), 4u);
  for (uint64_t k = 0; k < N; k++) EXPECT_EQ(tree.vma_lookup(k * 3 * PAGE + 1), V(k + 1));
  for (uint64_t i = 0; i < N; i++) {
    uint64_t k = (i * 104729) % N;
    ASSERT_EQ(tree.erase(k * 3 * PAGE), V(k + 1));
    if (i % 89 == 0) {
      const char* why = "";
      ASSERT_TRUE(tree.validate(&why).is_ok()) << why << " after " << i;
    }
  }
  EXPECT_TRUE(tree.empty());
  EXPECT_EQ(tree.height(), 0u);
}

TEST_F(VmaTreeTest, SequentialInsertPacksLeaves) {
  constexpr uint64_t N = 100000;
  for (uint64_t i = 0; i < N; i++) {
    ASSERT_TRUE(tree.insert(i * 2 * PAGE, i * 2 * PAGE + PAGE, V(i + 1)).is_ok());
  }
  expect_valid(tree);
  // A full leaf costs 512 / 21 = 24.4 bytes per range; the internal nodes add about a fourteenth.
  EXPECT_LT(tree.memory_bytes() / N, 30u);
}

// Inserts at or above the last stored end skip the search; one reaching below it still meets the
// overlap check, and the tree stays valid while appends fill, shift and split nodes.
TEST_F(VmaTreeTest, AppendsCheckOverlapWithTheLastRange) {
  constexpr uint64_t N = 2000;
  for (uint64_t i = 0; i < N; i++) {
    ASSERT_TRUE(tree.insert(i * PAGE, (i + 1) * PAGE, V(i + 1)).is_ok());
    EXPECT_EQ(tree.insert(i * PAGE + PAGE / 2, (i + 2) * PAGE, V(N + 1)).error(), Error::Exists);
    if (i % 101 == 0) expect_valid(tree);
  }
  expect_valid(tree);
  EXPECT_EQ(tree.count(), N);
  for (uint64_t i = 0; i < N; i++) EXPECT_EQ(tree.vma_lookup(i * PAGE), V(i + 1));
  EXPECT_EQ(tree.vma_lookup(N * PAGE), nullptr);
}

// Erasing every other range of a packed tree leaves each leaf just above half full: neighbours
// that fit into one node merge, and three neighbours that fit into two share two, so the leaves
// stay two thirds full on average instead of half.
TEST_F(VmaTreeTest, EraseKeepsLeavesTwoThirdsFull) {
  constexpr uint64_t N = 13000;
  for (uint64_t i = 0; i < N; i++) {
    ASSERT_TRUE(tree.insert(i * 2 * PAGE, i * 2 * PAGE + PAGE, V(i + 1)).is_ok());
  }
  for (uint64_t i = 0; i < N; i += 2) ASSERT_EQ(tree.erase(i * 2 * PAGE), V(i + 1));
  expect_valid(tree);
  const uint64_t left = N / 2;
  // Leaves two thirds full, plus internal nodes (a tenth of that at most with 15 children each,
  // after the same merging) and the spare pool.
  const uint64_t leaves = left * 3 / (2 * VmaTree::LEAF_CAP) + 1;
  const uint64_t bound = (leaves + leaves / 4 + VmaTree::MAX_HEIGHT) * VmaTree::NODE_SIZE;
  EXPECT_LE(tree.memory_bytes(), bound) << tree.memory_bytes() / left << " bytes per range";
}

}  // namespace
