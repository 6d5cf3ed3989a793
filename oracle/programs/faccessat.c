// faccessat (and powerpc's access) as a program running as root sees it (fs/open.c
// do_faccessat): a mode beyond R_OK | W_OK | X_OK is EINVAL before the path is looked at; an
// existing file passes R_OK and W_OK (CAP_DAC_OVERRIDE), X_OK only with an execute bit, which
// /proc/self/maps (0444) has not; a missing path is ENOENT, "" too, and an unreadable one EFAULT.
// An absolute path ignores the directory fd. The files are /proc/self/maps, the same by the
// pid, and one under /sys, which neither kernel has here.
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/syscall.h>

#include "oracle/programs/obs.h"

static void check(const char* key, long call, long dirfd, const char* path, long mode) {
  const long r = call == SYS_faccessat ? syscall(SYS_faccessat, dirfd, path, mode)
#if defined(SYS_access)
                                       : syscall(SYS_access, path, mode);
#else
                                       : -1;
#endif
  obs_status(key, (int)r);
}

static void calls(const char* prefix, long call) {
  char own[64], key[64];
  snprintf(own, sizeof own, "/proc/%d/maps", (int)getpid());
  const struct {
    const char* name;
    const char* path;
    long mode;
  } cases[] = {
      {"self_exists", "/proc/self/maps", F_OK},
      {"self_read", "/proc/self/maps", R_OK},
      {"self_read_write", "/proc/self/maps", R_OK | W_OK},
      {"self_execute", "/proc/self/maps", X_OK},
      {"pid_read", own, R_OK},
      {"sys_missing", "/sys/kernel/mm/ksm/merge_across_nodes", R_OK | W_OK},
      {"empty", "", F_OK},
      {"bad_mode", "/proc/self/maps", 8},
      {"bad_mode_missing", "/missing", 8},
      {"unreadable_path", (const char*)16, F_OK},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    snprintf(key, sizeof key, "%s.%s", prefix, cases[i].name);
    check(key, call, AT_FDCWD, cases[i].path, cases[i].mode);
  }
}

int main(void) {
  calls("faccessat", SYS_faccessat);
  obs_status("faccessat.bad_dirfd_absolute",
             (int)syscall(SYS_faccessat, 99, "/proc/self/maps", R_OK));
#if defined(SYS_access)
  calls("access", SYS_access);
#else
  obs("access", "none");
#endif
  return 0;
}
