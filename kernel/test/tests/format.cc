// The printf-style formatter: every conversion, flag and length the kernel uses.

#include "kernel/lib/format.h"
#include "kernel/test/test.h"

namespace {

// Formats into a fixed buffer and returns it; the buffer lives until the next call.
const char* vfmt(const char* f, va_list args) {
  static char buffer[128];
  BufferSink sink(buffer, sizeof(buffer));
  vformat(sink, f, args);
  return buffer;
}

const char* fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
const char* fmt(const char* f, ...) {
  va_list args;
  va_start(args, f);
  const char* out = vfmt(f, args);
  va_end(args);
  return out;
}

// The same without the compiler's format checking, for deliberately malformed formats.
const char* unchecked(const char* f, ...) {
  va_list args;
  va_start(args, f);
  const char* out = vfmt(f, args);
  va_end(args);
  return out;
}

}  // namespace

KTEST(format, signed_decimal) {
  EXPECT_STREQ(fmt("%d", 0), "0");
  EXPECT_STREQ(fmt("%d", -42), "-42");
  EXPECT_STREQ(fmt("%i", 2147483647), "2147483647");
  EXPECT_STREQ(fmt("%d", -2147483647 - 1), "-2147483648");
  EXPECT_STREQ(fmt("%lld", -9223372036854775807LL - 1), "-9223372036854775808");
  EXPECT_STREQ(fmt("%hhd", static_cast<signed char>(-56)), "-56");
  EXPECT_STREQ(fmt("%hu", static_cast<unsigned short>(65535)), "65535");
}

KTEST(format, unsigned_and_hex) {
  EXPECT_STREQ(fmt("%u", 4294967295u), "4294967295");
  EXPECT_STREQ(fmt("%x", 0xdeadbeefu), "deadbeef");
  EXPECT_STREQ(fmt("%X", 0xabcu), "ABC");
  EXPECT_STREQ(fmt("%lx", 0xffffffffffffffffUL), "ffffffffffffffff");
  EXPECT_STREQ(fmt("%llu", 18446744073709551615ULL), "18446744073709551615");
  EXPECT_STREQ(fmt("%zu", sizeof(uint64_t)), "8");
  EXPECT_STREQ(fmt("%o", 8u), "10");
  EXPECT_STREQ(fmt("%#x", 255u), "0xff");
  EXPECT_STREQ(fmt("%#x", 0u), "0");
}

KTEST(format, width_and_padding) {
  EXPECT_STREQ(fmt("%5d|", 42), "   42|");
  EXPECT_STREQ(fmt("%-5d|", 42), "42   |");
  EXPECT_STREQ(fmt("%05d", 42), "00042");
  EXPECT_STREQ(fmt("%05d", -42), "-0042");
  EXPECT_STREQ(fmt("%08lx", 0x1234UL), "00001234");
  EXPECT_STREQ(fmt("%#010x", 0x1234u), "0x00001234");
  EXPECT_STREQ(fmt("%*d", 4, 7), "   7");
  EXPECT_STREQ(fmt("%2d", 12345), "12345");
}

KTEST(format, strings_and_chars) {
  EXPECT_STREQ(fmt("%s", "maplet"), "maplet");
  EXPECT_STREQ(fmt("[%8s]", "vdso"), "[    vdso]");
  EXPECT_STREQ(fmt("[%-8s]", "vdso"), "[vdso    ]");
  EXPECT_STREQ(fmt("%.3s", "abcdef"), "abc");
  EXPECT_STREQ(fmt("%.*s", 2, "abcdef"), "ab");
  EXPECT_STREQ(fmt("%s", static_cast<const char*>(nullptr)), "(null)");
  EXPECT_STREQ(fmt("%c%c", 'o', 'k'), "ok");
  EXPECT_STREQ(fmt("100%%"), "100%");
}

KTEST(format, pointer) {
  EXPECT_STREQ(fmt("%p", reinterpret_cast<void*>(0x1234)), "0x0000000000001234");
  EXPECT_STREQ(fmt("%p", static_cast<void*>(nullptr)), "0x0000000000000000");
}

KTEST(format, truncation_is_reported) {
  char small[6];
  EXPECT_EQ(format_to_buffer(small, sizeof(small), "%s", "0123456789"), 10u);
  EXPECT_STREQ(small, "01234");
  BufferSink sink(small, sizeof(small));
  format(sink, "abc");
  EXPECT_FALSE(sink.truncated());
  format(sink, "def");
  EXPECT_TRUE(sink.truncated());
  EXPECT_EQ(sink.length(), 5u);
  EXPECT_EQ(sink.wanted(), 6u);
}

KTEST(format, unknown_conversion_is_visible) {
  EXPECT_STREQ(unchecked("a%qb"), "a%qb");
  EXPECT_STREQ(unchecked("tail%"), "tail%");
}
