// The core writer's rules one by one: vma_dump_size's checks in Linux's order, golden bytes of a
// small core for arm64 and for powerpc in both byte orders, extended numbering past 65534
// segments, and the requests it refuses.
#include <gtest/gtest.h>

#include "host-tests/core_support.h"
#include "host-tests/readelf.h"
#include "kernel/mm/special_mapping.h"

namespace {

Vma vma_with(VmFlags flags, uint64_t anon_vma = 0, const VmFile* file = nullptr,
             uint64_t pgoff = 0) {
  Vma v;
  v.vm_start = 0x10000;
  v.vm_end = 0x14000;
  v.vm_flags = flags;
  v.anon_vma = anon_vma;
  v.vm_file = file;
  v.vm_pgoff = pgoff;
  return v;
}

TEST(CoreDumpSize, RulesInLinuxOrder) {
  constexpr unsigned F = CORE_DUMP_FILTER_DEFAULT;
  const VmFile file{"/bin/x", 0x4000};
  SpecialMapping named;
  named.name = "[vvar]";
  SpecialMapping unnamed;
  // A named special mapping is whole even with VM_DONTDUMP and VM_IO; an unnamed one is not.
  Vma s = vma_with(VM_READ | VM_DONTDUMP | VM_IO);
  s.special = &named;
  EXPECT_EQ(core_vma_dump_size(s, F), 0x4000u);
  s.special = &unnamed;
  EXPECT_EQ(core_vma_dump_size(s, F), 0u);
  // VM_DONTDUMP before the anon_vma; VM_IO before it too.
  EXPECT_EQ(core_vma_dump_size(vma_with(VM_READ | VM_WRITE | VM_DONTDUMP, 1), F), 0u);
  EXPECT_EQ(core_vma_dump_size(vma_with(VM_READ | VM_WRITE | VM_IO, 1), F), 0u);
  // Hugetlb by its own bits, before VM_IO.
  EXPECT_EQ(core_vma_dump_size(vma_with(VM_READ | VM_HUGETLB | VM_IO), F), 0x4000u);
  EXPECT_EQ(core_vma_dump_size(vma_with(VM_READ | VM_HUGETLB | VM_SHARED), F), 0u);
  EXPECT_EQ(
      core_vma_dump_size(vma_with(VM_READ | VM_HUGETLB | VM_SHARED), F | CORE_DUMP_HUGETLB_SHARED),
      0x4000u);
  // Shared: anonymous by ANON_SHARED, a file by MAPPED_SHARED.
  EXPECT_EQ(core_vma_dump_size(vma_with(VM_READ | VM_SHARED), F), 0x4000u);
  EXPECT_EQ(core_vma_dump_size(vma_with(VM_READ | VM_SHARED), F & ~CORE_DUMP_ANON_SHARED), 0u);
  EXPECT_EQ(core_vma_dump_size(vma_with(VM_READ | VM_SHARED, 0, &file), F), 0u);
  EXPECT_EQ(
      core_vma_dump_size(vma_with(VM_READ | VM_SHARED, 0, &file), F | CORE_DUMP_MAPPED_SHARED),
      0x4000u);
  // Private: an anon_vma decides, then the file.
  EXPECT_EQ(core_vma_dump_size(vma_with(VM_READ | VM_WRITE, 3), F), 0x4000u);
  EXPECT_EQ(core_vma_dump_size(vma_with(VM_READ | VM_WRITE, 3), F & ~CORE_DUMP_ANON_PRIVATE), 0u);
  EXPECT_EQ(core_vma_dump_size(vma_with(VM_READ | VM_WRITE), F), 0u);
  EXPECT_EQ(core_vma_dump_size(vma_with(VM_READ, 3, &file, 2), F), 0x4000u);
  EXPECT_EQ(core_vma_dump_size(vma_with(VM_READ, 0, &file, 0), F | CORE_DUMP_MAPPED_PRIVATE),
            0x4000u);
  // The ELF header page: offset 0 and readable only, and only with ELF_HEADERS.
  EXPECT_EQ(core_vma_dump_size(vma_with(VM_READ, 0, &file, 0), F), CORE_DUMP_MAYBE_ELF_HEADER);
  EXPECT_EQ(core_vma_dump_size(vma_with(VM_READ, 0, &file, 1), F), 0u);
  EXPECT_EQ(core_vma_dump_size(vma_with(VM_EXEC, 0, &file, 0), F), 0u);
  EXPECT_EQ(core_vma_dump_size(vma_with(VM_READ, 0, &file, 0), F & ~CORE_DUMP_ELF_HEADERS), 0u);
}

// The snapshot refuses too small an array rather than writing past it.
TEST_F(AddressSpaceTest, CoreSnapshotNeedsRoomForEveryVma) {
  map(0, P);
  map(0, P, PROT_READ);
  CoreVma out[1];
  EXPECT_EQ(error_of(core_vma_snapshot(space->tree(), CORE_DUMP_FILTER_DEFAULT,
                                       fake_core_memory(mmu), out, 1)),
            Error::Invalid);
}

// The smallest core: no VMA, a thread with two register words and no other notes, auxv with
// AT_NULL alone. Every byte of the header, the program header and the notes, spelled out.
std::string tiny_core(uint16_t machine, ByteOrder order) {
  static const uint8_t regs_le[16] = {0x11, 0, 0, 0, 0, 0, 0, 0, 0x22, 0, 0, 0, 0, 0, 0, 0};
  static const uint8_t regs_be[16] = {0, 0, 0, 0, 0, 0, 0, 0x11, 0, 0, 0, 0, 0, 0, 0, 0x22};
  static const uint8_t siginfo[CORE_SIGINFO_SIZE] = {0xab};
  static const uint64_t auxv[2] = {0, 0};
  CoreThread t;
  t.machine = machine;
  t.order = order;
  t.pr_reg = order == ByteOrder::Little ? regs_le : regs_be;
  t.pr_reg_size = 16;
  CoreProcess p;
  p.signal = 6;
  p.pid = 2;
  p.comm = "t";
  p.siginfo = siginfo;
  p.auxv = auxv;
  p.auxv_words = 2;
  CoreRequest r;
  r.thread = &t;
  r.process = &p;
  std::string core;
  Sink sink = string_sink(core);
  EXPECT_TRUE(write_core(r, sink).is_ok());
  return core;
}

std::string hex(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

TEST(CoreGolden, TinyCoreLittleEndian) {
  const std::string core = tiny_core(EM_AARCH64, ByteOrder::Little);
  // Notes: PRSTATUS 20 + 136 (112 + 16 + 4, padded to 8), PRPSINFO 20 + 136, SIGINFO 20 + 128,
  // AUXV 20 + 16: 496 bytes from offset 120; the file ends at the page boundary.
  ASSERT_EQ(core.size(), 4096u);
  EXPECT_EQ(hex(core.substr(0, 64)),
            "7f454c46020101000000000000000000"    // e_ident: ELF64, LSB, EV_CURRENT, SysV
            "0400b700010000000000000000000000"    // ET_CORE, EM_AARCH64, e_version 1, e_entry
            "40000000000000000000000000000000"    // e_phoff 64, e_shoff 0
            "00000000400038000100000000000000");  // e_flags, sizes, e_phnum 1, no sections
  EXPECT_EQ(hex(core.substr(64, 56)),
            "04000000000000007800000000000000"  // PT_NOTE, p_flags 0, p_offset 120
            "00000000000000000000000000000000"  // p_vaddr, p_paddr
            "f0010000000000000000000000000000"  // p_filesz 496, p_memsz 0
            "0400000000000000");                // p_align 4
  EXPECT_EQ(hex(core.substr(120, 20 + 48)),
            "050000008800000001000000434f5245"    // namesz 5, descsz 136, NT_PRSTATUS, "CORE"
            "00000000060000000000000000000000"    // name padding, si_signo 6, si_code, si_errno
            "06000000"                            // pr_cursig 6, padding
            "00000000000000000000000000000000"    // pr_sigpend, pr_sighold
            "02000000000000000000000000000000");  // pr_pid 2, pr_ppid, pr_pgrp, pr_sid
  EXPECT_EQ(hex(core.substr(120 + 20 + 112, 24)),
            "1100000000000000220000000000000000000000"                     // pr_reg, pr_fpvalid 0
            "00000000");                                                   // padding to 8
  EXPECT_EQ(hex(core.substr(120 + 156, 12)), "050000008800000003000000");  // NT_PRPSINFO
  EXPECT_EQ(hex(core.substr(120 + 312, 12)), "050000008000000049474953");  // NT_SIGINFO
  EXPECT_EQ(hex(core.substr(120 + 460, 36)),
            "050000001000000006000000434f5245"    // NT_AUXV, 16 bytes
            "00000000"                            // name padding
            "00000000000000000000000000000000");  // AT_NULL
  EXPECT_EQ(core.substr(616), std::string(4096 - 616, '\0'));
}

TEST(CoreGolden, TinyCoreBigEndian) {
  const std::string core = tiny_core(EM_PPC64, ByteOrder::Big);
  ASSERT_EQ(core.size(), 4096u);
  EXPECT_EQ(hex(core.substr(0, 64)),
            "7f454c46020201000000000000000000"  // e_ident: ELF64, MSB
            "00040015000000010000000000000000"  // ET_CORE, EM_PPC64, e_version 1
            "00000000000000400000000000000000"  // e_phoff 64
            "00000000004000380001000000000000");
  EXPECT_EQ(hex(core.substr(64, 56)),
            "00000004000000000000000000000078"
            "00000000000000000000000000000000"
            "00000000000001f00000000000000000"
            "0000000000000004");
  EXPECT_EQ(hex(core.substr(120, 20 + 48)),
            "000000050000008800000001434f5245"
            "00000000000000060000000000000000"
            "00060000"
            "00000000000000000000000000000000"
            "00000002000000000000000000000000");
  EXPECT_EQ(hex(core.substr(120 + 20 + 112, 24)),
            "000000000000001100000000000000220000000000000000");
  EXPECT_EQ(hex(core.substr(120 + 312, 12)), "000000050000008053494749");
}

// ppc64el: powerpc's machine with arm64's byte order, every multi-byte field little-endian.
TEST(CoreGolden, TinyCorePowerpcLittleEndian) {
  const std::string core = tiny_core(EM_PPC64, ByteOrder::Little);
  ASSERT_EQ(core.size(), 4096u);
  EXPECT_EQ(hex(core.substr(0, 64)),
            "7f454c46020101000000000000000000"    // e_ident: ELF64, LSB, EV_CURRENT, SysV
            "04001500010000000000000000000000"    // ET_CORE, EM_PPC64, e_version 1, e_entry
            "40000000000000000000000000000000"    // e_phoff 64, e_shoff 0
            "00000000400038000100000000000000");  // e_flags 0 (as Linux's regset view)
  EXPECT_EQ(hex(core.substr(64, 56)),
            "04000000000000007800000000000000"
            "00000000000000000000000000000000"
            "f0010000000000000000000000000000"
            "0400000000000000");
  EXPECT_EQ(hex(core.substr(120, 20 + 48)),
            "050000008800000001000000434f5245"
            "00000000060000000000000000000000"
            "06000000"
            "00000000000000000000000000000000"
            "02000000000000000000000000000000");
  EXPECT_EQ(hex(core.substr(120 + 20 + 112, 24)),
            "110000000000000022000000000000000000000000000000");
  EXPECT_EQ(hex(core.substr(120 + 156, 12)), "050000008800000003000000");
  EXPECT_EQ(hex(core.substr(120 + 312, 12)), "050000008000000049474953");
  EXPECT_EQ(hex(core.substr(120 + 460, 36)),
            "050000001000000006000000434f5245"
            "00000000"
            "00000000000000000000000000000000");
  EXPECT_EQ(core.substr(616), std::string(4096 - 616, '\0'));
}

// 65535 segments or more: e_phnum is PN_XNUM and the one section header holds the count (at
// exactly 65535, e_phnum would read as PN_XNUM itself, so Linux switches there).
TEST_F(AddressSpaceTest, CoreExtendedNumbering) {
  AddressSpaceLayout layout = default_layout();
  layout.max_map_count = 70000;
  make_space(layout);
  const uint64_t base = 0x10000000;
  const uint64_t count = 65534;  // with PT_NOTE: 65535 segments
  for (uint64_t i = 0; i < count; i++) {
    ASSERT_TRUE(space->mmap(base + 2 * i * P, P, PROT_READ, ANON | MAP_FIXED).is_ok());
  }
  std::vector<CoreVma> vmas(count);
  const CoreMemory memory = fake_core_memory(mmu);
  ASSERT_EQ(core_vma_snapshot(space->tree(), CORE_DUMP_FILTER_DEFAULT, memory, vmas.data(), count)
                .value(),
            count);
  FakeCoreThread t(CoreArch::Arm64);
  FakeCoreProcess p(t.order);
  CoreRequest r;
  r.thread = &t.thread;
  r.process = &p.process;
  r.segments = {vmas.data(), count};
  r.memory = memory;
  std::string core;
  Sink sink = string_sink(core);
  ASSERT_TRUE(write_core(r, sink).is_ok());
  const auto* b = reinterpret_cast<const uint8_t*>(core.data());
  EXPECT_EQ(byte_order::load16(b + 56, ByteOrder::Little), 0xffff);  // e_phnum
  EXPECT_EQ(byte_order::load16(b + 58, ByteOrder::Little), 64);      // e_shentsize
  EXPECT_EQ(byte_order::load16(b + 60, ByteOrder::Little), 1);       // e_shnum
  const uint64_t shoff = byte_order::load64(b + 40, ByteOrder::Little);
  ASSERT_EQ(shoff + 64, core.size());
  EXPECT_EQ(byte_order::load32(b + shoff + 4, ByteOrder::Little), 0u);       // SHT_NULL
  EXPECT_EQ(byte_order::load64(b + shoff + 32, ByteOrder::Little), 1u);      // sh_size
  EXPECT_EQ(byte_order::load32(b + shoff + 44, ByteOrder::Little), 65535u);  // sh_info
  CoreFile file(core);
  // GNU readelf follows extended numbering (llvm-readelf 14 stops at e_phnum).
  const std::string headers = run("readelf -hlW " + file.path);
  EXPECT_NE(headers.find("Number of program headers:         65535 (65535)"), std::string::npos);
  size_t loads = 0;
  for (size_t at = headers.find("\n  LOAD "); at != std::string::npos;
       at = headers.find("\n  LOAD ", at + 1)) {
    loads++;
  }
  EXPECT_EQ(loads, count);
}

TEST(CoreRequestErrors, RefusedBeforeAnyByte) {
  FakeCoreThread t(CoreArch::Arm64);
  FakeCoreProcess p(t.order);
  std::string core;
  Sink sink = string_sink(core);
  CoreRequest r;
  EXPECT_EQ(error_of(write_core(r, sink)), Error::Invalid);  // no thread, no process
  r.thread = &t.thread;
  r.process = &p.process;
  CoreThread odd = t.thread;
  odd.pr_reg_size = 12;
  r.thread = &odd;
  EXPECT_EQ(error_of(write_core(r, sink)), Error::Invalid);
  r.thread = &t.thread;
  const uint64_t unterminated[2] = {6, 4096};
  CoreProcess bad = p.process;
  bad.auxv = unterminated;
  bad.auxv_words = 2;
  r.process = &bad;
  EXPECT_EQ(error_of(write_core(r, sink)), Error::Invalid);
  r.process = &p.process;
  CoreVma vma;
  vma.start = 0x10000;
  vma.end = 0x12000;
  vma.dump_size = 0x3000;  // more than the VMA
  r.segments = {&vma, 1};
  EXPECT_EQ(error_of(write_core(r, sink)), Error::Invalid);
  vma.dump_size = 0x800;  // not whole pages
  EXPECT_EQ(error_of(write_core(r, sink)), Error::Invalid);
  EXPECT_TRUE(core.empty());
}

}  // namespace
