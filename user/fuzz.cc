// Seeded random system calls, each checked for a plausible Linux answer: the mm calls (mmap,
// munmap, mprotect, mremap, brk, madvise, mincore) with garbage lengths, flags and pointers
// (NULL, kernel addresses, wrapping ranges, unaligned and unmapped addresses), touches of the pages
// they mapped (a fault is caught by a SIGSEGV/SIGBUS handler that skips the access), and calls
// that take user pointers (read, write, writev, readlink, openat, uname, clock_gettime, nanosleep,
// getrandom, rt_sigaction, rt_sigprocmask, sigaltstack, prctl) given bad ones. With
// maplet.check_mm=1 the kernel validates the VMA tree and checks the page tables after every mm
// call; the program's own verdict is that every answer was plausible and it survived.
//
// argv[1] is the seed and argv[2] the number of calls (decimal or 0x-hex), the kernel's
// maplet.args.fuzz=SEED,CALLS; without them a fixed seed and a short run. The seed is printed
// first, so a failure can be replayed.
//
// The calls that can destroy memory (munmap, mprotect, mremap, madvise, MAP_FIXED) never reach
// the program's own image, its stack or its vDSO ([vvar] + [vdso], whose trampoline the fault
// handler returns through on powerpc): a range that would is drawn again. Every so often, and at
// the end, everything the program mapped is unmapped, so long runs stay within RAM.

#include "kernel/lib/string.h"
#include "user/lib/ktap.h"
#include "user/lib/maps.h"
#include "user/lib/print.h"
#include "user/lib/signal.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

extern "C" char __ehdr_start[], _end[];

namespace {

using namespace sys;

constexpr uint64_t PAGE = 4096;
constexpr uint64_t DEFAULT_SEED = 0x5eed;
constexpr uint64_t DEFAULT_CALLS = 3000;
constexpr uint64_t ARENA_PAGES = 256;
constexpr uint64_t RESET_EVERY = 512;  // calls between unmapping everything
constexpr unsigned RING = 16;          // recent mappings the calls aim at
constexpr long AT_FDCWD = -100;
constexpr uint64_t LOW_UNMAPPED = 0x1000;  // below mmap_min_addr: never mapped
#if defined(__aarch64__)
constexpr long NR_READLINKAT = 78;
constexpr long PROT_ARCH = 0x20;  // PROT_MTE
#else
constexpr long NR_READLINKAT = 296;
constexpr long PROT_ARCH = 0x8;           // PROT_SAO
#endif
constexpr long EAGAIN = 11, EBUSY = 16, EOVERFLOW = 75, EOPNOTSUPP = 95;

// splitmix64: a small, well-mixed generator whose whole state is the seed.
struct Random {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return next() % n; }
  bool chance(unsigned percent) { return below(100) < percent; }
};

struct Mapping {
  uint64_t start, length;
};

struct State {
  Random random;
  uint64_t arena;
  Mapping ring[RING];
  unsigned ring_next;
  uint64_t image_start, image_end;  // the program's own ELF image
  uint64_t user_top;                // no user address is at or above it (arm64: TASK_SIZE)
  uint64_t stack_low;               // the stack and everything above it up to user_top
  uint64_t vdso_start, vdso_end;    // [vvar] + [vdso]; both 0 without them
  uint64_t call_index;
  uint64_t implausible;
  uint64_t mm_calls, touches, faults;
  uint8_t vec[4096];  // mincore's vector, for ranges of up to 4096 pages
  char buffer[256];   // a valid buffer for the calls that fill one
};
State g;

volatile int g_fault_signal;

#if defined(__aarch64__)
constexpr uint64_t UC_PC = 440;  // ucontext's uc_mcontext.pc (arch/arm64/include/uapi/asm)
#else
constexpr uint64_t UC_PC = 232 + 32 * 8;  // gp_regs[PT_NIP] (arch/powerpc/include/uapi/asm)
#endif

// The access helpers fault at their first (read) or second (write) instruction; the handler
// moves past it, so the helper returns.
void on_fault(int signal, sig::Info*, void* uc) {
  g_fault_signal = signal;
  *reinterpret_cast<uint64_t*>(static_cast<uint8_t*>(uc) + UC_PC) += 4;
}

