// fcntl (fs/fcntl.c) on the fds Maplet has: the close-on-exec flag of one fd (F_GETFD, F_SETFD,
// only FD_CLOEXEC kept), the status flags of the open file description (F_GETFL of the pipe on
// stdout and stderr and of /proc/self/maps opened O_RDONLY, with and without O_CLOEXEC; F_SETFL
// changing O_APPEND, O_NONBLOCK and O_NOATIME only, shared with a dup, O_DIRECT refused by
// procfs), F_DUPFD and F_DUPFD_CLOEXEC (the lowest free fd from the argument, EINVAL from
// RLIMIT_NOFILE on), a close clearing the fd flag, EBADF before EINVAL for an unknown command.
// Flags are printed in octal as the arch numbers them (O_LARGEFILE and O_DIRECT differ).
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/syscall.h>

#include "oracle/programs/obs.h"

static long fcntl_raw(long fd, unsigned long cmd, unsigned long arg) {
  return syscall(SYS_fcntl, fd, cmd, arg);
}

static void obs_result(const char* key, long r, const char* format) {
  if (r < 0) {
    obs(key, "error %s", errno_name(errno));
  } else {
    obs(key, format, r);
  }
}

static void obs_fd(const char* key, long r) { obs_result(key, r, "fd %ld"); }
static void obs_flags(const char* key, long r) { obs_result(key, r, "%#lo"); }

int main(void) {
  obs_flags("getfd.stdout", fcntl_raw(1, F_GETFD, 0));
  obs_flags("getfl.stdout", fcntl_raw(1, F_GETFL, 0));
  obs_flags("getfl.stderr", fcntl_raw(2, F_GETFL, 0));
  obs_flags("setfd.cloexec", fcntl_raw(1, F_SETFD, FD_CLOEXEC));
  obs_flags("getfd.after_set", fcntl_raw(1, F_GETFD, 0));
  obs_flags("setfd.other_bits", fcntl_raw(1, F_SETFD, 0xfe));
  obs_flags("getfd.other_bits", fcntl_raw(1, F_GETFD, 0));
  obs_flags("setfd.all_bits", fcntl_raw(1, F_SETFD, ~0ul));
  obs_flags("getfd.all_bits", fcntl_raw(1, F_GETFD, 0));
  obs_flags("setfd.clear", fcntl_raw(1, F_SETFD, 0));
  // The command is an unsigned int: the upper half of the register is not looked at.
  obs_flags("getfd.high_cmd_bits", fcntl_raw(1, (1ul << 32) | F_GETFD, 0));

  // Stdout's flags set and cleared with no write between (a non-blocking pipe could refuse one).
  const long set_nonblock = fcntl_raw(1, F_SETFL, O_NONBLOCK);
  const long nonblock = fcntl_raw(1, F_GETFL, 0);
  const long cleared = fcntl_raw(1, F_SETFL, 0);
  const long restored = fcntl_raw(1, F_GETFL, 0);
  obs_flags("setfl.stdout_nonblock", set_nonblock);
  obs_flags("getfl.stdout_nonblock", nonblock);
  obs_flags("setfl.stdout_clear", cleared);
  obs_flags("getfl.stdout_cleared", restored);

  const int maps = open("/proc/self/maps", O_RDONLY);
  obs_fd("open.maps", maps);
  obs_flags("getfl.maps", fcntl_raw(maps, F_GETFL, 0));
  obs_flags("getfd.maps", fcntl_raw(maps, F_GETFD, 0));
  const int maps_cloexec = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  obs_fd("open.maps_cloexec", maps_cloexec);
  obs_flags("getfl.maps_cloexec", fcntl_raw(maps_cloexec, F_GETFL, 0));
  obs_flags("getfd.maps_cloexec", fcntl_raw(maps_cloexec, F_GETFD, 0));
  obs_status("close.maps_cloexec", close(maps_cloexec));

  // The access mode and the creation flags are not changed; the status flags are shared by a dup
  // and the fd flag is not.
  const long copy = dup(maps);
  obs_fd("dup.maps", copy);
  obs_flags(
      "setfl.maps",
      fcntl_raw(maps, F_SETFL, O_RDWR | O_APPEND | O_NONBLOCK | O_NOATIME | O_CREAT | O_TRUNC));
  obs_flags("getfl.maps_set", fcntl_raw(maps, F_GETFL, 0));
  obs_flags("getfl.dup_of_set", fcntl_raw(copy, F_GETFL, 0));
  obs_flags("setfd.maps", fcntl_raw(maps, F_SETFD, FD_CLOEXEC));
  obs_flags("getfd.dup_of_set", fcntl_raw(copy, F_GETFD, 0));
  obs_flags("setfl.maps_direct", fcntl_raw(maps, F_SETFL, O_DIRECT));
  obs_flags("getfl.maps_after_direct", fcntl_raw(maps, F_GETFL, 0));
  obs_flags("setfl.maps_clear", fcntl_raw(maps, F_SETFL, 0));
  obs_flags("getfl.maps_cleared", fcntl_raw(copy, F_GETFL, 0));
  obs_status("close.dup", close((int)copy));

  // F_DUPFD from 5: 5, then F_DUPFD_CLOEXEC from 5: 6; from 0: the lowest free fd.
  const long five = fcntl_raw(1, F_DUPFD, 5);
  obs_fd("dupfd.from_5", five);
  obs_flags("getfd.dupfd", fcntl_raw(five, F_GETFD, 0));
  const long six = fcntl_raw(1, F_DUPFD_CLOEXEC, 5);
  obs_fd("dupfd_cloexec.from_5", six);
  obs_flags("getfd.dupfd_cloexec", fcntl_raw(six, F_GETFD, 0));
  obs_fd("dupfd.from_0", fcntl_raw(maps, F_DUPFD, 0));
  obs_flags("getfl.dupfd_of_maps", fcntl_raw(3, F_GETFL, 0));
  obs_status("close.six", close((int)six));
  obs_fd("dup.into_six", dup(1));
  obs_flags("getfd.reused_six", fcntl_raw(6, F_GETFD, 0));
  obs_fd("dupfd.from_nofile", fcntl_raw(1, F_DUPFD, 1024));
  obs_fd("dupfd_cloexec.from_nofile", fcntl_raw(1, F_DUPFD_CLOEXEC, 1024));
  obs_fd("dupfd.from_negative", fcntl_raw(1, F_DUPFD, (unsigned long)-1));
  obs_fd("dupfd.from_7", fcntl_raw(1, F_DUPFD, 7));
  obs_fd("dupfd.bad_fd", fcntl_raw(99, F_DUPFD, 0));

  obs_flags("getfd.not_open", fcntl_raw(99, F_GETFD, 0));
  obs_flags("getfl.negative", fcntl_raw(-1, F_GETFL, 0));
  obs_flags("setfd.not_open", fcntl_raw(99, F_SETFD, FD_CLOEXEC));
  obs_flags("unknown.open", fcntl_raw(1, 12345, 0));
  obs_flags("unknown.not_open", fcntl_raw(99, 12345, 0));
  return 0;
}
