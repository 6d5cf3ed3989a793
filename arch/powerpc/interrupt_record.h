// What Linux 6.12's 64-bit Book3S interrupt entry records in pt_regs besides the registers
// themselves, derived from the frame Maplet's entry saved: the words a core file's NT_PRSTATUS
// and a signal frame's gp_regs show as orig_gpr3 (TrapFrame::orig_gpr3), dar and dsisr.
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

// pt_regs.dar and dsisr of the interrupt that just saved `f` (its DAR and DSISR fields as the
// entry read the registers), from those of the task's previous interrupt (`last_dar`,
// `last_dsisr`). Only the interrupts defined with IDAR/IDSISR (exceptions-64s.S) store them: data
// storage and alignment store both registers, data segment DAR only. Every other entry, sc's and
// scv's among them, leaves what the task's last such interrupt stored, since pt_regs sits at the
// same place on the task's kernel stack for every entry from user mode.
// Not done yet: Linux's instruction storage and segment entries store SRR0 as DAR too (IISIDE),
// and instruction storage SRR1's DSISR bits as DSISR. Maplet maps a file's pages one fault at a
// time where Linux maps the page cache's neighbours with each (mm/memory.c do_fault_around), so a
// program takes instruction faults Linux's does not, and their DAR would show in its core.
inline void record_dar_dsisr(TrapFrame& f, uint64_t last_dar, uint64_t last_dsisr) {
  switch (f.vector) {
    case 0x300:
    case 0x600:
      return;
    case 0x380:
      f.dsisr = last_dsisr;
      return;
    default:
      f.dar = last_dar;
      f.dsisr = last_dsisr;
      return;
  }
}

}  // namespace powerpc
