// Random programs of mmap, munmap, mprotect, mremap, brk, madvise, mincore and faults (stack
// growth among them), run against the
// page-granular reference model (address_space_model.h) with allocation failures injected:
// every result and error code must be the model's, and after every step the VMAs, the map
// count, the break and the page table (which pages are present, where, with which access
// bits) must be what the model holds. A small window, a small guard gap, a small stack limit
// and a low map count limit make placement, guard gaps, stack growth, merges and the limits
// interact often. Shared anonymous mappings are among them: their pages must be their shmem
// object's, the same at every address that maps the same object page, and outlive MADV_DONTNEED.
// The programs also run with an mmap window below the task size (set_mmap_window), their
// addresses then drawn around the window's end, the raised search's top and the task's end too.

#include <iterator>
#include <random>
#include <set>

#include "host-tests/address_space_model_check.h"
#include "host-tests/fake_mmu.h"

namespace {

class AddressSpaceRandom : public AddressSpaceTest {
 protected:
  static constexpr uint64_t BASE = 0x40000000;
  static constexpr uint64_t WINDOW = 64;  // pages
  static constexpr uint64_t START_BRK = BASE + 72 * P;

  static AddressSpaceLayout layout(MmapWindow window = MmapWindow::None) {
    AddressSpaceLayout l = default_layout();
    l.mmap_base = BASE + WINDOW * P;
    set_mmap_window(l, window);
    l.start_brk = l.brk = START_BRK;
    l.stack_guard_gap = 6 * P;
    l.stack_rlimit = 12 * P;
    l.max_map_count = 40;
    l.commit_limit_pages = 9;  // the longest private writable and shared mappings overcommit
    l.thp = true;
    return l;
  }

  ModelPtes ptes() const {
    ModelPtes out;
    for (const auto& [va, pte] : mmu.pages) out[va] = {pte.pa, pte.flags};
    return out;
  }

