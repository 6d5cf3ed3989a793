// libFuzzer target for the ELF reader (kernel/proc/elf_image.cc). Each input is tried as a whole
// file for every target, and as program headers behind a valid ELF header (so the fuzzer spends
// its time on the segment checks). Whatever parse() accepts is then planned at bias 0 and at a
// bias taken from the input, and every promise of the plan is checked: segments inside the file
// and below the user limit, page-aligned mappings, bss after the file part. ASan and UBSan turn
// any read outside the exact-size copy or any overflow into a crash.

#include <stddef.h>
#include <stdint.h>

#include <vector>

#include "host-tests/elf_builder.h"
#include "kernel/proc/elf_image.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void exercise(const std::vector<uint8_t>& copy, const ElfTarget& target, uint64_t probe) {
  Result<ElfImage> parsed =
      ElfImage::parse(copy.empty() ? nullptr : copy.data(), copy.size(), target);
  if (parsed.is_error()) return;
  const ElfImage& elf = parsed.value();
  check(elf.load_count() > 0 && elf.load_count() <= elf.phnum());
  const uint64_t page = target.page_size;
  const uint64_t bias = elf.static_pie_bias(kstd::align_down(probe % target.task_size, page));
  for (uint64_t b : {uint64_t{0}, bias}) {
    Result<ElfLayout> layout = elf.layout(b);
    if (layout.is_error()) continue;
    check(layout.value().entry < target.task_size);
    check(layout.value().start_brk % page == 0);
    for (size_t i = 0; i < elf.load_count(); i++) {
      const ElfSegment s = elf.segment(i, b);
      check(s.filesz <= s.memsz);
      check(s.offset + s.filesz <= copy.size());
      check(s.map_start % page == 0 && s.map_end % page == 0 && s.map_start <= s.map_end);
      check(s.map_end <= target.task_size && s.anon_end <= target.task_size);
      check(s.anon_start % page == 0 && s.anon_end % page == 0 && s.anon_start <= s.anon_end);
      check(s.zero_start <= s.zero_end && s.zero_end - s.zero_start < page);
      if (s.filesz != 0) check(s.anon_start == s.map_end && s.map_offset % page == 0);
      if (i > 0) check(elf.segment(i - 1, b).vaddr + elf.segment(i - 1, b).memsz <= s.vaddr);
    }
  }
  if (target.machine == EM_PPC64) (void)elf.ppc_start_registers(bias);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint64_t probe = 0;
  for (size_t i = 0; i < size && i < 8; i++) probe = (probe << 8) | data[i];
  const std::vector<uint8_t> whole(data, data + size);
  for (const ElfTarget* t : {&ELF_TARGET_ARM64, &ELF_TARGET_PPC64, &ELF_TARGET_PPC64LE}) {
    exercise(whole, *t, probe);
  }
  // A valid header (type from the first byte) with the input as program headers and contents.
  if (size < 2) return 0;
  ElfSpec spec;
  spec.type = (data[0] & 1) ? ET_DYN : ET_EXEC;
  spec.entry = uint64_t{data[1]} << 12;
  std::vector<uint8_t> file = build_elf(spec);
  file.insert(file.end(), data + 2, data + size);
  const uint16_t phnum = static_cast<uint16_t>((size - 2) / ELF64_PHDR_SIZE);
  elf_put(file, 56, 2, phnum, ByteOrder::Little);
  exercise(file, ELF_TARGET_ARM64, probe);
  return 0;
}
