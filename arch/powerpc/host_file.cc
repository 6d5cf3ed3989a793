// powerpc has no host-file channel (pseries offers no semihosting): files go over the console.
#include "kernel/arch/host_file.h"

Result<uint64_t> arch_host_file_create(const char*) { return Error::NotSupported; }
Result<void> arch_host_file_write(uint64_t, const void*, size_t) { return Error::NotSupported; }
Result<void> arch_host_file_close(uint64_t) { return Error::NotSupported; }
