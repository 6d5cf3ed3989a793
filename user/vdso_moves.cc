// The vDSO's two mappings as the program moves and removes them, each step as Linux 6.12 answers
// it on this arch (arch/powerpc/kernel/vdso.c, arch/arm64/kernel/vdso.c): /proc/self/maps names
// "[vvar]" and "[vdso]" where they are, and where a handler installed without SA_RESTORER returns
// shows the kernel's vdso pointer (the vDSO's trampoline at that pointer). In order: after exec;
// splits and growth refused; [vdso] moved (the pointer follows); [vvar] moved (the pointer
// stays); [vvar] unmapped; [vdso] unmapped, after which powerpc's close hook has cleared the
// pointer and the handler returns through the trampoline on the stack, while arm64's pointer is
// stale and the return faults at the old trampoline.

#include "user/lib/ktap.h"
#include "user/lib/maps.h"
#include "user/lib/signal.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"
#include "user/lib/vdso.h"

namespace {

using namespace sys;
using namespace sig;

constexpr uint64_t AT_SYSINFO_EHDR = 33, PAGE = 4096;
constexpr long MREMAP_FIXED = 2, MOVE = MREMAP_MAYMOVE | MREMAP_FIXED;
constexpr long ANON = MAP_PRIVATE | MAP_ANONYMOUS;
#if defined(__aarch64__)
constexpr const char* VERSION = "LINUX_2.6.39";
constexpr const char* TRAMPOLINE = "__kernel_rt_sigreturn";
constexpr uint64_t VVAR = 2 * PAGE;
constexpr uint64_t UC_PC = 440;  // arch/arm64/include/uapi/asm/ucontext.h, sigcontext.h
#else
constexpr const char* VERSION = "LINUX_2.6.15";
constexpr const char* TRAMPOLINE = "__kernel_sigtramp_rt64";  // the handler's return address
constexpr uint64_t VVAR = 3 * PAGE;
#endif

struct Layout {
  MapsRange vvar, vdso;
};

uint64_t g_base, g_text, g_return_offset;
char g_maps[8192];

Layout layout() {
  Layout l;
  if (read_maps(g_maps, sizeof(g_maps)) > 0) {
    l.vvar = find_named(g_maps, "[vvar]");
    l.vdso = find_named(g_maps, "[vdso]");
  }
  return l;
}

struct Seen {
  int handled;
  uint64_t returns_to;
  int faults;
  uint64_t fault_addr;
};
Seen g_seen;

void on_usr1(int, Info*, void*) {
  g_seen.handled++;
  g_seen.returns_to = reinterpret_cast<uint64_t>(__builtin_return_address(0));
}

#if defined(__aarch64__)
// The return to a stale trampoline faulted with the handler's frame at sp: finish its
// rt_sigreturn from here instead.
void on_stale_return(int, Info* info, void* uc) {
  g_seen.faults++;
  g_seen.fault_addr = info->addr;
  *reinterpret_cast<uint64_t*>(static_cast<uint8_t*>(uc) + UC_PC) =
      reinterpret_cast<uint64_t>(&signal_restorer);
}
#endif

// Raises SIGUSR1 with a handler that has no SA_RESTORER and returns what it saw.
Seen signal_once() {
  g_seen = Seen{};
  const Action act{reinterpret_cast<uint64_t>(&on_usr1), SA_SIGINFO, 0, 0};
  rt_sigaction(SIGUSR1, &act, nullptr);
  raise(SIGUSR1);
  return g_seen;
}

long mremap(uint64_t from, uint64_t old_len, uint64_t new_len, long flags, uint64_t to = 0) {
  return call(NR_MREMAP, static_cast<long>(from), static_cast<long>(old_len),
              static_cast<long>(new_len), flags, static_cast<long>(to));
}

// A free range of `len` bytes for MREMAP_FIXED to land on.
uint64_t free_range(uint64_t len) { return static_cast<uint64_t>(mmap(0, len, PROT_NONE, ANON)); }

uint64_t g_vdso_now, g_vvar_now;

}  // namespace

