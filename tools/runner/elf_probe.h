#pragma once

// What `maplet-run --exec` checks before it boots anything: that PROG is a static 64-bit ELF
// executable of one of Maplet's arches (arm64 little-endian, powerpc64 in either byte order:
// the kernels powerpc and powerpc64le), whole enough
// to load. The kernel's loader checks everything again (kernel/proc/elf_image.h); these checks
// give the same refusals a clear message before QEMU starts. Reads at most MAX_PROGRAM_BYTES.

#include <cstdint>
#include <string>

namespace maplet::runner {

inline constexpr std::uintmax_t MAX_PROGRAM_BYTES = 64 * 1024 * 1024;

struct ElfProbe {
  bool ok = false;
  std::string arch;   // ARCH_ARM64, ARCH_POWERPC or ARCH_POWERPC64LE when ok.
  std::string bytes;  // The whole file when ok.
  // When not ok: the one-line reason, and whether the file is missing (else it is there but
  // not a program Maplet can run).
  std::string error;
  bool missing = false;
};

// Reasons, in the order checked: no such file; a directory or other non-regular file; it cannot
// be read; empty; larger than MAX_PROGRAM_BYTES; no ELF magic; cut inside the ELF header; not
// 64-bit; a byte order (EI_DATA) that is neither; a machine other than AArch64 and PowerPC64, or
// big-endian arm64; not ET_EXEC or ET_DYN;
// program headers that are not 56 bytes, absent, or past the end of the file; a PT_INTERP (a
// dynamic executable); a PT_LOAD whose file bytes pass the end of the file; no PT_LOAD.
[[nodiscard]] ElfProbe probe_elf_executable(const std::string& path);

}  // namespace maplet::runner
