// What a program sees when it touches memory it may not (Linux arch/arm64/mm/fault.c,
// arch/powerpc/mm/fault.c): the signal, si_code and si_addr (relative to the base) for a read
// of an unmapped page, a write to a read-only page, a read of a PROT_NONE page, and a write
// after munmap; and that a page made writable again takes the write without a signal.
#include <setjmp.h>
#include <signal.h>

#include "oracle/programs/obs.h"

static sigjmp_buf recover;
static volatile sig_atomic_t seen_signo;
static volatile sig_atomic_t seen_code;
static volatile uintptr_t seen_addr;

static void on_fault(int signo, siginfo_t* info, void* context) {
  (void)context;
  seen_signo = signo;
  seen_code = info->si_code;
  seen_addr = (uintptr_t)info->si_addr;
  siglongjmp(recover, 1);
}

static const char* code_name(int signo, int code) {
  if (signo == SIGSEGV && code == SEGV_MAPERR) return "SEGV_MAPERR";
  if (signo == SIGSEGV && code == SEGV_ACCERR) return "SEGV_ACCERR";
  if (signo == SIGBUS && code == BUS_ADRERR) return "BUS_ADRERR";
  return "other";
}

static const char* signal_name(int signo) {
  switch (signo) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    default:
      return "other";
  }
}

// Touches addr (a read, or a write of 1) and prints what happened.
static void touch(const char* key, uintptr_t addr, int write) {
  seen_signo = 0;
  if (sigsetjmp(recover, 1) == 0) {
    volatile char* p = (volatile char*)addr;
    if (write) {
      *p = 1;
    } else {
      (void)*p;
    }
    obs(key, "no_signal");
    return;
  }
  char buf[40];
  obs(key, "%s %s si_addr %s", signal_name(seen_signo), code_name(seen_signo, seen_code),
      obs_rel(seen_addr, buf, sizeof buf));
}

int main(void) {
  obs_choose_base();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  obs_status("sigaction.segv", sigaction(SIGSEGV, &sa, NULL));
  obs_status("sigaction.bus", sigaction(SIGBUS, &sa, NULL));

  const int fixed = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
  obs_mmap("mmap.readonly", at_page(2), obs_page, PROT_READ, fixed);
  obs_mmap("mmap.none", at_page(4), obs_page, PROT_NONE, fixed);
  obs_mmap("mmap.rw", at_page(6), obs_page, PROT_READ | PROT_WRITE, fixed);

  touch("fault.read_unmapped", at_page(0) + 0x10, 0);
  touch("fault.write_unmapped", at_page(1) + 0x18, 1);
  touch("fault.read_readonly", at_page(2) + 0x20, 0);
  touch("fault.write_readonly", at_page(2) + 0x28, 1);
  touch("fault.read_none", at_page(4) + 0x30, 0);
  touch("fault.write_none", at_page(4) + 0x38, 1);
  touch("fault.write_rw", at_page(6) + 0x40, 1);
  obs_status("mprotect.readonly_to_rw",
             mprotect((void*)at_page(2), obs_page, PROT_READ | PROT_WRITE));
  touch("fault.write_made_rw", at_page(2) + 0x48, 1);
  obs_status("munmap.rw", munmap((void*)at_page(6), obs_page));
  touch("fault.write_after_munmap", at_page(6) + 0x50, 1);
  return 0;
}
