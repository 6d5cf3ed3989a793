// RTAS calls through QEMU's KVMPPC_H_RTAS hcall, with tokens from the device tree.

#include "arch/powerpc/rtas.h"

#include "arch/powerpc/hcall.h"
#include "arch/powerpc/of.h"
#include "arch/powerpc/regs.h"
#include "kernel/lib/big_endian.h"
#include "kernel/lib/console.h"

namespace {

// The RTAS argument buffer (LoPAPR, "RTAS Call Interface"): big-endian 32-bit cells {token, nargs,
// nret, args..., rets...}. One static buffer: the kernel runs on one CPU and calls RTAS only to
// stop.
constexpr uint32_t MAX_CELLS = 16;
alignas(16) be32 g_buffer[MAX_CELLS];

// QEMU's fixed token numbers (hw/ppc/spapr.h, RTAS_TOKEN_BASE 0x2000 + the service's index):
// used only until, or when, the device tree does not give them, so that a broken /rtas node or a
// trap before boot has read it still ends the run instead of hanging.
// (ibm,os-term's is regs.h's QEMU_OS_TERM_TOKEN, which assembly uses too.)
constexpr uint32_t QEMU_POWER_OFF_TOKEN = 0x2003;
uint32_t g_power_off = QEMU_POWER_OFF_TOKEN;

}  // namespace

// vectors.S reads it when a trap inside the trap handler leaves nothing else to trust.
extern "C" uint32_t powerpc_rtas_os_term_token;
uint32_t powerpc_rtas_os_term_token = QEMU_OS_TERM_TOKEN;

namespace rtas {
namespace {

constexpr int32_t RTAS_SUCCESS = 0;

Result<uint32_t> read_token(of::Phandle node, const char* name) {
  Result<uint64_t> token = of::get_prop_number(node, name);
  if (token.is_error()) {
    klog("powerpc: /rtas property \"%s\": %s", name, error_name(token.error()));
    return token.error();
  }
  return static_cast<uint32_t>(token.value());
}

// Returns the RTAS status word, or the hcall's failure when the call did not run.
int64_t call(uint32_t token, uint32_t nargs, const uint32_t* args) {
  constexpr uint32_t NRET = 1;
  g_buffer[0].store(token);
  g_buffer[1].store(nargs);
  g_buffer[2].store(NRET);
  for (uint32_t i = 0; i < nargs; ++i) g_buffer[3 + i].store(args[i]);
  g_buffer[3 + nargs].store(0xffffffff);
  const int64_t status = hcall::call(KVMPPC_H_RTAS, reinterpret_cast<uint64_t>(g_buffer));
  if (status != hcall::H_SUCCESS) return status;
  return static_cast<int32_t>(g_buffer[3 + nargs].load());
}

}  // namespace

Result<void> init_from_firmware() {
  Result<of::Phandle> node = of::find_device("/rtas");
  if (node.is_error()) {
    klog("powerpc: no /rtas node: %s", error_name(node.error()));
    return node.error();
  }
  Result<uint32_t> power_off = read_token(node.value(), "power-off");
  Result<uint32_t> os_term = read_token(node.value(), "ibm,os-term");
  if (power_off.is_ok()) g_power_off = power_off.value();
  if (os_term.is_ok()) powerpc_rtas_os_term_token = os_term.value();
  if (power_off.is_error()) return power_off.error();
  if (os_term.is_error()) return os_term.error();
  return {};
}

void power_off() {
  // Power-on time "none" (-1, -1): the machine stays off.
  const uint32_t args[2] = {0xffffffff, 0xffffffff};
  const int64_t status = call(g_power_off, 2, args);
  if (status != RTAS_SUCCESS)
    klog("powerpc: RTAS power-off failed: %lld", static_cast<long long>(status));
}

void os_term(const char* message) {
  const uint32_t args[1] = {static_cast<uint32_t>(reinterpret_cast<uint64_t>(message))};
  const int64_t status = call(powerpc_rtas_os_term_token, 1, args);
  if (status != RTAS_SUCCESS)
    klog("powerpc: RTAS ibm,os-term failed: %lld", static_cast<long long>(status));
}

}  // namespace rtas