bool is_error(long r) { return r < 0 && r >= -4095; }
long ptr(const void* p) { return reinterpret_cast<long>(p); }

uint64_t parse(const char* s, uint64_t fallback) {
  if (s == nullptr || *s == '\0') return fallback;
  uint64_t base = 10, value = 0;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
  }
  for (; *s != '\0'; s++) {
    uint64_t digit;
    if (*s >= '0' && *s <= '9') {
      digit = static_cast<uint64_t>(*s - '0');
    } else if (base == 16 && (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f') {
      digit = static_cast<uint64_t>((*s | 0x20) - 'a' + 10);
    } else {
      return fallback;
    }
    value = value * base + digit;
  }
  return value;
}

// Whether a call on [addr, addr + len) cannot touch the program's image, stack or vDSO: a range
// that wraps (or whose page-rounded length does) is refused by Linux before anything changes, and
// addresses at or above user_top belong to no process.
bool safe(uint64_t addr, uint64_t len) {
  const uint64_t start = addr & ~(PAGE - 1);
  uint64_t rounded = 0, end = 0;
  if (__builtin_add_overflow(len, PAGE - 1, &rounded)) return true;
  rounded &= ~(PAGE - 1);
  if (__builtin_add_overflow(start, rounded, &end)) return true;
  if (rounded == 0) end = start + PAGE;  // the page at addr itself, to be sure
  const auto overlaps = [&](uint64_t lo, uint64_t hi) { return start < hi && lo < end; };
  return !overlaps(g.image_start, g.image_end) && !overlaps(g.stack_low, g.user_top) &&
         !overlaps(g.vdso_start, g.vdso_end);
}

void remember(uint64_t start, uint64_t length) {
  g.ring[g.ring_next] = Mapping{start, length};
  g.ring_next = (g.ring_next + 1) % RING;
}

// An address for a call: mostly where the program maps things, sometimes garbage.
uint64_t pick_address() {
  Random& r = g.random;
  switch (r.below(12)) {
    case 0:
    case 1:
    case 2:
      return g.arena + r.below(ARENA_PAGES) * PAGE;
    case 3:
      return g.arena + r.below(ARENA_PAGES * PAGE);  // unaligned, mostly
    case 4:
    case 5: {
      const Mapping& m = g.ring[r.below(RING)];
      if (m.length == 0) return g.arena;
      const uint64_t pages = m.length / PAGE < ARENA_PAGES ? m.length / PAGE : ARENA_PAGES;
      return m.start + r.below(pages + 1) * PAGE;
    }
    case 6:
      return 0;
    case 7:
      return KERNEL_ADDRESS + r.below(1024) * PAGE;
    case 8:
      return ~uint64_t{0} - r.below(4) * PAGE - r.below(64);  // a range from here wraps
    case 9:
      return LOW_UNMAPPED;
    case 10:
      return g.user_top - (1 + r.below(4)) * PAGE;
    default:
      return r.next();
  }
}

uint64_t pick_length(uint64_t addr) {
  Random& r = g.random;
  switch (r.below(10)) {
    case 0:
      return 0;
    case 1:
    case 2:
    case 3:
      return (1 + r.below(8)) * PAGE;
    case 4:
      return 1 + r.below(3 * PAGE);  // unaligned
    case 5:
      return (1 + r.below(ARENA_PAGES)) * PAGE;
    case 6:
      return uint64_t{1} << (40 + r.below(24));  // huge
    case 7:
      return ~uint64_t{0} - r.below(PAGE);
    case 8:
      return -addr + r.below(3) * PAGE;  // ends exactly at, or just past, the top
    default:
      return r.next();
  }
}

long pick_prot() {
  Random& r = g.random;
  if (r.chance(80)) return static_cast<long>(r.below(8));
  const long extras[] = {PROT_ARCH, 0x8 /* PROT_SEM */, 0x01000000 /* PROT_GROWSDOWN */,
                         0x02000000 /* PROT_GROWSUP */, static_cast<long>(r.next())};
  return static_cast<long>(r.below(8)) | extras[r.below(5)];
}

