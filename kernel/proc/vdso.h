// The vDSO of a process as two special mappings, as Linux 6.12 installs them
// (arch/powerpc/kernel/vdso.c, arch/arm64/kernel/vdso.c): "[vvar]", the data pages the kernel
// keeps current, then "[vdso]", the ELF image, right after it. The start of the text is the
// address space's MmContext::vdso (AT_SYSINFO_EHDR, the base of the signal trampoline), and the
// text's hooks keep it right when the program moves or unmaps the mapping:
//
//   [vvar] vvar_pages: data pages, the rest SIGBUS   [vdso] the image          (powerpc: the
//   ^ base (64 KiB aligned on powerpc)                ^ base + vvar size = MmContext::vdso
//
//   powerpc  mremap of [vdso] moves the pointer and refuses another size (vdso_mremap, Invalid);
//            munmap of [vdso] clears it (vdso_close), but the close of the old place after a move
//            leaves the new pointer alone (the hook checks vm_start against it).
//   arm64    mremap of [vdso] moves the pointer, any size; no close hook, so after a munmap the
//            pointer still names the old place.
//   both     [vvar] has no hooks: a same-size move succeeds and leaves the pointer, growing it is
//            Fault (VM_DONTEXPAND); a partial munmap or an mprotect that would split either
//            mapping is Invalid (special mappings never split).
//
// One VdsoMapping per kernel (its specs are shared by every process); neutral, so host tests run
// both arches' behaviour.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/mm/address_space.h"

struct VdsoArch {
  uint64_t vvar_pages;  // the [vvar] mapping: 3 on powerpc (VVAR_NR_PAGES), 2 on arm64
  // The [vvar] pages backed by data; the others (the time-namespace page, Maplet has no time
  // namespaces) raise SIGBUS as Linux's vvar_fault does.
  uint64_t vvar_data_pages;
  uint64_t alignment;  // of the [vvar] start: VDSO_ALIGNMENT (64 KiB) on powerpc, a page on arm64
  VmFlags vvar_flags;  // powerpc adds VM_IO | VM_DONTDUMP to arm64's VM_READ|VM_MAYREAD|VM_PFNMAP
  bool close_forgets;  // powerpc's vdso_close
  bool mremap_keeps_size;  // powerpc's vdso_mremap
  // What powerpc's __kernel_get_syscall_map reports as the number of system calls (NR_syscalls,
  // 463 in 6.12); arm64 has no such call.
  uint32_t syscall_count;
};

extern const VdsoArch VDSO_ARCH_ARM64;
extern const VdsoArch VDSO_ARCH_PPC64;

class VdsoMapping {
 public:
  // text: the physical pages of the image, text_pages of them; vvar: vvar_data_pages physical
  // pages. Both arrays must outlive the mapping (and every address space using it).
  VdsoMapping(const VdsoArch& arch, const uint64_t* text, uint64_t text_pages,
              const uint64_t* vvar);
  VdsoMapping(const VdsoMapping&) = delete;
  VdsoMapping& operator=(const VdsoMapping&) = delete;

  // arch_setup_additional_pages(): places [vvar] + [vdso] top-down (get_unmapped_area of both
  // plus, on powerpc, room to align), installs them and sets mm.context().vdso to the text.
  // Returns the text's start. NoMemory when there is no room or memory; nothing stays mapped
  // and the pointer is 0 then.
  Result<uint64_t> install(AddressSpace& mm) const;

  uint64_t text_size() const { return m_text.page_count * PAGE_SIZE; }
  uint64_t vvar_size() const { return m_arch.vvar_pages * PAGE_SIZE; }
  const SpecialMapping& vvar_spec() const { return m_vvar; }
  const SpecialMapping& text_spec() const { return m_text; }

 private:
  const VdsoArch& m_arch;
  SpecialMapping m_vvar;
  SpecialMapping m_text;
};
