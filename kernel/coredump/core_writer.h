// CoreWriter: an ELF64 ET_CORE file of one process as Linux 6.12's elf_core_dump
// (fs/binfmt_elf.c) lays it out, into a byte Sink, in the core's byte order. It does no I/O and
// includes no arch header: the arch's register images come in as bytes already in the core's
// order, the memory through a CoreMemory, and the arch's extra segments through hooks in
// elfcore.c's size-then-write shape.
//
// Layout: the ELF header; the program headers (PT_NOTE, one PT_LOAD per snapshot VMA in address
// order, then the arch's extra headers); the notes; zeros up to the next page boundary; each
// PT_LOAD's dump_size bytes back to back (pages without memory as zeros); the arch's extra data;
// and, when there are more than 65534 segments, the one section header of extended numbering
// (PN_XNUM, its sh_info the real count). The padding after a note's name and descriptor, up to
// the load data and the pages without memory are holes (dump_skip), the rest Linux's writes.
//
// Notes (one thread), in write_note_info's order: NT_PRSTATUS, NT_PRPSINFO, NT_SIGINFO, NT_AUXV,
// NT_FILE (omitted when no VMA maps a file), then the thread's other regset notes in the arch's
// regset order. NT_PRSTATUS's pr_fpvalid is 1 when those include NT_PRFPREG.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/coredump/core_emitter.h"
#include "kernel/coredump/core_vma.h"
#include "kernel/lib/result.h"
#include "kernel/proc/elf_image.h"

// include/uapi/linux/elf.h (the executable's constants are kernel/proc/elf_image.h's).
inline constexpr uint16_t ET_CORE = 4;
inline constexpr uint32_t PT_NOTE = 4;
inline constexpr uint16_t PN_XNUM = 0xffff;
inline constexpr uint32_t NT_PRSTATUS = 1;
inline constexpr uint32_t NT_PRFPREG = 2;
inline constexpr uint32_t NT_PRPSINFO = 3;
inline constexpr uint32_t NT_AUXV = 6;
inline constexpr uint32_t NT_PPC_VMX = 0x100;
inline constexpr uint32_t NT_PPC_VSX = 0x102;
inline constexpr uint32_t NT_PPC_TAR = 0x103;
inline constexpr uint32_t NT_PPC_PPR = 0x104;
inline constexpr uint32_t NT_PPC_DSCR = 0x105;
inline constexpr uint32_t NT_ARM_TLS = 0x401;
inline constexpr uint32_t NT_ARM_SYSTEM_CALL = 0x404;
inline constexpr uint32_t NT_ARM_PAC_MASK = 0x406;
inline constexpr uint32_t NT_ARM_PACA_KEYS = 0x407;
inline constexpr uint32_t NT_ARM_PACG_KEYS = 0x408;
inline constexpr uint32_t NT_ARM_TAGGED_ADDR_CTRL = 0x409;
inline constexpr uint32_t NT_ARM_PAC_ENABLED_KEYS = 0x40a;
inline constexpr uint32_t NT_SIGINFO = 0x53494749;
inline constexpr uint32_t NT_FILE = 0x46494c45;

inline constexpr size_t ELF64_SHDR_SIZE = 64;
// struct elf_prstatus_common: siginfo's three ints, pr_cursig, the signal words, four pids and
// four timevals; pr_reg follows at this offset.
inline constexpr size_t PRSTATUS_COMMON_SIZE = 112;
inline constexpr size_t PRPSINFO_SIZE = 136;  // struct elf_prpsinfo, 64-bit
inline constexpr size_t PRPSINFO_FNAME = 16;  // pr_fname
inline constexpr size_t PRPSINFO_ARGS = 80;   // ELF_PRARGSZ
inline constexpr size_t CORE_SIGINFO_SIZE = 128;

