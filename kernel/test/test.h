// Writing in-kernel tests, KUnit style:
//
//   KTEST(format, zero_padding) {
//     char buf[16];
//     format_to_buffer(buf, sizeof(buf), "%05d", 42);
//     EXPECT_STREQ(buf, "00042");
//   }
//
// EXPECT_* records a failure and continues; ASSERT_* records it and ends the test case. A failed
// expectation prints file:line and both expressions with their values as KTAP diagnostics. Test
// cases run inside a recoverable region: a trap or panic fails only that case.
#pragma once

#include "kernel/lib/result.h"
#include "kernel/lib/string.h"
#include "kernel/test/expect.h"
#include "kernel/test/registry.h"

#define KTEST_DEFINE(suite, name, selection)                                  \
  static void ktest_##suite##_##name();                                       \
  static ::ktest::Registrar ktest_registrar_##suite##_##name(                 \
      #suite, #name, &ktest_##suite##_##name, ::ktest::Selection::selection); \
  static void ktest_##suite##_##name()

#define KTEST(suite, name) KTEST_DEFINE(suite, name, Default)
// A test that runs only when its suite is named explicitly by the filter (see registry.h).
#define KTEST_EXPLICIT(suite, name) KTEST_DEFINE(suite, name, Explicit)

#define KTEST_SKIP(reason) ::ktest::skip_test(reason)
#define KTEST_NOTE(...) ::ktest::note(__VA_ARGS__)

#define KTEST_COMPARE(macro, holds, a, b, fatal)                                                  \
  do {                                                                                            \
    const auto ktest_a = (a);                                                                     \
    const auto ktest_b = (b);                                                                     \
    if (!(holds)) {                                                                               \
      ::ktest::comparison_failed(__FILE__, __LINE__, macro, #a, #b, ::ktest::make_value(ktest_a), \
                                 ::ktest::make_value(ktest_b), fatal);                            \
    }                                                                                             \
  } while (0)

#define KTEST_CONDITION(macro, cond, fatal)                                          \
  do {                                                                               \
    if (!(cond)) ::ktest::condition_failed(__FILE__, __LINE__, macro, #cond, fatal); \
  } while (0)

#define KTEST_RESULT_OK(macro, expr, fatal)                                                 \
  do {                                                                                      \
    const auto& ktest_r = (expr);                                                           \
    if (ktest_r.is_error()) {                                                               \
      ::ktest::result_failed(__FILE__, __LINE__, macro, #expr, ::ktest::status_of(ktest_r), \
                             Result<void>{}, fatal);                                        \
    }                                                                                       \
  } while (0)

#define KTEST_RESULT_ERROR(macro, expr, expected, fatal)                                    \
  do {                                                                                      \
    const auto& ktest_r = (expr);                                                           \
    if (ktest_r.is_ok() || ktest_r.error() != (expected)) {                                 \
      ::ktest::result_failed(__FILE__, __LINE__, macro, #expr, ::ktest::status_of(ktest_r), \
                             Result<void>(expected), fatal);                                \
    }                                                                                       \
  } while (0)

#define EXPECT_TRUE(c) KTEST_CONDITION("EXPECT_TRUE", c, false)
#define EXPECT_FALSE(c) KTEST_CONDITION("EXPECT_FALSE", !(c), false)
#define EXPECT_EQ(a, b) KTEST_COMPARE("EXPECT_EQ", ::ktest::equal(ktest_a, ktest_b), a, b, false)
#define EXPECT_NE(a, b) KTEST_COMPARE("EXPECT_NE", !::ktest::equal(ktest_a, ktest_b), a, b, false)
#define EXPECT_LT(a, b) KTEST_COMPARE("EXPECT_LT", ::ktest::less(ktest_a, ktest_b), a, b, false)
#define EXPECT_LE(a, b) KTEST_COMPARE("EXPECT_LE", !::ktest::less(ktest_b, ktest_a), a, b, false)
#define EXPECT_GT(a, b) KTEST_COMPARE("EXPECT_GT", ::ktest::less(ktest_b, ktest_a), a, b, false)
#define EXPECT_GE(a, b) KTEST_COMPARE("EXPECT_GE", !::ktest::less(ktest_a, ktest_b), a, b, false)
#define EXPECT_STREQ(a, b) \
  KTEST_COMPARE("EXPECT_STREQ", klib::str_equal(ktest_a, ktest_b), a, b, false)
#define EXPECT_NULL(p) KTEST_COMPARE("EXPECT_NULL", ktest_a == nullptr, p, nullptr, false)
#define EXPECT_NOT_NULL(p) KTEST_COMPARE("EXPECT_NOT_NULL", ktest_a != nullptr, p, nullptr, false)
#define EXPECT_OK(r) KTEST_RESULT_OK("EXPECT_OK", r, false)
#define EXPECT_ERROR(r, e) KTEST_RESULT_ERROR("EXPECT_ERROR", r, e, false)

#define ASSERT_TRUE(c) KTEST_CONDITION("ASSERT_TRUE", c, true)
#define ASSERT_FALSE(c) KTEST_CONDITION("ASSERT_FALSE", !(c), true)
#define ASSERT_EQ(a, b) KTEST_COMPARE("ASSERT_EQ", ::ktest::equal(ktest_a, ktest_b), a, b, true)
#define ASSERT_NE(a, b) KTEST_COMPARE("ASSERT_NE", !::ktest::equal(ktest_a, ktest_b), a, b, true)
#define ASSERT_LT(a, b) KTEST_COMPARE("ASSERT_LT", ::ktest::less(ktest_a, ktest_b), a, b, true)
#define ASSERT_LE(a, b) KTEST_COMPARE("ASSERT_LE", !::ktest::less(ktest_b, ktest_a), a, b, true)
#define ASSERT_GT(a, b) KTEST_COMPARE("ASSERT_GT", ::ktest::less(ktest_b, ktest_a), a, b, true)
#define ASSERT_GE(a, b) KTEST_COMPARE("ASSERT_GE", !::ktest::less(ktest_a, ktest_b), a, b, true)
#define ASSERT_STREQ(a, b) \
  KTEST_COMPARE("ASSERT_STREQ", klib::str_equal(ktest_a, ktest_b), a, b, true)
#define ASSERT_NULL(p) KTEST_COMPARE("ASSERT_NULL", ktest_a == nullptr, p, nullptr, true)
#define ASSERT_NOT_NULL(p) KTEST_COMPARE("ASSERT_NOT_NULL", ktest_a != nullptr, p, nullptr, true)
#define ASSERT_OK(r) KTEST_RESULT_OK("ASSERT_OK", r, true)
#define ASSERT_ERROR(r, e) KTEST_RESULT_ERROR("ASSERT_ERROR", r, e, true)
