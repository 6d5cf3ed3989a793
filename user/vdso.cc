// The vDSO from a program: found from AT_SYSINFO_EHDR as glibc finds it (user/lib/vdso.h), every
// exported function by name and version through both hash tables, each called and compared with
// the system call it stands for (the same clock between two system calls, the same resolution,
// the same errors), and powerpc's extra functions (time, the timebase frequency, the syscall map,
// getcpu, the cache sync that makes written code runnable).

#include "user/lib/vdso.h"
#include "kernel/lib/string.h"
#include "user/lib/ktap.h"
#include "user/lib/maps.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

extern "C" long vdso_call(uint64_t function, long a0 = 0, long a1 = 0, long a2 = 0, long a3 = 0,
                          long a4 = 0);
#if defined(__powerpc64__)
extern "C" long vdso_call_red_zone(uint64_t function, long a0, long a1);
#endif

namespace {

using namespace sys;

constexpr uint64_t AT_SYSINFO_EHDR = 33, PAGE = 4096;
constexpr long CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2,
               CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6,
               CLOCK_BOOTTIME = 7, CLOCK_TAI = 11;
// The clocks Linux's vDSO reads itself; the rest go to the system call.
constexpr long SERVED[] = {CLOCK_REALTIME,
                           CLOCK_MONOTONIC,
                           CLOCK_MONOTONIC_RAW,
                           CLOCK_REALTIME_COARSE,
                           CLOCK_MONOTONIC_COARSE,
                           CLOCK_BOOTTIME,
                           CLOCK_TAI};
constexpr long NOT_SERVED[] = {CLOCK_PROCESS_CPUTIME_ID, 99};
constexpr long ALL_CLOCKS[] = {
    CLOCK_REALTIME,        CLOCK_MONOTONIC,        CLOCK_PROCESS_CPUTIME_ID, CLOCK_MONOTONIC_RAW,
    CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME,           CLOCK_TAI};
constexpr long NR_CLOCK_GETRES_ARCH =
#if defined(__aarch64__)
    114;
#else
    247;
#endif

#if defined(__aarch64__)
constexpr const char* VERSION = "LINUX_2.6.39";
constexpr uint64_t VVAR_PAGES = 2;
constexpr const char* SYMBOLS[] = {"__kernel_clock_gettime", "__kernel_gettimeofday",
                                   "__kernel_clock_getres", "__kernel_rt_sigreturn",
                                   "__kernel_getrandom"};
#else
constexpr const char* VERSION = "LINUX_2.6.15";
constexpr uint64_t VVAR_PAGES = 3;
constexpr const char* SYMBOLS[] = {"__kernel_get_tbfreq",   "__kernel_clock_gettime",
                                   "__kernel_clock_getres", "__kernel_gettimeofday",
                                   "__kernel_time",         "__kernel_get_syscall_map",
                                   "__kernel_sync_dicache", "__kernel_sigtramp_rt64",
                                   "__kernel_getcpu",       "__kernel_getrandom"};
#endif

struct Timespec {
  int64_t sec, nsec;
};
int64_t ns(const Timespec& t) { return t.sec * 1000000000 + t.nsec; }
long ptr(const void* p) { return reinterpret_cast<long>(p); }

VdsoImage g_vdso;
char g_maps[8192];

uint64_t function(const char* name) {
  return vdso_lookup(g_vdso, VdsoTable::GnuHash, VERSION, name);
}

}  // namespace

