#include "kernel/lib/error.h"

const char* error_name(Error error) {
  switch (error) {
    case Error::Permission:
      return "EPERM";
    case Error::NotFound:
      return "ENOENT";
    case Error::NoProcess:
      return "ESRCH";
    case Error::Interrupted:
      return "EINTR";
    case Error::Io:
      return "EIO";
    case Error::TooBig:
      return "E2BIG";
    case Error::NoExec:
      return "ENOEXEC";
    case Error::BadFile:
      return "EBADF";
    case Error::Again:
      return "EAGAIN";
    case Error::NoMemory:
      return "ENOMEM";
    case Error::Access:
      return "EACCES";
    case Error::Fault:
      return "EFAULT";
    case Error::Busy:
      return "EBUSY";
    case Error::Exists:
      return "EEXIST";
    case Error::NoDevice:
      return "ENODEV";
    case Error::Invalid:
      return "EINVAL";
    case Error::NoSpace:
      return "ENOSPC";
    case Error::Range:
      return "ERANGE";
    case Error::NoSys:
      return "ENOSYS";
    case Error::Overflow:
      return "EOVERFLOW";
    case Error::NotSupported:
      return "EOPNOTSUPP";
  }
  return "E?";
}
