// The system calls static glibc and musl make besides the start-up ones (kernel/proc/
// syscalls_libc.h), as Linux 6.12 answers them: fstat and newfstatat(AT_EMPTY_PATH) of an open
// fd agree and fill the arch's struct stat, EBADF for a closed one; ioctl(TCGETS) of a
// descriptor that is no terminal is ENOTTY; the uid/gid getters of init are 0;
// sched_getaffinity's length rules; sched_yield's 0; futex's single-thread answers (FUTEX_WAKE,
// FUTEX_WAIT's EAGAIN and its timeout); clock_nanosleep's clock check and relative and absolute
// sleeps; tkill of itself with signal 0; an unknown number is ENOSYS. It asserts only what Linux
// guarantees for a process whose fd 1 is not a terminal.

#include "kernel/lib/string.h"
#include "user/lib/ktap.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

namespace {

using namespace sys;

#if defined(__aarch64__)
constexpr long NR_IOCTL = 29, NR_NEWFSTATAT = 79, NR_FSTAT = 80, NR_FUTEX = 98,
               NR_SCHED_GETAFFINITY = 123, NR_GETUID = 174, NR_GETEUID = 175, NR_GETGID = 176,
               NR_GETEGID = 177, NR_TKILL = 130, NR_CLOCK_NANOSLEEP = 115, NR_CLOCK_GETTIME = 113,
               NR_SCHED_YIELD = 124;
constexpr long TCGETS = 0x5401;
constexpr size_t STAT_SIZE = 128, STAT_MODE = 16;  // asm-generic struct stat
#else
constexpr long NR_IOCTL = 54, NR_NEWFSTATAT = 291, NR_FSTAT = 108, NR_FUTEX = 221,
               NR_SCHED_GETAFFINITY = 223, NR_GETUID = 24, NR_GETEUID = 49, NR_GETGID = 47,
               NR_GETEGID = 50, NR_TKILL = 208, NR_CLOCK_NANOSLEEP = 248, NR_CLOCK_GETTIME = 246,
               NR_SCHED_YIELD = 158;
constexpr long TCGETS = 0x402c7413;                // _IOR('t', 19, struct termios)
constexpr size_t STAT_SIZE = 144, STAT_MODE = 24;  // powerpc64 struct stat
#endif
constexpr long ENOTTY = 25, EAGAIN = 11, ETIMEDOUT = 110;
constexpr long AT_FDCWD = -100, AT_EMPTY_PATH = 0x1000;
constexpr long FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_WAIT_BITSET = 9, FUTEX_PRIVATE = 128;
constexpr long CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, TIMER_ABSTIME = 1;
constexpr uint32_t S_IFMT = 0170000;
constexpr long NS = 1000000000;

long ptr(const void* p) { return reinterpret_cast<long>(p); }

struct Timespec {
  long sec, nsec;
};
long now_ns() {
  Timespec t{};
  call(NR_CLOCK_GETTIME, CLOCK_MONOTONIC, ptr(&t));
  return t.sec * NS + t.nsec;
}

}  // namespace

