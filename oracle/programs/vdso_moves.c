// The vDSO's mappings as a program moves and removes them (Linux 6.12 arch/*/kernel/vdso.c, the
// special-mapping hooks of mm/mmap.c): what is refused (splitting either mapping, growing it),
// then [vdso] moved, [vvar] moved, [vvar] unmapped, [vdso] unmapped, and after each step where
// /proc/self/maps shows each of them ("expected": where the program put it, "absent", or
// "elsewhere"). A handler installed by glibc's sigaction (no SA_RESTORER on arm64; powerpc
// ignores it), which returns through the vDSO's trampoline at the kernel's vdso pointer, runs after
// each step: it shows that the pointer follows [vdso] and ignores [vvar], and what happens once
// [vdso] is unmapped: arm64's pointer is stale and the return faults at the old trampoline;
// powerpc's close hook cleared it, so the handler returns through the trampoline Linux writes on
// the stack, which the program makes executable first (as the sigreturn_vdso selftest does).
#define _GNU_SOURCE
#include <elf.h>
#include <setjmp.h>
#include <signal.h>

#include "oracle/programs/obs.h"

#if defined(__aarch64__)
enum { VVAR_PAGES = 2 };
#else
enum { VVAR_PAGES = 3 };
#endif

static char text[64 * 1024];
static uintptr_t vdso_at, vvar_at;  // where the program expects each, 0 once unmapped
static size_t vdso_len, vvar_len;

// The [name] line's range, or 0.
static uintptr_t find(const char* name, uintptr_t* end) {
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  size_t used = 0;
  for (;;) {
    ssize_t n = read(fd, text + used, sizeof text - 1 - used);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    used += (size_t)n;
    if (used == sizeof text - 1) break;
  }
  close(fd);
  text[used] = '\0';
  for (char* line = text; *line != '\0';) {
    char* next = strchr(line, '\n');
    if (next != NULL) *next++ = '\0';
    unsigned long start, stop;
    int path_at = 0;
    if (sscanf(line, "%lx-%lx %*s %*x %*s %*u %n", &start, &stop, &path_at) >= 2 && path_at > 0 &&
        strcmp(line + path_at, name) == 0) {
      *end = stop;
      return start;
    }
    line = next != NULL ? next : line + strlen(line);
  }
  return 0;
}

static void where(const char* step, const char* name, uintptr_t expected, size_t len) {
  char key[64];
  snprintf(key, sizeof key, "%s.%s", step, name[2] == 'v' ? "vvar" : "vdso");
  uintptr_t end = 0;
  uintptr_t start = find(name, &end);
  if (start == 0) {
    obs(key, "absent");
  } else {
    obs(key, "%s pages_as_before %s", start == expected ? "expected" : "elsewhere",
        end - start == len ? "yes" : "no");
  }
}

static volatile uintptr_t returned_to, fault_addr;
static volatile int handled, faults;
static sigjmp_buf recover;

static void on_usr1(int signo) {
  (void)signo;
  handled++;
  returned_to = (uintptr_t)__builtin_return_address(0);
}
static void on_segv(int signo, siginfo_t* info, void* uc) {
  (void)signo;
  (void)uc;
  faults++;
  fault_addr = (uintptr_t)info->si_addr;
  siglongjmp(recover, 1);
}

// One SIGUSR1 to a handler without SA_RESTORER; where its return went.
static void signal_after(const char* step, uintptr_t old_return) {
  char key[64];
  snprintf(key, sizeof key, "%s.signal", step);
  handled = faults = 0;
  returned_to = fault_addr = 0;
  volatile char here = 0;
  const uintptr_t stack = (uintptr_t)&here;
  if (sigsetjmp(recover, 1) == 0) raise(SIGUSR1);
  const int in_vdso = vdso_at != 0 && returned_to >= vdso_at && returned_to < vdso_at + vdso_len;
  const int on_stack = returned_to < stack && stack - returned_to < 64 * 1024;
  obs(key, "handled %d returns_into_vdso %s returns_onto_stack %s faults %d fault_at_old_return %s",
      handled, in_vdso ? "yes" : "no", on_stack ? "yes" : "no", faults,
      faults > 0 && fault_addr == old_return && old_return != 0 ? "yes" : "no");
}

