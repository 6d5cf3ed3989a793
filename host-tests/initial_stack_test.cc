// The initial user stack against images worked out by hand from Linux 6.12's fs/exec.c and
// create_elf_tables(): for arm64 (little-endian) and powerpc64 (big-endian) every byte from sp
// to the stack top is compared, so each word, string, the padding and the order of the auxv
// are checked. Then the variations (vdso, no AT_MINSIGSTKSZ, empty argv) and the errors.

#include "kernel/proc/initial_stack.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace {

using Bytes = std::vector<uint8_t>;

StackArch arm64_arch() {
  StackArch a{};
  a.dlinfo = StackArch::DlInfo::Arm64;
  a.byte_order = ByteOrder::Little;
  a.page_size = 4096;
  a.hwcap = 0x12;
  a.hwcap2 = 0x34;
  a.platform = "aarch64";
  a.minsigstksz = 5120;
  a.rseq = true;
  a.clock_ticks = 100;
  return a;
}

StackArch ppc64_arch() {
  StackArch a{};
  a.dlinfo = StackArch::DlInfo::Powerpc64;
  a.byte_order = ByteOrder::Big;
  a.page_size = 4096;
  a.hwcap = 0xdc0065c2;
  a.hwcap2 = 0x8c000000;
  a.platform = "power10";
  a.base_platform = "power9";
  a.minsigstksz = 8192;
  a.clock_ticks = 100;
  a.dcache_block_size = a.icache_block_size = 128;
  a.l1i = {32768, 128, 8};
  a.l1d = {32768, 128, 8};
  a.l2 = {0x100000, 128, 8};
  a.l3 = {0x400000, 128, 16};
  return a;
}

// The expected image of [top - size, top), written piece by piece at absolute addresses.
class Expected {
 public:
  Expected(uint64_t top, size_t size, ByteOrder order)
      : m_bytes(size, 0), m_top(top), m_order(order) {}
  void word(uint64_t address, uint64_t value) {
    byte_order::store64(&m_bytes[index(address)], value, m_order);
  }
  void words(uint64_t address, const std::vector<uint64_t>& values) {
    for (uint64_t v : values) {
      word(address, v);
      address += 8;
    }
  }
  void string(uint64_t address, const char* s) {
    std::memcpy(&m_bytes[index(address)], s, std::strlen(s) + 1);
  }
  void bytes(uint64_t address, const uint8_t* p, size_t n) {
    std::memcpy(&m_bytes[index(address)], p, n);
  }
  // Compares [from, top) with the built buffer and names the first differing address.
  void compare(const Bytes& built, uint64_t from) const {
    for (uint64_t a = from; a < m_top; a++) {
      ASSERT_EQ(built[index(a)], m_bytes[index(a)]) << std::hex << "at 0x" << a;
    }
  }

 private:
  size_t index(uint64_t address) const { return m_bytes.size() - (m_top - address); }
  Bytes m_bytes;
  uint64_t m_top;
  ByteOrder m_order;
};

StackRequest request(uint64_t top) {
  StackRequest r{};
  r.stack_top = top;
  for (int i = 0; i < 16; i++) r.random[i] = static_cast<uint8_t>(0xf0 + i);
  return r;
}

