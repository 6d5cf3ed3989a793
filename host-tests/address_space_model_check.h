// Differential checking of an AddressSpace against its reference model (address_space_model.h):
// one operation run on both, outcomes and resulting states compared (check_step).
#pragma once

#include <functional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "host-tests/address_space_model.h"
#include "host-tests/error_of.h"

// One operation, applied to an AddressSpace or to the model the same way.
struct ModelOp {
  enum Kind : uint8_t { Mmap, Munmap, Mprotect, Mremap, Brk, Fault, Madvise, Mincore };
  static constexpr int KINDS = 8;
  Kind kind = Mmap;
  uint64_t addr = 0;
  uint64_t len = 0;       // mremap: old_len
  uint64_t new_len = 0;   // mremap
  uint64_t new_addr = 0;  // mremap
  int prot = 0;
  int flags = 0;  // mmap and mremap flags, madvise's advice, mincore's capacity in pages
  const VmFile* file = nullptr;
  uint64_t offset = 0;
  FaultAccess access = FaultAccess::Read;
};

// Whether op may fault pages in (mm_populate()): MAP_LOCKED or MAP_POPULATE, an mremap growing
// a locked VMA, an mprotect making locked memory writable. Linux ignores a populating fault that
// runs out of memory, which the model cannot foresee, so such steps get no injected failures.
inline bool may_populate(const AddressSpaceModel& model, const ModelOp& op) {
  if (op.kind == ModelOp::Mmap) return (op.flags & (MAP_LOCKED_GENERIC | MAP_POPULATE)) != 0;
  if (op.kind != ModelOp::Mremap && op.kind != ModelOp::Mprotect) return false;
  const uint64_t start = op.addr & PAGE_MASK;
  const uint64_t end = op.kind == ModelOp::Mremap ? start + PAGE_SIZE : start + op.len + PAGE_SIZE;
  for (auto it = model.pages.lower_bound(start); it != model.pages.end() && it->first < end; ++it) {
    if (it->second.flags & VM_LOCKED) return true;
  }
  return false;
}

// The page table as a test's fake MMU holds it: va -> {pa, access bits}.
using ModelPtes = std::map<uint64_t, std::pair<uint64_t, VmFlags>>;

namespace address_space_model {

using Outcome = AddressSpaceModel::Outcome;

inline Outcome outcome(const Outcome& o) { return o; }
template <typename T>
Outcome outcome(const Result<T>& r) {
  Outcome o;
  o.error = error_of(r);
  if constexpr (std::is_same_v<T, uint64_t>) {
    if (o.ok()) o.value = r.value();
  } else if constexpr (std::is_same_v<T, FaultVerdict>) {
    if (o.ok()) o.verdict = r.value();
  }
  return o;
}

// Space is AddressSpace or AddressSpaceModel: they share the calls' names and arguments.
template <typename Space>
Outcome run(Space& s, const ModelOp& op) {
  switch (op.kind) {
    case ModelOp::Mmap:
      return outcome(s.mmap(op.addr, op.len, op.prot, op.flags, op.file, op.offset));
    case ModelOp::Munmap:
      return outcome(s.munmap(op.addr, op.len));
    case ModelOp::Mprotect:
      return outcome(s.mprotect(op.addr, op.len, op.prot));
    case ModelOp::Mremap:
      return outcome(s.mremap(op.addr, op.len, op.new_len, op.flags, op.new_addr));
    case ModelOp::Brk: {
      Outcome o;
      o.value = s.brk(op.addr);
      return o;
    }
    case ModelOp::Fault:
      return outcome(s.handle_fault(op.addr, op.access));
    case ModelOp::Madvise:
      return outcome(s.madvise(op.addr, op.len, op.flags));
    case ModelOp::Mincore: {
      // A buffer one byte longer than asked for, filled with a marker, shows every byte written.
      std::vector<uint8_t> vec(static_cast<size_t>(op.flags) + 1, 0xee);
      Outcome o = outcome(s.mincore(op.addr, op.len, vec.data(), static_cast<uint64_t>(op.flags)));
      o.bytes = vec;
      return o;
    }
  }
  return {};
}

inline std::string describe(const Outcome& o) {
  std::ostringstream out;
  if (o.error) {
    out << "error " << error_name(*o.error);
  } else {
    out << "ok 0x" << std::hex << o.value << " signal " << static_cast<int>(o.verdict.signal)
        << " code " << static_cast<int>(o.verdict.code);
  }
  return out.str();
}

}  // namespace address_space_model

