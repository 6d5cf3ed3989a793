// Host-file contract: a fast path for large files to the host, beside the console's artifact
// frames. arm64 writes the host file directly through semihosting's SYS_OPEN/SYS_WRITE/SYS_CLOSE;
// powerpc stages the bytes in RAM that the runner reads from QEMU's RAM file
// (arch/powerpc/host_file.cc). Without such a channel the calls answer Error::NotSupported and
// callers fall back to the console.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"

// Creates (or truncates) the host file `path` for writing. Error::NotSupported without a host
// channel, Error::Io when the host refuses, Error::NoMemory when the channel's buffer cannot be
// had, Error::Busy while another file is open (powerpc keeps one at a time), Error::Invalid for a
// path the channel cannot carry.
Result<uint64_t> arch_host_file_create(const char* path);
// Appends the bytes; Error::Io when the host wrote fewer (the file is then incomplete), on powerpc
// Error::BadFile for a handle that is not open.
Result<void> arch_host_file_write(uint64_t handle, const void* data, size_t size);
// Ends the file; Error::Io when its last bytes did not reach the host, Error::BadFile as above.
Result<void> arch_host_file_close(uint64_t handle);
