#include "kernel/proc/rseq.h"

#include "kernel/arch/mte.h"
#include "kernel/arch/user.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal_delivery.h"
#include "kernel/proc/uaccess.h"

namespace {

constexpr int64_t EPERM = 1, EBUSY = 16;

constexpr uint32_t ORIG_RSEQ_SIZE = 32;  // the first struct rseq, padding included
constexpr int32_t RSEQ_FLAG_UNREGISTER = 1;
constexpr uint32_t RSEQ_CPU_ID_UNINITIALIZED = 0xffffffff;  // -1
// rseq_event_mask's bits, which are the RSEQ_CS_FLAG_NO_RESTART_ON_* bits.
constexpr uint32_t RSEQ_EVENT_PREEMPT = 1, RSEQ_EVENT_SIGNAL = 2;

// struct rseq's fields (include/uapi/linux/rseq.h).
constexpr uint64_t OFFSET_CPU_ID_START = 0, OFFSET_CPU_ID = 4, OFFSET_RSEQ_CS = 8,
                   OFFSET_FLAGS = 16, OFFSET_NODE_ID = 20, OFFSET_MM_CID = 24;

// struct rseq_cs, as the program wrote it (the kernel's byte order is the program's).
struct RseqCs {
  uint32_t version;
  uint32_t flags;
  uint64_t start_ip;
  uint64_t post_commit_offset;
  uint64_t abort_ip;
};
static_assert(sizeof(RseqCs) == 32);

uint64_t task_size(const Process& p) { return p.mm->layout().task_size; }

// access_ok(): the whole range below TASK_SIZE (arm64 first drops a tag under the tagged
// address ABI).
bool access_ok(const Process& p, uint64_t address, uint64_t length) {
  const uint64_t a = arch_tagged_addr_enabled(p.context) ? arch_untagged_addr(address) : address;
  return length <= task_size(p) && a <= task_size(p) - length;
}

Result<void> put_u32(Process& p, uint64_t offset, uint32_t value) {
  return copy_to_user(*p.mm, p.rseq.area + offset, &value, sizeof(value));
}

Result<void> clear_rseq_cs(Process& p, uint64_t area) {
  const uint64_t zero = 0;
  return copy_to_user(*p.mm, area + OFFSET_RSEQ_CS, &zero, sizeof(zero));
}

// rseq_update_cpu_node_id(): CPU 0 on node 0, concurrency id 0. Error::Fault.
Result<void> update_cpu_node_id(Process& p) {
  if (!access_ok(p, p.rseq.area, p.rseq.length)) return Error::Fault;
  TRY(put_u32(p, OFFSET_CPU_ID_START, 0));
  TRY(put_u32(p, OFFSET_CPU_ID, 0));
  TRY(put_u32(p, OFFSET_NODE_ID, 0));
  return put_u32(p, OFFSET_MM_CID, 0);
}

// rseq_get_rseq_cs(): the descriptor rseq_cs points at, all zero when it is 0. Errors: Fault
// (EFAULT) when the field, the descriptor or the signature cannot be read; Invalid (EINVAL) for a
// descriptor the header's rules refuse.
Result<RseqCs> read_rseq_cs(Process& p) {
  uint64_t pointer = 0;
  TRY(copy_from_user(*p.mm, &pointer, p.rseq.area + OFFSET_RSEQ_CS, sizeof(pointer)));
  RseqCs cs{};
  if (pointer == 0) return cs;
  const uint64_t top = task_size(p);
  if (pointer >= top) return Error::Invalid;
  TRY(copy_from_user(*p.mm, &cs, pointer, sizeof(cs)));
  const uint64_t end = cs.start_ip + cs.post_commit_offset;
  if (cs.start_ip >= top || end >= top || cs.abort_ip >= top || cs.version > 0) {
    return Error::Invalid;
  }
  if (end < cs.start_ip) return Error::Invalid;
  // abort_ip inside [start_ip, end), by the same unsigned comparison as in_rseq_cs().
  if (cs.abort_ip - cs.start_ip < cs.post_commit_offset) return Error::Invalid;
  uint32_t signature = 0;
  TRY(copy_from_user(*p.mm, &signature, cs.abort_ip - sizeof(signature), sizeof(signature)));
  if (signature != p.rseq.signature) return Error::Invalid;
  return cs;
}

// rseq_ip_fixup(): outside the section the field is cleared (lazily, as Linux does); inside it,
// after an event since the last decision, the field is cleared and the program resumes at
// abort_ip. Errors as read_rseq_cs, and Invalid for flags set inside the section.
Result<void> ip_fixup(Process& p) {
  const RseqCs cs = TRY(read_rseq_cs(p));
  const uint64_t pc = arch_user_pc(p.context);
  if (pc - cs.start_ip >= cs.post_commit_offset) return clear_rseq_cs(p, p.rseq.area);
  if (cs.flags != 0) return Error::Invalid;
  uint32_t flags = 0;
  TRY(copy_from_user(*p.mm, &flags, p.rseq.area + OFFSET_FLAGS, sizeof(flags)));
  if (flags != 0) return Error::Invalid;
  const uint32_t events = p.rseq.events;
  p.rseq.events = 0;
  if (events == 0) return {};
  TRY(clear_rseq_cs(p, p.rseq.area));
  arch_user_set_pc(p.context, cs.abort_ip);
  return {};
}

// __rseq_handle_notify_resume(): a failure is force_sigsegv(signo). Returns whether it failed.
bool handle_notify_resume(Process& p, int signo) {
  if (ip_fixup(p).is_ok() && update_cpu_node_id(p).is_ok()) return false;
  signal_force_segv(p, signo);
  return true;
}

int64_t unregister(Process& p, uint64_t area, uint32_t length, uint32_t signature) {
  RseqState& r = p.rseq;
  if (r.area == 0 || r.area != area || r.length != length) return negative_errno(Error::Invalid);
  if (r.signature != signature) return -EPERM;
  // rseq_reset_rseq_cpu_node_id(): one field after the other, each may fault.
  if (put_u32(p, OFFSET_CPU_ID_START, 0).is_error() ||
      put_u32(p, OFFSET_CPU_ID, RSEQ_CPU_ID_UNINITIALIZED).is_error() ||
      put_u32(p, OFFSET_NODE_ID, 0).is_error() || put_u32(p, OFFSET_MM_CID, 0).is_error()) {
    return negative_errno(Error::Fault);
  }
  r.area = 0;
  r.length = 0;
  r.signature = 0;
  return 0;
}

}  // namespace

