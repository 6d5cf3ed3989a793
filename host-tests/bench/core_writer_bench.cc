// Writing a 64 MiB core against memcpy of the same 64 MiB, in the same run: the writer's cost
// over the copy it cannot avoid (every dumped byte goes through the sink once). The core is one
// fully dumped 64 MiB VMA whose pages come from one host buffer, written into a preallocated
// buffer, plus a second run where every other page is a hole (zeros from the writer's zero page).
// Compare the bytes_per_second of the rows; the writer should stay above half of memcpy's.
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "host-tests/minimal_core.h"
#include "kernel/coredump/core_writer.h"

namespace {

constexpr uint64_t CORE_BYTES = 64 * 1024 * 1024;

struct Buffer {
  std::vector<char> bytes = std::vector<char>(CORE_BYTES + 2 * PAGE_SIZE);
  size_t used = 0;
};

void BM_Memcpy64MiB(benchmark::State& state) {
  std::vector<char> from(CORE_BYTES, 1), to(CORE_BYTES);
  for (auto _ : state) {
    std::memcpy(to.data(), from.data(), CORE_BYTES);
    benchmark::DoNotOptimize(to.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * CORE_BYTES);
}
BENCHMARK(BM_Memcpy64MiB)->Unit(benchmark::kMillisecond);

void write_core_bench(benchmark::State& state, bool holes) {
  static std::vector<uint8_t> memory(CORE_BYTES, 0x5a);
  CoreVma vma;
  vma.start = 0x40000000;
  vma.end = vma.start + CORE_BYTES;
  vma.flags = VM_READ | VM_WRITE;
  vma.dump_size = CORE_BYTES;
  struct Memory {
    const CoreVma* vma;
    bool holes;
  } ctx{&vma, holes};
  const MinimalCore minimal;
  CoreRequest r;
  r.thread = &minimal.thread;
  r.process = &minimal.process;
  r.segments = {&vma, 1};
  r.memory.page = [](void* c, const CoreVma& m, uint64_t va) -> const uint8_t* {
    const auto* mem = static_cast<Memory*>(c);
    const uint64_t off = va - m.start;
    if (mem->holes && (off / PAGE_SIZE) % 2 == 1) return nullptr;
    return memory.data() + off;
  };
  r.memory.context = &ctx;
  Buffer out;
  Sink sink(
      [](void* c, const char* d, size_t n) {
        auto* b = static_cast<Buffer*>(c);
        std::memcpy(b->bytes.data() + b->used, d, n);
        b->used += n;
      },
      &out);
  uint64_t size = 0;
  for (auto _ : state) {
    out.used = 0;
    size = write_core(r, sink).value();
    benchmark::DoNotOptimize(out.bytes.data());
    benchmark::ClobberMemory();
  }
  if (size != out.used || size < CORE_BYTES) state.SkipWithError("short core");
  state.SetBytesProcessed(state.iterations() * size);
}

void BM_WriteCore64MiB(benchmark::State& state) { write_core_bench(state, false); }
void BM_WriteCore64MiBHalfHoles(benchmark::State& state) { write_core_bench(state, true); }
BENCHMARK(BM_WriteCore64MiB)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WriteCore64MiBHalfHoles)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
