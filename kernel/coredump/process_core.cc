#include "kernel/coredump/process_core.h"

#include "kernel/arch/coredump.h"
#include "kernel/arch/mmu.h"
#include "kernel/coredump/core_writer.h"
#include "kernel/lib/crc32.h"
#include "kernel/lib/placement_new.h"
#include "kernel/lib/string.h"
#include "kernel/mm/special_mapping.h"
#include "kernel/proc/kernel_memory.h"
#include "kernel/proc/uaccess.h"

namespace {

// include/linux/sched.h: the task flags a process killed by a signal has while it dumps core
// (kernel/signal.c get_signal sets PF_SIGNALED, fs/coredump.c PF_DUMPCORE; exec set
// PF_RANDOMIZE unless randomisation is off).
constexpr uint64_t PF_DUMPCORE = 0x200;
constexpr uint64_t PF_SIGNALED = 0x400;
constexpr uint64_t PF_RANDOMIZE = 0x400000;

CoreTransportFn g_transport = nullptr;
void* g_transport_context = nullptr;

struct Reader {
  MmuOps mmu;
  uint8_t* scratch;    // one page, for a file page that is not mapped
  uint64_t zero_page;  // the shared zero page (AddressSpace::zero_page)
};

struct Lookup {
  uint64_t pa;
  bool found;
};

// A dumped page's bytes without faulting anything in: the page the page tables map, but none for
// the zero page (get_dump_page() with FOLL_DUMP: zeros in the core, the page not read); else for
// a file mapping the file's bytes (what Linux's get_dump_page would read from the page cache),
// for a special mapping its spec's page; else none (never touched: zeros in the core).
const uint8_t* read_page(void* context, const CoreVma& vma, uint64_t va) {
  auto* r = static_cast<Reader*>(context);
  Lookup found{0, false};
  r->mmu.walk(
      r->mmu.context, va, va + PAGE_SIZE,
      [](void* cookie, uint64_t, uint64_t pa, MmuAccess) {
        *static_cast<Lookup*>(cookie) = Lookup{pa, true};
        return false;
      },
      &found);
  if (found.found && found.pa == r->zero_page) return nullptr;
  if (found.found) return static_cast<const uint8_t*>(arch_phys_to_virt(found.pa));
  const uint64_t pgoff = vma.pgoff + ((va - vma.start) >> PAGE_SHIFT);
  if (vma.special != nullptr && vma.vma != nullptr) {
    Result<uint64_t> pa = special_mapping_page(*vma.special, *vma.vma, pgoff);
    return pa.is_ok() ? static_cast<const uint8_t*>(arch_phys_to_virt(pa.value())) : nullptr;
  }
  if (vma.file != nullptr && vma.file->data != nullptr && pgoff < vma.file->pages()) {
    const uint64_t off = pgoff << PAGE_SHIFT;
    const uint64_t n = vma.file->size - off < PAGE_SIZE ? vma.file->size - off : PAGE_SIZE;
    klib::mem_set(r->scratch, 0, PAGE_SIZE);
    klib::mem_copy(r->scratch, vma.file->data + off, n);
    return r->scratch;
  }
  return nullptr;
}

// Checksums what a core's stream carries.
void checksum_write(void* context, const char* s, size_t n) {
  auto* crc = static_cast<uint32_t*>(context);
  *crc = crc32_update(*crc, s, n);
}

struct Dump {
  const CoreRequest* request;
  uint64_t limit;  // RLIMIT_CORE
};

void write_dump(void* context, Sink& sink) {
  auto* d = static_cast<Dump*>(context);
  (void)write_core(*d->request, sink, d->limit);  // checked on the counting pass
}

}  // namespace

CoreTransportHook core_set_transport(CoreTransportFn transport, void* context) {
  const CoreTransportHook previous{g_transport, g_transport_context};
  g_transport = transport;
  g_transport_context = context;
  return previous;
}

