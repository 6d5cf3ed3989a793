// dup (fs/file.c): the lowest fd not open, sharing the open file description, so the two fds
// share the file position and the inode and the description outlives the first fd's close: a dup
// of stdout written through, two fds of /proc/self/maps read in turn (the second read goes on
// where the first stopped), fstat of each, a read after the original is closed, fd 0 reused
// once closed, and EBADF for an fd not open.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "oracle/programs/obs.h"

static long dup_fd(long fd) { return syscall(SYS_dup, fd); }

static void obs_fd(const char* key, long fd) {
  if (fd < 0) {
    obs(key, "error %s", errno_name(errno));
  } else {
    obs(key, "fd %ld", fd);
  }
}

int main(void) {
  fflush(stdout);
  const long out = dup_fd(1);
  obs_fd("dup.stdout", out);
  if (out >= 0) {
    static const char text[] = "dup.written_through_copy yes\n";
    obs("dup.write", "%ld", (long)write((int)out, text, sizeof text - 1));
  }

  // The whole maps text, then the same through two fds of one description, 16 bytes each.
  static char whole[8192], first[16], second[16];
  const int once = open("/proc/self/maps", O_RDONLY);
  const ssize_t got = once < 0 ? -1 : read(once, whole, sizeof whole);
  if (once >= 0) close(once);
  const int maps = open("/proc/self/maps", O_RDONLY);
  obs_fd("open.maps", maps);
  const long copy = dup_fd(maps);
  obs_fd("dup.maps", copy);
  const ssize_t a = read(maps, first, sizeof first);
  const ssize_t b = read((int)copy, second, sizeof second);
  obs("dup.shared_position", "%s",
      got >= 32 && a == 16 && b == 16 && memcmp(first, whole, 16) == 0 &&
              memcmp(second, whole + 16, 16) == 0
          ? "yes"
          : "no");
  struct stat s1, s2;
  const int f1 = fstat(maps, &s1), f2 = fstat((int)copy, &s2);
  obs("dup.same_inode", "%s", f1 == 0 && f2 == 0 && s1.st_ino == s2.st_ino ? "yes" : "no");
  obs_status("close.maps", close(maps));
  const ssize_t c = read((int)copy, second, sizeof second);
  obs("dup.read_after_close", "%s",
      c == 16 && memcmp(second, whole + 32, 16) == 0 ? "same_text" : "other");
  obs_status("close.copy", close((int)copy));
  obs_fd("dup.closed", dup_fd(maps));

  // fd 0 closed: the next dup takes it.
  obs_status("close.stdin", close(0));
  const long zero = dup_fd(1);
  obs_fd("dup.lowest", zero);
  if (zero == 0) {
    static const char text[] = "dup.written_through_fd_0 yes\n";
    obs("dup.write_fd_0", "%ld", (long)write(0, text, sizeof text - 1));
  }
  obs_fd("dup.not_open", dup_fd(99));
  obs_fd("dup.negative", dup_fd(-1));
  return 0;
}
