// Faults of a user program exit arch_user_run as Fault with the trap decoded: from user mode,
// the access (Read or Write from DSISR, Execute for an instruction storage interrupt), the exact
// address and PC; illegal and privileged instructions and trap instructions as program
// interrupts (FP, VMX and VSX are available: user_fp_vector.cc; scv is a system call:
// user_scv.cc). A page that is unmapped while the program has used it faults at once:
// the unmap flushed its translation.

#include "arch/powerpc/tests/user_program.h"
#include "arch/powerpc/trap_frame.h"
#include "arch/powerpc/user_context.h"
#include "kernel/mm/page_allocator.h"
#include "kernel/test/test.h"

namespace {

constexpr uint64_t UNMAPPED = 0x0700'1238;
// Past the 52 bits the radix tree translates: a segment interrupt, not a storage one.
constexpr uint64_t OUTSIDE_RADIX_TREE = (uint64_t{1} << 52) + 0x40;

// The run's exit, with the banner a user trap leaves empty written from the saved frame.
UserExit run_fault(UserProgram& program) {
  UserExit exit = user_program_run_past_interrupts(program.context);
  EXPECT_EQ(exit.trap.banner[0], '\0');
  if (exit.kind == UserExitKind::Fault) powerpc_describe_trap(program.context->frame, exit.trap);
  KTEST_NOTE("banner: %s", exit.trap.banner);
  return exit;
}

}  // namespace

KTEST(powerpc_user_fault, load_from_an_unmapped_address_is_a_read_fault) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_load)).is_ok());
  program.context->frame.gpr[3] = UNMAPPED;
  const UserExit exit = run_fault(program);
  ASSERT_EQ(exit.kind, UserExitKind::Fault);
  EXPECT_TRUE(exit.trap.from_user);
  EXPECT_EQ(exit.trap.kind, TrapKind::DataAbort);
  EXPECT_EQ(exit.trap.vector, 0x300u);
  EXPECT_EQ(exit.trap.access, TrapAccess::Read);
  EXPECT_EQ(exit.trap.address, UNMAPPED);
  EXPECT_EQ(exit.trap.pc, USER_CODE);
  EXPECT_EQ(arch_user_pc(program.context), USER_CODE);
  EXPECT_TRUE(StringView(exit.trap.banner).starts_with("Data storage interrupt (0x300) from user"));
  user_program_finish(&program);
}

KTEST(powerpc_user_fault, store_to_a_read_only_page_is_a_write_fault) {
  UserProgram program;
  ASSERT_TRUE(
      user_program_start(&program, USER_PROGRAM(user_store), VM_READ | VM_EXEC, VM_READ).is_ok());
  program.context->frame.gpr[3] = USER_DATA + 0x88;
  program.context->frame.gpr[5] = 0x1234;
  const UserExit exit = run_fault(program);
  ASSERT_EQ(exit.kind, UserExitKind::Fault);
  EXPECT_TRUE(exit.trap.from_user);
  EXPECT_EQ(exit.trap.kind, TrapKind::DataAbort);
  EXPECT_EQ(exit.trap.access, TrapAccess::Write);
  EXPECT_EQ(exit.trap.address, USER_DATA + 0x88);
  EXPECT_EQ(program.data()[0x88 / 8], 0u);

  // Made writable, the same store goes through.
  program.mmu.protect(program.mmu.context, USER_DATA, USER_DATA + PAGE_SIZE, VM_READ | VM_WRITE);
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  EXPECT_EQ(program.data()[0x88 / 8], 0x1234u);
  user_program_finish(&program);
}

KTEST(powerpc_user_fault, executing_a_page_without_exec_is_an_execute_fault) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_spin), VM_READ | VM_WRITE).is_ok());
  const UserExit exit = run_fault(program);
  ASSERT_EQ(exit.kind, UserExitKind::Fault);
  EXPECT_TRUE(exit.trap.from_user);
  EXPECT_EQ(exit.trap.kind, TrapKind::InstructionAbort);
  EXPECT_EQ(exit.trap.vector, 0x400u);
  EXPECT_EQ(exit.trap.access, TrapAccess::Execute);
  EXPECT_EQ(exit.trap.address, USER_CODE);
  EXPECT_EQ(exit.trap.pc, USER_CODE);
  user_program_finish(&program);
}

