// VmaTree in the kernel: lookups, store/erase, the VMA iterator, gap search, out-of-memory
// rollback and a pseudo-random comparison against a per-address model. Nodes come from a fixed
// static pool, so the suite needs no page allocator.

#include "kernel/mm/vma_tree.h"
#include "kernel/mm/vma.h"
#include "kernel/test/static_pool.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t PAGE = 4096;
constexpr uint32_t POOL_NODES = 384;

// fail_after limits how many more nodes the pool hands out (for the out-of-memory tests).
StaticPool<TreeNodeBlock, POOL_NODES> g_nodes;
Vma g_vmas[1100];

Vma* vma(uint32_t i) { return &g_vmas[i]; }

bool tree_valid(const VmaTree& tree) {
  const char* why = nullptr;
  if (tree.validate(&why).is_ok()) return true;
  KTEST_NOTE("validate: %s", why);
  return false;
}

// Multiplicative hash steps: a small deterministic generator without libc.
struct Rng {
  uint64_t state;
  uint64_t next() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  }
  uint64_t below(uint64_t n) { return next() % n; }
};

}  // namespace

KTEST(vma_tree, lookups) {
  g_nodes.reset();
  VmaTree tree(node_allocator(g_nodes));
  EXPECT_NULL(tree.find_vma(0));
  ASSERT_OK(tree.insert(0x1000, 0x3000, vma(1)));
  ASSERT_OK(tree.insert(0x5000, 0x6000, vma(2)));
  EXPECT_ERROR(tree.insert(0x2000, 0x5800, vma(3)), Error::Exists);
  EXPECT_ERROR(tree.store(7, 7, vma(3)), Error::Invalid);
  EXPECT_EQ(tree.find_vma(0), vma(1));
  EXPECT_EQ(tree.find_vma(0x3000), vma(2));
  EXPECT_NULL(tree.find_vma(0x6000));
  EXPECT_NULL(tree.vma_lookup(0x4000));
  EXPECT_EQ(tree.vma_lookup(0x5fff), vma(2));
  EXPECT_EQ(tree.find_vma_intersection(0x3000, 0x5001), vma(2));
  EXPECT_NULL(tree.find_vma_intersection(0x3000, 0x5000));
  Vma* prev = nullptr;
  EXPECT_EQ(tree.find_vma_prev(0x4000, &prev), vma(2));
  EXPECT_EQ(prev, vma(1));
  EXPECT_EQ(tree.count(), 2u);
  EXPECT_TRUE(tree_valid(tree));
  tree.clear();
  EXPECT_EQ(g_nodes.live(), 0u);
}

KTEST(vma_tree, store_splits_and_trims) {
  g_nodes.reset();
  VmaTree tree(node_allocator(g_nodes));
  ASSERT_OK(tree.store(100, 200, vma(1)));
  ASSERT_OK(tree.store(140, 160, vma(2)));
  ASSERT_OK(tree.store(110, 120, nullptr));
  EXPECT_EQ(tree.count(), 4u);
  EXPECT_EQ(tree.vma_lookup(165), vma(1));
  EXPECT_NULL(tree.vma_lookup(115));
  ASSERT_OK(tree.store(105, 170, vma(3)));
  EXPECT_EQ(tree.count(), 3u);
  EXPECT_EQ(tree.vma_lookup(104), vma(1));
  EXPECT_EQ(tree.vma_lookup(169), vma(3));
  EXPECT_EQ(tree.vma_lookup(170), vma(1));
  EXPECT_EQ(tree.erase(150), vma(3));
  EXPECT_NULL(tree.erase(150));
  EXPECT_TRUE(tree_valid(tree));
}

KTEST(vma_tree, top_of_address_space) {
  g_nodes.reset();
  VmaTree tree(node_allocator(g_nodes));
  ASSERT_OK(tree.insert(kstd::U64_MAX - PAGE, kstd::U64_MAX, vma(1)));
  ASSERT_OK(tree.insert(0, PAGE, vma(2)));
  EXPECT_EQ(tree.find_vma(kstd::U64_MAX - 1), vma(1));
  EXPECT_NULL(tree.find_vma(kstd::U64_MAX));
  EXPECT_EQ(tree.unmapped_area_topdown(0, kstd::U64_MAX, PAGE).value(), kstd::U64_MAX - 2 * PAGE);
  EXPECT_EQ(tree.unmapped_area_bottomup(0, kstd::U64_MAX, PAGE).value(), PAGE);
}

