// A user program for the user-mode tests: one address space of its own with the program's code
// copied into an executable page at USER_CODE and one data page at USER_DATA, and a context that
// starts at USER_CODE. start() makes the address space active; finish() undoes everything.
#pragma once

#include <stdint.h>

#include "kernel/arch/mmu.h"
#include "kernel/arch/user.h"
#include "kernel/lib/result.h"

inline constexpr uint64_t USER_CODE = 0x1000'0000;
inline constexpr uint64_t USER_DATA = 0x2000'0000;
inline constexpr uint64_t USER_STACK_TOP = 0x3000'0000;

// A program between two labels of tests/user_programs.S.
#define USER_PROGRAM(name)                    \
  [] {                                        \
    extern const char name[], name##_end[];   \
    return UserProgramCode{name, name##_end}; \
  }()

struct UserProgramCode {
  const char* start;
  const char* end;
};

struct UserProgram {
  ArchAddressSpace* aspace;
  MmuOps mmu;
  UserContext* context;
  uint64_t code_page;  // physical
  uint64_t data_page;  // physical, zeroed

  uint64_t* data() const;
};

// `code_flags` and `data_flags` are the pages' access (VM_READ, VM_WRITE, VM_EXEC).
// Error::NoMemory (nothing is left allocated), Error::Invalid for code larger than a page.
Result<void> user_program_start(UserProgram* program, UserProgramCode code,
                                VmFlags code_flags = VM_READ | VM_EXEC,
                                VmFlags data_flags = VM_READ | VM_WRITE);
void user_program_finish(UserProgram* program);

// arch_user_run, again after each decrementer interrupt, as a scheduler would resume the program,
// so that a host that stalls QEMU past a time slice does not change the exit a test expects;
// gives up (returning the Interrupt exit) after USER_PROGRAM_MAX_RESUMES slices.
inline constexpr unsigned USER_PROGRAM_MAX_RESUMES = 100;
UserExit user_program_run_past_interrupts(UserContext* context);
