// The process system calls, success and error paths, as Linux 6.12 answers them: identity
// (getpid, gettid, getppid, set_tid_address), the standard streams (read, write, writev with
// EBADF and EFAULT for kernel, unmapped and wrapping pointers), uname, clock_gettime,
// nanosleep, getrandom, prctl's names, kill and tgkill's checks, and ENOSYS for a call Maplet
// lacks. It asserts only what Linux guarantees, so it passes under Linux too.

#include "kernel/lib/string.h"
#include "user/lib/ktap.h"
#include "user/lib/print.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

namespace {

using namespace sys;

// Never mapped in a static program: far below the stack, far above the image.
constexpr uint64_t UNMAPPED = 0x100000000;
constexpr uint64_t WRAPPING = ~uint64_t{0} - 7;  // 8 bytes before the top: any length > 8 wraps

long ptr(const void* p) { return reinterpret_cast<long>(p); }

struct Timespec {
  int64_t sec, nsec;
};

int64_t ns_of(const Timespec& t) { return t.sec * 1000000000 + t.nsec; }

constexpr int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_BOOTTIME = 7;
constexpr long PR_SET_NAME = 15, PR_GET_NAME = 16;
constexpr long SIGCHLD = 17;

}  // namespace

int main(const StartInfo&) {
  ktap_plan(14);
  ktap_run("identity", [] {
    const long pid = getpid();
    KTAP_EXPECT(pid > 0);
    KTAP_EXPECT(call(NR_GETTID) == pid);
    KTAP_EXPECT(call(NR_GETPPID) >= 0);
    int tid_word = 0;
    KTAP_EXPECT(call(NR_SET_TID_ADDRESS, ptr(&tid_word)) == pid);
  });
  ktap_run("write_paths", [] {
    static const char text[] = "# a diagnostic written with write()\n";
    KTAP_EXPECT(write(1, text, sizeof(text) - 1) == static_cast<long>(sizeof(text) - 1));
    KTAP_EXPECT(write(1, text, 0) == 0);
    KTAP_EXPECT(write(7, text, 4) == -EBADF);
    KTAP_EXPECT(write(-1, text, 4) == -EBADF);
    KTAP_EXPECT(call(NR_WRITE, 1, static_cast<long>(KERNEL_ADDRESS), 8) == -EFAULT);
    KTAP_EXPECT(call(NR_WRITE, 1, static_cast<long>(UNMAPPED), 8) == -EFAULT);
    KTAP_EXPECT(call(NR_WRITE, 1, static_cast<long>(WRAPPING), 64) == -EFAULT);
  });
  ktap_run("stderr_goes_to_the_host", [] {
    static const char text[] = "syscalls: a line on standard error\n";
    KTAP_EXPECT(write(2, text, sizeof(text) - 1) == static_cast<long>(sizeof(text) - 1));
  });
  ktap_run("writev_paths", [] {
    static const char a[] = "# writev: ", b[] = "two pieces\n";
    struct {
      const void* base;
      uint64_t length;
    } iov[2] = {{a, sizeof(a) - 1}, {b, sizeof(b) - 1}};
    print_flush();
    KTAP_EXPECT(call(NR_WRITEV, 1, ptr(iov), 2) == static_cast<long>(sizeof(a) + sizeof(b) - 2));
    KTAP_EXPECT(call(NR_WRITEV, 1, static_cast<long>(UNMAPPED), 2) == -EFAULT);
    KTAP_EXPECT(call(NR_WRITEV, 1, ptr(iov), 5000) == -EINVAL);
    KTAP_EXPECT(call(NR_WRITEV, 9, ptr(iov), 2) == -EBADF);
  });
  ktap_run("read_paths", [] {
    char buffer[8];
    KTAP_EXPECT(read(0, buffer, sizeof(buffer)) == 0);  // no input: end of file
    KTAP_EXPECT(read(5, buffer, sizeof(buffer)) == -EBADF);
  });
  ktap_run("uname", [] {
    char uts[6][65];
    for (auto& field : uts) klib::mem_set(field, 'x', sizeof(field));
    KTAP_EXPECT(call(NR_UNAME, ptr(uts)) == 0);
    KTAP_EXPECT(klib::str_equal(uts[0], "Linux"));
#if defined(__aarch64__)
    KTAP_EXPECT(klib::str_equal(uts[4], "aarch64"));
#elif __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    KTAP_EXPECT(klib::str_equal(uts[4], "ppc64le"));
#else
    KTAP_EXPECT(klib::str_equal(uts[4], "ppc64"));
#endif
    ktap_diag("release \"%s\" machine \"%s\"", uts[2], uts[4]);
    KTAP_EXPECT(call(NR_UNAME, static_cast<long>(KERNEL_ADDRESS)) == -EFAULT);
    KTAP_EXPECT(call(NR_UNAME, static_cast<long>(UNMAPPED)) == -EFAULT);
  });
  ktap_run("clock_gettime", [] {
    Timespec a{}, b{};
    KTAP_EXPECT(call(NR_CLOCK_GETTIME, CLOCK_MONOTONIC, ptr(&a)) == 0);
    KTAP_EXPECT(call(NR_CLOCK_GETTIME, CLOCK_MONOTONIC, ptr(&b)) == 0);
    KTAP_EXPECT(a.nsec >= 0 && a.nsec < 1000000000);
    KTAP_EXPECT(ns_of(b) >= ns_of(a));
    KTAP_EXPECT(call(NR_CLOCK_GETTIME, CLOCK_REALTIME, ptr(&a)) == 0);
    KTAP_EXPECT(call(NR_CLOCK_GETTIME, CLOCK_BOOTTIME, ptr(&a)) == 0);
    KTAP_EXPECT(call(NR_CLOCK_GETTIME, 12345, ptr(&a)) == -EINVAL);
    KTAP_EXPECT(call(NR_CLOCK_GETTIME, CLOCK_MONOTONIC, static_cast<long>(KERNEL_ADDRESS)) ==
                -EFAULT);
  });
  ktap_run("nanosleep", [] {
    Timespec before{}, after{};
    const Timespec request{0, 2000000};
    call(NR_CLOCK_GETTIME, CLOCK_MONOTONIC, ptr(&before));
    KTAP_EXPECT(call(NR_NANOSLEEP, ptr(&request), 0) == 0);
    call(NR_CLOCK_GETTIME, CLOCK_MONOTONIC, ptr(&after));
    // nanosleep's contract: at least the requested time has passed.
    KTAP_EXPECT(ns_of(after) - ns_of(before) >= ns_of(request));
    const Timespec bad{0, 1000000000};
    KTAP_EXPECT(call(NR_NANOSLEEP, ptr(&bad), 0) == -EINVAL);
    const Timespec negative{-1, 0};
    KTAP_EXPECT(call(NR_NANOSLEEP, ptr(&negative), 0) == -EINVAL);
    KTAP_EXPECT(call(NR_NANOSLEEP, static_cast<long>(UNMAPPED), 0) == -EFAULT);
  });
  ktap_run("getrandom", [] {
    uint8_t a[32] = {}, b[32] = {};
    KTAP_EXPECT(call(NR_GETRANDOM, ptr(a), sizeof(a), 0) == static_cast<long>(sizeof(a)));
    KTAP_EXPECT(call(NR_GETRANDOM, ptr(b), sizeof(b), 0) == static_cast<long>(sizeof(b)));
    KTAP_EXPECT(klib::mem_compare(a, b, sizeof(a)) != 0);
    KTAP_EXPECT(call(NR_GETRANDOM, ptr(a), sizeof(a), 0x40) == -EINVAL);
    KTAP_EXPECT(call(NR_GETRANDOM, ptr(a), sizeof(a), 2 | 4) == -EINVAL);
    KTAP_EXPECT(call(NR_GETRANDOM, static_cast<long>(KERNEL_ADDRESS), 16, 0) == -EFAULT);
  });
  ktap_run("prctl_name", [] {
    char name[16] = {};
    KTAP_EXPECT(call(NR_PRCTL, PR_GET_NAME, ptr(name)) == 0);
    KTAP_EXPECT(klib::str_equal(name, "syscalls"));
    KTAP_EXPECT(call(NR_PRCTL, PR_SET_NAME, ptr("a-name-longer-than-fifteen")) == 0);
    KTAP_EXPECT(call(NR_PRCTL, PR_GET_NAME, ptr(name)) == 0);
    KTAP_EXPECT(klib::str_equal(name, "a-name-longer-t"));
    KTAP_EXPECT(call(NR_PRCTL, PR_SET_NAME, static_cast<long>(UNMAPPED)) == -EFAULT);
    KTAP_EXPECT(call(NR_PRCTL, PR_GET_NAME, static_cast<long>(KERNEL_ADDRESS)) == -EFAULT);
    KTAP_EXPECT(call(NR_PRCTL, 0x7fff, 0) == -EINVAL);
  });
  ktap_run("kill_checks", [] {
    const long pid = getpid();
    KTAP_EXPECT(call(NR_KILL, pid, 0) == 0);
    KTAP_EXPECT(call(NR_KILL, pid, SIGCHLD) == 0);  // ignored by default: nothing happens
    KTAP_EXPECT(call(NR_KILL, pid, 65) == -EINVAL);
    KTAP_EXPECT(call(NR_KILL, 99999, 0) == -ESRCH);
    KTAP_EXPECT(call(NR_TGKILL, pid, pid, 0) == 0);
    KTAP_EXPECT(call(NR_TGKILL, 0, pid, 0) == -EINVAL);
    KTAP_EXPECT(call(NR_TGKILL, pid, 99999, 0) == -ESRCH);
  });
  ktap_run("unknown_is_enosys", [] {
    KTAP_EXPECT(call(4000) == -ENOSYS);
    KTAP_EXPECT(call(-1) == -ENOSYS);
  });
  ktap_run("string_argument_paths", [] {
    KTAP_EXPECT(call(NR_OPENAT, -100, static_cast<long>(KERNEL_ADDRESS), 0) == -EFAULT);
    KTAP_EXPECT(call(NR_OPENAT, -100, static_cast<long>(UNMAPPED), 0) == -EFAULT);
    KTAP_EXPECT(call(NR_OPENAT, -100, ptr("/no/such/file"), 0) == -ENOENT);
  });
  ktap_run("stack_pages_fault_in_for_the_kernel", [] {
    // A buffer deep in the stack, in pages the program never touched: the kernel's copy brings
    // them in on demand.
    char deep[64 * 1024];
    KTAP_EXPECT(call(NR_GETRANDOM, ptr(deep), sizeof(deep), 0) == static_cast<long>(sizeof(deep)));
    uint8_t any = 0;
    for (char c : deep) any |= static_cast<uint8_t>(c);
    KTAP_EXPECT(any != 0);
  });
  return ktap_finish();
}
