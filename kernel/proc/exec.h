// Starting a program: a new process running a static ELF executable, loaded as Linux 6.12's
// load_elf_binary() (fs/binfmt_elf.c) and setup_arg_pages() (fs/exec.c) do for a new mm: the
// address-space layout of kernel/proc/mm_layout.h, each PT_LOAD's file part and bss, the break
// after the bss (randomised, with Linux's one-page gap), a "[stack]" VMA (VM_GROWSDOWN, and
// executable only with PT_GNU_STACK PF_X) holding create_elf_tables' image
// (kernel/proc/initial_stack.h), 128 KiB more than the pages of the argument strings
// (setup_arg_pages' stack_expand, measured before the auxv and pointers go below them), and
// the registers at the entry point. With ExecRequest::vdso, the vDSO's "[vvar]" + "[vdso]" go
// top-down after the segments (arch_setup_additional_pages) and AT_SYSINFO_EHDR names the text.
//
// PT_LOAD file parts are private file mappings of the executable, which lives in the initramfs
// (reserved memory that outlives every process): /proc/PID/maps shows them with its path and
// cpio inode, and their pages are copies of the file's, brought in on demand.
//
// Errors (with a static `reason`): those of ElfImage::parse and layout(); TooBig when the
// strings do not fit the initial stack image (E2BIG); NoMemory when the process, its page tables
// or its pages cannot be allocated (the vDSO's mappings included). Nothing is left allocated after
// an error.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/format.h"
#include "kernel/lib/result.h"
#include "kernel/proc/process.h"
#include "kernel/proc/vdso.h"

struct ExecRequest {
  const ProcessArch* arch;
  const void* file;  // the executable's bytes, which must outlive the process
  size_t size;
  uint64_t inode;    // shown in /proc/PID/maps
  const char* path;  // AT_EXECFN, /proc/PID/exe and the mapped file's name
  bool randomize;    // randomize_va_space=2; false for norandmaps
  int pid;
  int parent_pid;
  Sink* out;                    // fd 1
  Sink* err;                    // fd 2
  const char* argv0 = nullptr;  // argv[0]; nullptr: the path
  // argv[1] .. argv[arg_count]; at most EXEC_MAX_ARGS.
  const char* const* args = nullptr;
  unsigned arg_count = 0;
  // The vDSO to install ("[vvar]" + "[vdso]", AT_SYSINFO_EHDR); nullptr for none.
  const VdsoMapping* vdso = nullptr;
};
inline constexpr unsigned EXEC_MAX_ARGS = 8;

// `reason` must not be null.
Result<Process*> process_exec(const ExecRequest& request, const char** reason);
