// VmaTree against a reference model (std::map of ranges): millions of random operations with a
// fixed seed, the iterator stepping alongside, validate() after every batch.
#include <random>

#include "host-tests/vma_tree_model.h"
#include "host-tests/vma_tree_test_support.h"

namespace {

using vma_tree_model::IterOutcome;
using vma_tree_model::IterStep;
using vma_tree_model::Model;
using vma_tree_test::TestAlloc;
using vma_tree_test::V;

class VmaTreeRandom : public ::testing::Test {
 protected:
  std::mt19937_64 rng{0x5eed'cafe'f00dull};
  TestAlloc alloc;
  VmaTree tree{alloc.allocator()};
  Model model;
  uint64_t next_id = 1;
  uint64_t ops = 0;

  uint64_t rand_below(uint64_t n) { return n ? rng() % n : 0; }

  void check_all() {
    const char* why = "";
    ASSERT_TRUE(tree.validate(&why).is_ok()) << why << " after " << ops << " ops";
    ASSERT_EQ(tree.count(), model.m.size());
    VMA_ITERATOR(vmi, tree, 0);
    Vma* vma;
    auto it = model.m.begin();
    for_each_vma(vmi, vma) {
      ASSERT_NE(it, model.m.end());
      ASSERT_EQ(vmi.addr(), it->first);
      ASSERT_EQ(vmi.end(), it->second.end);
      ASSERT_EQ(vma, it->second.vma);
      ++it;
    }
    ASSERT_EQ(it, model.m.end());
  }

  // One round: `count` operations on addresses base + [0, span), ranges up to max_len long.
  void run(uint64_t count, uint64_t base, uint64_t span, uint64_t max_len, uint64_t gap_every) {
    VmaIterator vmi(tree, base);
    uint64_t it_start = base, it_end = base;  // the model of the iterator's position
    auto addr = [&] { return base + rand_below(span); };
    for (uint64_t i = 0; i < count; i++, ops++) {
      uint64_t op = rand_below(100);
      if (op < 30) {
        uint64_t s = addr();
        uint64_t len = 1 + rand_below(max_len);
        uint64_t e = s + kstd::min(len, kstd::U64_MAX - s);
        if (s == e) continue;
        Vma* v = op < 22 ? V(next_id++) : nullptr;
        ASSERT_TRUE(tree.store(s, e, v).is_ok());
        model.store(s, e, v);
      } else if (op < 40) {
        uint64_t s = addr();
        uint64_t e = s + kstd::min(1 + rand_below(max_len), kstd::U64_MAX - s);
        if (s == e) continue;
        Vma* v = V(next_id++);
        Result<void> r = tree.insert(s, e, v);
        if (model.overlaps(s, e)) {
          ASSERT_TRUE(r.is_error());
          ASSERT_EQ(r.error(), Error::Exists);
        } else {
          ASSERT_TRUE(r.is_ok());
          model.store(s, e, v);
        }
      } else if (op < 52) {
        const uint64_t a = addr();
        ASSERT_EQ(tree.erase(a), model.erase(a));
      } else if (op < 75) {
        uint64_t a = addr();
        auto it = model.find(a);
        Vma* want = it == model.m.end() ? nullptr : it->second.vma;
        ASSERT_EQ(tree.find_vma(a), want);
        ASSERT_EQ(tree.vma_lookup(a), it != model.m.end() && it->first <= a ? want : nullptr);
        uint64_t e = a + kstd::min(1 + rand_below(max_len), kstd::U64_MAX - a);
        ASSERT_EQ(tree.find_vma_intersection(a, e),
                  it != model.m.end() && it->first < e ? want : nullptr);
        Vma* prev = V(0);
        ASSERT_EQ(tree.find_vma_prev(a, &prev), want);
        auto p = model.last_before(a);
        ASSERT_EQ(prev, p == model.m.end() ? nullptr : p->second.vma);
      } else if (op < 75 + gap_every) {
        uint64_t low = addr();
        uint64_t high = low + 1 + rand_below(span);
        if (high < low) high = kstd::U64_MAX;
        uint64_t size = 1 + rand_below(max_len);
        uint64_t align = uint64_t{1} << rand_below(rand_below(4) == 0 ? 20 : 4);
        uint64_t offset = rand_below(4) == 0 ? rand_below(align) : 0;
        bool top = rng() & 1;
        uint64_t want = 0;
        bool fits = model.gap(top, low, high, size, align, offset, &want);
        Result<uint64_t> r = top ? tree.unmapped_area_topdown(low, high, size, align, offset)
                                 : tree.unmapped_area_bottomup(low, high, size, align, offset);
        ASSERT_EQ(r.is_ok(), fits) << "gap search " << top << " " << low << " " << high;
        if (fits) ASSERT_EQ(r.value(), want);
      } else {
        // Step the long-lived iterator; the tree may have changed since its last step.
        const uint64_t kind = rand_below(10);
        const IterStep step = kind < 4    ? IterStep::Find
                              : kind < 7  ? IterStep::Prev
                              : kind == 7 ? IterStep::Set
                              : kind == 8 ? IterStep::Pause
                                          : IterStep::Reset;
        uint64_t arg = 0;
        if (step == IterStep::Find) arg = rand_below(3) == 0 ? addr() : kstd::U64_MAX;
        if (step == IterStep::Set) arg = addr();
        const IterOutcome o = step_both(model, vmi, &it_start, &it_end, step, arg);
        ASSERT_EQ(o.got, o.want);
        ASSERT_TRUE(o.same_position) << vmi.addr() << " " << vmi.end();
      }
      if (i % 2000 == 1999) {
        check_all();
        if (HasFatalFailure()) return;
      }
    }
    check_all();
  }
};

TEST_F(VmaTreeRandom, DenseSmallSpace) {
  // Heavy overlap: stores constantly trim, split and swallow neighbours.
  run(1000000, 0, 20000, 64, 3);
}

TEST_F(VmaTreeRandom, PageGranularLargeTree) {
  // Up to tens of thousands of ranges: deep trees, long merges, gap searches with alignment.
  run(300000, 0x10000, uint64_t{1} << 28, 4 * 4096, 3);
  // Then drain: clear the whole space range by range.
  for (uint64_t a = 0; a < (uint64_t{1} << 29); a += uint64_t{1} << 22) {
    ASSERT_TRUE(tree.store(a, a + (uint64_t{1} << 22), nullptr).is_ok());
    model.store(a, a + (uint64_t{1} << 22), nullptr);
  }
  check_all();
  EXPECT_TRUE(tree.empty());
}

TEST_F(VmaTreeRandom, TopAndBottomOfTheAddressSpace) {
  run(150000, 0, 5000, 300, 5);
  run(150000, kstd::U64_MAX - 5000, 5000, 300, 5);
}

}  // namespace
