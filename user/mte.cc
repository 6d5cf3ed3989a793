// arm64 MTE as Linux 6.12 offers it to a program (Documentation/arch/arm64/
// memory-tagging-extension.rst, tagged-address-abi.rst), and what tools/testing/selftests/arm64/
// mte checks of it: AT_HWCAP2; prctl(PR_SET/GET_TAGGED_ADDR_CTRL) with its errors (check_prctl);
// PROT_MTE on private and shared anonymous memory, brk, the stack and the executable's tmpfs file
// mapping (check_mmap_options); fresh tags 0, tags set and read per granule
// (check_buffer_fill), the PR_MTE_TAG_MASK inclusion (check_tags_inclusion); a synchronous tag
// fault as SIGSEGV SEGV_MTESERR with si_addr untagged unless SA_EXPOSE_TAGBITS; an asynchronous one
// as SEGV_MTEAERR with si_addr 0 before the next system call, which is then restarted; both modes
// asked for resolving to the preferred asynchronous one; the tagged address ABI's three classes of
// system call arguments, and a tag mismatch in a kernel copy as EFAULT (check_user_mem); tags
// through mremap, after MADV_DONTNEED, and mprotect adding PROT_MTE keeping the data. Every case
// skips without HWCAP2_MTE, and on powerpc.

#include "user/lib/ktap.h"
#include "user/lib/signal.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

#if defined(__aarch64__)

