// Starting a program: a new process running a static ELF executable, loaded as Linux 6.12's
// load_elf_binary() (fs/binfmt_elf.c) and setup_arg_pages() (fs/exec.c) do for a new mm: the
// address-space layout of kernel/proc/mm_layout.h, each PT_LOAD's file part and bss, the break
// after the bss (randomised, with Linux's one-page gap), a "[stack]" VMA (VM_GROWSDOWN, and
// executable only with PT_GNU_STACK PF_X) holding create_elf_tables' image
// (kernel/proc/initial_stack.h) with 128 KiB more below it (setup_arg_pages' stack_expand), and
// the registers at the entry point.
//
// A difference from Linux, for now: PT_LOAD file parts are anonymous VMAs filled from the file
// (written through copy_to_user before their final protection is set), so /proc/PID/maps shows
// them without a path, and the file's bytes after p_filesz in a segment's last page stay as the
// file has them when the segment is not writable, as Linux's file mapping shows them.
//
// Errors (with a static `reason`): those of ElfImage::parse and layout(); TooBig when the
// strings do not fit the initial stack image (E2BIG); NoMemory when the process, its page tables
// or its pages cannot be allocated. Nothing is left allocated after an error.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/format.h"
#include "kernel/lib/result.h"
#include "kernel/proc/process.h"

struct ExecRequest {
  const ProcessArch* arch;
  const void* file;  // the executable's bytes (kept only while exec runs)
  size_t size;
  const char* path;  // AT_EXECFN and argv[0]
  bool randomize;    // randomize_va_space=2; false for norandmaps
  int pid;
  int parent_pid;
  Sink* out;  // fd 1
  Sink* err;  // fd 2
};

// `reason` must not be null.
Result<Process*> process_exec(const ExecRequest& request, const char** reason);