int main(const StartInfo& start) {
  const uint64_t base = getauxval(start, AT_SYSINFO_EHDR);
  ktap_plan(9);
  ktap_run("found_from_auxv", [&] {
    KTAP_EXPECT(base != 0 && base % PAGE == 0);
    KTAP_EXPECT(vdso_parse(base, g_vdso));
    KTAP_EXPECT(g_vdso.load_offset == base);  // linked at 0
    KTAP_EXPECT(g_vdso.hash != nullptr && g_vdso.gnu_hash != nullptr);
    KTAP_EXPECT(read_maps(g_maps, sizeof(g_maps)) > 0);
    const MapsRange text = find_named(g_maps, "[vdso]");
    const MapsRange data = find_named(g_maps, "[vvar]");
    KTAP_EXPECT(text.start == base);
    KTAP_EXPECT(text.end == base + (g_vdso.text_size + PAGE - 1) / PAGE * PAGE);
    KTAP_EXPECT(klib::str_equal(text.perms, "r-xp"));
    KTAP_EXPECT(data.end == base && data.start == base - VVAR_PAGES * PAGE);
    KTAP_EXPECT(klib::str_equal(data.perms, "r--p"));
  });
  ktap_run("every_symbol_by_name_and_version", [&] {
    for (const char* name : SYMBOLS) {
      const uint64_t by_gnu = vdso_lookup(g_vdso, VdsoTable::GnuHash, VERSION, name);
      const uint64_t by_sysv = vdso_lookup(g_vdso, VdsoTable::Hash, VERSION, name);
      if (!KTAP_EXPECT(by_gnu == by_sysv && by_gnu >= base && by_gnu < base + g_vdso.text_size)) {
        ktap_diag("%s: %lx %lx", name, by_gnu, by_sysv);
      }
      KTAP_EXPECT(vdso_lookup(g_vdso, VdsoTable::GnuHash, "LINUX_2.6", name) == 0);
    }
    KTAP_EXPECT(function("__kernel_vsyscall") == 0);
    KTAP_EXPECT(function("vdso_clock_gettime") == 0);  // the C++ function behind it is local
  });
  ktap_run("clock_gettime_between_system_calls", [] {
    for (long clock : SERVED) {
      Timespec before{}, inside{}, after{};
      KTAP_EXPECT(call(NR_CLOCK_GETTIME, clock, ptr(&before)) == 0);
      KTAP_EXPECT(vdso_call(function("__kernel_clock_gettime"), clock, ptr(&inside)) == 0);
      KTAP_EXPECT(call(NR_CLOCK_GETTIME, clock, ptr(&after)) == 0);
      KTAP_EXPECT(ns(before) <= ns(inside) && ns(inside) <= ns(after));
      KTAP_EXPECT(inside.nsec >= 0 && inside.nsec < 1000000000);
    }
    // A clock the vDSO does not read: it gives the system call's answer (the CPU clock's 0, an
    // unknown clock's EINVAL).
    Timespec t{};
    for (long clock : NOT_SERVED) {
      KTAP_EXPECT(vdso_call(function("__kernel_clock_gettime"), clock, ptr(&t)) ==
                  call(NR_CLOCK_GETTIME, clock, ptr(&t)));
    }
  });
  ktap_run("clock_getres_as_the_system_call", [] {
    for (long clock : ALL_CLOCKS) {
      Timespec from_vdso{-1, -1}, from_kernel{-2, -2};
      const long a = vdso_call(function("__kernel_clock_getres"), clock, ptr(&from_vdso));
      const long b = call(NR_CLOCK_GETRES_ARCH, clock, ptr(&from_kernel));
      KTAP_EXPECT(a == b);
      if (a == 0) KTAP_EXPECT(ns(from_vdso) == ns(from_kernel));
    }
    KTAP_EXPECT(vdso_call(function("__kernel_clock_getres"), CLOCK_MONOTONIC, 0) == 0);
  });
  ktap_run("gettimeofday_between_system_calls", [] {
    Timespec before{}, after{};
    struct {
      int64_t sec, usec;
    } tv{};
    int32_t tz[2] = {-1, -1};
    KTAP_EXPECT(call(NR_CLOCK_GETTIME, CLOCK_REALTIME, ptr(&before)) == 0);
    KTAP_EXPECT(vdso_call(function("__kernel_gettimeofday"), ptr(&tv), ptr(tz)) == 0);
    KTAP_EXPECT(call(NR_CLOCK_GETTIME, CLOCK_REALTIME, ptr(&after)) == 0);
    const int64_t us = tv.sec * 1000000 + tv.usec;
    KTAP_EXPECT(ns(before) / 1000 <= us && us <= ns(after) / 1000);
    KTAP_EXPECT(tz[0] == 0 && tz[1] == 0);
    KTAP_EXPECT(vdso_call(function("__kernel_gettimeofday"), 0, 0) == 0);
  });
  ktap_run("getrandom", [] {
    uint8_t buffer[32] = {};
    KTAP_EXPECT(vdso_call(function("__kernel_getrandom"), ptr(buffer), sizeof(buffer), 0, 0, 0) ==
                static_cast<long>(sizeof(buffer)));
    bool nonzero = false;
    for (uint8_t b : buffer) nonzero |= b != 0;
    KTAP_EXPECT(nonzero);
    // The state-size question: this vDSO keeps no generator state and says so (non-zero), so a
    // caller uses the system call.
    uint8_t params[64];
    KTAP_EXPECT(vdso_call(function("__kernel_getrandom"), 0, 0, 0, ptr(params), -1) == -ENOSYS);
    KTAP_EXPECT(vdso_call(function("__kernel_getrandom"), ptr(buffer), 8, 0x7777, 0, 0) ==
                call(NR_GETRANDOM, ptr(buffer), 8, 0x7777));
  });
  ktap_run("callers_red_zone_kept", [] {
#if defined(__powerpc64__)
    // The 88 bytes below the caller's r1, which Linux's entries leave alone (user/arch/powerpc
    // vdso_call.S), through each entry that makes a frame, served clock or not.
    constexpr long KEPT = 88 / 8;
    Timespec t{};
    unsigned cpu = 0, node = 0;
    for (long clock : ALL_CLOCKS) {
      KTAP_EXPECT(vdso_call_red_zone(function("__kernel_clock_gettime"), clock, ptr(&t)) == KEPT);
      KTAP_EXPECT(vdso_call_red_zone(function("__kernel_clock_getres"), clock, ptr(&t)) == KEPT);
    }
    KTAP_EXPECT(vdso_call_red_zone(function("__kernel_gettimeofday"), ptr(&t), 0) == KEPT);
    KTAP_EXPECT(vdso_call_red_zone(function("__kernel_time"), 0, 0) == KEPT);
    KTAP_EXPECT(vdso_call_red_zone(function("__kernel_getcpu"), ptr(&cpu), ptr(&node)) == KEPT);
#else
    ktap_skip("arm64's calling convention has no red zone");
#endif
  });
#if defined(__powerpc64__)
  ktap_run("powerpc_time_tbfreq_getcpu", [] {
    Timespec before{}, after{};
    int64_t stored = -1;
    KTAP_EXPECT(call(NR_CLOCK_GETTIME, CLOCK_REALTIME, ptr(&before)) == 0);
    const long t = vdso_call(function("__kernel_time"), ptr(&stored));
    KTAP_EXPECT(call(NR_CLOCK_GETTIME, CLOCK_REALTIME, ptr(&after)) == 0);
    KTAP_EXPECT(before.sec <= t && t <= after.sec && stored == t);
    // The clock counts the timebase: its time lies between the timebase's before and after.
    const auto frequency = static_cast<uint64_t>(vdso_call(function("__kernel_get_tbfreq")));
    KTAP_EXPECT(frequency > 0);
    uint64_t tb0, tb1;
    Timespec now{};
    asm volatile("mftb %0" : "=r"(tb0));
    call(NR_CLOCK_GETTIME, CLOCK_MONOTONIC, ptr(&now));
    asm volatile("mftb %0" : "=r"(tb1));
    const auto now_ns = static_cast<uint64_t>(ns(now));
    KTAP_EXPECT(tb0 / frequency * 1000000000 + tb0 % frequency * 1000000000 / frequency <= now_ns);
    KTAP_EXPECT(now_ns <= tb1 / frequency * 1000000000 + tb1 % frequency * 1000000000 / frequency);
    unsigned cpu = 7, node = 7;
    KTAP_EXPECT(vdso_call(function("__kernel_getcpu"), ptr(&cpu), ptr(&node), 0) == 0);
    KTAP_EXPECT(cpu == 0 && node == 0);
  });
  ktap_run("powerpc_syscall_map_and_sync_dicache", [] {
    unsigned count = 0;
    const auto* map = reinterpret_cast<const uint32_t*>(
        vdso_call(function("__kernel_get_syscall_map"), ptr(&count)));
    KTAP_EXPECT(count == 463);  // NR_syscalls of Linux 6.12
    KTAP_EXPECT(map == reinterpret_cast<const uint32_t*>(
                           vdso_call(function("__kernel_get_syscall_map"), 0)));
    auto has = [&](long n) { return (map[n / 32] & (0x80000000u >> (n % 32))) != 0; };
    const long implemented[] = {NR_READ, NR_WRITE,         NR_GETPID,
                                NR_MMAP, NR_CLOCK_GETTIME, NR_RT_SIGACTION};
    for (long n : implemented) KTAP_EXPECT(has(n));
    // fork (2): not implemented, so not in the map, and ENOSYS.
    KTAP_EXPECT(!has(2) && call(2) == -ENOSYS);
    // Code written to a page runs after the sync: li r3,N; blr.
    const long page =
        mmap(0, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS);
    KTAP_EXPECT(page > 0);
    auto* code = at<uint32_t>(page);
    for (uint32_t n = 42; n <= 43; n++) {
      code[0] = 0x38600000 | n;
      code[1] = 0x4e800020;
      KTAP_EXPECT(vdso_call(function("__kernel_sync_dicache"), page, 8) == 0);
      KTAP_EXPECT(vdso_call(static_cast<uint64_t>(page)) == static_cast<long>(n));
    }
    KTAP_EXPECT(munmap(page, PAGE) == 0);
  });
#else
  ktap_run("arm64_has_no_powerpc_functions", [] {
    KTAP_EXPECT(function("__kernel_time") == 0 && function("__kernel_sigtramp_rt64") == 0);
  });
  ktap_run("arm64_sigreturn_is_the_system_call", [] {
    const auto* insn = reinterpret_cast<const uint32_t*>(function("__kernel_rt_sigreturn"));
    // mov x8, #139; svc #0
    KTAP_EXPECT(insn != nullptr && insn[0] == 0xd2801168 && insn[1] == 0xd4000001);
  });
#endif
  return ktap_finish();
}
