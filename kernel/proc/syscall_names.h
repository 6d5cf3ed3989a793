// The names of Linux's system call numbers (the 64-bit ABI of each arch, Linux 6.12), for
// reporting the calls Maplet does not implement by name, from the tables
// scripts/gen-syscall-names.sh generates from the kernel sources' syscall.tbl files
// (kernel/proc/syscall_name_tables.h).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/proc/elf_image.h"

// The name of `number` ("newfstatat") in the table of a process of ABI `abi` (arm64's, or
// powerpc64's for either ELF ABI), or nullptr when the table has no such number.
const char* syscall_name(ElfAbi abi, uint64_t number);
