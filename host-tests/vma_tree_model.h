// The reference model of a VmaTree for the randomized tests and the fuzzer: a std::map of
// start -> (end, vma), written for obviousness rather than speed.
#pragma once

#include <stdint.h>

#include <iterator>
#include <map>

#include "kernel/lib/kstd.h"
#include "kernel/mm/vma.h"
#include "kernel/mm/vma_tree.h"

namespace vma_tree_model {

struct Range {
  uint64_t end;
  Vma* vma;
};

struct Model {
  std::map<uint64_t, Range> m;

  void store(uint64_t s, uint64_t e, Vma* v) {
    auto it = m.lower_bound(s);
    if (it != m.begin() && std::prev(it)->second.end > s) --it;
    while (it != m.end() && it->first < e) {
      uint64_t os = it->first;
      Range r = it->second;
      it = m.erase(it);
      if (os < s) m[os] = {s, r.vma};
      if (r.end > e) m[e] = {r.end, r.vma};
    }
    if (v) m[s] = {e, v};
  }
  // VmaTree::erase: removes the range containing addr and returns its entry, or nullptr.
  Vma* erase(uint64_t addr) {
    auto it = find(addr);
    if (it == m.end() || it->first > addr) return nullptr;
    Vma* vma = it->second.vma;
    m.erase(it);
    return vma;
  }
  // First range with end > addr.
  std::map<uint64_t, Range>::const_iterator find(uint64_t addr) const {
    auto it = m.upper_bound(addr);
    if (it != m.begin() && std::prev(it)->second.end > addr) return std::prev(it);
    return it;
  }
  // Last range with end <= addr.
  std::map<uint64_t, Range>::const_iterator last_before(uint64_t addr) const {
    auto it = find(addr);
    return it == m.begin() ? m.end() : std::prev(it);
  }
  // The oracle of an iterator step from the current range [*start, *end): what vma_find(max)
  // and vma_prev() return, moving the range to the result when there is one (a step that finds
  // nothing leaves the iterator where it was).
  Vma* step_find(uint64_t* start, uint64_t* end, uint64_t max) const {
    auto it = find(*end);
    if (it == m.end() || it->first >= max) return nullptr;
    *start = it->first;
    *end = it->second.end;
    return it->second.vma;
  }
  Vma* step_prev(uint64_t* start, uint64_t* end) const {
    auto it = last_before(*start);
    if (it == m.end()) return nullptr;
    *start = it->first;
    *end = it->second.end;
    return it->second.vma;
  }
  // What kernel/mm/vma_tree.h promises needs no node: a store over [s, e) that holds a whole
  // stored range (an exact match included), or a clear that is not strictly inside one range.
  bool store_needs_no_memory(uint64_t s, uint64_t e, Vma* v) const {
    for (auto it = find(s); it != m.end() && it->first < e; ++it) {
      if (it->first >= s && it->second.end <= e) return true;
    }
    if (v != nullptr) return false;
    auto it = find(s);
    return !(it != m.end() && it->first < s && it->second.end > e);
  }
  bool overlaps(uint64_t s, uint64_t e) const {
    auto it = find(s);
    return it != m.end() && it->first < e;
  }
  // Walks the holes from the window's edge, stopping at the first fit; 128-bit arithmetic so no
  // step can wrap.
  bool gap(bool topdown, uint64_t low, uint64_t high, uint64_t size, uint64_t align,
           uint64_t offset, uint64_t* out) const {
    using u128 = unsigned __int128;
    const u128 wrap = (u128{1} << 64) * align;
    auto fit = [&](u128 hs, u128 he) {
      u128 cs = hs > low ? hs : low;
      u128 ce = he < high ? he : high;
      if (ce <= cs || ce - cs < size) return false;
      if (topdown) {
        u128 top = ce - size;
        u128 r = (top + wrap - offset) % align;
        if (r > top - cs) return false;
        *out = static_cast<uint64_t>(top - r);
      } else {
        u128 r = (offset + wrap - cs) % align;
        if (cs + r + size > ce) return false;
        *out = static_cast<uint64_t>(cs + r);
      }
      return true;
    };
    if (!topdown) {
      auto it = find(low);
      u128 prev_end = it == m.begin() ? 0 : std::prev(it)->second.end;
      for (; it != m.end() && prev_end < high; ++it) {
        if (fit(prev_end, it->first)) return true;
        prev_end = it->second.end;
      }
      return fit(prev_end, kstd::U64_MAX);
    }
    auto it = m.lower_bound(high);
    u128 hole_end = it == m.end() ? kstd::U64_MAX : it->first;
    while (it != m.begin()) {
      --it;
      if (fit(it->second.end, hole_end)) return true;
      hole_end = it->first;
      if (hole_end <= low) return false;
    }
    return fit(0, hole_end);
  }
};

// One step of a VmaIterator and of the model's copy of its position [*start, *end), for the
// random test and the fuzzer. arg is the bound of Find and the address of Set.
enum class IterStep { Find, Prev, Set, Pause, Reset };
struct IterOutcome {
  Vma* got;
  Vma* want;
  bool same_position;  // the iterator ends where the model says
};
inline IterOutcome step_both(const Model& model, VmaIterator& vmi, uint64_t* start, uint64_t* end,
                             IterStep step, uint64_t arg) {
  IterOutcome o{nullptr, nullptr, false};
  switch (step) {
    case IterStep::Find:
      o.want = model.step_find(start, end, arg);
      o.got = vmi.vma_find(arg);
      break;
    case IterStep::Prev:
      o.want = model.step_prev(start, end);
      o.got = vmi.vma_prev();
      break;
    case IterStep::Set:
      *start = *end = arg;
      vmi.set(arg);
      break;
    case IterStep::Pause:
      vmi.pause();
      break;
    case IterStep::Reset:
      *end = *start;
      vmi.reset();
      break;
  }
  o.same_position = vmi.addr() == *start && vmi.end() == *end;
  return o;
}

}  // namespace vma_tree_model