TEST(InitialStack, Arm64EveryByte) {
  const uint64_t top = 0x7ffffffff000;
  const char* argv[] = {"/init", "-v"};
  const char* envp[] = {"A=1"};
  StackRequest r = request(top);
  r.argv = argv;
  r.argc = 2;
  r.envp = envp;
  r.envc = 1;
  r.execfn = "/init";
  r.phdr = 0x400040;
  r.phnum = 3;
  r.entry = 0x400120;
  Bytes buf(8192, 0xcc);  // garbage that must be overwritten with zeros where nothing goes
  Result<InitialStack> built = build_initial_stack(arm64_arch(), r, buf.data(), buf.size());
  ASSERT_TRUE(built.is_ok()) << error_name(built.error());
  const InitialStack& s = built.value();

  // Worked by hand: strings from the top, 16-byte alignment, platform, random, 22 auxv pairs.
  EXPECT_EQ(s.execfn, 0x7fffffffeff2u);
  EXPECT_EQ(s.env_start, 0x7fffffffefeeu);
  EXPECT_EQ(s.env_end, 0x7fffffffeff2u);
  EXPECT_EQ(s.arg_start, 0x7fffffffefe5u);
  EXPECT_EQ(s.arg_end, 0x7fffffffefeeu);
  EXPECT_EQ(s.platform, 0x7fffffffefd8u);
  EXPECT_EQ(s.base_platform, 0u);
  EXPECT_EQ(s.random, 0x7fffffffefc8u);
  EXPECT_EQ(s.sp, 0x7fffffffee30u);
  EXPECT_EQ(s.bottom, s.sp);
  EXPECT_EQ(s.argv, s.sp + 8);
  EXPECT_EQ(s.envp, s.sp + 32);
  EXPECT_EQ(s.auxv, s.sp + 48);
  EXPECT_EQ(s.auxv_pairs, 22u);

  Expected e(top, buf.size(), ByteOrder::Little);
  e.words(0x7fffffffee30, {2, 0x7fffffffefe5, 0x7fffffffefeb, 0, 0x7fffffffefee, 0});
  e.words(0x7fffffffee60, {
                              AT_MINSIGSTKSZ,
                              5120,
                              AT_HWCAP,
                              0x12,
                              AT_PAGESZ,
                              4096,
                              AT_CLKTCK,
                              100,
                              AT_PHDR,
                              0x400040,
                              AT_PHENT,
                              56,
                              AT_PHNUM,
                              3,
                              AT_BASE,
                              0,
                              AT_FLAGS,
                              0,
                              AT_ENTRY,
                              0x400120,
                              AT_UID,
                              0,
                              AT_EUID,
                              0,
                              AT_GID,
                              0,
                              AT_EGID,
                              0,
                              AT_SECURE,
                              0,
                              AT_RANDOM,
                              0x7fffffffefc8,
                              AT_HWCAP2,
                              0x34,
                              AT_EXECFN,
                              0x7fffffffeff2,
                              AT_PLATFORM,
                              0x7fffffffefd8,
                              AT_RSEQ_FEATURE_SIZE,
                              28,
                              AT_RSEQ_ALIGN,
                              32,
                              AT_NULL,
                              0,
                          });
  e.bytes(0x7fffffffefc8, r.random, 16);
  e.string(0x7fffffffefd8, "aarch64");
  e.string(0x7fffffffefe5, "/init");
  e.string(0x7fffffffefeb, "-v");
  e.string(0x7fffffffefee, "A=1");
  e.string(0x7fffffffeff2, "/init");
  e.compare(buf, s.sp);
}

