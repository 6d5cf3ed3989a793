// Which facilities a program has used (user_context.h used_vr, used_vsr), as Linux's
// load_up_altivec and load_up_vsx record it: FP alone leaves both unset; the first VMX
// instruction is a vector unavailable interrupt the program never sees, after which VMX stays on;
// the first VSX instruction turns VSX (and VMX) on the same way. A core file then carries
// NT_PPC_VMX and NT_PPC_VSX only for what was used (fs/binfmt_elf.c skips an inactive regset).

#include "arch/powerpc/regs.h"
#include "arch/powerpc/tests/user_program.h"
#include "arch/powerpc/user_context.h"
#include "kernel/arch/coredump.h"
#include "kernel/lib/placement_new.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t VECTOR_SYSTEM_CALL = 0xc00;

// The note types arch_core_thread gives for the context, after NT_PRSTATUS, as "2 256 258 260 261
// 259".
void note_types(const UserContext* context, char* out, size_t size) {
  static ArchCoreThread core;  // too large for a kernel stack
  new (&core) ArchCoreThread{};
  arch_core_thread(context, core);
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < core.thread.note_count && used < size; i++) {
    used +=
        format_to_buffer(out + used, size - used, i == 0 ? "%u" : " %u", core.thread.notes[i].type);
  }
}

// Runs the program to its next system call, which must be `number`.
void run_to_syscall(UserProgram& program, uint64_t number) {
  const UserExit exit = user_program_run_past_interrupts(program.context);
  EXPECT_EQ(exit.kind, UserExitKind::SystemCall);
  EXPECT_EQ(program.context->frame.vector, VECTOR_SYSTEM_CALL);
  EXPECT_EQ(program.context->frame.gpr[0], number);
}

}  // namespace

KTEST(powerpc_user_vector_use, first_vmx_and_vsx_instructions_mark_their_use) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_fp_vector_uses)).is_ok());
  UserContext* c = program.context;
  char notes[48];
  EXPECT_FALSE(c->used_vr);
  EXPECT_FALSE(c->used_vsr);

  run_to_syscall(program, 1);  // after fmr: FP only
  EXPECT_FALSE(c->used_vr);
  EXPECT_FALSE(c->used_vsr);
  EXPECT_EQ(c->frame.srr1 & (MSR_VEC | MSR_VSX), 0u);
  note_types(c, notes, sizeof(notes));
  EXPECT_STREQ(notes, "2 260 261 259");  // NT_PRFPREG, NT_PPC_PPR, NT_PPC_DSCR, NT_PPC_TAR

  run_to_syscall(program, 2);  // after vor
  EXPECT_TRUE(c->used_vr);
  EXPECT_FALSE(c->used_vsr);
  EXPECT_EQ(c->frame.srr1 & (MSR_VEC | MSR_VSX), uint64_t{MSR_VEC});
  note_types(c, notes, sizeof(notes));
  EXPECT_STREQ(notes, "2 256 260 261 259");  // and NT_PPC_VMX

  run_to_syscall(program, 3);  // after xxlor
  EXPECT_TRUE(c->used_vr);
  EXPECT_TRUE(c->used_vsr);
  EXPECT_EQ(c->frame.srr1 & (MSR_VEC | MSR_VSX), uint64_t{MSR_VEC | MSR_VSX});
  note_types(c, notes, sizeof(notes));
  EXPECT_STREQ(notes, "2 256 258 260 261 259");  // and NT_PPC_VSX
  user_program_finish(&program);
}
