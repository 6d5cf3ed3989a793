// Memory system calls from a program, as Linux 6.12 answers them: brk, mmap, munmap, mprotect
// and mremap results and errors, data that stays where mremap moves it, and /proc/self/maps
// (openat, read, lseek, close) naming [heap], [stack] and the mappings the program made. With
// maplet.check_mm=1 the kernel also compares the page tables with the VMAs after each call.

#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "user/lib/ktap.h"
#include "user/lib/maps.h"
#include "user/lib/print.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

namespace {

using namespace sys;

constexpr uint64_t PAGE = 4096;
constexpr long ANON = MAP_PRIVATE | MAP_ANONYMOUS;
constexpr long AT_FDCWD = -100;
constexpr long SEEK_SET = 0, SEEK_END = 2;

long ptr(const void* p) { return reinterpret_cast<long>(p); }
bool is_error(long r) { return r < 0 && r >= -4095; }

char g_maps[8192];

}  // namespace

int main(const StartInfo&) {
  ktap_plan(11);
  ktap_run("brk", [] {
    const long start = brk(0);
    KTAP_EXPECT(start > 0 && start % PAGE == 0);
    KTAP_EXPECT(brk(start + 3 * PAGE) == start + static_cast<long>(3 * PAGE));
    at(start)[0] = 1;
    at(start)[3 * PAGE - 1] = 2;
    KTAP_EXPECT(brk(start + PAGE) == start + static_cast<long>(PAGE));
    KTAP_EXPECT(brk(start - PAGE) == start + static_cast<long>(PAGE));  // below start_brk: no
    KTAP_EXPECT(brk(start) == start);
  });
  ktap_run("mmap_touch_munmap", [] {
    const long a = mmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, ANON);
    if (!KTAP_EXPECT(!is_error(a) && a % PAGE == 0)) return;
    for (uint64_t i = 0; i < 4; i++) KTAP_EXPECT(at(a)[i * PAGE] == 0);
    at(a)[5] = 42;
    KTAP_EXPECT(at(a)[5] == 42);
    KTAP_EXPECT(munmap(a, 4 * PAGE) == 0);
    KTAP_EXPECT(munmap(a, 4 * PAGE) == 0);  // nothing there any more is fine
  });
  ktap_run("mmap_errors", [] {
    KTAP_EXPECT(mmap(0, 0, PROT_READ, ANON) == -EINVAL);
    KTAP_EXPECT(mmap(0, PAGE, PROT_READ, MAP_ANONYMOUS) == -EINVAL);  // no MAP_TYPE
    KTAP_EXPECT(mmap(0x12345, PAGE, PROT_READ, ANON | MAP_FIXED) == -EINVAL);
    KTAP_EXPECT(mmap(0, PAGE, PROT_READ, MAP_PRIVATE, 42) == -EBADF);
    KTAP_EXPECT(mmap(0, ~uint64_t{0} - PAGE, PROT_READ, ANON) == -ENOMEM);
    KTAP_EXPECT(mmap(0x1000, PAGE, PROT_READ, ANON | MAP_FIXED) == -EPERM);  // mmap_min_addr
    const long a = mmap(0, PAGE, PROT_READ, ANON);
    KTAP_EXPECT(mmap(static_cast<uint64_t>(a), PAGE, PROT_READ, ANON | MAP_FIXED_NOREPLACE) ==
                -EEXIST);
    munmap(a, PAGE);
    KTAP_EXPECT(munmap(a + 1, PAGE) == -EINVAL);
  });
  ktap_run("mprotect", [] {
    const long a = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, ANON);
    at(a)[0] = 7;
    KTAP_EXPECT(mprotect(a, PAGE, PROT_READ) == 0);
    KTAP_EXPECT(at(a)[0] == 7);
    KTAP_EXPECT(mprotect(a + 1, PAGE, PROT_READ) == -EINVAL);
    KTAP_EXPECT(mprotect(a, PAGE, 0x40) == -EINVAL);
    munmap(a, 2 * PAGE);
    KTAP_EXPECT(mprotect(a, PAGE, PROT_READ) == -ENOMEM);
  });
  ktap_run("mremap_keeps_the_data", [] {
    const long a = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, ANON);
    at(a)[0] = 11;
    at(a)[PAGE + 9] = 12;
    // Block growth in place, so MREMAP_MAYMOVE must move it.
    const long fence =
        mmap(static_cast<uint64_t>(a) + 2 * PAGE, PAGE, PROT_READ, ANON | MAP_FIXED_NOREPLACE);
    KTAP_EXPECT(call(NR_MREMAP, a, 2 * PAGE, 8 * PAGE, 0) == -ENOMEM);
    const long b = call(NR_MREMAP, a, 2 * PAGE, 8 * PAGE, MREMAP_MAYMOVE);
    if (!KTAP_EXPECT(!is_error(b))) return;
    KTAP_EXPECT(b != a || is_error(fence));
    KTAP_EXPECT(at(b)[0] == 11 && at(b)[PAGE + 9] == 12 && at(b)[7 * PAGE] == 0);
    KTAP_EXPECT(call(NR_MREMAP, b, 8 * PAGE, PAGE, 0) == b);  // shrinking stays
    KTAP_EXPECT(call(NR_MREMAP, b + 1, PAGE, PAGE, 0) == -EINVAL);
    munmap(b, PAGE);
    if (!is_error(fence)) munmap(fence, PAGE);
  });
  ktap_run("maps_names_heap_stack_and_mappings", [] {
    const long heap = brk(0);
    brk(heap + PAGE);
    const long a = mmap(0, 3 * PAGE, PROT_READ, ANON);
    const long length = read_maps(g_maps, sizeof(g_maps));
    if (!KTAP_EXPECT(length > 0)) return;
    const char* mapping = line_at(g_maps, static_cast<uint64_t>(a));
    if (KTAP_EXPECT(mapping != nullptr)) KTAP_EXPECT(line_has(mapping, " r--p 00000000 00:00 0 "));
    const char* heap_line = line_at(g_maps, static_cast<uint64_t>(heap));
    if (KTAP_EXPECT(heap_line != nullptr)) KTAP_EXPECT(line_has(heap_line, "[heap]"));
    int local = 0;
    bool stack = false;
    for (const char* line = g_maps; *line != '\0';) {
      stack = stack || (line_has(line, "rw-p 00000000 00:00 0") && line_has(line, "[stack]"));
      while (*line != '\0' && *line != '\n') line++;
      if (*line == '\n') line++;
    }
    KTAP_EXPECT(stack);
    // The text is a private file mapping of the executable, named by its path.
    extern char _start[];
    const char* text = nullptr;
    for (const char* line = g_maps; *line != '\0' && text == nullptr;) {
      if (line_has(line, "r-xp") && line_has(line, "/bin/mm")) text = line;
      while (*line != '\0' && *line != '\n') line++;
      if (*line == '\n') line++;
    }
    KTAP_EXPECT(text != nullptr && reinterpret_cast<uint64_t>(_start) >= 0x10000);
    for (const char* line = g_maps; *line != '\0';) {
      const char* end = line;
      while (*end != '\0' && *end != '\n') end++;
      ktap_diag("maps: %.*s", static_cast<int>(end - line), line);
      line = *end == '\n' ? end + 1 : end;
    }
    ktap_diag("local at %p", static_cast<void*>(&local));
    munmap(a, 3 * PAGE);
    brk(heap);
  });
  ktap_run("maps_file_calls", [] {
    const long fd = call(NR_OPENAT, AT_FDCWD, ptr("/proc/self/maps"), 0);
    if (!KTAP_EXPECT(fd >= 3)) return;
    char first[16], again[16];
    KTAP_EXPECT(read(static_cast<int>(fd), first, sizeof(first)) == sizeof(first));
    KTAP_EXPECT(call(NR_LSEEK, fd, 0, SEEK_SET) == 0);
    KTAP_EXPECT(read(static_cast<int>(fd), again, sizeof(again)) == sizeof(again));
    KTAP_EXPECT(klib::mem_compare(first, again, sizeof(first)) == 0);
    KTAP_EXPECT(call(NR_LSEEK, fd, -1, SEEK_SET) == -EINVAL);
    KTAP_EXPECT(call(NR_LSEEK, fd, 0, SEEK_END) == -EINVAL);  // seq_file: no SEEK_END
    KTAP_EXPECT(call(NR_LSEEK, 1, 0, SEEK_SET) == -ESPIPE);
    KTAP_EXPECT(write(static_cast<int>(fd), "x", 1) == -EBADF);
    KTAP_EXPECT(call(NR_READ, fd, static_cast<long>(KERNEL_ADDRESS), 8) == -EFAULT);
    KTAP_EXPECT(call(NR_CLOSE, fd) == 0);
    KTAP_EXPECT(call(NR_CLOSE, fd) == -EBADF);
    KTAP_EXPECT(call(NR_OPENAT, AT_FDCWD, ptr("/proc/self/maps"), 2) == -EACCES);
#if defined(__powerpc64__)
    // powerpc keeps open(2) (musl calls it): the same file, the same refusal.
    constexpr long NR_OPEN = 5;
    const long legacy = call(NR_OPEN, ptr("/proc/self/maps"), 0);
    KTAP_EXPECT(legacy >= 3);
    KTAP_EXPECT(call(NR_CLOSE, legacy) == 0);
    KTAP_EXPECT(call(NR_OPEN, ptr("/proc/self/maps"), 2) == -EACCES);
#endif
  });
  ktap_run("kernel_copies_into_fresh_mappings", [] {
    // read() into pages never touched: the copy faults them in.
    const long a = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, ANON);
    const long fd = call(NR_OPENAT, AT_FDCWD, ptr("/proc/self/maps"), 0);
    KTAP_EXPECT(read(static_cast<int>(fd), at<char>(a) + PAGE - 8, 64) == 64);
    KTAP_EXPECT(at(a)[PAGE - 8] != 0);
    // A read-only mapping refuses the kernel's write too.
    KTAP_EXPECT(mprotect(a, 2 * PAGE, PROT_READ) == 0);
    KTAP_EXPECT(read(static_cast<int>(fd), at<char>(a), 8) == -EFAULT);
    call(NR_CLOSE, fd);
    munmap(a, 2 * PAGE);
  });
  ktap_run("madvise_dontneed_zeroes", [] {
    const long a = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, ANON);
    at(a)[0] = 5;
    at(a)[PAGE] = 6;
    KTAP_EXPECT(call(NR_MADVISE, a, PAGE, 4) == 0);  // MADV_DONTNEED
    KTAP_EXPECT(at(a)[0] == 0);                      // a fresh zero page
    KTAP_EXPECT(at(a)[PAGE] == 6);                   // the page after it is untouched
    KTAP_EXPECT(call(NR_MADVISE, a + 1, PAGE, 4) == -EINVAL);
    KTAP_EXPECT(call(NR_MADVISE, a, PAGE, 12345) == -EINVAL);
    munmap(a, 2 * PAGE);
    KTAP_EXPECT(call(NR_MADVISE, a, PAGE, 4) == -ENOMEM);
  });
  ktap_run("mincore_reports_resident_pages", [] {
    const long a = mmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, ANON);
    at(a)[PAGE] = 1;
    uint8_t vec[3] = {9, 9, 9};
    KTAP_EXPECT(call(NR_MINCORE, a, 3 * PAGE, ptr(vec)) == 0);
    KTAP_EXPECT(vec[0] == 0 && vec[1] == 1 && vec[2] == 0);
    KTAP_EXPECT(call(NR_MINCORE, a + 1, PAGE, ptr(vec)) == -EINVAL);
    KTAP_EXPECT(call(NR_MINCORE, a, PAGE, static_cast<long>(KERNEL_ADDRESS)) == -EFAULT);
    munmap(a, 3 * PAGE);
    KTAP_EXPECT(call(NR_MINCORE, a, PAGE, ptr(vec)) == -ENOMEM);
  });
  ktap_run("stack_grows_down", [] {
    // The [stack] VMA's start, from the maps; a store a few pages below it grows the stack.
    if (!KTAP_EXPECT(read_maps(g_maps, sizeof(g_maps)) > 0)) return;
    uint64_t start = 0;
    for (const char* line = g_maps; *line != '\0';) {
      if (line_has(line, "[stack]")) {
        for (const char* c = line; *c != '-'; c++) {
          start = start * 16 + static_cast<uint64_t>(*c <= '9' ? *c - '0' : *c - 'a' + 10);
        }
      }
      while (*line != '\0' && *line != '\n') line++;
      if (*line == '\n') line++;
    }
    if (!KTAP_EXPECT(start != 0)) return;
    volatile uint8_t* below = reinterpret_cast<volatile uint8_t*>(start - 3 * PAGE + 16);
    *below = 77;
    KTAP_EXPECT(*below == 77);
    read_maps(g_maps, sizeof(g_maps));
    const char* grown = line_at(g_maps, start - 3 * PAGE);
    if (KTAP_EXPECT(grown != nullptr)) KTAP_EXPECT(line_has(grown, "[stack]"));
  });
  return ktap_finish();
}