KTEST(vma_tree, iterator) {
  g_nodes.reset();
  VmaTree tree(node_allocator(g_nodes));
  for (uint32_t k = 1; k <= 600; k++) {
    ASSERT_OK(tree.insert(k * 10 * PAGE, (k * 10 + 5) * PAGE, vma(k)));
  }
  VMA_ITERATOR(vmi, tree, 0);
  Vma* v;
  uint32_t k = 0;
  for_each_vma(vmi, v) {
    k++;
    ASSERT_EQ(v, vma(k));
  }
  EXPECT_EQ(k, 600u);
  vmi.set(123 * PAGE);
  k = 0;
  for_each_vma_range(vmi, v, 200 * PAGE) k++;
  EXPECT_EQ(k, 8u);  // ranges 12..19
  EXPECT_EQ(vmi.addr(), 190 * PAGE);
  EXPECT_EQ(vmi.vma_prev(), vma(18));
  vmi.pause();
  EXPECT_EQ(vmi.vma_next(), vma(19));
  vmi.reset();
  EXPECT_EQ(vmi.vma_next(), vma(19));
  EXPECT_EQ(vmi.end(), 195 * PAGE);
  // Erase through the tree while walking: the iterator re-walks from its saved range.
  vmi.set(0);
  k = 0;
  for_each_vma(vmi, v) {
    k++;
    if (k % 3 == 0) ASSERT_EQ(tree.erase(vmi.addr()), v);
  }
  EXPECT_EQ(k, 600u);
  EXPECT_EQ(tree.count(), 400u);
  EXPECT_TRUE(tree_valid(tree));
}

KTEST(vma_tree, gap_search) {
  g_nodes.reset();
  VmaTree tree(node_allocator(g_nodes));
  for (uint32_t k = 0; k < 500; k++) {
    uint64_t start = (k * 8 + 1) * PAGE;
    ASSERT_OK(tree.insert(start, start + 5 * PAGE, vma(k)));
  }
  // Holes are [8k+6, 8k+9) pages; a 2-page fit aligned to 4 pages exists in none of them.
  EXPECT_ERROR(tree.unmapped_area_bottomup(PAGE, 4000 * PAGE, 2 * PAGE, 4 * PAGE), Error::NoMemory);
  EXPECT_EQ(tree.unmapped_area_bottomup(PAGE, 4000 * PAGE, 2 * PAGE, 2 * PAGE).value(), 6 * PAGE);
  EXPECT_EQ(tree.unmapped_area_topdown(PAGE, 3998 * PAGE, 3 * PAGE).value(), 3990 * PAGE);
  EXPECT_ERROR(tree.unmapped_area_topdown(PAGE, 3998 * PAGE, 4 * PAGE), Error::NoMemory);
  ASSERT_EQ(tree.erase(301 * 8 * PAGE + PAGE), vma(301));
  EXPECT_EQ(tree.unmapped_area_topdown(PAGE, 3998 * PAGE, 4 * PAGE).value(), 2413 * PAGE);
  EXPECT_EQ(tree.unmapped_area_bottomup(PAGE, 4000 * PAGE, 4 * PAGE).value(), 2406 * PAGE);
  EXPECT_ERROR(tree.unmapped_area_topdown(PAGE, PAGE, 1), Error::Invalid);
  EXPECT_ERROR(tree.unmapped_area_topdown(0, PAGE, 0), Error::Invalid);
  EXPECT_ERROR(tree.unmapped_area_topdown(0, PAGE, 1, 3), Error::Invalid);
}

KTEST(vma_tree, grow_and_shrink_to_empty) {
  g_nodes.reset();
  VmaTree tree(node_allocator(g_nodes));
  constexpr uint32_t N = 1000;
  for (uint32_t i = 0; i < N; i++) {
    uint32_t k = (i * 7919) % N;
    ASSERT_OK(tree.insert(k * 2 * PAGE, k * 2 * PAGE + PAGE, vma(k)));
  }
  EXPECT_TRUE(tree_valid(tree));
  EXPECT_GE(tree.height(), 3u);
  for (uint32_t i = 0; i < N; i++) {
    uint32_t k = (i * 104729) % N;
    ASSERT_EQ(tree.erase(k * 2 * PAGE), vma(k));
    if (i % 50 == 0) ASSERT_TRUE(tree_valid(tree));
  }
  EXPECT_TRUE(tree.empty());
  tree.clear();
  EXPECT_EQ(g_nodes.live(), 0u);
}

