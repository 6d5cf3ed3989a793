#include "kernel/test/expect.h"

#include <stdarg.h>

#include "kernel/lib/recover.h"
#include "kernel/test/current.h"

namespace ktest {

namespace {

void print_value(KtapWriter& writer, const char* side, const char* expr, const Value& v) {
  switch (v.kind) {
    case Value::Kind::Signed:
      writer.diagnostic("  %s: %s == %lld", side, expr, static_cast<long long>(v.s));
      break;
    case Value::Kind::Unsigned:
      writer.diagnostic("  %s: %s == %llu (0x%llx)", side, expr,
                        static_cast<unsigned long long>(v.u), static_cast<unsigned long long>(v.u));
      break;
    case Value::Kind::Bool:
      writer.diagnostic("  %s: %s == %s", side, expr, v.b ? "true" : "false");
      break;
    case Value::Kind::Pointer:
      writer.diagnostic("  %s: %s == %p", side, expr, v.p);
      break;
    case Value::Kind::String:
      if (v.str == nullptr) {
        writer.diagnostic("  %s: %s == (null)", side, expr);
      } else {
        writer.diagnostic("  %s: %s == \"%s\"", side, expr, v.str);
      }
      break;
    case Value::Kind::ErrorCode:
      writer.diagnostic("  %s: %s == %s", side, expr, error_name(v.e));
      break;
  }
}

void finish(CurrentTest& test, bool fatal) {
  test.failed = true;
  if (fatal) recover_abort("assertion failed");
}

}  // namespace

void comparison_failed(const char* file, int line, const char* macro, const char* left_expr,
                       const char* right_expr, const Value& left, const Value& right, bool fatal) {
  CurrentTest& test = current_test(macro);
  test.writer->diagnostic("%s failed at %s:%d", macro, file, line);
  print_value(*test.writer, "left", left_expr, left);
  print_value(*test.writer, "right", right_expr, right);
  finish(test, fatal);
}

void condition_failed(const char* file, int line, const char* macro, const char* expr, bool fatal) {
  CurrentTest& test = current_test(macro);
  test.writer->diagnostic("%s(%s) failed at %s:%d", macro, expr, file, line);
  finish(test, fatal);
}

void result_failed(const char* file, int line, const char* macro, const char* expr,
                   Result<void> actual, Result<void> expected, bool fatal) {
  CurrentTest& test = current_test(macro);
  test.writer->diagnostic("%s(%s) failed at %s:%d", macro, expr, file, line);
  auto describe = [](const Result<void>& r) {
    return r.is_ok() ? "success" : error_name(r.error());
  };
  test.writer->diagnostic("  got %s%s, expected %s%s", actual.is_ok() ? "" : "error ",
                          describe(actual), expected.is_ok() ? "" : "error ", describe(expected));
  finish(test, fatal);
}

void skip_test(const char* reason) {
  current_test("KTEST_SKIP").skip_reason = reason;
  recover_abort("test skipped");
}

void note(const char* fmt, ...) {
  CurrentTest& test = current_test("ktest::note");
  va_list args;
  va_start(args, fmt);
  test.writer->vdiagnostic(fmt, args);
  va_end(args);
}

}  // namespace ktest
