// Core files of processes (kernel/coredump/process_core.h) as the kernel itself takes them:
// a program killed by SIGSEGV under an RLIMIT_CORE smaller than its core gets a core cut after a
// whole page, as Linux cuts it inside the load data (no write passes the limit:
// kernel/coredump/core_emitter.h), which still counts as written (the wait status's core bit);
// and the core of a live process that is not running (here one just exec'd, never run) is a whole
// ELF core with no signal, its pc at the program's entry and its memory as the process sees it,
// after which the process runs on undisturbed. They need user mode and the initramfs (else they
// skip).

#include "kernel/coredump/process_core.h"

#include "kernel/arch/mmu.h"
#include "kernel/coredump/core_writer.h"
#include "kernel/lib/boot_info.h"
#include "kernel/lib/crc32.h"
#include "kernel/lib/string.h"
#include "kernel/proc/kernel_memory.h"
#include "kernel/proc/uaccess.h"
#include "kernel/proc/user_suites.h"
#include "kernel/test/test.h"
#include "kernel/test/tests/start_program.h"

namespace {

void discard(void*, const char*, size_t) {}

// A core as a transport or a sink receives it: how long it said it is, what came, and the first
// bytes (up to `room`) kept in `keep`.
struct Capture {
  uint64_t announced_size = 0;
  uint32_t announced_crc = 0;
  uint64_t received = 0;
  uint32_t received_crc = 0;
  uint8_t* keep = nullptr;
  uint64_t room = 0;
  unsigned streams = 0;
};

void capture_write(void* context, const char* s, size_t n) {
  auto* c = static_cast<Capture*>(context);
  for (size_t i = 0; i < n && c->received + i < c->room; i++) c->keep[c->received + i] = s[i];
  c->received_crc = crc32_update(c->received_crc, s, n);
  c->received += n;
}

bool capture_stream(void* context, const CoreStream& core) {
  auto* c = static_cast<Capture*>(context);
  c->announced_size = core.size;
  c->announced_crc = core.crc;
  c->streams++;
  Sink sink(&capture_write, c);
  core.write(core.context, sink);
  return true;
}

template <typename T>
T load(const uint8_t* at) {
  T value;
  klib::mem_copy(&value, at, sizeof(value));
  return value;  // the core is in the kernel's byte order
}

constexpr uint16_t ET_CORE_TYPE = 4;
constexpr size_t E_TYPE = 16, E_PHOFF = 32, E_PHNUM = 56, PHDR_SIZE = 56;

bool elf_core_header(const uint8_t* core) {
  return core[0] == 0x7f && core[1] == 'E' && core[2] == 'L' && core[3] == 'F' && core[4] == 2 &&
         load<uint16_t>(core + E_TYPE) == ET_CORE_TYPE;
}

// The end of the file the program headers describe: the largest p_offset + p_filesz.
uint64_t described_end(const uint8_t* core) {
  const uint64_t phoff = load<uint64_t>(core + E_PHOFF);
  const uint16_t phnum = load<uint16_t>(core + E_PHNUM);
  uint64_t end = 0;
  for (uint16_t i = 0; i < phnum; i++) {
    const uint8_t* ph = core + phoff + PHDR_SIZE * i;
    const uint64_t e = load<uint64_t>(ph + 8) + load<uint64_t>(ph + 32);
    if (e > end) end = e;
  }
  return end;
}

}  // namespace

