#include "kernel/proc/scheduler.h"

#include "kernel/arch/mte.h"
#include "kernel/arch/timer.h"
#include "kernel/arch/user.h"
#include "kernel/lib/panic.h"
#include "kernel/proc/itimer.h"
#include "kernel/proc/rseq.h"
#include "kernel/proc/signal_delivery.h"
#include "kernel/proc/syscalls.h"
#include "kernel/proc/vdso_setup.h"

namespace {

// svc #0 and sc: one 4-byte instruction each.
constexpr uint64_t SYSCALL_INSTRUCTION_SIZE = 4;

void kill(Process& p, int signal, ExitKind kind = ExitKind::Signaled) {
  ProcessExit how{};
  how.kind = kind;
  how.signal = signal;
  process_exit(p, how);
}

Process* g_head = nullptr;  // run queue, in turn order
Process* g_tail = nullptr;
int g_last_pid = 0;
int g_last_turn_pid = 0;  // whose turn the CPU ran last (pids are never reused)
bool g_check_mm = false;

void enqueue(Process* p) {
  p->next = nullptr;
  if (g_tail == nullptr) {
    g_head = g_tail = p;
  } else {
    g_tail->next = p;
    g_tail = p;
  }
}

Process* dequeue() {
  Process* p = g_head;
  if (p == nullptr) return nullptr;
  g_head = p->next;
  if (g_head == nullptr) g_tail = nullptr;
  p->next = nullptr;
  return p;
}

// A user fault, once the address space has had its say: resolved (the access is retried), or
// the signal Linux's arch fault handlers force (arm64 do_mem_abort and do_el0_*, powerpc
// bad_page_fault and the program check): SIGSEGV/SIGBUS with the verdict's si_code and the
// faulting address, SIGSEGV SEGV_BNDERR for an address the page tables cannot translate,
// SIGSEGV SEGV_MTESERR for a tag check, SIGBUS BUS_ADRALN at the misaligned
// address (arm64 do_alignment_fault, do_sp_pc_abort), SIGTRAP TRAP_BRKPT, SIGILL ILL_PRVOPC for
// a privileged instruction (powerpc do_program_check) and SIGILL ILL_ILLOPC at the instruction's
// address. The arch records the fault for later frames first.
void fault(Process& p, const TrapInfo& trap) {
  int signo = SIGNAL_ILL, code = CODE_ILL_ILLOPC;
  uint64_t address = trap.pc;
  switch (trap.kind) {
    case TrapKind::DataAbort:
    case TrapKind::InstructionAbort: {
      const FaultAccess access = trap.access == TrapAccess::Write     ? FaultAccess::Write
                                 : trap.access == TrapAccess::Execute ? FaultAccess::Exec
                                                                      : FaultAccess::Read;
      if (trap.kind == TrapKind::DataAbort) address = trap.address;
      // The MMU ignores a tag in the top byte; the VMAs are found by the untagged address, the
      // signal keeps the address as it faulted (do_page_fault() untags only for the lookup).
      Result<FaultVerdict> verdict = p.mm->handle_fault(arch_untagged_addr(address), access);
      // Out of memory: Linux's pagefault_out_of_memory() ends in the OOM killer's SIGKILL.
      if (verdict.is_error()) {
        kill(p, SIGNAL_KILL);
        return;
      }
      const FaultVerdict v = verdict.value();
      if (v.signal == FaultSignal::None) return;
      signo = static_cast<int>(v.signal);
      code = static_cast<int>(v.code);
      break;
    }
    case TrapKind::OutsideTranslation:
      // powerpc's do_bad_segment_interrupt on radix: SEGV_BNDERR at DAR (SRR0 for an
      // instruction fetch), whatever VMA might lie there.
      signo = SIGNAL_SEGV;
      code = CODE_SEGV_BNDERR;
      address = trap.address;
      break;
    case TrapKind::TagCheck:
      signo = SIGNAL_SEGV;
      code = CODE_SEGV_MTESERR;
      address = trap.address;
      break;
    case TrapKind::Alignment:
      signo = SIGNAL_BUS;
      code = CODE_BUS_ADRALN;
      address = trap.address;
      break;
    case TrapKind::Breakpoint:
      signo = SIGNAL_TRAP;
      code = CODE_TRAP_BRKPT;
      break;
    case TrapKind::PointerAuth:
      // do_el0_fpac: SIGILL with ILL_ILLOPN at the authenticating instruction.
      code = CODE_ILL_ILLOPN;
      break;
    case TrapKind::PrivilegedInstruction:
      code = CODE_ILL_PRVOPC;
      break;
    case TrapKind::UndefinedInstruction:
    case TrapKind::Other:
    case TrapKind::SystemCall:
      break;
  }
  arch_user_fault_signalled(p.context, trap);
  signal_force_fault(p, signo, code, address);
}

// One turn of `p`: runs it once and acts on how it came back. Returns whether it is still
// runnable or sleeping (false: it exited).
bool turn(Process& p) {
  p.turn_started = arch_counter_read();
  arch_aspace_activate(p.aspace);
  if (p.sleep_interrupted) {
    p.sleep_interrupted = false;
    nanosleep_interrupted(p);
  }
  // Linux's rseq_preempt() in a context switch: the CPU ran another process since this one's
  // last turn (or it slept, below).
  if (g_last_turn_pid != p.pid) rseq_preempt(p);
  g_last_turn_pid = p.pid;
  // Signals are acted on on the way to user mode; the frames go to the active address space.
  // The rseq area is brought up to date last; a SIGSEGV it forces is acted on before p runs.
  // A system call's return restores every saved register only when a signal is pending on the
  // way (interrupt_exit_user_prepare_main's _TIF_RESTOREALL), the one rseq forces included.
  real_timer_expire(p, arch_counter_read());
  bool restore_all = !p.syscall_returning || p.signals.deliverable();
  p.syscall_returning = false;
  if (!signal_deliver(p)) return false;
  if (rseq_notify_resume(p)) {
    restore_all = true;
    if (!signal_deliver(p)) return false;
  }
  if (!restore_all) arch_user_syscall_return(p.context);
  vdso_refresh();
  const UserExit exit = arch_user_run(p.context);
  if (exit.async_tag_fault) {
    // As arm64's do_notify_resume() sends it: SEGV_MTEAERR with no address, not forced; a system
    // call is not made but restarted after the signal (el0_svc_common's -ERESTARTNOINTR): the PC
    // goes back to the call instruction, 4 bytes on both arches, its arguments still in place.
    SignalInfo info{};
    info.signo = SIGNAL_SEGV;
    info.code = CODE_SEGV_MTEAERR;
    // A standard signal merges with a pending instance, so sending it cannot fail.
    MUST(p.signals.send(info));
  }
  switch (exit.kind) {
    case UserExitKind::SystemCall:
      if (exit.async_tag_fault) {
        arch_user_set_pc(p.context, arch_user_pc(p.context) - SYSCALL_INSTRUCTION_SIZE);
      } else {
        handle_syscall(p);
      }
      break;
    case UserExitKind::Fault:
      fault(p, exit.trap);
      break;
    case UserExitKind::Interrupt:
      p.slices++;
      if (p.slice_allowance != 0 && p.slices >= p.slice_allowance) kill(p, SIGNAL_KILL);
      break;
  }
  // A sleeper leaves the CPU to another process or to the idle wait.
  if (p.state == ProcessState::Sleeping) rseq_preempt(p);
  if (p.state != ProcessState::Exited && arch_counter_read() >= p.deadline) {
    kill(p, SIGNAL_KILL, ExitKind::TimeLimit);
  }
  p.cpu_ticks += arch_counter_read() - p.turn_started;
  if (p.state != ProcessState::Exited) cpu_timers_expire(p, p.cpu_ticks);
  // The address space stays active into the next turn, which is most often this process's own:
  // switching it costs a TLB flush under QEMU. An exit has deactivated it, so none is active once
  // scheduler_run_until_exit returns (its target's exit is the last thing it does).
  return p.state != ProcessState::Exited;
}

// When a sleeper must run again: at its wake time, or at its deadline, to be stopped there.
uint64_t due(const Process& q) { return q.wake_at < q.deadline ? q.wake_at : q.deadline; }

// Waits for the earliest sleeper or real timer when nothing can run; wakes whoever is due, or
// has a signal to act on (a timer's SIGALRM among them).
void wake_sleepers() {
  while (true) {
    const uint64_t now = arch_counter_read();
    bool runnable = false;
    uint64_t earliest = ~uint64_t{0};
    for (Process* q = g_head; q != nullptr; q = q->next) {
      real_timer_expire(*q, now);
      // A signal it will act on ends the sleep early (signal_pending_state of an interruptible
      // sleep); a blocked one does not.
      if (q->state == ProcessState::Sleeping && q->signals.deliverable()) {
        q->state = ProcessState::Runnable;
        q->sleep_interrupted = true;
      }
      if (q->state == ProcessState::Sleeping && due(*q) <= now) q->state = ProcessState::Runnable;
      if (q->state == ProcessState::Runnable) runnable = true;
      if (q->state == ProcessState::Sleeping) {
        if (due(*q) < earliest) earliest = due(*q);
        if (real_timer_due(*q) < earliest) earliest = real_timer_due(*q);
      }
    }
    if (runnable || earliest == ~uint64_t{0}) return;
    while (arch_counter_read() < earliest) {
    }
  }
}

}  // namespace