namespace {

using namespace sys;
using namespace sig;

constexpr uint64_t AT_HWCAP2 = 26;
constexpr uint64_t HWCAP2_MTE = uint64_t{1} << 18, HWCAP2_MTE3 = uint64_t{1} << 22;
constexpr long PROT_MTE = 0x20, MAP_SHARED = 0x01;
constexpr long PR_SET_TAGGED_ADDR_CTRL = 55, PR_GET_TAGGED_ADDR_CTRL = 56;
constexpr long PR_TAGGED_ADDR_ENABLE = 1, PR_MTE_TCF_SYNC = 2, PR_MTE_TCF_ASYNC = 4;
constexpr int PR_MTE_TAG_SHIFT = 3;
constexpr long MADV_DONTNEED = 4;
constexpr long MREMAP_FIXED = 2;
constexpr uint64_t SA_EXPOSE_TAGBITS = 0x800;
constexpr int SEGV_MTEAERR = 8, SEGV_MTESERR = 9;
constexpr uint64_t PAGE = 4096, GRANULE = 16;
constexpr long SKIPPED_MARK = 0x5157;
constexpr uint64_t UC_REGS = 184, UC_PC = 440;  // arm64 ucontext: regs[0], pc

bool g_mte = false;

uint64_t with_tag(uint64_t address, uint64_t tag) {
  return (address & ~(uint64_t{0xff} << 56)) | (tag << 56);
}
uint64_t tag_of(uint64_t address) { return (address >> 56) & 0xf; }
template <typename T>
uint64_t addr(T* p) {
  return reinterpret_cast<uint64_t>(p);
}

void stg(uint64_t address) {
  asm volatile(".arch_extension memtag\n\tstg %0, [%0]" ::"r"(address) : "memory");
}
uint64_t ldg(uint64_t address) {
  asm volatile(".arch_extension memtag\n\tldg %0, [%0]" : "+r"(address));
  return tag_of(address);
}
uint64_t irg(uint64_t address) {
  asm volatile(".arch_extension memtag\n\tirg %0, %0" : "+r"(address));
  return address;
}

long prctl(long option, long a2, long a3 = 0, long a4 = 0, long a5 = 0) {
  return call(NR_PRCTL, option, a2, a3, a4, a5);
}
long set_ctrl(long value) { return prctl(PR_SET_TAGGED_ADDR_CTRL, value); }
long mask_of(unsigned tags) { return static_cast<long>(tags) << PR_MTE_TAG_SHIFT; }
long getrandom(uint64_t buffer, uint64_t n) {
  return call(NR_GETRANDOM, static_cast<long>(buffer), static_cast<long>(n), 0);
}

long map(long prot, long flags = MAP_PRIVATE | MAP_ANONYMOUS, uint64_t size = PAGE) {
  return mmap(0, size, prot, flags);
}

struct Seen {
  int count;
  int code;
  uint64_t addr;
};
volatile Seen g_seen;

void reset() {
  g_seen.count = 0;
  g_seen.code = 0;
  g_seen.addr = ~uint64_t{0};
}

// A synchronous fault: record it and skip the faulting instruction, which returns SKIPPED_MARK.
void on_sync(int, Info* info, void* uc) {
  g_seen.count = g_seen.count + 1;
  g_seen.code = info->code;
  g_seen.addr = info->addr;
  auto* words = static_cast<uint8_t*>(uc);
  *reinterpret_cast<uint64_t*>(words + UC_PC) += 4;
  *reinterpret_cast<uint64_t*>(words + UC_REGS) = SKIPPED_MARK;
}
// An asynchronous fault: record it only; the interrupted code goes on.
void on_async(int, Info* info, void*) {
  g_seen.count = g_seen.count + 1;
  g_seen.code = info->code;
  g_seen.addr = info->addr;
}

bool need_mte() {
  if (g_mte) return true;
  ktap_skip("no HWCAP2_MTE");
  return false;
}

void hwcap2(const StartInfo& start) {
  const uint64_t caps = getauxval(start, AT_HWCAP2);
  ktap_diag("AT_HWCAP2 %#llx", static_cast<unsigned long long>(caps));
  // Without MTE the kernel must not claim it; with it, -cpu max also has FEAT_MTE3.
  if (!g_mte) {
    KTAP_EXPECT((caps & (HWCAP2_MTE | HWCAP2_MTE3)) == 0);
    return;
  }
  KTAP_EXPECT((caps & HWCAP2_MTE3) != 0);
}

void prctl_values_and_errors() {
  KTAP_EXPECT(prctl(PR_GET_TAGGED_ADDR_CTRL, 0) == 0);  // a new program: nothing enabled
  KTAP_EXPECT(set_ctrl(PR_TAGGED_ADDR_ENABLE) == 0);
  KTAP_EXPECT(prctl(PR_GET_TAGGED_ADDR_CTRL, 0) == PR_TAGGED_ADDR_ENABLE);
  KTAP_EXPECT(prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE, 1) == -EINVAL);
  KTAP_EXPECT(prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE, 0, 0, 1) == -EINVAL);
  KTAP_EXPECT(prctl(PR_GET_TAGGED_ADDR_CTRL, 1) == -EINVAL);
  KTAP_EXPECT(prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 1) == -EINVAL);
  KTAP_EXPECT(set_ctrl(long{1} << 19) == -EINVAL);  // past PR_MTE_TAG_MASK
  if (!g_mte) {
    // Without MTE only PR_TAGGED_ADDR_ENABLE is a valid bit.
    KTAP_EXPECT(set_ctrl(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC) == -EINVAL);
    KTAP_EXPECT(set_ctrl(0) == 0);
    return;
  }
  const long sync = PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | mask_of(0xfffe);
  KTAP_EXPECT(set_ctrl(sync) == 0);
  KTAP_EXPECT(prctl(PR_GET_TAGGED_ADDR_CTRL, 0) == sync);
  const long both = PR_MTE_TCF_SYNC | PR_MTE_TCF_ASYNC | mask_of(0x00f0);
  KTAP_EXPECT(set_ctrl(both) == 0);
  KTAP_EXPECT(prctl(PR_GET_TAGGED_ADDR_CTRL, 0) == both);
  KTAP_EXPECT(set_ctrl(PR_MTE_TCF_SYNC | (long{1} << 40)) == -EINVAL);
  KTAP_EXPECT(prctl(PR_GET_TAGGED_ADDR_CTRL, 0) == both);  // a refused value changes nothing
  KTAP_EXPECT(set_ctrl(0) == 0);
  KTAP_EXPECT(prctl(PR_GET_TAGGED_ADDR_CTRL, 0) == 0);
}

