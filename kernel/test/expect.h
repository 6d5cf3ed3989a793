// The machinery behind the EXPECT_*/ASSERT_* macros of kernel/test/test.h: printable values and
// sign-safe comparisons (comparing an unsigned count with a literal must neither warn nor lie).
#pragma once

#include <stdint.h>

#include "kernel/lib/error.h"
#include "kernel/lib/kstd.h"
#include "kernel/lib/result.h"

namespace ktest {

// A value as it is shown in a failed expectation.
struct Value {
  enum class Kind : uint8_t { Signed, Unsigned, Bool, Pointer, String, ErrorCode } kind;
  union {
    int64_t s;
    uint64_t u;
    bool b;
    const void* p;
    const char* str;
    Error e;
  };
};

template <typename T>
Value make_value(const T& v) {
  using U = kstd::remove_cvref_t<T>;
  Value out{};
  if constexpr (kstd::is_same_v<U, bool>) {
    out.kind = Value::Kind::Bool;
    out.b = v;
  } else if constexpr (kstd::is_same_v<U, Error>) {
    out.kind = Value::Kind::ErrorCode;
    out.e = v;
  } else if constexpr (__is_enum(U)) {
    out.kind = Value::Kind::Signed;
    out.s = static_cast<int64_t>(v);
  } else if constexpr (kstd::is_integral_v<U> && kstd::is_signed_int_v<U>) {
    out.kind = Value::Kind::Signed;
    out.s = v;
  } else if constexpr (kstd::is_integral_v<U>) {
    out.kind = Value::Kind::Unsigned;
    out.u = v;
  } else if constexpr (kstd::is_same_v<U, const char*> || kstd::is_same_v<U, char*>) {
    out.kind = Value::Kind::String;
    out.str = v;
  } else if constexpr (kstd::is_same_v<U, decltype(nullptr)>) {
    out.kind = Value::Kind::Pointer;
    out.p = nullptr;
  } else {
    out.kind = Value::Kind::Pointer;
    out.p = static_cast<const void*>(v);
  }
  return out;
}

// Sign-aware integer comparison (as C++20's std::cmp_less); other types use their operators.
template <typename A, typename B>
constexpr bool less(const A& a, const B& b) {
  using UA = kstd::remove_cvref_t<A>;
  using UB = kstd::remove_cvref_t<B>;
  if constexpr (kstd::is_integral_v<UA> && kstd::is_integral_v<UB>) {
    if constexpr (kstd::is_signed_int_v<UA> == kstd::is_signed_int_v<UB>) {
      return a < b;
    } else if constexpr (kstd::is_signed_int_v<UA>) {
      return a < 0 || static_cast<uint64_t>(a) < static_cast<uint64_t>(b);
    } else {
      return b >= 0 && static_cast<uint64_t>(a) < static_cast<uint64_t>(b);
    }
  } else {
    return a < b;
  }
}

template <typename A, typename B>
constexpr bool equal(const A& a, const B& b) {
  using UA = kstd::remove_cvref_t<A>;
  using UB = kstd::remove_cvref_t<B>;
  if constexpr (kstd::is_integral_v<UA> && kstd::is_integral_v<UB>) {
    return !less(a, b) && !less(b, a);
  } else {
    return a == b;
  }
}

// Records a failed expectation in the running test: prints the diagnostics (file:line, both
// expressions and values) and, when `fatal`, aborts the test case.
void comparison_failed(const char* file, int line, const char* macro, const char* left_expr,
                       const char* right_expr, const Value& left, const Value& right, bool fatal);
void condition_failed(const char* file, int line, const char* macro, const char* expr, bool fatal);
// A Result that should have held a value (or an error) did not. actual and expected say only
// success or which error (status_of turns any Result into that).
void result_failed(const char* file, int line, const char* macro, const char* expr,
                   Result<void> actual, Result<void> expected, bool fatal);
template <typename T>
Result<void> status_of(const Result<T>& r) {
  if (r.is_error()) return r.error();
  return {};
}
[[noreturn]] void skip_test(const char* reason);
// Extra diagnostics for the running test.
void note(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace ktest