  // One random operation around the window, sometimes with a bad argument.
  ModelOp random_op(std::mt19937_64& rng, const AddressSpaceModel& model) {
    static const int prots[] = {PROT_NONE, PROT_READ, RW, PROT_READ | PROT_EXEC, PROT_EXEC};
    // Placement fills the window top-down from mmap_base, then goes below it: reach there too.
    // Under an mmap window below the task size, as often around one of its other anchors.
    const AddressSpaceLayout& l = space->layout();
    auto page = [&] {
      const unsigned anchor = l.mmap_window == l.task_size || rng() % 2 ? 0 : 1 + rng() % 3;
      if (anchor == 0) return BASE + (rng() % (WINDOW + 40)) * P - 32 * P;
      return mmap_window_anchor(l, anchor, 0) + (rng() % 64) * P - 32 * P;
    };
    // Half of the time a mapped page, so that mprotect, mremap and faults find something.
    auto mapped_page = [&] {
      if (model.pages.empty() || rng() % 2 == 0) return page();
      return std::next(model.pages.begin(), static_cast<long>(rng() % model.pages.size()))->first;
    };
    // Now and then a page of shared anonymous memory, which is rarer: its faults and drops.
    auto shmem_or_mapped_page = [&] {
      std::vector<uint64_t> shmem;
      for (const auto& [va, p] : model.pages) {
        if (p.shmem != 0) shmem.push_back(va);
      }
      if (shmem.empty() || rng() % 3 != 0) return mapped_page();
      return shmem[rng() % shmem.size()];
    };
    ModelOp op;
    op.addr = page();
    op.len = (1 + rng() % 10) * P;
    if (rng() % 8 == 0) op.len -= rng() % P;  // unaligned lengths round up
    op.prot = prots[rng() % 5];
    const unsigned kind = rng() % 20;
    if (kind < 4) {
      op.kind = ModelOp::Mmap;
      const unsigned place = rng() % 4;
      op.flags = place == 0 ? MAP_FIXED : place == 1 ? MAP_FIXED_NOREPLACE : 0;
      if (place == 3) op.addr = 0;
      const unsigned what = rng() % 8;
      if (what < 2) {
        op.file = &files[rng() % 2];
        op.offset = (rng() % 8) * P;
        op.flags |= rng() % 2 ? MAP_SHARED : MAP_PRIVATE;
      } else if (what >= 6) {
        op.flags |= MAP_SHARED | MAP_ANONYMOUS;
      } else {
        op.flags |= ANON | (what == 2 || what == 3 ? MAP_GROWSDOWN : 0);
      }
      if (rng() % 32 == 0) op.flags &= ~MAP_TYPE;  // no mapping type: EINVAL
      // Map types of their own: MAP_DROPPABLE (anonymous only), MAP_SHARED_VALIDATE (a file
      // only), with a flag it refuses; a file range ending past MAX_LFS_FILESIZE.
      const unsigned odd = rng() % 64;
      if (odd < 4) op.flags = (op.flags & ~MAP_TYPE) | MAP_DROPPABLE;
      if (odd == 4) op.flags = (op.flags & ~MAP_TYPE) | MAP_SHARED_VALIDATE;
      if (odd == 5 || odd == 6) op.flags |= MAP_SYNC;
      if (odd == 6) op.flags = (op.flags & ~MAP_TYPE) | MAP_SHARED_VALIDATE;
      if (odd == 7) op.offset = 0x7ffffffffffff000;
      if (odd >= 8 && odd < 12) op.flags |= MAP_NORESERVE_GENERIC;
      // Flags that set VMA flags (MAP_LOCKED, MAP_STACK) or fault the pages in.
      if (odd >= 12 && odd < 16) op.flags |= MAP_LOCKED_GENERIC;
      if (odd >= 16 && odd < 20) op.flags |= MAP_POPULATE;
      if (odd >= 20 && odd < 24) op.flags |= MAP_STACK;
      if (rng() % 32 == 0) op.offset += 1;  // unaligned offset: EINVAL
      if (rng() % 32 == 0) op.addr += 8;    // an unaligned MAP_FIXED address: EINVAL
      if (rng() % 32 == 0) op.len = 0;
    } else if (kind < 7) {
      op.kind = ModelOp::Munmap;
      op.len += (rng() % 16) * P;
      if (rng() % 12 == 0) op.addr += 8;
    } else if (kind < 10) {
      op.kind = ModelOp::Mprotect;
      op.addr = mapped_page();
      op.len = (1 + rng() % 3) * P;
      if (rng() % 16 == 0) op.prot |= PROT_GROWSDOWN;
      if (rng() % 32 == 0) op.prot |= PROT_GROWSUP;
      if (rng() % 32 == 0) op.prot |= 0x40;  // not a protection bit
    } else if (kind < 12) {
      op.kind = ModelOp::Mremap;
      op.addr = shmem_or_mapped_page();
      op.new_len = (1 + rng() % 10) * P;
      op.new_addr = page();
      const unsigned how = rng() % 8;
      op.flags = how < 3 ? MREMAP_MAYMOVE : how < 5 ? MREMAP_MAYMOVE | MREMAP_FIXED : 0;
      if (how == 7) op.flags = rng() % 2 ? MREMAP_FIXED : MREMAP_DONTUNMAP | MREMAP_MAYMOVE;
      // MREMAP_DONTUNMAP as it works (equal lengths), and old_len 0 (duplicates shared memory).
      if (how == 6) {
        op.flags = MREMAP_DONTUNMAP | MREMAP_MAYMOVE | (rng() % 2 ? MREMAP_FIXED : 0);
        op.new_len = op.len;
      }
      if (rng() % 16 == 0) op.len = 0;
      // Shared anonymous memory often duplicated (old_len 0): two VMAs of one shmem object.
      auto at = model.pages.find(op.addr);
      if (at != model.pages.end() && at->second.shmem != 0 && rng() % 2 == 0) {
        op.len = 0;
        op.flags = MREMAP_MAYMOVE;
      }
    } else if (kind < 13) {
      op.kind = ModelOp::Brk;
      op.addr = rng() % 8 == 0 ? 0 : START_BRK - 2 * P + (rng() % 20) * P + rng() % 2 * 100;
    } else if (kind < 16) {
      op.kind = ModelOp::Fault;
      op.addr = shmem_or_mapped_page() + rng() % P;
      // Often just below a mapped page: where a stack grows, or a guard gap refuses it.
      if (rng() % 3 == 0) op.addr -= (1 + rng() % 4) * P;
      op.access = static_cast<FaultAccess>(rng() % 3);
    } else if (kind < 18) {
      op.kind = ModelOp::Madvise;
      op.addr = shmem_or_mapped_page();
      // Often a present page, so that there is something to drop.
      for (const auto& [va, p] : model.pages) {
        if (p.present && rng() % 4 == 0) {
          op.addr = va;
          break;
        }
      }
      static const int advice[] = {MADV_DONTNEED, MADV_DONTNEED, MADV_DONTNEED_LOCKED, 8, -1};
      op.flags = advice[rng() % 5];
      if (rng() % 16 == 0) op.addr += 8;
      if (rng() % 16 == 0) op.len = UINT64_MAX - rng() % (2 * P);
      if (rng() % 16 == 0) op.len = 0;
    } else {
      op.kind = ModelOp::Mincore;
      op.addr = mapped_page();
      op.len = (rng() % 9) * P - (rng() % 2 ? rng() % P : 0);
      if (op.len > 8 * P) op.len = 0;
      op.flags = static_cast<int>(rng() % 11);
      if (rng() % 16 == 0) op.addr += 8;
      if (rng() % 16 == 0) op.len = l.task_size - op.addr + P;
    }
    return op;
  }

