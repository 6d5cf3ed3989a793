// The GNU property note reader against Linux 6.12's parse_elf_properties() (fs/binfmt_elf.c) and
// arm64's arch_parse_elf_property(): the properties it takes, every malformed note with Linux's
// errno, and the note in an executable's PT_GNU_PROPERTY marking its PROT_EXEC segments PROT_BTI
// on arm64 and nowhere else. A truncation sweep runs under ASan.

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "host-tests/elf_builder.h"
#include "host-tests/error_of.h"
#include "kernel/proc/elf_image.h"
#include "kernel/proc/elf_property.h"

namespace {

using Bytes = std::vector<uint8_t>;

struct Property {
  uint32_t type;
  std::vector<uint8_t> data;
  uint32_t datasz;  // as written, which a test may make disagree with data
};

Property feature_1_and(uint32_t value) {
  return {GNU_PROPERTY_AARCH64_FEATURE_1_AND,
          {uint8_t(value), uint8_t(value >> 8), uint8_t(value >> 16), uint8_t(value >> 24)},
          4};
}

// A note {namesz 4, descsz, NT_GNU_PROPERTY_TYPE_0, "GNU\0", properties padded to 8 bytes}.
Bytes note(const std::vector<Property>& properties, ByteOrder order = ByteOrder::Little) {
  Bytes b(16, 0);
  for (const Property& p : properties) {
    const size_t at = b.size();
    b.resize(at + 8 + ((p.data.size() + 7) & ~size_t{7}), 0);
    elf_put(b, at, 4, p.type, order);
    elf_put(b, at + 4, 4, p.datasz, order);
    // The value is little-endian in Property; store it as a 32-bit word in the note's order.
    for (size_t i = 0; i < p.data.size(); i++) b[at + 8 + i] = p.data[i];
    if (order == ByteOrder::Big && p.data.size() == 4) {
      const uint32_t v = uint32_t(p.data[0]) | uint32_t(p.data[1]) << 8 |
                         uint32_t(p.data[2]) << 16 | uint32_t(p.data[3]) << 24;
      elf_put(b, at + 8, 4, v, order);
    }
  }
  elf_put(b, 0, 4, 4, order);
  elf_put(b, 4, 4, b.size() - 16, order);
  elf_put(b, 8, 4, NT_GNU_PROPERTY_TYPE_0, order);
  b[12] = 'G';
  b[13] = 'N';
  b[14] = 'U';
  b[15] = 0;
  return b;
}

Result<ElfProperties> parse(const Bytes& b, const char** reason = nullptr) {
  return parse_elf_properties(b.data(), b.size(), 0, b.size(), ByteOrder::Little, reason);
}

TEST(ElfProperty, ReadsFeature1AndAmongOtherProperties) {
  // GNU_PROPERTY_STACK_SIZE, x86's FEATURE_1_AND and an empty one are skipped, as arm64's
  // arch hook skips every type but its own.
  const Bytes b = note({{1, {1, 2, 3, 4, 5, 6, 7, 8}, 8},
                        feature_1_and(3),
                        {0xc0000002, {1, 2, 3, 4, 5, 6}, 6},
                        {0xc0008000, {}, 0}});
  Result<ElfProperties> p = parse(b);
  ASSERT_TRUE(p.is_ok()) << error_name(p.error());
  EXPECT_EQ(p.value().aarch64_feature_1_and, 3u);
}

TEST(ElfProperty, EmptyDescriptorAndNoFeatureProperty) {
  Result<ElfProperties> empty = parse(note({}));
  ASSERT_TRUE(empty.is_ok());
  EXPECT_EQ(empty.value().aarch64_feature_1_and, 0u);
  Result<ElfProperties> other = parse(note({{0xc0000002, {1, 0, 0, 0}, 4}}));
  ASSERT_TRUE(other.is_ok());
  EXPECT_EQ(other.value().aarch64_feature_1_and, 0u);
}

TEST(ElfProperty, BigEndianNote) {
  const Bytes b = note({feature_1_and(1)}, ByteOrder::Big);
  Result<ElfProperties> p =
      parse_elf_properties(b.data(), b.size(), 0, b.size(), ByteOrder::Big, nullptr);
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p.value().aarch64_feature_1_and, 1u);
}

struct BadNote {
  const char* name;
  std::function<void(Bytes&)> edit;
  Error error;
  const char* reason_part;
};

