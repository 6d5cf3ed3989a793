// Restartable sequences: the auxv's AT_RSEQ_FEATURE_SIZE and AT_RSEQ_ALIGN, the area glibc's
// start-up registered and what the kernel wrote into it, every error of rseq(2) against that
// registration, its unregistration, lengths, alignments and areas that cannot be used, a
// registration clearing a stale rseq_cs, then critical sections (user/lib/rseq_section.h): one
// that commits, one that sleeps inside (the switch away restarts it), one a handled signal
// interrupts, a stale rseq_cs cleared by a signal outside its section, the deprecated no-restart
// flags inside a section (SIGSEGV SI_KERNEL, caught) and outside it. The refused descriptors,
// which kill the program, are the kernel's test rseq.refused_sections_and_areas_are_sigsegv.

#include <sys/rseq.h>
#include <time.h>

#include "oracle/programs/obs_signal.h"
#include "oracle/programs/rseq_glibc_area.h"
#include "user/lib/rseq_section.h"

// include/uapi/linux/auxvec.h (Debian 12's glibc headers do not have them).
#define AT_RSEQ_FEATURE_SIZE 27
#define AT_RSEQ_ALIGN 28

#if defined(__aarch64__)
#define KERNEL_ADDRESS 0xffff000000000000ul
#else
#define KERNEL_ADDRESS 0xc000000000000000ul
#endif

static struct rseq_area g_area;
// Room for areas at other offsets and of other lengths.
static uint8_t g_room[128] __attribute__((aligned(64)));
static volatile int g_usr1, g_segv, g_segv_code;

static long rseq_sys(const void* area, uint32_t length, int flags, uint32_t sig) {
  return syscall(SYS_rseq, area, length, flags, sig);
}

// "ok" or "error <ENAME>" for an rseq call.
static void obs_rseq(const char* key, const void* area, uint32_t length, int flags, uint32_t sig) {
  obs_status(key, rseq_sys(area, length, flags, sig) == 0 ? 0 : -1);
}

static void on_usr1(int signo, siginfo_t* info, void* uc) {
  (void)signo, (void)info, (void)uc;
  g_usr1++;
}
static void on_segv(int signo, siginfo_t* info, void* uc) {
  (void)signo, (void)uc;
  g_segv++;
  g_segv_code = info->si_code;
}

static struct rseq_area* thread_area(void) { return (struct rseq_area*)rseq_glibc_area(); }

static void obs_fields(const char* key, const struct rseq_area* a) {
  obs(key, "cpu_id_start %d cpu_id %d node_id %u mm_cid %u rseq_cs %s flags %u",
      (int)a->cpu_id_start, (int)a->cpu_id, a->node_id, a->mm_cid, a->rseq_cs ? "set" : "0",
      a->flags);
}

static struct rseq_cs_desc syscall_cs(void) {
  return rseq_section_cs(rseq_syscall_start, rseq_syscall_post_commit, rseq_syscall_abort);
}

static long in_section(const struct rseq_cs_desc* cs, long number, long a0, long a1) {
  return rseq_section_syscall(&g_area.rseq_cs, cs, number, a0, a1, 0);
}

static const char* rseq_cs_state(const struct rseq_cs_desc* cs) {
  if (g_area.rseq_cs == 0) return "cleared";
  return g_area.rseq_cs == (uintptr_t)cs ? "kept" : "other";
}