void prot_mte_where_linux_allows_it() {
  if (!need_mte()) return;
  const long priv = map(PROT_READ | PROT_WRITE | PROT_MTE);
  const long shared = map(PROT_READ | PROT_WRITE | PROT_MTE, MAP_SHARED | MAP_ANONYMOUS);
  KTAP_EXPECT(priv > 0 && shared > 0);
  if (priv <= 0 || shared <= 0) return;
  // Fresh pages of a PROT_MTE mapping have tag 0 in every granule.
  bool zero = true;
  for (uint64_t g = 0; g < PAGE; g += GRANULE) {
    zero = zero && ldg(priv + g) == 0 && ldg(shared + g) == 0;
  }
  KTAP_EXPECT(zero);
  stg(with_tag(shared + 32, 6));
  KTAP_EXPECT(ldg(shared + 32) == 6 && ldg(shared + 16) == 0 && ldg(shared + 48) == 0);
  KTAP_EXPECT(munmap(priv, PAGE) == 0 && munmap(shared, PAGE) == 0);
  // mprotect adds it to the break and the stack, which are anonymous memory.
  const long old_brk = brk(0);
  const long new_brk = brk(old_brk + 2 * PAGE);
  KTAP_EXPECT(new_brk == old_brk + static_cast<long>(2 * PAGE));
  const uint64_t heap = (old_brk + PAGE - 1) & ~(PAGE - 1);
  KTAP_EXPECT(mprotect(heap, PAGE, PROT_READ | PROT_WRITE | PROT_MTE) == 0);
  volatile int local = 0;
  const uint64_t stack_page = addr(&local) & ~(PAGE - 1);
  KTAP_EXPECT(mprotect(stack_page, PAGE, PROT_READ | PROT_WRITE | PROT_MTE) == 0);
  KTAP_EXPECT(ldg(stack_page) == 0);
  // The executable comes from the initramfs, a tmpfs on Linux: its shmem file mappings may be
  // tagged too (an ordinary file's may not; the host tests check that).
  const uint64_t text = reinterpret_cast<uint64_t>(&need_mte) & ~(PAGE - 1);
  KTAP_EXPECT(mprotect(text, PAGE, PROT_READ | PROT_EXEC | PROT_MTE) == 0);
}

void tags_per_granule_and_inclusion() {
  if (!need_mte()) return;
  const long m = map(PROT_READ | PROT_WRITE | PROT_MTE);
  KTAP_EXPECT(m > 0);
  if (m <= 0) return;
  // check_buffer_fill: each granule tagged, filled through its tagged pointer, read back.
  for (uint64_t g = 0; g < PAGE / GRANULE; g++) stg(with_tag(m + g * GRANULE, g % 16));
  bool tags = true, data = true;
  for (uint64_t g = 0; g < PAGE / GRANULE; g++) {
    auto* p = reinterpret_cast<volatile uint64_t*>(with_tag(m + g * GRANULE, g % 16));
    p[0] = g;
    p[1] = ~g;
  }
  for (uint64_t g = 0; g < PAGE / GRANULE; g++) {
    tags = tags && ldg(m + g * GRANULE) == g % 16;
    auto* p = reinterpret_cast<volatile uint64_t*>(m + g * GRANULE);
    data = data && p[0] == g && p[1] == ~g;
  }
  KTAP_EXPECT(tags);
  KTAP_EXPECT(data);
  // check_tags_inclusion: IRG picks only the included tags; none included gives tag 0.
  KTAP_EXPECT(set_ctrl(PR_MTE_TCF_SYNC | mask_of(0x0090)) == 0);  // tags 4 and 7
  uint64_t seen = 0;
  for (int i = 0; i < 100; i++) seen |= uint64_t{1} << tag_of(irg(m));
  KTAP_EXPECT((seen & ~uint64_t{0x90}) == 0);
  KTAP_EXPECT(set_ctrl(PR_MTE_TCF_SYNC) == 0);
  seen = 0;
  for (int i = 0; i < 20; i++) seen |= uint64_t{1} << tag_of(irg(m));
  KTAP_EXPECT(seen == 1);
  KTAP_EXPECT(set_ctrl(0) == 0);
  munmap(m, PAGE);
}

void sync_fault_is_segv_mteserr() {
  if (!need_mte()) return;
  const long m = map(PROT_READ | PROT_WRITE | PROT_MTE);
  KTAP_EXPECT(m > 0 && set_ctrl(PR_MTE_TCF_SYNC | mask_of(0xfffe)) == 0);
  stg(with_tag(m, 3));
  KTAP_EXPECT(sigaction(SIGSEGV, on_sync) == 0);
  reset();
  KTAP_EXPECT(fault_read(with_tag(m, 3)) == 0);  // matching tag, fresh zeroes
  KTAP_EXPECT(g_seen.count == 0);
  const uint64_t bad = with_tag(m + 8, 5);
  KTAP_EXPECT(fault_read(bad) == SKIPPED_MARK);
  KTAP_EXPECT(g_seen.count == 1 && g_seen.code == SEGV_MTESERR);
  KTAP_EXPECT(g_seen.addr == static_cast<uint64_t>(m + 8));  // the tag is hidden
  // SA_EXPOSE_TAGBITS: si_addr keeps the tag (bits 59:56).
  KTAP_EXPECT(sigaction(SIGSEGV, on_sync, SA_EXPOSE_TAGBITS) == 0);
  reset();
  KTAP_EXPECT(fault_write(bad) == SKIPPED_MARK);
  KTAP_EXPECT(g_seen.count == 1 && g_seen.code == SEGV_MTESERR && g_seen.addr == bad);
  // Unchecked once the program turns checking off.
  KTAP_EXPECT(set_ctrl(0) == 0);
  reset();
  KTAP_EXPECT(fault_read(bad) == 0 && g_seen.count == 0);
  munmap(m, PAGE);
}

