// A SIGSEGV handler that returns: it makes the faulting page writable, and the store it
// interrupted then runs again and succeeds.
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char* page;
static long page_size;
static volatile int handled;
static volatile int code;
static volatile int addr_matches;

static void on_segv(int signal, siginfo_t* info, void* context) {
  (void)signal;
  (void)context;
  handled++;
  code = info->si_code;
  addr_matches = (char*)info->si_addr == page + 8;
  if (mprotect(page, (size_t)page_size, PROT_READ | PROT_WRITE) != 0) _exit(3);
}

int main(void) {
  page_size = sysconf(_SC_PAGESIZE);
  page = mmap(NULL, (size_t)page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) return 1;
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = on_segv;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  if (sigaction(SIGSEGV, &action, NULL) != 0) return 2;
  ((volatile char*)page)[8] = 42;
  printf("segv.handled %d\n", handled);
  printf("segv.code %s\n", code == SEGV_ACCERR ? "SEGV_ACCERR" : "other");
  printf("segv.addr %s\n", addr_matches ? "the faulting byte" : "elsewhere");
  printf("segv.value %d\n", page[8]);
  return 0;
}