static void glibc_registration(void) {
  struct rseq_area* a = thread_area();
  obs("glibc.rseq_size", "%u", __rseq_size);
  obs("glibc.rseq_flags", "%u", __rseq_flags);
  obs("glibc.area_aligned", "%s", ((uintptr_t)a & 31) == 0 ? "yes" : "no");
  obs_fields("glibc.fields", a);
  const uint32_t size = __rseq_size;
  obs_rseq("registered.again", a, size, 0, RSEQ_SIG);
  obs_rseq("registered.other_sig", a, size, 0, RSEQ_SIG + 1);
  obs_rseq("registered.other_area", g_room, size, 0, RSEQ_SIG);
  obs_rseq("registered.other_length", a, 64, 0, RSEQ_SIG);
  obs_rseq("registered.flags_2", a, size, 2, RSEQ_SIG);
  obs_rseq("unregister.flags_3", a, size, 3, RSEQ_SIG);
  obs_rseq("unregister.other_sig", a, size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG + 1);
  obs_rseq("unregister.other_length", a, 64, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
  obs_rseq("unregister.other_area", g_room, size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
  a->cpu_id_start = a->node_id = a->mm_cid = 7;
  obs_rseq("unregister.glibc", a, size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
  obs_fields("unregister.fields", a);
  obs_rseq("unregister.again", a, size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
}

static void lengths_and_areas(void) {
  obs_rseq("length.31", g_room, 31, 0, RSEQ_SIG);
  obs_rseq("length.28", g_room, 28, 0, RSEQ_SIG);
  obs_rseq("align.16_length_32", g_room + 16, 32, 0, RSEQ_SIG);
  obs_rseq("align.16_length_48", g_room + 16, 48, 0, RSEQ_SIG);
  obs_rseq("length.100", g_room, 100, 0, RSEQ_SIG);
  obs_rseq("length.100_unregister_32", g_room, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
  obs_rseq("length.100_unregister", g_room, 100, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
  obs_rseq("area.null", NULL, 32, 0, RSEQ_SIG);
  obs_rseq("area.kernel", (void*)KERNEL_ADDRESS, 32, 0, RSEQ_SIG);
  void* page = mmap(NULL, obs_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) {
    obs("area.mmap", "error %s", errno_name(errno));
    return;
  }
  ((struct rseq_area*)page)->rseq_cs = 1;
  obs_status("area.read_only_mprotect", mprotect(page, obs_page, PROT_READ));
  obs_rseq("area.read_only_stale_rseq_cs", page, 32, 0, RSEQ_SIG);
  obs_status("area.munmap", munmap(page, obs_page));
  obs_rseq("area.unmapped", page, 32, 0, RSEQ_SIG);
}

static void own_registration(void) {
  g_area.cpu_id_start = g_area.cpu_id = g_area.node_id = g_area.mm_cid = 7;
  g_area.rseq_cs = 0x1234;
  obs_rseq("own.register", &g_area, sizeof g_area, 0, RSEQ_SIG);
  obs_fields("own.fields", &g_area);
}

// Linux may preempt even the section that only calls getpid (another task woke), and may find a
// short sleep over before it would switch away: each is tried up to TRIES times, and what is
// observed is whether it went the expected way once.
enum { TRIES = 10 };

static void sections(void) {
  struct rseq_cs_desc cs = syscall_cs();
  int committed = 0;
  for (int i = 0; i < TRIES && !committed; i++) {
    const long aborted = in_section(&cs, SYS_getpid, 0, 0);
    committed = !aborted && g_area.rseq_cs == (uintptr_t)&cs;
    g_area.rseq_cs = 0;
  }
  obs("section.getpid", "committed_with_rseq_cs_kept %s", committed ? "yes" : "no");

  const struct timespec pause = {0, 10000000};
  int restarted = 0;
  for (int i = 0; i < TRIES && !restarted; i++) {
    g_area.cpu_id = 7;
    const long aborted = in_section(&cs, SYS_nanosleep, (long)&pause, 0);
    restarted = aborted && g_area.rseq_cs == 0 && g_area.cpu_id == 0;
  }
  obs("section.nanosleep", "restarted_with_cpu_id_written %s", restarted ? "yes" : "no");

  g_usr1 = 0;
  obs("section.kill", "aborted %ld", in_section(&cs, SYS_kill, (long)getpid(), SIGUSR1));
  obs("section.kill_after", "handled %d rseq_cs %s", g_usr1, rseq_cs_state(&cs));

  g_usr1 = 0;
  g_area.rseq_cs = (uintptr_t)&cs;
  raise(SIGUSR1);
  obs("outside.kill", "handled %d rseq_cs %s", g_usr1, rseq_cs_state(&cs));
}

static void flags_inside(const char* key, struct rseq_cs_desc* cs, uint32_t area_flags) {
  g_usr1 = g_segv = g_segv_code = 0;
  g_area.flags = area_flags;
  const long aborted = in_section(cs, SYS_kill, (long)getpid(), SIGUSR1);
  g_area.flags = 0;
  obs(key, "aborted %ld usr1 %d segv %d %s rseq_cs %s", aborted, g_usr1, g_segv,
      obs_code_name(SIGSEGV, g_segv_code), rseq_cs_state(cs));
}

static void no_restart_flags(void) {
  static const uint32_t FLAGS[] = {1, 2, 4, 8};
  for (size_t i = 0; i < sizeof FLAGS / sizeof FLAGS[0]; i++) {
    char key[64];
    struct rseq_cs_desc cs = syscall_cs();
    cs.flags = FLAGS[i];
    snprintf(key, sizeof key, "flags.cs_%u", FLAGS[i]);
    flags_inside(key, &cs, 0);
    cs.flags = 0;
    snprintf(key, sizeof key, "flags.area_%u", FLAGS[i]);
    flags_inside(key, &cs, FLAGS[i]);
  }
  struct rseq_cs_desc cs = syscall_cs();
  cs.flags = 2;
  g_usr1 = g_segv = 0;
  g_area.rseq_cs = (uintptr_t)&cs;
  raise(SIGUSR1);
  obs("flags.outside", "usr1 %d segv %d rseq_cs %s", g_usr1, g_segv, rseq_cs_state(&cs));
}

int main(void) {
  obs_page = (size_t)getauxval(AT_PAGESZ);
  obs("auxv.AT_RSEQ_FEATURE_SIZE", "%lu", getauxval(AT_RSEQ_FEATURE_SIZE));
  obs("auxv.AT_RSEQ_ALIGN", "%lu", getauxval(AT_RSEQ_ALIGN));
  glibc_registration();
  lengths_and_areas();
  own_registration();
  obs_status("handler.usr1", obs_handle(SIGUSR1, on_usr1, 0, 0));
  obs_status("handler.segv", obs_handle(SIGSEGV, on_segv, 0, 0));
  sections();
  no_restart_flags();
  return 0;
}
