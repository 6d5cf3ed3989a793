// RLIMIT_CORE inside the first note (core_cut.h): with enough mappings that the program headers
// end within 56 bytes of a page, a limit 100 bytes past them keeps NT_PRSTATUS's header and name
// and refuses its descriptor (some hundred bytes); the padding after the name, a hole, is not in
// the core.
#include "oracle/programs/core_cut.h"

int main(void) {
  core_cut_window();
  core_cut_add_mappings((obs_page - CORE_CUT_EHDR) / CORE_CUT_PHDR - 1);
  const size_t headers = core_cut_headers();
  obs("core.mappings", "%zu", core_cut_mappings());
  obs("core.headers_end", "page%+ld", (long)headers - (long)obs_page);
  core_cut_die(headers + 100, "headers+100");
}
