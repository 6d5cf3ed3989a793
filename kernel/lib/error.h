// Kernel error codes. Each value is the Linux errno of the same meaning, so a system call returns
// -static_cast<int>(error) and a test can compare against Linux's answers directly.
#pragma once

#include <stdint.h>

enum class Error : int32_t {
  Permission = 1,     // EPERM
  NotFound = 2,       // ENOENT
  NoProcess = 3,      // ESRCH
  Interrupted = 4,    // EINTR
  Io = 5,             // EIO
  TooBig = 7,         // E2BIG
  NoExec = 8,         // ENOEXEC
  BadFile = 9,        // EBADF
  Again = 11,         // EAGAIN
  NoMemory = 12,      // ENOMEM
  Access = 13,        // EACCES
  Fault = 14,         // EFAULT
  Busy = 16,          // EBUSY
  Exists = 17,        // EEXIST
  NoDevice = 19,      // ENODEV
  Invalid = 22,       // EINVAL
  NoSpace = 28,       // ENOSPC
  Range = 34,         // ERANGE
  NoSys = 38,         // ENOSYS
  Overflow = 75,      // EOVERFLOW
  NotSupported = 95,  // EOPNOTSUPP
};

// Linux's macro name for the error ("ENOMEM"), or "E?" for a value outside the enum.
const char* error_name(Error error);

constexpr int to_errno(Error error) { return static_cast<int>(error); }
// What a system call returns for `error`: -errno.
constexpr int64_t negative_errno(Error error) { return -static_cast<int64_t>(to_errno(error)); }

// How a parser refuses its input: returns `error`, and stores `why` (the check that refused, a
// string with static storage) in *reason when the caller asked for it (reason != nullptr).
inline Error with_reason(const char** reason, Error error, const char* why) {
  if (reason != nullptr) *reason = why;
  return error;
}
