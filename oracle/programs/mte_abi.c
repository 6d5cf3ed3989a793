// arm64 MTE as a program sees it (Linux Documentation/arch/arm64/memory-tagging-extension.rst,
// tagged-address-abi.rst): AT_HWCAP2, prctl(PR_SET/GET_TAGGED_ADDR_CTRL) values and errors,
// PROT_MTE mappings and their tags, the tag inclusion mask, synchronous and asynchronous tag
// faults (si_code, si_addr relative to the mapping, its tag bits with and without
// SA_EXPOSE_TAGBITS, the system call restarted after an asynchronous one), the tagged address
// ABI's argument classes, a tag-checked kernel copy, the zero page's tags, and tags through
// mremap, MADV_DONTNEED and mprotect, and PSTATE.TCO across a system call and a signal. The handler
// is installed with rt_sigaction and a restorer of its own, which needs no vDSO. Elsewhere than
// arm64, and on arm64 without HWCAP2_MTE, it prints only mte.available.
#define _GNU_SOURCE
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "oracle/programs/obs.h"

#if defined(__aarch64__)

#include <ucontext.h>

#define PROT_MTE_BIT 0x20
#define HWCAP2_MTE_BIT (1ul << 18)
#define HWCAP2_MTE3_BIT (1ul << 22)
#define SA_EXPOSE_TAGBITS_BIT 0x800
#define SKIPPED 0x5157
#define SA_RESTORER_BIT 0x04000000ul

// mte_restorer returns from a handler (rt_sigreturn, 139); mte_load and mte_store touch x0 with
// their first and second instruction. The MTE instructions are here too, where the assembler is
// told of them.
__asm__(
    ".text\n"
    ".globl mte_restorer\nmte_restorer:\n\tmov x8, #139\n\tsvc #0\n"
    ".globl mte_load\nmte_load:\n\tldr x0, [x0]\n\tret\n"
    ".globl mte_store\nmte_store:\n\tmov x1, #1\n\tstr x1, [x0]\n\tret\n"
    ".arch armv8.5-a+memtag\n"
    ".globl mte_stg\nmte_stg:\n\tstg x0, [x0]\n\tret\n"
    ".globl mte_ldg\nmte_ldg:\n\tldg x0, [x0]\n\tubfx x0, x0, #56, #4\n\tret\n"
    ".globl mte_irg\nmte_irg:\n\tirg x0, x0\n\tubfx x0, x0, #56, #4\n\tret\n"
    ".globl mte_get_tco\nmte_get_tco:\n\tmrs x0, tco\n\tubfx x0, x0, #25, #1\n\tret\n"
    ".globl mte_set_tco\nmte_set_tco:\n\tcbz x0, 1f\n\tmsr tco, #1\n\tret\n1:\tmsr tco, "
    "#0\n\tret\n");
void mte_restorer(void);
long mte_load(uintptr_t address);
long mte_store(uintptr_t address);
// STG of address's tag to its granule; LDG and IRG return the granule's or a random tag.
void mte_stg(uintptr_t address);
unsigned long mte_ldg(uintptr_t address);
unsigned long mte_irg(uintptr_t address);
// PSTATE.TCO (tag check override), read as 0 or 1, and set to `on`.
unsigned long mte_get_tco(void);
void mte_set_tco(int on);

struct kernel_action {
  void (*handler)(int, siginfo_t*, void*);
  unsigned long flags;
  void (*restorer)(void);
  unsigned long mask;
};

static volatile int seen_count;
static volatile int seen_code;
static volatile uintptr_t seen_addr;
static int skip_instruction;

static void on_segv(int signo, siginfo_t* info, void* context) {
  (void)signo;
  seen_count++;
  seen_code = info->si_code;
  seen_addr = (uintptr_t)info->si_addr;
  if (skip_instruction) {
    ucontext_t* uc = context;
    uc->uc_mcontext.pc += 4;
    uc->uc_mcontext.regs[0] = SKIPPED;
  }
}