// anon_vma and shmem object ids are identities, not values: renumber each kind 1, 2, ... in
// order of first appearance by address, so that two lists compare equal when the same VMAs share
// one.
inline void canonical_identities(std::vector<AddressSpaceModel::VmaRun>& runs) {
  std::map<uint64_t, uint64_t> anon_vmas;
  std::map<uint64_t, uint64_t> objects;
  auto renumber = [](std::map<uint64_t, uint64_t>& number, uint64_t& id) {
    if (id == 0) return;
    id = number.emplace(id, number.size() + 1).first->second;
  };
  for (auto& run : runs) {
    renumber(anon_vmas, run.anon_vma);
    renumber(objects, run.shmem);
  }
}

// "" when the space (its VMAs, map count and break) and its page table (which pages are
// present, with which physical page and access bits) are what the model holds.
inline std::string model_mismatch(const AddressSpaceModel& model, const AddressSpace& space,
                                  const ModelPtes& ptes) {
  std::ostringstream out;
  out << std::hex;
  std::vector<AddressSpaceModel::VmaRun> got;
  VMA_ITERATOR(vmi, space.tree(), 0);
  Vma* vma;
  for_each_vma(vmi, vma) {
    got.push_back({vma->vm_start, vma->vm_end, vma->vm_flags, vma->vm_file, vma->vm_pgoff,
                   vma->anon_vma, vma->shmem_inode});
  }
  std::vector<AddressSpaceModel::VmaRun> want = model.vmas();
  canonical_identities(got);
  canonical_identities(want);
  if (got != want) {
    out << "VMAs differ\n space:";
    for (const auto& v : got) out << " " << v;
    out << "\n model:";
    for (const auto& v : want) out << " " << v;
    return out.str();
  }
  if (space.map_count() != want.size()) return "map_count differs";
  if (space.current_brk() != model.current_brk()) {
    out << "brk: space " << space.current_brk() << " model " << model.current_brk();
    return out.str();
  }
  ModelPtes expected;
  for (const auto& [va, page] : model.pages) {
    if (!page.present) continue;
    auto it = ptes.find(va);
    const VmFlags access = page.flags & VM_TRANSLATION_FLAGS;
    // The zero page is one known page, mapped without write access whatever the VMA allows.
    if (page.zero) {
      expected[va] = {space.zero_page(), cow_access(access)};
      continue;
    }
    const uint64_t pa = page.pa != 0 ? page.pa : (it != ptes.end() ? it->second.first : 0);
    expected[va] = {pa, access};
  }
  // Two shmem object pages are two physical pages, wherever each is mapped.
  std::map<uint64_t, AddressSpaceModel::ShmemKey> object_page_at;
  for (const auto& [va, page] : model.pages) {
    if (!page.present || page.shmem == 0 || !expected.count(va)) continue;
    const AddressSpaceModel::ShmemKey key{page.shmem, page.pgoff};
    auto [it, fresh] = object_page_at.emplace(expected[va].first, key);
    if (!fresh && it->second != key) {
      out << "two shmem pages share the physical page " << it->first << " (at " << va << ")";
      return out.str();
    }
  }
  if (expected != ptes) {
    out << "page table differs\n space:";
    for (const auto& [va, pte] : ptes) out << " " << va << "->" << pte.first << "/" << pte.second;
    out << "\n model:";
    for (const auto& [va, pte] : expected)
      out << " " << va << "->" << pte.first << "/" << pte.second;
    return out.str();
  }
  return "";
}

