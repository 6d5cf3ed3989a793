// Host-only checks of the /proc/PID/maps renderer: the column arithmetic for every prefix
// length, and a prefix longer than the pad width (Linux then adds just one space).

#include <gtest/gtest.h>

#include <string>

#include "host-tests/fake_mmu.h"
#include "kernel/mm/maps.h"

namespace {

std::string render(const MapsLine& line) {
  std::string text;
  Sink sink(
      [](void* s, const char* data, size_t n) { static_cast<std::string*>(s)->append(data, n); },
      &text);
  maps_render_line(sink, line);
  return text;
}

TEST(Maps, NameAlwaysStartsAtColumn73WhenThePrefixFits) {
  MapsLine line;
  line.name = "[stack]";
  for (uint64_t end = 0x1000; end != 0; end <<= 4) {
    line.end = end;
    const std::string text = render(line);
    EXPECT_EQ(text.find("[stack]"), MAPS_NAME_COLUMN) << text;
    EXPECT_EQ(text.back(), '\n');
  }
}

TEST(Maps, OverlongPrefixGetsOneSpace) {
  MapsLine line;
  line.start = 0xffffffffffff0000;
  line.end = 0xfffffffffffff000;
  line.flags = VM_READ | VM_WRITE | VM_MAYSHARE;
  line.offset = 0x123456789abcdef0;
  line.dev_major = 0xfe;
  line.dev_minor = 0x101;
  line.inode = UINT64_MAX;
  line.name = "/x";
  EXPECT_EQ(render(line),
            "ffffffffffff0000-fffffffffffff000 rw-s 123456789abcdef0 fe:101 "
            "18446744073709551615  /x\n");
}

TEST(Maps, EmptyNameIsNoName) {
  MapsLine line;
  line.end = 0x1000;
  line.name = "";
  EXPECT_EQ(render(line), "00000000-00001000 ---p 00000000 00:00 0 \n");
}

}  // namespace

namespace {

using MapsOfAddressSpace = AddressSpaceTest;

// A whole /proc/PID/maps by get_vma_name()'s precedence: file path, [heap], [stack],
// [anon:NAME], nothing.
TEST_F(MapsOfAddressSpace, WholeSpaceByNamePrecedence) {
  AddressSpaceLayout layout = default_layout();
  layout.start_brk = 0x126000000;
  layout.brk = 0x126030000;
  layout.start_stack = 0x7ffff0001234;
  make_space(layout);
  VmFile file{"/usr/bin/mawk", 0x30000, 0xfe, 0, 247767};
  ASSERT_TRUE(
      space->mmap(0x10000000, 0x4000, PROT_READ, MAP_PRIVATE | MAP_FIXED, &file, 0).is_ok());
  ASSERT_TRUE(
      space
          ->mmap(0x10004000, 0x19000, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, &file, 0x4000)
          .is_ok());
  map(0x126000000, 0x30000, RW, ANON | MAP_FIXED);
  ASSERT_TRUE(
      space->mmap(0x7f0000000000, 0x1000, RW, ANON | MAP_FIXED, nullptr, 0, "buffers").is_ok());
  map(0x7f0000010000, 0x2000, PROT_NONE, ANON | MAP_FIXED);
  map(0x7ffff0000000, 0x21000, RW, ANON | MAP_FIXED);
  EXPECT_EQ(maps(),
            "10000000-10004000 r--p 00000000 fe:00 247767                             "
            "/usr/bin/mawk\n"
            "10004000-1001d000 r-xp 00004000 fe:00 247767                             "
            "/usr/bin/mawk\n"
            "126000000-126030000 rw-p 00000000 00:00 0                                [heap]\n"
            "7f0000000000-7f0000001000 rw-p 00000000 00:00 0                          "
            "[anon:buffers]\n"
            "7f0000010000-7f0000012000 ---p 00000000 00:00 0 \n"
            "7ffff0000000-7ffff0021000 rw-p 00000000 00:00 0                          "
            "[stack]\n");
}

}  // namespace