TEST(InitialStack, Ppc64BigEndianEveryByte) {
  const uint64_t top = 0x7fff0000;
  const char* argv[] = {"prog"};
  StackRequest r = request(top);
  r.argv = argv;
  r.argc = 1;
  r.execfn = "/bin/prog";
  r.align_offset = 0x123;  // arch_align_stack's random drop
  r.phdr = 0x10000040;
  r.phnum = 7;
  r.entry = 0x10000100;
  r.uid = r.euid = 1000;
  r.gid = r.egid = 100;
  Bytes buf(4096, 0xcc);
  Result<InitialStack> built = build_initial_stack(ppc64_arch(), r, buf.data(), buf.size());
  ASSERT_TRUE(built.is_ok()) << error_name(built.error());
  const InitialStack& s = built.value();
  EXPECT_EQ(s.execfn, 0x7ffeffeeu);
  EXPECT_EQ(s.env_start, 0x7ffeffeeu);
  EXPECT_EQ(s.arg_start, 0x7ffeffe9u);
  EXPECT_EQ(s.platform, 0x7ffefeb8u);
  EXPECT_EQ(s.base_platform, 0x7ffefeb1u);
  EXPECT_EQ(s.random, 0x7ffefea1u);  // not aligned: Linux places it right below the strings
  EXPECT_EQ(s.sp, 0x7ffefc60u);
  EXPECT_EQ(s.auxv_pairs, 34u);

  Expected e(top, buf.size(), ByteOrder::Big);
  e.words(0x7ffefc60, {1, 0x7ffeffe9, 0, 0});
  e.words(0x7ffefc80, {
                          AT_IGNOREPPC,
                          AT_IGNOREPPC,
                          AT_IGNOREPPC,
                          AT_IGNOREPPC,
                          AT_DCACHEBSIZE,
                          128,
                          AT_ICACHEBSIZE,
                          128,
                          AT_UCACHEBSIZE,
                          0,
                          AT_L1I_CACHESIZE,
                          32768,
                          AT_L1I_CACHEGEOMETRY,
                          0x80080,
                          AT_L1D_CACHESIZE,
                          32768,
                          AT_L1D_CACHEGEOMETRY,
                          0x80080,
                          AT_L2_CACHESIZE,
                          0x100000,
                          AT_L2_CACHEGEOMETRY,
                          0x80080,
                          AT_L3_CACHESIZE,
                          0x400000,
                          AT_L3_CACHEGEOMETRY,
                          0x100080,
                          AT_MINSIGSTKSZ,
                          8192,
                          AT_HWCAP,
                          0xdc0065c2,
                          AT_PAGESZ,
                          4096,
                          AT_CLKTCK,
                          100,
                          AT_PHDR,
                          0x10000040,
                          AT_PHENT,
                          56,
                          AT_PHNUM,
                          7,
                          AT_BASE,
                          0,
                          AT_FLAGS,
                          0,
                          AT_ENTRY,
                          0x10000100,
                          AT_UID,
                          1000,
                          AT_EUID,
                          1000,
                          AT_GID,
                          100,
                          AT_EGID,
                          100,
                          AT_SECURE,
                          0,
                          AT_RANDOM,
                          0x7ffefea1,
                          AT_HWCAP2,
                          0x8c000000,
                          AT_EXECFN,
                          0x7ffeffee,
                          AT_PLATFORM,
                          0x7ffefeb8,
                          AT_BASE_PLATFORM,
                          0x7ffefeb1,
                          AT_NULL,
                          0,
                      });
  e.bytes(0x7ffefea1, r.random, 16);
  e.string(0x7ffefeb1, "power9");
  e.string(0x7ffefeb8, "power10");
  e.string(0x7ffeffe9, "prog");
  e.string(0x7ffeffee, "/bin/prog");
  e.compare(buf, s.sp);
}

// The auxv of a built stack as (type, value) pairs, read back in the arch's byte order.
std::vector<std::pair<uint64_t, uint64_t>> auxv_of(const Bytes& buf, uint64_t top,
                                                   const InitialStack& s, ByteOrder order) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (size_t i = 0; i < s.auxv_pairs; i++) {
    const uint8_t* p = buf.data() + buf.size() - (top - (s.auxv + 16 * i));
    out.emplace_back(byte_order::load64(p, order), byte_order::load64(p + 8, order));
  }
  return out;
}

TEST(InitialStack, VdsoMinsigstkszAndEmptyArgv) {
  const uint64_t top = 0x100000;
  StackRequest r = request(top);
  r.execfn = "/x";
  StackArch arm = arm64_arch();
  arm.vdso_base = 0x7f0000;
  arm.minsigstksz = 0;  // Linux writes AT_IGNORE rather than a zero size
  Bytes buf(4096);
  InitialStack s = build_initial_stack(arm, r, buf.data(), buf.size()).value();
  auto aux = auxv_of(buf, top, s, ByteOrder::Little);
  ASSERT_GE(aux.size(), 3u);
  EXPECT_EQ(aux[0], std::make_pair(AT_SYSINFO_EHDR, uint64_t{0x7f0000}));
  EXPECT_EQ(aux[1], std::make_pair(AT_IGNORE, uint64_t{0}));
  EXPECT_EQ(aux[2].first, AT_HWCAP);
  // argc 0 became one empty argument.
  const uint8_t* sp = buf.data() + buf.size() - (top - s.sp);
  EXPECT_EQ(byte_order::load64(sp, ByteOrder::Little), 1u);
  EXPECT_EQ(byte_order::load64(sp + 8, ByteOrder::Little), s.arg_start);
  EXPECT_EQ(buf[buf.size() - (top - s.arg_start)], 0);
  EXPECT_EQ(s.arg_end, s.arg_start + 1);

  StackArch ppc = ppc64_arch();
  ppc.vdso_base = 0x7ffff7ff0000;
  Bytes pbuf(4096);
  s = build_initial_stack(ppc, r, pbuf.data(), pbuf.size()).value();
  aux = auxv_of(pbuf, top, s, ByteOrder::Big);
  ASSERT_GE(aux.size(), 7u);
  EXPECT_EQ(aux[4].first, AT_UCACHEBSIZE);
  EXPECT_EQ(aux[5], std::make_pair(AT_SYSINFO_EHDR, uint64_t{0x7ffff7ff0000}));
  EXPECT_EQ(aux[6].first, AT_L1I_CACHESIZE);
  EXPECT_EQ(s.auxv_pairs, 35u);
  EXPECT_EQ(s.sp % 16, 0u);
}