int main(const StartInfo&) {
  ktap_plan(8);
  ktap_run("fstat_and_newfstatat_agree", [] {
    alignas(8) uint8_t a[STAT_SIZE + 8], b[STAT_SIZE + 8];
    klib::mem_set(a, 0xa5, sizeof(a));
    klib::mem_set(b, 0x5a, sizeof(b));
    KTAP_EXPECT(call(NR_FSTAT, 1, ptr(a)) == 0);
    KTAP_EXPECT(call(NR_NEWFSTATAT, 1, ptr(""), ptr(b), AT_EMPTY_PATH) == 0);
    KTAP_EXPECT(klib::mem_compare(a, b, STAT_SIZE) == 0);
    // Exactly the arch's struct stat is written, and st_mode names a file type.
    KTAP_EXPECT(a[STAT_SIZE] == 0xa5 && b[STAT_SIZE] == 0x5a);
    uint32_t mode = 0;
    klib::mem_copy(&mode, a + STAT_MODE, sizeof(mode));
    KTAP_EXPECT((mode & S_IFMT) != 0);
    KTAP_EXPECT(call(NR_FSTAT, 99, ptr(a)) == -EBADF);
    KTAP_EXPECT(call(NR_NEWFSTATAT, 1, ptr(""), ptr(b), 0) == -ENOENT);
    KTAP_EXPECT(call(NR_NEWFSTATAT, AT_FDCWD, ptr("/no/such/file"), ptr(b), 0) == -ENOENT);
    KTAP_EXPECT(call(NR_FSTAT, 1, static_cast<long>(KERNEL_ADDRESS)) == -EFAULT);
  });
  ktap_run("ioctl_tcgets_is_enotty", [] {
    uint8_t termios[64];
    KTAP_EXPECT(call(NR_IOCTL, 1, TCGETS, ptr(termios)) == -ENOTTY);
    KTAP_EXPECT(call(NR_IOCTL, 99, TCGETS, ptr(termios)) == -EBADF);
  });
  ktap_run("ids_are_root", [] {
    KTAP_EXPECT(call(NR_GETUID) == 0 && call(NR_GETEUID) == 0);
    KTAP_EXPECT(call(NR_GETGID) == 0 && call(NR_GETEGID) == 0);
  });
  ktap_run("sched_getaffinity", [] {
    uint64_t mask[2] = {~uint64_t{0}, ~uint64_t{0}};
    const long n = call(NR_SCHED_GETAFFINITY, 0, sizeof(mask), ptr(mask));
    // The size of the kernel's mask, at least one word; this CPU's bit is set.
    KTAP_EXPECT(n >= 8 && n <= 16 && n % 8 == 0);
    KTAP_EXPECT((mask[0] & 1) != 0);
    KTAP_EXPECT(call(NR_SCHED_GETAFFINITY, 0, 4, ptr(mask)) == -EINVAL);
    KTAP_EXPECT(call(NR_SCHED_GETAFFINITY, 0, 12, ptr(mask)) == -EINVAL);
    KTAP_EXPECT(call(NR_SCHED_GETAFFINITY, getpid() + 1000, 8, ptr(mask)) == -ESRCH);
  });
  ktap_run("sched_yield", [] { KTAP_EXPECT(call(NR_SCHED_YIELD) == 0); });
  ktap_run("futex_single_thread", [] {
    uint32_t word = 7;
    KTAP_EXPECT(call(NR_FUTEX, ptr(&word), FUTEX_WAKE | FUTEX_PRIVATE, 1) == 0);
    KTAP_EXPECT(call(NR_FUTEX, ptr(&word), FUTEX_WAIT | FUTEX_PRIVATE, 8, 0) == -EAGAIN);
    const Timespec wait{0, 20 * 1000 * 1000};
    const long before = now_ns();
    KTAP_EXPECT(call(NR_FUTEX, ptr(&word), FUTEX_WAIT | FUTEX_PRIVATE, 7, ptr(&wait)) ==
                -ETIMEDOUT);
    KTAP_EXPECT(now_ns() - before >= 20 * 1000 * 1000);
    const Timespec bad{0, NS};
    KTAP_EXPECT(call(NR_FUTEX, ptr(&word), FUTEX_WAIT_BITSET, 7, ptr(&bad), 0, -1) == -EINVAL);
  });
  ktap_run("clock_nanosleep", [] {
    const Timespec nap{0, 10 * 1000 * 1000};
    KTAP_EXPECT(call(NR_CLOCK_NANOSLEEP, CLOCK_PROCESS_CPUTIME_ID + 40, 0, ptr(&nap), 0) ==
                -EINVAL);
    long before = now_ns();
    KTAP_EXPECT(call(NR_CLOCK_NANOSLEEP, CLOCK_MONOTONIC, 0, ptr(&nap), 0) == 0);
    KTAP_EXPECT(now_ns() - before >= 10 * 1000 * 1000);
    before = now_ns();
    const long until = before + 10 * 1000 * 1000;
    const Timespec at{until / NS, until % NS};
    KTAP_EXPECT(call(NR_CLOCK_NANOSLEEP, CLOCK_MONOTONIC, TIMER_ABSTIME, ptr(&at), 0) == 0);
    KTAP_EXPECT(now_ns() >= until);
  });
  ktap_run("tkill_and_unknown", [] {
    KTAP_EXPECT(call(NR_TKILL, getpid(), 0) == 0);
    KTAP_EXPECT(call(NR_TKILL, 0, 0) == -EINVAL);
    KTAP_EXPECT(call(4000) == -ENOSYS);
  });
  return 0;
}
