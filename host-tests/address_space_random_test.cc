// Random mmap/munmap sequences against a page-by-page model, with allocation failures injected:
// every page must map what the model says (flags, file, file offset), adjacent VMAs must never
// be left mergeable, and a failed call must leave the space and the page tables untouched.

#include <map>
#include <random>
#include <tuple>

#include "host-tests/fake_mmu.h"

namespace {

struct PageModel {
  VmFlags flags;
  const VmFile* file;
  uint64_t pgoff;
  bool operator==(const PageModel&) const = default;
};

class AddressSpaceRandom : public AddressSpaceTest {
 protected:
  static constexpr uint64_t BASE = 0x40000000;
  static constexpr uint64_t WINDOW_PAGES = 48;

  void check_model() {
    check();
    std::map<uint64_t, PageModel> seen;
    const Vma* last = nullptr;
    VMA_ITERATOR(vmi, space->tree(), 0);
    Vma* vma;
    for_each_vma(vmi, vma) {
      for (uint64_t a = vma->vm_start; a < vma->vm_end; a += P) {
        seen[a] = {vma->vm_flags, vma->vm_file, vma->vm_pgoff + (a - vma->vm_start) / P};
      }
      if (last != nullptr && last->vm_end == vma->vm_start && last->vm_flags == vma->vm_flags &&
          last->vm_file == vma->vm_file && last->vm_pgoff + last->pages() == vma->vm_pgoff &&
          !(vma->vm_flags & VM_SHARED)) {
        ADD_FAILURE() << "mergeable neighbours at " << std::hex << vma->vm_start;
      }
      last = vma;
    }
    ASSERT_EQ(seen, model);
  }

  std::map<uint64_t, PageModel> model;
};

TEST_F(AddressSpaceRandom, MatchesThePageModel) {
  std::mt19937_64 rng(12345);
  VmFile files[2] = {{"/a", 64 * P, 8, 1, 10}, {"/b", 64 * P, 8, 1, 11}};
  const int prots[] = {PROT_READ, RW, PROT_READ | PROT_EXEC};
  uint64_t failures = 0;
  for (int step = 0; step < 4000; step++) {
    const uint64_t start = BASE + (rng() % WINDOW_PAGES) * P;
    const uint64_t pages = 1 + rng() % 12;
    const bool inject = rng() % 4 == 0;
    heap.vma_budget = inject ? static_cast<long>(rng() % 2) : -1;
    heap.node_budget = inject ? static_cast<long>(rng() % 3) : -1;
    const auto before = vmas();
    const auto calls = mmu.calls.size();
    const int kind = static_cast<int>(rng() % 3);
    Result<void> outcome;
    if (kind == 0) {
      outcome = space->munmap(start, pages * P);
      if (outcome.is_ok()) {
        for (uint64_t i = 0; i < pages; i++) model.erase(start + i * P);
      }
    } else {
      const int prot = prots[rng() % 3];
      const VmFile* file = kind == 2 ? &files[rng() % 2] : nullptr;
      const uint64_t offset = file ? (rng() % 16) * P : 0;
      const int flags = MAP_PRIVATE | MAP_FIXED | (file ? 0 : MAP_ANONYMOUS);
      Result<uint64_t> mapped = space->mmap(start, pages * P, prot, flags, file, offset);
      if (mapped.is_ok()) {
        ASSERT_EQ(mapped.value(), start);
        const VmFlags vm = static_cast<VmFlags>(prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
        for (uint64_t i = 0; i < pages; i++) {
          const uint64_t pgoff = file ? offset / P + i : start / P + i;
          model[start + i * P] = {vm, file, pgoff};
        }
      } else {
        outcome = mapped.error();
      }
    }
    if (outcome.is_error()) {
      ASSERT_EQ(outcome.error(), Error::NoMemory);
      ASSERT_TRUE(inject);
      ASSERT_EQ(vmas(), before);
      ASSERT_EQ(mmu.calls.size(), calls);
      failures++;
    }
    heap.vma_budget = heap.node_budget = -1;
    ASSERT_NO_FATAL_FAILURE(check_model()) << "step " << step;
  }
  EXPECT_GT(failures, 50u);
}

}  // namespace