KTEST(process_core, rlimit_core_cuts_the_core_at_the_limit) {
  // Past the headers and notes (less than a page for this program), inside the load data.
  constexpr uint64_t LIMIT = 3 * PAGE_SIZE + 5;
  static uint8_t head[PAGE_SIZE];  // the ELF header and the program headers
  Sink sink(&discard, nullptr);
  Capture cut;
  cut.keep = head;
  cut.room = sizeof(head);
  Process* p = start_test_program("/bin/segv", &sink);
  p->limits[RLIMIT_CORE].current = LIMIT;
  const CoreTransportHook previous = core_set_transport(&capture_stream, &cut);
  scheduler_add(p, user_scheduler_options(boot_info()));
  scheduler_run_until_exit(p);
  const ProcessExit how = p->exit;
  process_destroy(p);

  // The same program with no limit: its core is longer.
  Capture whole;
  core_set_transport(&capture_stream, &whole);
  Process* q = start_test_program("/bin/segv", &sink);
  scheduler_add(q, user_scheduler_options(boot_info()));
  scheduler_run_until_exit(q);
  const ProcessExit whole_how = q->exit;
  process_destroy(q);
  core_set_transport(previous.send, previous.context);

  EXPECT_EQ(how.kind, ExitKind::Signaled);
  EXPECT_EQ(how.signal, SIGNAL_SEGV);
  EXPECT_TRUE(how.core);  // a cut core still counts as written
  EXPECT_EQ(cut.streams, 1u);
  EXPECT_EQ(cut.received, cut.announced_size);
  EXPECT_EQ(cut.received_crc, cut.announced_crc);
  ASSERT_TRUE(elf_core_header(head));
  EXPECT_GT(described_end(head), cut.received);  // its headers describe the core it was cut from
  EXPECT_EQ(cut.received % PAGE_SIZE, 0u);       // the last write a whole page
  EXPECT_TRUE(whole_how.core);
  EXPECT_EQ(whole.received, whole.announced_size);
  EXPECT_GT(whole.received, cut.received);
}

