// The per-process MTE state across context switches (what Linux's check_gcr_el1_cswitch checks
// with forked children): each instance takes a tag inclusion mask of one tag and a tag check mode
// from its pid (synchronous for an even pid, none for an odd one) and, for 200 ms of the
// scheduler's interleaving with other instances, checks that IRG gives only its tag (GCR_EL1), that
// a mismatched load faults exactly when its mode is synchronous (SCTLR_EL1.TCF0) and that prctl
// still reports its own value. The kernel's test arm64_mte_user runs several at once; run alone it
// checks the same of one process. Skips without HWCAP2_MTE and on powerpc.

#include "user/lib/ktap.h"
#include "user/lib/signal.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

#if defined(__aarch64__)

namespace {

using namespace sys;
using namespace sig;

constexpr uint64_t AT_HWCAP2 = 26, HWCAP2_MTE = uint64_t{1} << 18;
constexpr long PROT_MTE = 0x20;
constexpr long PR_SET_TAGGED_ADDR_CTRL = 55, PR_GET_TAGGED_ADDR_CTRL = 56, PR_MTE_TCF_SYNC = 2;
constexpr int PR_MTE_TAG_SHIFT = 3, SEGV_MTESERR = 9;
constexpr long SKIPPED_MARK = 0x5157;
constexpr uint64_t UC_REGS = 184, UC_PC = 440;
constexpr uint64_t RUN_NS = 200 * 1000 * 1000;

volatile int g_faults = 0;
volatile int g_wrong_code = 0;

void on_fault(int, Info* info, void* uc) {
  if (info->code == SEGV_MTESERR) {
    g_faults = g_faults + 1;
  } else {
    g_wrong_code = g_wrong_code + 1;
  }
  auto* words = static_cast<uint8_t*>(uc);
  *reinterpret_cast<uint64_t*>(words + UC_PC) += 4;
  *reinterpret_cast<uint64_t*>(words + UC_REGS) = SKIPPED_MARK;
}

uint64_t now_ns() {
  struct {
    int64_t sec, nsec;
  } ts{};
  call(NR_CLOCK_GETTIME, 1, reinterpret_cast<long>(&ts));
  return static_cast<uint64_t>(ts.sec) * 1000000000 + static_cast<uint64_t>(ts.nsec);
}

uint64_t irg_tag(uint64_t address) {
  asm volatile(".arch_extension memtag\n\tirg %0, %0" : "+r"(address));
  return (address >> 56) & 0xf;
}

void switches() {
  const long pid = getpid();
  const uint64_t tag = 1 + static_cast<uint64_t>(pid) % 14;
  const bool sync = pid % 2 == 0;
  const long ctrl = (sync ? PR_MTE_TCF_SYNC : 0) | (long{1} << (PR_MTE_TAG_SHIFT + tag));
  ktap_diag("pid %ld: tag %llu, %s checking", pid, static_cast<unsigned long long>(tag),
            sync ? "synchronous" : "no");
  KTAP_EXPECT(call(NR_PRCTL, PR_SET_TAGGED_ADDR_CTRL, ctrl, 0, 0, 0) == 0);
  KTAP_EXPECT(sigaction(SIGSEGV, on_fault) == 0);
  const long m = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_MTE, MAP_PRIVATE | MAP_ANONYMOUS);
  KTAP_EXPECT(m > 0);
  if (m <= 0) return;
  // Granule 0 keeps tag 0; loads through tag `tag` mismatch it.
  const uint64_t bad = (static_cast<uint64_t>(m) & ~(uint64_t{0xff} << 56)) | (tag << 56);
  long rounds = 0, wrong_tags = 0, wrong_ctrl = 0, wrong_faults = 0;
  const uint64_t end = now_ns() + RUN_NS;
  while (now_ns() < end) {
    for (int i = 0; i < 64; i++) wrong_tags += irg_tag(static_cast<uint64_t>(m)) != tag;
    const int before = g_faults;
    const long value = fault_read(bad);
    const bool faulted = g_faults != before;
    wrong_faults += faulted != sync || (faulted ? value != SKIPPED_MARK : value != 0);
    wrong_ctrl += call(NR_PRCTL, PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0) != ctrl;
    rounds++;
  }
  ktap_diag("%ld rounds, %d tag faults", rounds, g_faults);
  KTAP_EXPECT(rounds > 0);
  KTAP_EXPECT(wrong_tags == 0);
  KTAP_EXPECT(wrong_faults == 0);
  KTAP_EXPECT(wrong_ctrl == 0);
  KTAP_EXPECT(g_wrong_code == 0);
}

}  // namespace

int main(const StartInfo& start) {
  const bool mte = (getauxval(start, AT_HWCAP2) & HWCAP2_MTE) != 0;
  ktap_plan(1);
  ktap_run("gcr_and_tcf0_are_per_process", [mte] {
    if (!mte) {
      ktap_skip("no HWCAP2_MTE");
      return;
    }
    switches();
  });
  return ktap_finish();
}

#else

int main(const StartInfo&) {
  ktap_plan(1);
  ktap_run("gcr_and_tcf0_are_per_process", [] { ktap_skip("MTE is arm64's"); });
  return ktap_finish();
}

#endif