// A pointer the kernel must refuse: NULL, unmapped, kernel, or one whose range wraps.
uint64_t bad_pointer() {
  switch (g.random.below(4)) {
    case 0:
      return 0;
    case 1:
      return LOW_UNMAPPED + g.random.below(PAGE);
    case 2:
      return KERNEL_ADDRESS + g.random.below(1 << 20);
    default:
      return ~uint64_t{0} - g.random.below(16);
  }
}

// Records an implausible answer with everything needed to replay it.
void implausible(const char* call, long result, uint64_t a0, uint64_t a1, uint64_t a2 = 0,
                 uint64_t a3 = 0, uint64_t a4 = 0) {
  g.implausible++;
  ktap_diag("call %lu: %s(%#lx, %#lx, %#lx, %#lx, %#lx) = %ld is not a Linux answer",
            static_cast<unsigned long>(g.call_index), call, static_cast<unsigned long>(a0),
            static_cast<unsigned long>(a1), static_cast<unsigned long>(a2),
            static_cast<unsigned long>(a3), static_cast<unsigned long>(a4), result);
}

// An mm call's error, one of those its Linux manual page lists.
bool mm_errno(long r) {
  const long e = -r;
  return e == EINVAL || e == ENOMEM || e == EFAULT || e == EEXIST || e == EACCES || e == EAGAIN ||
         e == EPERM || e == ENODEV || e == EBADF || e == EOPNOTSUPP || e == EBUSY || e == EOVERFLOW;
}

bool mapped_result(long r, uint64_t length) {
  const auto start = static_cast<uint64_t>(r);
  return start % PAGE == 0 && start >= PAGE && start < g.user_top && length <= g.user_top - start;
}

void fuzz_mmap() {
  Random& r = g.random;
  const uint64_t addr = pick_address();
  const uint64_t length = pick_length(addr);
  const long prot = pick_prot();
  long flags = MAP_PRIVATE | MAP_ANONYMOUS;
  const long extras[] = {MAP_FIXED,
                         MAP_FIXED_NOREPLACE,
                         0x100 /* MAP_GROWSDOWN */,
                         0x20000 /* MAP_STACK */,
                         0x4000 | 0x40 /* NORESERVE, both arches */,
                         0x40000 /* MAP_HUGETLB */};
  if (r.chance(60)) flags |= extras[r.below(6)];
  if (r.chance(10))
    flags = (flags & ~long{MAP_PRIVATE}) | (r.chance(50) ? 1 : 3);  // SHARED(_VALIDATE)
  if (r.chance(5)) flags = static_cast<long>(static_cast<uint32_t>(r.next()));
  if (r.chance(5)) flags &= ~long{MAP_ANONYMOUS};  // a file mapping with no file
  const bool fixed = (flags & MAP_FIXED) != 0;
  if (fixed && !safe(addr, length)) return;
  const long fd = r.chance(90) ? -1 : static_cast<long>(r.below(12));
  const long offset = r.chance(90) ? 0 : static_cast<long>(r.next() & ~(PAGE - 1));
  g.mm_calls++;
  const long result = mmap(addr, length, prot, flags, fd, offset);
  if (is_error(result)) {
    if (!mm_errno(result)) implausible("mmap", result, addr, length, prot, flags, fd);
    return;
  }
  if (!mapped_result(result, length) || (fixed && static_cast<uint64_t>(result) != addr)) {
    implausible("mmap", result, addr, length, prot, flags, fd);
    return;
  }
  remember(static_cast<uint64_t>(result), length);
}

void fuzz_munmap() {
  const uint64_t addr = pick_address();
  const uint64_t length = pick_length(addr);
  if (!safe(addr, length)) return;
  g.mm_calls++;
  const long result = munmap(addr, length);
  if (result != 0 && !(is_error(result) && mm_errno(result))) {
    implausible("munmap", result, addr, length);
  }
}

void fuzz_mprotect() {
  const uint64_t addr = pick_address();
  const uint64_t length = pick_length(addr);
  if (!safe(addr, length)) return;
  const long prot = pick_prot();
  g.mm_calls++;
  const long result = mprotect(addr, length, prot);
  if (result != 0 && !(is_error(result) && mm_errno(result))) {
    implausible("mprotect", result, addr, length, prot);
  }
}

