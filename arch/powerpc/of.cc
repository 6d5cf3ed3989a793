#include "arch/powerpc/of.h"

#include "arch/powerpc/traps.h"
#include "kernel/lib/big_endian.h"
#include "kernel/lib/string.h"

extern "C" int64_t of_call_raw(void* args, uint64_t entry);

namespace of {
namespace {

// The IEEE 1275 client-interface argument array: 32-bit cells, service name first, big-endian as
// the firmware is (the PowerPC binding runs it in big-endian 32-bit mode).
constexpr uint32_t MAX_CELLS = 10;
struct alignas(8) Args {
  be32 service;
  be32 nargs;
  be32 nret;
  be32 cells[MAX_CELLS];
};

// IEEE 1275 uses -1 for "no such package / property" in the returned cells.
constexpr uint32_t OF_FAILURE = 0xffffffff;

uint64_t g_entry = 0;
bool g_quiesced = false;

// Cells carry 32-bit real addresses; the kernel runs below 4 GiB in real mode, so this is exact.
uint32_t cell(const void* pointer) {
  const uint64_t address = reinterpret_cast<uint64_t>(pointer);
  VERIFY(address <= 0xffffffff);
  return static_cast<uint32_t>(address);
}

// Runs `service` with `nargs` inputs taken from args.cells[0..) and leaves the results after
// them. Error::Io when the firmware rejects the call.
Result<void> call(const char* service, Args& args, uint32_t nargs, uint32_t nret) {
  VERIFY(available());
  VERIFY(nargs + nret <= MAX_CELLS);
  args.service.store(cell(service));
  args.nargs.store(nargs);
  args.nret.store(nret);
  traps_lend_low_memory_to_firmware();
  const int64_t status = of_call_raw(&args, g_entry);
  traps_reclaim_low_memory();
  if (status != 0) return Error::Io;
  return {};
}

Result<Phandle> walk(const char* service, Phandle node) {
  Args args{};
  args.cells[0].store(node);
  TRY(call(service, args, 1, 1));
  const Phandle next = args.cells[1].load();
  if (next == 0 || next == OF_FAILURE) return Error::NotFound;
  return next;
}

}  // namespace

void init(uint64_t entry) { g_entry = entry; }

bool available() { return g_entry != 0 && !g_quiesced; }

Result<Phandle> find_device(const char* path) {
  Args args{};
  args.cells[0].store(cell(path));
  TRY(call("finddevice", args, 1, 1));
  const Phandle node = args.cells[1].load();
  if (node == 0 || node == OF_FAILURE) return Error::NotFound;
  return node;
}

Result<Phandle> child(Phandle node) { return walk("child", node); }
Result<Phandle> peer(Phandle node) { return walk("peer", node); }

Result<uint32_t> get_prop_len(Phandle node, const char* name) {
  Args args{};
  args.cells[0].store(node);
  args.cells[1].store(cell(name));
  TRY(call("getproplen", args, 2, 1));
  const uint32_t length = args.cells[2].load();
  if (length == OF_FAILURE) return Error::NotFound;
  return length;
}

Result<uint32_t> get_prop(Phandle node, const char* name, void* buffer, uint32_t capacity) {
  const uint32_t length = TRY(get_prop_len(node, name));
  if (length > capacity) return Error::Range;
  Args args{};
  args.cells[0].store(node);
  args.cells[1].store(cell(name));
  args.cells[2].store(cell(buffer));
  args.cells[3].store(capacity);
  TRY(call("getprop", args, 4, 1));
  if (args.cells[4].load() == OF_FAILURE) return Error::NotFound;
  return length;
}

Result<uint64_t> get_prop_number(Phandle node, const char* name) {
  be32 cells[2] = {};
  const uint32_t length = TRY(get_prop(node, name, cells, sizeof(cells)));
  if (length == 4) return cells[0].load();
  if (length == 8) return (uint64_t{cells[0].load()} << 32) | cells[1].load();
  return Error::Invalid;
}

void quiesce() {
  Args args{};
  // Nothing useful can be done if it fails: the kernel stops using the firmware either way.
  (void)call("quiesce", args, 0, 0);
  g_quiesced = true;
}

Result<Phandle> first_cpu() {
  const Phandle cpus = TRY(find_device("/cpus"));
  // IEEE 1275 names the processor nodes by device_type "cpu", not by node name.
  Phandle node = TRY(child(cpus));
  for (;;) {
    char type[8] = {};
    Result<uint32_t> length = get_prop(node, "device_type", type, sizeof(type) - 1);
    if (length.is_ok() && klib::str_equal(type, "cpu")) return node;
    node = TRY(peer(node));
  }
}

}  // namespace of
