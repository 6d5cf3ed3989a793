// VmaTree beside Linux 6.12's maple tree, absl::btree_map and std::map: every workload runs on all
// four in one process, on the same ranges and the same random queries, three times in turn
// (VmaTree, maple, btree, std::map, then again), and the table shows each one's median with
// VmaTree's ratio to both anchors. Times are the thread's CPU time. Each measurement also yields a
// checksum of what the structure answered (payload sums, hole addresses, the contents after churn);
// a checksum that differs between structures stops the bench with an error, so all four provably
// did the same work.
//
// Layout: N ranges of one page, separated by one-page holes, every 64th hole three pages (the
// "rare holes" rows: every 4096th). Churn erases a random range and inserts one into a random free
// slot of N + N/16 slots; "after churn" rows come after 2N such steps.
//
//   vma-tree-anchors [--sizes=N,N,...] [results.tsv]
// prints the table (Markdown) on stdout, progress on stderr, and the table as TSV into the file if
// one is named; the sizes default to 1000,10000,100000,1000000.
#include <sched.h>
#include <stdio.h>
#include <time.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "host-tests/bench/anchors/replay.h"
#include "host-tests/bench/anchors/structures.h"

namespace anchors {

namespace {

constexpr uint64_t PAGE = 4096;
constexpr uint64_t BASE = uint64_t{1} << 32;
constexpr int REPS = 3;
constexpr int SIDES = 4;
const char* const SIDE_NAMES[SIDES] = {VmaTreeSide::NAME, MapleSide::NAME, BtreeSide::NAME,
                                       StdMapSide::NAME};

struct Layout {
  uint64_t big_every;  // every big_every-th hole is three pages, the others one
  uint64_t start(uint64_t i) const { return BASE + (2 * i + 2 * (i / big_every)) * PAGE; }
  uint64_t end(uint64_t i) const { return start(i) + PAGE; }
};

// One of each structure (or of what runs on each, for the replay), in table order.
template <class V, class M, class B, class S>
struct Four {
  std::unique_ptr<V> v;
  std::unique_ptr<M> m;
  std::unique_ptr<B> b;
  std::unique_ptr<S> s;
};
using Sides = Four<VmaTreeSide, MapleSide, BtreeSide, StdMapSide>;

template <class Sides, class F>
void each(Sides& sides, F&& f) {
  f(0, sides.v);
  f(1, sides.m);
  f(2, sides.b);
  f(3, sides.s);
}

struct Sample {
  double value;
  uint64_t checksum;
};

struct Row {
  std::string name;
  std::string unit;
  uint64_t n;
  double value[SIDES];
};

std::vector<Row> g_rows;

// The CPU time this thread ran: on a machine shared with other work the time spent waiting for
// the core is left out (what the others do to the caches meanwhile is not).
uint64_t thread_cpu_ns() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<uint64_t>(t.tv_sec) * 1000000000 + static_cast<uint64_t>(t.tv_nsec);
}

template <class G>
double elapsed_ns(G&& g) {
  auto t0 = thread_cpu_ns();
  g();
  auto t1 = thread_cpu_ns();
  return static_cast<double>(t1 - t0);
}

// Runs f(side, index of the side) on every side REPS times in turn, checks the checksums agree,
// records the medians.
template <class Sides, class F>
void measure(const char* name, const char* unit, uint64_t n, Sides& sides, F&& f) {
  double values[SIDES][REPS];
  uint64_t sums[SIDES][REPS];
  for (int rep = 0; rep < REPS; rep++) {
    each(sides, [&](int k, auto& side) {
      Sample s = f(side, k);
      values[k][rep] = s.value;
      sums[k][rep] = s.checksum;
    });
  }
  for (int rep = 0; rep < REPS; rep++) {
    for (int k = 1; k < SIDES; k++) {
      if (sums[k][rep] != sums[0][rep]) {
        fprintf(stderr, "vma-tree-anchors: %s at N=%lu: %s answered %#lx, %s %#lx\n", name, n,
                SIDE_NAMES[k], sums[k][rep], SIDE_NAMES[0], sums[0][rep]);
        exit(1);
      }
    }
  }
  Row row{name, unit, n, {}};
  for (int k = 0; k < SIDES; k++) {
    std::sort(values[k], values[k] + REPS);
    row.value[k] = values[k][REPS / 2];
  }
  fprintf(stderr, "  %-34s N=%-8lu", name, n);
  for (int k = 0; k < SIDES; k++) fprintf(stderr, " %10.1f", row.value[k]);
  fprintf(stderr, "\n");
  g_rows.push_back(row);
}

std::vector<uint64_t> random_addresses(uint64_t lo, uint64_t hi, size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> out(count);
  for (auto& a : out) a = lo + rng() % (hi - lo);
  return out;
}

// Erases a random present range and inserts one into a random free slot; the same seed gives
// every side the same sequence.
struct Churner {
  const Layout* layout;
  std::vector<uint64_t> present, absent;
  std::mt19937_64 rng;
  Churner(const Layout& l, uint64_t n, uint64_t seed) : layout(&l), rng(seed) {
    for (uint64_t i = 0; i < n; i++) present.push_back(i);
    for (uint64_t i = n; i < n + n / 16; i++) absent.push_back(i);
  }
  template <class Side>
  void step(Side& side) {
    uint64_t pi = rng() % present.size();
    uint64_t ai = rng() % absent.size();
    side.erase(layout->start(present[pi]));
    side.insert(layout->start(absent[ai]), layout->end(absent[ai]));
    std::swap(present[pi], absent[ai]);
  }
};

template <class Side>
uint64_t contents(const Side& side) {
  return side.walk(0, ~uint64_t{0});
}

void read_rows(const char* suffix, uint64_t n, const Layout& layout, Sides& sides) {
  const uint64_t hi = layout.end(n + n / 16);
  const std::vector<uint64_t> finds = random_addresses(BASE, hi, 1 << 17, 11);
  const std::vector<uint64_t> walks = random_addresses(BASE, hi, 1 << 15, 12);
  const uint64_t passes = std::max<uint64_t>(1, 2000000 / n);
  std::string name = std::string("full iteration") + suffix;
  measure(name.c_str(), "ns/range", n, sides, [&](auto& side, int) {
    uint64_t sum = 0;
    double t = elapsed_ns([&] {
      for (uint64_t p = 0; p < passes; p++) sum += contents(*side);
    });
    return Sample{t / static_cast<double>(passes * n), sum};
  });
  name = std::string("walk of 16") + suffix;
  measure(name.c_str(), "ns/walk", n, sides, [&](auto& side, int) {
    uint64_t sum = 0;
    double t = elapsed_ns([&] {
      for (uint64_t a : walks) sum += side->walk(a, 16);
    });
    return Sample{t / static_cast<double>(walks.size()), sum};
  });
  name = std::string("find_vma") + suffix;
  measure(name.c_str(), "ns/op", n, sides, [&](auto& side, int) {
    uint64_t sum = 0;
    double t = elapsed_ns([&] {
      for (uint64_t a : finds) sum += side->find(a);
    });
    return Sample{t / static_cast<double>(finds.size()), sum};
  });
}

void hole_rows(const char* suffix, uint64_t n, const Layout& layout, Sides& sides, size_t queries) {
  const std::vector<uint64_t> addrs = random_addresses(BASE, layout.end(n), queries, 13);
  std::string name = std::string("lowest 2-page hole above") + suffix;
  measure(name.c_str(), "ns/op", n, sides, [&](auto& side, int) {
    uint64_t sum = 0;
    double t = elapsed_ns([&] {
      for (uint64_t a : addrs) sum += side->hole_lowest(a, ~uint64_t{0}, 2 * PAGE);
    });
    return Sample{t / static_cast<double>(addrs.size()), sum};
  });
  name = std::string("highest 2-page hole below") + suffix;
  measure(name.c_str(), "ns/op", n, sides, [&](auto& side, int) {
    uint64_t sum = 0;
    double t = elapsed_ns([&] {
      for (uint64_t a : addrs) sum += side->hole_highest(0, a, 2 * PAGE);
    });
    return Sample{t / static_cast<double>(addrs.size()), sum};
  });
}

void bytes_row(const char* name, uint64_t n, Sides& sides) {
  measure(name, "B/range", n, sides, [&](auto& side, int) {
    return Sample{side->bytes() / static_cast<double>(n), 0};
  });
}

// Sets up n mappings on every side (untimed), then times batches of mixed calls; every batch
// continues the same script, and the checksum covers the calls' results and the layout.
template <class Replays>
void replay_rows(const char* name, uint64_t n, Replays& replays) {
  // Fewer calls for large N: the maps' hole scans grow with the part of the top that mmap has
  // filled, and they would take minutes.
  const uint64_t calls = n <= 10000 ? 1 << 14 : 1 << 12;
  ReplayScript scripts[SIDES] = {ReplayScript(21), ReplayScript(21), ReplayScript(21),
                                 ReplayScript(21)};
  uint64_t setup[SIDES];
  each(replays, [&](int k, auto& vm) {
    vm.reset(new typename std::remove_reference_t<decltype(vm)>::element_type);
    setup[k] = scripts[k].setup(*vm, n) ^ vm->layout();
  });
  for (int k = 1; k < SIDES; k++) {
    if (setup[k] != setup[0]) {
      fprintf(stderr, "vma-tree-anchors: %s set-up at N=%lu: %s and %s differ\n", name, n,
              SIDE_NAMES[k], SIDE_NAMES[0]);
      exit(1);
    }
  }
  measure(name, "ns/call", n, replays, [&](auto& vm, int k) {
    uint64_t sum = 0;
    double t = elapsed_ns([&] { sum = scripts[k].batch(*vm, calls); });
    return Sample{t / static_cast<double>(calls), sum ^ vm->layout()};
  });
  each(replays, [](int, auto& vm) { vm.reset(); });
}

void run_size(uint64_t n) {
  const Layout common{64};
  Sides sides;
  measure("build, ascending", "ns/range", n, sides, [&](auto& side, int) {
    side.reset();
    side.reset(new typename std::remove_reference_t<decltype(side)>::element_type);
    double t = elapsed_ns([&] {
      for (uint64_t i = 0; i < n; i++) side->insert(common.start(i), common.end(i));
    });
    return Sample{t / static_cast<double>(n), contents(*side)};
  });
  bytes_row("bytes per range, ascending", n, sides);
  read_rows("", n, common, sides);
  hole_rows("", n, common, sides, 1 << 14);

  Churner churners[SIDES] = {{common, n, 3}, {common, n, 3}, {common, n, 3}, {common, n, 3}};
  constexpr uint64_t STEPS = 1 << 15;
  measure("churn (erase + insert)", "ns/pair", n, sides, [&](auto& side, int k) {
    Churner& c = churners[k];
    double t = elapsed_ns([&] {
      for (uint64_t k = 0; k < STEPS; k++) c.step(*side);
    });
    return Sample{t / static_cast<double>(STEPS), contents(*side)};
  });
  const uint64_t done = REPS * STEPS;
  each(sides, [&](int k, auto& side) {
    for (uint64_t s = done; s < 2 * n; s++) churners[k].step(*side);
  });
  read_rows(", after churn", n, common, sides);
  bytes_row("bytes per range, after churn", n, sides);
  each(sides, [](int, auto& side) { side.reset(); });

  const Layout rare{4096};
  each(sides, [&](int, auto& side) {
    side.reset(new typename std::remove_reference_t<decltype(side)>::element_type);
    for (uint64_t i = 0; i < n; i++) side->insert(rare.start(i), rare.end(i));
  });
  hole_rows(", rare holes", n, rare, sides, 1 << 11);
  each(sides, [](int, auto& side) { side.reset(); });

  Four<GenericVm<VmaTreeSide>, GenericVm<MapleSide>, GenericVm<BtreeSide>, GenericVm<StdMapSide>>
      generic;
  replay_rows("mmap/munmap/mprotect replay", n, generic);
  Four<AddressSpaceVm, GenericVm<MapleSide>, GenericVm<BtreeSide>, GenericVm<StdMapSide>> real;
  replay_rows("same, VmaTree via AddressSpace", n, real);
}

void print_table(FILE* out, bool tsv) {
  if (tsv) {
    fprintf(out, "workload\tN\tunit\tmaple\tabsl_btree\tstd_map\tVmaTree\tV/maple\tV/btree\n");
  } else {
    fprintf(
        out,
        "| workload | N | unit | maple | absl btree | std::map | VmaTree | V/maple | V/btree |\n");
    fprintf(out, "|---|---|---|---|---|---|---|---|---|\n");
  }
  for (const Row& r : g_rows) {
    const double v = r.value[0];
    const double m = r.value[1];
    const double b = r.value[2];
    const double s = r.value[3];
    const char* f = tsv ? "%s\t%lu\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t%.2f\t%.2f\n"
                        : "| %s | %lu | %s | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f |\n";
    fprintf(out, f, r.name.c_str(), r.n, r.unit.c_str(), m, b, s, v, v / m, v / b);
  }
}

void print_load(const char* when) {
  FILE* f = fopen("/proc/loadavg", "r");
  char buf[128] = "?";
  if (f) {
    if (!fgets(buf, sizeof buf, f)) buf[0] = 0;
    fclose(f);
  }
  fprintf(stderr, "vma-tree-anchors: load average %s: %s", when, buf);
}

}  // namespace
}  // namespace anchors

