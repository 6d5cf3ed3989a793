// The first user program: a greeting, then checks of the initial stack and of the auxv that
// Linux 6.12's create_elf_tables gives every static program, each entry dumped as a diagnostic.
// It runs on Maplet and, for comparison, under Linux or qemu-user: it asserts only what Linux
// guarantees, not Maplet's particular values.

#include "kernel/lib/string.h"
#include "user/lib/ktap.h"
#include "user/lib/print.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

extern "C" char _start[];

namespace {

// auxv types (include/uapi/linux/auxvec.h).
constexpr uint64_t AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_ENTRY = 9,
                   AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15,
                   AT_HWCAP = 16, AT_SECURE = 23, AT_BASE_PLATFORM = 24, AT_RANDOM = 25,
                   AT_EXECFN = 31;
constexpr uint64_t ABSENT = ~uint64_t{0};
constexpr uint32_t PT_LOAD = 1;

const StartInfo* g_start;

uint64_t aux(uint64_t type) { return getauxval(*g_start, type, ABSENT); }

const char* aux_string(uint64_t type) {
  const uint64_t v = aux(type);
  return v == ABSENT ? nullptr : reinterpret_cast<const char*>(v);
}

}  // namespace

int main(const StartInfo& start) {
  g_start = &start;
#if defined(__powerpc64__)
  ktap_plan(11);
#else
  ktap_plan(10);
#endif
  ktap_diag("hello from a user program, pid %ld", sys::getpid());

  ktap_run("stack_alignment", [&] { KTAP_EXPECT(reinterpret_cast<uint64_t>(start.sp) % 16 == 0); });
  ktap_run("argv_envp", [&] {
    KTAP_EXPECT(start.argc >= 1);
    for (int i = 0; i < start.argc; i++) KTAP_EXPECT(start.argv[i] != nullptr);
    KTAP_EXPECT(start.argv[start.argc] == nullptr);
    ktap_diag("argc %d argv[0] \"%s\"", start.argc, start.argv[0] ? start.argv[0] : "(null)");
  });
  ktap_run("auxv_dump", [&] {
    size_t n = 0;
    for (const AuxEntry* a = start.auxv; a->type != 0 && KTAP_EXPECT(n < 64); a++, n++) {
      ktap_diag("auxv %2lu 0x%lx", static_cast<unsigned long>(a->type),
                static_cast<unsigned long>(a->value));
    }
    KTAP_EXPECT(n >= 10);
  });
  ktap_run("auxv_pagesz", [&] { KTAP_EXPECT(aux(AT_PAGESZ) == 4096); });
  ktap_run("auxv_entry", [&] { KTAP_EXPECT(aux(AT_ENTRY) == reinterpret_cast<uint64_t>(_start)); });
  ktap_run("auxv_phdr", [&] {
    // The program headers AT_PHDR points at must hold a PT_LOAD that contains _start.
    const uint64_t phdr = aux(AT_PHDR);
    if (!KTAP_EXPECT(phdr != ABSENT && phdr != 0) || !KTAP_EXPECT(aux(AT_PHENT) == 56)) return;
    const uint64_t count = aux(AT_PHNUM);
    KTAP_EXPECT(count >= 1 && count < 64);
    bool found = false;
    for (uint64_t i = 0; i < count && i < 64; i++) {
      const auto* p = reinterpret_cast<const uint8_t*>(phdr + 56 * i);
      const uint32_t type = *reinterpret_cast<const uint32_t*>(p);
      const uint64_t vaddr = *reinterpret_cast<const uint64_t*>(p + 16);
      const uint64_t memsz = *reinterpret_cast<const uint64_t*>(p + 40);
      const uint64_t entry = reinterpret_cast<uint64_t>(_start);
      found = found || (type == PT_LOAD && vaddr <= entry && entry - vaddr < memsz);
    }
    KTAP_EXPECT(found);
  });
  ktap_run("auxv_random", [&] {
    const uint64_t random = aux(AT_RANDOM);
    if (!KTAP_EXPECT(random != ABSENT && random != 0)) return;
    const auto* bytes = reinterpret_cast<const uint8_t*>(random);
    uint8_t any = 0;
    for (int i = 0; i < 16; i++) any |= bytes[i];
    KTAP_EXPECT(any != 0);
  });
  ktap_run("auxv_strings", [&] {
    const char* execfn = aux_string(AT_EXECFN);
    const char* platform = aux_string(AT_PLATFORM);
    if (KTAP_EXPECT(execfn != nullptr)) KTAP_EXPECT(execfn[0] != '\0');
    if (KTAP_EXPECT(platform != nullptr)) KTAP_EXPECT(platform[0] != '\0');
    ktap_diag("AT_EXECFN \"%s\" AT_PLATFORM \"%s\"", execfn ? execfn : "",
              platform ? platform : "");
    const char* base = aux_string(AT_BASE_PLATFORM);
#if defined(__aarch64__)
    // ELF_PLATFORM "aarch64", no ELF_BASE_PLATFORM.
    if (platform != nullptr) KTAP_EXPECT(klib::str_equal(platform, "aarch64"));
    KTAP_EXPECT(base == nullptr);
#else
    // The processor's name, twice (not in a compatibility mode).
    if (platform != nullptr) {
      KTAP_EXPECT(klib::str_equal(platform, "power9") || klib::str_equal(platform, "power10"));
    }
    if (KTAP_EXPECT(base != nullptr) && platform != nullptr) {
      KTAP_EXPECT(klib::str_equal(base, platform));
    }
#endif
  });
#if defined(__powerpc64__)
  ktap_run("auxv_l1_caches", [&] {
    constexpr uint64_t AT_DCACHEBSIZE = 19, AT_L1I_CACHESIZE = 40, AT_L1I_CACHEGEOMETRY = 41,
                       AT_L1D_CACHESIZE = 42, AT_L1D_CACHEGEOMETRY = 43;
    // The device tree's L1 caches: a size, and lines of the cache block size.
    KTAP_EXPECT(aux(AT_L1I_CACHESIZE) != ABSENT && aux(AT_L1I_CACHESIZE) != 0);
    KTAP_EXPECT(aux(AT_L1D_CACHESIZE) != ABSENT && aux(AT_L1D_CACHESIZE) != 0);
    KTAP_EXPECT((aux(AT_L1D_CACHEGEOMETRY) & 0xffff) == aux(AT_DCACHEBSIZE));
    KTAP_EXPECT((aux(AT_L1I_CACHEGEOMETRY) & 0xffff) != 0);
    ktap_diag("AT_L1I_CACHESIZE %#lx geometry %#lx, AT_L1D_CACHESIZE %#lx geometry %#lx",
              static_cast<unsigned long>(aux(AT_L1I_CACHESIZE)),
              static_cast<unsigned long>(aux(AT_L1I_CACHEGEOMETRY)),
              static_cast<unsigned long>(aux(AT_L1D_CACHESIZE)),
              static_cast<unsigned long>(aux(AT_L1D_CACHEGEOMETRY)));
  });
#endif
  ktap_run("auxv_credentials", [&] {
    KTAP_EXPECT(aux(AT_HWCAP) != ABSENT);
    KTAP_EXPECT(aux(AT_UID) != ABSENT && aux(AT_EUID) == aux(AT_UID));
    KTAP_EXPECT(aux(AT_GID) != ABSENT && aux(AT_EGID) == aux(AT_GID));
    KTAP_EXPECT(aux(AT_SECURE) == 0);
  });
  ktap_run("auxv_hwcap_floating_point", [&] {
  // Both kernels keep user FP state, and say so: arm64 HWCAP_FP | HWCAP_ASIMD, powerpc
  // PPC_FEATURE_HAS_FPU | PPC_FEATURE_HAS_ALTIVEC | PPC_FEATURE_HAS_VSX.
#if defined(__aarch64__)
    constexpr uint64_t FP = 0x3;
#else
    constexpr uint64_t FP = 0x08000000 | 0x10000000 | 0x80;
#endif
    KTAP_EXPECT((aux(AT_HWCAP) & FP) == FP);
  });
  return ktap_finish();
}
