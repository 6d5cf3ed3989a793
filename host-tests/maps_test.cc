// Host-only checks of the /proc/PID/maps renderer: the column arithmetic for every prefix
// length, and a prefix longer than the pad width (Linux then adds just one space).

#include <gtest/gtest.h>

#include <string>

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
