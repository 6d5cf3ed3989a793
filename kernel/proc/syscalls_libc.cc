#include "kernel/proc/syscalls_libc.h"

#include "kernel/arch/timer.h"
#include "kernel/proc/uaccess.h"

namespace {

constexpr int64_t ESRCH = 3, EMFILE = 24, ENOTTY = 25, ENAMETOOLONG = 36, ETIMEDOUT = 110;

// include/uapi/linux/stat.h, fcntl.h.
constexpr uint32_t S_IFIFO = 0010000, S_IFREG = 0100000;
constexpr int64_t AT_FDCWD = -100;
constexpr uint64_t AT_EMPTY_PATH = 0x1000;
// include/uapi/linux/futex.h.
constexpr unsigned FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
constexpr unsigned FUTEX_CMD_MASK = ~(128u | 256u);  // without PRIVATE and CLOCK_REALTIME
constexpr uint64_t NS_PER_SECOND = 1000000000;
// include/uapi/asm-generic/fcntl.h and linux/fcntl.h.
constexpr unsigned F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4,
                   F_DUPFD_CLOEXEC = 1030;
constexpr unsigned FD_CLOEXEC = 1;

// The fields Maplet fills; the rest of struct stat is zero.
struct StatInfo {
  uint64_t dev, ino, nlink, rdev, blksize;
  uint32_t mode;
  int64_t size;
};

// include/uapi/asm-generic/stat.h (arm64).
struct GenericStat {
  uint64_t st_dev, st_ino;
  uint32_t st_mode, st_nlink, st_uid, st_gid;
  uint64_t st_rdev, pad1;
  int64_t st_size;
  int32_t st_blksize, pad2;
  int64_t st_blocks;
  int64_t times[6];
  uint32_t unused[2];
};
static_assert(sizeof(GenericStat) == 128);

// arch/powerpc/include/uapi/asm/stat.h, __powerpc64__.
struct Ppc64Stat {
  uint64_t st_dev, st_ino, st_nlink;
  uint32_t st_mode, st_uid, st_gid, pad;
  uint64_t st_rdev;
  int64_t st_size;
  uint64_t st_blksize, st_blocks;
  uint64_t times[6];
  uint64_t unused[3];
};
static_assert(sizeof(Ppc64Stat) == 144);

// Pipes live on pipefs and procfs files on proc: distinct made-up device numbers, an inode
// per open file description (the fds dup made share it), one link, as Linux shows each.
Result<StatInfo> stat_of(const Process& p, uint64_t fd) {
  const OpenFile* file = process_file(p, fd);
  if (file == nullptr) return Error::BadFile;
  StatInfo info{};
  info.nlink = 1;
  info.ino = static_cast<uint64_t>(file - p.files) + 1;
  if (file->kind == FileKind::Proc) {
    info.dev = 0x16;
    info.mode = S_IFREG | file->mode;
    info.blksize = 1024;
  } else {
    info.dev = 0xe;
    info.mode = S_IFIFO | 0600;
    info.blksize = 4096;
  }
  return info;
}

int64_t write_stat(Process& p, const StatInfo& info, uint64_t buffer) {
  if (p.abi != ElfAbi::Arm64) {
    Ppc64Stat s{};
    s.st_dev = info.dev;
    s.st_ino = info.ino;
    s.st_nlink = info.nlink;
    s.st_mode = info.mode;
    s.st_rdev = info.rdev;
    s.st_size = info.size;
    s.st_blksize = info.blksize;
    return copy_to_user(*p.mm, buffer, &s, sizeof(s)).is_ok() ? 0 : negative_errno(Error::Fault);
  }
  GenericStat s{};
  s.st_dev = info.dev;
  s.st_ino = info.ino;
  s.st_nlink = static_cast<uint32_t>(info.nlink);
  s.st_mode = info.mode;
  s.st_rdev = info.rdev;
  s.st_size = info.size;
  s.st_blksize = static_cast<int32_t>(info.blksize);
  return copy_to_user(*p.mm, buffer, &s, sizeof(s)).is_ok() ? 0 : negative_errno(Error::Fault);
}

int64_t sys_fstat(Process& p, uint64_t fd, uint64_t buffer) {
  Result<StatInfo> info = stat_of(p, fd);
  return info.is_ok() ? write_stat(p, info.value(), buffer) : negative_errno(info.error());
}

int64_t sys_newfstatat(Process& p, int64_t dirfd, uint64_t path, uint64_t buffer, uint64_t flags) {
  char name[256];
  Result<size_t> length = strncpy_from_user(*p.mm, name, path, sizeof(name));
  if (length.is_error())
    return length.error() == Error::Range ? -ENAMETOOLONG : negative_errno(Error::Fault);
  if (length.value() == 0) {
    if ((flags & AT_EMPTY_PATH) == 0) return negative_errno(Error::NotFound);
    if (dirfd == AT_FDCWD)
      return negative_errno(Error::NotFound);  // the root directory is not modelled
    return sys_fstat(p, static_cast<uint64_t>(dirfd), buffer);
  }
  return negative_errno(Error::NotFound);
}

int64_t sys_ioctl(Process& p, uint64_t fd) {
  if (process_file(p, fd) == nullptr) return negative_errno(Error::BadFile);
  return -ENOTTY;
}

int64_t sys_sched_getaffinity(Process& p, int64_t pid, uint64_t length, uint64_t mask) {
  if (pid != 0 && pid != p.pid) return -ESRCH;
  if (length < sizeof(uint64_t) || (length & (sizeof(uint64_t) - 1)) != 0) {
    return negative_errno(Error::Invalid);
  }
  const uint64_t cpus = 1;
  if (copy_to_user(*p.mm, mask, &cpus, sizeof(cpus)).is_error())
    return negative_errno(Error::Fault);
  return sizeof(cpus);
}

// Reads the struct timespec at `address`: 0, -EFAULT, or -EINVAL when it is not valid
// (timespec64_valid).
int64_t read_timespec(Process& p, uint64_t address, int64_t ts[2]) {
  if (copy_from_user(*p.mm, ts, address, 2 * sizeof(int64_t)).is_error())
    return negative_errno(Error::Fault);
  if (ts[0] < 0 || ts[1] < 0 || ts[1] >= static_cast<int64_t>(NS_PER_SECOND)) {
    return negative_errno(Error::Invalid);
  }
  return 0;
}

// Puts `p` to sleep for `ts` (until it, when `absolute`: Maplet's clocks all count from boot).
void sleep_timespec(Process& p, const int64_t ts[2], bool absolute) {
  const uint64_t f = arch_counter_frequency();
  const uint64_t seconds = static_cast<uint64_t>(ts[0]);
  // Past the counter's range is "forever": the time limit ends it first.
  uint64_t ticks = seconds > ~uint64_t{0} / f / 4 ? ~uint64_t{0} / 4 : seconds * f;
  ticks += static_cast<uint64_t>(ts[1]) * f / NS_PER_SECOND;
  const uint64_t now = arch_counter_read();
  if (absolute) ticks = ticks > now ? ticks - now : 0;
  p.state = ProcessState::Sleeping;
  p.wake_at = now + ticks;
  p.sleep_remaining = 0;
  p.sleep_remaining_optional = false;
}

// Sleeps for the struct timespec at `request`, as sleep_timespec. Returns 0, or -EFAULT/-EINVAL
// without sleeping.
int64_t sleep_for(Process& p, uint64_t request, bool absolute) {
  int64_t ts[2];
  const int64_t read = read_timespec(p, request, ts);
  if (read == 0) sleep_timespec(p, ts, absolute);
  return read;
}

int64_t sys_futex(Process& p, uint64_t word, uint64_t op, uint64_t value, uint64_t timeout) {
  const unsigned command = static_cast<unsigned>(op) & FUTEX_CMD_MASK;
  if (command == FUTEX_WAKE || command == FUTEX_WAKE_BITSET) return 0;
  if (command != FUTEX_WAIT && command != FUTEX_WAIT_BITSET) return negative_errno(Error::NoSys);
  uint32_t current = 0;
  if (copy_from_user(*p.mm, &current, word, sizeof(current)).is_error())
    return negative_errno(Error::Fault);
  if (current != static_cast<uint32_t>(value)) return negative_errno(Error::Again);
  if (timeout == 0) {
    // No other thread can wake it: it sleeps until a signal or the time limit ends it.
    p.state = ProcessState::Sleeping;
    p.wake_at = ~uint64_t{0};
    p.sleep_remaining = 0;
    p.sleep_remaining_optional = false;
    return -ETIMEDOUT;
  }
  // FUTEX_WAIT's timeout is relative, FUTEX_WAIT_BITSET's absolute.
  const int64_t slept = sleep_for(p, timeout, command == FUTEX_WAIT_BITSET);
  return slept < 0 ? slept : -ETIMEDOUT;
}

}  // namespace

