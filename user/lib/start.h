// What a user program receives from the kernel: the initial stack of create_elf_tables
// (fs/binfmt_elf.c) decoded. user_start (start.cc) fills it from the stack pointer and calls
// main(); main's return value is the exit status.
#pragma once

#include <stddef.h>
#include <stdint.h>

struct AuxEntry {
  uint64_t type;
  uint64_t value;
};

struct StartInfo {
  const uint64_t* sp;  // the initial stack pointer: argc
  int argc;
  char** argv;
  char** envp;
  const AuxEntry* auxv;  // ends with AT_NULL
};

// The value of the first auxv entry of `type`, or `fallback` when there is none.
uint64_t getauxval(const StartInfo& start, uint64_t type, uint64_t fallback = 0);

// Each program defines it.
int main(const StartInfo& start);
