// Host-file contract: a fast path for large files to the host, beside the console's artifact
// frames. An arch that can write a file on the host directly (arm64 through semihosting's
// SYS_OPEN/SYS_WRITE/SYS_CLOSE) does; the others answer Error::NotSupported and callers fall back
// to the console.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"

// Creates (or truncates) the host file `path` for writing. Error::NotSupported without a host
// channel, Error::Io when the host refuses.
Result<uint64_t> arch_host_file_create(const char* path);
// Appends the bytes; Error::Io when the host wrote fewer.
Result<void> arch_host_file_write(uint64_t handle, const void* data, size_t size);
Result<void> arch_host_file_close(uint64_t handle);
