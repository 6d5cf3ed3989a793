// A PROT_EXEC-only page on powerpc's radix MMU (Linux 6.12 arch/powerpc/include/asm/book3s/64/
// pgtable.h: PAGE_EXECONLY, execute without read): code in it runs; a load from it and a store
// each fault (SIGSEGV, SEGV_ACCERR); and mprotect back to PROT_READ makes it readable again.
// Elsewhere than powerpc it prints only exec_only.available no.
#include "oracle/programs/obs_signal.h"

#if defined(__powerpc64__)

typedef long (*function)(void);

static void exec_only_probes(void) {
  obs("exec_only.available", "yes");
  const int FIXED = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
  uint32_t* code = obs_mmap("mmap.code", at_page(0), obs_page, PROT_READ | PROT_WRITE, FIXED);
  if (code == NULL) return;
  code[0] = 0x38600000 | 42;  // li r3, 42
  code[1] = 0x4e800020;       // blr
  __builtin___clear_cache((char*)code, (char*)(code + 2));
  obs_status("mprotect.exec_only", mprotect(code, obs_page, PROT_EXEC));
  // ELFv2 calls through r12 = the entry; ELFv1 needs a descriptor, and the code uses no TOC.
#if defined(_CALL_ELF) && _CALL_ELF == 2
  function f = (function)(void*)code;
#else
  static uint64_t descriptor[3];
  descriptor[0] = (uintptr_t)code;
  function f = (function)(void*)descriptor;
#endif
  obs_seen_signo = 0;
  if (sigsetjmp(obs_recover, 1) == 0) {
    obs("exec_only.call", "returned %ld", f());
  } else {
    obs("exec_only.call", "%s", obs_signal_name(obs_seen_signo));
  }
  obs_touch("exec_only.read", (uintptr_t)code, 0, 0, obs_base, "base");
  obs_touch("exec_only.write", (uintptr_t)code, 1, 0, obs_base, "base");
  obs_status("mprotect.read", mprotect(code, obs_page, PROT_READ));
  obs_touch("exec_only.read_after", (uintptr_t)code, 0, 0, obs_base, "base");
}

#endif

int main(void) {
  obs_choose_base();
#if defined(__powerpc64__)
  obs_status("sigaction.segv", obs_handle(SIGSEGV, obs_on_fault, 0, 0));
  obs_status("sigaction.bus", obs_handle(SIGBUS, obs_on_fault, 0, 0));
  obs_status("sigaction.ill", obs_handle(SIGILL, obs_on_fault, 0, 0));
  exec_only_probes();
  return 0;
#endif
  obs("exec_only.available", "no");
  return 0;
}
