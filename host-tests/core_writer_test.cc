// The core writer read back by llvm-readelf, which shares no code with it: every ELF header
// field, every program header, every note's owner, type, size and descriptor bytes (decoded here
// in the arch's byte order), NT_FILE's table, and the bytes of each PT_LOAD at the offset its
// header gives, for arm64 and for powerpc in both byte orders.
#include <gtest/gtest.h>

#include <cstring>

#include "host-tests/core_readelf.h"
#include "host-tests/core_support.h"

namespace {

uint64_t get(const std::vector<uint8_t>& d, size_t off, size_t width, ByteOrder order) {
  EXPECT_LE(off + width, d.size());
  return off + width <= d.size() ? byte_order::load(&d[off], width, order) : 0;
}

class CoreWriterTest : public AddressSpaceTest, public testing::WithParamInterface<CoreArch> {
 protected:
  // The snapshot and core of the fixture's address space, under RLIMIT_CORE `limit`.
  std::string dump(const CoreExtraSegments* extra = nullptr, uint64_t limit = ~uint64_t{0}) {
    FakeCoreThread t(GetParam());
    FakeCoreProcess p(t.order);
    p.process.flags = 0x400600;  // PF_RANDOMIZE | PF_SIGNALED | PF_DUMPCORE
    vmas.assign(space->map_count(), CoreVma{});
    Result<size_t> n = core_vma_snapshot(space->tree(), CORE_DUMP_FILTER_DEFAULT,
                                         fake_core_memory(mmu), vmas.data(), vmas.size());
    EXPECT_TRUE(n.is_ok());
    CoreRequest r;
    r.thread = &t.thread;
    r.process = &p.process;
    r.segments = {vmas.data(), n.is_ok() ? n.value() : 0};
    r.memory = fake_core_memory(mmu);
    r.extra = extra;
    std::string core;
    Sink sink = string_sink(core);
    const size_t live = pages.live.size();
    Result<uint64_t> size = write_core(r, sink, limit);
    EXPECT_EQ(pages.live.size(), live) << "dumping allocated pages";
    EXPECT_TRUE(size.is_ok());
    EXPECT_EQ(size.value(), core.size());
    if (limit == ~uint64_t{0}) EXPECT_EQ(core_size(r).value(), core.size());
    return core;
  }

  ByteOrder order() const { return core_order(GetParam()); }
  bool arm64() const { return GetParam() == CoreArch::Arm64; }

