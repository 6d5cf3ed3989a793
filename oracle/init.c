// The /init of the Linux oracle's initramfs. It runs every program named in /oracle-programs (one
// name a line, each an executable /p/<name>), in order, with stdout and stderr on one pipe, and
// frames what each printed on the console for oracle/run-linux.sh:
//
//   ~oracle begin <name>
//   ~oracle line <one line the program printed>      (a last line without '\n' ends " ~nonl")
//   ~oracle end <name> lines <count> exit <status>|signal <number>|timeout|start-failed <errno>
//   ~oracle file <name>.core <size> <crc32>          (after the end line, when it left a core)
//   ~oracle data <base64 of up to CORE_LINE_BYTES bytes>
//   ~oracle fileend <name>.core
//   ~oracle done <programs run>
//
// Cores: /init raises RLIMIT_CORE to unlimited as Maplet starts its programs (Linux's default is
// 0) and points /proc/sys/kernel/core_pattern at a tmpfs, /cores/%e.core (%e, the comm: the name
// cut to 15 bytes); each core is sent with its size and zlib CRC-32, then removed.
// An exec failure prints "~exec-failed <errno>" and exits 127; start-failed means pipe or fork
// failed. The kernel's own console output is switched off first, so no kernel message splits a
// framed line. A program that runs longer than PROGRAM_SECONDS is killed.
//
// Last comes /init's own frame, "init", with two speed figures (oracle/README.md, "Speed"):
//   time.boot_to_user_ns        the counter at /init's first instruction (first_instruction.S)
//   time.program_start_exit_ns  the median of START_EXIT_RUNS fork + execve of "/init exit",
//                               which returns at once, and waitpid, timed from here
// Then /init powers off. Maplet, which has no fork, runs /init itself: "init first" prints the
// first line and exits, and the kernel adds the second; "init exit" only exits.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "oracle/programs/obs_counter.h"

enum { PROGRAM_SECONDS = 20, LINE_MAX_BYTES = 4096, NAME_MAX_BYTES = 128, START_EXIT_RUNS = 21 };
// Bytes of a core per "~oracle data" line (a multiple of 3: no padding inside the file).
enum { CORE_LINE_BYTES = 768, COMM_MAX_BYTES = 15 };
// syslog(2)'s SYSLOG_ACTION_CONSOLE_OFF.
enum { CONSOLE_OFF = 6 };

static int console = 1;

static void say(const char* text, size_t len) {
  while (len > 0) {
    ssize_t n = write(console, text, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text += n;
    len -= (size_t)n;
  }
}

// Emits one framed line; the whole line goes out in one write.
static void emit_line(const char* text, size_t len, int complete) {
  char buf[LINE_MAX_BYTES + 32];
  int n =
      snprintf(buf, sizeof buf, "~oracle line %.*s%s\n", (int)len, text, complete ? "" : " ~nonl");
  if (n > 0) say(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static long seconds_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long)t.tv_sec;
}

// Runs /p/<name>; returns the number of lines it printed and sets *verdict.
static long run_one(const char* name, char* verdict, size_t verdict_size) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    snprintf(verdict, verdict_size, "start-failed %d", errno);
    return 0;
  }
  char path[NAME_MAX_BYTES + 8];
  snprintf(path, sizeof path, "/p/%s", name);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    char* argv[] = {(char*)name, NULL};
    char* envp[] = {NULL};
    execve(path, argv, envp);
    // The framed output then shows the errno; the status says the program never ran.
    dprintf(1, "~exec-failed %d\n", errno);
    _exit(127);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    snprintf(verdict, verdict_size, "start-failed %d", errno);
    return 0;
  }
  char line[LINE_MAX_BYTES];
  size_t used = 0;
  long lines = 0;
  int timed_out = 0;
  long deadline = seconds_now() + PROGRAM_SECONDS;
  for (;;) {
    struct pollfd p = {.fd = fds[0], .events = POLLIN};
    long left = deadline - seconds_now();
    if (left <= 0 || poll(&p, 1, (int)left * 1000) == 0) {
      kill(pid, SIGKILL);
      timed_out = 1;
      break;
    }
    char chunk[512];
    ssize_t n = read(fds[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; i++) {
      // An over-long line is split: the comparison will show it, and memory stays bounded.
      if (chunk[i] == '\n' || used == sizeof line) {
        emit_line(line, used, 1);
        lines++;
        used = 0;
        if (chunk[i] == '\n') continue;
      }
      line[used++] = chunk[i];
    }
  }
  if (used > 0) {
    emit_line(line, used, 0);
    lines++;
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    snprintf(verdict, verdict_size, "timeout");
  } else if (WIFSIGNALED(status)) {
    snprintf(verdict, verdict_size, "signal %d", WTERMSIG(status));
  } else {
    snprintf(verdict, verdict_size, "exit %d", WEXITSTATUS(status));
  }
  return lines;
}

// zlib's CRC-32 (reflected polynomial 0xedb88320), continued from `crc`.
static unsigned crc32_update(unsigned crc, const unsigned char* p, size_t n) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int b = 0; b < 8; b++) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

// Base64 of n bytes into out (4 * ceil(n / 3) characters and a NUL).
static void base64(const unsigned char* in, size_t n, char* out) {
  static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)in[i] << 16;
    if (i + 1 < n) v |= (unsigned)in[i + 1] << 8;
    if (i + 2 < n) v |= in[i + 2];
    *out++ = digits[(v >> 18) & 63];
    *out++ = digits[(v >> 12) & 63];
    *out++ = i + 1 < n ? digits[(v >> 6) & 63] : '=';
    *out++ = i + 2 < n ? digits[v & 63] : '=';
  }
  *out = '\0';
}

