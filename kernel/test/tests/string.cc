// The kernel's memory and string primitives, including every alignment case of the word-wise
// paths and overlapping moves in both directions.

#include "kernel/lib/string.h"
#include "kernel/test/test.h"

namespace {

unsigned char g_src[96];
unsigned char g_dst[96];

void fill_pattern() {
  for (unsigned i = 0; i < sizeof(g_src); i++) {
    g_src[i] = static_cast<unsigned char>(i * 7 + 1);
    g_dst[i] = 0xee;
  }
}

}  // namespace

KTEST(string, copy_all_alignments) {
  for (unsigned so = 0; so < 8; so++) {
    for (unsigned d_off = 0; d_off < 8; d_off++) {
      for (unsigned n = 0; n < 40; n += 3) {
        fill_pattern();
        klib::mem_copy(g_dst + d_off, g_src + so, n);
        for (unsigned i = 0; i < n; i++) ASSERT_EQ(g_dst[d_off + i], g_src[so + i]);
        if (d_off + n < sizeof(g_dst)) ASSERT_EQ(g_dst[d_off + n], 0xee);
        if (d_off > 0) ASSERT_EQ(g_dst[d_off - 1], 0xee);
      }
    }
  }
}

KTEST(string, move_overlapping_both_ways) {
  fill_pattern();
  klib::mem_move(g_src + 5, g_src, 50);
  for (unsigned i = 0; i < 50; i++) ASSERT_EQ(g_src[5 + i], static_cast<unsigned char>(i * 7 + 1));
  fill_pattern();
  klib::mem_move(g_src, g_src + 9, 50);
  for (unsigned i = 0; i < 50; i++) {
    ASSERT_EQ(g_src[i], static_cast<unsigned char>((i + 9) * 7 + 1));
  }
}

KTEST(string, set_and_compare) {
  for (unsigned off = 0; off < 8; off++) {
    fill_pattern();
    klib::mem_set(g_dst + off, 0x5a, 33);
    for (unsigned i = 0; i < 33; i++) ASSERT_EQ(g_dst[off + i], 0x5a);
    ASSERT_EQ(g_dst[off + 33], 0xee);
  }
  EXPECT_EQ(klib::mem_compare("abc", "abd", 3), -1);
  EXPECT_EQ(klib::mem_compare("abd", "abc", 3), 1);
  EXPECT_EQ(klib::mem_compare("abc", "abd", 2), 0);
  EXPECT_EQ(klib::mem_compare("\x80", "\x01", 1), 1);
}

KTEST(string, c_strings) {
  EXPECT_EQ(klib::str_length(""), 0u);
  EXPECT_EQ(klib::str_length("maplet"), 6u);
  EXPECT_EQ(klib::str_compare("a", "b"), -1);
  EXPECT_EQ(klib::str_compare("ab", "a"), 1);
  EXPECT_TRUE(klib::str_equal("vdso", "vdso"));
  EXPECT_FALSE(klib::str_equal("vdso", "vvar"));
}
