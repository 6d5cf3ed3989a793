// The error a Result holds, for tests that compare it with an expected one: std::nullopt on
// success, so a test that expected an error and got success says so rather than comparing
// against an invented "no error" value.
#pragma once

#include <optional>

#include "kernel/lib/result.h"

template <typename T>
std::optional<Error> error_of(const Result<T>& r) {
  if (r.is_error()) return r.error();
  return std::nullopt;
}
