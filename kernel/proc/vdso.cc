#include "kernel/proc/vdso.h"

#include "kernel/lib/kstd.h"

const VdsoArch VDSO_ARCH_ARM64 = {
    2, 1, PAGE_SIZE, VM_READ | VM_MAYREAD | VM_PFNMAP, false, false, 0,
};

const VdsoArch VDSO_ARCH_PPC64 = {
    3, 2, 64 * 1024, VM_READ | VM_MAYREAD | VM_IO | VM_DONTDUMP | VM_PFNMAP, true, true, 463,
};

namespace {

Result<void> vdso_mremap(const SpecialMapping& spec, AddressSpace& mm, Vma& new_vma,
                         void* context) {
  const auto* arch = static_cast<const VdsoArch*>(context);
  if (arch->mremap_keeps_size && new_vma.vm_end - new_vma.vm_start != spec.page_count * PAGE_SIZE) {
    return Error::Invalid;
  }
  mm.context().vdso = new_vma.vm_start;
  return {};
}

// close runs on munmap and on the old VMA after a move; after a move the pointer already names
// the new place, which this VMA's start no longer matches.
void vdso_close(const SpecialMapping&, AddressSpace& mm, Vma& vma, void*) {
  if (vma.vm_start == mm.context().vdso) mm.context().vdso = 0;
}

}  // namespace

VdsoMapping::VdsoMapping(const VdsoArch& arch, const uint64_t* text, uint64_t text_pages,
                         const uint64_t* vvar)
    : m_arch(arch) {
  m_vvar.name = "[vvar]";
  m_vvar.pages = vvar;
  m_vvar.page_count = arch.vvar_data_pages;
  m_text.name = "[vdso]";
  m_text.pages = text;
  m_text.page_count = text_pages;
  m_text.mremap = vdso_mremap;
  m_text.close = arch.close_forgets ? vdso_close : nullptr;
  m_text.context = const_cast<VdsoArch*>(&arch);
}

Result<uint64_t> VdsoMapping::install(AddressSpace& mm) const {
  mm.context().vdso = 0;
  const uint64_t vvar = vvar_size();
  // powerpc asks for alignment - 1 more (rounded to pages) and aligns the start up within it.
  const uint64_t slack = (m_arch.alignment - 1) & PAGE_MASK;
  const uint64_t found = TRY(mm.get_unmapped_area(0, vvar + text_size() + slack, 0));
  const uint64_t base = kstd::align_up(found, m_arch.alignment);
  TRY(mm.install_special_mapping(base, vvar, m_arch.vvar_flags, m_vvar));
  Result<Vma*> text = mm.install_special_mapping(
      base + vvar, text_size(), VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC, m_text);
  if (text.is_error()) {
    MUST(mm.munmap(base, vvar));
    return text.error();
  }
  mm.context().vdso = base + vvar;
  return base + vvar;
}