KTEST(process_core, live_process_core_without_a_signal) {
  Sink sink(&discard, nullptr);
  Process* p = start_test_program("/bin/minimal", &sink);

  Capture counted;
  Sink counting(&capture_write, &counted);
  Result<uint64_t> size = process_write_core(*p, ~uint64_t{0}, counting);
  if (size.is_error()) process_destroy(p);
  ASSERT_OK(size);
  EXPECT_EQ(size.value(), counted.received);
  // kernel_alloc keeps its own word at the end of the last page: 8 bytes more.
  Result<void*> buffer = kernel_alloc(size.value() + 8);
  if (buffer.is_error()) process_destroy(p);
  ASSERT_OK(buffer);
  auto* core = static_cast<uint8_t*>(buffer.value());
  Capture kept;
  kept.keep = core;
  kept.room = size.value();
  Sink keeping(&capture_write, &kept);
  Result<uint64_t> again = process_write_core(*p, ~uint64_t{0}, keeping);

  // The entry point from the auxv exec gave it (AT_ENTRY, 9).
  uint64_t entry = 0;
  for (size_t i = 0; i + 1 < p->auxv_words; i += 2) {
    if (p->saved_auxv[i] == 9) entry = p->saved_auxv[i + 1];
  }
  const int pid = p->pid;

  // The notes: PT_NOTE is the first program header.
  bool header = elf_core_header(core);
  const uint8_t* note_ph = core + load<uint64_t>(core + E_PHOFF);
  const uint64_t notes = load<uint64_t>(note_ph + 8), notes_size = load<uint64_t>(note_ph + 32);
  uint32_t types[16];
  size_t count = 0;
  uint64_t pc = 0;
  int32_t pr_pid = -1;
  uint16_t cursig = 0xffff;
  uint64_t pr_flag = ~uint64_t{0};
  bool siginfo_zero = false, auxv_same = false, psargs_path = false;
  for (uint64_t at = notes; header && at + 12 <= notes + notes_size && count < 16;) {
    const uint32_t namesz = load<uint32_t>(core + at), descsz = load<uint32_t>(core + at + 4);
    const uint32_t type = load<uint32_t>(core + at + 8);
    const uint8_t* desc = core + at + 12 + ((namesz + 3) & ~3u);
    types[count++] = type;
    if (type == NT_PRSTATUS) {
      cursig = load<uint16_t>(desc + 12);
      pr_pid = load<int32_t>(desc + 32);
      pc = load<uint64_t>(desc + PRSTATUS_COMMON_SIZE + 32 * 8);  // pc (arm64), nip (powerpc)
    } else if (type == NT_PRPSINFO) {
      pr_flag = load<uint64_t>(desc + 8);
      // pr_psargs: argv's bytes, each NUL a space (fs/binfmt_elf.c fill_psinfo), then a NUL.
      psargs_path = klib::mem_compare(desc + 56, "/bin/minimal ", 14) == 0;
    } else if (type == NT_SIGINFO) {
      siginfo_zero = true;
      for (uint32_t i = 0; i < descsz; i++) siginfo_zero = siginfo_zero && desc[i] == 0;
    } else if (type == NT_AUXV) {
      auxv_same =
          descsz == p->auxv_words * 8 && klib::mem_compare(desc, p->saved_auxv, descsz) == 0;
    }
    at = (desc - core) + ((descsz + 3) & ~3u);
  }
  // The auxv exec wrote on the stack, found in a PT_LOAD's bytes: the process's memory at that
  // address holds the same bytes (exec wrote them, so the page is there to read).
  bool stack_dumped = false;
  const uint64_t auxv_bytes = p->auxv_words * 8;
  const uint16_t phnum = header ? load<uint16_t>(core + E_PHNUM) : 0;
  static uint8_t memory[1024];
  for (uint16_t i = 1; i < phnum && auxv_bytes <= sizeof(memory) && !stack_dumped; i++) {
    const uint8_t* ph = core + load<uint64_t>(core + E_PHOFF) + PHDR_SIZE * i;
    const uint64_t offset = load<uint64_t>(ph + 8), vaddr = load<uint64_t>(ph + 16);
    const uint64_t filesz = load<uint64_t>(ph + 32);
    if (load<uint32_t>(ph) != PT_LOAD || filesz < auxv_bytes) continue;
    for (uint64_t at = 0; at + auxv_bytes <= filesz && !stack_dumped; at += 8) {
      if (klib::mem_compare(core + offset + at, p->saved_auxv, auxv_bytes) != 0) continue;
      arch_aspace_activate(p->aspace);
      stack_dumped = copy_from_user(*p->mm, memory, vaddr + at, auxv_bytes).is_ok() &&
                     klib::mem_compare(memory, core + offset + at, auxv_bytes) == 0;
      arch_aspace_activate(nullptr);
    }
  }
  const uint64_t end = header ? described_end(core) : 0;
  kernel_free(buffer.value(), size.value() + 8);

  // Dumped, it still runs to its end.
  scheduler_add(p, user_scheduler_options(boot_info()));
  scheduler_run_until_exit(p);
  const int status = p->exit.wait_status();
  process_destroy(p);

  ASSERT_OK(again);
  EXPECT_EQ(again.value(), size.value());
  EXPECT_EQ(kept.received_crc, counted.received_crc);  // the same core twice
  ASSERT_TRUE(header);
  EXPECT_EQ(end, size.value());
  ASSERT_GE(count, 4u);
  EXPECT_EQ(types[0], NT_PRSTATUS);
  EXPECT_EQ(types[1], NT_PRPSINFO);
  EXPECT_EQ(types[2], NT_SIGINFO);
  EXPECT_EQ(types[3], NT_AUXV);
  EXPECT_EQ(cursig, 0u);
  EXPECT_EQ(pr_pid, pid);
  EXPECT_EQ(pr_flag & 0x600, 0u);  // neither PF_DUMPCORE nor PF_SIGNALED
  EXPECT_TRUE(psargs_path);
  EXPECT_TRUE(siginfo_zero);
  EXPECT_TRUE(auxv_same);
  EXPECT_NE(entry, 0u);
  EXPECT_EQ(pc, entry);
  EXPECT_TRUE(stack_dumped);
  EXPECT_EQ(status, 0);
}
