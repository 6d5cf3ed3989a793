#include "kernel/proc/initial_stack.h"

#include "kernel/lib/string.h"
#include "kernel/proc/rseq.h"

namespace {

// sizeof(Elf64_Phdr) for AT_PHENT.
constexpr uint64_t PHDR_ENTRY_SIZE = 56;
constexpr size_t WORD = 8;

// Grows the image downwards from stack_top inside the caller's buffer. Every byte it hands out
// is zeroed first, so padding reads as zero, as a fresh stack page does.
class StackWriter {
 public:
  StackWriter(uint8_t* buffer, size_t size, uint64_t top)
      : m_buffer(buffer), m_size(size), m_top(top), m_low(top) {}

  uint64_t low() const { return m_low; }
  // Moves the low end down by `length` bytes; false when that leaves the buffer or address 0.
  bool reserve(uint64_t length) {
    const uint64_t used = m_top - m_low;
    if (length > m_size - used || length > m_low) return false;
    m_low -= length;
    klib::mem_set(at(m_low), 0, length);
    return true;
  }
  uint8_t* at(uint64_t address) { return m_buffer + (m_size - (m_top - address)); }

 private:
  uint8_t* m_buffer;
  size_t m_size;
  uint64_t m_top;
  uint64_t m_low;
};

// Length with the NUL, or MAX_ARG_STRLEN + 1 when longer than allowed (valid_arg_len()).
size_t arg_length(const char* s) {
  size_t n = 0;
  while (n <= MAX_ARG_STRLEN && s[n] != '\0') n++;
  return n + 1;
}

// copy_string_kernel()/copy_strings(): one string just below the current low end.
Result<uint64_t> push_string(StackWriter& w, const char* s) {
  if (s == nullptr) return Error::Invalid;
  const size_t length = arg_length(s);
  if (length > MAX_ARG_STRLEN) return Error::TooBig;
  if (!w.reserve(length)) return Error::TooBig;
  klib::mem_copy(w.at(w.low()), s, length);
  return w.low();
}

class Auxv {
 public:
  void add(uint64_t type, uint64_t value) {
    VERIFY(m_pairs < MAX_AUXV_PAIRS);
    m_words[2 * m_pairs] = type;
    m_words[2 * m_pairs + 1] = value;
    m_pairs++;
  }
  size_t pairs() const { return m_pairs; }
  uint64_t word(size_t i) const { return m_words[i]; }

 private:
  uint64_t m_words[2 * MAX_AUXV_PAIRS] = {};
  size_t m_pairs = 0;
};

uint64_t geometry(const CacheLevel& level) {
  return (uint64_t{level.assoc} << 16) | level.line_size;
}

// ARCH_DLINFO comes first: powerpc needs its AT_IGNOREPPC pair at the start for old glibc.
void add_arch_dlinfo(Auxv& aux, const StackArch& arch) {
  if (arch.dlinfo == StackArch::DlInfo::Arm64) {
    if (arch.vdso_base != 0) aux.add(AT_SYSINFO_EHDR, arch.vdso_base);
    if (arch.minsigstksz != 0) {
      aux.add(AT_MINSIGSTKSZ, arch.minsigstksz);
    } else {
      aux.add(AT_IGNORE, 0);
    }
    return;
  }
  aux.add(AT_IGNOREPPC, AT_IGNOREPPC);
  aux.add(AT_IGNOREPPC, AT_IGNOREPPC);
  aux.add(AT_DCACHEBSIZE, arch.dcache_block_size);
  aux.add(AT_ICACHEBSIZE, arch.icache_block_size);
  aux.add(AT_UCACHEBSIZE, 0);
  if (arch.vdso_base != 0) aux.add(AT_SYSINFO_EHDR, arch.vdso_base);
  aux.add(AT_L1I_CACHESIZE, arch.l1i.size);
  aux.add(AT_L1I_CACHEGEOMETRY, geometry(arch.l1i));
  aux.add(AT_L1D_CACHESIZE, arch.l1d.size);
  aux.add(AT_L1D_CACHEGEOMETRY, geometry(arch.l1d));
  aux.add(AT_L2_CACHESIZE, arch.l2.size);
  aux.add(AT_L2_CACHEGEOMETRY, geometry(arch.l2));
  aux.add(AT_L3_CACHESIZE, arch.l3.size);
  aux.add(AT_L3_CACHEGEOMETRY, geometry(arch.l3));
  aux.add(AT_MINSIGSTKSZ, arch.minsigstksz);
}

}  // namespace

