// libFuzzer target: the input bytes are a program of VmaTree operations (store, insert, erase,
// lookups, gap searches, iterator steps, allocator failures), each checked against a std::map
// reference model, with validate() after every step.
#include <fuzzer/FuzzedDataProvider.h>
#include <stdio.h>
#include <stdlib.h>

#include "host-tests/vma_tree_model.h"
#include "kernel/mm/vma_tree.h"

namespace {

struct Alloc {
  long live = 0;
  long budget = -1;  // nodes left before alloc_node fails; -1 = unlimited
  static void* alloc(void* ctx) {
    Alloc* a = static_cast<Alloc*>(ctx);
    if (a->budget == 0) return nullptr;
    if (a->budget > 0) a->budget--;
    a->live++;
    return aligned_alloc(VmaTree::NODE_ALIGN, VmaTree::NODE_SIZE);
  }
  static void release(void* ctx, void* node) {
    static_cast<Alloc*>(ctx)->live--;
    free(node);
  }
};

using vma_tree_model::IterOutcome;
using vma_tree_model::IterStep;
using vma_tree_model::Model;

void check(bool ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "vma_tree_fuzz: %s\n", what);
    abort();
  }
}

void compare_all(const VmaTree& tree, const Model& model) {
  const auto& m = model.m;
  const char* why = "";
  if (tree.validate(&why).is_error()) {
    fprintf(stderr, "validate: %s\n", why);
    abort();
  }
  check(tree.count() == m.size(), "count");
  VMA_ITERATOR(vmi, tree, 0);
  Vma* vma;
  auto it = m.begin();
  for_each_vma(vmi, vma) {
    check(it != m.end(), "iteration too long");
    check(vmi.addr() == it->first && vmi.end() == it->second.end && vma == it->second.vma,
          "iteration differs");
    ++it;
  }
  check(it == m.end(), "iteration too short");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  Alloc alloc;
  Model model;
  uint64_t next_id = 1;
  {
    VmaTree tree(VmaTreeAllocator{&Alloc::alloc, &Alloc::release, &alloc});
    VmaIterator vmi(tree, 0);
    uint64_t it_start = 0, it_end = 0;
    // Addresses cluster around three bases so ranges collide and the edges of the space appear.
    const uint64_t bases[] = {0, uint64_t{1} << 32, kstd::U64_MAX - 0xffff};
    auto addr = [&] {
      uint64_t base = bases[in.ConsumeIntegralInRange<int>(0, 2)];
      return base + in.ConsumeIntegralInRange<uint64_t>(0, 0xffff);
    };
    auto length = [&] { return in.ConsumeIntegralInRange<uint64_t>(1, 0x1000); };
    while (in.remaining_bytes() > 0) {
      switch (in.ConsumeIntegralInRange<int>(0, 8)) {
        case 0:
        case 1: {
          uint64_t s = addr();
          uint64_t e = s + kstd::min(length(), kstd::U64_MAX - s);
          Vma* v = in.ConsumeBool() ? reinterpret_cast<Vma*>(next_id++ * 16) : nullptr;
          const bool needs_no_memory = s < e && model.store_needs_no_memory(s, e, v);
          Result<void> r = tree.store(s, e, v);
          if (s == e) {
            check(r.is_error() && r.error() == Error::Invalid, "store of empty range");
          } else if (r.is_error()) {
            check(!needs_no_memory, "a store that needs no memory failed");
            check(r.error() == Error::NoMemory && alloc.budget >= 0, "store failed");
          } else {
            model.store(s, e, v);
          }
          break;
        }
        case 2: {
          uint64_t s = addr();
          uint64_t e = s + kstd::min(length(), kstd::U64_MAX - s);
          Vma* v = reinterpret_cast<Vma*>(next_id++ * 16);
          Result<void> r = tree.insert(s, e, v);
          auto it = model.find(s);
          bool overlap = it != model.m.end() && it->first < e;
          if (s == e) {
            check(r.is_error() && r.error() == Error::Invalid, "insert of empty range");
          } else if (overlap) {
            check(r.is_error() && r.error() == Error::Exists, "insert over a range");
          } else if (r.is_error()) {
            check(r.error() == Error::NoMemory && alloc.budget >= 0, "insert failed");
          } else {
            model.store(s, e, v);
          }
          break;
        }
        case 3: {
          const uint64_t a = addr();
          check(tree.erase(a) == model.erase(a), "erase");
          break;
        }
        case 4: {
          uint64_t a = addr();
          uint64_t e = a + kstd::min(length(), kstd::U64_MAX - a);
          auto it = model.find(a);
          Vma* want = it == model.m.end() ? nullptr : it->second.vma;
          check(tree.find_vma(a) == want, "find_vma");
          check(tree.vma_lookup(a) == (want && it->first <= a ? want : nullptr), "vma_lookup");
          check(tree.find_vma_intersection(a, e) == (want && it->first < e ? want : nullptr),
                "find_vma_intersection");
          Vma* prev = nullptr;
          check(tree.find_vma_prev(a, &prev) == want, "find_vma_prev");
          auto p = model.last_before(a);
          check(prev == (p == model.m.end() ? nullptr : p->second.vma), "find_vma_prev prev");
          break;
        }
        case 5: {
          bool top = in.ConsumeBool();
          uint64_t low = addr();
          uint64_t high = in.ConsumeBool() ? kstd::U64_MAX : addr();
          uint64_t sz = in.ConsumeIntegralInRange<uint64_t>(0, 0x3000);
          uint64_t align = uint64_t{1} << in.ConsumeIntegralInRange<int>(0, 13);
          if (in.ConsumeBool()) align = 3;  // not a power of two
          uint64_t offset = in.ConsumeIntegralInRange<uint64_t>(0, 0x2000);
          Result<uint64_t> r = top ? tree.unmapped_area_topdown(low, high, sz, align, offset)
                                   : tree.unmapped_area_bottomup(low, high, sz, align, offset);
          if (sz == 0 || align == 3 || low >= high) {
            check(r.is_error() && r.error() == Error::Invalid, "gap search arguments");
            break;
          }
          uint64_t want = 0;
          bool fits = model.gap(top, low, high, sz, align, offset, &want);
          check(r.is_ok() == fits, "gap search found / not found");
          if (fits) check(r.value() == want, "gap search address");
          if (!fits) check(r.error() == Error::NoMemory, "gap search error");
          break;
        }
        case 6: {
          const int kind = in.ConsumeIntegralInRange<int>(0, 5);
          static const IterStep steps[] = {IterStep::Find, IterStep::Find,  IterStep::Prev,
                                           IterStep::Set,  IterStep::Pause, IterStep::Reset};
          const uint64_t arg = kind == 0 ? kstd::U64_MAX : addr();
          const IterOutcome o = step_both(model, vmi, &it_start, &it_end, steps[kind], arg);
          check(o.got == o.want, "iterator step result");
          check(o.same_position, "iterator position");
          break;
        }
        case 7:
          // Limit the allocator for the following operations (or lift the limit).
          alloc.budget = in.ConsumeBool() ? -1 : in.ConsumeIntegralInRange<long>(0, 6);
          break;
        case 8:
          if (in.ConsumeIntegralInRange<int>(0, 15) == 0) {
            tree.clear();
            model.m.clear();
            check(alloc.live == 0, "clear leaked nodes");
          }
          break;
      }
      compare_all(tree, model);
    }
  }
  check(alloc.live == 0, "nodes leaked");
  return 0;
}
