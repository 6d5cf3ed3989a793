// The ELF reader's load plan for hand-built images in both byte orders (every field of every
// segment, the layout, powerpc's entry registers, a static PIE's bias), every rejection with its
// Linux errno, and a truncation sweep under ASan. Real static binaries: elf_image_real_test.cc.

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>

#include "host-tests/elf_builder.h"
#include "kernel/proc/elf_image.h"

namespace {

using Bytes = std::vector<uint8_t>;

Result<ElfImage> parse(const Bytes& b, const ElfTarget& target, const char** reason = nullptr) {
  return ElfImage::parse(b.data(), b.size(), target, reason);
}

void expect_typical_plan(const ElfTarget& target) {
  const Bytes b = build_elf(typical_static_elf(target.byte_order, target.machine, 0x400000));
  Result<ElfImage> image = parse(b, target);
  ASSERT_TRUE(image.is_ok()) << error_name(image.error());
  const ElfImage& elf = image.value();
  EXPECT_EQ(elf.type(), ET_EXEC);
  EXPECT_FALSE(elf.is_static_pie());
  EXPECT_EQ(elf.phnum(), 3);
  EXPECT_TRUE(elf.has_gnu_stack());
  EXPECT_FALSE(elf.executable_stack());
  ASSERT_EQ(elf.load_count(), 2u);

  const ElfSegment text = elf.segment(0, 0);
  EXPECT_EQ(text.vaddr, 0x400000u);
  EXPECT_EQ(text.filesz, 0x1234u);
  EXPECT_EQ(text.memsz, 0x1234u);
  EXPECT_EQ(text.offset, 0u);
  EXPECT_EQ(text.prot, ELF_PROT_READ | ELF_PROT_EXEC);
  EXPECT_EQ(text.map_start, 0x400000u);
  EXPECT_EQ(text.map_end, 0x402000u);
  EXPECT_EQ(text.map_offset, 0u);
  EXPECT_EQ(text.zero_start, text.zero_end);  // no bss: the file's tail bytes stay
  EXPECT_EQ(text.anon_start, text.anon_end);

  const ElfSegment data = elf.segment(1, 0);
  EXPECT_EQ(data.vaddr, 0x411e10u);
  EXPECT_EQ(data.prot, ELF_PROT_READ | ELF_PROT_WRITE);
  EXPECT_EQ(data.map_start, 0x411000u);
  EXPECT_EQ(data.map_end, 0x413000u);  // 0xe10 + 0x300 bytes span two pages
  EXPECT_EQ(data.map_offset, 0x1000u);
  EXPECT_EQ(data.zero_start, 0x412110u);
  EXPECT_EQ(data.zero_end, 0x413000u);
  EXPECT_EQ(data.anon_start, 0x413000u);
  EXPECT_EQ(data.anon_end, 0x415000u);
  EXPECT_EQ(data.anon_prot, ELF_PROT_READ | ELF_PROT_WRITE);

  Result<ElfLayout> layout = elf.layout(0);
  ASSERT_TRUE(layout.is_ok());
  const ElfLayout& l = layout.value();
  EXPECT_EQ(l.load_bias, 0u);
  EXPECT_EQ(l.entry, 0x400120u);
  EXPECT_EQ(l.phdr, 0x400040u);
  EXPECT_EQ(l.phnum, 3);
  EXPECT_EQ(l.start_code, 0x400000u);
  EXPECT_EQ(l.end_code, 0x401234u);
  EXPECT_EQ(l.start_data, 0x411e10u);
  EXPECT_EQ(l.end_data, 0x412110u);
  EXPECT_EQ(l.elf_brk, 0x414e10u);
  EXPECT_EQ(l.start_brk, 0x415000u);
  EXPECT_FALSE(l.brk_moved);
  EXPECT_EQ(elf.layout(0x10000).error(), Error::Invalid);  // an ET_EXEC is never moved
}

TEST(ElfImage, TypicalArm64Plan) { expect_typical_plan(ELF_TARGET_ARM64); }
TEST(ElfImage, TypicalPpc64BigEndianPlan) { expect_typical_plan(ELF_TARGET_PPC64); }
TEST(ElfImage, TypicalPpc64LittleEndianPlan) { expect_typical_plan(ELF_TARGET_PPC64LE); }

TEST(ElfImage, BssOnlySegmentAndReadOnlyBss) {
  ElfSpec spec = typical_static_elf(ByteOrder::Little, EM_AARCH64, 0x400000);
  // A read-only segment with bss: its last file page keeps the file's bytes (clear_user would
  // fault), but the bss pages beyond are writable anonymous memory.
  spec.phdrs[0].memsz = 0x3000;
  spec.phdrs[1] = {PT_LOAD, PF_R | PF_W | PF_X, 0, 0x420800, 0, 0x1900, 0x1000};
  const Bytes b = build_elf(spec);
  Result<ElfImage> image = parse(b, ELF_TARGET_ARM64);
  ASSERT_TRUE(image.is_ok()) << error_name(image.error());
  const ElfSegment text = image.value().segment(0, 0);
  EXPECT_EQ(text.zero_start, text.zero_end);
  EXPECT_EQ(text.anon_start, 0x402000u);
  EXPECT_EQ(text.anon_end, 0x403000u);
  EXPECT_EQ(text.anon_prot, ELF_PROT_READ | ELF_PROT_WRITE | ELF_PROT_EXEC);
  const ElfSegment bss = image.value().segment(1, 0);
  EXPECT_EQ(bss.map_start, bss.map_end);
  EXPECT_EQ(bss.anon_start, 0x420000u);
  EXPECT_EQ(bss.anon_end, 0x423000u);  // 0x800 + 0x1900 from the page start
  EXPECT_EQ(image.value().layout(0).value().start_brk, 0x423000u);
}

TEST(ElfImage, GnuStackAndPhdrOutsideLoads) {
  ElfSpec spec = typical_static_elf(ByteOrder::Little, EM_AARCH64, 0x400000);
  spec.phdrs[2].flags = PF_R | PF_W | PF_X;
  spec.phdrs[0].offset = 0x1000;  // the headers are no longer inside a PT_LOAD
  spec.phdrs[0].filesz = spec.phdrs[0].memsz = 0x200;
  Bytes b = build_elf(spec);
  Result<ElfImage> image = parse(b, ELF_TARGET_ARM64);
  ASSERT_TRUE(image.is_ok()) << error_name(image.error());
  EXPECT_TRUE(image.value().executable_stack());
  EXPECT_EQ(image.value().layout(0).value().phdr, 0u);  // Linux passes load_bias + 0

  spec.phdrs.pop_back();
  b = build_elf(spec);
  EXPECT_FALSE(parse(b, ELF_TARGET_ARM64).value().has_gnu_stack());
  EXPECT_FALSE(parse(b, ELF_TARGET_ARM64).value().executable_stack());
}

TEST(ElfImage, PowerpcEntryRegisters) {
  ElfSpec spec = typical_static_elf(ByteOrder::Big, EM_PPC64, 0x10000000);
  spec.flags = 1;  // ELFv1: e_entry names a descriptor in the data segment
  spec.entry = 0x10011e10 + 0x40;
  Bytes b = build_elf(spec);
  elf_put(b, 0x1e10 + 0x40, 8, 0x10000500, ByteOrder::Big);
  elf_put(b, 0x1e10 + 0x48, 8, 0x10019000, ByteOrder::Big);
  Result<ElfImage> image = parse(b, ELF_TARGET_PPC64);
  ASSERT_TRUE(image.is_ok());
  EXPECT_EQ(image.value().abi(), ElfAbi::PpcElfV1);
  PpcStartRegisters regs = image.value().ppc_start_registers(0).value();
  EXPECT_EQ(regs.pc, 0x10000500u);
  EXPECT_EQ(regs.r2, 0x10019000u);
  EXPECT_EQ(regs.r12, 0u);
  EXPECT_EQ(image.value().layout(0).value().entry, 0x10011e50u);  // AT_ENTRY: the descriptor

  spec.entry = 0x10011e10 + 0x2f8;  // the descriptor would straddle the end of the file bytes
  b = build_elf(spec);
  EXPECT_EQ(parse(b, ELF_TARGET_PPC64).value().ppc_start_registers(0).error(), Error::Fault);

  spec.flags = 2;  // ELFv2: straight to e_entry, with r12 = entry
  spec.entry = 0x10000100;
  b = build_elf(spec);
  Result<ElfImage> v2 = parse(b, ELF_TARGET_PPC64);
  EXPECT_EQ(v2.value().abi(), ElfAbi::PpcElfV2);
  regs = v2.value().ppc_start_registers(0).value();
  EXPECT_EQ(regs.pc, 0x10000100u);
  EXPECT_EQ(regs.r2, 0u);
  EXPECT_EQ(regs.r12, 0x10000100u);

  spec.flags = 0;  // no ABI bits: Linux treats it as ELFv1
  b = build_elf(spec);
  EXPECT_EQ(parse(b, ELF_TARGET_PPC64).value().abi(), ElfAbi::PpcElfV1);

  const Bytes arm = build_elf(typical_static_elf(ByteOrder::Little, EM_AARCH64, 0x400000));
  EXPECT_EQ(parse(arm, ELF_TARGET_ARM64).value().abi(), ElfAbi::Arm64);
  EXPECT_EQ(parse(arm, ELF_TARGET_ARM64).value().ppc_start_registers(0).error(),
            Error::NotSupported);
}

TEST(ElfImage, StaticPieBiasAndBrk) {
  ElfSpec spec = typical_static_elf(ByteOrder::Little, EM_AARCH64, 0);
  spec.type = ET_DYN;
  spec.phdrs[0].align = spec.phdrs[1].align = 0x1000;
  Bytes b = build_elf(spec);
  Result<ElfImage> image = parse(b, ELF_TARGET_ARM64);
  ASSERT_TRUE(image.is_ok()) << error_name(image.error());
  const ElfImage& elf = image.value();
  EXPECT_TRUE(elf.is_static_pie());
  EXPECT_EQ(elf.total_mapping_size(), 0x14e10u);
  EXPECT_EQ(elf.maximum_alignment(), 0x1000u);
  // Page alignment: the image goes where mmap put it.
  EXPECT_EQ(elf.static_pie_bias(0x7fff12345000), 0x7fff12345000u);
  const ElfLayout l = elf.layout(0x7fff12345000).value();
  EXPECT_EQ(l.entry, 0x7fff12345120u);
  EXPECT_EQ(l.phdr, 0x7fff12345040u);
  EXPECT_EQ(l.elf_brk, 0x7fff12359e10u);
  EXPECT_TRUE(l.brk_moved);
  EXPECT_EQ(l.start_brk, 0xaaaaaaaab000u);  // ELF_PAGEALIGN(2 * 2^48 / 3)
  EXPECT_EQ(elf.segment(1, 0x7fff12345000).map_start, 0x7fff12356000u);
  EXPECT_EQ(elf.layout(0x123).error(), Error::Invalid);            // unaligned bias
  EXPECT_EQ(elf.layout(0xffffffff0000).error(), Error::NoMemory);  // past TASK_SIZE

  // 64 KiB p_align: the probe address is aligned down before the real mapping.
  spec.phdrs[0].align = 0x10000;
  spec.phdrs[1].align = 3;  // not a power of two: ignored, as in Linux
  b = build_elf(spec);
  EXPECT_EQ(parse(b, ELF_TARGET_ARM64).value().maximum_alignment(), 0x10000u);
  EXPECT_EQ(parse(b, ELF_TARGET_ARM64).value().static_pie_bias(0x7fff12345000), 0x7fff12340000u);

  // A first segment above 0 with page alignment: the bias subtracts its page.
  spec.phdrs[0].align = spec.phdrs[1].align = 0x1000;
  spec.phdrs[0].vaddr = 0x1234;
  spec.phdrs[0].offset = 0x234;
  b = build_elf(spec);
  EXPECT_EQ(parse(b, ELF_TARGET_ARM64).value().static_pie_bias(0x7fff12345000), 0x7fff12344000u);
  EXPECT_EQ(parse(b, ELF_TARGET_ARM64).value().total_mapping_size(), 0x13e10u);

  // An ELF64 ET_EXEC gets no bias.
  const Bytes exec = build_elf(typical_static_elf(ByteOrder::Little, EM_AARCH64, 0x400000));
  EXPECT_EQ(parse(exec, ELF_TARGET_ARM64).value().static_pie_bias(0x7fff12345000), 0u);
}

struct Rejection {
  const char* name;
  std::function<void(ElfSpec&)> edit_spec;
  std::function<void(Bytes&)> edit_bytes;
  Error error;
  const char* reason_part;
};

TEST(ElfImage, RejectsWithLinuxErrors) {
  static constexpr uint64_t top = ELF_TARGET_ARM64.task_size;
  const Rejection cases[] = {
      {"magic", nullptr, [](Bytes& b) { b[1] = 'e'; }, Error::NoExec, "magic"},
      {"class", nullptr, [](Bytes& b) { b[4] = 1; }, Error::NoExec, "ELFCLASS64"},
      {"byte order", [](ElfSpec& s) { s.order = ByteOrder::Big; }, nullptr, Error::NoExec,
       "byte order"},
      {"type", [](ElfSpec& s) { s.type = 4; }, nullptr, Error::NoExec, "e_type"},
      {"machine", [](ElfSpec& s) { s.machine = EM_PPC64; }, nullptr, Error::NoExec, "e_machine"},
      {"phentsize", [](ElfSpec& s) { s.phentsize = 32; }, nullptr, Error::NoExec, "e_phentsize"},
      {"no phdrs", [](ElfSpec& s) { s.phdrs.clear(); }, nullptr, Error::NoExec, "no program"},
      {"too many phdrs",
       [](ElfSpec& s) {
         s.phdrs.resize(74, ElfPhdrSpec{PT_PHDR});
         s.file_size = 0x2000;
       },
       nullptr, Error::NoExec, "page"},
      {"phdrs outside", nullptr, [](Bytes& b) { elf_put(b, 32, 8, 0x2100, ByteOrder::Little); },
       Error::NoExec, "outside"},
      {"phoff wraps", nullptr,
       [](Bytes& b) { elf_put(b, 32, 8, ~uint64_t{0} - 8, ByteOrder::Little); }, Error::NoExec,
       "outside"},
      {"interp",
       [](ElfSpec& s) {
         s.phdrs.push_back({PT_INTERP, PF_R, 0x1000, 0, 5, 5, 1});
       },
       [](Bytes& b) { std::memcpy(b.data() + 0x1000, "/ld\0", 5); }, Error::NotFound, "PT_INTERP"},
      {"interp unterminated",
       [](ElfSpec& s) {
         s.phdrs.push_back({PT_INTERP, PF_R, 0x1000, 0, 4, 4, 1});
       },
       nullptr, Error::NoExec, "NUL"},
      {"interp too short",
       [](ElfSpec& s) {
         s.phdrs.push_back({PT_INTERP, PF_R, 0x1000, 0, 1, 1, 1});
       },
       nullptr, Error::NoExec, "length"},
      {"interp outside file",
       [](ElfSpec& s) {
         s.phdrs.push_back({PT_INTERP, PF_R, 0x2108, 0, 16, 16, 1});
       },
       nullptr, Error::Io, "outside"},
      {"exec without load", [](ElfSpec& s) { s.phdrs = {{PT_PHDR}}; }, nullptr, Error::NoExec,
       "without PT_LOAD"},
      {"dyn without load",
       [](ElfSpec& s) {
         s.type = ET_DYN;
         s.phdrs = {{PT_PHDR}};
       },
       nullptr, Error::Invalid, "total mapping size"},
      {"filesz > memsz", [](ElfSpec& s) { s.phdrs[1].memsz = 0x100; }, nullptr, Error::Invalid,
       "p_filesz > p_memsz"},
      {"offset incongruent", [](ElfSpec& s) { s.phdrs[1].offset = 0x1e00; }, nullptr,
       Error::Invalid, "modulo"},
      {"file range wraps", [](ElfSpec& s) { s.phdrs[1].offset = ~uint64_t{0} - 0xfff + 0xe10; },
       nullptr, Error::Invalid, "wraps"},
      {"file bytes outside", [](ElfSpec& s) { s.phdrs[1].filesz = 0x400; }, nullptr, Error::NoExec,
       "outside the file"},
      {"overlap",
       [](ElfSpec& s) {
         s.phdrs[1].vaddr = 0x401230;
         s.phdrs[1].offset = 0x1230;
       },
       nullptr, Error::NoExec, "overlap"},
      {"unsorted", [](ElfSpec& s) { s.phdrs[1].vaddr = 0x3f1e10; }, nullptr, Error::NoExec,
       "order"},
      {"exec past the limit", [](ElfSpec& s) { s.phdrs[1].vaddr = top - 0x1000 + 0xe10; }, nullptr,
       Error::NoMemory, "limit"},
      {"exec bss past the limit", [](ElfSpec& s) { s.phdrs[1].vaddr = top - 0x2000 + 0xe10; },
       nullptr, Error::NoMemory, "limit"},
      {"exec bss wraps", [](ElfSpec& s) { s.phdrs[1].memsz = ~uint64_t{0} - 0x1000; }, nullptr,
       Error::NoMemory, "limit"},
      {"dyn above the limit",
       [](ElfSpec& s) {
         s.type = ET_DYN;
         s.phdrs[0].vaddr = 0;
         s.phdrs[1].vaddr = top + 0xe10;
       },
       nullptr, Error::Invalid, "user address range"},
      {"entry above the limit", [](ElfSpec& s) { s.entry = top; }, nullptr, Error::Invalid,
       "entry"},
      {"truncated header", nullptr, [](Bytes& b) { b.resize(63); }, Error::NoExec, "shorter"},
  };
  for (const Rejection& c : cases) {
    ElfSpec spec = typical_static_elf(ByteOrder::Little, EM_AARCH64, 0x400000);
    if (c.edit_spec) c.edit_spec(spec);
    Bytes b = build_elf(spec);
    if (c.edit_bytes) c.edit_bytes(b);
    const char* reason = nullptr;
    Result<ElfImage> image = parse(b, ELF_TARGET_ARM64, &reason);
    ASSERT_TRUE(image.is_error()) << c.name;
    EXPECT_EQ(image.error(), c.error)
        << c.name << ": " << error_name(image.error()) << " " << (reason ? reason : "");
    ASSERT_NE(reason, nullptr) << c.name;
    EXPECT_NE(std::string(reason).find(c.reason_part), std::string::npos)
        << c.name << ": " << reason;
  }
}

TEST(ElfImage, EveryTruncationIsRejected) {
  const Bytes full = build_elf(typical_static_elf(ByteOrder::Big, EM_PPC64, 0x10000000));
  ASSERT_TRUE(parse(full, ELF_TARGET_PPC64).is_ok());
  for (size_t n = 0; n < full.size(); n++) {
    // An exact-size heap copy, so ASan sees any read past the end.
    const Bytes prefix(full.begin(), full.begin() + n);
    Result<ElfImage> image = ElfImage::parse(n ? prefix.data() : nullptr, n, ELF_TARGET_PPC64);
    ASSERT_TRUE(image.is_error()) << n;
    EXPECT_EQ(image.error(), Error::NoExec) << n;
  }
}

}  // namespace