int64_t sys_clock_nanosleep(Process& p, int64_t clock, uint64_t flags, uint64_t request,
                            uint64_t remaining) {
  constexpr uint64_t TIMER_ABSTIME = 1;
  if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME) {
    return negative_errno(Error::Invalid);
  }
  const bool absolute = (flags & TIMER_ABSTIME) != 0;
  const int64_t slept = sleep_for(p, request, absolute);
  // An absolute sleep has no time left to report (hrtimer_nanosleep ignores rem for it).
  if (slept == 0 && !absolute) p.sleep_remaining = remaining;
  return slept;
}

// f_dupfd: EINVAL from RLIMIT_NOFILE's soft limit on, EMFILE when no fd from `lowest` is free
// (of Maplet's 8: Linux goes on to the limit).
int64_t dup_from(Process& p, OpenFile* file, uint32_t lowest, bool close_on_exec) {
  if (lowest >= p.limits[RLIMIT_NOFILE].current) return negative_errno(Error::Invalid);
  const int fd = process_install_file(p, file, lowest, close_on_exec);
  return fd < 0 ? -EMFILE : fd;
}

// setfl: the status flags in SETFL_MASK change (O_NDELAY is O_NONBLOCK on both arches), the
// access mode and the rest stay. O_DIRECT is refused but by a pipe, where it would make packets
// (Maplet's pipes write on as before); a pipe's fasync also keeps FASYNC, procfs has none to.
// Maplet sends no SIGIO.
int64_t set_status_flags(const Process& p, OpenFile& file, uint32_t flags) {
  const bool pipe = file.kind != FileKind::Proc;
  const uint32_t direct = p.arch->open_direct;
  if ((flags & direct) != 0 && !pipe) return negative_errno(Error::Invalid);
  const uint32_t mask =
      OPEN_APPEND | OPEN_NONBLOCK | direct | OPEN_NOATIME | (pipe ? OPEN_FASYNC : 0);
  file.flags = (flags & mask) | (file.flags & ~mask);
  return 0;
}

