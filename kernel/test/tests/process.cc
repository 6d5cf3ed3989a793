// Processes from the initramfs, driven by the kernel itself: many lifetimes (maplet.lifetimes=N,
// default 300) that leave the free page count where it was, and several processes alive at once
// under the round-robin scheduler, each preempted many times while its registers must survive every
// switch. They need user mode and the initramfs (the host build and a boot without -initrd skip
// them).

#include "kernel/arch/mmu.h"
#include "kernel/arch/timer.h"
#include "kernel/lib/boot_info.h"
#include "kernel/lib/cmdline.h"
#include "kernel/lib/cpio.h"
#include "kernel/mm/physical_pages.h"
#include "kernel/proc/exec.h"
#include "kernel/proc/kernel_memory.h"
#include "kernel/proc/user_suites.h"
#include "kernel/proc/vdso_setup.h"
#include "kernel/test/test.h"
#include "kernel/test/tests/start_program.h"

namespace {

void discard(void*, const char*, size_t) {}

// maplet.lifetimes=N (make fuzz: 10000) or a few hundred.
uint64_t lifetimes() {
  Result<StringView> given = cmdline_get(boot_info().cmdline, "maplet.lifetimes");
  if (given.is_error()) return 300;
  Result<uint64_t> n = parse_size(given.value());
  return n.is_ok() ? n.value() : 300;
}

}  // namespace

KTEST(process, lifetimes_return_every_page) {
  const uint64_t LIFETIMES = lifetimes();
  Sink sink(&discard, nullptr);
  SchedulerOptions options = user_scheduler_options(boot_info());
  // The shared Vma and node caches may keep an empty slab: measured without them. The vDSO's
  // pages, set up for the first process, stay the kernel's: set up before measuring.
  // (No process description, as on the host: start_test_program() skips the test.)
  if (const ProcessArch* arch = process_arch(boot_info().arch_name); arch != nullptr) {
    const Result<const VdsoMapping*> vdso = vdso_for(*arch);
    ASSERT_TRUE(vdso.is_ok() || vdso.error() == Error::NotSupported);
  }
  kernel_memory_shrink();
  const uint64_t before = physical_pages().free_pages();
  for (uint64_t i = 0; i < LIFETIMES; i++) {
    Process* p = start_test_program("/bin/minimal", &sink);
    scheduler_add(p, options);
    scheduler_run_until_exit(p);
    const ProcessExit exit = p->exit;
    process_destroy(p);
    ASSERT_EQ(exit.wait_status(), 0);
  }
  kernel_memory_shrink();
  const uint64_t after = physical_pages().free_pages();
  KTEST_NOTE("%llu process lifetimes: %llu free pages before, %llu after",
             static_cast<unsigned long long>(LIFETIMES), static_cast<unsigned long long>(before),
             static_cast<unsigned long long>(after));
  EXPECT_EQ(after, before);
}

KTEST(process, round_robin_preempts_several) {
  constexpr unsigned COUNT = 3;
  constexpr uint64_t ALLOWANCE = 3;
  Sink sink(&discard, nullptr);
  SchedulerOptions options = user_scheduler_options(boot_info());
  // Each spinner is killed at its ALLOWANCE-th timer preemption; the time limit only catches a
  // timer that never preempts. /bin/spin checks its registers as it spins: a lost register
  // would end it with status 1 instead.
  options.slice_allowance = ALLOWANCE;
  Process* spinners[COUNT] = {};
  for (Process*& p : spinners) {
    p = start_test_program("/bin/spin", &sink);
    scheduler_add(p, options);
  }
  // All three share the run queue until each has used its slices; which finishes first depends
  // on where the timer fell in their start-up system calls.
  for (Process* p : spinners) scheduler_run_until_exit(p);
  for (Process* p : spinners) {
    KTEST_NOTE("pid %d: wait status %#x, %llu slices", p->pid, p->exit.wait_status(),
               static_cast<unsigned long long>(p->slices));
    EXPECT_EQ(static_cast<int>(p->exit.kind), static_cast<int>(ExitKind::Signaled));
    EXPECT_EQ(p->exit.signal, SIGNAL_KILL);
    EXPECT_EQ(p->slices, ALLOWANCE);
    process_destroy(p);
  }
}

namespace {

// The sleeper's status when it was asked for scv where there is none (user/sleep_signal.cc).
constexpr int SLEEPER_NO_SCV = 30;

// A sleeper in nanosleep (made by scv 0 when `scv`) and a second process that sends it SIGUSR1,
// which it handles: the sleep ends early with EINTR and the time left (user/sleep_signal.cc checks
// both; its status says).
void sleep_pair(bool scv) {
  Sink sink(&discard, nullptr);
  const SchedulerOptions options = user_scheduler_options(boot_info());
  const char* sleeper_args[] = {"scv"};
  Process* sleeper = start_test_program("/test/sleep_signal", &sink, sleeper_args, scv ? 1 : 0);
  char pid[16];
  format_to_buffer(pid, sizeof(pid), "%d", sleeper->pid);
  const char* args[] = {pid};
  const char* reason = nullptr;
  Result<Process*> sender = user_program_start(boot_info(), "/test/sleep_signal", &sink, &sink,
                                               &reason, nullptr, args, 1);
  if (sender.is_error()) process_destroy(sleeper);
  ASSERT_OK(sender);
  const uint64_t started = arch_counter_read();
  scheduler_add(sleeper, options);
  scheduler_add(sender.value(), options);
  scheduler_run_until_exit(sleeper);
  scheduler_run_until_exit(sender.value());
  const uint64_t elapsed_ms = (arch_counter_read() - started) * 1000 / arch_counter_frequency();
  KTEST_NOTE("sleeper %s, status %d; sender status %d; %llu ms", signal_name(sleeper->exit.signal),
             sleeper->exit.status, sender.value()->exit.status,
             static_cast<unsigned long long>(elapsed_ms));
  const int sleeper_status = sleeper->exit.wait_status();
  const int sender_status = sender.value()->exit.wait_status();
  process_destroy(sleeper);
  process_destroy(sender.value());
  if (scv && sleeper_status == (SLEEPER_NO_SCV << 8)) KTEST_SKIP("no scv on this arch");
  EXPECT_EQ(sleeper_status, 0);
  EXPECT_EQ(sender_status, 0);
}

}  // namespace

