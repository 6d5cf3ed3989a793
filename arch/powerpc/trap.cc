// Decoding an interrupt that reached the common trap entry into the neutral TrapInfo.

#include "kernel/arch/trap.h"

#include "arch/powerpc/regs.h"
#include "arch/powerpc/rtas.h"
#include "arch/powerpc/trap_frame.h"
#include "kernel/arch/console.h"
#include "kernel/lib/format.h"

extern "C" {
// Read by vectors.S by absolute address.
TrapState powerpc_trap_state;
}

namespace {

// Program interrupt causes in SRR1, LSB-0 (Book III, "Program Interrupt": SRR1 bits 43-47).
constexpr uint64_t SRR1_PROGRAM_FP = uint64_t{1} << 20;
constexpr uint64_t SRR1_PROGRAM_ILLEGAL = uint64_t{1} << 19;
constexpr uint64_t SRR1_PROGRAM_PRIVILEGED = uint64_t{1} << 18;
constexpr uint64_t SRR1_PROGRAM_TRAP = uint64_t{1} << 17;

// DSISR bit 38 (MSB-0): the access was a store (Book III, "Data Storage Interrupt").
constexpr uint64_t DSISR_STORE = 0x0200'0000;

// Instruction storage interrupt causes in SRR1 (Book III, "Instruction Storage Interrupt"),
// reported like a DSISR.
constexpr uint64_t SRR1_ISI_CAUSES = 0x0000'0000'5820'0000;

struct Vector {
  uint32_t offset;
  const char* name;
  TrapKind kind;
};

// Book III, "Interrupt Definitions" (the vector offset table); the hypervisor ones cannot reach a
// pseries guest.
constexpr Vector VECTORS[] = {
    {0x100, "System reset", TrapKind::Other},
    {0x200, "Machine check", TrapKind::Other},
    {0x300, "Data storage interrupt", TrapKind::DataAbort},
    {0x380, "Data segment interrupt", TrapKind::OutsideTranslation},
    {0x400, "Instruction storage interrupt", TrapKind::InstructionAbort},
    {0x480, "Instruction segment interrupt", TrapKind::OutsideTranslation},
    {0x500, "External interrupt", TrapKind::Other},
    {0x600, "Alignment interrupt", TrapKind::DataAbort},
    {0x700, "Program interrupt", TrapKind::Other},
    {0x800, "Floating-point unavailable", TrapKind::UndefinedInstruction},
    {0x980, "Hypervisor decrementer", TrapKind::Other},
    {0xa00, "Directed privileged doorbell", TrapKind::Other},
    {0xc00, "System call", TrapKind::SystemCall},
    {0xd00, "Trace", TrapKind::Breakpoint},
    {0xe00, "Hypervisor data storage", TrapKind::DataAbort},
    {0xe20, "Hypervisor instruction storage", TrapKind::InstructionAbort},
    {0xe40, "Hypervisor emulation assistance", TrapKind::UndefinedInstruction},
    {0xe60, "Hypervisor maintenance", TrapKind::Other},
    {0xe80, "Directed hypervisor doorbell", TrapKind::Other},
    {0xea0, "Hypervisor virtualization", TrapKind::Other},
    {0xf00, "Performance monitor", TrapKind::Other},
    {0xf20, "Vector unavailable", TrapKind::UndefinedInstruction},
    {0xf40, "VSX unavailable", TrapKind::UndefinedInstruction},
    {0xf60, "Facility unavailable", TrapKind::UndefinedInstruction},
    {0xf80, "Hypervisor facility unavailable", TrapKind::UndefinedInstruction},
    // The scv entry's numbers (regs.h): level 0, and the levels Linux answers with SIGILL at the
    // instruction after the scv (system_call_exception: _exception(SIGILL, regs, ILL_ILLOPC,
    // regs->nip)), which is the PC reported.
    {TRAP_SCV, "System call vectored", TrapKind::SystemCall},
    {TRAP_SCV_UNSUPPORTED, "System call vectored, unsupported level",
     TrapKind::UndefinedInstruction},
};

Vector find_vector(uint64_t offset) {
  for (const Vector& vector : VECTORS) {
    if (vector.offset == offset) return vector;
  }
  return {static_cast<uint32_t>(offset), "Unknown interrupt", TrapKind::Other};
}

// The privileged bit first: do_program_check gives ILL_PRVOPC whenever it is set, ILL_ILLOPC
// otherwise (arch/powerpc/kernel/traps.c).
const char* program_cause(uint64_t srr1, TrapKind* kind) {
  if (srr1 & SRR1_PROGRAM_PRIVILEGED) {
    *kind = TrapKind::PrivilegedInstruction;
    return ", privileged instruction";
  }
  if (srr1 & SRR1_PROGRAM_ILLEGAL) {
    *kind = TrapKind::UndefinedInstruction;
    return ", illegal instruction";
  }
  if (srr1 & SRR1_PROGRAM_TRAP) {
    *kind = TrapKind::Breakpoint;
    return ", trap instruction";
  }
  if (srr1 & SRR1_PROGRAM_FP) return ", floating-point exception";
  return "";
}

}  // namespace

