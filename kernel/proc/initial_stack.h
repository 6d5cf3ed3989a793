// The initial user stack of a new program, laid out byte for byte as Linux 6.12 builds it: the
// strings that execve copies (fs/exec.c do_execveat_common: the file name at the very top, then
// the environment and argument strings), then create_elf_tables() (fs/binfmt_elf.c) with the
// arch's ARCH_DLINFO (arch/arm64/include/asm/elf.h, arch/powerpc/include/asm/elf.h):
//
//   stack_top ->  8 zero bytes
//                 execfn "\0"                     <- AT_EXECFN
//                 envp[envc-1] .. envp[0]          strings, last one highest
//                 argv[argc-1] .. argv[0]          <- arg_start
//                 (arch_align_stack: minus the random offset, rounded down to 16)
//                 platform "\0", base platform "\0" (powerpc), 16 random bytes <- AT_RANDOM
//                 zero padding
//                 auxv pairs, AT_NULL pair
//                 NULL, envp[], NULL, argv[], argc <- sp (16-byte aligned)
//
// Words are 8 bytes in the target's byte order, so one build writes stacks for either arch.
// The image goes into a caller's buffer that mirrors the top `size` bytes of the stack, ending at
// stack_top; bytes between the pieces are zero. No allocation, no I/O, no arch code.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/byte_order.h"
#include "kernel/lib/result.h"

// auxv types (include/uapi/linux/auxvec.h, arch/powerpc/include/uapi/asm/auxvec.h).
inline constexpr uint64_t AT_NULL = 0, AT_IGNORE = 1, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5,
                          AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11,
                          AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16,
                          AT_CLKTCK = 17, AT_DCACHEBSIZE = 19, AT_ICACHEBSIZE = 20,
                          AT_UCACHEBSIZE = 21, AT_IGNOREPPC = 22, AT_SECURE = 23,
                          AT_BASE_PLATFORM = 24, AT_RANDOM = 25, AT_HWCAP2 = 26,
                          AT_RSEQ_FEATURE_SIZE = 27, AT_RSEQ_ALIGN = 28, AT_EXECFN = 31,
                          AT_SYSINFO_EHDR = 33, AT_L1I_CACHESIZE = 40, AT_L1I_CACHEGEOMETRY = 41,
                          AT_L1D_CACHESIZE = 42, AT_L1D_CACHEGEOMETRY = 43, AT_L2_CACHESIZE = 44,
                          AT_L2_CACHEGEOMETRY = 45, AT_L3_CACHESIZE = 46, AT_L3_CACHEGEOMETRY = 47,
                          AT_MINSIGSTKSZ = 51;

// One cache level for powerpc's AT_L*_CACHESIZE / AT_L*_CACHEGEOMETRY entries.
struct CacheLevel {
  uint64_t size;
  uint32_t line_size;
  uint32_t assoc;
};

// What the arch contributes to the stack: its ARCH_DLINFO flavour and the values of its entries.
struct StackArch {
  enum class DlInfo : uint8_t { Arm64, Powerpc64 };
  DlInfo dlinfo;
  ByteOrder byte_order;
  uint64_t page_size;         // AT_PAGESZ (ELF_EXEC_PAGESIZE)
  uint64_t hwcap;             // AT_HWCAP: only what the kernel implements
  uint64_t hwcap2;            // AT_HWCAP2
  const char* platform;       // AT_PLATFORM string ("aarch64", "power10"), nullptr for none
  const char* base_platform;  // AT_BASE_PLATFORM string, nullptr for none (arm64 has none)
  uint64_t vdso_base;         // AT_SYSINFO_EHDR, written only when nonzero
  uint64_t minsigstksz;       // AT_MINSIGSTKSZ; on arm64 0 writes AT_IGNORE instead, as Linux
  bool rseq;                  // CONFIG_RSEQ: AT_RSEQ_FEATURE_SIZE (28) and AT_RSEQ_ALIGN (32)
  uint64_t clock_ticks;       // AT_CLKTCK (CLOCKS_PER_SEC = USER_HZ = 100)
  // powerpc64 only: AT_DCACHEBSIZE, AT_ICACHEBSIZE, and the four levels' geometry.
  uint32_t dcache_block_size;
  uint32_t icache_block_size;
  CacheLevel l1i, l1d, l2, l3;
};

// The program and the process, as create_elf_tables reads them.
struct StackRequest {
  uint64_t stack_top;       // end of the stack VMA (page aligned)
  const char* const* argv;  // argc strings; with argc 0 Linux passes one "" instead
  size_t argc;
  const char* const* envp;
  size_t envc;
  const char* execfn;             // the path given to execve: AT_EXECFN
  uint8_t random[16];             // AT_RANDOM's bytes
  uint64_t align_offset;          // arch_align_stack()'s random drop, below a page; 0 = none
  uint64_t phdr, phnum, entry;    // AT_PHDR, AT_PHNUM, AT_ENTRY (see ElfLayout)
  uint64_t base;                  // AT_BASE: the interpreter's, 0 for static programs
  uint64_t uid, euid, gid, egid;  // AT_UID .. AT_EGID
  bool secure;                    // AT_SECURE
};

// Where everything went (user addresses). sp is the program's initial stack pointer.
struct InitialStack {
  uint64_t sp;                                       // argc
  uint64_t argv;                                     // argv[0]'s pointer
  uint64_t envp;                                     // envp[0]'s pointer
  uint64_t auxv;                                     // first auxv pair
  size_t auxv_pairs;                                 // including AT_NULL
  uint64_t arg_start, arg_end, env_start, env_end;   // mm->arg_start ... (/proc/PID/cmdline)
  uint64_t execfn, platform, base_platform, random;  // 0 for an absent platform string
  uint64_t bottom;  // lowest byte written (== sp): the stack must be mapped from here
};

// Largest auxv this builder writes: powerpc's 15 ARCH_DLINFO pairs, 21 generic ones, AT_NULL.
inline constexpr size_t MAX_AUXV_PAIRS = 37;
// MAX_ARG_STRLEN (include/uapi/linux/binfmts.h): 32 pages of 4 KiB.
inline constexpr size_t MAX_ARG_STRLEN = 32 * 4096;

// Builds the stack into buffer[0, size), which stands for [stack_top - size, stack_top).
// Errors: TooBig (E2BIG) when an argument or environment string is longer than MAX_ARG_STRLEN
// or the whole image does not fit in the buffer (Linux's execve fails the same way when the
// strings exceed its stack limit); Invalid when stack_top is not page aligned, align_offset is
// a page or more, or a string pointer (argv, envp, execfn) is null where a string is expected.
Result<InitialStack> build_initial_stack(const StackArch& arch, const StackRequest& request,
                                         uint8_t* buffer, size_t size);