int main(const StartInfo& start) {
  g_base = getauxval(start, AT_SYSINFO_EHDR);
  VdsoImage image;
  const bool parsed = vdso_parse(g_base, image);
  g_text = (image.text_size + PAGE - 1) / PAGE * PAGE;
  g_return_offset =
      parsed ? vdso_lookup(image, VdsoTable::GnuHash, VERSION, TRAMPOLINE) - g_base : 0;
  ktap_plan(6);
  ktap_run("after_exec", [&] {
    KTAP_EXPECT(parsed && g_return_offset > 0 && g_return_offset < g_text);
    const Layout l = layout();
    KTAP_EXPECT(l.vvar.start == g_base - VVAR && l.vvar.end == g_base);
    KTAP_EXPECT(l.vdso.start == g_base && l.vdso.end == g_base + g_text);
    const Seen s = signal_once();
    KTAP_EXPECT(s.handled == 1 && s.returns_to == g_base + g_return_offset);
    g_vdso_now = g_base;
    g_vvar_now = g_base - VVAR;
  });
  ktap_run("splits_and_growth_refused", [] {
    KTAP_EXPECT(munmap(g_vvar_now + PAGE, PAGE) == -EINVAL);
    KTAP_EXPECT(mprotect(g_vvar_now, PAGE, PROT_NONE) == -EINVAL);
    KTAP_EXPECT(mremap(g_vdso_now, g_text, g_text + PAGE, MREMAP_MAYMOVE) == -EFAULT);
    KTAP_EXPECT(mremap(g_vvar_now, VVAR, VVAR + PAGE, MREMAP_MAYMOVE) == -EFAULT);
    // Moving a part would split it; the same length in place is a no-op.
    const uint64_t to = free_range(PAGE);
    KTAP_EXPECT(mremap(g_vvar_now, PAGE, PAGE, MOVE, to) == -EINVAL);
    KTAP_EXPECT(munmap(to, PAGE) == 0);
    KTAP_EXPECT(mremap(g_vvar_now, PAGE, PAGE, MREMAP_MAYMOVE) == static_cast<long>(g_vvar_now));
    const Layout l = layout();
    KTAP_EXPECT(l.vvar.start == g_vvar_now && l.vvar.end == g_vvar_now + VVAR);
    KTAP_EXPECT(l.vdso.start == g_vdso_now && l.vdso.end == g_vdso_now + g_text);
  });
  ktap_run("mremap_vdso_moves_the_pointer", [&] {
    const uint64_t to = free_range(g_text);
    KTAP_EXPECT(mremap(g_vdso_now, g_text, g_text, MOVE, to) == static_cast<long>(to));
    g_vdso_now = to;
    const Layout l = layout();
    KTAP_EXPECT(l.vdso.start == to && l.vdso.end == to + g_text);
    KTAP_EXPECT(l.vvar.start == g_vvar_now);
    const Seen s = signal_once();
    KTAP_EXPECT(s.handled == 1 && s.returns_to == to + g_return_offset);
    KTAP_EXPECT(getauxval(start, AT_SYSINFO_EHDR) == g_base);  // the auxv keeps exec's value
  });
  ktap_run("mremap_vvar_leaves_the_pointer", [] {
    const uint64_t to = free_range(VVAR);
    KTAP_EXPECT(mremap(g_vvar_now, VVAR, VVAR, MOVE, to) == static_cast<long>(to));
    g_vvar_now = to;
    const Layout l = layout();
    KTAP_EXPECT(l.vvar.start == to && l.vvar.end == to + VVAR);
    KTAP_EXPECT(l.vdso.start == g_vdso_now);
    const Seen s = signal_once();
    KTAP_EXPECT(s.handled == 1 && s.returns_to == g_vdso_now + g_return_offset);
  });
  ktap_run("munmap_vvar_leaves_the_pointer", [] {
    KTAP_EXPECT(munmap(g_vvar_now, VVAR) == 0);
    const Layout l = layout();
    KTAP_EXPECT(l.vvar.start == 0 && l.vdso.start == g_vdso_now);
    const Seen s = signal_once();
    KTAP_EXPECT(s.handled == 1 && s.returns_to == g_vdso_now + g_return_offset);
  });
  ktap_run("munmap_vdso", [] {
    const uint64_t old_trampoline = g_vdso_now + g_return_offset;
#if defined(__powerpc64__)
    volatile int here = 0;
    const uint64_t stack = reinterpret_cast<uint64_t>(&here);
    // The trampoline goes on the stack now, which must be executable for it.
    const uint64_t page = stack & ~(PAGE - 1);
    KTAP_EXPECT(mprotect(page - 8 * PAGE, 9 * PAGE, PROT_READ | PROT_WRITE | PROT_EXEC) == 0);
#else
    KTAP_EXPECT(sigaction(SIGSEGV, on_stale_return) == 0);
#endif
    KTAP_EXPECT(munmap(g_vdso_now, g_text) == 0);
    const Layout l = layout();
    KTAP_EXPECT(l.vdso.start == 0 && l.vvar.start == 0);
    const Seen s = signal_once();
    KTAP_EXPECT(s.handled == 1);
#if defined(__powerpc64__)
    // vdso_close cleared the pointer: the handler returned to the frame's trampoline, just
    // below this function's stack.
    KTAP_EXPECT(s.returns_to < stack && stack - s.returns_to < 64 * 1024);
    KTAP_EXPECT(s.faults == 0);
#else
    // No close hook: the pointer still names the unmapped trampoline, and returning there faults.
    KTAP_EXPECT(s.returns_to == old_trampoline);
    KTAP_EXPECT(s.faults == 1 && s.fault_addr == old_trampoline);
#endif
    (void)old_trampoline;
  });
  return ktap_finish();
}