Result<InitialStack> build_initial_stack(const StackArch& arch, const StackRequest& req,
                                         uint8_t* buffer, size_t size) {
  if (req.stack_top % arch.page_size != 0 || req.align_offset >= arch.page_size) {
    return Error::Invalid;
  }
  if ((req.argc != 0 && req.argv == nullptr) || (req.envc != 0 && req.envp == nullptr)) {
    return Error::Invalid;
  }
  InitialStack out{};
  StackWriter w(buffer, size, req.stack_top);

  // fs/exec.c: the top word stays zero, then the file name, environment, arguments.
  if (!w.reserve(WORD)) return Error::TooBig;
  out.execfn = TRY(push_string(w, req.execfn));
  out.env_end = out.execfn;
  for (size_t i = req.envc; i-- > 0;) TRY(push_string(w, req.envp[i]));
  out.env_start = out.arg_end = w.low();
  // An empty argv becomes {""} (do_execveat_common), so argv[0] always exists.
  static const char* const EMPTY_ARGV[] = {""};
  const char* const* argv = req.argc != 0 ? req.argv : EMPTY_ARGV;
  const size_t argc = req.argc != 0 ? req.argc : 1;
  for (size_t i = argc; i-- > 0;) TRY(push_string(w, argv[i]));
  out.arg_start = w.low();

  // create_elf_tables(): arch_align_stack(), then the platform strings and the random bytes.
  const uint64_t aligned = kstd::align_down(w.low() - kstd::min(req.align_offset, w.low()), 16);
  if (!w.reserve(w.low() - aligned)) return Error::TooBig;
  if (arch.platform != nullptr) out.platform = TRY(push_string(w, arch.platform));
  if (arch.base_platform != nullptr) out.base_platform = TRY(push_string(w, arch.base_platform));
  if (!w.reserve(sizeof(req.random))) return Error::TooBig;
  out.random = w.low();
  klib::mem_copy(w.at(out.random), req.random, sizeof(req.random));

  Auxv aux;
  add_arch_dlinfo(aux, arch);
  aux.add(AT_HWCAP, arch.hwcap);
  aux.add(AT_PAGESZ, arch.page_size);
  aux.add(AT_CLKTCK, arch.clock_ticks);
  aux.add(AT_PHDR, req.phdr);
  aux.add(AT_PHENT, PHDR_ENTRY_SIZE);
  aux.add(AT_PHNUM, req.phnum);
  aux.add(AT_BASE, req.base);
  aux.add(AT_FLAGS, 0);
  aux.add(AT_ENTRY, req.entry);
  aux.add(AT_UID, req.uid);
  aux.add(AT_EUID, req.euid);
  aux.add(AT_GID, req.gid);
  aux.add(AT_EGID, req.egid);
  aux.add(AT_SECURE, req.secure ? 1 : 0);
  aux.add(AT_RANDOM, out.random);
  aux.add(AT_HWCAP2, arch.hwcap2);
  aux.add(AT_EXECFN, out.execfn);
  if (out.platform != 0) aux.add(AT_PLATFORM, out.platform);
  if (out.base_platform != 0) aux.add(AT_BASE_PLATFORM, out.base_platform);
  if (arch.rseq) {
    aux.add(AT_RSEQ_FEATURE_SIZE, RSEQ_FEATURE_SIZE);
    aux.add(AT_RSEQ_ALIGN, RSEQ_ALIGN);
  }
  aux.add(AT_NULL, 0);

  // STACK_ADD then STACK_ROUND: the vectors sit below the auxv's words, rounded down to 16
  // bytes; the auxv itself follows envp's NULL directly, so any slack lies above it.
  uint64_t words = 0;
  uint64_t bytes = 0;
  if (__builtin_add_overflow(argc + 1, req.envc + 1, &words) ||
      __builtin_add_overflow(words, 1 + 2 * aux.pairs(), &words) ||
      __builtin_mul_overflow(words, WORD, &bytes) || bytes > w.low()) {
    return Error::TooBig;
  }
  const uint64_t sp = kstd::align_down(w.low() - bytes, 16);
  if (!w.reserve(w.low() - sp)) return Error::TooBig;

  const ByteOrder order = arch.byte_order;
  uint64_t slot = sp;
  auto put = [&](uint64_t value) {
    byte_order::store64(w.at(slot), value, order);
    slot += WORD;
  };
  // Pointers found by walking the strings up from arg_start, as create_elf_tables does.
  uint64_t string = out.arg_start;
  auto put_pointers = [&](size_t count) {
    for (size_t i = 0; i < count; i++) {
      put(string);
      string += klib::str_length(reinterpret_cast<const char*>(w.at(string))) + 1;
    }
    put(0);
  };
  put(argc);
  out.argv = slot;
  put_pointers(argc);
  out.envp = slot;
  put_pointers(req.envc);
  out.auxv = slot;
  out.auxv_pairs = aux.pairs();
  for (size_t i = 0; i < 2 * aux.pairs(); i++) put(aux.word(i));
  out.sp = out.bottom = sp;
  return out;
}
