// libFuzzer target for the newc cpio reader (kernel/lib/cpio.cc). Each input is tried as an
// archive as it is, and as the data of one valid entry followed by the input as further entries,
// so the fuzzer also reaches the second header. Whatever parse() accepts is iterated and
// searched, and every entry must lie inside the input with its name NUL-terminated. ASan and
// UBSan turn a read past the exact-size copy or an overflow into a crash.

#include <stddef.h>
#include <stdint.h>

#include <vector>

#include "host-tests/cpio_builder.h"
#include "kernel/lib/cpio.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void exercise(const std::vector<uint8_t>& copy) {
  Result<CpioArchive> parsed =
      CpioArchive::parse(copy.empty() ? nullptr : copy.data(), copy.size());
  if (parsed.is_error()) return;
  const CpioArchive& archive = parsed.value();
  check(archive.used_size() <= copy.size());
  size_t count = 0;
  const uint8_t* end = copy.data() + copy.size();
  for (const CpioEntry& e : archive) {
    check(e.data >= copy.data() && e.data <= end && e.size <= static_cast<size_t>(end - e.data));
    check(e.name.data()[e.name.size()] == '\0');
    check(e.offset % 4 == 0);
    Result<CpioEntry> found = archive.find(e.name);
    check(found.is_ok() && found.value().offset <= e.offset);
    count++;
  }
  check(count == archive.count());
  (void)archive.find("/init");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  exercise(std::vector<uint8_t>(data, data + size));
  std::vector<uint8_t> prefixed;
  cpio_append(prefixed, {"init", "abc", CPIO_S_IFREG | 0755, 1, true});
  prefixed.insert(prefixed.end(), data, data + size);
  exercise(prefixed);
  return 0;
}
