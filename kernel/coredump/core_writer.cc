#include "kernel/coredump/core_writer.h"

#include "kernel/lib/string.h"
#include "kernel/mm/page_allocator.h"

namespace {

// Linux's default kernel.core_file_note_size_limit: an NT_FILE that would need this much is
// left out.
constexpr uint64_t FILE_NOTE_SIZE_LIMIT = 4 * 1024 * 1024;

constexpr uint64_t align4(uint64_t n) { return (n + 3) & ~uint64_t{3}; }
constexpr uint64_t align8(uint64_t n) { return (n + 7) & ~uint64_t{7}; }

uint64_t note_size(const char* name, uint64_t desc) {
  return 12 + align4(klib::str_length(name) + 1) + align4(desc);
}

uint64_t prstatus_size(const CoreThread& t) {
  return align8(PRSTATUS_COMMON_SIZE + t.pr_reg_size + 4);  // + pr_fpvalid, struct padding
}

// NT_FILE's descriptor: count and page size, a (start, end, pgoff) triple per file VMA, then the
// paths. Linux sizes its buffer from the VMA count first (64 bytes each) and grows it by a
// quarter while the names do not fit, giving up at the limit; the same arithmetic decides here
// whether the note is written.
struct FileNote {
  bool present = false;
  uint64_t files = 0;
  uint64_t size = 0;
};

FileNote plan_file_note(const CoreSegments& s) {
  FileNote note{};
  uint64_t names = 0;
  for (size_t i = 0; i < s.count; i++) {
    if (s.vmas[i].file == nullptr) continue;
    note.files++;
    names += klib::str_length(s.vmas[i].file->path) + 1;
  }
  // Linux's estimate counts every VMA, and the paths follow the triples of every VMA until the
  // buffer is compacted.
  const uint64_t need = (2 + 3 * s.count) * 8 + names;
  uint64_t buffer = s.count * 64;
  for (;;) {
    if (buffer >= FILE_NOTE_SIZE_LIMIT) return note;
    buffer = (buffer + PAGE_SIZE - 1) & PAGE_MASK;
    if (buffer == 0) return note;  // no VMA at all: kvmalloc(0) fails and the note is left out
    if (need <= buffer) break;
    buffer = buffer * 5 / 4;
  }
  note.present = true;
  note.size = (2 + 3 * note.files) * 8 + names;
  return note;
}

struct Plan {
  uint64_t segs = 0;  // program headers
  uint64_t notes = 0;
  uint64_t data_offset = 0;
  uint64_t load_bytes = 0;
  uint64_t extra_phdrs = 0;
  uint64_t extra_bytes = 0;
  uint64_t size = 0;
  bool has_fpreg = false;
  FileNote file{};
};

Result<Plan> plan_core(const CoreRequest& r) {
  if (r.thread == nullptr || r.process == nullptr) return Error::Invalid;
  const CoreThread& t = *r.thread;
  const CoreProcess& p = *r.process;
  if (t.pr_reg_size % 8 != 0 || (t.pr_reg_size != 0 && t.pr_reg == nullptr)) {
    return Error::Invalid;
  }
  if (p.auxv_words < 2 || p.auxv_words % 2 != 0 || p.auxv == nullptr ||
      p.auxv[p.auxv_words - 2] != 0 || p.siginfo == nullptr) {
    return Error::Invalid;
  }
  Plan plan{};
  for (size_t i = 0; i < r.segments.count; i++) {
    const CoreVma& m = r.segments.vmas[i];
    if (m.end <= m.start || m.dump_size > m.size() || (m.dump_size & ~PAGE_MASK) != 0) {
      return Error::Invalid;
    }
    plan.load_bytes += m.dump_size;
  }
  if (r.extra != nullptr) {
    plan.extra_phdrs = r.extra->phdrs(r.extra->context, r.segments);
    plan.extra_bytes = r.extra->data_size(r.extra->context, r.segments);
  }
  plan.segs = 1 + r.segments.count + plan.extra_phdrs;

  plan.notes = note_size("CORE", prstatus_size(t)) + note_size("CORE", PRPSINFO_SIZE) +
               note_size("CORE", CORE_SIGINFO_SIZE) + note_size("CORE", p.auxv_words * 8);
  plan.file = plan_file_note(r.segments);
  if (plan.file.present) plan.notes += note_size("CORE", plan.file.size);
  for (size_t i = 0; i < t.note_count; i++) {
    const CoreNote& n = t.notes[i];
    if (n.name == nullptr || (n.size != 0 && n.desc == nullptr)) return Error::Invalid;
    plan.notes += note_size(n.name, n.size);
    if (n.type == NT_PRFPREG) plan.has_fpreg = true;
  }
  const uint64_t notes_end = ELF64_EHDR_SIZE + plan.segs * ELF64_PHDR_SIZE + plan.notes;
  plan.data_offset = (notes_end + PAGE_SIZE - 1) & PAGE_MASK;
  plan.size = plan.data_offset + plan.load_bytes + plan.extra_bytes;
  if (plan.segs >= PN_XNUM) plan.size += ELF64_SHDR_SIZE;
  return plan;
}

// writenote's writes: the header, the name, a hole up to 4-byte alignment; then the caller's one
// write of the descriptor (announced here), and note_end's hole after it.
void note_header(CoreEmitter& out, const char* name, uint32_t type, uint64_t desc) {
  const uint64_t name_size = klib::str_length(name) + 1;
  out.unit(12);
  out.u32(static_cast<uint32_t>(name_size));
  out.u32(static_cast<uint32_t>(desc));
  out.u32(type);
  out.unit(name_size);
  out.bytes(name, name_size);
  out.hole(align4(name_size) - name_size);
  out.unit(desc);
}

void note_end(CoreEmitter& out, uint64_t desc) { out.hole(align4(desc) - desc); }

void write_note(CoreEmitter& out, const CoreNote& n) {
  note_header(out, n.name, n.type, n.size);
  out.bytes(n.desc, n.size);
  note_end(out, n.size);
}

// pr_pid, pr_ppid, pr_pgrp, pr_sid: in this order in both NT_PRSTATUS and NT_PRPSINFO.
void write_ids(CoreEmitter& out, const CoreProcess& p) {
  out.u32(static_cast<uint32_t>(p.pid));
  out.u32(static_cast<uint32_t>(p.ppid));
  out.u32(static_cast<uint32_t>(p.pgrp));
  out.u32(static_cast<uint32_t>(p.sid));
}

void write_prstatus(CoreEmitter& out, const CoreRequest& r, bool fpvalid) {
  const CoreThread& t = *r.thread;
  const CoreProcess& p = *r.process;
  const uint64_t size = prstatus_size(t);
  note_header(out, "CORE", NT_PRSTATUS, size);
  out.u32(static_cast<uint32_t>(p.signal));  // pr_info.si_signo; si_code, si_errno stay 0
  out.u32(0);
  out.u32(0);
  out.u16(static_cast<uint16_t>(p.signal));  // pr_cursig
  out.u16(0);
  out.u64(p.sigpend);
  out.u64(p.sighold);
  write_ids(out, p);
  out.zeros(4 * 16);  // pr_utime, pr_stime, pr_cutime, pr_cstime
  out.bytes(t.pr_reg, t.pr_reg_size);
  out.u32(fpvalid ? 1 : 0);
  out.zeros(size - (PRSTATUS_COMMON_SIZE + t.pr_reg_size + 4));
}

void write_prpsinfo(CoreEmitter& out, const CoreProcess& p) {
  note_header(out, "CORE", NT_PRPSINFO, PRPSINFO_SIZE);
  static constexpr char STATES[] = "RSDTZW";
  uint8_t state = 0;
  while (state < 6 && STATES[state] != p.state_name) state++;
  out.u8(state);
  out.u8(state < 6 ? static_cast<uint8_t>(p.state_name) : '.');
  out.u8(p.state_name == 'Z' ? 1 : 0);
  out.u8(0);  // pr_nice
  out.zeros(4);
  out.u64(p.flags);
  out.u32(p.uid);
  out.u32(p.gid);
  write_ids(out, p);
  char fname[PRPSINFO_FNAME] = {};
  for (size_t i = 0; i + 1 < PRPSINFO_FNAME && p.comm[i] != '\0'; i++) fname[i] = p.comm[i];
  out.bytes(fname, sizeof(fname));
  // fill_psinfo: at most ELF_PRARGSZ - 1 bytes of the arguments, NULs turned into spaces.
  char args[PRPSINFO_ARGS] = {};
  const size_t n = p.args_size < PRPSINFO_ARGS - 1 ? p.args_size : PRPSINFO_ARGS - 1;
  for (size_t i = 0; i < n; i++) args[i] = p.args[i] == '\0' ? ' ' : p.args[i];
  out.bytes(args, sizeof(args));
}

void write_file_note(CoreEmitter& out, const CoreSegments& s, const FileNote& f) {
  note_header(out, "CORE", NT_FILE, f.size);
  out.u64(f.files);
  out.u64(PAGE_SIZE);
  for (size_t i = 0; i < s.count; i++) {
    const CoreVma& m = s.vmas[i];
    if (m.file == nullptr) continue;
    out.u64(m.start);
    out.u64(m.end);
    out.u64(m.pgoff);
  }
  for (size_t i = 0; i < s.count; i++) {
    if (s.vmas[i].file == nullptr) continue;
    const char* path = s.vmas[i].file->path;
    out.bytes(path, klib::str_length(path) + 1);
  }
  note_end(out, f.size);
}

void write_phdr(CoreEmitter& out, uint32_t type, uint32_t flags, uint64_t offset, uint64_t vaddr,
                uint64_t filesz, uint64_t memsz, uint64_t align) {
  out.unit(ELF64_PHDR_SIZE);
  out.u32(type);
  out.u32(flags);
  out.u64(offset);
  out.u64(vaddr);
  out.u64(0);  // p_paddr
  out.u64(filesz);
  out.u64(memsz);
  out.u64(align);
}

void write_elf_header(CoreEmitter& out, const CoreThread& t, const Plan& plan) {
  const uint8_t ident[16] = {0x7f,
                             'E',
                             'L',
                             'F',
                             2 /* ELFCLASS64 */,
                             t.order == ByteOrder::Little ? uint8_t{1} : uint8_t{2},
                             1 /* EV_CURRENT */};  // EI_OSABI 0 (ELF_OSABI), padding
  out.unit(ELF64_EHDR_SIZE);
  out.bytes(ident, sizeof(ident));
  const bool xnum = plan.segs >= PN_XNUM;
  out.u16(ET_CORE);
  out.u16(t.machine);
  out.u32(1);  // e_version
  out.u64(0);  // e_entry
  out.u64(ELF64_EHDR_SIZE);
  out.u64(xnum ? plan.size - ELF64_SHDR_SIZE : 0);  // e_shoff
  out.u32(t.e_flags);
  out.u16(ELF64_EHDR_SIZE);
  out.u16(ELF64_PHDR_SIZE);
  out.u16(xnum ? PN_XNUM : static_cast<uint16_t>(plan.segs));
  out.u16(xnum ? ELF64_SHDR_SIZE : 0);
  out.u16(xnum ? 1 : 0);  // e_shnum
  out.u16(0);             // e_shstrndx: SHN_UNDEF
}

void write_loads(CoreEmitter& out, const CoreRequest& r) {
  for (size_t i = 0; i < r.segments.count; i++) {
    const CoreVma& m = r.segments.vmas[i];
    for (uint64_t off = 0; off < m.dump_size; off += PAGE_SIZE) {
      const uint8_t* page = r.memory.page(r.memory.context, m, m.start + off);
      if (page != nullptr) {
        out.unit(PAGE_SIZE);
        out.bytes(page, PAGE_SIZE);
      } else {
        out.hole(PAGE_SIZE);
      }
    }
  }
}

}  // namespace

