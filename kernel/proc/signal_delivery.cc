#include "kernel/proc/signal_delivery.h"

#include "kernel/arch/mte.h"
#include "kernel/arch/signal_frame.h"
#include "kernel/arch/timer.h"
#include "kernel/coredump/process_core.h"
#include "kernel/proc/itimer.h"
#include "kernel/proc/kernel_memory.h"
#include "kernel/proc/rseq.h"
#include "kernel/proc/uaccess.h"
#include "kernel/proc/vdso_setup.h"

namespace {

// A signal's death, with what the exit records of it (si_code, si_addr, the pc); for the
// signals that dump core, the core bit of the wait status is set only for a core written
// (fs/coredump.c coredump_finish).
void die(Process& p, const SignalInfo& info, DefaultAction action) {
  ProcessExit how{};
  how.kind = ExitKind::Signaled;
  how.signal = info.signo;
  how.code = info.code;
  how.addr = info.addr;
  how.pc = arch_user_pc(p.context);
  how.core = action == DefaultAction::Core && process_dump_core(p, info);
  process_exit(p, how);
}

SignalInfo kernel_segv() {
  SignalInfo info{};
  info.signo = SIGNAL_SEGV;
  info.code = CODE_KERNEL;
  return info;
}

// Writes the frame for `info` and points the program at the handler. Errors: any reason the
// frame cannot be set up (the caller forces SIGSEGV).
Result<void> setup_frame(Process& p, const SignalInfo& info, const SignalAction& action) {
  SignalState& s = p.signals;
  const uint64_t sp = arch_user_sp(p.context);
  uint64_t top = sp;
  if ((action.flags & SIGACT_ONSTACK) != 0 && s.altstack.size != 0 && !s.on_altstack(sp)) {
    top = s.altstack.sp + s.altstack.size;
  }
  const SignalStack saved = s.altstack_for(sp);
  // hide_si_addr_tag_bits(): a fault's si_addr loses its tag unless the handler asked to see it.
  SignalInfo shown = info;
  if (info.fault && (action.flags & SIGACT_EXPOSE_TAGBITS) == 0) {
    shown.addr = arch_untagged_addr(info.addr);
  }
  uint8_t siginfo[SIGINFO_SIZE];
  signal_info_encode(shown, siginfo);
  SignalFrameRequest request{};
  request.signo = info.signo;
  request.siginfo = siginfo;
  request.siginfo_handler = (action.flags & SIGACT_SIGINFO) != 0;
  request.handler = action.handler;
  // An ELFv1 program's sa_handler points at a function descriptor: its entry and its TOC.
  uint64_t descriptor[2] = {};
  if (p.abi == ElfAbi::PpcElfV1) {
    TRY(copy_from_user(*p.mm, descriptor, action.handler, sizeof(descriptor)));
    request.handler = descriptor[0];
    request.handler_descriptor = true;
    request.handler_toc = descriptor[1];
    request.handler_descriptor_address = action.handler;
  }
  request.restorer = (action.flags & SIGACT_RESTORER) != 0 ? action.restorer : 0;
  request.vdso_sigtramp = vdso_sigtramp(p.mm->context().vdso);
  request.saved_mask = s.restore_saved ? s.saved_blocked : s.blocked;
  request.stack_top = top;
  request.ss_sp = saved.sp;
  request.ss_flags = saved.flags;
  request.ss_size = saved.size;

  const size_t capacity = arch_signal_frame_max_size();
  void* buffer = TRY(kernel_alloc(capacity));
  Result<SignalFrameLayout> layout = arch_signal_frame_build(p.context, request, buffer);
  Result<void> copied =
      layout.is_ok() ? copy_to_user(*p.mm, layout.value().address, buffer, layout.value().size)
                     : Result<void>(layout.error());
  kernel_free(buffer, capacity);
  TRY(copied);
  // SS_AUTODISARM: the alternate stack is off while its handler runs; rt_sigreturn restores it.
  if ((s.altstack.flags & ALTSTACK_AUTODISARM) != 0 && top != sp) s.altstack = SignalStack{0, 0, 0};
  arch_signal_frame_enter(p.context, request, layout.value());
  return {};
}

}  // namespace

void signal_force_fault(Process& p, int signo, int code, uint64_t addr) {
  SignalInfo info{};
  info.signo = signo;
  info.code = code;
  info.addr = addr;
  info.fault = true;
  p.signals.force(info);
}

void signal_force_segv(Process& p, int signo) {
  p.signals.force(kernel_segv(), signo == SIGNAL_SEGV);
}

