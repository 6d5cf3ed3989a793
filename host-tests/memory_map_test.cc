// The memory map's range arithmetic: RAM sorted, merged and page aligned inward; reserved ranges
// widened outward and cut out; exact subtraction for Open Firmware's "available"; and every kind
// of malformed input (overlaps, duplicates, empty, unaligned, wrapping, too many ranges), with a
// random comparison against a page-by-page model.

#include "kernel/mm/memory_map.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <vector>

#include "kernel/mm/page_allocator.h"

bool operator==(const PhysicalRange& a, const PhysicalRange& b) {
  return a.base == b.base && a.size == b.size;
}

void PrintTo(const PhysicalRange& range, std::ostream* out) {
  *out << std::hex << "{0x" << range.base << ", 0x" << range.size << "}";
}

namespace {

constexpr uint64_t P = PAGE_SIZE;
constexpr uint64_t TOP = ~uint64_t{0};

std::vector<PhysicalRange> ranges_of(const MemoryMap& map) {
  return std::vector<PhysicalRange>(map.ranges, map.ranges + map.count);
}

// The error of a result that must have failed; empty when it did not.
std::optional<Error> error_of(const Result<void>& result) {
  if (result.is_ok()) return std::nullopt;
  return result.error();
}

std::vector<ReservedRange> reserved_of(std::initializer_list<PhysicalRange> ranges) {
  std::vector<ReservedRange> out;
  for (const PhysicalRange& r : ranges) out.push_back(ReservedRange{r, "test"});
  return out;
}

TEST(MemoryMap, SortsAndMergesOverlappingAndAdjacentRam) {
  const PhysicalRange ram[] = {{0x30000000, 0x10000000},
                               {0, 0x20000000},
                               {0x20000000, 0x10000000},
                               {0x1000, 0x2000},
                               {0x2f000000, 0x2000000}};
  MemoryMap map{};
  ASSERT_TRUE(ram_map(ram, 5, &map).is_ok());
  EXPECT_EQ(ranges_of(map), (std::vector<PhysicalRange>{{0, 0x40000000}}));
}

TEST(MemoryMap, KeepsHolesBetweenRam) {
  const PhysicalRange ram[] = {{0x80000000, 0x1000000}, {0x40000000, 0x1000000}};
  MemoryMap map{};
  ASSERT_TRUE(ram_map(ram, 2, &map).is_ok());
  EXPECT_EQ(ranges_of(map),
            (std::vector<PhysicalRange>{{0x40000000, 0x1000000}, {0x80000000, 0x1000000}}));
  EXPECT_EQ(map_bytes(map), 0x2000000u);
}

TEST(MemoryMap, AlignsRamInwardAfterMerging) {
  // [0x10100, 0x12800) and [0x12800, 0x13f00) meet mid-page: merged first, so page 0x12000 is
  // kept (rounded one by one, they would keep only page 0x11000).
  const PhysicalRange ram[] = {{0x10100, 0x2700}, {0x12800, 0x1700}};
  MemoryMap map{};
  ASSERT_TRUE(ram_map(ram, 2, &map).is_ok());
  EXPECT_EQ(ranges_of(map), (std::vector<PhysicalRange>{{0x11000, 0x2000}}));
}

TEST(MemoryMap, DropsEmptyAndSubPageRam) {
  const PhysicalRange ram[] = {{0x5000, 0}, {0x10001, P}, {0x20000, P - 1}, {0x40000, P}};
  MemoryMap map{};
  ASSERT_TRUE(ram_map(ram, 4, &map).is_ok());
  EXPECT_EQ(ranges_of(map), (std::vector<PhysicalRange>{{0x40000, P}}));
  ASSERT_TRUE(ram_map(ram, 0, &map).is_ok());
  EXPECT_EQ(map.count, 0u);
}

TEST(MemoryMap, RejectsWrappingRam) {
  const PhysicalRange ram[] = {{0x40000000, 0x1000}, {TOP - P + 1, 2 * P}};
  MemoryMap map{};
  EXPECT_EQ(error_of(ram_map(ram, 2, &map)), Error::Range);
  // Ending exactly at 2^64 cannot be written as an end either.
  const PhysicalRange to_top[] = {{TOP - P + 1, P}};
  EXPECT_EQ(error_of(ram_map(to_top, 1, &map)), Error::Range);
  // Just below the top is fine, shrunk to its one whole page.
  const PhysicalRange below_top[] = {{TOP - 3 * P + 2, 2 * P}};
  ASSERT_TRUE(ram_map(below_top, 1, &map).is_ok());
  EXPECT_EQ(ranges_of(map), (std::vector<PhysicalRange>{{TOP - 2 * P + 1, P}}));
}

TEST(MemoryMap, RejectsMoreRangesThanItHolds) {
  std::vector<PhysicalRange> ram(MEMORY_MAP_CAPACITY + 1, PhysicalRange{0, P});
  MemoryMap map{};
  EXPECT_EQ(error_of(ram_map(ram.data(), ram.size(), &map)), Error::NoSpace);
  EXPECT_TRUE(ram_map(ram.data(), MEMORY_MAP_CAPACITY, &map).is_ok());
}

TEST(MemoryMap, CutsReservedRangesWidenedToPages) {
  const PhysicalRange ram[] = {{0, 0x100000}};
  const auto reserved =
      reserved_of({{0, 0xda0}, {0x8000, 0x8000}, {0x40001, 1}, {0xff000, 0x1000}});
  MemoryMap map{};
  ASSERT_TRUE(usable_map(ram, 1, reserved.data(), reserved.size(), &map).is_ok());
  EXPECT_EQ(ranges_of(map),
            (std::vector<PhysicalRange>{{0x1000, 0x7000}, {0x10000, 0x30000}, {0x41000, 0xbe000}}));
}

TEST(MemoryMap, ReservedOverlapsDuplicatesAndOutsideRam) {
  const PhysicalRange ram[] = {{0x40000000, 0x100000}, {0x50000000, 0x100000}};
  const auto reserved = reserved_of({{0x40010000, 0x20000},
                                     {0x40010000, 0x20000},
                                     {0x40020000, 0x20000},
                                     {0x3ff00000, 0x110000},
                                     {0x60000000, 0x1000},
                                     {0x4ff00000, 0x100000 + 0x1000},
                                     {0x40050000, 0}});
  MemoryMap map{};
  ASSERT_TRUE(usable_map(ram, 2, reserved.data(), reserved.size(), &map).is_ok());
  EXPECT_EQ(ranges_of(map),
            (std::vector<PhysicalRange>{{0x40040000, 0xc0000}, {0x50001000, 0xff000}}));
}

TEST(MemoryMap, ReservedRangeThatWrapsReachesTheTop) {
  const PhysicalRange ram[] = {{0x40000000, 0x100000}};
  const auto reserved = reserved_of({{0x40080000, TOP}});
  MemoryMap map{};
  ASSERT_TRUE(usable_map(ram, 1, reserved.data(), reserved.size(), &map).is_ok());
  EXPECT_EQ(ranges_of(map), (std::vector<PhysicalRange>{{0x40000000, 0x80000}}));
}

TEST(MemoryMap, ReservingEverythingLeavesNothing) {
  const PhysicalRange ram[] = {{0x40000000, 0x100000}};
  const auto reserved = reserved_of({{0, TOP}});
  MemoryMap map{};
  ASSERT_TRUE(usable_map(ram, 1, reserved.data(), reserved.size(), &map).is_ok());
  EXPECT_EQ(map.count, 0u);
}

TEST(MemoryMap, TooManyPiecesIsNoSpace) {
  const PhysicalRange ram[] = {{0, 0x10000000}};
  std::vector<ReservedRange> reserved;
  for (uint64_t i = 0; i < MEMORY_MAP_CAPACITY; i++) {
    reserved.push_back(ReservedRange{{(2 * i + 1) * P, P}, "hole"});
  }
  MemoryMap map{};
  EXPECT_EQ(error_of(usable_map(ram, 1, reserved.data(), reserved.size(), &map)), Error::NoSpace);
  reserved.pop_back();
  ASSERT_TRUE(usable_map(ram, 1, reserved.data(), reserved.size(), &map).is_ok());
  EXPECT_EQ(map.count, MEMORY_MAP_CAPACITY);
}

TEST(MemoryMap, SubtractIsExactToTheByte) {
  // VOF's /memory@0: reg 0..512 MiB, available everything but its own claims.
  const PhysicalRange reg[] = {{0, 0x20000000}};
  const PhysicalRange available[] = {
      {0xda0, 0x8000 - 0xda0}, {0x10000, 0x3f0000}, {0x4b72c9, 0x20000000 - 0x4b72c9}};
  MemoryMap map{};
  ASSERT_TRUE(subtract_ranges(reg, 1, available, 3, &map).is_ok());
  EXPECT_EQ(ranges_of(map),
            (std::vector<PhysicalRange>{{0, 0xda0}, {0x8000, 0x8000}, {0x400000, 0xb72c9}}));
  const PhysicalRange wrapping[] = {{1, TOP}};
  EXPECT_EQ(error_of(subtract_ranges(reg, 1, wrapping, 1, &map)), Error::Range);
}

TEST(MemoryMap, Contains) {
  MemoryMap map{};
  map.ranges[0] = {0x1000, 0x2000};
  map.ranges[1] = {0x5000, 0x1000};
  map.count = 2;
  EXPECT_TRUE(map_contains(map, 0x1000, 0x2000));
  EXPECT_TRUE(map_contains(map, 0x2fff, 1));
  EXPECT_FALSE(map_contains(map, 0x2fff, 2));
  EXPECT_FALSE(map_contains(map, 0x2000, 0x3001));  // across the hole
  EXPECT_FALSE(map_contains(map, 0x1000, 0));
  EXPECT_FALSE(map_contains(map, TOP, 2));
}

// Random RAM and reserved ranges over a small address window, against a set of usable pages.
TEST(MemoryMap, RandomAgainstPageModel) {
  std::mt19937_64 random(12345);
  constexpr uint64_t WINDOW = 256 * P;
  for (int round = 0; round < 2000; round++) {
    std::vector<PhysicalRange> ram;
    std::vector<ReservedRange> reserved;
    const int ram_count = random() % 6;
    const int reserved_count = random() % 8;
    for (int i = 0; i < ram_count; i++) {
      // Multiples of 64 bytes, so that the model's 64-byte steps see every RAM boundary.
      ram.push_back({random() % (WINDOW / 64) * 64, random() % (WINDOW / 4 / 64) * 64});
    }
    for (int i = 0; i < reserved_count; i++) {
      reserved.push_back({{random() % WINDOW, random() % (WINDOW / 8)}, "r"});
    }
    // The model: a page is usable when RAM covers every byte of it and no reservation touches it.
    std::set<uint64_t> expected;
    for (uint64_t page = 0; page < 2 * WINDOW; page += P) {
      bool covered = true;
      for (uint64_t byte = page; byte < page + P && covered; byte += 64) {
        bool in = false;
        for (const PhysicalRange& r : ram) in |= byte >= r.base && byte + 64 <= r.base + r.size;
        covered = in;
      }
      bool touched = false;
      for (const ReservedRange& r : reserved) {
        touched |=
            r.range.size != 0 && r.range.base < page + P && r.range.base + r.range.size > page;
      }
      if (covered && !touched) expected.insert(page);
    }
    MemoryMap map{};
    ASSERT_TRUE(usable_map(ram.data(), ram.size(), reserved.data(), reserved.size(), &map).is_ok());
    std::set<uint64_t> got;
    for (size_t i = 0; i < map.count; i++) {
      ASSERT_GT(map.ranges[i].size, 0u);
      ASSERT_EQ(map.ranges[i].base % P, 0u);
      ASSERT_EQ(map.ranges[i].size % P, 0u);
      if (i > 0) ASSERT_GT(map.ranges[i].base, map.ranges[i - 1].base + map.ranges[i - 1].size - 1);
      for (uint64_t page = map.ranges[i].base; page < map.ranges[i].base + map.ranges[i].size;
           page += P) {
        got.insert(page);
      }
    }
    ASSERT_EQ(got, expected) << "round " << round;
  }
}

}  // namespace
