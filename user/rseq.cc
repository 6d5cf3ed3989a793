// Restartable sequences as Linux 6.12 has them: the auxv's AT_RSEQ_FEATURE_SIZE and
// AT_RSEQ_ALIGN, a registration and the CPU numbers the kernel writes on the way back, every
// error of rseq(2) (registering twice, another address, length or signature, bad flags, bad
// lengths and alignments, areas that cannot be read or cleared, unregistering what is not
// registered), then critical sections (user/lib/rseq_section.h): one that commits, one that
// sleeps inside (the scheduler switches away: the preemption restarts it at its abort handler),
// one interrupted by a handled signal, a stale rseq_cs cleared lazily outside its section, and
// the deprecated no-restart flags inside a section (SIGSEGV SI_KERNEL, caught here) and outside
// it (ignored). The fatal cases and a section preempted by the timer run in the kernel's tests
// (user/rseq_run.cc).

#include "user/lib/ktap.h"
#include "user/lib/rseq_section.h"
#include "user/lib/signal.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

namespace {

using namespace sys;

constexpr uint64_t AT_RSEQ_FEATURE_SIZE = 27, AT_RSEQ_ALIGN = 28;
constexpr long EBUSY = 16;
constexpr int UNREGISTER = 1;
constexpr uint32_t SIG = RSEQ_SECTION_SIG;
constexpr uint32_t GARBAGE = 0x5a5a5a5a;

rseq_area g_area;
// Room for areas at other offsets and of other lengths, 64-byte aligned.
alignas(64) uint8_t g_room[128];

long rseq(const void* area, uint32_t length, int flags, uint32_t sig) {
  return call(RSEQ_SECTION_NR, reinterpret_cast<long>(area), length, flags, sig);
}
long rseq(uint64_t area, uint32_t length, int flags, uint32_t sig) {
  return call(RSEQ_SECTION_NR, static_cast<long>(area), length, flags, sig);
}

void fill(rseq_area& a) {
  a.cpu_id_start = a.cpu_id = a.node_id = a.mm_cid = GARBAGE;
  a.rseq_cs = 0;
  a.flags = 0;
}

struct Timespec {
  int64_t sec, nsec;
};

volatile int g_usr1, g_segv, g_segv_code;
void on_usr1(int, sig::Info*, void*) { g_usr1 = g_usr1 + 1; }
void on_segv(int, sig::Info* info, void*) {
  g_segv = g_segv + 1;
  g_segv_code = info->code;
}

rseq_cs_desc syscall_cs() {
  return rseq_section_cs(rseq_syscall_start, rseq_syscall_post_commit, rseq_syscall_abort);
}
long in_section(const rseq_cs_desc& cs, long number, long a0 = 0, long a1 = 0) {
  return rseq_section_syscall(&g_area.rseq_cs, &cs, number, a0, a1, 0);
}

void registration() {
  fill(g_area);
  KTAP_EXPECT(rseq(&g_area, sizeof(g_area), 0, SIG) == 0);
  KTAP_EXPECT(g_area.cpu_id_start == 0);
  KTAP_EXPECT(g_area.cpu_id == 0);
  KTAP_EXPECT(g_area.node_id == 0);
  KTAP_EXPECT(g_area.mm_cid == 0);
}

void registered_errors() {
  KTAP_EXPECT(rseq(&g_area, sizeof(g_area), 0, SIG) == -EBUSY);
  KTAP_EXPECT(rseq(&g_area, sizeof(g_area), 0, SIG + 1) == -EPERM);
  KTAP_EXPECT(rseq(g_room, sizeof(g_area), 0, SIG) == -EINVAL);
  KTAP_EXPECT(rseq(&g_area, 64, 0, SIG) == -EINVAL);
  KTAP_EXPECT(rseq(&g_area, sizeof(g_area), 2, SIG) == -EINVAL);
  KTAP_EXPECT(rseq(&g_area, sizeof(g_area), UNREGISTER | 2, SIG) == -EINVAL);
  KTAP_EXPECT(rseq(&g_area, sizeof(g_area), UNREGISTER, SIG + 1) == -EPERM);
  KTAP_EXPECT(rseq(&g_area, 64, UNREGISTER, SIG) == -EINVAL);
  KTAP_EXPECT(rseq(g_room, sizeof(g_area), UNREGISTER, SIG) == -EINVAL);
}

void unregistration() {
  g_area.cpu_id_start = g_area.node_id = g_area.mm_cid = GARBAGE;
  KTAP_EXPECT(rseq(&g_area, sizeof(g_area), UNREGISTER, SIG) == 0);
  KTAP_EXPECT(g_area.cpu_id == 0xffffffff);  // RSEQ_CPU_ID_UNINITIALIZED
  KTAP_EXPECT(g_area.cpu_id_start == 0);
  KTAP_EXPECT(g_area.node_id == 0);
  KTAP_EXPECT(g_area.mm_cid == 0);
  KTAP_EXPECT(rseq(&g_area, sizeof(g_area), UNREGISTER, SIG) == -EINVAL);
}

void lengths_and_alignment() {
  KTAP_EXPECT(rseq(g_room, 31, 0, SIG) == -EINVAL);
  KTAP_EXPECT(rseq(g_room, 28, 0, SIG) == -EINVAL);
  KTAP_EXPECT(rseq(g_room + 16, 32, 0, SIG) == -EINVAL);
  KTAP_EXPECT(rseq(g_room + 16, 48, 0, SIG) == -EINVAL);
  // A longer area at its alignment: registered, and its length is the one to unregister with.
  KTAP_EXPECT(rseq(g_room, 100, 0, SIG) == 0);
  KTAP_EXPECT(rseq(g_room, 32, UNREGISTER, SIG) == -EINVAL);
  KTAP_EXPECT(rseq(g_room, 100, UNREGISTER, SIG) == 0);
}

void bad_areas() {
  KTAP_EXPECT(rseq(uint64_t{0}, 32, 0, SIG) == -EFAULT);
  KTAP_EXPECT(rseq(KERNEL_ADDRESS, 32, 0, SIG) == -EFAULT);
  const long page = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  KTAP_EXPECT(page > 0);
  if (page <= 0) return;
  KTAP_EXPECT(munmap(page, 4096) == 0);
  KTAP_EXPECT(rseq(page, 32, 0, SIG) == -EFAULT);
  // An area ending past TASK_SIZE: refused before it is read.
  KTAP_EXPECT(rseq(task_size() - 32, 64, 0, SIG) == -EFAULT);
  // A read-only area whose rseq_cs is set cannot be cleared.
  const long ro = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  KTAP_EXPECT(ro > 0);
  if (ro <= 0) return;
  at<rseq_area>(ro)->rseq_cs = 1;
  KTAP_EXPECT(mprotect(ro, 4096, PROT_READ) == 0);
  KTAP_EXPECT(rseq(ro, 32, 0, SIG) == -EFAULT);
  KTAP_EXPECT(munmap(ro, 4096) == 0);
}

void stale_rseq_cs_cleared_at_registration() {
  fill(g_area);
  g_area.rseq_cs = 0x1234;
  KTAP_EXPECT(rseq(&g_area, sizeof(g_area), 0, SIG) == 0);
  KTAP_EXPECT(g_area.rseq_cs == 0);
  KTAP_EXPECT(g_area.cpu_id == 0);
}

void section_commits() {
  const rseq_cs_desc cs = syscall_cs();
  KTAP_EXPECT(in_section(cs, NR_GETPID) == 0);
  // Nothing happened inside: the kernel did not look, so the field still names the section.
  KTAP_EXPECT(g_area.rseq_cs == reinterpret_cast<uint64_t>(&cs));
  g_area.rseq_cs = 0;
}

void sleep_inside_restarts() {
  const rseq_cs_desc cs = syscall_cs();
  const Timespec pause{0, 1000000};
  g_area.cpu_id = GARBAGE;
  KTAP_EXPECT(in_section(cs, NR_NANOSLEEP, reinterpret_cast<long>(&pause)) == 1);
  KTAP_EXPECT(g_area.rseq_cs == 0);
  KTAP_EXPECT(g_area.cpu_id == 0);
}

void signal_inside_restarts() {
  const rseq_cs_desc cs = syscall_cs();
  g_usr1 = 0;
  KTAP_EXPECT(in_section(cs, NR_KILL, getpid(), sig::SIGUSR1) == 1);
  KTAP_EXPECT(g_usr1 == 1);
  KTAP_EXPECT(g_area.rseq_cs == 0);
}

void signal_outside_clears() {
  const rseq_cs_desc cs = syscall_cs();
  g_usr1 = 0;
  g_area.rseq_cs = reinterpret_cast<uint64_t>(&cs);
  KTAP_EXPECT(sig::raise(sig::SIGUSR1) == 0);
  KTAP_EXPECT(g_usr1 == 1);
  KTAP_EXPECT(g_area.rseq_cs == 0);
}

// Flags inside the section: the signal's delivery forces SIGSEGV (SI_KERNEL) and leaves the pc
// and the field alone; that SIGSEGV's own delivery, over the SIGUSR1 handler's entry, is outside
// the section and clears the field. Both handlers run; the section then commits.
void flags_inside(rseq_cs_desc cs, uint32_t area_flags) {
  g_usr1 = 0;
  g_segv = 0;
  g_segv_code = 0;
  g_area.flags = area_flags;
  KTAP_EXPECT(in_section(cs, NR_KILL, getpid(), sig::SIGUSR1) == 0);
  g_area.flags = 0;
  KTAP_EXPECT(g_usr1 == 1);
  KTAP_EXPECT(g_segv == 1);
  KTAP_EXPECT(g_segv_code == sig::SI_KERNEL);
  KTAP_EXPECT(g_area.rseq_cs == 0);
}

void no_restart_flags_inside() {
  static constexpr uint32_t FLAGS[] = {1, 2, 4, 8};
  for (uint32_t flag : FLAGS) {
    rseq_cs_desc cs = syscall_cs();
    cs.flags = flag;
    flags_inside(cs, 0);
    flags_inside(syscall_cs(), flag);
  }
}

void no_restart_flags_outside() {
  rseq_cs_desc cs = syscall_cs();
  cs.flags = 2;
  g_usr1 = 0;
  g_segv = 0;
  g_area.rseq_cs = reinterpret_cast<uint64_t>(&cs);
  KTAP_EXPECT(sig::raise(sig::SIGUSR1) == 0);
  KTAP_EXPECT(g_usr1 == 1);
  KTAP_EXPECT(g_segv == 0);
  KTAP_EXPECT(g_area.rseq_cs == 0);
}

}  // namespace

