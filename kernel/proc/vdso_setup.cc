#include "kernel/proc/vdso_setup.h"

#include "kernel/arch/mmu.h"
#include "kernel/arch/timer.h"
#include "kernel/arch/vdso.h"
#include "kernel/lib/placement_new.h"
#include "kernel/lib/string.h"
#include "kernel/proc/kernel_memory.h"
#include "kernel/vdso/vdso_data.h"

namespace {

// Room for a vDSO of this many pages; both are one or two.
constexpr uint64_t MAX_TEXT_PAGES = 4;

struct Vdso {
  uint64_t text[MAX_TEXT_PAGES];
  uint64_t data[2];  // the data page, twice: powerpc maps it at [vvar] pages 0 and 1
  uint64_t sigtramp_offset;
  VdsoData* page;
  alignas(VdsoMapping) unsigned char mapping[sizeof(VdsoMapping)];
  bool ready;
};
Vdso g_vdso;

// powerpc's map: bit 31 - (n % 32) of word n / 32 for every implemented call n.
void fill_syscall_map(VdsoData& data, const ProcessArch& arch) {
  data.syscall_count = arch.vdso->syscall_count;
  for (size_t i = 0; i < arch.syscall_count; i++) {
    const uint64_t n = arch.syscalls[i].number;
    if (n < uint64_t{VDSO_SYSCALL_MAP_WORDS} * 32) {
      data.syscall_map[n / 32] |= uint32_t{0x80000000} >> (n % 32);
    }
  }
}

}  // namespace

Result<const VdsoMapping*> vdso_for(const ProcessArch& arch) {
  if (g_vdso.ready) return reinterpret_cast<const VdsoMapping*>(g_vdso.mapping);
  const ArchVdsoImage image = arch_vdso_image();
  if (image.start == nullptr || image.size == 0) return Error::NotSupported;
  // __vdso_init's check: the image must be an ELF file.
  if (image.size < 4 || klib::mem_compare(image.start, "\177ELF", 4) != 0) return Error::Invalid;
  const uint64_t pages = (image.size + PAGE_SIZE - 1) / PAGE_SIZE;
  if (pages > MAX_TEXT_PAGES || image.sigtramp_offset >= image.size) return Error::Invalid;
  const PageSource source = kernel_page_source();
  // Kept for the kernel's lifetime: every process maps them.
  const uint64_t data = TRY(source.alloc_zeroed(source.context));
  for (uint64_t i = 0; i < pages; i++) {
    Result<uint64_t> page = source.alloc_zeroed(source.context);
    if (page.is_error()) {
      for (uint64_t j = 0; j < i; j++) source.free(source.context, g_vdso.text[j]);
      source.free(source.context, data);
      return page.error();
    }
    g_vdso.text[i] = page.value();
    const size_t offset = i * PAGE_SIZE;
    const size_t bytes = image.size - offset < PAGE_SIZE ? image.size - offset : PAGE_SIZE;
    klib::mem_copy(arch_phys_to_virt(page.value()), image.start + offset, bytes);
  }
  g_vdso.data[0] = g_vdso.data[1] = data;
  g_vdso.page = static_cast<VdsoData*>(arch_phys_to_virt(data));
  fill_syscall_map(*g_vdso.page, arch);
  vdso_write_time(*g_vdso.page, arch_counter_read(), arch_counter_frequency());
  g_vdso.sigtramp_offset = image.sigtramp_offset;
  new (g_vdso.mapping) VdsoMapping(*arch.vdso, g_vdso.text, pages, g_vdso.data);
  g_vdso.ready = true;
  return reinterpret_cast<const VdsoMapping*>(g_vdso.mapping);
}

void vdso_refresh() {
  if (g_vdso.ready) vdso_write_time(*g_vdso.page, arch_counter_read(), arch_counter_frequency());
}

uint64_t vdso_sigtramp(uint64_t vdso) {
  return g_vdso.ready && vdso != 0 ? vdso + g_vdso.sigtramp_offset : 0;
}
