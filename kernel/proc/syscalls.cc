#include "kernel/proc/syscalls.h"

#include "kernel/arch/mte.h"
#include "kernel/arch/timer.h"
#include "kernel/lib/console.h"
#include "kernel/lib/string.h"
#include "kernel/mm/page_table_check.h"
#include "kernel/proc/itimer.h"
#include "kernel/proc/kernel_memory.h"
#include "kernel/proc/random.h"
#include "kernel/proc/rseq.h"
#include "kernel/proc/scheduler.h"
#include "kernel/proc/signal_delivery.h"
#include "kernel/proc/signal_syscalls.h"
#include "kernel/proc/syscalls_libc.h"
#include "kernel/proc/uaccess.h"
#include "kernel/proc/unknown_syscall.h"
#include "kernel/vdso/vdso_data.h"

namespace {

// errno values of include/uapi/asm-generic/errno-base.h and errno.h not in Error.
constexpr int64_t EPERM = 1, ESRCH = 3, EMFILE = 24, ESPIPE = 29, ENAMETOOLONG = 36;
constexpr size_t ROBUST_LIST_HEAD_SIZE = 24;  // struct robust_list_head, 64-bit
constexpr uint64_t NR_OPEN = 1024 * 1024;     // sysctl_nr_open's default (fs/file.c)

constexpr uint64_t NS_PER_SECOND = 1000000000;
constexpr size_t CHUNK = 256;                      // bytes copied per step of write and getrandom
constexpr uint64_t UIO_MAXIOV = 1024;              // include/uapi/linux/uio.h
constexpr uint64_t MAX_RW_COUNT = 0x7ffff000;      // INT_MAX & PAGE_MASK (include/linux/fs.h)
constexpr int PR_SET_NAME = 15, PR_GET_NAME = 16;  // include/uapi/linux/prctl.h
constexpr int PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4;
constexpr int PR_SET_TAGGED_ADDR_CTRL = 55, PR_GET_TAGGED_ADDR_CTRL = 56;
constexpr int O_ACCMODE = 3;
constexpr uint64_t R_OK = 4, W_OK = 2, X_OK = 1;
constexpr int SEEK_SET = 0, SEEK_CUR = 1;
constexpr unsigned SEEK_MAX = 4;  // SEEK_HOLE (include/uapi/linux/fs.h)
constexpr unsigned GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
constexpr size_t UTS_FIELD = 65;  // __NEW_UTS_LEN + 1

int64_t result_of(const Result<uint64_t>& r) {
  return r.is_ok() ? static_cast<int64_t>(r.value()) : negative_errno(r.error());
}
int64_t result_of(const Result<void>& r) { return r.is_ok() ? 0 : negative_errno(r.error()); }

uint64_t ns_of_ticks(uint64_t c) {
  const uint64_t f = arch_counter_frequency();
  return c / f * NS_PER_SECOND + c % f * NS_PER_SECOND / f;
}

uint64_t now_ns() { return ns_of_ticks(arch_counter_read()); }

// A free description (one exists while an fd does: there are as many), or nullptr.
OpenFile* free_file(Process& p) {
  for (OpenFile& file : p.files) {
    if (file.kind == FileKind::Closed) return &file;
  }
  return nullptr;
}

int64_t sys_write(Process& p, uint64_t fd, uint64_t buffer, uint64_t n) {
  OpenFile* file = process_file(p, fd);
  if (file == nullptr || (file->kind != FileKind::Stdout && file->kind != FileKind::Stderr)) {
    return negative_errno(Error::BadFile);
  }
  if (n > MAX_RW_COUNT) n = MAX_RW_COUNT;
  Sink* sink = file->kind == FileKind::Stdout ? p.out : p.err;
  uint64_t done = 0;
  while (done < n) {
    char chunk[CHUNK];
    const size_t step = n - done < CHUNK ? n - done : CHUNK;
    if (copy_from_user(*p.mm, chunk, buffer + done, step).is_error()) {
      return done > 0 ? static_cast<int64_t>(done) : negative_errno(Error::Fault);
    }
    sink->write(chunk, step);
    done += step;
  }
  return static_cast<int64_t>(done);
}

int64_t sys_writev(Process& p, uint64_t fd, uint64_t iov, uint64_t count) {
  if (count > UIO_MAXIOV) return negative_errno(Error::Invalid);
  if (process_file(p, fd) == nullptr) return negative_errno(Error::BadFile);
  struct IoVec {
    uint64_t base, length;
  };
  // import_iovec: the whole array first, the total within ssize_t.
  IoVec vecs[16];
  uint64_t total = 0;
  int64_t written = 0;
  for (uint64_t first = 0; first < count; first += 16) {
    const uint64_t n = count - first < 16 ? count - first : 16;
    if (copy_from_user(*p.mm, vecs, iov + first * sizeof(IoVec), n * sizeof(IoVec)).is_error()) {
      return negative_errno(Error::Fault);
    }
    for (uint64_t i = 0; i < n; i++) {
      if (vecs[i].length > static_cast<uint64_t>(INT64_MAX) - total)
        return negative_errno(Error::Invalid);
      total += vecs[i].length;
    }
  }
  for (uint64_t i = 0; i < count; i++) {
    IoVec v;
    if (copy_from_user(*p.mm, &v, iov + i * sizeof(IoVec), sizeof(v)).is_error()) {
      return negative_errno(Error::Fault);
    }
    const int64_t r = sys_write(p, fd, v.base, v.length);
    if (r < 0) return written > 0 ? written : r;
    written += r;
    if (static_cast<uint64_t>(r) < v.length) break;
  }
  return written;
}

// A proc file's text as it is now, in a buffer of the size it needs, replacing the text of an
// earlier read.
Result<void> render_text(Process& p, OpenFile& file) {
  char probe[1];
  BufferSink counter(probe, sizeof(probe));
  file.render(p, counter);
  const size_t capacity = counter.wanted() + 1;
  char* text = static_cast<char*>(TRY(kernel_alloc(capacity)));
  BufferSink sink(text, capacity);
  file.render(p, sink);
  if (file.text != nullptr) kernel_free(file.text, file.text_capacity);
  file.text = text;
  file.text_capacity = capacity;
  file.size = sink.length();
  return {};
}

int64_t sys_read(Process& p, uint64_t fd, uint64_t buffer, uint64_t n) {
  OpenFile* file = process_file(p, fd);
  if (file == nullptr || file->kind == FileKind::Stdout || file->kind == FileKind::Stderr) {
    return negative_errno(Error::BadFile);
  }
  if (file->kind == FileKind::Stdin && file->input == nullptr) return 0;
  if (file->kind == FileKind::Proc && file->position == 0 && render_text(p, *file).is_error()) {
    return negative_errno(Error::NoMemory);
  }
  if (file->position >= file->size) return 0;
  const uint64_t left = file->size - file->position;
  const uint64_t step = n < left ? n : left;
  const void* from =
      file->kind == FileKind::Stdin ? static_cast<const void*>(file->input) : file->text;
  if (copy_to_user(*p.mm, buffer, static_cast<const uint8_t*>(from) + file->position, step)
          .is_error()) {
    return negative_errno(Error::Fault);
  }
  file->position += step;
  return static_cast<int64_t>(step);
}

void render_maps(const Process& p, Sink& sink) { p.mm->render_maps(sink); }
// vm.mmap_min_addr (kernel/sysctl.c's vm table): the floor this address space enforces.
void render_mmap_min_addr(const Process& p, Sink& sink) {
  format(sink, "%llu\n", static_cast<unsigned long long>(p.mm->layout().mmap_min_addr));
}

// The files a path can name (taken as absolute, whatever the directory fd).
struct ProcFile {
  void (*render)(const Process& p, Sink& sink);
  uint16_t mode;
};
constexpr ProcFile MAPS_FILE = {render_maps, 0444};
constexpr ProcFile MMAP_MIN_ADDR_FILE = {render_mmap_min_addr, 0644};

// The file `path` names: the process's own /proc maps (by "self" or by its pid) or the
// vm.mmap_min_addr sysctl. Sets *found to nullptr for any other path; returns -errno when the
// path cannot be read (EFAULT, ENAMETOOLONG), 0 otherwise.
int64_t look_up(Process& p, uint64_t path, const ProcFile** found) {
  char name[256];
  Result<size_t> length = strncpy_from_user(*p.mm, name, path, sizeof(name));
  if (length.is_error())
    return length.error() == Error::Range ? -ENAMETOOLONG : negative_errno(Error::Fault);
  char own[32];
  format_to_buffer(own, sizeof(own), "/proc/%d/maps", p.pid);
  *found = nullptr;
  if (klib::str_equal(name, "/proc/self/maps") || klib::str_equal(name, own)) *found = &MAPS_FILE;
  if (klib::str_equal(name, "/proc/sys/vm/mmap_min_addr")) *found = &MMAP_MIN_ADDR_FILE;
  return 0;
}

// The text is made when a read starts at offset 0 (C libraries allocate their FILE buffers
// after open, and Linux's maps, generated as they are read, show that heap). Only reading: the
// maps are 0444, and the sysctl, 0644, is writable by root on Linux but fixed here.
int64_t sys_openat(Process& p, uint64_t path, int flags) {
  const ProcFile* named;
  const int64_t looked = look_up(p, path, &named);
  if (looked < 0) return looked;
  if (named == nullptr) return negative_errno(Error::NotFound);
  if ((flags & O_ACCMODE) != 0) return negative_errno(Error::Access);
  OpenFile* file = free_file(p);
  if (file == nullptr) return -EMFILE;
  file->kind = FileKind::Proc;
  file->render = named->render;
  file->mode = named->mode;
  // build_open_how forces O_LARGEFILE on 64-bit; of the other flags only the status flags fcntl
  // can change are kept (Maplet has no use for O_SYNC and the like), O_CLOEXEC goes to the fd.
  file->flags = p.arch->open_largefile |
                (static_cast<uint32_t>(flags) & (OPEN_APPEND | OPEN_NONBLOCK | OPEN_NOATIME));
  const int fd =
      process_install_file(p, file, 0, (static_cast<uint32_t>(flags) & OPEN_CLOEXEC) != 0);
  if (fd < 0) {
    *file = OpenFile{};
    return -EMFILE;
  }
  return fd;
}

// do_faccessat for a process running as root: a mode beyond R_OK | W_OK | X_OK is EINVAL before
// the path is looked at; an existing file passes R_OK and W_OK (CAP_DAC_OVERRIDE) and X_OK only
// with an execute bit, which neither proc file has.
int64_t sys_faccessat(Process& p, uint64_t path, uint64_t mode) {
  if ((mode & ~uint64_t{R_OK | W_OK | X_OK}) != 0) return negative_errno(Error::Invalid);
  const ProcFile* named;
  const int64_t looked = look_up(p, path, &named);
  if (looked < 0) return looked;
  if (named == nullptr) return negative_errno(Error::NotFound);
  return (mode & X_OK) != 0 && (named->mode & 0111) == 0 ? negative_errno(Error::Access) : 0;
}

int64_t sys_close(Process& p, uint64_t fd) {
  return process_close_file(p, fd) ? 0 : negative_errno(Error::BadFile);
}

// dup: the lowest fd not open, sharing the description (EBADF, then EMFILE).
int64_t sys_dup(Process& p, uint64_t fd) {
  OpenFile* file = process_file(p, fd);
  if (file == nullptr) return negative_errno(Error::BadFile);
  const int copy = process_install_file(p, file, 0, false);
  return copy < 0 ? -EMFILE : copy;
}

int64_t sys_lseek(Process& p, uint64_t fd, int64_t offset, int whence) {
  OpenFile* file = process_file(p, fd);
  if (file == nullptr) return negative_errno(Error::BadFile);
  if (file->kind != FileKind::Proc) return -ESPIPE;
  // seq_lseek: SEEK_SET and SEEK_CUR only, never before the start.
  int64_t base;
  if (whence == SEEK_SET) {
    base = 0;
  } else if (whence == SEEK_CUR) {
    base = static_cast<int64_t>(file->position);
  } else {
    return negative_errno(Error::Invalid);
  }
  int64_t target;
  if (__builtin_add_overflow(base, offset, &target) || target < 0)
    return negative_errno(Error::Invalid);
  file->position = static_cast<uint64_t>(target);
  return target;
}

// llseek (fs/read_write.c): lseek to offset_high << 32 | offset_low, the new position written
// to *result and 0 returned. A bad file comes before a bad whence; the position moves even when
// *result cannot be written (EFAULT).
int64_t sys_llseek(Process& p, uint64_t fd, uint64_t high, uint64_t low, uint64_t result,
                   uint32_t whence) {
  if (process_file(p, fd) == nullptr) return negative_errno(Error::BadFile);
  if (whence > SEEK_MAX) return negative_errno(Error::Invalid);
  const int64_t at =
      sys_lseek(p, fd, static_cast<int64_t>(high << 32 | low), static_cast<int>(whence));
  if (at < 0) return at;
  return copy_to_user(*p.mm, result, &at, sizeof(at)).is_error() ? negative_errno(Error::Fault) : 0;
}

// CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID (one thread): the time of its turns.
constexpr int64_t CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;
bool cpu_clock(int64_t clock) {
  return clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID;
}

// CLOCK_REALTIME_ALARM and CLOCK_BOOTTIME_ALARM read the real-time and boot clocks, where the
// machine has them (arch_has_alarm_clocks); the vDSO leaves them to the system call.
constexpr int64_t CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9;
bool counted_clock(int64_t clock) {
  if (clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM) {
    return arch_has_alarm_clocks();
  }
  return vdso_counted_clock(clock);
}

int64_t sys_clock_gettime(Process& p, int64_t clock, uint64_t tp) {
  if (!counted_clock(clock) && !cpu_clock(clock)) return negative_errno(Error::Invalid);
  const uint64_t ns = cpu_clock(clock) ? ns_of_ticks(process_cpu_ticks(p)) : now_ns();
  const int64_t ts[2] = {static_cast<int64_t>(ns / NS_PER_SECOND),
                         static_cast<int64_t>(ns % NS_PER_SECOND)};
  return result_of(copy_to_user(*p.mm, tp, ts, sizeof(ts)));
}

// A CPU clock's is 1 ns (posix_cpu_clock_getres for CPUCLOCK_SCHED).
int64_t sys_clock_getres(Process& p, int64_t clock, uint64_t tp) {
  if (!counted_clock(clock) && !cpu_clock(clock)) return negative_errno(Error::Invalid);
  if (tp == 0) return 0;
  const int64_t ts[2] = {0, cpu_clock(clock) ? 1 : vdso_counted_clock_resolution_ns(clock)};
  return result_of(copy_to_user(*p.mm, tp, ts, sizeof(ts)));
}

// The real-time clock in microseconds, and a time zone of UTC, as sys_tz starts; either pointer
// may be 0 (the vDSO's gettimeofday gives the same).
int64_t sys_gettimeofday(Process& p, uint64_t tv, uint64_t tz) {
  if (tv != 0) {
    const uint64_t ns = now_ns();
    const int64_t value[2] = {static_cast<int64_t>(ns / NS_PER_SECOND),
                              static_cast<int64_t>(ns % NS_PER_SECOND / 1000)};
    if (copy_to_user(*p.mm, tv, value, sizeof(value)).is_error())
      return negative_errno(Error::Fault);
  }
  const int32_t zone[2] = {0, 0};
  return tz != 0 ? result_of(copy_to_user(*p.mm, tz, zone, sizeof(zone))) : 0;
}

// Queues `signal` from `sender` (si_pid, si_uid 0) with si_code `code`; it is acted on when
// the target next returns to user mode. EAGAIN when a real-time signal finds the queue full.
int64_t send(Process& sender, Process& target, int signal, int code) {
  SignalInfo info{};
  info.signo = signal;
  info.code = code;
  info.pid = sender.pid;
  return result_of(target.signals.send(info));
}

Process* find_target(Process& p, int64_t pid) {
  if (pid == p.pid) return &p;
  return scheduler_find(static_cast<int>(pid));
}

int64_t sys_kill(Process& p, int64_t pid, int64_t signal) {
  if (signal < 0 || signal > SIGNAL_MAX) return negative_errno(Error::Invalid);
  // 0 and -1 address the caller's group and every process it may signal: here the caller.
  Process* target = (pid == 0 || pid == -1) ? &p : find_target(p, pid);
  if (target == nullptr || pid < -1) return negative_errno(Error::NoProcess);
  return signal != 0 ? send(p, *target, static_cast<int>(signal), CODE_USER) : 0;
}

int64_t sys_tgkill(Process& p, int64_t tgid, int64_t tid, int64_t signal) {
  if (tgid <= 0 || tid <= 0 || signal < 0 || signal > SIGNAL_MAX)
    return negative_errno(Error::Invalid);
  Process* target = find_target(p, tid);
  if (target == nullptr || target->pid != tgid) return negative_errno(Error::NoProcess);
  return signal != 0 ? send(p, *target, static_cast<int>(signal), CODE_TKILL) : 0;
}

// rt_sigqueueinfo: the caller's siginfo (si_code, si_pid, si_uid, si_value) sent as `signal`,
// checked as do_rt_sigqueueinfo and kill_pid_info check it: EFAULT, then EPERM for an si_code
// that claims kill or the kernel (>= 0, or SI_TKILL) sent to another process, ESRCH, EINVAL.
int64_t sys_rt_sigqueueinfo(Process& p, int64_t pid, int64_t signal, uint64_t user_info) {
  uint8_t raw[SIGINFO_SIZE];
  if (copy_from_user(*p.mm, raw, user_info, sizeof(raw)).is_error())
    return negative_errno(Error::Fault);
  SignalInfo info{};
  int32_t code = 0, sender = 0;
  klib::mem_copy(&code, raw + 8, sizeof(code));
  klib::mem_copy(&sender, raw + 16, sizeof(sender));
  klib::mem_copy(&info.uid, raw + 20, sizeof(info.uid));
  klib::mem_copy(&info.value, raw + 24, sizeof(info.value));
  info.code = code;
  info.pid = sender;
  if ((code >= 0 || code == CODE_TKILL) && pid != p.pid) return -EPERM;
  Process* target = pid > 0 ? find_target(p, pid) : nullptr;
  if (target == nullptr) return negative_errno(Error::NoProcess);
  if (signal < 0 || signal > SIGNAL_MAX) return negative_errno(Error::Invalid);
  if (signal == 0) return 0;
  info.signo = static_cast<int>(signal);
  return result_of(target->signals.send(info));
}

int64_t sys_uname(Process& p, uint64_t buffer) {
  char uts[6][UTS_FIELD] = {};
  const char* fields[6] = {"Linux", "maplet", "6.12.0-maplet", "#1 SMP", p.arch->machine, "(none)"};
  for (int i = 0; i < 6; i++) {
    klib::mem_copy(uts[i], fields[i], klib::str_length(fields[i]));
  }
  return result_of(copy_to_user(*p.mm, buffer, uts, sizeof(uts)));
}

int64_t sys_getrandom(Process& p, uint64_t buffer, uint64_t n, uint64_t flags) {
  if ((flags & ~uint64_t{GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE}) != 0 ||
      (flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM)) {
    return negative_errno(Error::Invalid);
  }
  if (n > MAX_RW_COUNT) n = MAX_RW_COUNT;
  uint64_t done = 0;
  while (done < n) {
    uint8_t chunk[CHUNK];
    const size_t step = n - done < CHUNK ? n - done : CHUNK;
    random_bytes(chunk, step);
    if (copy_to_user(*p.mm, buffer + done, chunk, step).is_error()) {
      return done > 0 ? static_cast<int64_t>(done) : negative_errno(Error::Fault);
    }
    done += step;
  }
  return static_cast<int64_t>(done);
}

// `rest` is arg3 | arg4 | arg5, which the tagged address calls require to be zero.
int64_t sys_prctl(Process& p, int64_t option, uint64_t arg, uint64_t rest) {
  if (option == PR_SET_TAGGED_ADDR_CTRL) {
    return rest != 0 ? negative_errno(Error::Invalid)
                     : result_of(arch_set_tagged_addr_ctrl(p.context, arg));
  }
  if (option == PR_GET_TAGGED_ADDR_CTRL) {
    return arg != 0 || rest != 0 ? negative_errno(Error::Invalid)
                                 : result_of(arch_get_tagged_addr_ctrl(p.context));
  }
  if (option == PR_SET_NAME) {
    char name[COMM_LENGTH] = {};
    Result<size_t> length = strncpy_from_user(*p.mm, name, arg, COMM_LENGTH - 1);
    if (length.is_error() && length.error() == Error::Fault) return negative_errno(Error::Fault);
    name[COMM_LENGTH - 1] = '\0';  // a longer name is cut to 15 characters
    klib::mem_copy(p.comm, name, COMM_LENGTH);
    return 0;
  }
  if (option == PR_GET_NAME) return result_of(copy_to_user(*p.mm, arg, p.comm, COMM_LENGTH));
  // SUID_DUMP_DISABLE (0) or SUID_DUMP_USER (1); SUID_DUMP_ROOT only comes from the sysctl.
  if (option == PR_SET_DUMPABLE) {
    if (arg > 1) return negative_errno(Error::Invalid);
    p.dumpable = arg == 1;
    return 0;
  }
  if (option == PR_GET_DUMPABLE) return p.dumpable ? 1 : 0;
  return negative_errno(Error::Invalid);
}

// sys_prlimit64 of the caller (pid 0 or its own): the old limit first, then the new one as
// do_prlimit checks it (the caller is root, so raising the maximum is allowed).
int64_t sys_prlimit64(Process& p, int64_t pid, uint64_t resource, uint64_t new_limit,
                      uint64_t old_limit) {
  ResourceLimit wanted{};
  if (new_limit != 0 && copy_from_user(*p.mm, &wanted, new_limit, sizeof(wanted)).is_error()) {
    return negative_errno(Error::Fault);
  }
  if (pid != 0 && pid != p.pid) return -ESRCH;
  if (resource >= RESOURCE_LIMITS) return negative_errno(Error::Invalid);
  if (new_limit != 0) {
    if (wanted.current > wanted.maximum) return negative_errno(Error::Invalid);
    if (resource == RLIMIT_NOFILE && wanted.maximum > NR_OPEN) return -EPERM;
  }
  if (old_limit != 0 &&
      copy_to_user(*p.mm, old_limit, &p.limits[resource], sizeof(ResourceLimit)).is_error()) {
    return negative_errno(Error::Fault);
  }
  if (new_limit != 0) p.limits[resource] = wanted;
  return 0;
}

// readlink(at) of "/proc/self/exe" or "/proc/<own pid>/exe": the executable's path, cut to
// `size` bytes, no NUL. Every other path is ENOENT (no other symbolic links exist).
int64_t sys_readlink(Process& p, uint64_t path, uint64_t buffer, int64_t size) {
  if (size <= 0) return negative_errno(Error::Invalid);
  char name[256];
  Result<size_t> length = strncpy_from_user(*p.mm, name, path, sizeof(name));
  if (length.is_error())
    return length.error() == Error::Range ? -ENAMETOOLONG : negative_errno(Error::Fault);
  char own[32];
  format_to_buffer(own, sizeof(own), "/proc/%d/exe", p.pid);
  if (!klib::str_equal(name, "/proc/self/exe") && !klib::str_equal(name, own)) {
    return negative_errno(Error::NotFound);
  }
  uint64_t n = klib::str_length(p.executable_path);
  if (n > static_cast<uint64_t>(size)) n = static_cast<uint64_t>(size);
  if (copy_to_user(*p.mm, buffer, p.executable_path, n).is_error())
    return negative_errno(Error::Fault);
  return static_cast<int64_t>(n);
}

// sys_mincore: the address space answers a chunk of pages at a time; each chunk is copied out
// before the next is asked for, so a hole after some pages still leaves their bytes in vec.
int64_t sys_mincore(Process& p, uint64_t start, uint64_t length, uint64_t vec) {
  uint8_t chunk[CHUNK];
  uint64_t pages = (length >> PAGE_SHIFT) + ((length & (PAGE_SIZE - 1)) != 0 ? 1 : 0);
  if (length == 0) return result_of(p.mm->mincore(start, 0, chunk, sizeof(chunk)));
  while (pages > 0) {
    Result<uint64_t> done =
        p.mm->mincore(start, pages << PAGE_SHIFT, chunk, pages < CHUNK ? pages : CHUNK);
    if (done.is_error()) return negative_errno(done.error());
    if (done.value() == 0) break;
    if (copy_to_user(*p.mm, vec, chunk, done.value()).is_error())
      return negative_errno(Error::Fault);
    pages -= done.value();
    vec += done.value();
    start += done.value() << PAGE_SHIFT;
  }
  return 0;
}

// maplet.check_mm: the VMA tree and the page tables agree with each other
// (kernel/mm/page_table_check.h); a disagreement is counted and described on stderr.
void check_mm(Process& p, uint64_t number) {
  const PageTableCheck check = check_page_tables(*p.mm, arch_aspace_mmu_ops(p.aspace));
  if (check.ok()) return;
  p.check_failures++;
  if (check.tree) {
    format(*p.err, "mm check after system call %llu: VMA tree: %s\n",
           static_cast<unsigned long long>(number), check.problem);
    return;
  }
  format(
      *p.err,
      "mm check after system call %llu: %s at %#llx (grants %#llx, VMA allows %#llx; %llu such)\n",
      static_cast<unsigned long long>(number), check.problem,
      static_cast<unsigned long long>(check.va), static_cast<unsigned long long>(check.granted),
      static_cast<unsigned long long>(check.allowed),
      static_cast<unsigned long long>(check.offending));
}

void end(Process& p, uint64_t code) {
  ProcessExit how{};
  how.status = static_cast<int>(code & 0xff);
  process_exit(p, how);
}

}  // namespace

