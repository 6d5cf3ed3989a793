// VmaTree against std::map on VMA-like workloads: N ranges of one page separated by one-page
// holes, every 64th hole three pages. Each workload runs for both
// structures in the same process. absl::btree_map is left out: libabsl-dev is not installed.
//
// Reported per benchmark: real time per iteration, items_per_second (divide 1e9 by it for ns per
// range in the build and full-iteration rows) and bytes_per_range. VmaTree's bytes are its node
// memory; std::map's are glibc malloc chunks (request + 8-byte header, rounded up to 16).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <map>
#include <random>
#include <vector>

#include "kernel/mm/vma.h"
#include "kernel/mm/vma_tree.h"

namespace {

constexpr uint64_t PAGE = 4096;
constexpr uint64_t BASE = uint64_t{1} << 32;

// Start of range i in the standard layout.
uint64_t range_start(uint64_t i) { return BASE + (2 * i + 2 * (i / 64)) * PAGE; }
uint64_t range_end(uint64_t i) { return range_start(i) + PAGE; }
Vma* payload(uint64_t i) { return reinterpret_cast<Vma*>((i + 1) * 64); }

// A slab-style node source, as the kernel's would be: carve from large blocks, recycle freed
// nodes through a free list.
struct Slab {
  std::vector<void*> blocks;
  void* free_list = nullptr;
  char* cursor = nullptr;
  char* limit = nullptr;
  static void* alloc(void* ctx) {
    Slab* s = static_cast<Slab*>(ctx);
    if (s->free_list) {
      void* n = s->free_list;
      s->free_list = *static_cast<void**>(n);
      return n;
    }
    if (s->cursor == s->limit) {
      constexpr size_t BLOCK = VmaTree::NODE_SIZE * 4096;
      s->cursor = static_cast<char*>(aligned_alloc(VmaTree::NODE_ALIGN, BLOCK));
      s->limit = s->cursor + BLOCK;
      s->blocks.push_back(s->cursor);
    }
    void* n = s->cursor;
    s->cursor += VmaTree::NODE_SIZE;
    return n;
  }
  static void release(void* ctx, void* node) {
    Slab* s = static_cast<Slab*>(ctx);
    *static_cast<void**>(node) = s->free_list;
    s->free_list = node;
  }
  ~Slab() {
    for (void* b : blocks) free(b);
  }
  VmaTreeAllocator allocator() { return {&Slab::alloc, &Slab::release, this}; }
};

// Counts what glibc malloc really takes for each std::map node.
size_t g_map_bytes = 0;
template <class T>
struct CountingAlloc {
  using value_type = T;
  CountingAlloc() = default;
  template <class U>
  CountingAlloc(const CountingAlloc<U>&) {}
  static size_t chunk(size_t n) { return kstd::max<size_t>(32, (n * sizeof(T) + 8 + 15) & ~15ul); }
  T* allocate(size_t n) {
    g_map_bytes += chunk(n);
    return static_cast<T*>(malloc(n * sizeof(T)));
  }
  void deallocate(T* p, size_t n) {
    g_map_bytes -= chunk(n);
    free(p);
  }
  template <class U>
  bool operator==(const CountingAlloc<U>&) const {
    return true;
  }
};

// std::map keyed by the exclusive end, so find_vma is a single upper_bound.
struct MapEntry {
  uint64_t start;
  Vma* vma;
};
using VmaMap = std::map<uint64_t, MapEntry, std::less<uint64_t>,
                        CountingAlloc<std::pair<const uint64_t, MapEntry>>>;

// One slab for every tree, kept for the whole run as the kernel keeps its slab pages (glibc
// likewise keeps the heap that std::map's nodes come from).
Slab g_slab;

struct TreeImpl {
  VmaTree tree{g_slab.allocator()};
  void insert(uint64_t i) {
    benchmark::DoNotOptimize(tree.insert(range_start(i), range_end(i), payload(i)).is_ok());
  }
  void erase(uint64_t i) { benchmark::DoNotOptimize(tree.erase(range_start(i))); }
  Vma* find_vma(uint64_t addr) { return tree.find_vma(addr); }
  uintptr_t walk(uint64_t addr, int n) {
    VMA_ITERATOR(vmi, tree, addr);
    uintptr_t sum = 0;
    for (int k = 0; k < n; k++) {
      Vma* v = vmi.vma_next();
      if (!v) break;
      sum += reinterpret_cast<uintptr_t>(v);
    }
    return sum;
  }
  uintptr_t iterate_all() {
    VMA_ITERATOR(vmi, tree, 0);
    uintptr_t sum = 0;
    Vma* v;
    for_each_vma(vmi, v) sum += reinterpret_cast<uintptr_t>(v);
    return sum;
  }
  uint64_t hole_above(uint64_t addr, uint64_t size) {
    Result<uint64_t> r = tree.unmapped_area_bottomup(addr, kstd::U64_MAX, size);
    return r.is_ok() ? r.value() : 0;
  }
  double bytes() const { return static_cast<double>(tree.memory_bytes()); }
};

struct MapImpl {
  VmaMap map;
  void insert(uint64_t i) { map.emplace(range_end(i), MapEntry{range_start(i), payload(i)}); }
  void erase(uint64_t i) { map.erase(range_end(i)); }
  Vma* find_vma(uint64_t addr) {
    auto it = map.upper_bound(addr);
    return it == map.end() ? nullptr : it->second.vma;
  }
  uintptr_t walk(uint64_t addr, int n) {
    uintptr_t sum = 0;
    auto it = map.upper_bound(addr);
    for (int k = 0; k < n && it != map.end(); k++, ++it)
      sum += reinterpret_cast<uintptr_t>(it->second.vma);
    return sum;
  }
  uintptr_t iterate_all() {
    uintptr_t sum = 0;
    for (const auto& [end, e] : map) sum += reinterpret_cast<uintptr_t>(e.vma);
    return sum;
  }
  // The obvious scan: walk the ranges from addr until a hole is wide enough.
  uint64_t hole_above(uint64_t addr, uint64_t size) {
    uint64_t cursor = addr;
    for (auto it = map.upper_bound(addr); it != map.end(); ++it) {
      if (it->second.start >= cursor && it->second.start - cursor >= size) return cursor;
      cursor = it->first;
    }
    return cursor;
  }
  double bytes() const { return static_cast<double>(g_map_bytes); }
};

std::vector<uint64_t> random_addresses(uint64_t n, size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> out(count);
  uint64_t span = range_end(n - 1) - BASE;
  for (auto& a : out) a = BASE + rng() % span;
  return out;
}

template <class Impl>
void fill(Impl& impl, uint64_t n) {
  for (uint64_t i = 0; i < n; i++) impl.insert(i);
}

template <class Impl>
void BM_Build(benchmark::State& state) {
  uint64_t n = static_cast<uint64_t>(state.range(0));
  double bytes = 0;
  for (auto _ : state) {
    auto* impl = new Impl;
    fill(*impl, n);
    state.PauseTiming();
    bytes = impl->bytes();
    delete impl;
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.counters["bytes_per_range"] = bytes / static_cast<double>(n);
}

template <class Impl>
void BM_FindVma(benchmark::State& state) {
  uint64_t n = static_cast<uint64_t>(state.range(0));
  Impl impl;
  fill(impl, n);
  std::vector<uint64_t> addrs = random_addresses(n, 1 << 16, 1);
  size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(impl.find_vma(addrs[k++ & 0xffff]));
}

template <class Impl>
void BM_Walk16(benchmark::State& state) {
  uint64_t n = static_cast<uint64_t>(state.range(0));
  Impl impl;
  fill(impl, n);
  std::vector<uint64_t> addrs = random_addresses(n, 1 << 16, 2);
  size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(impl.walk(addrs[k++ & 0xffff], 16));
}

template <class Impl>
void BM_IterateAll(benchmark::State& state) {
  uint64_t n = static_cast<uint64_t>(state.range(0));
  Impl impl;
  fill(impl, n);
  for (auto _ : state) benchmark::DoNotOptimize(impl.iterate_all());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}

// Random churn shared by BM_Churn and BM_IterateAllChurned: erase one random range and insert
// one into a random free slot. The slot universe has n + n/16 places; the last n/16 start out
// free, so churn spreads the holes across the whole tree.
struct Churner {
  std::vector<uint64_t> present, absent;
  std::mt19937_64 rng;
  Churner(uint64_t n, uint64_t seed) : rng(seed) {
    for (uint64_t i = 0; i < n; i++) present.push_back(i);
    for (uint64_t i = n; i < n + n / 16; i++) absent.push_back(i);
  }
  template <class Impl>
  void step(Impl& impl) {
    uint64_t pi = rng() % present.size();
    uint64_t ai = rng() % absent.size();
    impl.erase(present[pi]);
    impl.insert(absent[ai]);
    kstd::swap(present[pi], absent[ai]);
  }
};

// Full iteration after 4*n random erase+insert operations. A sequentially built std::map has its
// nodes laid out in order by malloc, its best case; a long-lived address space has been churned,
// so both structures' nodes are scattered over their heaps here (same operations for both).
template <class Impl>
void BM_IterateAllChurned(benchmark::State& state) {
  uint64_t n = static_cast<uint64_t>(state.range(0));
  Impl impl;
  fill(impl, n);
  Churner churn(n, 5);
  for (uint64_t k = 0; k < 4 * n; k++) churn.step(impl);
  for (auto _ : state) benchmark::DoNotOptimize(impl.iterate_all());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}

// Erase one random range and insert one into a random free slot (see Churner).
template <class Impl>
void BM_Churn(benchmark::State& state) {
  uint64_t n = static_cast<uint64_t>(state.range(0));
  Impl impl;
  fill(impl, n);
  Churner churn(n, 3);
  for (auto _ : state) churn.step(impl);
  state.counters["bytes_per_range"] = impl.bytes() / static_cast<double>(n);
}

template <class Impl>
void BM_HoleAbove(benchmark::State& state) {
  uint64_t n = static_cast<uint64_t>(state.range(0));
  Impl impl;
  fill(impl, n);
  std::vector<uint64_t> addrs = random_addresses(n, 1 << 16, 4);
  size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(impl.hole_above(addrs[k++ & 0xffff], 2 * PAGE));
}

#define SIZES ->Arg(1000)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kNanosecond)
#define BOTH(bm)                          \
  BENCHMARK_TEMPLATE(bm, TreeImpl) SIZES; \
  BENCHMARK_TEMPLATE(bm, MapImpl) SIZES;

BOTH(BM_Build)
BOTH(BM_FindVma)
BOTH(BM_Walk16)
BOTH(BM_IterateAll)
BOTH(BM_IterateAllChurned)
BOTH(BM_Churn)
BOTH(BM_HoleAbove)

}  // namespace

BENCHMARK_MAIN();
