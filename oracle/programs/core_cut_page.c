// RLIMIT_CORE inside the core's first load (core_cut.h): headers and notes written (more than
// 512 bytes, less than a page), a limit of two pages and 512 bytes takes the window's first page
// and refuses its second: the core is two pages long (the notes, the hole to the page boundary,
// one page of data).
#include "oracle/programs/core_cut.h"

int main(void) {
  core_cut_window();
  core_cut_die(2 * obs_page + 512, "2*page+512");
}