void fuzz_mremap() {
  Random& r = g.random;
  const uint64_t addr = pick_address();
  const uint64_t old_length = pick_length(addr);
  const uint64_t new_length = r.chance(50) ? pick_length(addr) : (1 + r.below(16)) * PAGE;
  const long flag_choices[] = {0,
                               MREMAP_MAYMOVE,
                               MREMAP_MAYMOVE | 2,
                               MREMAP_MAYMOVE | 4,
                               2,
                               static_cast<long>(r.next() & 0xff)};
  const long flags = flag_choices[r.below(6)];
  const uint64_t new_addr = pick_address();
  // A shrink unmaps the tail of the old range whatever it holds; a move to a fixed address
  // replaces what is there.
  if (!safe(addr, old_length) || !safe(addr, new_length)) return;
  if ((flags & 2) != 0 && !safe(new_addr, new_length)) return;
  g.mm_calls++;
  const long result = call(NR_MREMAP, static_cast<long>(addr), static_cast<long>(old_length),
                           static_cast<long>(new_length), flags, static_cast<long>(new_addr));
  if (is_error(result)) {
    if (!mm_errno(result)) implausible("mremap", result, addr, old_length, new_length, flags);
    return;
  }
  // Equal page-rounded lengths without a move leave the VMA as it is and return addr, however
  // far the range reaches (mm/mremap.c checks nothing more then).
  const bool same = static_cast<uint64_t>(result) == addr && (flags & 6) == 0;
  if (!same && !mapped_result(result, new_length)) {
    implausible("mremap", result, addr, old_length, new_length, flags, new_addr);
    return;
  }
  remember(static_cast<uint64_t>(result), new_length);
}

void fuzz_brk() {
  Random& r = g.random;
  const long current = brk(0);
  uint64_t target;
  switch (r.below(4)) {
    case 0:
      target = static_cast<uint64_t>(current) + r.below(64) * PAGE;
      break;
    case 1:
      target = static_cast<uint64_t>(current) - r.below(64) * PAGE;
      break;
    case 2:
      target = static_cast<uint64_t>(current) + r.below(3 * PAGE);
      break;
    default:
      target = pick_address();
  }
  // The heap may move anywhere between its start and what the stack's guard gap allows; a brk
  // into the image or the stack is refused by the kernel, not by this program.
  g.mm_calls++;
  const long result = brk(target);
  if (result <= 0 || static_cast<uint64_t>(result) >= g.user_top) {
    implausible("brk", result, target, static_cast<uint64_t>(current));
  }
}

void fuzz_madvise() {
  Random& r = g.random;
  const uint64_t addr = pick_address();
  const uint64_t length = pick_length(addr);
  if (!safe(addr, length)) return;
  const long advice_choices[] = {0,  1,  2,  3,  4,  8,   9,
                                 10, 11, 12, 14, 15, 100, static_cast<long>(r.next() & 0xffff)};
  const long advice = advice_choices[r.below(14)];
  g.mm_calls++;
  const long result = call(NR_MADVISE, static_cast<long>(addr), static_cast<long>(length), advice);
  if (result != 0 && !(is_error(result) && mm_errno(result))) {
    implausible("madvise", result, addr, length, static_cast<uint64_t>(advice));
  }
}

void fuzz_mincore() {
  const uint64_t addr = pick_address();
  const uint64_t length = pick_length(addr);
  // The valid vector only for ranges it can hold: the kernel writes one byte per page.
  const bool fits = length <= sizeof(g.vec) * PAGE;
  const uint64_t vec =
      fits && g.random.chance(70) ? reinterpret_cast<uint64_t>(g.vec) : bad_pointer();
  const long result =
      call(NR_MINCORE, static_cast<long>(addr), static_cast<long>(length), static_cast<long>(vec));
  if (result != 0 && !(is_error(result) && mm_errno(result))) {
    implausible("mincore", result, addr, length, vec);
  }
}

