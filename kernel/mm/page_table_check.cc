#include "kernel/mm/page_table_check.h"

namespace {

struct Walk {
  const AddressSpace* mm;
  PageTableCheck result;
};

void note(Walk& w, const char* problem, uint64_t va, VmFlags granted, VmFlags allowed) {
  if (w.result.offending++ != 0) return;
  w.result.problem = problem;
  w.result.va = va;
  w.result.granted = granted;
  w.result.allowed = allowed;
}

bool visit(void* cookie, uint64_t va, uint64_t pa, MmuAccess access) {
  auto& w = *static_cast<Walk*>(cookie);
  const Vma* vma = w.mm->vma_lookup(va);
  if (vma == nullptr) {
    note(w, "a translation outside every VMA", va, access.flags, 0);
    return true;
  }
  const VmFlags allowed = vma_allowed_access(*vma, w.mm->layout());
  if (!access.user) {
    note(w, "a privileged translation in the user half", va, access.flags, allowed);
  } else if ((access.flags & ~allowed) != 0) {
    note(w, "a translation granting more than its VMA allows", va, access.flags, allowed);
  } else if ((access.flags & VM_ACCESS_FLAGS) != 0 &&
             ((access.flags ^ vma->vm_flags) & VM_ARM64_BTI) != 0) {
    note(w, "a translation guarded unlike its VMA", va, access.flags, allowed);
  } else if (pa == w.mm->zero_page() && (access.flags & VM_WRITE) != 0) {
    note(w, "the zero page mapped writable", va, access.flags, allowed);
  }
  return true;
}

}  // namespace

VmFlags vma_allowed_access(const Vma& vma, const AddressSpaceLayout& layout) {
  VmFlags allowed = vma.vm_flags & VM_TRANSLATION_FLAGS;
  if (allowed & VM_WRITE) allowed |= VM_READ;
  if ((allowed & VM_EXEC) && layout.exec_implies_read) allowed |= VM_READ;
  return allowed;
}

PageTableCheck check_page_tables(const AddressSpace& mm, const MmuOps& mmu) {
  Walk w{&mm, {}};
  const char* why = nullptr;
  if (mm.tree().validate(&why).is_error()) {
    w.result.problem = why != nullptr ? why : "invalid";
    w.result.tree = true;
    w.result.offending = 1;
    return w.result;
  }
  mmu.walk(mmu.context, 0, mm.layout().task_size, visit, &w);
  return w.result;
}