void async_fault_is_segv_mteaerr_before_the_next_call() {
  if (!need_mte()) return;
  const long m = map(PROT_READ | PROT_WRITE | PROT_MTE);
  KTAP_EXPECT(m > 0 && set_ctrl(PR_MTE_TCF_ASYNC | mask_of(0xfffe)) == 0);
  KTAP_EXPECT(prctl(PR_GET_TAGGED_ADDR_CTRL, 0) == (PR_MTE_TCF_ASYNC | mask_of(0xfffe)));
  stg(with_tag(m, 3));
  KTAP_EXPECT(sigaction(SIGSEGV, on_async) == 0);
  reset();
  // The mismatched store completes; the fault is reported when the kernel is next entered, here
  // by getpid, which runs after the handler returns.
  *reinterpret_cast<volatile uint64_t*>(with_tag(m, 9)) = 77;
  const long pid = getpid();
  KTAP_EXPECT(g_seen.count == 1 && g_seen.code == SEGV_MTEAERR && g_seen.addr == 0);
  KTAP_EXPECT(pid > 0 && pid == getpid());
  KTAP_EXPECT(*reinterpret_cast<volatile uint64_t*>(m) == 77);
  // Both modes asked for resolve to the CPU's preferred one, asynchronous: no synchronous fault.
  KTAP_EXPECT(sigaction(SIGSEGV, on_async) == 0);
  KTAP_EXPECT(set_ctrl(PR_MTE_TCF_SYNC | PR_MTE_TCF_ASYNC | mask_of(0xfffe)) == 0);
  reset();
  const long value = fault_read(with_tag(m, 9));
  KTAP_EXPECT(value == 77);  // no synchronous fault: the load completed
  (void)getpid();
  KTAP_EXPECT(g_seen.count == 1 && g_seen.code == SEGV_MTEAERR);
  KTAP_EXPECT(set_ctrl(0) == 0);
  munmap(m, PAGE);
}

void tagged_address_abi() {
  const long m = map(PROT_READ | PROT_WRITE);
  KTAP_EXPECT(m > 0);
  if (m <= 0) return;
  const uint64_t tagged = with_tag(m, 0x2a);
  // Pointers the kernel dereferences: EFAULT until PR_TAGGED_ADDR_ENABLE, then as untagged.
  KTAP_EXPECT(getrandom(tagged, 16) == -EFAULT);
  KTAP_EXPECT(set_ctrl(PR_TAGGED_ADDR_ENABLE) == 0);
  KTAP_EXPECT(getrandom(tagged + 16, 16) == 16);
  KTAP_EXPECT(set_ctrl(0) == 0);
  // Address-space calls untag their address, enabled or not.
  KTAP_EXPECT(mprotect(tagged, PAGE, PROT_READ) == 0);
  KTAP_EXPECT(call(NR_MADVISE, static_cast<long>(tagged), PAGE, MADV_DONTNEED) == 0);
  const long moved = call(NR_MREMAP, static_cast<long>(tagged), PAGE, 2 * PAGE, MREMAP_MAYMOVE);
  KTAP_EXPECT(moved > 0 && tag_of(moved) == 0);
  // Never a tagged address: mmap's hint with MAP_FIXED, brk, mremap's new address.
  const uint64_t tagged_moved = with_tag(moved, 0x2a);
  KTAP_EXPECT(mmap(tagged_moved, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED) < 0);
  const long old_brk = brk(0);
  KTAP_EXPECT(brk(with_tag(old_brk + PAGE, 0x2a)) == old_brk);
  const long fixed = call(NR_MREMAP, moved, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
                          static_cast<long>(with_tag(moved + 64 * PAGE, 0x2a)));
  KTAP_EXPECT(fixed < 0);
  KTAP_EXPECT(munmap(with_tag(moved, 0x2a), 2 * PAGE) == 0);
}