Result<uint64_t> core_size(const CoreRequest& request) { return TRY(plan_core(request)).size; }

Result<uint64_t> write_core(const CoreRequest& r, Sink& sink, uint64_t limit) {
  const Plan plan = TRY(plan_core(r));
  const CoreThread& t = *r.thread;
  CoreEmitter out(sink, t.order, limit);
  write_elf_header(out, t, plan);

  const uint64_t notes_offset = ELF64_EHDR_SIZE + plan.segs * ELF64_PHDR_SIZE;
  write_phdr(out, PT_NOTE, 0, notes_offset, 0, plan.notes, 0, 4);
  uint64_t offset = plan.data_offset;
  for (size_t i = 0; i < r.segments.count; i++) {
    const CoreVma& m = r.segments.vmas[i];
    const uint32_t flags = ((m.flags & VM_READ) != 0 ? PF_R : 0) |
                           ((m.flags & VM_WRITE) != 0 ? PF_W : 0) |
                           ((m.flags & VM_EXEC) != 0 ? PF_X : 0);
    write_phdr(out, PT_LOAD, flags, offset, m.start, m.dump_size, m.size(), PAGE_SIZE);
    offset += m.dump_size;
  }
  if (r.extra != nullptr) r.extra->write_phdrs(r.extra->context, r.segments, offset, out);
  if (out.offset() != notes_offset) return Error::Io;

  write_prstatus(out, r, plan.has_fpreg);
  write_prpsinfo(out, *r.process);
  write_note(out, CoreNote{"CORE", NT_SIGINFO, r.process->siginfo, CORE_SIGINFO_SIZE});
  note_header(out, "CORE", NT_AUXV, r.process->auxv_words * 8);
  for (size_t i = 0; i < r.process->auxv_words; i++) out.u64(r.process->auxv[i]);
  if (plan.file.present) write_file_note(out, r.segments, plan.file);
  for (size_t i = 0; i < t.note_count; i++) write_note(out, t.notes[i]);
  if (out.offset() != notes_offset + plan.notes) return Error::Io;

  out.hole(plan.data_offset - out.offset());
  write_loads(out, r);
  if (r.extra != nullptr) r.extra->write_data(r.extra->context, r.segments, out);
  if (out.offset() != plan.data_offset + plan.load_bytes + plan.extra_bytes) return Error::Io;

  if (plan.segs >= PN_XNUM) {
    out.unit(ELF64_SHDR_SIZE);
    out.u32(0);                                 // sh_name
    out.u32(0);                                 // sh_type: SHT_NULL
    out.u64(0);                                 // sh_flags
    out.u64(0);                                 // sh_addr
    out.u64(0);                                 // sh_offset
    out.u64(1);                                 // sh_size: e_shnum
    out.u32(0);                                 // sh_link: e_shstrndx
    out.u32(static_cast<uint32_t>(plan.segs));  // sh_info: the real segment count
    out.u64(0);                                 // sh_addralign
    out.u64(0);                                 // sh_entsize
  }
  out.finish();
  if (out.misframed()) return Error::Io;
  return out.file_size();
}