TEST(ElfProperty, MalformedNotesGetLinuxErrors) {
  const BadNote cases[] = {
      {"over 1 KiB", [](Bytes& b) { b.resize(1025, 0); }, Error::NoExec, "1 KiB"},
      {"header cut", [](Bytes& b) { b.resize(15); }, Error::Io, "shorter"},
      {"note type", [](Bytes& b) { b[8] = 1; }, Error::NoExec, "NT_GNU_PROPERTY_TYPE_0"},
      {"name size", [](Bytes& b) { b[0] = 3; }, Error::NoExec, "NT_GNU_PROPERTY_TYPE_0"},
      {"name", [](Bytes& b) { b[13] = 'n'; }, Error::NoExec, "NT_GNU_PROPERTY_TYPE_0"},
      {"name unterminated", [](Bytes& b) { b[15] = 'X'; }, Error::NoExec, "NT_GNU_PROPERTY_TYPE_0"},
      {"descriptor past the segment", [](Bytes& b) { b[4] = 0x20; }, Error::NoExec, "descriptor"},
      {"property header cut",
       [](Bytes& b) {
         b[4] = 0x14;
         b.resize(16 + 0x14);
       },
       Error::NoExec, "property header"},
      {"data past the descriptor", [](Bytes& b) { b[16 + 4] = 0x11; }, Error::NoExec,
       "property data"},
      {"padding past the descriptor",
       [](Bytes& b) {
         b[4] = 0x0c;  // descsz 12: the 4-byte value's padding is cut off
         b.resize(16 + 12);
       },
       Error::NoExec, "property data"},
      {"feature size", [](Bytes& b) { b[16 + 4] = 8; }, Error::NoExec, "4 bytes"},
      {"feature size 0", [](Bytes& b) { b[16 + 4] = 0; }, Error::NoExec, "4 bytes"},
  };
  for (const BadNote& c : cases) {
    Bytes b = note({feature_1_and(1)});
    c.edit(b);
    const char* reason = nullptr;
    Result<ElfProperties> p = parse(b, &reason);
    ASSERT_TRUE(p.is_error()) << c.name;
    EXPECT_EQ(p.error(), c.error) << c.name << ": " << error_name(p.error());
    ASSERT_NE(reason, nullptr) << c.name;
    EXPECT_NE(std::string(reason).find(c.reason_part), std::string::npos)
        << c.name << ": " << reason;
  }
  // Types must ascend strictly: a repeated or a smaller type is refused.
  EXPECT_EQ(error_of(parse(note({feature_1_and(1), feature_1_and(1)}))), Error::NoExec);
  EXPECT_EQ(error_of(parse(note({feature_1_and(1), {1, {0, 0, 0, 0, 0, 0, 0, 0}, 8}}))),
            Error::NoExec);
}

TEST(ElfProperty, ReadsOnlyWhatTheFileHolds) {
  const Bytes b = note({feature_1_and(1)});
  // filesz past the file's end: the short read holds the whole note, which parses.
  EXPECT_TRUE(
      parse_elf_properties(b.data(), b.size(), 0, b.size() + 100, ByteOrder::Little).is_ok());
  // An offset at or past the end reads nothing.
  EXPECT_EQ(error_of(parse_elf_properties(b.data(), b.size(), b.size(), 32, ByteOrder::Little)),
            Error::Io);
  EXPECT_EQ(error_of(parse_elf_properties(b.data(), b.size(), ~uint64_t{0}, 32, ByteOrder::Little)),
            Error::Io);
  // Every truncation is refused or parses, never reads past the bytes given (ASan).
  for (size_t n = 0; n < b.size(); n++) {
    const Bytes cut(b.begin(), b.begin() + static_cast<long>(n));
    EXPECT_TRUE(
        parse_elf_properties(cut.data(), cut.size(), 0, b.size(), ByteOrder::Little).is_error())
        << n;
  }
}

// A typical static executable with a PT_GNU_PROPERTY in the text's file bytes.
ElfSpec with_note(ByteOrder order, uint16_t machine, const Bytes& n) {
  ElfSpec spec = typical_static_elf(order, machine, 0x400000);
  spec.phdrs.push_back({PT_GNU_PROPERTY, PF_R, 0x800, 0x400800, n.size(), n.size(), 8});
  return spec;
}