int main(const StartInfo& start) {
  ktap_plan(15);
  ktap_run("auxv", [&] {
    KTAP_EXPECT(getauxval(start, AT_RSEQ_FEATURE_SIZE) == 28);
    KTAP_EXPECT(getauxval(start, AT_RSEQ_ALIGN) == 32);
  });
  ktap_run("unregister_unregistered",
           [] { KTAP_EXPECT(rseq(&g_area, sizeof(g_area), UNREGISTER, SIG) == -EINVAL); });
  ktap_run("lengths_and_alignment", [] { lengths_and_alignment(); });
  ktap_run("bad_areas", [] { bad_areas(); });
  ktap_run("registration", [] { registration(); });
  ktap_run("registered_errors", [] { registered_errors(); });
  ktap_run("unregistration", [] { unregistration(); });
  ktap_run("stale_rseq_cs_cleared_at_registration",
           [] { stale_rseq_cs_cleared_at_registration(); });
  ktap_run("handlers", [] {
    KTAP_EXPECT(sig::sigaction(sig::SIGUSR1, on_usr1) == 0);
    KTAP_EXPECT(sig::sigaction(sig::SIGSEGV, on_segv) == 0);
  });
  ktap_run("section_commits", [] { section_commits(); });
  ktap_run("sleep_inside_restarts", [] { sleep_inside_restarts(); });
  ktap_run("signal_inside_restarts", [] { signal_inside_restarts(); });
  ktap_run("signal_outside_clears", [] { signal_outside_clears(); });
  ktap_run("no_restart_flags_inside", [] { no_restart_flags_inside(); });
  ktap_run("no_restart_flags_outside", [] { no_restart_flags_outside(); });
  return ktap_finish();
}