static void handle(int skip, unsigned long extra_flags) {
  struct kernel_action act = {on_segv, SA_SIGINFO | SA_RESTORER_BIT | extra_flags, mte_restorer, 0};
  skip_instruction = skip;
  if (syscall(SYS_rt_sigaction, SIGSEGV, &act, NULL, 8) != 0) obs("mte.sigaction", "error");
  seen_count = 0;
  seen_code = 0;
  seen_addr = 0;
}

static uintptr_t with_tag(uintptr_t address, unsigned tag) {
  return (address & ~(0xfful << 56)) | ((uintptr_t)tag << 56);
}
static void stg(uintptr_t a) { mte_stg(a); }
static unsigned ldg(uintptr_t a) { return (unsigned)mte_ldg(a); }
static unsigned irg(uintptr_t a) { return (unsigned)mte_irg(a); }

static long set_ctrl(unsigned long value) { return prctl(PR_SET_TAGGED_ADDR_CTRL, value, 0, 0, 0); }
static unsigned long mask_of(unsigned tags) { return (unsigned long)tags << PR_MTE_TAG_SHIFT; }

static void obs_ret(const char* key, long ret) {
  if (ret < 0) {
    obs(key, "error %s", errno_name(errno));
  } else {
    obs(key, "%#lx", ret);
  }
}

static uintptr_t map(int prot, int flags, size_t len) {
  void* p = mmap(NULL, len, prot, flags, -1, 0);
  return p == MAP_FAILED ? 0 : (uintptr_t)p;
}

static void prctl_calls(void) {
  obs_ret("mte.prctl.initial", prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0));
  obs_ret("mte.prctl.enable", set_ctrl(PR_TAGGED_ADDR_ENABLE));
  obs_ret("mte.prctl.get_enable", prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0));
  obs_ret("mte.prctl.set_arg3", prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE, 1, 0, 0));
  obs_ret("mte.prctl.get_arg2", prctl(PR_GET_TAGGED_ADDR_CTRL, 1, 0, 0, 0));
  obs_ret("mte.prctl.bad_bit", set_ctrl(1ul << 19));
  obs_ret("mte.prctl.sync", set_ctrl(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | mask_of(0xfffe)));
  obs_ret("mte.prctl.get_sync", prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0));
  obs_ret("mte.prctl.both", set_ctrl(PR_MTE_TCF_SYNC | PR_MTE_TCF_ASYNC | mask_of(0x00f0)));
  obs_ret("mte.prctl.get_both", prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0));
  obs_ret("mte.prctl.off", set_ctrl(0));
}

static void mappings(void) {
  const uintptr_t priv =
      map(PROT_READ | PROT_WRITE | PROT_MTE_BIT, MAP_PRIVATE | MAP_ANONYMOUS, obs_page);
  const uintptr_t shared =
      map(PROT_READ | PROT_WRITE | PROT_MTE_BIT, MAP_SHARED | MAP_ANONYMOUS, obs_page);
  obs("mte.mmap.private", priv != 0 ? "ok" : "error");
  obs("mte.mmap.shared", shared != 0 ? "ok" : "error");
  if (priv == 0 || shared == 0) return;
  int zero = 1;
  for (size_t g = 0; g < obs_page; g += 16)
    zero = zero && ldg(priv + g) == 0 && ldg(shared + g) == 0;
  obs("mte.mmap.fresh_tags_zero", zero ? "yes" : "no");
  stg(with_tag(shared + 32, 6));
  obs("mte.mmap.granules", "%u %u %u", ldg(shared + 16), ldg(shared + 32), ldg(shared + 48));
  munmap((void*)priv, obs_page);
  munmap((void*)shared, obs_page);
  const uintptr_t heap = ((uintptr_t)sbrk(0) + obs_page - 1) & ~(obs_page - 1);
  obs("mte.brk.grow", sbrk((intptr_t)(2 * obs_page)) != (void*)-1 ? "ok" : "error");
  obs_status("mte.brk.mprotect",
             mprotect((void*)heap, obs_page, PROT_READ | PROT_WRITE | PROT_MTE_BIT));
  volatile int local = 0;
  const uintptr_t stack_page = (uintptr_t)&local & ~(obs_page - 1);
  obs_status("mte.stack.mprotect",
             mprotect((void*)stack_page, obs_page, PROT_READ | PROT_WRITE | PROT_MTE_BIT));
  // A file mapping: the program's own text (Linux's initramfs lives in tmpfs or ramfs).
  const uintptr_t text = (uintptr_t)&mappings & ~(obs_page - 1);
  obs_status("mte.text.mprotect",
             mprotect((void*)text, obs_page, PROT_READ | PROT_EXEC | PROT_MTE_BIT));
}

