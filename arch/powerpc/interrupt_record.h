// What Linux 6.12's 64-bit Book3S interrupt entry records in pt_regs besides the registers
// themselves, derived from the frame Maplet's entry saved: the words a core file's NT_PRSTATUS
// and a signal frame's gp_regs show as orig_gpr3 (TrapFrame::orig_gpr3) and result.
#pragma once

#include <stdint.h>

#include "arch/powerpc/regs.h"
#include "arch/powerpc/trap_frame.h"

namespace powerpc {

// pt_regs.orig_gpr3 of the interrupt that just saved `f` (arch_user_run records it in the frame
// before a system call's result replaces r3). A system call's entry (sc: system_call_common, scv:
// system_call_vectored, arch/powerpc/kernel/interrupt_64.S) stores r3 there, for restarting the
// call. Every other interrupt's INT_COMMON (arch/powerpc/kernel/exceptions-64s.S) stores CFAR there
// as the vector read it, except the ones defined with ICFAR=0, which store 0: external (a guest is
// not in hypervisor mode, so ICFAR_IF_HVMODE reads none), decrementer, the doorbells, the
// hypervisor virtualisation interrupt and the performance monitor.
inline uint64_t orig_gpr3_at_entry(const TrapFrame& f) {
  switch (f.vector) {
    case 0xc00:
    case TRAP_SCV:
    case TRAP_SCV_UNSUPPORTED:
      return f.gpr[3];
    case 0x500:
    case 0x900:
    case 0xa00:
    case 0xe80:
    case 0xea0:
    case 0xf00:
      return 0;
    default:
      return f.cfar;
  }
}

// Whether the interrupt's entry stores DAR and DSISR in pt_regs: only the ones defined with IDAR
// (exceptions-64s.S: data storage, data segment, alignment); every other entry, sc's and scv's
// among them, leaves what the task's last such interrupt stored there, since pt_regs sits at the
// same place on the task's kernel stack for every entry from user mode.
inline bool records_dar(uint64_t vector) {
  return vector == 0x300 || vector == 0x380 || vector == 0x600;
}

// pt_regs.result: 0 from every interrupt entry; a system call's exit (syscall_exit_prepare,
// arch/powerpc/kernel/interrupt.c) sets it to the call's return value as the handler gave it,
// before sc turns an error into its positive errno with CR0.SO set (scv returns it as it is).
// `f` holds the registers as the program sees them after the call.
inline uint64_t syscall_result(const TrapFrame& f) {
  constexpr uint64_t CR0_SO = uint64_t{1} << 28;
  if (f.vector == TRAP_SCV) return f.gpr[3];
  if (f.vector == 0xc00) return (f.cr & CR0_SO) != 0 ? -f.gpr[3] : f.gpr[3];
  return 0;
}

}  // namespace powerpc
