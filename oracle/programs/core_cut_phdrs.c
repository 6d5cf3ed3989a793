// RLIMIT_CORE inside the program headers (core_cut.h): with more mappings than a page of program
// headers holds, a limit of a page and 50 bytes keeps the ELF header and the program headers that
// fit whole under it; the next one is refused, and the core ends there.
#include "oracle/programs/core_cut.h"

int main(void) {
  core_cut_window();
  core_cut_add_mappings(obs_page / CORE_CUT_PHDR + 8);
  obs("core.mappings", "%zu", core_cut_mappings());
  obs("core.headers_end", "page%+ld", (long)core_cut_headers() - (long)obs_page);
  core_cut_die(obs_page + 50, "page+50");
}