// One note as it goes into the core: name ("CORE" or "LINUX"), type and the descriptor's bytes,
// already in the core's byte order.
struct CoreNote {
  const char* name;
  uint32_t type;
  const uint8_t* desc;
  size_t size;
};

// A segment writer's view of where it stands, for the extra-segment hooks.
struct CoreSegments {
  const CoreVma* vmas;
  size_t count;
};

// Arch extra program headers and data (CONFIG_ARCH_BINFMT_ELF_EXTRA_PHDRS): how many headers,
// how many data bytes, then writing the headers (their data starts at `data_offset`, the end of
// the PT_LOAD data) and the data, in the same order. The write hooks must emit exactly
// phdrs * ELF64_PHDR_SIZE and data_size bytes; the writer checks.
struct CoreExtraSegments {
  size_t (*phdrs)(void* context, const CoreSegments& segments);
  uint64_t (*data_size)(void* context, const CoreSegments& segments);
  void (*write_phdrs)(void* context, const CoreSegments& segments, uint64_t data_offset,
                      CoreEmitter& out);
  void (*write_data)(void* context, const CoreSegments& segments, CoreEmitter& out);
  void* context;
};

// What the arch contributes: e_machine and e_flags of the regset view, the byte order, the
// registers as pr_reg (ELF_NGREG words: 34 on arm64, 48 on ppc64) and the other regset notes.
struct CoreThread {
  uint16_t machine = 0;
  uint32_t e_flags = 0;
  ByteOrder order = ByteOrder::Little;
  const uint8_t* pr_reg = nullptr;
  size_t pr_reg_size = 0;  // a multiple of 8
  const CoreNote* notes = nullptr;
  size_t note_count = 0;
};

// What the process contributes (fill_prstatus, fill_psinfo, fill_siginfo_note, fill_auxv_note).
// Times are left zero: Maplet keeps no per-process CPU time accounting.
struct CoreProcess {
  int signal = 0;  // pr_cursig and pr_info.si_signo
  uint64_t sigpend = 0;
  uint64_t sighold = 0;
  int pid = 0, ppid = 0, pgrp = 0, sid = 0;
  uint32_t uid = 0, gid = 0;
  char state_name = 'R';       // pr_sname; pr_state is its index in "RSDTZW"
  uint64_t flags = 0;          // pr_flag: the task's PF_* flags
  const char* comm = "";       // up to 15 bytes are kept
  const char* args = nullptr;  // argv's bytes, NULs between words (mm->arg_start..arg_end)
  size_t args_size = 0;
  const uint8_t* siginfo = nullptr;  // CORE_SIGINFO_SIZE bytes in the core's order
  const uint64_t* auxv = nullptr;    // (type, value) pairs up to and including AT_NULL
  size_t auxv_words = 0;             // twice the pairs
};

struct CoreRequest {
  const CoreThread* thread = nullptr;
  const CoreProcess* process = nullptr;
  CoreSegments segments{};  // the snapshot
  CoreMemory memory{};
  const CoreExtraSegments* extra = nullptr;  // optional
};

// The core's size in bytes, as write_core will produce it. Error::Invalid for a request that
// cannot be written: no thread or process, a pr_reg size that is not a multiple of 8, an auxv
// without its AT_NULL pair (odd word count, or last type not 0), a VMA whose dump size exceeds
// it or is not page aligned, a note without name.
Result<uint64_t> core_size(const CoreRequest& request);
// Writes the core into `out` as Linux writes it to a file whose RLIMIT_CORE is `limit`
// (core_emitter.h: the core ends before the first write that would pass it, the holes it seeks
// over not counted); returns the bytes `out` received, core_size's when nothing was cut.
// Errors: those of core_size, checked before the first byte; Error::Io when an extra-segment hook
// wrote another size than it announced or a byte outside its announced writes (the stream is
// then unusable).
Result<uint64_t> write_core(const CoreRequest& request, Sink& out, uint64_t limit = ~uint64_t{0});