void handle_syscall(Process& p) {
  UserContext* c = p.context;
  uint64_t a[6];
  for (unsigned i = 0; i < 6; i++) a[i] = arch_user_syscall_arg(c, i);
  const auto s = [&](unsigned i) { return static_cast<int64_t>(a[i]); };
  const Syscall call = p.arch->syscall(arch_user_syscall_number(c));
  int64_t result = negative_errno(Error::NoSys);
  bool mm_call = false;
  switch (call) {
    case Syscall::Unknown:
      report_unknown_syscall(p, arch_user_syscall_number(c));
      break;
    case Syscall::Rseq:
      result = sys_rseq(p, a[0], static_cast<uint32_t>(a[1]), static_cast<int32_t>(a[2]),
                        static_cast<uint32_t>(a[3]));
      break;
    case Syscall::SetRobustList:
      if (a[1] != ROBUST_LIST_HEAD_SIZE) {
        result = negative_errno(Error::Invalid);
        break;
      }
      p.robust_list = a[0];
      result = 0;
      break;
    case Syscall::Prlimit64:
      result =
          sys_prlimit64(p, static_cast<int32_t>(a[0]), static_cast<uint32_t>(a[1]), a[2], a[3]);
      break;
    case Syscall::Readlinkat:
      result = sys_readlink(p, a[1], a[2], static_cast<int32_t>(a[3]));
      break;
    case Syscall::Readlink:
      result = sys_readlink(p, a[0], a[1], static_cast<int32_t>(a[2]));
      break;
    case Syscall::Read:
      result = sys_read(p, a[0], a[1], a[2]);
      break;
    case Syscall::Write:
      result = sys_write(p, a[0], a[1], a[2]);
      break;
    case Syscall::Writev:
      result = sys_writev(p, a[0], a[1], a[2]);
      break;
    case Syscall::Openat:
      result = sys_openat(p, a[1], static_cast<int>(a[2]));
      break;
    case Syscall::Open:  // powerpc's open: openat of AT_FDCWD (the path is absolute)
      result = sys_openat(p, a[0], static_cast<int>(a[1]));
      break;
    case Syscall::Faccessat:
      result = sys_faccessat(p, a[1], a[2]);
      break;
    case Syscall::Access:  // powerpc's access: faccessat of AT_FDCWD (the path is absolute)
      result = sys_faccessat(p, a[0], a[1]);
      break;
    case Syscall::Close:
      result = sys_close(p, a[0]);
      break;
    case Syscall::Dup:
      result = sys_dup(p, a[0]);
      break;
    case Syscall::Lseek:
      result = sys_lseek(p, a[0], s(1), static_cast<int>(a[2]));
      break;
    case Syscall::Llseek:
      result = sys_llseek(p, a[0], a[1], a[2], a[3], static_cast<uint32_t>(a[4]));
      break;
    case Syscall::Exit:
    case Syscall::ExitGroup:
      end(p, a[0]);
      return;
    case Syscall::Getpid:
    case Syscall::Gettid:
      result = p.pid;
      break;
    case Syscall::Getppid:
      result = p.parent_pid;
      break;
    // The tagged address ABI's first class (Documentation/arch/arm64/tagged-address-abi.rst):
    // address-space calls untag their address, always; brk, mmap and mremap's new address do not.
    case Syscall::Mmap:
      mm_call = true;
      // File mappings need a file: no fd of these can be mapped.
      result = (static_cast<int>(a[3]) & MAP_ANONYMOUS) == 0
                   ? (process_file(p, a[4]) == nullptr ? negative_errno(Error::BadFile)
                                                       : negative_errno(Error::NoDevice))
                   : result_of(p.mm->mmap(a[0], a[1], static_cast<int>(a[2]),
                                          static_cast<int>(a[3]), nullptr, a[5]));
      break;
    case Syscall::Munmap:
      mm_call = true;
      result = result_of(p.mm->munmap(arch_untagged_addr(a[0]), a[1]));
      break;
    case Syscall::Mprotect:
      mm_call = true;
      result = result_of(p.mm->mprotect(arch_untagged_addr(a[0]), a[1], static_cast<int>(a[2])));
      break;
    case Syscall::Mremap:
      mm_call = true;
      result = result_of(
          p.mm->mremap(arch_untagged_addr(a[0]), a[1], a[2], static_cast<int>(a[3]), a[4]));
      break;
    case Syscall::Brk:
      mm_call = true;
      result = static_cast<int64_t>(p.mm->brk(a[0]));
      break;
    case Syscall::Madvise:
      mm_call = true;
      result = result_of(p.mm->madvise(arch_untagged_addr(a[0]), a[1], static_cast<int>(a[2])));
      break;
    case Syscall::Mincore:
      result = sys_mincore(p, arch_untagged_addr(a[0]), a[1], a[2]);
      break;
    case Syscall::ClockGettime:
      result = sys_clock_gettime(p, s(0), a[1]);
      break;
    case Syscall::ClockGetres:
      result = sys_clock_getres(p, s(0), a[1]);
      break;
    case Syscall::Setitimer:
      result = sys_setitimer(p, static_cast<int32_t>(a[0]), a[1], a[2]);
      break;
    case Syscall::Getitimer:
      result = sys_getitimer(p, static_cast<int32_t>(a[0]), a[1]);
      break;
    case Syscall::Alarm:
      result = sys_alarm(p, a[0]);
      break;
    case Syscall::Gettimeofday:
      result = sys_gettimeofday(p, a[0], a[1]);
      break;
    case Syscall::Nanosleep:
      result = sys_clock_nanosleep(p, CLOCK_MONOTONIC, 0, a[0], a[1]);
      break;
    case Syscall::Kill:
      result = sys_kill(p, static_cast<int32_t>(a[0]), s(1));
      break;
    case Syscall::RtSigqueueinfo:
      result = sys_rt_sigqueueinfo(p, static_cast<int32_t>(a[0]), static_cast<int32_t>(a[1]), a[2]);
      break;
    case Syscall::Tgkill:
      result = sys_tgkill(p, static_cast<int32_t>(a[0]), static_cast<int32_t>(a[1]), s(2));
      break;
    case Syscall::Tkill:
      // One thread per process: the thread's group is the thread itself.
      result = sys_tgkill(p, static_cast<int32_t>(a[0]), static_cast<int32_t>(a[0]), s(1));
      break;
    case Syscall::RtSigaction:
      result = sys_rt_sigaction(p, s(0), a[1], a[2], a[3]);
      break;
    case Syscall::RtSigprocmask:
      result = sys_rt_sigprocmask(p, s(0), a[1], a[2], a[3]);
      break;
    case Syscall::Sigaltstack:
      result = sys_sigaltstack(p, a[0], a[1]);
      break;
    case Syscall::RtSigpending:
      result = sys_rt_sigpending(p, a[0], a[1]);
      break;
    case Syscall::RtSigreturn:
      // The registers are the frame's now, its x0 or r3 included (or 0 for a bad frame): no
      // result to set.
      signal_return(p);
      return;
    case Syscall::Uname:
      result = sys_uname(p, a[0]);
      break;
    case Syscall::Getrandom:
      result = sys_getrandom(p, a[0], a[1], a[2]);
      break;
    case Syscall::SetTidAddress:
      p.clear_child_tid = a[0];
      result = p.pid;
      break;
    case Syscall::Prctl:
      result = sys_prctl(p, s(0), a[1], a[2] | a[3] | a[4]);
      break;
    default:
      result = handle_libc_syscall(p, call, a);
      break;
  }
  arch_user_set_syscall_result(c, result);
  p.syscall_returning = true;
  if (mm_call && scheduler_check_mm()) check_mm(p, arch_user_syscall_number(c));
}

// hrtimer_nanosleep's end by a signal: -EINTR, and the time left in *rem when it was given
// (nanosleep_copyout: EFAULT when rem cannot be written; ppoll's poll_select_finish keeps
// EINTR).
void nanosleep_interrupted(Process& p) {
  const uint64_t now = arch_counter_read(), f = arch_counter_frequency();
  const uint64_t left = p.wake_at > now ? p.wake_at - now : 0;
  const int64_t ts[2] = {static_cast<int64_t>(left / f),
                         static_cast<int64_t>(left % f * NS_PER_SECOND / f)};
  int64_t result = negative_errno(Error::Interrupted);
  if (p.sleep_remaining != 0 && copy_to_user(*p.mm, p.sleep_remaining, ts, sizeof(ts)).is_error() &&
      !p.sleep_remaining_optional) {
    result = negative_errno(Error::Fault);
  }
  arch_user_set_syscall_result(p.context, result);
}
