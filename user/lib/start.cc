#include "user/lib/start.h"

#include <stdarg.h>

#include "kernel/lib/panic.h"
#include "user/lib/print.h"
#include "user/lib/syscall.h"

uint64_t getauxval(const StartInfo& start, uint64_t type, uint64_t fallback) {
  for (const AuxEntry* a = start.auxv; a->type != 0; a++) {
    if (a->type == type) return a->value;
  }
  return fallback;
}

// The stack at entry: argc, argv[argc], NULL, envp..., NULL, auxv pairs (create_elf_tables).
extern "C" [[noreturn]] void user_start(const uint64_t* sp) {
  StartInfo start{};
  start.sp = sp;
  start.argc = static_cast<int>(sp[0]);
  start.argv = reinterpret_cast<char**>(const_cast<uint64_t*>(sp + 1));
  start.envp = start.argv + start.argc + 1;
  char** p = start.envp;
  while (*p != nullptr) p++;
  start.auxv = reinterpret_cast<const AuxEntry*>(p + 1);
  const int status = main(start);
  print_flush();
  sys::exit_group(status);
}

// kernel/lib's code reports broken invariants through panic_at; in a user program that ends the
// program with a message and status 127.
[[noreturn]] void panic_at(const char* file, int line, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  print("# panic at %s:%d: ", file, line);
  vprint(fmt, args);
  print("\n");
  va_end(args);
  print_flush();
  sys::exit_group(127);
}
