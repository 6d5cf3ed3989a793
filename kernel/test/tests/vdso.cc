// The kernel's vDSO (kernel/proc/vdso_setup.h): the embedded image copied whole into its pages,
// the data page's clock giving the system call's time for a counter value, powerpc's syscall
// map, and the trampoline address at a vdso pointer. Skipped where there is no image (the host).

#include "kernel/arch/vdso.h"
#include "kernel/arch/mmu.h"
#include "kernel/arch/timer.h"
#include "kernel/lib/boot_info.h"
#include "kernel/lib/string.h"
#include "kernel/proc/vdso_setup.h"
#include "kernel/test/test.h"
#include "kernel/vdso/vdso_data.h"

namespace {

const VdsoMapping* kernel_vdso() {
  const ProcessArch* arch = process_arch(boot_info().arch_name);
  if (arch == nullptr) KTEST_SKIP("no process description for this arch");
  Result<const VdsoMapping*> vdso = vdso_for(*arch);
  if (vdso.is_error() && vdso.error() == Error::NotSupported) KTEST_SKIP("no vDSO image here");
  ASSERT_OK(vdso);
  return vdso.value();
}

}  // namespace

KTEST(vdso, text_pages_hold_the_image) {
  const VdsoMapping* vdso = kernel_vdso();
  const ArchVdsoImage image = arch_vdso_image();
  EXPECT_EQ(vdso->text_size(), (image.size + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE);
  const SpecialMapping& text = vdso->text_spec();
  for (uint64_t i = 0; i < text.page_count; i++) {
    const size_t offset = i * PAGE_SIZE;
    const size_t bytes = image.size - offset < PAGE_SIZE ? image.size - offset : PAGE_SIZE;
    EXPECT_EQ(klib::mem_compare(arch_phys_to_virt(text.pages[i]), image.start + offset, bytes), 0);
  }
  EXPECT_STREQ(text.name, "[vdso]");
  EXPECT_STREQ(vdso->vvar_spec().name, "[vvar]");
}

KTEST(vdso, data_page_reads_the_system_calls_time) {
  const VdsoMapping* vdso = kernel_vdso();
  const auto* data = static_cast<const VdsoData*>(arch_phys_to_virt(vdso->vvar_spec().pages[0]));
  const uint64_t f = arch_counter_frequency();
  EXPECT_EQ(data->counter_frequency, f);
  vdso_refresh();
  EXPECT_EQ(data->seq % 2, 0u);
  EXPECT_EQ(data->counter_base % f, 0u);
  const uint64_t c = arch_counter_read();
  const VdsoTime t = vdso_read_time(*data, [c] { return c; });
  EXPECT_EQ(t.seconds, c / f);
  EXPECT_EQ(t.nanoseconds, c % f * VDSO_NS_PER_SECOND / f);
}

KTEST(vdso, syscall_map_and_trampoline) {
  const VdsoMapping* vdso = kernel_vdso();
  const ProcessArch& arch = *process_arch(boot_info().arch_name);
  const auto* data = static_cast<const VdsoData*>(arch_phys_to_virt(vdso->vvar_spec().pages[0]));
  EXPECT_EQ(data->syscall_count, arch.vdso->syscall_count);
  for (size_t i = 0; i < arch.syscall_count; i++) {
    const uint64_t n = arch.syscalls[i].number;
    EXPECT_NE(data->syscall_map[n / 32] & (uint32_t{0x80000000} >> (n % 32)), 0u);
  }
  EXPECT_EQ(vdso_sigtramp(0), 0u);
  const uint64_t base = 0x7fff00000000;
  EXPECT_GT(vdso_sigtramp(base), base);
  EXPECT_LT(vdso_sigtramp(base), base + vdso->text_size());
}
