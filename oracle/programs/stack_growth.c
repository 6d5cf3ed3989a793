// Stack growth (Linux mm/mmap.c expand_downwards, acct_stack_growth): a touch below the [stack]
// VMA grows it down to the touched page; an accessible mapping within stack_guard_gap below stops
// the growth (SIGSEGV, SEGV_MAPERR) where a PROT_NONE one does not; a hint inside the gap is not
// used; RLIMIT_STACK bounds the whole VMA. Addresses are relative to the [stack] VMA's end
// ("top"), which is random, and the sizes to its start at exec ("start").
#include "oracle/programs/obs_signal.h"

static uintptr_t top, start0;
static const size_t GAP_PAGES = 256;  // stack_guard_gap's default

static void stack_maps(const char* key) {
  uintptr_t s, e;
  char a[48], b[48];
  if (!obs_find_mapping("[stack]", &s, &e)) {
    obs(key, "none");
    return;
  }
  obs(key, "%s-%s", obs_rel_to(s, start0, "start", a, sizeof a),
      obs_rel_to(e, top, "top", b, sizeof b));
}

static uintptr_t stack_start(void) {
  uintptr_t s = 0, e = 0;
  obs_find_mapping("[stack]", &s, &e);
  return s;
}

static void touch(const char* key, uintptr_t addr) { obs_touch(key, addr, 1, 3, start0, "start"); }

int main(void) {
  obs_page = (size_t)getauxval(AT_PAGESZ);
  if (!obs_find_mapping("[stack]", &start0, &top)) {
    obs("maps.stack", "none");
    return 1;
  }
  obs_status("sigaction.segv", obs_handle(SIGSEGV, obs_on_fault, 0, 0));
  obs_status("sigaction.bus", obs_handle(SIGBUS, obs_on_fault, 0, 0));
  char here;
  obs("stack.sp_inside", "%s", (uintptr_t)&here >= start0 && (uintptr_t)&here < top ? "yes" : "no");

  // Growth without a fault first (a kernel that cannot run handlers still shows these), the
  // refused growth after it.
  touch("touch.one_page_below", start0 - 1);
  stack_maps("maps.one_page_below");
  touch("touch.hundred_pages_below", start0 - 100 * obs_page + 8);
  stack_maps("maps.hundred_pages_below");

  // A PROT_NONE mapping 300 pages below the stack is no obstacle to growth within the gap.
  uintptr_t s = stack_start();
  uintptr_t guard = s - 300 * obs_page;
  void* g = mmap((void*)guard, obs_page, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  obs("mmap.guard_none", "%s", g == MAP_FAILED ? errno_name(errno) : "ok");
  touch("touch.inside_gap_none", guard + obs_page + 100 * obs_page);
  stack_maps("maps.inside_gap_none");
  touch("touch.next_to_none", guard + obs_page);
  stack_maps("maps.next_to_none");
  obs_status("munmap.guard_none", munmap((void*)guard, obs_page));

  // A hint within the gap below the stack is not taken; MAP_FIXED is.
  s = stack_start();
  obs_mmap_chosen("mmap.hint_in_gap", s - 10 * obs_page, obs_page, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS);
  void* f = mmap((void*)(s - 10 * obs_page), obs_page, PROT_READ,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  obs("mmap.fixed_in_gap", "%s", f == MAP_FAILED ? errno_name(errno) : "ok");
  stack_maps("maps.fixed_in_gap");
  obs_status("munmap.fixed_in_gap", munmap((void*)(s - 10 * obs_page), obs_page));

  // RLIMIT_STACK (8 MiB) bounds the VMA from its end.
  const uintptr_t limit = 8ul << 20;
  touch("touch.at_rlimit", top - limit);
  stack_maps("maps.at_rlimit");
  obs_touch("touch.read_grown", top - limit + 16, 0, 0, start0, "start");

  // Refused growth: past the limit, and within the gap above an accessible mapping.
  touch("touch.past_rlimit", top - limit - 1);
  stack_maps("maps.past_rlimit");
  // Cut the stack back to its top MiB (the rest stays VM_GROWSDOWN) to make room below it.
  s = stack_start();
  obs_status("munmap.lower_stack", munmap((void*)s, top - s - (1ul << 20)));
  stack_maps("maps.stack_cut");
  s = stack_start();
  guard = s - 300 * obs_page;
  g = mmap((void*)guard, obs_page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
           0);
  obs("mmap.guard_readable", "%s", g == MAP_FAILED ? errno_name(errno) : "ok");
  touch("touch.outside_gap", s - 40 * obs_page);
  stack_maps("maps.outside_gap");
  touch("touch.inside_gap", guard + obs_page + 100 * obs_page);
  touch("touch.just_inside_gap", guard + obs_page + (GAP_PAGES - 1) * obs_page);
  touch("touch.gap_edge", guard + obs_page + GAP_PAGES * obs_page);
  stack_maps("maps.gap_edge");
  touch("touch.into_guard", guard);
  return 0;
}