TEST(InitialStack, FitsExactlyOrIsTooBig) {
  const uint64_t top = 0x40000000;
  const char* argv[] = {"a", "bb", "ccc"};
  const char* envp[] = {"X=1", "Y=22"};
  StackRequest r = request(top);
  r.argv = argv;
  r.argc = 3;
  r.envp = envp;
  r.envc = 2;
  r.execfn = "/a";
  Bytes big(4096);
  const InitialStack s = build_initial_stack(ppc64_arch(), r, big.data(), big.size()).value();
  const size_t needed = top - s.sp;
  for (size_t size = 0; size < needed; size++) {
    // Exact-size heap buffers: ASan catches a write below the buffer.
    Bytes small(size);
    Result<InitialStack> built = build_initial_stack(ppc64_arch(), r, small.data(), size);
    ASSERT_TRUE(built.is_error()) << size;
    EXPECT_EQ(built.error(), Error::TooBig) << size;
  }
  Bytes exact(needed);
  Result<InitialStack> fits = build_initial_stack(ppc64_arch(), r, exact.data(), needed);
  ASSERT_TRUE(fits.is_ok());
  EXPECT_EQ(fits.value().sp, s.sp);
  EXPECT_TRUE(std::equal(exact.begin(), exact.end(), big.end() - needed));
}

TEST(InitialStack, Errors) {
  Bytes buf(1 << 20);
  StackRequest r = request(0x40000000);
  r.execfn = "/a";
  const std::string huge(MAX_ARG_STRLEN, 'x');  // with its NUL one byte over the limit
  const std::string largest(MAX_ARG_STRLEN - 1, 'x');
  const char* argv[] = {huge.c_str()};
  r.argv = argv;
  r.argc = 1;
  EXPECT_EQ(build_initial_stack(arm64_arch(), r, buf.data(), buf.size()).error(), Error::TooBig);
  argv[0] = largest.c_str();
  EXPECT_TRUE(build_initial_stack(arm64_arch(), r, buf.data(), buf.size()).is_ok());
  r.execfn = huge.c_str();
  EXPECT_EQ(build_initial_stack(arm64_arch(), r, buf.data(), buf.size()).error(), Error::TooBig);
  r.execfn = nullptr;
  EXPECT_EQ(build_initial_stack(arm64_arch(), r, buf.data(), buf.size()).error(), Error::Invalid);
  r.execfn = "/a";
  argv[0] = nullptr;
  EXPECT_EQ(build_initial_stack(arm64_arch(), r, buf.data(), buf.size()).error(), Error::Invalid);
  argv[0] = "a";
  r.align_offset = 4096;
  EXPECT_EQ(build_initial_stack(arm64_arch(), r, buf.data(), buf.size()).error(), Error::Invalid);
  r.align_offset = 0;
  r.stack_top = 0x40000008;
  EXPECT_EQ(build_initial_stack(arm64_arch(), r, buf.data(), buf.size()).error(), Error::Invalid);
  // A stack top so low that the image would pass address 0.
  r.stack_top = 0x1000;
  Bytes page(8192);
  r.envc = 200;
  const char* envp[200];
  for (const char*& e : envp) e = "SOME_VARIABLE=with a value";
  r.envp = envp;
  EXPECT_EQ(build_initial_stack(arm64_arch(), r, page.data(), page.size()).error(), Error::TooBig);
}

}  // namespace