bool signal_deliver(Process& p) {
  SignalState& s = p.signals;
  SignalInfo info{};
  bool dequeued = false;
  // Each turn takes one signal off the pending set, so this ends within SIGNAL_COUNT turns
  // unless a frame fails, which queues at most one forced SIGSEGV.
  while (true) {
    if (!s.dequeue(&info)) {
      // restore_saved_sigmask when no handler took the saved mask into its frame; the mask it
      // brings back may let another pending signal through.
      if (!s.restore_saved) break;
      s.blocked = s.saved_blocked;
      s.restore_saved = false;
      continue;
    }
    dequeued = true;
    if (info.signo == SIGNAL_ALRM) real_timer_signal_taken(p, arch_counter_read());
    SignalAction& action = s.action(info.signo);
    if (action.handler == HANDLER_IGNORE) continue;
    if (action.handler == HANDLER_DEFAULT) {
      const DefaultAction d = signal_default_action(info.signo);
      if (d == DefaultAction::Ignore) continue;
      die(p, info, d);
      return false;
    }
    const SignalAction taken = action;
    if ((taken.flags & SIGACT_RESETHAND) != 0) action.handler = HANDLER_DEFAULT;
    rseq_signal_deliver(p, info.signo);
    const Result<void> frame = setup_frame(p, info, taken);
    // Marked before the next turn, which may end the program with this state in its core (a
    // SIGSEGV the rseq fix-up or the frame forced): as do_signal marks it after each handler.
    arch_signal_delivery_done(p.context);
    if (frame.is_error()) {
      signal_force_segv(p, info.signo);
      continue;
    }
    // signal_delivered: the handler runs with the mask in force (ppoll's) and its own; the
    // frame keeps the one to return to.
    s.restore_saved = false;
    s.blocked |= taken.mask;
    if ((taken.flags & SIGACT_NODEFER) == 0) s.blocked |= signal_bit(info.signo);
    s.blocked &= ~UNBLOCKABLE;
  }
  // Only ignored signals, or a handler's: do_signal found nothing more to deliver.
  if (dequeued) arch_signal_delivery_done(p.context);
  return true;
}

namespace {

// sys_rt_sigreturn's badframe: the arch's SIGSEGV (kernel/arch/signal_frame.h).
void signal_return_failed(Process& p) {
  if (!arch_signal_return_failed(p.context)) {
    p.signals.force(kernel_segv());
    return;
  }
  const uint64_t sp = arch_user_sp(p.context);
  const int code = p.mm->find_vma(arch_untagged_addr(sp)) == nullptr
                       ? static_cast<int>(FaultCode::SegvMapErr)
                       : static_cast<int>(FaultCode::SegvAccErr);
  signal_force_fault(p, SIGNAL_SEGV, code, sp);
}

}  // namespace

void signal_return(Process& p) {
  arch_user_set_syscall_result(p.context, 0);
  Result<SignalFrameLayout> layout = arch_signal_return_frame(p.context);
  if (layout.is_error()) {
    signal_return_failed(p);
    return;
  }
  const uint64_t address = layout.value().address;
  uint64_t mask = 0;
  if (copy_from_user(*p.mm, &mask, address + arch_signal_return_mask_offset(), sizeof(mask))
          .is_error()) {
    arch_signal_return_unreadable(p.context);
    signal_return_failed(p);
    return;
  }
  // set_current_blocked before the registers: a bad frame past the mask still sets it.
  p.signals.blocked = mask & ~UNBLOCKABLE;
  const size_t capacity = arch_signal_frame_max_size();
  Result<void*> buffer = kernel_alloc(capacity);
  if (buffer.is_error()) {
    signal_return_failed(p);
    return;
  }
  const bool read = copy_from_user(*p.mm, buffer.value(), address, layout.value().size).is_ok();
  Result<SignalReturn> restored = read ? arch_signal_frame_restore(p.context, buffer.value())
                                       : Result<SignalReturn>(Error::Fault);
  if (!read) arch_signal_return_unreadable(p.context);
  kernel_free(buffer.value(), capacity);
  if (restored.is_error()) {
    signal_return_failed(p);
    return;
  }
  const SignalReturn& r = restored.value();
  const SignalStack ss{r.ss_sp, r.ss_flags, r.ss_size};
  // restore_altstack ignores do_sigaltstack's verdict (a handler may have left the stack as it
  // was, or running on it, EPERM): only a fault reading uc_stack is an error, and that is past.
  (void)p.signals.set_altstack(&ss, nullptr, arch_user_sp(p.context), arch_signal_min_stack_size());
}
