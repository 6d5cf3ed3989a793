// Result<T>: a value or an Error, returned instead of throwing. [[nodiscard]], so an ignored
// error is a compile error under -Werror. TRY propagates an error to the caller; MUST panics.
#pragma once

#include "kernel/lib/error.h"
#include "kernel/lib/kstd.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/placement_new.h"

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : m_ok(true) { new (&m_value) T(value); }
  Result(T&& value) : m_ok(true) { new (&m_value) T(kstd::move(value)); }
  Result(Error error) : m_error(error), m_ok(false) {}
  Result(const Result& other) : m_ok(other.m_ok) {
    if (m_ok) {
      new (&m_value) T(other.m_value);
    } else {
      m_error = other.m_error;
    }
  }
  Result(Result&& other) : m_ok(other.m_ok) {
    if (m_ok) {
      new (&m_value) T(kstd::move(other.m_value));
    } else {
      m_error = other.m_error;
    }
  }
  Result& operator=(const Result&) = delete;
  ~Result() {
    if (m_ok) m_value.~T();
  }

  bool is_ok() const { return m_ok; }
  bool is_error() const { return !m_ok; }
  Error error() const {
    VERIFY(!m_ok);
    return m_error;
  }
  T& value() {
    VERIFY(m_ok);
    return m_value;
  }
  const T& value() const {
    VERIFY(m_ok);
    return m_value;
  }
  T release_value() {
    VERIFY(m_ok);
    return kstd::move(m_value);
  }

 private:
  union {
    T m_value;
    Error m_error;
  };
  bool m_ok;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() : m_ok(true) {}
  Result(Error error) : m_error(error), m_ok(false) {}

  bool is_ok() const { return m_ok; }
  bool is_error() const { return !m_ok; }
  Error error() const {
    VERIFY(!m_ok);
    return m_error;
  }
  void release_value() const { VERIFY(m_ok); }

 private:
  // Holds an error only when !m_ok; success has no error value to store.
  union {
    Error m_error;
  };
  bool m_ok;
};

// Evaluates a Result; on error returns that error from the enclosing function, otherwise yields
// the value. Uses a GNU statement expression, which both clang and g++ accept.
#define TRY(expr)                            \
  ({                                         \
    auto _try_result = (expr);               \
    if (_try_result.is_error()) [[unlikely]] \
      return _try_result.error();            \
    _try_result.release_value();             \
  })

// Evaluates a Result that cannot fail unless the kernel is broken; panics on error.
#define MUST(expr)                                               \
  ({                                                             \
    auto _must_result = (expr);                                  \
    if (_must_result.is_error()) [[unlikely]]                    \
      panic_at(__FILE__, __LINE__, "MUST(%s) failed: %s", #expr, \
               error_name(_must_result.error()));                \
    _must_result.release_value();                                \
  })
