// arm64's host files: semihosting (arch/arm64/semihosting.h), which the runner always enables.
#include "kernel/arch/host_file.h"

#include "arch/arm64/semihosting.h"

Result<uint64_t> arch_host_file_create(const char* path) { return arm64::semihosting_create(path); }
Result<void> arch_host_file_write(uint64_t handle, const void* data, size_t size) {
  return arm64::semihosting_write(handle, data, size);
}
Result<void> arch_host_file_close(uint64_t handle) { return arm64::semihosting_close(handle); }