// A read or write of one word in a page the program mapped, or near one.
void touch() {
  Random& r = g.random;
  uint64_t addr;
  const Mapping& m = g.ring[r.below(RING)];
  if (m.length != 0 && r.chance(60)) {
    const uint64_t pages = m.length / PAGE < ARENA_PAGES ? m.length / PAGE : ARENA_PAGES;
    addr = m.start + r.below(pages + 1) * PAGE + r.below(PAGE / 8) * 8;
  } else {
    addr = g.arena + r.below(ARENA_PAGES) * PAGE + r.below(PAGE / 8) * 8;
  }
  if (!safe(addr, 8)) return;
  g.touches++;
  g_fault_signal = 0;
  if (r.chance(50)) {
    fault_read(addr);
  } else {
    fault_write(addr);
  }
  if (g_fault_signal != 0) g.faults++;
  if (g_fault_signal != 0 && g_fault_signal != sig::SIGSEGV && g_fault_signal != 7) {
    implausible("touch", g_fault_signal, addr, 0);
  }
}

// Calls that take user pointers, given bad ones: EFAULT (or the error a bad other argument
// brings first), never a kernel fault.
void fuzz_pointers() {
  Random& r = g.random;
  const uint64_t bad = bad_pointer(), other = bad_pointer();
  const long n = static_cast<long>(r.chance(80) ? 1 + r.below(512) : r.next());
  long result = 0;
  const char* name = "";
  bool ok = false;
  switch (r.below(13)) {
    case 0:
      name = "read";
      result = call(NR_READ, static_cast<long>(r.below(5)), static_cast<long>(bad), n);
      ok = result == 0 || result == -EFAULT || result == -EBADF || result == -EINVAL;
      break;
    case 1:
      name = "write";
      result = call(NR_WRITE, static_cast<long>(1 + r.below(8)), static_cast<long>(bad), n);
      ok = result == -EFAULT || result == -EBADF || result == -EINVAL;
      break;
    case 2:
      name = "writev";
      result = call(NR_WRITEV, static_cast<long>(1 + r.below(2)), static_cast<long>(bad),
                    static_cast<long>(1 + r.below(4)));
      ok = result == -EFAULT || result == -EINVAL;
      break;
    case 3:
      name = "readlinkat";
      if (r.chance(50)) {
        result = call(NR_READLINKAT, AT_FDCWD, ptr("/proc/self/exe"), static_cast<long>(bad), n);
      } else {
        result = call(NR_READLINKAT, AT_FDCWD, static_cast<long>(bad), ptr(g.buffer),
                      static_cast<long>(sizeof(g.buffer)));
      }
      ok = result == -EFAULT || result == -EINVAL || result == -ENOENT;
      break;
    case 4:
      name = "openat";
      result = call(NR_OPENAT, AT_FDCWD, static_cast<long>(bad), 0);
      ok = result == -EFAULT || result == -ENOENT;
      break;
    case 5:
      name = "uname";
      result = call(NR_UNAME, static_cast<long>(bad));
      ok = result == -EFAULT;
      break;
    case 6:
      name = "clock_gettime";
      result = call(NR_CLOCK_GETTIME, static_cast<long>(r.below(12)), static_cast<long>(bad));
      ok = result == -EFAULT || result == -EINVAL;
      break;
    case 7:
      name = "nanosleep";
      result = call(NR_NANOSLEEP, static_cast<long>(bad), 0);
      ok = result == -EFAULT;
      break;
    case 8:
      name = "getrandom";
      result = call(NR_GETRANDOM, static_cast<long>(bad), n, static_cast<long>(r.below(8)));
      ok = result == -EFAULT || result == -EINVAL || result == 0;
      break;
    case 9:
      // Bad (or NULL) pointers only: a valid new action could take the fault handler away.
      name = "rt_sigaction";
      result = call(NR_RT_SIGACTION, static_cast<long>(r.below(70)), static_cast<long>(bad),
                    static_cast<long>(other), 8);
      ok = result == -EFAULT || result == -EINVAL || (result == 0 && bad == 0 && other == 0);
      break;
    case 10:
      name = "rt_sigprocmask";
      result = call(sig::NR_RT_SIGPROCMASK, static_cast<long>(r.below(4)), static_cast<long>(bad),
                    static_cast<long>(other), 8);
      ok = result == -EFAULT || result == -EINVAL || (result == 0 && bad == 0 && other == 0);
      break;
    case 11:
      name = "sigaltstack";
      result = call(sig::NR_SIGALTSTACK, static_cast<long>(bad), static_cast<long>(other));
      ok = result == -EFAULT || (result == 0 && bad == 0 && other == 0);
      break;
    default:
      name = "prctl";
      result = call(NR_PRCTL, r.chance(50) ? 15 : 16, static_cast<long>(bad));
      ok = result == -EFAULT;
      break;
  }
  if (!ok) implausible(name, result, bad, static_cast<uint64_t>(n));
}

