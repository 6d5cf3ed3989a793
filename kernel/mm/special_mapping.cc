#include "kernel/mm/special_mapping.h"

Result<uint64_t> special_mapping_page(const SpecialMapping& spec, Vma& vma, uint64_t pgoff) {
  if (spec.fault != nullptr) return spec.fault(spec, vma, pgoff, spec.context);
  // Linux walks a NULL-terminated array and raises SIGBUS past its end; a count does the same
  // without a sentinel.
  if (spec.pages == nullptr || pgoff >= spec.page_count) return Error::Fault;
  return spec.pages[pgoff];
}