  std::vector<CoreVma> vmas;
};

std::string bytes_of(const std::string& core, uint64_t off, uint64_t n) {
  return off + n <= core.size() ? core.substr(off, n) : std::string();
}

TEST_P(CoreWriterTest, ReadelfSeesEveryHeaderAndNote) {
  ASSERT_TRUE(have("llvm-readelf"));
  // [data]: written, then a page left untouched in the middle (a hole), then written again.
  const uint64_t data = map(0, 3 * P);
  touch(data);
  touch(data + 2 * P);
  std::memset(reinterpret_cast<void*>(mmu.pages.at(data).pa), 0x42, P);
  std::memset(reinterpret_cast<void*>(mmu.pages.at(data + 2 * P).pa), 0x43, P);
  // Read-only anonymous memory, read once: no anon_vma, not dumped.
  const uint64_t ro = map(0, 2 * P, PROT_READ);
  touch(ro, FaultAccess::Read);
  // MAP_DROPPABLE is VM_DONTDUMP: written, yet not dumped.
  const uint64_t drop = map(0, P, RW, MAP_DROPPABLE | MAP_ANONYMOUS);
  touch(drop);
  // An executable's first page: the ELF magic keeps it; another file's first page does not.
  std::vector<uint8_t> elf(2 * P, 0x11), text(P, 0x22);
  std::memcpy(elf.data(), "\177ELF", 4);
  const VmFile elf_file{"/bin/prog", elf.size(), 0, 1, 10, elf.data()};
  const VmFile text_file{"/etc/motd", text.size(), 0, 1, 11, text.data()};
  const uint64_t exe = space->mmap(0, 2 * P, PROT_READ | PROT_EXEC, MAP_PRIVATE, &elf_file).value();
  touch(exe, FaultAccess::Read);
  const uint64_t motd = space->mmap(0, P, PROT_READ, MAP_PRIVATE, &text_file).value();
  touch(motd, FaultAccess::Read);
  // A named special mapping with no page behind it is dumped whole, as zeros.
  SpecialMapping vvar;
  vvar.name = "[vvar]";
  const uint64_t vvar_at = 0x100000000;
  ASSERT_TRUE(
      space->install_special_mapping(vvar_at, 2 * P, VM_READ | VM_DONTDUMP | VM_IO, vvar).is_ok());

  const std::string core = dump();
  CoreFile file(core);
  const ReadelfCore r = readelf_core(file.path);
  SCOPED_TRACE(r.raw);

  EXPECT_EQ(r.header.at("Class"), "ELF64");
  EXPECT_EQ(r.header.at("Data"), order() == ByteOrder::Little ? "2's complement, little endian"
                                                              : "2's complement, big endian");
  EXPECT_NE(r.raw.find("Version:                           1 (current)"), std::string::npos);
  EXPECT_EQ(r.header.at("Version"), "0x1");  // e_version (the key's second use)
  EXPECT_EQ(r.header.at("OS/ABI"), "UNIX - System V");
  EXPECT_EQ(r.header.at("Type"), "CORE (Core file)");
  EXPECT_EQ(r.header.at("Machine"), arm64() ? "AArch64" : "PowerPC64");
  EXPECT_EQ(r.header.at("Entry point address"), "0x0");
  EXPECT_EQ(r.header.at("Start of program headers"), "64 (bytes into file)");
  EXPECT_EQ(r.header.at("Start of section headers"), "0 (bytes into file)");
  EXPECT_EQ(r.header.at("Flags"), "0x0");
  EXPECT_EQ(r.header.at("Size of this header"), "64 (bytes)");
  EXPECT_EQ(r.header.at("Size of program headers"), "56 (bytes)");
  EXPECT_EQ(r.header.at("Number of program headers"), std::to_string(1 + space->map_count()));
  EXPECT_EQ(r.header.at("Number of section headers"), "0");

  // Notes: Linux's order, owners, types and sizes.
  struct Want {
    const char* owner;
    const char* type;
    uint64_t size;
  };
  std::vector<Want> want = {
      {"CORE", "NT_PRSTATUS (prstatus structure)", arm64() ? 392u : 504u},
      {"CORE", "NT_PRPSINFO (prpsinfo structure)", 136},
      {"CORE", "NT_SIGINFO (siginfo_t data)", 128},
      {"CORE", "NT_AUXV (auxiliary vector)", 48},
      // Two file VMAs: count, page size, two triples, "/bin/prog\0/etc/motd\0".
      {"CORE", "NT_FILE (mapped files)", 16 + 2 * 24 + 20},
      {"CORE", "NT_FPREGSET (floating point registers)", arm64() ? 528u : 264u}};
  if (arm64()) {
    want.push_back({"LINUX", "NT_ARM_TLS (AArch TLS registers)", 16});
    want.push_back({"LINUX", "Unknown note type: (0x00000409)", 8});  // NT_ARM_TAGGED_ADDR_CTRL
  } else {
    want.push_back({"LINUX", "NT_PPC_VMX (ppc Altivec registers)", 544});
    want.push_back({"LINUX", "NT_PPC_VSX (ppc VSX registers)", 256});
  }
  ASSERT_EQ(r.notes.size(), want.size());
  uint64_t notes_bytes = 0;
  for (size_t i = 0; i < want.size(); i++) {
    EXPECT_EQ(r.notes[i].owner, want[i].owner) << i;
    EXPECT_EQ(r.notes[i].type, want[i].type) << i;
    EXPECT_EQ(r.notes[i].size, want[i].size) << i;
    if (std::string(want[i].type).rfind("NT_FILE", 0) != 0) {
      EXPECT_EQ(r.notes[i].data.size(), want[i].size) << i;
    }
    notes_bytes += 12 + 8 + ((want[i].size + 3) & ~uint64_t{3});  // both names pad to 8
  }

  // NT_PRSTATUS: the signal, the signal words, the pids, pr_reg as given, pr_fpvalid.
  const auto& st = r.notes[0].data;
  const ByteOrder o = order();
  EXPECT_EQ(get(st, 0, 4, o), 11u);   // pr_info.si_signo
  EXPECT_EQ(get(st, 12, 2, o), 11u);  // pr_cursig
  EXPECT_EQ(get(st, 16, 8, o), 0x400u);
  EXPECT_EQ(get(st, 24, 8, o), 1u);
  EXPECT_EQ(get(st, 32, 4, o), 7u);
  EXPECT_EQ(get(st, 36, 4, o), 1u);
  EXPECT_EQ(get(st, 40, 4, o), 7u);
  EXPECT_EQ(get(st, 44, 4, o), 7u);
  for (size_t off = 48; off < 112; off += 8) EXPECT_EQ(get(st, off, 8, o), 0u);
  const size_t words = arm64() ? 34 : 48;
  for (size_t i = 0; i < words; i++) EXPECT_EQ(get(st, 112 + 8 * i, 8, o), 0x1000 + i) << i;
  EXPECT_EQ(get(st, 112 + 8 * words, 4, o), 1u);  // pr_fpvalid
  // NT_PRPSINFO: state 'R', the task flags, pids, comm, the arguments with spaces for NULs.
  const auto& ps = r.notes[1].data;
  EXPECT_EQ(ps[0], 0);
  EXPECT_EQ(ps[1], 'R');
  EXPECT_EQ(get(ps, 8, 8, o), 0x400600u);
  EXPECT_EQ(get(ps, 16, 4, o), 1000u);  // pr_uid
  EXPECT_EQ(get(ps, 20, 4, o), 100u);   // pr_gid
  EXPECT_EQ(get(ps, 24, 4, o), 7u);
  EXPECT_EQ(get(ps, 28, 4, o), 1u);
  EXPECT_EQ(get(ps, 32, 4, o), 7u);
  EXPECT_EQ(get(ps, 36, 4, o), 7u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&ps[40])), "prog");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&ps[56])), "prog -x ");
  // NT_SIGINFO and NT_AUXV as given.
  EXPECT_EQ(get(r.notes[2].data, 0, 4, o), 11u);
  EXPECT_EQ(get(r.notes[2].data, 16, 8, o), 0xdead000u);
  EXPECT_EQ(get(r.notes[3].data, 0, 8, o), 6u);
  EXPECT_EQ(get(r.notes[3].data, 8, 8, o), 4096u);
  EXPECT_EQ(get(r.notes[3].data, 16, 8, o), 26u);
  EXPECT_EQ(get(r.notes[3].data, 24, 8, o), 1u << 18);
  EXPECT_EQ(get(r.notes[3].data, 40, 8, o), 0u);
  // NT_FILE's table as readelf prints it.
  const std::string file_text = [&] {
    std::string s;
    for (const std::string& l : r.notes[4].lines) s += l + "\n";
    return s;
  }();
  EXPECT_NE(file_text.find("Page size: 4096"), std::string::npos);
  char row[160];
  std::snprintf(row, sizeof(row), "0x%016llx  0x%016llx  0x%016llx\n/bin/prog",
                static_cast<unsigned long long>(exe), static_cast<unsigned long long>(exe + 2 * P),
                0ull);
  EXPECT_NE(file_text.find(row), std::string::npos) << file_text;
  EXPECT_NE(file_text.find("/etc/motd"), std::string::npos);
  // The arch notes' bytes, exactly as the arch laid them out.
  EXPECT_EQ(r.notes[5].data, arm64() ? std::vector<uint8_t>(528, 0xf1) : core_pattern(264, 0xf2));
  if (arm64()) {
    EXPECT_EQ(get(r.notes[6].data, 0, 8, o), 0x7fee00001234u);
    EXPECT_EQ(get(r.notes[6].data, 8, 8, o), 0u);
    EXPECT_EQ(get(r.notes[7].data, 0, 8, o), 0x7fff3u);
  } else {
    EXPECT_EQ(r.notes[6].data, core_pattern(544, 0xa5));
    EXPECT_EQ(r.notes[7].data, core_pattern(256, 0x5a));
  }

  // Program headers: PT_NOTE, then one PT_LOAD per VMA in address order, data back to back
  // from the first page boundary after the notes.
  ASSERT_EQ(r.phdrs.size(), 1 + space->map_count());
  const uint64_t phdrs_end = 64 + 56 * r.phdrs.size();
  EXPECT_EQ(r.phdrs[0].type, "NOTE");
  EXPECT_EQ(r.phdrs[0].offset, phdrs_end);
  EXPECT_EQ(r.phdrs[0].filesz, notes_bytes);
  EXPECT_EQ(r.phdrs[0].memsz, 0u);
  EXPECT_EQ(r.phdrs[0].vaddr, 0u);
  EXPECT_EQ(r.phdrs[0].flags, "");
  EXPECT_EQ(r.phdrs[0].align, 4u);
  uint64_t offset = (phdrs_end + notes_bytes + P - 1) & ~(P - 1);
  EXPECT_EQ(core.substr(phdrs_end + notes_bytes, offset - phdrs_end - notes_bytes),
            std::string(offset - phdrs_end - notes_bytes, '\0'));
  VMA_ITERATOR(vmi, space->tree(), 0);
  Vma* vma;
  size_t i = 1;
  for_each_vma(vmi, vma) {
    const ReadelfPhdr& ph = r.phdrs[i++];
    SCOPED_TRACE(vma->vm_start);
    EXPECT_EQ(ph.type, "LOAD");
    EXPECT_EQ(ph.offset, offset);
    EXPECT_EQ(ph.vaddr, vma->vm_start);
    EXPECT_EQ(ph.paddr, 0u);
    EXPECT_EQ(ph.memsz, vma->size());
    EXPECT_EQ(ph.align, P);
    std::string flags;
    if (vma->vm_flags & VM_READ) flags += "R";
    if (vma->vm_flags & VM_WRITE) flags += "W";
    if (vma->vm_flags & VM_EXEC) flags += "E";
    EXPECT_EQ(ph.flags, flags);
    uint64_t expect = 0;
    if (vma->vm_start == data || vma->vm_start == vvar_at) expect = vma->size();
    if (vma->vm_start == exe) expect = P;
    EXPECT_EQ(ph.filesz, expect);
    offset += ph.filesz;
  }
  EXPECT_EQ(offset, core.size());
  // The memory: what was written, zeros for the hole and for the special mapping.
  const ReadelfPhdr& d = *std::find_if(r.phdrs.begin(), r.phdrs.end(),
                                       [&](const ReadelfPhdr& p) { return p.vaddr == data; });
  EXPECT_EQ(bytes_of(core, d.offset, P), std::string(P, 0x42));
  EXPECT_EQ(bytes_of(core, d.offset + P, P), std::string(P, '\0'));
  EXPECT_EQ(bytes_of(core, d.offset + 2 * P, P), std::string(P, 0x43));
  const ReadelfPhdr& x = *std::find_if(r.phdrs.begin(), r.phdrs.end(),
                                       [&](const ReadelfPhdr& p) { return p.vaddr == exe; });
  EXPECT_EQ(bytes_of(core, x.offset, P), std::string(elf.begin(), elf.begin() + P));
  const ReadelfPhdr& v = *std::find_if(r.phdrs.begin(), r.phdrs.end(),
                                       [&](const ReadelfPhdr& p) { return p.vaddr == vvar_at; });
  EXPECT_EQ(bytes_of(core, v.offset, 2 * P), std::string(2 * P, '\0'));
}

