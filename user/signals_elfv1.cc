// Signal handlers of an ELFv1 program, as Linux 6.12's signal_64.c enters them: on powerpc the
// build marks this program's ELF header ELFv1 (e_flags 1) and enters it through the function
// descriptor start_descriptor (user/user.mk), so the kernel must treat its sa_handler as a
// function descriptor {entry, TOC}: it enters the entry with r2 the descriptor's TOC. The
// handler (user/arch/powerpc/signal.S) hands r2 back as the interrupted tgkill's result, returning
// through the vDSO's trampoline (the stack is not executable, so a return through the stack's
// would fault). The frame's sigcontext keeps sa_handler, the descriptor's address, as
// setup_sigcontext stores it. arm64 and little-endian powerpc64 (ELFv2 only) have no function
// descriptors: the case skips there.

#include "user/lib/ktap.h"
#include "user/lib/signal.h"
#include "user/lib/start.h"
#include "user/lib/syscall.h"

#if defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FUNCTION_DESCRIPTORS 1
extern "C" void _start();
extern "C" void descriptor_handler(int, sig::Info*, void*);
extern "C" void descriptor_handler_sigcontext(int, sig::Info*, void*);

// The program's entry (e_entry): {entry, TOC, environment}, as an ELFv1 executable has it.
extern "C" const uint64_t start_descriptor[3] = {reinterpret_cast<uint64_t>(&_start), 0, 0};

namespace {

constexpr uint64_t TOC_MARK = 0x7e57000012345678;
const uint64_t g_handler_descriptor[3] = {reinterpret_cast<uint64_t>(&descriptor_handler), TOC_MARK,
                                          0};
const uint64_t g_sigcontext_descriptor[3] = {
    reinterpret_cast<uint64_t>(&descriptor_handler_sigcontext), TOC_MARK, 0};

}  // namespace
#endif

int main(const StartInfo&) {
  ktap_plan(2);
  ktap_run("handler_through_its_function_descriptor", [] {
#if defined(FUNCTION_DESCRIPTORS)
    using namespace sig;
    const Action act{reinterpret_cast<uint64_t>(g_handler_descriptor), SA_SIGINFO, 0, 0};
    KTAP_EXPECT(rt_sigaction(SIGUSR1, &act, nullptr) == 0);
    KTAP_EXPECT(raise(SIGUSR1) == static_cast<long>(TOC_MARK));
#else
    ktap_skip("no function descriptors in this ABI");
#endif
  });
  ktap_run("sigcontext_handler_is_the_descriptor", [] {
#if defined(FUNCTION_DESCRIPTORS)
    using namespace sig;
    const Action act{reinterpret_cast<uint64_t>(g_sigcontext_descriptor), SA_SIGINFO, 0, 0};
    KTAP_EXPECT(rt_sigaction(SIGUSR1, &act, nullptr) == 0);
    KTAP_EXPECT(raise(SIGUSR1) ==
                static_cast<long>(reinterpret_cast<uint64_t>(g_sigcontext_descriptor)));
#else
    ktap_skip("no function descriptors in this ABI");
#endif
  });
  return ktap_finish();
}
