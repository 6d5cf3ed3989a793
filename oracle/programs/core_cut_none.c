// RLIMIT_CORE a byte below a page (binfmt->min_coredump): no core at all (core_cut.h).
#include "oracle/programs/core_cut.h"

int main(void) {
  core_cut_window();
  core_cut_die(obs_page - 1, "page-1");
}
