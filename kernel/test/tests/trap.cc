// Unexpected exceptions and panics inside a test are caught, decoded and reported, and the
// kernel goes on.

#include "kernel/arch/trap.h"
#include "kernel/lib/recover.h"
#include "kernel/test/test.h"

KTEST(trap, undefined_instruction_is_caught_and_decoded) {
  Fault fault;
  auto body = [] { arch_execute_undefined_instruction(); };
  ASSERT_FALSE(run_recoverable(body, &fault));
  ASSERT_EQ(fault.cause, Fault::Cause::Trap);
  EXPECT_EQ(fault.trap.kind, TrapKind::UndefinedInstruction);
  EXPECT_EQ(fault.trap.pc, arch_undefined_instruction_address());
  EXPECT_NE(fault.message[0], '\0');
  KTEST_NOTE("banner: %s", fault.message);
}

KTEST(trap, execution_continues_after_a_trap) {
  // Two traps in a row: the first recovery must leave the machine able to take the second.
  for (int i = 0; i < 2; i++) {
    Fault fault;
    auto body = [] { arch_execute_undefined_instruction(); };
    ASSERT_FALSE(run_recoverable(body, &fault));
    EXPECT_EQ(fault.trap.kind, TrapKind::UndefinedInstruction);
  }
}

KTEST(trap, panic_is_recovered_with_its_message) {
  Fault fault;
  auto body = [] { PANIC("deliberate panic %d", 7); };
  ASSERT_FALSE(run_recoverable(body, &fault));
  EXPECT_EQ(fault.cause, Fault::Cause::Panic);
  EXPECT_TRUE(StringView(fault.message).starts_with("PANIC at kernel/test/tests/trap.cc:"));
}

KTEST(trap, nested_regions_catch_innermost) {
  Fault outer;
  Fault inner;
  bool inner_returned = false;
  auto outer_body = [&] {
    auto inner_body = [] { VERIFY(1 + 1 == 3); };
    inner_returned = !run_recoverable(inner_body, &inner);
  };
  EXPECT_TRUE(run_recoverable(outer_body, &outer));
  EXPECT_TRUE(inner_returned);
  EXPECT_EQ(inner.cause, Fault::Cause::Panic);
  EXPECT_TRUE(recovery_armed());
}