// Linux's do_bad_segment_interrupt makes these SEGV_BNDERR without a VMA lookup; the kind says so.
KTEST(powerpc_user_fault, an_address_outside_the_radix_tree_is_a_segment_interrupt) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_load)).is_ok());
  program.context->frame.gpr[3] = OUTSIDE_RADIX_TREE;
  UserExit exit = run_fault(program);
  ASSERT_EQ(exit.kind, UserExitKind::Fault);
  EXPECT_TRUE(exit.trap.from_user);
  EXPECT_EQ(exit.trap.kind, TrapKind::OutsideTranslation);
  EXPECT_EQ(exit.trap.vector, 0x380u);
  EXPECT_EQ(exit.trap.address, OUTSIDE_RADIX_TREE);
  EXPECT_EQ(exit.trap.pc, USER_CODE);

  // The same, fetched: an instruction segment interrupt at the PC.
  arch_user_set_pc(program.context, OUTSIDE_RADIX_TREE);
  exit = run_fault(program);
  ASSERT_EQ(exit.kind, UserExitKind::Fault);
  EXPECT_EQ(exit.trap.kind, TrapKind::OutsideTranslation);
  EXPECT_EQ(exit.trap.vector, 0x480u);
  EXPECT_EQ(exit.trap.address, OUTSIDE_RADIX_TREE);
  EXPECT_EQ(exit.trap.pc, OUTSIDE_RADIX_TREE);
  EXPECT_TRUE(
      StringView(exit.trap.banner).starts_with("Instruction segment interrupt (0x480) from user"));
  user_program_finish(&program);
}

KTEST(powerpc_user_fault, program_interrupts_are_decoded) {
  struct Case {
    UserProgramCode code;
    TrapKind kind;
    const char* banner;
  };
  const Case cases[] = {
      {USER_PROGRAM(user_illegal), TrapKind::UndefinedInstruction,
       "Program interrupt (0x700, illegal instruction) from user"},
      {USER_PROGRAM(user_privileged), TrapKind::PrivilegedInstruction,
       "Program interrupt (0x700, privileged instruction) from user"},
      {USER_PROGRAM(user_trap), TrapKind::Breakpoint,
       "Program interrupt (0x700, trap instruction) from user"},
  };
  for (const Case& c : cases) {
    UserProgram program;
    ASSERT_TRUE(user_program_start(&program, c.code).is_ok());
    const UserExit exit = run_fault(program);
    EXPECT_EQ(exit.kind, UserExitKind::Fault);
    EXPECT_TRUE(exit.trap.from_user);
    EXPECT_EQ(exit.trap.kind, c.kind);
    EXPECT_EQ(exit.trap.vector, 0x700u);
    EXPECT_EQ(exit.trap.pc, USER_CODE);
    EXPECT_TRUE(StringView(exit.trap.banner).starts_with(c.banner));
    user_program_finish(&program);
  }
}

KTEST(powerpc_user_fault, an_unmapped_page_faults_after_use) {
  UserProgram program;
  ASSERT_TRUE(user_program_start(&program, USER_PROGRAM(user_load)).is_ok());
  program.data()[0] = 0xfeed;
  program.context->frame.gpr[3] = USER_DATA;
  ASSERT_EQ(user_program_run_past_interrupts(program.context).kind, UserExitKind::SystemCall);
  EXPECT_EQ(program.context->frame.gpr[5], 0xfeedu);

  program.mmu.unmap(program.mmu.context, USER_DATA, USER_DATA + PAGE_SIZE);
  arch_user_set_pc(program.context, USER_CODE);
  const UserExit exit = run_fault(program);
  ASSERT_EQ(exit.kind, UserExitKind::Fault);
  EXPECT_EQ(exit.trap.access, TrapAccess::Read);
  EXPECT_EQ(exit.trap.address, USER_DATA);
  user_program_finish(&program);
}