static const char* moved(void* r, uintptr_t to) {
  if (r == MAP_FAILED) return errno_name(errno);
  return (uintptr_t)r == to ? "to_target" : "elsewhere";
}

int main(void) {
  obs_page = (size_t)getauxval(AT_PAGESZ);
  const uintptr_t base = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
  uintptr_t end = 0;
  obs("vdso.at_sysinfo_ehdr", "%s", base != 0 && find("[vdso]", &end) == base ? "yes" : "no");
  vdso_at = base;
  vdso_len = end - base;
  vvar_at = base - VVAR_PAGES * obs_page;
  vvar_len = VVAR_PAGES * obs_page;
  where("exec", "[vvar]", vvar_at, vvar_len);
  where("exec", "[vdso]", vdso_at, vdso_len);
  struct sigaction usr1 = {0}, segv = {0};
  usr1.sa_handler = on_usr1;
  segv.sa_sigaction = on_segv;
  segv.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &usr1, NULL);
  sigaction(SIGSEGV, &segv, NULL);
  signal_after("exec", 0);
  const uintptr_t offset = returned_to - vdso_at;

  obs_status("refuse.vvar_partial_munmap", munmap((void*)(vvar_at + obs_page), obs_page));
  obs_status("refuse.vvar_split_mprotect", mprotect((void*)vvar_at, obs_page, PROT_NONE));
  obs("refuse.vdso_grow", "%s",
      moved(mremap((void*)vdso_at, vdso_len, vdso_len + obs_page, MREMAP_MAYMOVE), 0));
  obs("refuse.vvar_grow", "%s",
      moved(mremap((void*)vvar_at, vvar_len, vvar_len + obs_page, MREMAP_MAYMOVE), 0));
  void* part = mmap(NULL, obs_page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  obs("refuse.vvar_partial_move", "%s",
      moved(mremap((void*)vvar_at, obs_page, obs_page, MREMAP_MAYMOVE | MREMAP_FIXED, part),
            (uintptr_t)part));
  munmap(part, obs_page);

  void* to = mmap(NULL, vdso_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  obs("move_vdso.mremap", "%s",
      moved(mremap((void*)vdso_at, vdso_len, vdso_len, MREMAP_MAYMOVE | MREMAP_FIXED, to),
            (uintptr_t)to));
  vdso_at = (uintptr_t)to;
  where("move_vdso", "[vvar]", vvar_at, vvar_len);
  where("move_vdso", "[vdso]", vdso_at, vdso_len);
  signal_after("move_vdso", 0);

  to = mmap(NULL, vvar_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  obs("move_vvar.mremap", "%s",
      moved(mremap((void*)vvar_at, vvar_len, vvar_len, MREMAP_MAYMOVE | MREMAP_FIXED, to),
            (uintptr_t)to));
  vvar_at = (uintptr_t)to;
  where("move_vvar", "[vvar]", vvar_at, vvar_len);
  where("move_vvar", "[vdso]", vdso_at, vdso_len);
  signal_after("move_vvar", 0);

  obs_status("unmap_vvar.munmap", munmap((void*)vvar_at, vvar_len));
  where("unmap_vvar", "[vvar]", vvar_at, vvar_len);
  where("unmap_vvar", "[vdso]", vdso_at, vdso_len);
  signal_after("unmap_vvar", 0);

  const uintptr_t old_vdso = vdso_at;
#if defined(__powerpc64__)
  // The stack trampoline's pages, just below the stack pointer, made executable.
  volatile char here = 0;
  const uintptr_t page = (uintptr_t)&here & ~(uintptr_t)(obs_page - 1);
  obs_status("unmap_vdso.exec_stack", mprotect((void*)(page - 8 * obs_page), 9 * obs_page,
                                               PROT_READ | PROT_WRITE | PROT_EXEC));
#endif
  obs_status("unmap_vdso.munmap", munmap((void*)vdso_at, vdso_len));
  vdso_at = 0;
  where("unmap_vdso", "[vvar]", vvar_at, vvar_len);
  where("unmap_vdso", "[vdso]", old_vdso, vdso_len);
  signal_after("unmap_vdso", old_vdso + offset);
  return 0;
}