// Allocation tags from a fake source: one PT_AARCH64_MEMTAG_MTE per VM_MTE VMA after the
// loads, p_filesz = dump size / 32, tags packed low nibble first, untagged pages as holes.
TEST_P(CoreWriterTest, MemtagSegmentsFollowTheLoads) {
  if (!arm64()) GTEST_SKIP() << "MTE tag segments are arm64's";
  AddressSpaceLayout layout = default_layout();
  layout.mte = true;
  make_space(layout);
  const uint64_t tagged = map(0, 3 * P, RW | PROT_MTE);
  touch(tagged);
  touch(tagged + 2 * P);
  map(0, P);                                           // not VM_MTE
  const uint64_t undumped = map(0, P, RW | PROT_MTE);  // VM_MTE, never written: not dumped
  struct Tags {
    uint64_t tagged_page;
  } tags{tagged + 2 * P};
  CoreTagSource source;
  source.page_tags = [](void* c, const CoreVma&, uint64_t va, uint8_t out[MEMTAG_PAGE_BYTES]) {
    if (va != static_cast<Tags*>(c)->tagged_page) return false;
    uint8_t granules[PAGE_SIZE / 16];
    for (size_t g = 0; g < sizeof(granules); g++) granules[g] = g % 16;
    memtag_pack(granules, out);
    return true;
  };
  source.context = &tags;
  const CoreExtraSegments extra = memtag_segments(source);
  const std::string core = dump(&extra);
  CoreFile file(core);
  const ReadelfCore r = readelf_core(file.path);
  SCOPED_TRACE(r.raw);
  ASSERT_EQ(r.phdrs.size(), 1 + space->map_count() + 2);
  const ReadelfPhdr& last_load = r.phdrs[space->map_count()];
  EXPECT_EQ(last_load.type, "LOAD");
  uint64_t offset = last_load.offset + last_load.filesz;
  const uint64_t expect_vaddr[2] = {undumped < tagged ? undumped : tagged,
                                    undumped < tagged ? tagged : undumped};
  for (size_t k = 0; k < 2; k++) {
    const ReadelfPhdr& m = r.phdrs[1 + space->map_count() + k];
    const bool full = expect_vaddr[k] == tagged;
    EXPECT_NE(m.type.find("0x70000002"), std::string::npos) << m.type;
    EXPECT_EQ(m.vaddr, expect_vaddr[k]);
    EXPECT_EQ(m.memsz, full ? 3 * P : P);
    EXPECT_EQ(m.filesz, full ? 3 * 128u : 0u);
    EXPECT_EQ(m.offset, offset);
    EXPECT_EQ(m.flags, "");
    EXPECT_EQ(m.align, 0u);
    EXPECT_EQ(m.paddr, 0u);
    if (full) {
      EXPECT_EQ(bytes_of(core, offset, 256), std::string(256, '\0'));  // pages without tags
      std::string packed;
      for (int b = 0; b < 128; b++)
        packed += static_cast<char>((2 * b % 16) | (2 * b + 1) % 16 << 4);
      EXPECT_EQ(bytes_of(core, offset + 256, 128), packed);
    }
    offset += m.filesz;
  }
  EXPECT_EQ(offset, core.size());
}