Bytes executable(ByteOrder order, uint16_t machine, const Bytes& n) {
  Bytes b = build_elf(with_note(order, machine, n));
  std::copy(n.begin(), n.end(), b.begin() + 0x800);
  return b;
}

TEST(ElfProperty, Arm64TextOfABtiExecutableIsGuarded) {
  const Bytes b = executable(ByteOrder::Little, EM_AARCH64, note({feature_1_and(1)}));
  Result<ElfImage> image = ElfImage::parse(b.data(), b.size(), ELF_TARGET_ARM64);
  ASSERT_TRUE(image.is_ok()) << error_name(image.error());
  EXPECT_EQ(image.value().segment(0, 0).prot, ELF_PROT_READ | ELF_PROT_EXEC | ELF_PROT_BTI);
  // Only PROT_EXEC segments, and not the anonymous rest of a bss.
  EXPECT_EQ(image.value().segment(1, 0).prot, ELF_PROT_READ | ELF_PROT_WRITE);
  EXPECT_EQ(image.value().segment(1, 0).anon_prot, ELF_PROT_READ | ELF_PROT_WRITE);
  // Without the BTI bit (here only a PAC bit), or without the note, nothing is guarded.
  const Bytes pac = executable(ByteOrder::Little, EM_AARCH64, note({feature_1_and(2)}));
  Result<ElfImage> unguarded = ElfImage::parse(pac.data(), pac.size(), ELF_TARGET_ARM64);
  ASSERT_TRUE(unguarded.is_ok());
  EXPECT_EQ(unguarded.value().segment(0, 0).prot, ELF_PROT_READ | ELF_PROT_EXEC);
}

TEST(ElfProperty, Arm64RefusesAMalformedNoteWithItsError) {
  Bytes n = note({feature_1_and(1)});
  n[16 + 4] = 8;
  const Bytes b = executable(ByteOrder::Little, EM_AARCH64, n);
  const char* reason = nullptr;
  EXPECT_EQ(error_of(ElfImage::parse(b.data(), b.size(), ELF_TARGET_ARM64, &reason)),
            Error::NoExec);
  ASSERT_NE(reason, nullptr);
  EXPECT_NE(std::string(reason).find("4 bytes"), std::string::npos) << reason;
  // A note outside the file is the short read's EIO.
  ElfSpec spec = with_note(ByteOrder::Little, EM_AARCH64, n);
  spec.phdrs.back().offset = 0x10000;
  const Bytes outside = build_elf(spec);
  EXPECT_EQ(error_of(ElfImage::parse(outside.data(), outside.size(), ELF_TARGET_ARM64)), Error::Io);
  // The last PT_GNU_PROPERTY is the one read, as in Linux.
  spec = with_note(ByteOrder::Little, EM_AARCH64, n);
  spec.phdrs.push_back({PT_GNU_PROPERTY, PF_R, 0x900, 0x400900, 32, 32, 8});
  Bytes two = build_elf(spec);
  const Bytes good = note({feature_1_and(1)});
  std::copy(n.begin(), n.end(), two.begin() + 0x800);
  std::copy(good.begin(), good.end(), two.begin() + 0x900);
  Result<ElfImage> last = ElfImage::parse(two.data(), two.size(), ELF_TARGET_ARM64);
  ASSERT_TRUE(last.is_ok()) << error_name(last.error());
  EXPECT_EQ(last.value().segment(0, 0).prot, ELF_PROT_READ | ELF_PROT_EXEC | ELF_PROT_BTI);
}

TEST(ElfProperty, PowerpcIgnoresTheNote) {
  // Only arm64 selects CONFIG_ARCH_USE_GNU_PROPERTY: elsewhere even a malformed note is not read.
  Bytes n = note({feature_1_and(1)}, ByteOrder::Big);
  n[8] = 0;
  for (const ElfTarget& target : {ELF_TARGET_PPC64, ELF_TARGET_PPC64LE}) {
    const Bytes b = executable(target.byte_order, EM_PPC64, n);
    Result<ElfImage> image = ElfImage::parse(b.data(), b.size(), target);
    ASSERT_TRUE(image.is_ok()) << error_name(image.error());
    EXPECT_EQ(image.value().segment(0, 0).prot, ELF_PROT_READ | ELF_PROT_EXEC);
  }
}

}  // namespace