// Reads up to size bytes of fd at offset `at` into buf; returns the count or -1.
static long read_at(int fd, unsigned char* buf, size_t size, long at) {
  size_t got = 0;
  while (got < size) {
    ssize_t n = pread(fd, buf + got, size - got, (off_t)(at + (long)got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) break;
    got += (size_t)n;
  }
  return (long)got;
}

// Sends /cores/<comm>.core if the program left one, then removes it.
static void send_core(const char* name) {
  char path[NAME_MAX_BYTES + 16];
  snprintf(path, sizeof path, "/cores/%.*s.core", COMM_MAX_BYTES, name);
  const char* file = path + strlen("/cores/");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  // Two passes over the file: its CRC for the header line, then the data lines.
  unsigned char chunk[CORE_LINE_BYTES];
  char line[4 * CORE_LINE_BYTES / 3 + 32];
  unsigned crc = 0;
  long size = 0;
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    crc = crc32_update(crc, chunk, (size_t)n);
    size += n;
  }
  dprintf(console, "~oracle file %s %ld %08x\n", file, size, crc);
  for (long at = 0; at < size; at += CORE_LINE_BYTES) {
    const size_t want = (size_t)(size - at) < sizeof chunk ? (size_t)(size - at) : sizeof chunk;
    long n = read_at(fd, chunk, want, at);
    if (n <= 0) break;
    int used = snprintf(line, sizeof line, "~oracle data ");
    base64(chunk, (size_t)n, line + used);
    size_t len = strlen(line);
    line[len++] = '\n';
    say(line, len);
  }
  dprintf(console, "~oracle fileend %s\n", file);
  close(fd);
  unlink(path);
}

// Cores as Maplet gives them: RLIMIT_CORE unlimited, written into a tmpfs.
static void enable_cores(void) {
  const struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
  if (setrlimit(RLIMIT_CORE, &unlimited) != 0) {
    dprintf(console, "~oracle fatal setrlimit RLIMIT_CORE: %s\n", strerror(errno));
  }
  mkdir("/cores", 0755);
  if (mount("tmpfs", "/cores", "tmpfs", 0, NULL) != 0) {
    dprintf(console, "~oracle fatal mount /cores: %s\n", strerror(errno));
  }
  int fd = open("/proc/sys/kernel/core_pattern", O_WRONLY | O_CLOEXEC);
  const char pattern[] = "/cores/%e.core";
  if (fd < 0 || write(fd, pattern, strlen(pattern)) != (ssize_t)strlen(pattern)) {
    dprintf(console, "~oracle fatal core_pattern: %s\n", strerror(errno));
  }
  if (fd >= 0) close(fd);
}

// Written by the entry point, first_instruction.S.
extern uint64_t oracle_entry_counter;

static double g_ns_per_tick;

// "time.boot_to_user_ns <ns>" into text[size].
static void boot_line(char* text, size_t size) {
  snprintf(text, size, "time.boot_to_user_ns %.0f", (double)oracle_entry_counter * g_ns_per_tick);
}

// The median whole life of "/init exit" in ns, timed from fork to waitpid; -1 when one fails.
static double start_exit_ns(void) {
  uint64_t ticks[START_EXIT_RUNS];
  for (int i = 0; i < START_EXIT_RUNS; i++) {
    const uint64_t t0 = obs_counter();
    pid_t pid = fork();
    if (pid == 0) {
      char* argv[] = {"init", "exit", NULL};
      char* envp[] = {NULL};
      execve("/init", argv, envp);
      _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
      return -1;
    }
    ticks[i] = obs_counter() - t0;
  }
  return (double)obs_median(ticks, START_EXIT_RUNS) * g_ns_per_tick;
}

// /init's own frame, after the programs'.
static void report_init(void) {
  char line[96];
  dprintf(console, "~oracle begin init\n");
  boot_line(line, sizeof line);
  emit_line(line, strlen(line), 1);
  snprintf(line, sizeof line, "time.program_start_exit_ns %.0f", start_exit_ns());
  emit_line(line, strlen(line), 1);
  dprintf(console, "~oracle end init lines 2 exit 0\n");
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "exit") == 0) return 0;
  const double hz = obs_counter_hz();
  g_ns_per_tick = hz > 0 ? 1e9 / hz : 0;
  if (argc > 1 && strcmp(argv[1], "first") == 0) {
    char line[64];
    boot_line(line, sizeof line);
    printf("%s\n", line);
    return 0;
  }
  klogctl(CONSOLE_OFF, NULL, 0);
  int fd = open("/dev/console", O_WRONLY | O_CLOEXEC);
  if (fd >= 0) console = fd;
  mkdir("/proc", 0555);
  if (mount("proc", "/proc", "proc", 0, NULL) != 0) {
    dprintf(console, "~oracle fatal mount /proc: %s\n", strerror(errno));
  }
  enable_cores();
  FILE* list = fopen("/oracle-programs", "re");
  long count = 0;
  if (list == NULL) {
    dprintf(console, "~oracle fatal no /oracle-programs: %s\n", strerror(errno));
  } else {
    char name[NAME_MAX_BYTES];
    while (fgets(name, sizeof name, list) != NULL) {
      name[strcspn(name, "\n")] = '\0';
      if (name[0] == '\0') continue;
      dprintf(console, "~oracle begin %s\n", name);
      char verdict[64];
      long lines = run_one(name, verdict, sizeof verdict);
      dprintf(console, "~oracle end %s lines %ld %s\n", name, lines, verdict);
      send_core(name);
      count++;
    }
    fclose(list);
  }
  report_init();
  dprintf(console, "~oracle done %ld\n", count);
  sync();
  reboot(RB_POWER_OFF);
  return 0;
}