int main(int argc, char** argv) {
  using namespace anchors;
  // One core for the whole run, so that caches stay warm across the four structures alike.
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  CPU_SET(sched_getcpu(), &cpus);
  sched_setaffinity(0, sizeof cpus, &cpus);
  maple_anchor_init();
  print_load("at start");
  fprintf(stderr, "  %-34s %-10s %10s %10s %10s %10s\n", "workload", "", SIDE_NAMES[0],
          SIDE_NAMES[1], SIDE_NAMES[2], SIDE_NAMES[3]);
  std::vector<uint64_t> sizes = {1000, 10000, 100000, 1000000};
  const char* tsv = nullptr;
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    if (arg.rfind("--sizes=", 0) == 0) {
      sizes.clear();
      for (const char* p = argv[i] + 8; *p;) {
        char* end;
        uint64_t n = strtoull(p, &end, 10);
        if (end == p || n < 16 || n > 4000000 || (*end && *end != ',')) die("bad --sizes");
        sizes.push_back(n);
        p = *end ? end + 1 : end;
      }
    } else if (arg[0] == '-' || tsv) {
      die("usage: vma-tree-anchors [--sizes=N,N,...] [results.tsv]");
    } else {
      tsv = argv[i];
    }
  }
  for (uint64_t n : sizes) run_size(n);
  print_load("at end");
  print_table(stdout, false);
  if (tsv) {
    FILE* out = fopen(tsv, "w");
    if (!out) die("cannot write the results file");
    print_table(out, true);
    fclose(out);
  }
  return 0;
}