  void run(uint64_t seed, int steps, MmapWindow window = MmapWindow::None) {
    make_space(layout(window));
    AddressSpaceModel model(layout(window));
    std::mt19937_64 rng(seed);
    uint64_t failures = 0;
    uint64_t growths = 0;
    uint64_t drops = 0;
    int outcomes[ModelOp::KINDS][2] = {};  // per kind: errors, successes
    for (int step = 0; step < steps; step++) {
      const ModelOp op = random_op(rng, model);
      // Populating ignores a fault that runs out of memory, which the model cannot foresee.
      const bool inject = rng() % 5 == 0 && !may_populate(model, op);
      if (inject) {
        heap.vma_budget = static_cast<long>(rng() % 2);
        heap.node_budget = static_cast<long>(rng() % 3);
        mmu.map_budget = static_cast<long>(rng() % 3);
        pages.budget = static_cast<long>(rng() % 2);
      }
      const bool was_mapped = model.pages.count(op.addr & PAGE_MASK) != 0;
      bool refault = false;
      if (op.kind == ModelOp::Fault && was_mapped) {
        const auto& p = model.pages.at(op.addr & PAGE_MASK);
        refault = !p.present && p.shmem != 0 && model.shmem_pages.count({p.shmem, p.pgoff});
      }
      const size_t present_before = mmu.pages.size();
      bool absorbed = false;
      AddressSpaceModel::Outcome want;
      const std::string why = check_step(
          model, *space, op, inject, [this] { return ptes(); }, &absorbed, &want);
      const bool fine = want.ok() && want.verdict.signal == FaultSignal::None;
      outcomes[op.kind][fine ? 1 : 0]++;
      heap.vma_budget = heap.node_budget = mmu.map_budget = pages.budget = -1;
      ASSERT_EQ(why, "") << "seed " << seed << " step " << step << " op " << int{op.kind};
      ASSERT_NO_FATAL_FAILURE(check()) << "step " << step;
      failures += absorbed ? 1 : 0;
      const bool placed = op.kind == ModelOp::Mmap || op.kind == ModelOp::Mremap;
      if (fine && placed && window != MmapWindow::None) {
        const uint64_t w = space->layout().mmap_window;
        const uint64_t end = want.value + (op.kind == ModelOp::Mmap ? op.len : op.new_len);
        above_window += want.value >= w ? 1 : 0;
        across_window += want.value < w && end > w ? 1 : 0;
      }
      if (op.kind == ModelOp::Fault && !was_mapped && model.pages.count(op.addr & PAGE_MASK)) {
        growths++;
      }
      if (op.kind == ModelOp::Madvise && mmu.pages.size() < present_before) drops++;
      if (refault && fine && model.pages.at(op.addr & PAGE_MASK).present) shmem_refaults++;
      std::set<AddressSpaceModel::ShmemKey> seen;
      for (const auto& [va, p] : model.pages) {
        if (p.present && p.shmem != 0 && !seen.insert({p.shmem, p.pgoff}).second) {
          shared_twice++;
          break;
        }
      }
    }
    EXPECT_GT(failures, 20u);  // the injected failures did hit
    EXPECT_GT(growths, 2u);    // stacks grew
    EXPECT_GT(drops, 5u);      // MADV_DONTNEED dropped pages
    // Every operation both succeeded and failed often (brk "fails" by returning the old break).
    for (int kind = 0; kind < ModelOp::KINDS; kind++) {
      if (kind == ModelOp::Brk) continue;
      EXPECT_GT(outcomes[kind][0], steps / 200) << kind;
      EXPECT_GT(outcomes[kind][1], steps / 200) << kind;
    }
  }

