// The initial stack and the auxiliary vector as the kernel built them (Linux fs/binfmt_elf.c
// create_elf_tables, and each arch's ARCH_DLINFO): which entries exist, in order, and every
// value that must agree between kernels. Random or address-valued entries are printed as
// properties (see oracle/normalise). The program is static and not position-independent, so
// AT_PHDR and AT_ENTRY are also addresses fixed by the binary: printed as "build.<key>" lines,
// which the big-endian powerpc kernel's comparison leaves out (it runs another build,
// oracle/normalise-big-endian).
#include <elf.h>

#include "oracle/programs/obs.h"

extern char _start[];

static const char* at_name(unsigned long type) {
  switch (type) {
    case AT_NULL:
      return "AT_NULL";
    case AT_IGNORE:
      return "AT_IGNORE";
    case AT_PHDR:
      return "AT_PHDR";
    case AT_PHENT:
      return "AT_PHENT";
    case AT_PHNUM:
      return "AT_PHNUM";
    case AT_PAGESZ:
      return "AT_PAGESZ";
    case AT_BASE:
      return "AT_BASE";
    case AT_FLAGS:
      return "AT_FLAGS";
    case AT_ENTRY:
      return "AT_ENTRY";
    case AT_UID:
      return "AT_UID";
    case AT_EUID:
      return "AT_EUID";
    case AT_GID:
      return "AT_GID";
    case AT_EGID:
      return "AT_EGID";
    case AT_PLATFORM:
      return "AT_PLATFORM";
    case AT_HWCAP:
      return "AT_HWCAP";
    case AT_CLKTCK:
      return "AT_CLKTCK";
    case AT_SECURE:
      return "AT_SECURE";
    case AT_BASE_PLATFORM:
      return "AT_BASE_PLATFORM";
    case AT_RANDOM:
      return "AT_RANDOM";
    case AT_HWCAP2:
      return "AT_HWCAP2";
    case 27:
      return "AT_RSEQ_FEATURE_SIZE";
    case 28:
      return "AT_RSEQ_ALIGN";
    case AT_EXECFN:
      return "AT_EXECFN";
    case AT_SYSINFO_EHDR:
      return "AT_SYSINFO_EHDR";
    case AT_MINSIGSTKSZ:
      return "AT_MINSIGSTKSZ";
    case 22:
      return "AT_IGNOREPPC";
    case 19:
      return "AT_DCACHEBSIZE";
    case 20:
      return "AT_ICACHEBSIZE";
    case 21:
      return "AT_UCACHEBSIZE";
    case 40:
      return "AT_L1I_CACHESIZE";
    case 41:
      return "AT_L1I_CACHEGEOMETRY";
    case 42:
      return "AT_L1D_CACHESIZE";
    case 43:
      return "AT_L1D_CACHEGEOMETRY";
    case 44:
      return "AT_L2_CACHESIZE";
    case 45:
      return "AT_L2_CACHEGEOMETRY";
    case 46:
      return "AT_L3_CACHESIZE";
    case 47:
      return "AT_L3_CACHEGEOMETRY";
    default:
      return NULL;
  }
}

static const char* yes_no(int b) { return b ? "yes" : "no"; }

// "build.<key> 0x<value>": a value the binary fixes.
static void build_value(const char* key, unsigned long value) {
  char build_key[72];
  snprintf(build_key, sizeof build_key, "build.%s", key);
  obs(build_key, "0x%lx", value);
}

int main(int argc, char** argv, char** envp) {
  obs("stack.argc", "%d", argc);
  obs("stack.argv0", "%s", argc > 0 && argv[0] != NULL ? argv[0] : "(none)");
  obs("stack.argv_terminated", "%s", yes_no(argv[argc] == NULL));
  char** e = envp;
  while (*e != NULL) e++;
  obs("stack.envc", "%ld", (long)(e - envp));
  // The auxv follows the environment's terminating NULL on the initial stack.
  const unsigned long* av = (const unsigned long*)(e + 1);
  obs("stack.auxv_aligned_8", "%s", yes_no(((uintptr_t)av & 7) == 0));

  unsigned long page = 0;
  for (const unsigned long* p = av; p[0] != AT_NULL; p += 2) {
    if (p[0] == AT_PAGESZ) page = p[1];
  }

  char order[1024];
  size_t used = 0;
  order[0] = '\0';
  int entries = 0;
  for (const unsigned long* p = av; entries < 64; p += 2, entries++) {
    const char* name = at_name(p[0]);
    char unknown[32];
    if (name == NULL) {
      snprintf(unknown, sizeof unknown, "AT_%lu", p[0]);
      name = unknown;
    }
    used += (size_t)snprintf(order + used, sizeof order - used, "%s%s", used ? " " : "", name);
    if (used >= sizeof order) used = sizeof order - 1;
    if (p[0] == AT_NULL) break;
  }

  for (const unsigned long* p = av; p[0] != AT_NULL; p += 2) {
    unsigned long v = p[1];
    const char* name = at_name(p[0]);
    char key[64];
    snprintf(key, sizeof key, "auxv.%s", name != NULL ? name : "unknown");
    switch (p[0]) {
      case AT_PHDR: {
        // A static non-PIE program: the program headers sit in its first PT_LOAD.
        const Elf64_Phdr* ph = (const Elf64_Phdr*)v;
        obs(key, "points_at_phdrs %s", yes_no(ph[0].p_type == PT_PHDR || ph[0].p_type == PT_LOAD));
        build_value(key, v);
        break;
      }
      case AT_ENTRY:
        obs(key, "is_start %s", yes_no(v == (uintptr_t)_start));
        build_value(key, v);
        break;
      case AT_RANDOM: {
        const unsigned char* r = (const unsigned char*)v;
        int nonzero = 0;
        for (int i = 0; i < 16; i++) nonzero |= r[i];
        obs(key, "above_sp %s nonzero %s", yes_no(v > (uintptr_t)&argc), yes_no(nonzero != 0));
        break;
      }
      case AT_EXECFN:
      case AT_PLATFORM:
      case AT_BASE_PLATFORM:
        obs(key, "%s", (const char*)v);
        break;
      case AT_SYSINFO_EHDR: {
        const unsigned char* ehdr = (const unsigned char*)v;
        obs(key, "elf_magic %s page_aligned %s", yes_no(memcmp(ehdr, ELFMAG, SELFMAG) == 0),
            yes_no(page != 0 && v % page == 0));
        break;
      }
      default:
        obs(key, "0x%lx", v);
    }
  }
  obs("auxv.pagesz_is_getauxval", "%s", yes_no(getauxval(AT_PAGESZ) == page));
  // The order comes last: an entry one kernel lacks then shows after every value the two share.
  obs("auxv.order", "%s", order);
  return 0;
}
