// The FP, VMX and VSX regsets of a core file (elfcore.cc) in Linux's layouts, in the kernel's byte
// order (arch/powerpc/kernel/ptrace/ptrace-fpu.c, ptrace-altivec.c, ptrace-vsx.c), stated here as
// Linux's memory images are, not as elfcore.cc builds them: NT_PRFPREG is f0-f31 (doubleword 0
// of VSR 0-31) and FPSCR as 64-bit values; NT_PPC_VMX is v0-v31 as stvx stores them, each
// register's 128-bit value in the byte order (doubleword 0 its high half), then VSCR as the
// low 32 bits of a quadword, then VRSAVE as the first word of the last; NT_PPC_VSX is doubleword
// 1 of VSR 0-31; NT_PPC_PPR, NT_PPC_DSCR and NT_PPC_TAR follow (ptrace-view.c ppr_get,
// dscr_get, tar_get), each the register's 64-bit value, in every core.

#include "arch/powerpc/user_context.h"
#include "kernel/arch/coredump.h"
#include "kernel/lib/big_endian.h"
#include "kernel/lib/byte_order.h"
#include "kernel/lib/placement_new.h"
#include "kernel/test/test.h"

namespace {

constexpr ByteOrder ORDER = NATIVE_BYTE_ORDER;

// The quadword at `p` as a 128-bit value in the kernel's byte order: {high, low}.
void load128(const uint8_t* p, uint64_t& high, uint64_t& low) {
  high = 0;
  low = 0;
  for (unsigned i = 0; i < 16; i++) {
    // Byte i of memory is bit position 8 * (15 - i) of the value big-endian, 8 * i little.
    const unsigned shift = 8 * (ORDER == ByteOrder::Big ? 15 - i : i);
    if (shift >= 64) {
      high |= uint64_t{p[i]} << (shift - 64);
    } else {
      low |= uint64_t{p[i]} << shift;
    }
  }
}

const CoreNote* note(const ArchCoreThread& core, uint32_t type) {
  for (size_t i = 0; i < core.thread.note_count; i++) {
    if (core.notes[i].type == type) return &core.notes[i];
  }
  return nullptr;
}

uint64_t high_of(unsigned vsr) { return 0x0102030405060708 * (vsr + 1); }
uint64_t low_of(unsigned vsr) { return 0x1112131415161718 ^ (uint64_t{vsr} << 56); }

}  // namespace

KTEST(powerpc_core_regsets, fp_vmx_and_vsx_notes_in_linux_layout) {
  static UserContext context;  // too large for a kernel stack
  static ArchCoreThread core;
  new (&context) UserContext{};
  for (unsigned n = 0; n < 64; n++) {
    context.vector.vsr[n][0] = high_of(n);
    context.vector.vsr[n][1] = low_of(n);
  }
  context.vector.fpscr = 0x00000000'82004000;
  context.vector.set_vscr(0x00010001);  // NJ and SAT
  context.vector.vrsave_quad[0] = 0xdeadbeef;
  context.used_vr = true;
  context.used_vsr = true;
  context.ppr = 0x0010000000000000;  // PRI 4, medium
  context.dscr = 0x0000000000000017;
  context.tar = 0x00007fff'12345678;
  new (&core) ArchCoreThread{};
  arch_core_thread(&context, core);
  EXPECT_EQ(core.thread.order, ORDER);

  const CoreNote* fp = note(core, NT_PRFPREG);
  ASSERT_TRUE(fp != nullptr);
  ASSERT_EQ(fp->size, 33u * 8);
  for (unsigned n = 0; n < 32; n++)
    EXPECT_EQ(byte_order::load64(fp->desc + 8 * n, ORDER), high_of(n));
  EXPECT_EQ(byte_order::load64(fp->desc + 32 * 8, ORDER), context.vector.fpscr);

  const CoreNote* vmx = note(core, NT_PPC_VMX);
  ASSERT_TRUE(vmx != nullptr);
  ASSERT_EQ(vmx->size, 34u * 16);
  uint64_t high, low;
  for (unsigned n = 0; n < 32; n++) {
    load128(vmx->desc + 16 * n, high, low);
    EXPECT_EQ(high, high_of(32 + n));
    EXPECT_EQ(low, low_of(32 + n));
  }
  load128(vmx->desc + 32 * 16, high, low);
  EXPECT_EQ(high, 0u);
  EXPECT_EQ(low, 0x00010001u);  // VSCR
  EXPECT_EQ(byte_order::load32(vmx->desc + 33 * 16, ORDER), 0xdeadbeefu);

  const CoreNote* vsx = note(core, NT_PPC_VSX);
  ASSERT_TRUE(vsx != nullptr);
  ASSERT_EQ(vsx->size, 32u * 8);
  for (unsigned n = 0; n < 32; n++)
    EXPECT_EQ(byte_order::load64(vsx->desc + 8 * n, ORDER), low_of(n));

  // The view's order after the vector regsets: PPR, DSCR, TAR.
  ASSERT_EQ(core.thread.note_count, 6u);
  const uint32_t types[] = {NT_PPC_PPR, NT_PPC_DSCR, NT_PPC_TAR};
  const uint64_t values[] = {context.ppr, context.dscr, context.tar};
  for (unsigned i = 0; i < 3; i++) {
    const CoreNote& n = core.notes[3 + i];
    EXPECT_EQ(n.type, types[i]);
    EXPECT_STREQ(n.name, "LINUX");
    ASSERT_EQ(n.size, 8u);
    EXPECT_EQ(byte_order::load64(n.desc, ORDER), values[i]);
  }
}