KTEST(process, nanosleep_is_interrupted_by_a_handled_signal) { sleep_pair(false); }

// The same through powerpc's scv 0, whose -EINTR comes back in r3 as it is.
KTEST(process, nanosleep_by_scv_is_interrupted_by_a_handled_signal) { sleep_pair(true); }

namespace {

// An exec of the initramfs's /bin/minimal with `randomize` as given; the test skips when there
// is no initramfs or no process description for this arch.
Process* exec_minimal(bool randomize, Sink* sink) {
  const BootInfo& info = boot_info();
  const ProcessArch* arch = process_arch(info.arch_name);
  if (arch == nullptr || info.initrd.size == 0) KTEST_SKIP("no user programs here");
  Result<CpioArchive> archive =
      CpioArchive::parse(arch_phys_to_virt(info.initrd.base), info.initrd.size);
  if (archive.is_error()) KTEST_SKIP("the initrd is not a cpio archive");
  Result<CpioEntry> entry = archive.value().find("/bin/minimal");
  if (entry.is_error()) KTEST_SKIP("no /bin/minimal in the initramfs");
  ExecRequest request{arch,
                      entry.value().data,
                      entry.value().size,
                      entry.value().ino,
                      "/bin/minimal",
                      randomize,
                      scheduler_next_pid(),
                      0,
                      sink,
                      sink};
  const char* reason = nullptr;
  Result<Process*> p = process_exec(request, &reason);
  if (p.is_error()) KTEST_NOTE("exec: %s", reason);
  if (p.is_error() && p.error() == Error::NotSupported) KTEST_SKIP("no user mode here");
  ASSERT_OK(p);
  return p.value();
}

void finish(Process* p) {
  process_exit(*p, ProcessExit{});
  process_destroy(p);
}

}  // namespace

KTEST(process, norandmaps_layout_is_linuxs) {
  Sink sink(&discard, nullptr);
  Process* p = exec_minimal(false, &sink);
  const AddressSpaceLayout& layout = p->mm->layout();
  // No randomisation: the stack ends at STACK_TOP, mmap_base is 128 MiB below (MIN_GAP), and
  // the break starts at the page after the bss.
  const Vma* stack = p->mm->find_vma(layout.start_stack);
  ASSERT_NOT_NULL(stack);
  EXPECT_EQ(stack->vm_end, p->arch->stack_top);
  EXPECT_TRUE((stack->vm_flags & VM_GROWSDOWN) != 0);
  EXPECT_EQ(layout.mmap_base, p->arch->stack_top - (uint64_t{128} << 20));
  const Vma* below_brk = p->mm->find_vma(layout.start_brk - 1);
  ASSERT_NOT_NULL(below_brk);
  EXPECT_EQ(below_brk->vm_end, layout.start_brk);  // the bss ends where the heap starts
  finish(p);
}

KTEST(process, randomisation_moves_stack_and_break) {
  Sink sink(&discard, nullptr);
  Process* a = exec_minimal(true, &sink);
  Process* b = exec_minimal(true, &sink);
  // 2^18 stack positions and 2^18 break positions: two equal draws of both are not a chance.
  EXPECT_TRUE(a->mm->layout().start_stack != b->mm->layout().start_stack ||
              a->mm->layout().start_brk != b->mm->layout().start_brk);
  EXPECT_LT(a->mm->layout().start_stack, a->arch->stack_top);
  finish(a);
  finish(b);
}

KTEST(process, exec_refuses_what_is_not_an_elf_and_keeps_every_page) {
  const ProcessArch* arch = process_arch(boot_info().arch_name);
  if (arch == nullptr) KTEST_SKIP("no process description for this arch");
  static const char not_elf[] = "#!/bin/sh\necho hello\n";
  Sink sink(&discard, nullptr);
  ExecRequest request{arch, not_elf, sizeof(not_elf), 0, "/bin/script", false, 1, 0, &sink, &sink};
  const char* reason = nullptr;
  kernel_memory_shrink();
  const uint64_t before = physical_pages().free_pages();
  EXPECT_ERROR(process_exec(request, &reason), Error::NoExec);
  KTEST_NOTE("reason: %s", reason);
  kernel_memory_shrink();
  EXPECT_EQ(physical_pages().free_pages(), before);
}