static void inclusion(void) {
  const uintptr_t m =
      map(PROT_READ | PROT_WRITE | PROT_MTE_BIT, MAP_PRIVATE | MAP_ANONYMOUS, obs_page);
  set_ctrl(PR_MTE_TCF_SYNC | mask_of(0x0090));
  unsigned long seen = 0;
  for (int i = 0; i < 100; i++) seen |= 1ul << irg(m);
  obs("mte.irg.only_included", (seen & ~0x90ul) == 0 ? "yes" : "no");
  set_ctrl(PR_MTE_TCF_SYNC);
  seen = 0;
  for (int i = 0; i < 20; i++) seen |= 1ul << irg(m);
  obs("mte.irg.none_included", "%#lx", seen);
  set_ctrl(0);
  munmap((void*)m, obs_page);
}

static void faults(void) {
  const uintptr_t m =
      map(PROT_READ | PROT_WRITE | PROT_MTE_BIT, MAP_PRIVATE | MAP_ANONYMOUS, obs_page);
  set_ctrl(PR_MTE_TCF_SYNC | mask_of(0xfffe));
  stg(with_tag(m, 3));
  const uintptr_t bad = with_tag(m + 8, 5);
  handle(1, 0);
  long value = mte_load(bad);
  obs("mte.sync.read", "%s count %d code %d si_addr m+%#lx tag %lu",
      value == SKIPPED ? "skipped" : "ran", seen_count, seen_code,
      (unsigned long)((seen_addr << 8 >> 8) - m), (unsigned long)(seen_addr >> 56));
  handle(1, SA_EXPOSE_TAGBITS_BIT);
  value = mte_store(bad);
  obs("mte.sync.write_exposed", "%s count %d code %d si_addr m+%#lx tag %lu",
      value == SKIPPED ? "skipped" : "ran", seen_count, seen_code,
      (unsigned long)((seen_addr << 8 >> 8) - m), (unsigned long)(seen_addr >> 56));
  // Asynchronous: the store completes, the signal comes at the next kernel entry (getpid).
  set_ctrl(PR_MTE_TCF_ASYNC | mask_of(0xfffe));
  handle(0, 0);
  *(volatile long*)with_tag(m, 9) = 77;
  const pid_t pid = (pid_t)syscall(SYS_getpid);
  obs("mte.async", "count %d code %d si_addr %#lx getpid_ok %s", seen_count, seen_code,
      (unsigned long)seen_addr, pid == getpid() ? "yes" : "no");
  set_ctrl(PR_MTE_TCF_SYNC | PR_MTE_TCF_ASYNC | mask_of(0xfffe));
  handle(0, 0);
  value = mte_load(with_tag(m, 9));
  syscall(SYS_getpid);
  obs("mte.both_modes", "value %ld count %d code %d", value, seen_count, seen_code);
  // A kernel copy through a mismatched pointer (getrandom writes the buffer).
  set_ctrl(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | mask_of(0xfffe));
  for (int g = 0; g < 4; g++) stg(with_tag(m + 16 * g, 3));
  handle(1, 0);
  obs_ret("mte.copy.matching", syscall(SYS_getrandom, with_tag(m, 3), 64, 0));
  obs_ret("mte.copy.mismatched", syscall(SYS_getrandom, with_tag(m, 4), 16, 0));
  obs_ret("mte.copy.next_granule", syscall(SYS_getrandom, with_tag(m + 64, 3), 16, 0));
  obs("mte.copy.signals", "%d", seen_count);
  set_ctrl(0);
  munmap((void*)m, obs_page);
}