void kernel_copy_checks_the_tag() {
  if (!need_mte()) return;
  const long m = map(PROT_READ | PROT_WRITE | PROT_MTE);
  KTAP_EXPECT(m > 0);
  KTAP_EXPECT(set_ctrl(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | mask_of(0xfffe)) == 0);
  for (uint64_t g = 0; g < 4; g++) stg(with_tag(m + g * GRANULE, 3));
  KTAP_EXPECT(sigaction(SIGSEGV, on_sync) == 0);
  reset();
  // check_user_mem: the kernel's copy to a granule whose tag differs fails with EFAULT, and the
  // program gets no signal for it; with the matching tag it succeeds.
  KTAP_EXPECT(getrandom(with_tag(m, 3), 64) == 64);
  KTAP_EXPECT(getrandom(with_tag(m, 4), 16) == -EFAULT);
  KTAP_EXPECT(getrandom(with_tag(m + 64, 3), 16) == -EFAULT);  // granule 4 still has tag 0
  KTAP_EXPECT(g_seen.count == 0);
  KTAP_EXPECT(set_ctrl(0) == 0);
  munmap(m, PAGE);
}

void tags_follow_the_pages() {
  if (!need_mte()) return;
  const long m = map(PROT_READ | PROT_WRITE | PROT_MTE, MAP_PRIVATE | MAP_ANONYMOUS, 2 * PAGE);
  KTAP_EXPECT(m > 0);
  if (m <= 0) return;
  stg(with_tag(m + 16, 5));
  stg(with_tag(m + PAGE + 32, 0xb));
  *reinterpret_cast<volatile uint64_t*>(m + PAGE) = 0x1234;
  // mremap moves the pages with their tags.
  const long target = mmap(0, 8 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS);
  const long moved =
      call(NR_MREMAP, m, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target + 4 * PAGE);
  KTAP_EXPECT(moved == target + static_cast<long>(4 * PAGE));
  KTAP_EXPECT(ldg(moved + 16) == 5 && ldg(moved) == 0 && ldg(moved + PAGE + 32) == 0xb);
  KTAP_EXPECT(*reinterpret_cast<volatile uint64_t*>(moved + PAGE) == 0x1234);
  // MADV_DONTNEED drops the page: the next touch gets a fresh one, tags 0.
  KTAP_EXPECT(call(NR_MADVISE, moved, PAGE, MADV_DONTNEED) == 0);
  KTAP_EXPECT(ldg(moved + 16) == 0);
  KTAP_EXPECT(ldg(moved + PAGE + 32) == 0xb);
  munmap(target, 8 * PAGE);
  // mprotect adding PROT_MTE keeps what the page holds.
  const long plain = map(PROT_READ | PROT_WRITE);
  *reinterpret_cast<volatile uint64_t*>(plain + 256) = 0xfeed;
  KTAP_EXPECT(mprotect(plain, PAGE, PROT_READ | PROT_WRITE | PROT_MTE) == 0);
  KTAP_EXPECT(*reinterpret_cast<volatile uint64_t*>(plain + 256) == 0xfeed);
  KTAP_EXPECT(ldg(plain + 256) == 0);
  munmap(plain, PAGE);
}

}  // namespace

int main(const StartInfo& start) {
  g_mte = (getauxval(start, AT_HWCAP2) & HWCAP2_MTE) != 0;
  ktap_plan(9);
  ktap_run("hwcap2", [&] { hwcap2(start); });
  ktap_run("prctl_values_and_errors", [] { prctl_values_and_errors(); });
  ktap_run("prot_mte_where_linux_allows_it", [] { prot_mte_where_linux_allows_it(); });
  ktap_run("tags_per_granule_and_inclusion", [] { tags_per_granule_and_inclusion(); });
  ktap_run("sync_fault_is_segv_mteserr", [] { sync_fault_is_segv_mteserr(); });
  ktap_run("async_fault_is_segv_mteaerr_before_the_next_call",
           [] { async_fault_is_segv_mteaerr_before_the_next_call(); });
  ktap_run("tagged_address_abi", [] { tagged_address_abi(); });
  ktap_run("kernel_copy_checks_the_tag", [] { kernel_copy_checks_the_tag(); });
  ktap_run("tags_follow_the_pages", [] { tags_follow_the_pages(); });
  return ktap_finish();
}

#else

int main(const StartInfo&) {
  ktap_plan(1);
  ktap_run("mte", [] { ktap_skip("MTE is arm64's"); });
  return ktap_finish();
}

#endif