// fs/fcntl.c: fd and command are unsigned ints; EBADF first, then what the command finds; an
// unknown command is EINVAL, as are the ones Maplet has no use for (locks, owners, leases,
// pipe sizes, seals), which Linux carries out.
int64_t sys_fcntl(Process& p, uint32_t fd, uint32_t command, uint64_t argument) {
  OpenFile* file = process_file(p, fd);
  if (file == nullptr) return negative_errno(Error::BadFile);
  const uint32_t value = static_cast<uint32_t>(argument);
  switch (command) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
      return dup_from(p, file, value, command == F_DUPFD_CLOEXEC);
    case F_GETFD:
      return p.close_on_exec[fd] ? FD_CLOEXEC : 0;
    case F_SETFD:
      p.close_on_exec[fd] = (value & FD_CLOEXEC) != 0;
      return 0;
    case F_GETFL:
      return file->flags;
    case F_SETFL:
      return set_status_flags(p, *file, value);
    default:
      return negative_errno(Error::Invalid);
  }
}

// include/uapi/asm-generic/poll.h (powerpc's too) and struct pollfd.
constexpr uint16_t POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20,
                   POLLRDNORM = 0x40, POLLWRNORM = 0x100;
struct PollFd {
  int32_t fd;
  uint16_t events, revents;
};
constexpr size_t POLL_CHUNK = 32;

// do_pollfd: what the file is ready for (vfs_poll) of what was asked, POLLERR and POLLHUP always;
// POLLNVAL for an fd not open, nothing for a negative one. Stdin is a pipe whose writer is gone
// (POLLHUP, POLLIN while bytes are left), stdout and stderr pipes with room, and procfs has no
// poll method: DEFAULT_POLLMASK.
uint16_t revents_of(const Process& p, const PollFd& f) {
  if (f.fd < 0) return 0;
  const OpenFile* file = process_file(p, static_cast<uint32_t>(f.fd));
  if (file == nullptr) return POLLNVAL;
  uint16_t ready = 0;
  switch (file->kind) {
    case FileKind::Stdin:
      ready = POLLHUP | (file->position < file->size ? POLLIN | POLLRDNORM : 0);
      break;
    case FileKind::Stdout:
    case FileKind::Stderr:
      ready = POLLOUT | POLLWRNORM;
      break;
    case FileKind::Proc:
    case FileKind::Closed:
      ready = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
      break;
  }
  return ready & (f.events | POLLERR | POLLHUP);
}

// do_sys_poll's scan: every pollfd read first (EFAULT), then each revents written back (EFAULT);
// the number of fds with revents. Nothing Maplet has becomes ready later, so the revents of a
// scan that finds none are final: they are written before a sleep (one that cannot be written
// is EFAULT at once, where Linux sleeps first).
int64_t poll_fds(Process& p, uint64_t fds, uint64_t nfds) {
  PollFd chunk[POLL_CHUNK];
  for (int pass = 0; pass < 2; pass++) {
    int64_t count = 0;
    for (uint64_t first = 0; first < nfds; first += POLL_CHUNK) {
      const uint64_t n = nfds - first < POLL_CHUNK ? nfds - first : POLL_CHUNK;
      const uint64_t at = fds + first * sizeof(PollFd);
      if (copy_from_user(*p.mm, chunk, at, n * sizeof(PollFd)).is_error())
        return negative_errno(Error::Fault);
      if (pass == 0) continue;
      for (uint64_t i = 0; i < n; i++) {
        chunk[i].revents = revents_of(p, chunk[i]);
        if (chunk[i].revents != 0) count++;
      }
      if (copy_to_user(*p.mm, at, chunk, n * sizeof(PollFd)).is_error())
        return negative_errno(Error::Fault);
    }
    if (pass == 1) return count;
  }
  return 0;
}