// A read fault of PROT_MTE memory maps the zero page too, Normal Tagged, and its tags are 0
// (cpu_enable_mte() clears them): a tag-checked load through tag 0 reads 0, one through any other
// tag faults; the write after it copies the page, whose tags are cleared then.
static void zero_page_tags(void) {
  const uintptr_t m =
      map(PROT_READ | PROT_WRITE | PROT_MTE_BIT, MAP_PRIVATE | MAP_ANONYMOUS, obs_page);
  set_ctrl(PR_MTE_TCF_SYNC | mask_of(0xfffe));
  handle(1, 0);
  long value = mte_load(with_tag(m + 64, 0));
  obs("mte.zero_page.tag0", "value %ld count %d", value, seen_count);
  handle(1, 0);
  value = mte_load(with_tag(m + 64, 5));
  obs("mte.zero_page.tag5", "%s count %d code %d", value == SKIPPED ? "skipped" : "ran", seen_count,
      seen_code);
  obs("mte.zero_page.ldg", "%u", ldg(m + 64));
  handle(1, 0);
  *(volatile long*)with_tag(m + 64, 0) = 11;
  value = mte_load(with_tag(m + 64, 0));
  obs("mte.zero_page.written", "value %ld count %d ldg %u", value, seen_count, ldg(m + 64));
  set_ctrl(0);
  munmap((void*)m, obs_page);
}

