// kernel/arch/vdso.h for every kernel: the image and trampoline offset vdso_image.S embeds.
#include "kernel/arch/vdso.h"

extern "C" const uint8_t vdso_image_start[], vdso_image_end[];
extern "C" const uint64_t vdso_sigtramp_offset;

ArchVdsoImage arch_vdso_image() {
  return {vdso_image_start, static_cast<size_t>(vdso_image_end - vdso_image_start),
          vdso_sigtramp_offset};
}