  // Over all runs, for shared anonymous memory: steps after which one shmem object page was
  // present at two addresses (mremap duplicates), and faults that mapped a page the object
  // already held (after MADV_DONTNEED, or at a duplicate).
  uint64_t shared_twice = 0;
  uint64_t shmem_refaults = 0;
  // Over the runs with a window below the task size: mappings made or moved at or above the
  // window's end, and across it.
  uint64_t above_window = 0;
  uint64_t across_window = 0;

  // Real bytes, so that file pages are filled (their contents are checked by the directed
  // tests; here they must simply not disturb the model).
  uint8_t bytes[16 * P] = {1, 2, 3};
  VmFile files[2] = {{"/a", 16 * P, 8, 1, 10, bytes}, {"/b", 3 * P + 5, 8, 1, 11, bytes}};
};

TEST_F(AddressSpaceRandom, MatchesTheReferenceModel) {
  for (uint64_t seed = 1; seed <= 6; seed++) {
    ASSERT_NO_FATAL_FAILURE(run(seed, 3000));
  }
  EXPECT_GT(shared_twice, 100u);
  EXPECT_GT(shmem_refaults, 40u);
}

// The same programs under arm64's window with 52-bit user VAs and under a narrow window: each
// often places or moves mappings above the window, and now and then across its end.
TEST_F(AddressSpaceRandom, MatchesTheModelWithAWindowBelowTheTaskSize) {
  for (MmapWindow window : {MmapWindow::Lpa2, MmapWindow::Narrow}) {
    above_window = across_window = 0;
    for (uint64_t seed = 1; seed <= 3; seed++) {
      ASSERT_NO_FATAL_FAILURE(run(seed, 3000, window)) << "window " << static_cast<int>(window);
    }
    EXPECT_GT(above_window, 100u) << static_cast<int>(window);
    EXPECT_GT(across_window, 2u) << static_cast<int>(window);
  }
}

// The default 256-page guard gap and a roomy map count: placement below a stack.
TEST_F(AddressSpaceRandom, MatchesTheModelWithTheDefaultGuardGap) {
  AddressSpaceLayout l = layout();
  l.stack_guard_gap = 256 * P;
  l.max_map_count = 65530;
  make_space(l);
  AddressSpaceModel model(l);
  std::mt19937_64 rng(99);
  for (int step = 0; step < 3000; step++) {
    const ModelOp op = random_op(rng, model);
    const std::string why = check_step(model, *space, op, false, [this] { return ptes(); });
    ASSERT_EQ(why, "") << "step " << step << " op " << int{op.kind};
  }
}

}  // namespace
