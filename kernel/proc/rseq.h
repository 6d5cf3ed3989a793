// Restartable sequences as Linux 6.12 has them (kernel/rseq.c, include/linux/rseq.h,
// include/uapi/linux/rseq.h): a process registers one struct rseq in its memory; on every return
// to user mode after a preemption, a signal delivery or the registration the kernel writes the
// CPU numbers into it (cpu_id_start, cpu_id, node_id, mm_cid: all 0, one CPU, one node, one
// thread), and when the program was interrupted inside the critical section its rseq_cs field
// describes, the program goes on at that section's abort_ip instead (rseq_ip_fixup).
//
// The struct rseq_cs the field points at must be valid when the kernel looks at it (version 0,
// every address below TASK_SIZE, start_ip + post_commit_offset without overflow, abort_ip
// outside [start_ip, start_ip + post_commit_offset), the registered signature in the 4 bytes
// before abort_ip); inside its section neither its flags nor the area's flags may be set (6.12
// refuses the deprecated RSEQ_CS_FLAG_NO_RESTART_* flags). Any violation, and any fault reading or
// writing the area or the descriptor, is force_sigsegv: SIGSEGV SI_KERNEL, with its default action
// when the signal being delivered was SIGSEGV itself.
//
// One thread per process: the registration is the process's (Linux's is the thread's), and a
// new program starts with none (rseq_execve).
#pragma once

#include <stdint.h>

struct Process;

// task_struct's rseq fields and its TIF_NOTIFY_RESUME flag's rseq part.
struct RseqState {
  uint64_t area = 0;  // the registered struct rseq's address; 0: none
  uint32_t length = 0;
  uint32_t signature = 0;
  uint32_t events = 0;  // RSEQ_EVENT_* bits seen since the last restart decision
  bool notify_resume = false;
};

// AT_RSEQ_FEATURE_SIZE (offsetof(struct rseq, end)) and AT_RSEQ_ALIGN (__alignof__(struct rseq)).
inline constexpr uint64_t RSEQ_FEATURE_SIZE = 28;
inline constexpr uint64_t RSEQ_ALIGN = 32;

// rseq(area, length, flags, signature), as sys_rseq checks it:
//   RSEQ_FLAG_UNREGISTER (1): EINVAL for other flags with it, for no registration, another
//     address or another length; EPERM for another signature; EFAULT when the reset fields
//     (cpu_id_start, cpu_id = RSEQ_CPU_ID_UNINITIALIZED, node_id, mm_cid) cannot be written.
//   register: EINVAL for other flags; when registered EINVAL (another address or length), EPERM
//     (another signature), else EBUSY; EINVAL for a length below 32, a length of 32 at an address
//     not 32-aligned, another length at an address not aligned to RSEQ_ALIGN; EFAULT for an area
//     beyond TASK_SIZE, or whose rseq_cs cannot be read (or, when set, cleared).
// A registration takes effect with the return to user mode, which writes the CPU numbers.
int64_t sys_rseq(Process& p, uint64_t area, uint32_t length, int32_t flags, uint32_t signature);

// rseq_preempt(): the scheduler switched `p` out; its critical section restarts when it is back.
void rseq_preempt(Process& p);
// rseq_signal_deliver(): a handler for `signo` is about to get its frame (the pc the frame saves
// is the abort_ip when `p` was inside its critical section).
void rseq_signal_deliver(Process& p, int signo);
// resume_user_mode_work()'s rseq part, last on the way to user mode after the signals: the
// fix-up and the CPU numbers when a preemption or the registration asked for them. Returns
// true when it forced SIGSEGV, which must be acted on before `p` runs.
bool rseq_notify_resume(Process& p);