static void tagged_abi(void) {
  const uintptr_t m = map(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, obs_page);
  const uintptr_t tagged = with_tag(m, 0x2a);
  obs_ret("mte.abi.getrandom_tagged", syscall(SYS_getrandom, tagged, 16, 0));
  set_ctrl(PR_TAGGED_ADDR_ENABLE);
  obs_ret("mte.abi.getrandom_enabled", syscall(SYS_getrandom, tagged + 16, 16, 0));
  set_ctrl(0);
  obs_status("mte.abi.mprotect", mprotect((void*)tagged, obs_page, PROT_READ));
  obs_status("mte.abi.madvise", madvise((void*)tagged, obs_page, MADV_DONTNEED));
  void* moved = mremap((void*)tagged, obs_page, 2 * obs_page, MREMAP_MAYMOVE);
  obs("mte.abi.mremap_old", moved == MAP_FAILED ? "error %s" : "ok tag %s",
      moved == MAP_FAILED             ? errno_name(errno)
      : ((uintptr_t)moved >> 56) == 0 ? "0"
                                      : "kept");
  if (moved == MAP_FAILED) return;
  const uintptr_t mv = (uintptr_t)moved;
  void* fixed = mmap((void*)with_tag(mv, 0x2a), obs_page, PROT_READ,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  obs("mte.abi.mmap_fixed_tagged", fixed == MAP_FAILED ? "error %s" : "ok",
      fixed == MAP_FAILED ? errno_name(errno) : "");
  const long old_brk = syscall(SYS_brk, 0);
  obs("mte.abi.brk_tagged", "%s",
      syscall(SYS_brk, with_tag(old_brk + obs_page, 0x2a)) == old_brk ? "unchanged" : "moved");
  void* renew = mremap((void*)mv, obs_page, obs_page, MREMAP_MAYMOVE | MREMAP_FIXED,
                       (void*)with_tag(mv + 32 * obs_page, 0x2a));
  obs("mte.abi.mremap_new_tagged", renew == MAP_FAILED ? "error %s" : "ok",
      renew == MAP_FAILED ? errno_name(errno) : "");
  obs_status("mte.abi.munmap", munmap((void*)with_tag(mv, 0x2a), 2 * obs_page));
}

static void tags_follow(void) {
  const uintptr_t m =
      map(PROT_READ | PROT_WRITE | PROT_MTE_BIT, MAP_PRIVATE | MAP_ANONYMOUS, 2 * obs_page);
  stg(with_tag(m + 16, 5));
  stg(with_tag(m + obs_page + 32, 0xb));
  *(volatile long*)(m + obs_page) = 0x1234;
  const uintptr_t target = map(PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, 8 * obs_page);
  void* moved = mremap((void*)m, 2 * obs_page, 2 * obs_page, MREMAP_MAYMOVE | MREMAP_FIXED,
                       (void*)(target + 4 * obs_page));
  if (moved == MAP_FAILED) {
    obs("mte.mremap", "error %s", errno_name(errno));
    return;
  }
  const uintptr_t mv = (uintptr_t)moved;
  obs("mte.mremap", "tags %u %u %u data %#lx", ldg(mv), ldg(mv + 16), ldg(mv + obs_page + 32),
      *(volatile long*)(mv + obs_page));
  madvise((void*)mv, obs_page, MADV_DONTNEED);
  obs("mte.dontneed", "tags %u %u", ldg(mv + 16), ldg(mv + obs_page + 32));
  munmap((void*)target, 8 * obs_page);
  const uintptr_t plain = map(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, obs_page);
  *(volatile long*)(plain + 256) = 0xfeed;
  obs_status("mte.mprotect_add",
             mprotect((void*)plain, obs_page, PROT_READ | PROT_WRITE | PROT_MTE_BIT));
  obs("mte.mprotect_add.data", "%#lx tag %u", *(volatile long*)(plain + 256), ldg(plain + 256));
}

// PSTATE.TCO, which a program sets with MSR to suppress its own tag checks: the saved PSTATE
// keeps it across a system call and a signal's frame shows it; the handler runs with it clear
// (arch/arm64/kernel/signal.c setup_return) and rt_sigreturn gives back the frame's.
static volatile unsigned long handler_tco, frame_tco;

static void on_usr1_tco(int signo, siginfo_t* info, void* context) {
  (void)signo;
  (void)info;
  handler_tco = mte_get_tco();
  frame_tco = ((ucontext_t*)context)->uc_mcontext.pstate >> 25 & 1;
}

static void tag_check_override(void) {
  const uintptr_t m =
      map(PROT_READ | PROT_WRITE | PROT_MTE_BIT, MAP_PRIVATE | MAP_ANONYMOUS, obs_page);
  set_ctrl(PR_MTE_TCF_SYNC | mask_of(0xfffe));
  stg(with_tag(m, 3));
  handle(1, 0);
  mte_set_tco(1);
  syscall(SYS_getpid);
  const unsigned long after_syscall = mte_get_tco();
  const long value = mte_load(with_tag(m + 8, 5));
  obs("mte.tco.after_syscall", "tco %lu mismatched_load %s count %d", after_syscall,
      value == SKIPPED ? "skipped" : "ran", seen_count);
  struct kernel_action act = {on_usr1_tco, SA_SIGINFO | SA_RESTORER_BIT, mte_restorer, 0};
  if (syscall(SYS_rt_sigaction, SIGUSR1, &act, NULL, 8) != 0) obs("mte.tco.sigaction", "error");
  handler_tco = frame_tco = 2;
  syscall(SYS_kill, getpid(), SIGUSR1);
  const unsigned long after_handler = mte_get_tco();
  mte_set_tco(0);
  obs("mte.tco.signal", "handler %lu frame %lu after %lu", handler_tco, frame_tco, after_handler);
  set_ctrl(0);
  munmap((void*)m, obs_page);
}

int main(void) {
  obs_page = (size_t)getauxval(AT_PAGESZ);
  const unsigned long caps = getauxval(AT_HWCAP2);
  if ((caps & HWCAP2_MTE_BIT) == 0) {
    obs("mte.available", "no");
    return 0;
  }
  obs("mte.available", "yes mte3 %s", (caps & HWCAP2_MTE3_BIT) != 0 ? "yes" : "no");
  prctl_calls();
  mappings();
  inclusion();
  faults();
  zero_page_tags();
  tagged_abi();
  tags_follow();
  tag_check_override();
  return 0;
}

#else

int main(void) {
  obs("mte.available", "no");
  return 0;
}

#endif