void scheduler_add(Process* p, const SchedulerOptions& options) {
  p->started_at = arch_counter_read();
  p->deadline = p->started_at + options.time_limit_ticks;
  p->slice_allowance = options.slice_allowance;
  g_check_mm = options.check_mm;
  enqueue(p);
}

void scheduler_run_until_exit(Process* target) {
  while (target->state != ProcessState::Exited) {
    wake_sleepers();
    Process* p = dequeue();
    VERIFY(p != nullptr);  // the target is queued until it exits
    // A sleeper still asleep keeps its place at the back; its deadline still counts.
    if (p->state == ProcessState::Sleeping) {
      if (arch_counter_read() >= p->deadline) {
        kill(*p, SIGNAL_KILL, ExitKind::TimeLimit);
      } else {
        enqueue(p);
      }
      continue;
    }
    if (turn(*p)) enqueue(p);
  }
  arch_user_slice_end();
}

Process* scheduler_find(int pid) {
  for (Process* q = g_head; q != nullptr; q = q->next) {
    if (q->pid == pid) return q;
  }
  return nullptr;
}

int scheduler_next_pid() { return ++g_last_pid; }

uint64_t process_cpu_ticks(const Process& p) {
  return p.cpu_ticks + (arch_counter_read() - p.turn_started);
}

bool scheduler_check_mm() { return g_check_mm; }