// A process with thousands of VMAs: one PT_LOAD each, in order, each written one dumped.
TEST_P(CoreWriterTest, ThousandsOfVmas) {
  const uint64_t base = 0x10000000;
  for (uint64_t i = 0; i < 4000; i++) {
    // Alternate protections so that no two neighbours merge.
    ASSERT_EQ(space->mmap(base + 2 * i * P, P, i % 2 ? PROT_READ : RW, ANON | MAP_FIXED).value(),
              base + 2 * i * P);
    if (i % 2 == 0) touch(base + 2 * i * P);
  }
  ASSERT_EQ(space->map_count(), 4000u);
  const std::string core = dump();
  CoreFile file(core);
  const ReadelfCore r = readelf_core(file.path);
  ASSERT_EQ(r.phdrs.size(), 4001u);
  uint64_t offset = r.phdrs[1].offset;
  for (uint64_t i = 0; i < 4000; i++) {
    const ReadelfPhdr& p = r.phdrs[1 + i];
    ASSERT_EQ(p.vaddr, base + 2 * i * P);
    ASSERT_EQ(p.offset, offset);
    ASSERT_EQ(p.filesz, i % 2 ? 0 : P);
    offset += p.filesz;
  }
  EXPECT_EQ(offset, core.size());
}

// RLIMIT_CORE as Linux applies it to a core file (fs/coredump.c __dump_emit, dump_emit_page,
// __dump_skip, do_coredump's last byte): the core ends before the first write (the ELF header, a
// program header, a note's header, name or descriptor, a page) that would take the bytes written
// past the limit; the holes Linux seeks over (a note's padding, up to the load data, a page
// without memory) do not count and are in the file only when a write follows them; a trailing
// hole ends with a one-byte write, which the limit may refuse. Every cut core is the whole
// core's first bytes.
TEST_P(CoreWriterTest, RlimitCoreCutsWhereLinuxDoes) {
  // One load of four pages: written, a hole, written, a hole (the core's last page).
  const uint64_t data = map(0, 4 * P);
  touch(data);
  touch(data + 2 * P);
  std::memset(reinterpret_cast<void*>(mmu.pages.at(data).pa), 0x42, P);
  std::memset(reinterpret_cast<void*>(mmu.pages.at(data + 2 * P).pa), 0x43, P);
  ASSERT_EQ(space->map_count(), 1u);
  const std::string whole = dump();
  const std::vector<uint8_t> bytes(whole.begin(), whole.end());
  const uint64_t phdrs_end = 64 + 2 * 56;
  const uint64_t notes_size = get(bytes, 64 + 32, 8, order());       // PT_NOTE's p_filesz
  const uint64_t data_offset = get(bytes, 64 + 56 + 8, 8, order());  // PT_LOAD's p_offset
  ASSERT_EQ(whole.size(), data_offset + 4 * P);
  // The notes' writes: each note's header, name and descriptor, its paddings holes.
  uint64_t written = phdrs_end, last_write_end = phdrs_end;
  const uint64_t first_note_name = get(bytes, phdrs_end, 4, order());
  for (uint64_t at = phdrs_end; at < phdrs_end + notes_size;) {
    const uint64_t name = get(bytes, at, 4, order()), desc = get(bytes, at + 4, 4, order());
    written += 12 + name + desc;
    last_write_end = at + 12 + (name + 3) / 4 * 4 + desc;
    at += 12 + (name + 3) / 4 * 4 + (desc + 3) / 4 * 4;
  }
  struct Case {
    const char* where;
    uint64_t limit;
    uint64_t size;
  };
  const Case cases[] = {
      {"the ELF header and the PT_NOTE header, the PT_LOAD header refused", 64 + 56 + 55, 64 + 56},
      {"the first note's header, its name refused", phdrs_end + 12 + first_note_name - 1,
       phdrs_end + 12},
      {"every note, the first page refused; the hole before it not in the file", written,
       last_write_end},
      {"the first page, the hole after it sought over, the second page refused",
       written + 2 * P - 1, data_offset + P},
      {"both pages, no room for the trailing hole's last byte", written + 2 * P,
       data_offset + 3 * P},
      {"both pages and the trailing hole's last byte: the whole core", written + 2 * P + 1,
       data_offset + 4 * P},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.where);
    const std::string cut = dump(nullptr, c.limit);
    EXPECT_EQ(cut.size(), c.size);
    EXPECT_EQ(cut, whole.substr(0, cut.size()));
  }
}

INSTANTIATE_TEST_SUITE_P(Arches, CoreWriterTest,
                         testing::Values(CoreArch::Arm64, CoreArch::Ppc64, CoreArch::Ppc64le),
                         [](const testing::TestParamInfo<CoreArch>& i) {
                           return i.param == CoreArch::Arm64   ? "arm64"
                                  : i.param == CoreArch::Ppc64 ? "ppc64"
                                                               : "ppc64le";
                         });

}  // namespace
