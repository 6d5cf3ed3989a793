// Command-line words, size parsing and the glob matching that selects tests.

#include "kernel/lib/cmdline.h"
#include "kernel/lib/glob.h"
#include "kernel/test/test.h"

KTEST(cmdline, finds_keys) {
  const char* line = "  console=hvc0 maplet.filter=vma_tree.* quiet maplet.expect_mem=256M ";
  Result<StringView> filter = cmdline_get(line, "maplet.filter");
  ASSERT_OK(filter);
  EXPECT_TRUE(filter.value() == StringView("vma_tree.*"));
  Result<StringView> quiet = cmdline_get(line, "quiet");
  ASSERT_OK(quiet);
  EXPECT_TRUE(quiet.value().empty());
  EXPECT_ERROR(cmdline_get(line, "maplet"), Error::NotFound);
  EXPECT_ERROR(cmdline_get("", "quiet"), Error::NotFound);
}

KTEST(cmdline, parses_sizes) {
  EXPECT_EQ(parse_size("256M").value(), 256ull << 20);
  EXPECT_EQ(parse_size("4096").value(), 4096u);
  EXPECT_EQ(parse_size("2G").value(), 2ull << 30);
  EXPECT_EQ(parse_size("0x1000k").value(), 0x1000ull << 10);
  EXPECT_EQ(parse_size("18446744073709551615").value(), kstd::U64_MAX);
  EXPECT_ERROR(parse_size("18446744073709551616"), Error::Overflow);
  EXPECT_ERROR(parse_size("17179869184G"), Error::Overflow);
  EXPECT_ERROR(parse_size(""), Error::Invalid);
  EXPECT_ERROR(parse_size("M"), Error::Invalid);
  EXPECT_ERROR(parse_size("12x"), Error::Invalid);
}

KTEST(cmdline, glob_matching) {
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("*", "vma_tree.find"));
  EXPECT_TRUE(glob_match("vma_tree.*", "vma_tree.find"));
  EXPECT_FALSE(glob_match("vma_tree.*", "vma.find"));
  EXPECT_TRUE(glob_match("*.find*", "vma_tree.find_vma"));
  EXPECT_TRUE(glob_match("fo?mat.*", "format.width"));
  EXPECT_FALSE(glob_match("format", "format.width"));
  EXPECT_TRUE(glob_match("a*b*c", "aXXbYYbZZc"));
  EXPECT_FALSE(glob_match("a*b*c", "aXXbYYbZZ"));
  EXPECT_TRUE(glob_match("**x", "x"));
  // '*' matches none, exactly one and several characters.
  EXPECT_TRUE(glob_match("a*c", "ac"));
  EXPECT_TRUE(glob_match("a*c", "abc"));
  EXPECT_TRUE(glob_match("a*c", "abbc"));
  EXPECT_FALSE(glob_match("a*c", "abcd"));
  // No bracket expressions and no escapes: '[' and '\' are ordinary characters.
  EXPECT_TRUE(glob_match("[ab]", "[ab]"));
  EXPECT_FALSE(glob_match("[ab]", "a"));
  EXPECT_TRUE(glob_match("\\*", "\\x"));
}