int64_t sys_rseq(Process& p, uint64_t area, uint32_t length, int32_t flags, uint32_t signature) {
  if ((flags & RSEQ_FLAG_UNREGISTER) != 0) {
    if ((flags & ~RSEQ_FLAG_UNREGISTER) != 0) return negative_errno(Error::Invalid);
    return unregister(p, area, length, signature);
  }
  if (flags != 0) return negative_errno(Error::Invalid);
  RseqState& r = p.rseq;
  if (r.area != 0) {
    if (r.area != area || r.length != length) return negative_errno(Error::Invalid);
    return r.signature != signature ? -EPERM : -EBUSY;
  }
  // Linux asks a length of 32 (the original struct) for its 32-byte alignment and any other
  // length for AT_RSEQ_ALIGN and at least AT_RSEQ_FEATURE_SIZE bytes: in 6.12 both come to 32.
  static_assert(ORIG_RSEQ_SIZE == RSEQ_ALIGN && RSEQ_FEATURE_SIZE <= ORIG_RSEQ_SIZE);
  if (length < ORIG_RSEQ_SIZE || area % RSEQ_ALIGN != 0) return negative_errno(Error::Invalid);
  if (!access_ok(p, area, length)) return negative_errno(Error::Fault);
  // A stale rseq_cs (a C library reusing an area) is cleared rather than refused.
  uint64_t stale = 0;
  if (copy_from_user(*p.mm, &stale, area + OFFSET_RSEQ_CS, sizeof(stale)).is_error()) {
    return negative_errno(Error::Fault);
  }
  if (stale != 0 && clear_rseq_cs(p, area).is_error()) return negative_errno(Error::Fault);
  r.area = area;
  r.length = length;
  r.signature = signature;
  r.notify_resume = true;
  return 0;
}

void rseq_preempt(Process& p) {
  p.rseq.events |= RSEQ_EVENT_PREEMPT;
  if (p.rseq.area != 0) p.rseq.notify_resume = true;
}

void rseq_signal_deliver(Process& p, int signo) {
  p.rseq.events |= RSEQ_EVENT_SIGNAL;
  if (p.rseq.area != 0) handle_notify_resume(p, signo);
}

bool rseq_notify_resume(Process& p) {
  if (!p.rseq.notify_resume) return false;
  p.rseq.notify_resume = false;
  // No signal is being delivered here: force_sigsegv(0) leaves a SIGSEGV handler in place.
  return p.rseq.area != 0 && handle_notify_resume(p, 0);
}