// fs/select.c's ppoll: the timeout (EFAULT, EINVAL), then the sigmask (EINVAL for a size other
// than 8, EFAULT), which is in force until the call is over, then the fds (EINVAL for more than
// RLIMIT_NOFILE). With none ready it is EINTR at once when a signal may be delivered, 0 at
// once for a zero timeout, and otherwise it sleeps until the timeout (0) or a signal (EINTR: the
// handler's frame records the mask ppoll replaced), writing the time left back to the timeout (0
// once it is over; one that cannot be written is no error). A signal with no handler to run
// (a blocked one whose default is to be ignored, unblocked by the sigmask) would restart the
// call on Linux (ERESTARTNOHAND); here it is EINTR.
int64_t sys_ppoll(Process& p, uint64_t fds, uint32_t nfds, uint64_t timeout, uint64_t sigmask,
                  uint64_t sigsetsize) {
  int64_t ts[2] = {0, 0};
  if (timeout != 0) {
    const int64_t read = read_timespec(p, timeout, ts);
    if (read != 0) return read;
  }
  SignalState& s = p.signals;
  if (sigmask != 0) {
    if (sigsetsize != sizeof(uint64_t)) return negative_errno(Error::Invalid);
    uint64_t mask = 0;
    if (copy_from_user(*p.mm, &mask, sigmask, sizeof(mask)).is_error())
      return negative_errno(Error::Fault);
    s.saved_blocked = s.blocked;
    s.restore_saved = true;
    s.blocked = mask & ~UNBLOCKABLE;
  }
  int64_t result = nfds > p.limits[RLIMIT_NOFILE].current ? negative_errno(Error::Invalid)
                                                          : poll_fds(p, fds, nfds);
  if (result == 0 && s.deliverable()) return negative_errno(Error::Interrupted);
  const bool zero = timeout != 0 && ts[0] == 0 && ts[1] == 0;
  if (result == 0 && !zero) {
    // The mask goes back on the way to user mode (signal_deliver).
    if (timeout == 0) {
      p.state = ProcessState::Sleeping;
      p.wake_at = ~uint64_t{0};
      p.sleep_remaining = 0;
      return 0;
    }
    // The time left once the sleep is over, written now (the sleeper cannot look before);
    // poll_select_finish leaves a timeout it cannot write as it is.
    const int64_t over[2] = {0, 0};
    (void)copy_to_user(*p.mm, timeout, over, sizeof(over)).is_error();
    sleep_timespec(p, ts, false);
    p.sleep_remaining = timeout;
    p.sleep_remaining_optional = true;
    return 0;
  }
  if (s.restore_saved) {
    s.blocked = s.saved_blocked;
    s.restore_saved = false;
  }
  return result;
}

int64_t handle_libc_syscall(Process& p, Syscall call, const uint64_t a[6]) {
  switch (call) {
    case Syscall::Fstat:
      return sys_fstat(p, a[0], a[1]);
    case Syscall::Newfstatat:
      return sys_newfstatat(p, static_cast<int32_t>(a[0]), a[1], a[2], a[3]);
    case Syscall::Ioctl:
      return sys_ioctl(p, a[0]);
    case Syscall::Getuid:
    case Syscall::Geteuid:
    case Syscall::Getgid:
    case Syscall::Getegid:
      return 0;
    case Syscall::SchedGetaffinity:
      return sys_sched_getaffinity(p, static_cast<int32_t>(a[0]), static_cast<uint32_t>(a[1]),
                                   a[2]);
    case Syscall::SchedYield:
      return 0;
    case Syscall::Futex:
      return sys_futex(p, a[0], a[1], a[2], a[3]);
    case Syscall::ClockNanosleep:
      return sys_clock_nanosleep(p, static_cast<int32_t>(a[0]), a[1], a[2], a[3]);
    case Syscall::Ppoll:
      return sys_ppoll(p, a[0], static_cast<uint32_t>(a[1]), a[2], a[3], a[4]);
    case Syscall::Fcntl:
      return sys_fcntl(p, static_cast<uint32_t>(a[0]), static_cast<uint32_t>(a[1]), a[2]);
    default:
      return negative_errno(Error::NoSys);
  }
}
