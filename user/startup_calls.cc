// The system calls static glibc makes before main, as Linux 6.12 answers them: set_robust_list
// (only the one head size), prlimit64 of the caller (Linux's initial limits, errors, a lowered
// limit read back), readlinkat (and powerpc's readlink) of /proc/self/exe giving the exec path,
// cut to the buffer, and their errors. It asserts only what Linux guarantees.

#include "kernel/lib/string.h"
#include "user/lib/ktap.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

namespace {

using namespace sys;

#if defined(__aarch64__)
constexpr long NR_READLINKAT = 78, NR_SET_ROBUST_LIST = 99, NR_PRLIMIT64 = 261;
#else
constexpr long NR_READLINKAT = 296, NR_SET_ROBUST_LIST = 300, NR_PRLIMIT64 = 325, NR_READLINK = 85;
#endif
constexpr long AT_FDCWD = -100;
constexpr long RLIMIT_STACK = 3, RLIMIT_NOFILE = 7, RLIM_NLIMITS = 16;
constexpr uint64_t RLIM_INFINITY = ~uint64_t{0};
constexpr uint64_t UNMAPPED = 0x100000000;

struct Rlimit {
  uint64_t current, maximum;
};

long ptr(const void* p) { return reinterpret_cast<long>(p); }
const char* g_path;

}  // namespace

int main(const StartInfo& start) {
  g_path = start.argv[0];
  ktap_plan(4);
  ktap_run("set_robust_list", [] {
    uint64_t head[3] = {0, 0, 0};
    KTAP_EXPECT(call(NR_SET_ROBUST_LIST, ptr(head), 24) == 0);
    KTAP_EXPECT(call(NR_SET_ROBUST_LIST, ptr(head), 23) == -EINVAL);
  });
  ktap_run("prlimit64_reads_linux_initial_limits", [] {
    Rlimit old{1, 1};
    KTAP_EXPECT(call(NR_PRLIMIT64, 0, RLIMIT_STACK, 0, ptr(&old)) == 0);
    KTAP_EXPECT(old.current == 8 * 1024 * 1024 && old.maximum == RLIM_INFINITY);
    KTAP_EXPECT(call(NR_PRLIMIT64, getpid(), RLIMIT_NOFILE, 0, ptr(&old)) == 0);
    KTAP_EXPECT(old.current == 1024 && old.maximum == 4096);
    KTAP_EXPECT(call(NR_PRLIMIT64, 0, RLIM_NLIMITS, 0, ptr(&old)) == -EINVAL);
    KTAP_EXPECT(call(NR_PRLIMIT64, 0, RLIMIT_STACK, 0, static_cast<long>(UNMAPPED)) == -EFAULT);
  });
  ktap_run("prlimit64_sets_and_checks", [] {
    const Rlimit lower{1024 * 1024, RLIM_INFINITY};
    Rlimit old{};
    KTAP_EXPECT(call(NR_PRLIMIT64, 0, RLIMIT_STACK, ptr(&lower), ptr(&old)) == 0);
    KTAP_EXPECT(old.current == 8 * 1024 * 1024);
    KTAP_EXPECT(call(NR_PRLIMIT64, 0, RLIMIT_STACK, 0, ptr(&old)) == 0);
    KTAP_EXPECT(old.current == lower.current);
    const Rlimit inverted{2, 1};
    KTAP_EXPECT(call(NR_PRLIMIT64, 0, RLIMIT_STACK, ptr(&inverted), 0) == -EINVAL);
    const Rlimit too_many{1024, uint64_t{1} << 40};
    KTAP_EXPECT(call(NR_PRLIMIT64, 0, RLIMIT_NOFILE, ptr(&too_many), 0) == -EPERM);
    KTAP_EXPECT(call(NR_PRLIMIT64, 0, RLIMIT_STACK, static_cast<long>(UNMAPPED), 0) == -EFAULT);
  });
  ktap_run("readlink_of_proc_self_exe", [] {
    char buffer[64];
    const long n = static_cast<long>(klib::str_length(g_path));
    klib::mem_set(buffer, 0, sizeof(buffer));
    KTAP_EXPECT(call(NR_READLINKAT, AT_FDCWD, ptr("/proc/self/exe"), ptr(buffer), 64) == n);
    KTAP_EXPECT(klib::str_equal(buffer, g_path));
    klib::mem_set(buffer, 0, sizeof(buffer));
    KTAP_EXPECT(call(NR_READLINKAT, AT_FDCWD, ptr("/proc/self/exe"), ptr(buffer), 3) == 3);
    KTAP_EXPECT(buffer[3] == '\0' && klib::mem_compare(buffer, g_path, 3) == 0);
    KTAP_EXPECT(call(NR_READLINKAT, AT_FDCWD, ptr("/proc/self/exe"), ptr(buffer), 0) == -EINVAL);
    KTAP_EXPECT(call(NR_READLINKAT, AT_FDCWD, ptr("/no/such/link"), ptr(buffer), 64) == -ENOENT);
    KTAP_EXPECT(call(NR_READLINKAT, AT_FDCWD, ptr("/proc/self/exe"), static_cast<long>(UNMAPPED),
                     64) == -EFAULT);
#if defined(__powerpc64__)
    KTAP_EXPECT(call(NR_READLINK, ptr("/proc/self/exe"), ptr(buffer), 64) == n);
#endif
  });
  return 0;
}
