// Host support for the core writer's tests, fuzzer and benchmark: a CoreMemory over the fake MMU
// (its physical addresses are host pointers), the register images and notes of a made-up thread
// of either arch in its byte order, and a fixture that dumps the fixture's address space into a
// string and a file for llvm-readelf.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "host-tests/fake_mmu.h"
#include "kernel/coredump/core_writer.h"
#include "kernel/coredump/memtag_segments.h"

inline CoreMemory fake_core_memory(const FakeMmu& mmu) {
  CoreMemory m;
  m.page = [](void* c, const CoreVma&, uint64_t va) -> const uint8_t* {
    const auto& pages = static_cast<const FakeMmu*>(c)->pages;
    auto it = pages.find(va);
    return it == pages.end() ? nullptr : reinterpret_cast<const uint8_t*>(it->second.pa);
  };
  m.context = const_cast<FakeMmu*>(&mmu);
  return m;
}

inline Sink string_sink(std::string& s) {
  return Sink([](void* c, const char* d, size_t n) { static_cast<std::string*>(c)->append(d, n); },
              &s);
}

// The cores Linux writes: arm64, and 64-bit powerpc big-endian and little-endian (ppc64el), which
// differ in byte order only.
enum class CoreArch { Arm64, Ppc64, Ppc64le };

inline ByteOrder core_order(CoreArch a) {
  return a == CoreArch::Ppc64 ? ByteOrder::Big : ByteOrder::Little;
}

// `size` bytes that no byte, halfword, word or doubleword reversal leaves unchanged: byte i is
// seed + 7 * i.
inline std::vector<uint8_t> core_pattern(size_t size, uint8_t seed) {
  std::vector<uint8_t> v(size);
  for (size_t i = 0; i < size; i++) v[i] = static_cast<uint8_t>(seed + 7 * i);
  return v;
}

// A thread of `arch` whose register words are 0x1000 + i (pc, sp and lr among them) and whose
// notes are the ones that arch's Linux regset view writes here, with distinct patterns of bytes
// (core_pattern) for the register images the arch code lays out.
struct FakeCoreThread {
  explicit FakeCoreThread(CoreArch a) : arch(a) {
    order = core_order(a);
    const size_t words = a == CoreArch::Arm64 ? 34 : 48;
    regs.resize(words * 8);
    for (size_t i = 0; i < words; i++) byte_order::store64(&regs[i * 8], 0x1000 + i, order);
    if (a == CoreArch::Arm64) {
      fpregs.assign(528, 0xf1);
      tls.assign(16, 0);
      byte_order::store64(tls.data(), 0x7fee00001234, order);
      tagged.assign(8, 0);
      byte_order::store64(tagged.data(), 0x7fff3, order);
      notes = {{"CORE", NT_PRFPREG, fpregs.data(), fpregs.size()},
               {"LINUX", NT_ARM_TLS, tls.data(), tls.size()},
               {"LINUX", NT_ARM_TAGGED_ADDR_CTRL, tagged.data(), tagged.size()}};
    } else {
      fpregs = core_pattern(264, 0xf2);
      vmx = core_pattern(544, 0xa5);
      vsx = core_pattern(256, 0x5a);
      notes = {{"CORE", NT_PRFPREG, fpregs.data(), fpregs.size()},
               {"LINUX", NT_PPC_VMX, vmx.data(), vmx.size()},
               {"LINUX", NT_PPC_VSX, vsx.data(), vsx.size()}};
    }
    thread.machine = a == CoreArch::Arm64 ? EM_AARCH64 : EM_PPC64;
    thread.order = order;
    thread.pr_reg = regs.data();
    thread.pr_reg_size = regs.size();
    thread.notes = notes.data();
    thread.note_count = notes.size();
  }
  FakeCoreThread(const FakeCoreThread&) = delete;

  CoreArch arch;
  ByteOrder order;
  std::vector<uint8_t> regs, fpregs, tls, tagged, vmx, vsx;
  std::vector<CoreNote> notes;
  CoreThread thread;
};

// A process killed by SIGSEGV at 0xdead000 with a short auxv and the arguments "prog -x".
struct FakeCoreProcess {
  explicit FakeCoreProcess(ByteOrder order) {
    siginfo.assign(CORE_SIGINFO_SIZE, 0);
    byte_order::store(&siginfo[0], 4, 11, order);
    byte_order::store(&siginfo[8], 4, 1, order);  // SEGV_MAPERR
    byte_order::store64(&siginfo[16], 0xdead000, order);
    process.signal = 11;
    process.sigpend = 0x400;
    process.sighold = 0x1;
    process.pid = 7;
    process.ppid = 1;
    process.pgrp = 7;
    process.sid = 7;
    process.uid = 1000;
    process.gid = 100;
    process.comm = "prog";
    process.args = args;
    process.args_size = sizeof(args);
    process.siginfo = siginfo.data();
    process.auxv = auxv;
    process.auxv_words = 6;
  }
  FakeCoreProcess(const FakeCoreProcess&) = delete;

  static constexpr char args[] = "prog\0-x";  // with its final NUL: 8 bytes
  uint64_t auxv[6] = {6 /* AT_PAGESZ */, 4096, 26 /* AT_HWCAP2 */, 1u << 18, 0, 0};
  std::vector<uint8_t> siginfo;
  CoreProcess process;
};

// A core in a temporary file, removed when it goes.
struct CoreFile {
  explicit CoreFile(const std::string& bytes) {
    char name[] = "/tmp/maplet-core-XXXXXX";
    const int fd = mkstemp(name);
    path = name;
    if (fd >= 0) {
      EXPECT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
      close(fd);
    }
  }
  ~CoreFile() { unlink(path.c_str()); }
  std::string path;
};