// Unmaps everything the calls mapped and reserves a fresh arena.
bool reset() {
  for (Mapping& m : g.ring) {
    if (m.length != 0 && safe(m.start, m.length)) munmap(m.start, m.length);
    m = Mapping{};
  }
  if (g.arena != 0) munmap(g.arena, ARENA_PAGES * PAGE);
  const long arena =
      mmap(0, ARENA_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  if (is_error(arena)) return false;
  g.arena = static_cast<uint64_t>(arena);
  return true;
}

}  // namespace

int main(const StartInfo& start) {
  const uint64_t seed = parse(start.argc > 1 ? start.argv[1] : nullptr, DEFAULT_SEED);
  const uint64_t calls = parse(start.argc > 2 ? start.argv[2] : nullptr, DEFAULT_CALLS);
  ktap_plan(1);
  ktap_diag("fuzz seed %#lx, %lu calls (argv: SEED CALLS)", static_cast<unsigned long>(seed),
            static_cast<unsigned long>(calls));
  ktap_run("random_calls_get_linux_answers", [&] {
    g.random = Random{seed};
#if defined(__aarch64__)
    g.user_top = task_size();
#else
    g.user_top = uint64_t{1} << 52;
#endif
    volatile int here = 0;
    const uint64_t sp = reinterpret_cast<uint64_t>(&here);
    g.stack_low = (sp & ~(PAGE - 1)) - 256 * PAGE;
    g.image_start = reinterpret_cast<uint64_t>(__ehdr_start) & ~(PAGE - 1);
    g.image_end = (reinterpret_cast<uint64_t>(_end) + PAGE - 1) & ~(PAGE - 1);
    static char maps[8192];
    if (!KTAP_EXPECT(read_maps(maps, sizeof(maps)) > 0)) return;
    const MapsRange vvar = find_named(maps, "[vvar]"), vdso = find_named(maps, "[vdso]");
    g.vdso_start = vvar.start != 0 ? vvar.start : vdso.start;
    g.vdso_end = vdso.end;
    if (!KTAP_EXPECT(sig::sigaction(sig::SIGSEGV, on_fault, sig::SA_NODEFER) == 0)) return;
    if (!KTAP_EXPECT(sig::sigaction(7 /* SIGBUS */, on_fault, sig::SA_NODEFER) == 0)) return;
    if (!KTAP_EXPECT(reset())) return;
    for (g.call_index = 0; g.call_index < calls; g.call_index++) {
      if (g.call_index % RESET_EVERY == RESET_EVERY - 1 && !KTAP_EXPECT(reset())) return;
      switch (g.random.below(16)) {
        case 0:
        case 1:
          fuzz_mmap();
          break;
        case 2:
          fuzz_munmap();
          break;
        case 3:
        case 4:
          fuzz_mprotect();
          break;
        case 5:
          fuzz_mremap();
          break;
        case 6:
          fuzz_brk();
          break;
        case 7:
          fuzz_madvise();
          break;
        case 8:
          fuzz_mincore();
          break;
        case 9:
        case 10:
        case 11:
        case 12:
          touch();
          break;
        default:
          fuzz_pointers();
      }
    }
    KTAP_EXPECT(reset());
    munmap(g.arena, ARENA_PAGES * PAGE);
    ktap_diag("%lu mm calls, %lu touches (%lu faulted), %lu implausible answers",
              static_cast<unsigned long>(g.mm_calls), static_cast<unsigned long>(g.touches),
              static_cast<unsigned long>(g.faults), static_cast<unsigned long>(g.implausible));
    KTAP_EXPECT(g.implausible == 0);
  });
  return ktap_finish();
}