namespace {

// The buffers a core's request lives in while it is written.
struct CoreBuffers {
  CoreVma* vmas;
  size_t count;  // room in vmas: the map count
  uint8_t* scratch;
  ArchCoreThread* thread;
};

// Builds the core request of `p` in `b` (its snapshot, registers and process notes; `info` the
// signal it dies of, or nullptr for a process that is not dying) and hands it to `use`, whose
// result it returns.
template <typename Use>
Result<uint64_t> build_core_request(Process& p, const SignalInfo* info, const CoreBuffers& b,
                                    Use& use) {
  Reader reader{arch_aspace_mmu_ops(p.aspace), b.scratch, p.mm->zero_page()};
  const CoreMemory memory{&read_page, &reader};
  Result<size_t> n =
      core_vma_snapshot(p.mm->tree(), CORE_DUMP_FILTER_DEFAULT, memory, b.vmas, b.count);
  if (n.is_error()) return n.error();
  arch_core_thread(p.context, *b.thread);

  // Not dying: no signal, and siginfo all zero (si_signo 0), as a dump of a live process has.
  uint8_t siginfo[SIGINFO_SIZE] = {};
  if (info != nullptr) signal_info_encode(*info, siginfo);
  char args[PRPSINFO_ARGS];
  const uint64_t args_size =
      p.arg_end - p.arg_start < sizeof(args) ? p.arg_end - p.arg_start : sizeof(args);
  const bool have_args = copy_from_user(*p.mm, args, p.arg_start, args_size).is_ok();
  CoreProcess process{};
  process.signal = info != nullptr ? info->signo : 0;
  process.sigpend = p.signals.pending;
  process.sighold = p.signals.blocked;
  process.flags =
      (info != nullptr ? PF_DUMPCORE | PF_SIGNALED : 0) | (p.randomized ? PF_RANDOMIZE : 0);
  process.pid = p.pid;
  process.ppid = p.parent_pid;
  process.pgrp = p.pid;
  process.sid = p.pid;
  process.comm = p.comm;
  process.args = args;
  process.args_size = have_args ? args_size : 0;
  process.siginfo = siginfo;
  process.auxv = p.saved_auxv;
  process.auxv_words = p.auxv_words;

  CoreRequest request{};
  request.thread = &b.thread->thread;
  request.process = &process;
  request.segments = {b.vmas, n.value()};
  request.memory = memory;
  ArchCoreExtra extra{};
  request.extra = arch_core_extra_segments(reader.mmu, extra);
  return use(static_cast<const CoreRequest&>(request));
}

// build_core_request in buffers of its own. Error::NoMemory when they cannot be had.
template <typename Use>
Result<uint64_t> with_core_request(Process& p, const SignalInfo* info, Use&& use) {
  const size_t count = p.mm->map_count();
  const size_t vma_bytes = (count != 0 ? count : 1) * sizeof(CoreVma);
  Result<void*> vmas = kernel_alloc(vma_bytes);
  Result<void*> scratch = kernel_alloc(PAGE_SIZE);
  Result<void*> thread = kernel_alloc(sizeof(ArchCoreThread));
  const bool have = vmas.is_ok() && scratch.is_ok() && thread.is_ok();
  const CoreBuffers buffers{have ? static_cast<CoreVma*>(vmas.value()) : nullptr, count,
                            have ? static_cast<uint8_t*>(scratch.value()) : nullptr,
                            have ? new (thread.value()) ArchCoreThread{} : nullptr};
  Result<uint64_t> result =
      have ? build_core_request(p, info, buffers, use) : Result<uint64_t>(Error::NoMemory);
  if (thread.is_ok()) kernel_free(thread.value(), sizeof(ArchCoreThread));
  if (scratch.is_ok()) kernel_free(scratch.value(), PAGE_SIZE);
  if (vmas.is_ok()) kernel_free(vmas.value(), vma_bytes);
  return result;
}

}  // namespace

bool process_dump_core(Process& p, const SignalInfo& info) {
  const uint64_t limit = p.limits[RLIMIT_CORE].current;
  if (!p.dumpable || limit < PAGE_SIZE || g_transport == nullptr || p.mm == nullptr ||
      p.context == nullptr) {
    return false;
  }
  bool sent = false;
  Result<uint64_t> counted = with_core_request(p, &info, [&](const CoreRequest& request) {
    uint32_t crc = 0;
    Sink counting(&checksum_write, &crc);
    Result<uint64_t> size = write_core(request, counting, limit);
    if (size.is_error()) return size;
    char name[COMM_LENGTH + 8];
    format_to_buffer(name, sizeof(name), "%s.core", p.comm);
    Dump dump{&request, limit};
    sent =
        g_transport(g_transport_context, CoreStream{name, size.value(), crc, &write_dump, &dump});
    return size;
  });
  return counted.is_ok() && sent;
}

Result<uint64_t> process_write_core(Process& p, uint64_t limit, Sink& out) {
  if (p.mm == nullptr || p.context == nullptr) return Error::Invalid;
  // The argument strings are read with copy_from_user, which needs the process's address space
  // active, as it is on the fatal-signal path; none is active again afterwards.
  arch_aspace_activate(p.aspace);
  Result<uint64_t> written = with_core_request(
      p, nullptr, [&](const CoreRequest& request) { return write_core(request, out, limit); });
  arch_aspace_activate(nullptr);
  return written;
}
