// mincore (Linux mm/mincore.c): which pages of anonymous mappings are resident after reads,
// writes and MADV_DONTNEED, and the errors: an unaligned start, unmapped pages (ENOMEM), a vector
// that cannot be written (EFAULT), a range past the end of user space.
#include "oracle/programs/obs.h"

static const int RW = PROT_READ | PROT_WRITE;
static const int FIXED = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;

// Prints "ok <bit per page>" (the low bit of each byte) or the error.
static void residency(const char* key, uintptr_t addr, size_t len) {
  unsigned char vec[32];
  memset(vec, 0xee, sizeof vec);
  size_t pages = (len + obs_page - 1) / obs_page;
  if (mincore((void*)addr, len, vec) != 0) {
    obs(key, "error %s", errno_name(errno));
    return;
  }
  char text[40];
  size_t i = 0;
  for (; i < pages && i < sizeof text - 1; i++) text[i] = (char)('0' + (vec[i] & 1));
  text[i] = '\0';
  // The byte after the last page must be left alone.
  obs(key, "ok %s next_byte %s", text, vec[pages] == 0xee ? "untouched" : "written");
}

static void bad_vec(const char* key, uintptr_t addr, size_t len, uintptr_t vec) {
  obs_status(key, mincore((void*)addr, len, (unsigned char*)vec));
}

int main(void) {
  obs_choose_base();
  char* a = obs_mmap("mmap.rw", at_page(0), 6 * obs_page, RW, FIXED);
  char* none = obs_mmap("mmap.none", at_page(8), 2 * obs_page, PROT_NONE, FIXED);
  char* ro = obs_mmap("mmap.readonly", at_page(12), obs_page, PROT_READ, FIXED);
  if (a == NULL || none == NULL || ro == NULL) return 1;

  residency("mincore.untouched", at_page(0), 6 * obs_page);
  a[0] = 1;
  a[2 * obs_page] = 1;
  residency("mincore.written_0_2", at_page(0), 6 * obs_page);
  (void)*(volatile char*)(a + 4 * obs_page);
  residency("mincore.read_4", at_page(0), 6 * obs_page);
  obs_status("madvise.dontneed_2", madvise(a + 2 * obs_page, obs_page, MADV_DONTNEED));
  residency("mincore.after_dontneed", at_page(0), 6 * obs_page);
  residency("mincore.unaligned_length", at_page(0), 2 * obs_page - 5);
  residency("mincore.none", at_page(8), 2 * obs_page);
  residency("mincore.readonly", at_page(12), obs_page);
  residency("mincore.zero_length", at_page(0), 0);
  residency("mincore.zero_length_unmapped", at_page(40), 0);

  residency("mincore.unaligned_start", at_page(0) + 1, obs_page);
  residency("mincore.unmapped", at_page(40), obs_page);
  residency("mincore.gap", at_page(4), 6 * obs_page);
  residency("mincore.past_user_space", at_page(0), (size_t)1 << 62);
  residency("mincore.wraps", at_page(0), (size_t)0 - at_page(0) + obs_page);

  bad_vec("mincore.vec_null", at_page(0), obs_page, 0);
  bad_vec("mincore.vec_unmapped", at_page(0), obs_page, at_page(40));
  bad_vec("mincore.vec_readonly", at_page(0), obs_page, at_page(12));
  bad_vec("mincore.vec_none", at_page(0), obs_page, at_page(8));
  bad_vec("mincore.vec_kernel", at_page(0), obs_page, (uintptr_t)0 - obs_page);
  bad_vec("mincore.vec_null_unmapped", at_page(40), obs_page, 0);
  bad_vec("mincore.vec_null_zero_length", at_page(0), 0, 0);
  // A two-byte vector whose second byte is on the unmapped page after the mapping.
  bad_vec("mincore.vec_straddles", at_page(0), 2 * obs_page, at_page(6) - 1);
  obs("read.vec_first_byte", "%d", a[6 * obs_page - 1]);
  return 0;
}
