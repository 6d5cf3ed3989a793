// Trap contract: what an arch hands to the neutral kernel when an exception it does not handle
// itself arrives, and the deliberate faults the neutral trap tests need.
#pragma once

#include <stdint.h>

enum class TrapKind : uint8_t {
  UndefinedInstruction,
  PrivilegedInstruction,  // powerpc: an instruction problem state may not execute (SRR1's
                          // privileged bit)
  DataAbort,  // a data access fault for the address space: translation, permission (powerpc:
              // also alignment, which Linux emulates there)
  InstructionAbort,
  // powerpc radix: a segment interrupt, the address lies outside what the page tables translate
  // (for an instruction segment interrupt, the PC)
  OutsideTranslation,
  Alignment,    // arm64: an access, stack pointer or PC the alignment rules refuse
  TagCheck,     // arm64 MTE synchronous tag-check fault
  PointerAuth,  // arm64 FEAT_FPAC: an AUT* instruction found a pointer's signature wrong
  Breakpoint,
  SystemCall,
  Other,
};

// The access that faulted, for data and instruction aborts; None for every other trap and where
// the hardware does not say (powerpc data segment and alignment interrupts leave DSISR undefined).
enum class TrapAccess : uint8_t { None, Read, Write, Execute };

struct TrapInfo {
  TrapKind kind;
  bool from_user;     // the trap was taken from user mode (EL0 / MSR.PR)
  TrapAccess access;  // decoded from ESR WnR / DSISR store bit; Execute for instruction aborts
  uint64_t pc;        // address of the faulting instruction
  uint64_t address;   // faulting data address (FAR / DAR), 0 when the trap has none
  uint64_t syndrome;  // raw cause (arm64 ESR_EL1, powerpc DSISR/SRR1 bits)
  uint32_t vector;    // arm64 exception class, powerpc interrupt vector offset
  // One human-readable line naming the exception with its registers, NUL-terminated. The arch
  // fills it for a trap that belongs to no user program; the neutral code prints it as the
  // banner. Empty for a user program's trap (arch_user_run), which becomes a signal.
  char banner[160];
};

// Called by the arch's exception entry for a trap that belongs to no user program. Defined in
// kernel/lib/recover.cc: if a recovery point is armed the trap is recorded and control resumes
// there; otherwise the banner is printed and the kernel panics.
[[noreturn]] void trap_unhandled(const TrapInfo& info);

// Executes one architecturally undefined instruction located at
// arch_undefined_instruction_address(); returns only if the trap handler skipped it.
extern "C" void arch_execute_undefined_instruction();
uint64_t arch_undefined_instruction_address();
