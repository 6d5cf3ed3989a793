// VmaTree out of memory: every allocation a store needs is made to fail in turn, and the tree
// must come out of each failure exactly as it went in.
#include "host-tests/vma_tree_model.h"
#include "host-tests/vma_tree_test_support.h"

#include <set>

namespace {

using namespace vma_tree_test;

class VmaTreeOomTest : public TreeFixture {};

// Every allocation of a store that needs new nodes is made to fail in turn: the tree must be
// unchanged after each failure, and the store must succeed once the allocator lets it.
void fail_every_call(TestAlloc& alloc, VmaTree& tree, uint64_t start, uint64_t end, Vma* vma) {
  std::vector<VmaTreeEntry> before = dump(tree);
  long base = alloc.calls;
  for (long k = 0;; k++) {
    alloc.fail_at = base + k;
    alloc.calls = base;
    Result<void> r = tree.store(start, end, vma);
    alloc.fail_at = -1;
    const char* why = "";
    ASSERT_TRUE(tree.validate(&why).is_ok()) << why;
    if (r.is_ok()) break;
    ASSERT_EQ(r.error(), Error::NoMemory);
    ASSERT_TRUE(same(dump(tree), before)) << "state changed by failed store, k=" << k;
    ASSERT_LT(k, 200);
  }
}

TEST_F(VmaTreeOomTest, OutOfMemoryLeavesTreeUnchanged) {
  // Empty tree, then growth through every height, with splits at all levels.
  for (uint64_t i = 0; i < 2000; i++) {
    fail_every_call(alloc, tree, i * 4 * PAGE, i * 4 * PAGE + PAGE, V(i + 1));
  }
  // Splitting stores that need two inserts, and clearing the middle of a range.
  for (uint64_t i = 0; i < 300; i++) {
    uint64_t base = i * 4 * PAGE;
    fail_every_call(alloc, tree, base + 0x100, base + 0x200, V(10000 + i));
    fail_every_call(alloc, tree, base + 0x300, base + 0x400, nullptr);
    fail_every_call(alloc, tree, base + PAGE, base + 2 * PAGE, V(20000 + i));
  }
  expect_valid(tree);
  EXPECT_EQ(tree.count(), 2000u + 300u * 4);
}

// An insert takes nodes only for the full nodes on its path: with the allocator cut off, inserts
// into a leaf with room still succeed, at every height, and one into a full leaf fails cleanly.
TEST_F(VmaTreeOomTest, InsertIntoALeafWithRoomNeedsNoMemory) {
  ASSERT_TRUE(tree.insert(0, PAGE, V(1)).is_ok());
  alloc.fail_at = alloc.calls;
  for (uint64_t i = 1; i < VmaTree::LEAF_CAP; i++) {
    ASSERT_TRUE(tree.insert(i * 2 * PAGE, i * 2 * PAGE + PAGE, V(i + 1)).is_ok()) << i;
  }
  const uint64_t next = VmaTree::LEAF_CAP * 2 * PAGE;
  EXPECT_EQ(tree.insert(next, next + PAGE, V(1000)).error(), Error::NoMemory);
  alloc.fail_at = -1;
  EXPECT_EQ(tree.count(), VmaTree::LEAF_CAP);

  // An ascending build packs its leaves; erasing makes room, and refilling it needs no memory.
  constexpr uint64_t N = 5000;
  for (uint64_t i = VmaTree::LEAF_CAP; i < N; i++) {
    ASSERT_TRUE(tree.insert(i * 2 * PAGE, i * 2 * PAGE + PAGE, V(i + 1)).is_ok());
  }
  ASSERT_GE(tree.height(), 3u);
  for (uint64_t i = 0; i < N; i += 7) ASSERT_EQ(tree.erase(i * 2 * PAGE), V(i + 1));
  alloc.fail_at = alloc.calls;
  for (uint64_t i = 0; i < N; i += 7) {
    ASSERT_TRUE(tree.insert(i * 2 * PAGE, i * 2 * PAGE + PAGE, V(i + 1)).is_ok()) << i;
  }
  alloc.fail_at = -1;
  expect_valid(tree);
  EXPECT_EQ(tree.count(), N);
}

TEST_F(VmaTreeOomTest, OutOfMemoryAtEveryCallFromEmpty) {
  // An allocator that fails for good after k nodes: everything stored before stays intact.
  for (long k = 0; k < 40; k++) {
    TestAlloc limited;
    limited.fail_at = k;
    VmaTree t(limited.allocator());
    std::vector<VmaTreeEntry> model;
    for (uint64_t i = 0; i < 500; i++) {
      Result<void> r = t.insert(i * 2 * PAGE, i * 2 * PAGE + PAGE, V(i + 1));
      if (r.is_error()) {
        ASSERT_EQ(r.error(), Error::NoMemory);
        break;
      }
      model.push_back({i * 2 * PAGE, i * 2 * PAGE + PAGE, V(i + 1)});
    }
    const char* why = "";
    ASSERT_TRUE(t.validate(&why).is_ok()) << why;
    ASSERT_TRUE(same(dump(t), model));
    t.clear();
    EXPECT_EQ(limited.live, 0);
  }
}

// The header's promise for a store that starts inside one range and ends exactly at the end of a
// later one: that later range lies wholly inside the store, so its slot takes the new entry and
// no node is needed, with or without an entry (a clear then only trims and removes). Checked on
// every tree size up to several levels, because the spare pool left by the build is short of a
// full reservation only after some sizes' last insert split nodes: a store that reserved anyway
// fails on those.
TEST(VmaTreeNoMemory, StoreFromInsideOneRangeToTheEndOfAnotherNeedsNoMemory) {
  // Ranges [4iP, 4iP + 2P) with holes between them, and back to back [2iP, 2iP + 2P).
  for (const uint64_t stride : {4 * PAGE, 2 * PAGE}) {
    for (uint64_t n = 2; n <= 130; n++) {
      // Every first range in small trees, every fifth one (still across node edges) in larger ones.
      for (uint64_t first = 0; first + 1 < n; first += n <= 40 ? 1 : 5) {
        for (const uint64_t last : std::set<uint64_t>{first + 1, first + 2, n - 1}) {
          if (last >= n) continue;
          for (const bool clear : {false, true}) {
            TestAlloc alloc;
            VmaTree tree(alloc.allocator());
            vma_tree_model::Model model;
            for (uint64_t i = 0; i < n; i++) {
              ASSERT_TRUE(tree.insert(i * stride, i * stride + 2 * PAGE, V(i + 1)).is_ok());
              model.store(i * stride, i * stride + 2 * PAGE, V(i + 1));
            }
            const uint64_t start = first * stride + PAGE;
            const uint64_t end = last * stride + 2 * PAGE;
            Vma* vma = clear ? nullptr : V(1000);
            alloc.fail_at = alloc.calls;
            ASSERT_TRUE(tree.store(start, end, vma).is_ok())
                << "stride " << stride << " n " << n << " from inside " << first
                << " to the end of " << last << (clear ? ", clearing" : "");
            model.store(start, end, vma);
            ASSERT_EQ(alloc.calls, alloc.fail_at) << "the store asked for a node";
            const char* why = "";
            ASSERT_TRUE(tree.validate(&why).is_ok()) << why;
            std::vector<VmaTreeEntry> want;
            for (const auto& [s, r] : model.m) want.push_back({s, r.end, r.vma});
            ASSERT_TRUE(same(dump(tree), want)) << "n " << n << " first " << first;
          }
        }
      }
    }
  }
}

TEST_F(VmaTreeOomTest, StoreInsideExistingNeedsNoMemoryWhenReusingASlot) {
  for (uint64_t i = 0; i < 50; i++) {
    ASSERT_TRUE(tree.insert(i * 10, i * 10 + 5, V(i + 1)).is_ok());
  }
  alloc.fail_at = alloc.calls;  // every further allocation fails
  // Covers [10,15) entirely and trims [20,25): the covered slot takes the new entry.
  EXPECT_TRUE(tree.store(8, 22, V(99)).is_ok());
  EXPECT_TRUE(tree.store(8, 22, nullptr).is_ok());
  EXPECT_TRUE(tree.store(30, 35, V(98)).is_ok());
  EXPECT_EQ(tree.erase(40), V(5));
  // An exact match, a store swallowing several ranges, and clears that only trim or remove.
  EXPECT_TRUE(tree.store(50, 55, V(97)).is_ok());
  EXPECT_TRUE(tree.store(59, 101, V(96)).is_ok());
  EXPECT_TRUE(tree.store(103, 112, nullptr).is_ok());
  EXPECT_TRUE(tree.store(120, 125, nullptr).is_ok());
  alloc.fail_at = -1;
  EXPECT_EQ(tree.vma_lookup(50), V(97));
  EXPECT_EQ(tree.vma_lookup(59), V(96));
  EXPECT_EQ(tree.vma_lookup(100), V(96));
  EXPECT_EQ(tree.vma_lookup(101), V(11));
  EXPECT_EQ(tree.vma_lookup(102), V(11));
  EXPECT_EQ(tree.vma_lookup(103), nullptr);
  EXPECT_EQ(tree.vma_lookup(110), nullptr);
  EXPECT_EQ(tree.vma_lookup(112), V(12));
  EXPECT_EQ(tree.vma_lookup(120), nullptr);
  EXPECT_EQ(tree.vma_lookup(30), V(98));
  EXPECT_EQ(tree.vma_lookup(22), V(3));
  EXPECT_EQ(tree.vma_lookup(21), nullptr);
}

}  // namespace