TrapInfo powerpc_decode_trap(const TrapFrame& frame) {
  const Vector vector = find_vector(frame.vector);
  TrapInfo info{};
  info.kind = vector.kind;
  info.from_user = (frame.srr1 & MSR_PR) != 0;
  info.vector = vector.offset;
  info.pc = frame.srr0;
  info.syndrome = frame.srr1;
  switch (vector.offset) {
    case 0x300:
      info.access = (frame.dsisr & DSISR_STORE) ? TrapAccess::Write : TrapAccess::Read;
      [[fallthrough]];
    case 0x380:
    case 0x600:
      // A segment or alignment interrupt leaves DSISR undefined: the access is not known.
      info.address = frame.dar;
      info.syndrome = frame.dsisr;
      break;
    case 0x400:
    case 0x480:
      info.access = TrapAccess::Execute;
      info.address = frame.srr0;
      info.syndrome = frame.srr1 & SRR1_ISI_CAUSES;
      break;
    case 0x700:
      (void)program_cause(frame.srr1, &info.kind);
      break;
    case 0xc00:
    case TRAP_SCV:
      // SRR0 points past the sc instruction (Book III, "System Call Interrupt"), as the scv
      // entry's does past the scv.
      info.pc = frame.srr0 - 4;
      break;
  }
  return info;
}

void powerpc_describe_trap(const TrapFrame& frame, TrapInfo& info) {
  const Vector vector = find_vector(frame.vector);
  TrapKind kind = vector.kind;
  const char* cause = vector.offset == 0x700 ? program_cause(frame.srr1, &kind) : "";
  const bool has_dar = vector.offset == 0x300 || vector.offset == 0x380 || vector.offset == 0x600;
  BufferSink banner(info.banner, sizeof(info.banner));
  format(banner, "%s (%#x%s)%s", vector.name, vector.offset, cause,
         info.from_user ? " from user mode" : "");
  if (has_dar) {
    format(banner, " DAR %#llx DSISR %#llx", static_cast<unsigned long long>(frame.dar),
           static_cast<unsigned long long>(frame.dsisr));
  }
  format(banner, " SRR0 %#llx SRR1 %#llx MSR %#llx", static_cast<unsigned long long>(frame.srr0),
         static_cast<unsigned long long>(frame.srr1), static_cast<unsigned long long>(frame.msr));
}

extern "C" [[noreturn]] void powerpc_trap(TrapFrame* frame) {
  TrapInfo info = powerpc_decode_trap(*frame);
  powerpc_describe_trap(*frame, info);
  trap_unhandled(info);
}

// A trap while handling a trap: the kernel's state is suspect, so print without the log machinery
// and end the run.
extern "C" void powerpc_trap_nested(uint64_t vector, uint64_t srr0, uint64_t srr1, uint64_t dar) {
  char line[200];
  const size_t length = format_to_buffer(
      line, sizeof(line),
      "\n~log powerpc: trap inside the trap handler: vector %#llx SRR0 %#llx SRR1 %#llx DAR "
      "%#llx (first trap: vector %#llx SRR0 %#llx)\n~log kernel halted: verdict FAIL\n",
      static_cast<unsigned long long>(vector), static_cast<unsigned long long>(srr0),
      static_cast<unsigned long long>(srr1), static_cast<unsigned long long>(dar),
      static_cast<unsigned long long>(powerpc_trap_state.frame.vector),
      static_cast<unsigned long long>(powerpc_trap_state.frame.srr0));
  arch_console_write(line, length < sizeof(line) ? length : sizeof(line) - 1);
  rtas::os_term("Maplet: trap inside the trap handler");
}

uint64_t arch_undefined_instruction_address() {
  extern const char powerpc_undefined_instruction[];
  return reinterpret_cast<uint64_t>(powerpc_undefined_instruction);
}