// Runs op on the space and on the model and compares the outcomes and the states after it.
// injected: allocations may fail during this call, so Error::NoMemory (or an unmoved break)
// from the space is accepted where the model succeeds, provided nothing changed; *absorbed then
// says so. *expected receives the model's outcome. Returns "" or what went wrong.
inline std::string check_step(AddressSpaceModel& model, AddressSpace& space, const ModelOp& op,
                              bool injected, const std::function<ModelPtes()>& ptes,
                              bool* absorbed = nullptr,
                              AddressSpaceModel::Outcome* expected = nullptr) {
  using namespace address_space_model;
  const AddressSpaceModel before = model;
  const Outcome got = run(space, op);
  const Outcome want = run(model, op);
  const ModelPtes after = ptes();
  if (expected != nullptr) *expected = want;
  if (!(got == want)) {
    // A munmap that splits nothing needs no memory, nor do madvise and mincore, so injected
    // failures cannot excuse them.
    const bool excusable = op.kind == ModelOp::Munmap
                               ? before.munmap_may_need_memory(op.addr, op.len)
                               : op.kind != ModelOp::Madvise && op.kind != ModelOp::Mincore;
    // mprotect and mremap do work on some error paths too (the VMAs before a failing one, the
    // target of MREMAP_FIXED), and that work may run out of memory.
    const bool works_on_error = op.kind == ModelOp::Mprotect || op.kind == ModelOp::Mremap;
    const bool oom = op.kind == ModelOp::Brk ? got.value == before.current_brk()
                                             : got.error == Error::NoMemory &&
                                                   (want.ok() || works_on_error) && excusable;
    if (!injected || !oom) return "space " + describe(got) + ", model " + describe(want);
    model = before;
    if (absorbed != nullptr) *absorbed = true;
    // A failed fault of shared anonymous memory may have failed after its object took the page
    // (shmem_fault() before the page table): the object keeps it, as the space's mincore says.
    if (op.kind == ModelOp::Fault) {
      auto it = model.pages.find(op.addr & PAGE_MASK);
      uint8_t resident = 0;
      if (it != model.pages.end() && it->second.shmem != 0 &&
          space.mincore(it->first, PAGE_SIZE, &resident, 1).is_ok() && resident != 0) {
        model.shmem_pages.try_emplace({it->second.shmem, it->second.pgoff}, 0);
      }
    }
    std::string changed = model_mismatch(model, space, after);
    if (changed.empty() || op.kind != ModelOp::Mremap) return changed;
    if (!want.ok()) {
      // The target of MREMAP_FIXED went before the shrink ran out of memory.
      AddressSpaceModel left = before;
      left.munmap(op.new_addr, op.new_len);
      if (!model_mismatch(left, space, after).empty()) return changed;
      model = left;
      return "";
    }
    for (bool keep_new : {false, true}) {
      AddressSpaceModel left = before;
      left.failed_move(op.addr, want.value, (op.new_len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1),
                       keep_new);
      if (model_mismatch(left, space, after).empty()) {
        model = left;
        return "";
      }
    }
    return "failed mremap left an unexpected state: " + changed;
  }
  // Running out of memory changes nothing, even where Linux's own error for the operation
  // would have left changes behind (an mprotect failing after earlier VMAs changed).
  if (injected && got.error == Error::NoMemory && want.error &&
      !model_mismatch(model, space, after).empty() &&
      model_mismatch(before, space, after).empty()) {
    model = before;
    if (absorbed != nullptr) *absorbed = true;
    return "";
  }
  // Learn where newly present pages live, so later moves can be followed, and which page a
  // shmem object holds, so that its other mappings must map that page.
  for (auto& [va, page] : model.pages) {
    if (page.present && page.pa == 0) {
      auto it = after.find(va);
      if (it != after.end()) page.pa = it->second.first;
      if (page.shmem != 0) model.shmem_pages[{page.shmem, page.pgoff}] = page.pa;
    }
  }
  return model_mismatch(model, space, after);
}

// The mmap windows the random programs run under (Linux's DEFAULT_MAP_WINDOW below TASK_SIZE):
// none (the window is the task), arm64's with 52-bit user VAs (2^48 below 2^52), and a narrow
// one a few pages above mmap_base under a task size a few pages above that, where hints, fixed
// ranges and moves on both sides of each end collide often. unmapped_base (the bottom-up
// fallback's start, TASK_UNMAPPED_BASE) is the window's quarter, or for the narrow window just
// below the programs' addresses so that the fallback lands among them.
enum class MmapWindow : uint8_t { None, Lpa2, Narrow };
inline constexpr int MMAP_WINDOWS = 3;

inline void set_mmap_window(AddressSpaceLayout& l, MmapWindow window) {
  if (window == MmapWindow::Lpa2) {
    l.mmap_window = uint64_t{1} << 48;
    l.task_size = uint64_t{1} << 52;
    l.unmapped_base = l.mmap_window / 4;
  } else if (window == MmapWindow::Narrow) {
    l.mmap_window = l.mmap_base + 32 * PAGE_SIZE;
    l.task_size = l.mmap_window + 40 * PAGE_SIZE;
    l.unmapped_base = l.mmap_base - 80 * PAGE_SIZE;
  }
}

// Where a random program probes a layout whose window is below its task size, anchor 0 being
// the usual placements below mmap_base (the caller's): the window's end, the top of the search
// a hint above the window starts (mmap_base + task_size - mmap_window), and the task's end.
inline uint64_t mmap_window_anchor(const AddressSpaceLayout& l, unsigned anchor, uint64_t low) {
  switch (anchor % 4) {
    case 1:
      return l.mmap_window;
    case 2:
      return l.mmap_base + (l.task_size - l.mmap_window);
    case 3:
      return l.task_size - 32 * PAGE_SIZE;
    default:
      return low;
  }
}