KTEST(vma_tree, out_of_memory_loses_nothing) {
  g_nodes.reset();
  VmaTree tree(node_allocator(g_nodes));
  // Each insert (and a splitting store) is retried with the allocator cut off after 0, 1, 2...
  // more nodes; a failed attempt must leave the tree exactly as it was.
  uint32_t failed_inserts = 0;
  uint32_t failed_stores = 0;
  for (uint32_t i = 0; i < 400; i++) {
    uint64_t base = i * 4 * PAGE;
    for (int64_t k = 0;; k++) {
      g_nodes.fail_after = k;
      uint64_t before = tree.count();
      Result<void> r = tree.insert(base, base + 2 * PAGE, vma(i));
      g_nodes.fail_after = -1;
      if (r.is_ok()) break;
      failed_inserts++;
      ASSERT_ERROR(r, Error::NoMemory);
      ASSERT_EQ(tree.count(), before);
      ASSERT_NULL(tree.vma_lookup(base));
      ASSERT_TRUE(tree_valid(tree));
    }
  }
  for (uint32_t i = 0; i < 400; i += 7) {
    uint64_t base = i * 4 * PAGE;
    for (int64_t k = 0;; k++) {
      g_nodes.fail_after = k;
      Result<void> r = tree.store(base + 0x100, base + 0x200, vma(1000));
      g_nodes.fail_after = -1;
      if (r.is_ok()) break;
      failed_stores++;
      ASSERT_ERROR(r, Error::NoMemory);
      ASSERT_EQ(tree.vma_lookup(base + 0x100), vma(i));
      ASSERT_EQ(tree.vma_lookup(base + 0x1fff), vma(i));
    }
    EXPECT_EQ(tree.vma_lookup(base + 0x100), vma(1000));
    EXPECT_EQ(tree.vma_lookup(base + 0x200), vma(i));
  }
  // The cut-off allocator did make attempts fail, or the loops above checked nothing.
  EXPECT_GT(failed_inserts, 0u);
  EXPECT_GT(failed_stores, 0u);
  EXPECT_TRUE(tree_valid(tree));
  tree.clear();
  EXPECT_EQ(g_nodes.live(), 0u);
}

// Random stores, erases and lookups over a 512-address space, checked against an owner-per-
// address array: a range is a maximal run of addresses owned by one store.
KTEST(vma_tree, random_against_model) {
  g_nodes.reset();
  VmaTree tree(node_allocator(g_nodes));
  constexpr uint32_t SPACE = 512;
  static uint16_t owner[SPACE];
  for (uint32_t a = 0; a < SPACE; a++) owner[a] = 0;
  Rng rng{42};
  uint16_t next = 1;
  for (uint32_t op = 0; op < 20000; op++) {
    uint32_t kind = static_cast<uint32_t>(rng.below(10));
    uint32_t s = static_cast<uint32_t>(rng.below(SPACE));
    if (kind < 5) {
      uint32_t e = s + 1 + static_cast<uint32_t>(rng.below(24));
      if (e > SPACE) e = SPACE;
      uint16_t id = kind < 4 ? static_cast<uint16_t>(next++ % 1000 + 1) : 0;
      // A recycled id must not touch an older range with the same id, or the runs would merge.
      bool clash = false;
      for (uint32_t a = 0; a < SPACE && id; a++) clash |= owner[a] == id;
      if (clash) continue;
      ASSERT_OK(tree.store(s, e, id ? vma(id) : nullptr));
      for (uint32_t a = s; a < e; a++) owner[a] = id;
    } else if (kind < 7) {
      Vma* want = owner[s] ? vma(owner[s]) : nullptr;
      if (owner[s]) {
        uint32_t lo = s, hi = s;
        while (lo > 0 && owner[lo - 1] == owner[s]) lo--;
        while (hi + 1 < SPACE && owner[hi + 1] == owner[s]) hi++;
        for (uint32_t a = lo; a <= hi; a++) owner[a] = 0;
      }
      ASSERT_EQ(tree.erase(s), want);
    } else {
      uint32_t a = s;
      while (a < SPACE && !owner[a]) a++;
      ASSERT_EQ(tree.find_vma(s), a < SPACE ? vma(owner[a]) : nullptr);
      ASSERT_EQ(tree.vma_lookup(s), owner[s] ? vma(owner[s]) : nullptr);
    }
    if (op % 500 == 0) {
      ASSERT_TRUE(tree_valid(tree));
      VMA_ITERATOR(vmi, tree, 0);
      Vma* v;
      uint32_t a = 0;
      for_each_vma(vmi, v) {
        while (a < SPACE && !owner[a]) a++;
        ASSERT_EQ(vmi.addr(), a);
        ASSERT_EQ(v, vma(owner[a]));
        uint32_t b = a;
        while (b < SPACE && owner[b] == owner[a]) b++;
        ASSERT_EQ(vmi.end(), b);
        a = b;
      }
      while (a < SPACE && !owner[a]) a++;
      ASSERT_EQ(a, SPACE);
    }
  }
  tree.clear();
  EXPECT_EQ(g_nodes.live(), 0u);
}
