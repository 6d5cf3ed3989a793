// RLIMIT_CORE after holes (core_cut.h): a limit of four pages and 512 bytes takes the window's
// written pages 0, 1 and 3 (page 2, a hole, is sought over and counts for nothing) and refuses page
// 6: the two holes before it are not in the core, which ends after page 3, five pages long.
#include "oracle/programs/core_cut.h"

int main(void) {
  core_cut_window();
  core_cut_die(4 * obs_page + 512, "4*page+512");
}
