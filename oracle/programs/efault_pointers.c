// EFAULT from bad user pointers (Linux's access_ok and copy_{to,from}_user): system calls given
// NULL, an unmapped page, a PROT_NONE page, a read-only page for output, a kernel address, and a
// range that wraps past the top of the address space. Every call goes through syscall() so no
// libc or vDSO code touches the pointer first.
#define _GNU_SOURCE
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#include "oracle/programs/obs.h"

static const int FIXED = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
// Far above every user address on both arches (arm64's TTBR1 half, powerpc's 0xc... quadrant).
static const uintptr_t KERNEL = (uintptr_t)0xffff800000001000ull;

static void result(const char* key, long ret) {
  if (ret < 0) {
    obs(key, "error %s", errno_name(errno));
  } else {
    obs(key, "ok %ld", ret);
  }
}

int main(void) {
  obs_choose_base();
  char* rw = obs_mmap("mmap.rw", at_page(0), obs_page, PROT_READ | PROT_WRITE, FIXED);
  char* ro = obs_mmap("mmap.readonly", at_page(2), obs_page, PROT_READ, FIXED);
  char* none = obs_mmap("mmap.none", at_page(4), obs_page, PROT_NONE, FIXED);
  if (rw == NULL || ro == NULL || none == NULL) return 1;
  const uintptr_t unmapped = at_page(8);
  const uintptr_t wraps = (uintptr_t)0 - 16;
  strcpy(rw, "/proc/self/maps");

  // write: the buffer is read.
  result("write.null", syscall(SYS_write, 1, 0, 1));
  result("write.null_zero_count", syscall(SYS_write, 1, 0, 0));
  result("write.unmapped", syscall(SYS_write, 1, unmapped, 4));
  result("write.none", syscall(SYS_write, 1, none, 4));
  result("write.kernel", syscall(SYS_write, 1, KERNEL, 4));
  result("write.wraps", syscall(SYS_write, 1, wraps, 32));

  // read: the buffer is written.
  int fd = (int)syscall(SYS_openat, AT_FDCWD, rw, O_RDONLY | O_CLOEXEC);
  obs("open.maps", "%s", fd >= 0 ? "ok" : errno_name(errno));
  result("read.null", syscall(SYS_read, fd, 0, 16));
  result("read.unmapped", syscall(SYS_read, fd, unmapped, 16));
  result("read.readonly", syscall(SYS_read, fd, ro, 16));
  result("read.none", syscall(SYS_read, fd, none, 16));
  result("read.kernel", syscall(SYS_read, fd, KERNEL, 16));
  result("read.wraps", syscall(SYS_read, fd, wraps, 32));
  syscall(SYS_close, fd);

  // Paths: openat, readlinkat.
  result("openat.null", syscall(SYS_openat, AT_FDCWD, 0, O_RDONLY));
  result("openat.unmapped", syscall(SYS_openat, AT_FDCWD, unmapped, O_RDONLY));
  result("openat.kernel", syscall(SYS_openat, AT_FDCWD, KERNEL, O_RDONLY));
  result("openat.none", syscall(SYS_openat, AT_FDCWD, none, O_RDONLY));
  strcpy(rw + 256, "/proc/self/exe");
  result("readlinkat.path_null", syscall(SYS_readlinkat, AT_FDCWD, 0, rw + 512, 64));
  result("readlinkat.path_unmapped", syscall(SYS_readlinkat, AT_FDCWD, unmapped, rw + 512, 64));
  result("readlinkat.buf_null", syscall(SYS_readlinkat, AT_FDCWD, rw + 256, 0, 64));
  result("readlinkat.buf_readonly", syscall(SYS_readlinkat, AT_FDCWD, rw + 256, ro, 64));
  result("readlinkat.buf_kernel", syscall(SYS_readlinkat, AT_FDCWD, rw + 256, KERNEL, 64));
  result("readlinkat.zero_size", syscall(SYS_readlinkat, AT_FDCWD, rw + 256, rw + 512, 0));

  // Structures in and out.
  // The first entry is empty, so nothing reaches stdout before the bad one.
  struct iovec iov[2] = {{rw, 0}, {(void*)unmapped, 1}};
  memcpy(rw + 1024, iov, sizeof iov);
  result("writev.iov_null", syscall(SYS_writev, 1, 0, 1));
  result("writev.iov_unmapped", syscall(SYS_writev, 1, unmapped, 1));
  result("writev.base_unmapped", syscall(SYS_writev, 1, rw + 1024 + sizeof(struct iovec), 1));
  result("uname.null", syscall(SYS_uname, 0));
  result("uname.readonly", syscall(SYS_uname, ro));
  result("getrandom.null", syscall(SYS_getrandom, 0, 16, 0));
  result("getrandom.readonly", syscall(SYS_getrandom, ro, 16, 0));
  result("getrandom.null_zero", syscall(SYS_getrandom, 0, 0, 0));
  result("clock_gettime.null", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, 0));
  result("clock_gettime.readonly", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ro));
  result("nanosleep.null", syscall(SYS_nanosleep, 0, 0));
  result("nanosleep.unmapped", syscall(SYS_nanosleep, unmapped, 0));
  result("rt_sigaction.act_unmapped", syscall(SYS_rt_sigaction, SIGUSR1, unmapped, 0, 8));
  result("rt_sigaction.old_readonly", syscall(SYS_rt_sigaction, SIGUSR1, 0, ro, 8));
  result("rt_sigprocmask.set_unmapped", syscall(SYS_rt_sigprocmask, SIG_BLOCK, unmapped, 0, 8));
  result("rt_sigprocmask.old_readonly", syscall(SYS_rt_sigprocmask, SIG_BLOCK, 0, ro, 8));
  result("rt_sigprocmask.old_kernel", syscall(SYS_rt_sigprocmask, SIG_BLOCK, 0, KERNEL, 8));
  result("sigaltstack.new_unmapped", syscall(SYS_sigaltstack, unmapped, 0));
  result("sigaltstack.old_readonly", syscall(SYS_sigaltstack, 0, ro));
  result("prlimit64.new_unmapped", syscall(SYS_prlimit64, 0, RLIMIT_STACK, unmapped, 0));
  result("prlimit64.old_readonly", syscall(SYS_prlimit64, 0, RLIMIT_STACK, 0, ro));
  result("set_tid_address.unmapped", syscall(SYS_set_tid_address, unmapped) > 0 ? 0 : -1);
  obs("read.readonly_still_zero", "%d", ro[0]);
  return 0;
}
