// libFuzzer target for the core writer: each input builds a random address space (anonymous,
// shared, droppable, PROT_MTE and file mappings, munmap and mprotect cutting them, pages
// written and read, a named special mapping), then dumps it with MTE tag segments from a fake
// tag source. The core must be as long as core_size said, its ELF header and program headers
// must describe the snapshot (PT_NOTE first, a PT_LOAD per VMA in order with chained offsets,
// one tag segment per VM_MTE VMA after them), every dumped page must hold the page's bytes or
// zeros where no page is, and dumping must not allocate a page.

#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "host-tests/minimal_core.h"
#include "kernel/coredump/core_writer.h"
#include "kernel/coredump/memtag_segments.h"
#include "kernel/mm/address_space.h"

namespace {

constexpr uint64_t P = PAGE_SIZE;
constexpr uint64_t BASE = 0x40000000;
constexpr uint64_t WINDOW = 48;  // pages

struct World {
  std::set<Vma*> vmas;
  std::set<void*> nodes;
  std::set<uint64_t> pages;
  std::map<uint64_t, uint64_t> ptes;  // va -> pa (a host pointer)
};
World* g;

MmuOps mmu() {
  MmuOps o{};
  o.map = [](void*, uint64_t va, uint64_t pa, uint64_t size, VmFlags) -> Result<void> {
    for (uint64_t off = 0; off < size; off += P) g->ptes[va + off] = pa + off;
    return {};
  };
  o.unmap = [](void*, uint64_t start, uint64_t end) {
    g->ptes.erase(g->ptes.lower_bound(start), g->ptes.lower_bound(end));
  };
  o.protect = [](void*, uint64_t, uint64_t, VmFlags) {};
  o.remap = [](void*, uint64_t va, uint64_t pa, VmFlags) { g->ptes.at(va) = pa; };
  o.walk = [](void*, uint64_t start, uint64_t end, MmuVisitFn visit, void* cookie) {
    for (auto it = g->ptes.lower_bound(start); it != g->ptes.end() && it->first < end; ++it) {
      // The dump reads no access bits.
      if (!visit(cookie, it->first, it->second, MmuAccess{})) return;
    }
  };
  return o;
}

// The zero page read faults map; nothing may write it.
alignas(4096) const uint8_t g_zero_page[P] = {};

PageSource page_source() {
  PageSource s{};
  s.zero_page = reinterpret_cast<uint64_t>(g_zero_page);
  s.alloc_zeroed = [](void*) -> Result<uint64_t> {
    void* page = std::aligned_alloc(P, P);
    std::memset(page, 0, P);
    g->pages.insert(reinterpret_cast<uint64_t>(page));
    return reinterpret_cast<uint64_t>(page);
  };
  s.free = [](void*, uint64_t pa) {
    if (g->pages.erase(pa) != 1) std::abort();
    std::free(reinterpret_cast<void*>(pa));
  };
  return s;
}

const uint8_t* page_at(void*, const CoreVma&, uint64_t va) {
  auto it = g->ptes.find(va);
  return it == g->ptes.end() ? nullptr : reinterpret_cast<const uint8_t*>(it->second);
}

// Tags for every present page: granule i gets the low nibble of its page's first byte + i.
bool tags_of(void*, const CoreVma&, uint64_t va, uint8_t out[MEMTAG_PAGE_BYTES]) {
  const uint8_t* page = page_at(nullptr, CoreVma{}, va);
  if (page == nullptr) return false;
  uint8_t granules[P / 16];
  for (size_t i = 0; i < sizeof(granules); i++) granules[i] = (page[0] + i) & 15;
  memtag_pack(granules, out);
  return true;
}

uint64_t le(const std::string& s, size_t off, size_t width) {
  if (off + width > s.size()) std::abort();
  return byte_order::load(reinterpret_cast<const uint8_t*>(s.data()) + off, width,
                          ByteOrder::Little);
}

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World world;
  g = &world;
  std::vector<uint8_t> file_bytes(4 * P, 0x5c);
  std::memcpy(file_bytes.data(), "\177ELF", 4);
  const VmFile file{"/bin/fuzz", file_bytes.size(), 0, 1, 3, file_bytes.data()};
  SpecialMapping vvar;
  vvar.name = "[vvar]";
  {
    AddressSpaceLayout layout;
    layout.mmap_base = BASE + WINDOW * P;
    layout.task_size = uint64_t{1} << 47;
    layout.mmap_window = layout.task_size;
    layout.unmapped_base = BASE;
    layout.mte = true;
    VmaAllocator vmas{[](void*) -> Vma* {
                        Vma* v = new Vma{};
                        g->vmas.insert(v);
                        return v;
                      },
                      [](void*, Vma* v) {
                        if (g->vmas.erase(v) != 1) std::abort();
                        delete v;
                      },
                      nullptr};
    VmaTreeAllocator nodes{[](void*) -> void* {
                             void* n = std::aligned_alloc(VmaTree::NODE_ALIGN, VmaTree::NODE_SIZE);
                             g->nodes.insert(n);
                             return n;
                           },
                           [](void*, void* n) {
                             if (g->nodes.erase(n) != 1) std::abort();
                             std::free(n);
                           },
                           nullptr};
    AddressSpace space(layout, vmas, nodes, mmu(), page_source());
    bool special = false;
    for (size_t i = 0; i + 3 <= size && i < 3 * 64; i += 3) {
      const uint64_t at = BASE + (data[i + 1] % WINDOW) * P;
      const uint64_t len = (1 + data[i + 2] % 6) * P;
      const int prot = (data[i + 2] >> 3) & 7;
      switch (data[i] % 9) {
        case 0:
          (void)space.mmap(at, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
          break;
        case 1:
          (void)space.mmap(at, len, prot | PROT_MTE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
          break;
        case 2:
          (void)space.mmap(at, len, prot, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED);
          break;
        case 3:
          (void)space.mmap(at, len, PROT_READ | PROT_WRITE,
                           MAP_DROPPABLE | MAP_ANONYMOUS | MAP_FIXED);
          break;
        case 4:
          (void)space.mmap(at, len, prot, MAP_PRIVATE | MAP_FIXED, &file, (data[i + 2] & 1) * P);
          break;
        case 5:
          (void)space.munmap(at, len);
          break;
        case 6:
          (void)space.mprotect(at, len, prot);
          break;
        case 7: {
          Result<FaultVerdict> v = space.handle_fault(
              at, (data[i + 2] & 1) != 0 ? FaultAccess::Write : FaultAccess::Read);
          auto it = g->ptes.find(at);
          if (v.is_ok() && v.value().signal == FaultSignal::None && it != g->ptes.end() &&
              (data[i + 2] & 1) != 0) {
            std::memset(reinterpret_cast<void*>(it->second), data[i + 2] | 1, 64);
          }
          break;
        }
        case 8:
          if (!special) {
            special = space.install_special_mapping(at, P, VM_READ | VM_DONTDUMP, vvar).is_ok();
          }
          break;
      }
    }

    std::vector<CoreVma> snapshot(space.map_count());
    const CoreMemory memory{page_at, nullptr};
    const size_t n = core_vma_snapshot(space.tree(), CORE_DUMP_FILTER_DEFAULT, memory,
                                       snapshot.data(), snapshot.size())
                         .value();
    const CoreTagSource tags{tags_of, nullptr};
    const CoreExtraSegments extra = memtag_segments(tags);
    const MinimalCore minimal;
    CoreRequest r;
    r.thread = &minimal.thread;
    r.process = &minimal.process;
    r.segments = {snapshot.data(), n};
    r.memory = memory;
    r.extra = &extra;
    std::string core;
    Sink sink([](void* c, const char* d, size_t k) { static_cast<std::string*>(c)->append(d, k); },
              &core);
    const size_t live = g->pages.size();
    const uint64_t written = write_core(r, sink).value();
    check(g->pages.size() == live);
    check(written == core.size() && core_size(r).value() == written);

    size_t mte = 0;
    for (size_t k = 0; k < n; k++) mte += (snapshot[k].flags & VM_MTE) != 0 ? 1 : 0;
    check(le(core, 56, 2) == 1 + n + mte);
    const uint64_t phoff = le(core, 32, 8);
    check(le(core, phoff, 4) == PT_NOTE);
    uint64_t offset = (phoff + 56 * (1 + n + mte) + le(core, phoff + 32, 8) + P - 1) & ~(P - 1);
    for (size_t k = 0; k < n; k++) {
      const uint64_t ph = phoff + 56 * (1 + k);
      const CoreVma& m = snapshot[k];
      check(le(core, ph, 4) == PT_LOAD && le(core, ph + 8, 8) == offset);
      check(le(core, ph + 16, 8) == m.start && le(core, ph + 40, 8) == m.size());
      const uint64_t filesz = le(core, ph + 32, 8);
      check(filesz == 0 || filesz == P || filesz == m.size());
      for (uint64_t off = 0; off < filesz; off += P) {
        const uint8_t* page = page_at(nullptr, m, m.start + off);
        const std::string want = page != nullptr
                                     ? std::string(reinterpret_cast<const char*>(page), P)
                                     : std::string(P, '\0');
        check(core.compare(offset + off, P, want) == 0);
      }
      offset += filesz;
    }
    for (size_t k = 0, t = 0; k < n; k++) {
      if ((snapshot[k].flags & VM_MTE) == 0) continue;
      const uint64_t ph = phoff + 56 * (1 + n + t++);
      check(le(core, ph, 4) == PT_AARCH64_MEMTAG_MTE && le(core, ph + 8, 8) == offset);
      check(le(core, ph + 16, 8) == snapshot[k].start);
      check(le(core, ph + 32, 8) == snapshot[k].dump_size / 32);
      offset += snapshot[k].dump_size / 32;
    }
    check(offset == core.size());
  }
  check(world.vmas.empty() && world.nodes.empty() && world.pages.empty());
  return 0;
}
