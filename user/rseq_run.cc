// Restartable sequences the kernel's tests (kernel/test/tests/rseq.cc) run and judge by how the
// program ends. argv[1] names the case:
//   spin            spins inside a critical section until the kernel aborts it, which takes a
//                   preemption: another process must share the CPU. Exit 0 when it resumed at
//                   the abort handler with rseq_cs cleared and cpu_id 0.
//   signature, version, abort_inside, start_beyond, end_beyond, overflow, pointer_beyond,
//   pointer_unmapped
//                   a descriptor the kernel must refuse (a wrong signature before abort_ip,
//                   version 1, abort_ip inside the section, start_ip or the end at or past
//                   TASK_SIZE, start_ip + post_commit_offset wrapping, rseq_cs at TASK_SIZE,
//                   rseq_cs unmapped), met after a sleep inside the section: SIGSEGV SI_KERNEL.
//   handled         the same with a SIGSEGV handler: its delivery fails the same way and forces
//                   a second SIGSEGV with the default action, which the handler's frame blocks
//                   until the handler's rt_sigreturn (Linux may meet the descriptor again on the
//                   way back and end the program before the handler runs).
//   signal          a wrong signature met by a SIGUSR1 delivery inside the section: SIGSEGV.
//   read_only_area  an area registered read-only: the CPU numbers cannot be written on the way
//                   back from rseq itself: SIGSEGV.
// The fatal cases turn core dumps off first. Any other ending is an exit status naming the step
// that went wrong.

#include "kernel/lib/string.h"
#include "user/lib/rseq_section.h"
#include "user/lib/signal.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

namespace {

using namespace sys;

constexpr long PR_SET_DUMPABLE = 4;

rseq_area g_area;

struct Timespec {
  int64_t sec, nsec;
};

volatile int g_handled;
void on_signal(int, sig::Info*, void*) { g_handled = g_handled + 1; }

long register_area(uint64_t area) {
  return call(RSEQ_SECTION_NR, static_cast<long>(area), 32, 0, RSEQ_SECTION_SIG);
}

int spin() {
  if (register_area(reinterpret_cast<uint64_t>(&g_area)) != 0) return 10;
  const rseq_cs_desc cs = rseq_section_cs(rseq_spin_start, rseq_spin_post_commit, rseq_spin_abort);
  if (rseq_section_spin(&g_area.rseq_cs, &cs) != 1) return 11;
  if (g_area.rseq_cs != 0) return 12;
  if (g_area.cpu_id != 0) return 13;
  return 0;
}

// Sleeps inside the section with `cs`, or with rseq_cs set to `pointer` when that is nonzero.
int sleep_inside(const rseq_cs_desc& cs, uint64_t pointer = 0) {
  if (register_area(reinterpret_cast<uint64_t>(&g_area)) != 0) return 20;
  const Timespec pause{0, 1000000};
  if (pointer == 0) {
    rseq_section_syscall(&g_area.rseq_cs, &cs, NR_NANOSLEEP, reinterpret_cast<long>(&pause), 0, 0);
  } else {
    g_area.rseq_cs = pointer;
    call(NR_NANOSLEEP, reinterpret_cast<long>(&pause), 0);
  }
  return 21;  // still alive
}

int refused(const char* name) {
  rseq_cs_desc cs =
      rseq_section_cs(rseq_syscall_start, rseq_syscall_post_commit, rseq_syscall_abort);
  if (klib::str_equal(name, "signature")) {
    cs.abort_ip = reinterpret_cast<uint64_t>(rseq_syscall_post_commit) + 4;  // the b, not it
  } else if (klib::str_equal(name, "version")) {
    cs.version = 1;
  } else if (klib::str_equal(name, "abort_inside")) {
    cs.abort_ip = cs.start_ip + 4;
  } else if (klib::str_equal(name, "start_beyond")) {
    cs.start_ip = task_size();
    cs.post_commit_offset = 4;
  } else if (klib::str_equal(name, "end_beyond")) {
    cs.post_commit_offset = task_size() - cs.start_ip;
  } else if (klib::str_equal(name, "overflow")) {
    cs.post_commit_offset = ~uint64_t{0};
  } else if (klib::str_equal(name, "pointer_beyond")) {
    return sleep_inside(cs, task_size());
  } else if (klib::str_equal(name, "pointer_unmapped")) {
    return sleep_inside(cs, 0x1000);
  } else if (klib::str_equal(name, "handled")) {
    if (sig::sigaction(sig::SIGSEGV, on_signal) != 0) return 30;
    cs.version = 1;
  } else if (klib::str_equal(name, "signal")) {
    if (sig::sigaction(sig::SIGUSR1, on_signal) != 0) return 31;
    if (register_area(reinterpret_cast<uint64_t>(&g_area)) != 0) return 32;
    cs.abort_ip = reinterpret_cast<uint64_t>(rseq_syscall_post_commit) + 4;
    rseq_section_syscall(&g_area.rseq_cs, &cs, NR_KILL, getpid(), sig::SIGUSR1, 0);
    return 33;
  } else if (klib::str_equal(name, "read_only_area")) {
    const long page = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
    if (page <= 0) return 34;
    register_area(static_cast<uint64_t>(page));
    return 35;
  } else {
    return 2;
  }
  return sleep_inside(cs);
}

}  // namespace

int main(const StartInfo& start) {
  if (start.argc < 2) return 2;
  if (klib::str_equal(start.argv[1], "spin")) return spin();
  if (call(NR_PRCTL, PR_SET_DUMPABLE, 0) != 0) return 3;
  return refused(start.argv[1]);
}
