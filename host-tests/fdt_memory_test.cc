// fdt_read_memory against blobs shaped like QEMU's: every memory node and reg entry, the
// reservation block, /reserved-memory children in their own cells, the blob itself, and the
// initrd as Linux's early_init_dt_check_for_initrd reads it (one or two cells, absent, inverted).

#include "kernel/lib/fdt_memory.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "host-tests/fdt_builder.h"

namespace {

using namespace fdt_test;

constexpr uint64_t BLOB_AT = 0x48000000;

struct Read {
  Result<void> result;
  BootInfo info;
};

Read read_memory(const Builder& builder) {
  const Bytes blob = builder.build();
  HeapBlob heap(blob, blob.size());
  Result<Fdt> fdt = heap.parse();
  EXPECT_TRUE(fdt.is_ok());
  Read read{Error::Invalid, BootInfo{}};
  if (fdt.is_ok()) read.result = fdt_read_memory(fdt.value(), BLOB_AT, read.info);
  return read;
}

// Root with 2/2 cells, two memory nodes (one with two entries), and what the test adds to
// /chosen (before the root's end).
Builder machine(
    const std::function<void(Builder&)>& chosen,
    const std::function<void(Builder&)>& extra = [](Builder&) {}) {
  Builder b;
  b.reserve(0x40000000, 0x1000)
      .begin("")
      .cells("#address-cells", {2})
      .cells("#size-cells", {2})
      .begin("memory@40000000")
      .string("device_type", "memory")
      .cells("reg", {0, 0x40000000, 0, 0x10000000, 0, 0x60000000, 0, 0x1000000})
      .end()
      .begin("memory@100000000")
      .string("device_type", "memory")
      .cells("reg", {1, 0, 0, 0x40000000})
      .end();
  extra(b);
  b.begin("chosen");
  chosen(b);
  b.end().end();
  return b;
}

Read read_machine(
    const std::function<void(Builder&)>& chosen,
    const std::function<void(Builder&)>& extra = [](Builder&) {}) {
  return read_memory(machine(chosen, extra));
}

std::vector<std::string> owners(const BootInfo& info) {
  std::vector<std::string> out;
  for (size_t i = 0; i < info.reserved_count; i++) out.push_back(info.reserved[i].owner);
  return out;
}

TEST(FdtMemory, EveryMemoryNodeReservationBlockAndBlob) {
  Read read = read_machine([](Builder&) {});
  ASSERT_TRUE(read.result.is_ok());
  const BootInfo& info = read.info;
  ASSERT_EQ(info.ram_count, 3u);
  EXPECT_EQ(info.ram[0].base, 0x40000000u);
  EXPECT_EQ(info.ram[1].base, 0x60000000u);
  EXPECT_EQ(info.ram[1].size, 0x1000000u);
  EXPECT_EQ(info.ram[2].base, 0x100000000u);
  EXPECT_EQ(info.ram[2].size, 0x40000000u);
  EXPECT_EQ(owners(info), (std::vector<std::string>{"FDT reservation", "device tree"}));
  EXPECT_EQ(info.reserved[0].range.base, 0x40000000u);
  EXPECT_EQ(info.reserved[0].range.size, 0x1000u);
  EXPECT_EQ(info.reserved[1].range.base, BLOB_AT);
  EXPECT_EQ(info.reserved[1].range.size, machine([](Builder&) {}).build().size());
  EXPECT_EQ(info.initrd.size, 0u);
}

TEST(FdtMemory, ReservedMemoryChildrenInTheirOwnCells) {
  Read read = read_machine([](Builder&) {},
                           [](Builder& b) {
                             b.begin("reserved-memory")
                                 .cells("#address-cells", {1})
                                 .cells("#size-cells", {1})
                                 .begin("tee@41000000")
                                 .cells("reg", {0x41000000, 0x200000, 0x42000000, 0x1000})
                                 .end()
                                 .begin("pool")  // dynamic: no reg, nothing to keep out yet
                                 .cells("size", {0x100000})
                                 .end()
                                 .begin("off@43000000")
                                 .cells("reg", {0x43000000, 0x1000})
                                 .string("status", "disabled")
                                 .end()
                                 .begin("on@44000000")
                                 .cells("reg", {0x44000000, 0x1000})
                                 .string("status", "okay")
                                 .prop("no-map", {})
                                 .end()
                                 .end();
                           });
  ASSERT_TRUE(read.result.is_ok());
  EXPECT_EQ(owners(read.info),
            (std::vector<std::string>{"FDT reservation", "/reserved-memory", "/reserved-memory",
                                      "/reserved-memory", "device tree"}));
  EXPECT_EQ(read.info.reserved[1].range.base, 0x41000000u);
  EXPECT_EQ(read.info.reserved[1].range.size, 0x200000u);
  EXPECT_EQ(read.info.reserved[2].range.base, 0x42000000u);
  EXPECT_EQ(read.info.reserved[3].range.base, 0x44000000u);  // the disabled node is skipped
}

TEST(FdtMemory, BadReservedMemoryRegIsAnError) {
  Read read =
      read_machine([](Builder&) {},
                   [](Builder& b) {
                     b.begin("reserved-memory")
                         .begin("bad")
                         // The node's default cells are 2 + 1: four cells are no whole entry.
                         .cells("reg", {0, 0x41000000, 0, 0x1000})
                         .end()
                         .end();
                   });
  ASSERT_TRUE(read.result.is_error());
  EXPECT_EQ(read.result.error(), Error::Invalid);
}

TEST(FdtMemory, InitrdInTwoCellsOrOne) {
  Read two = read_machine([](Builder& b) {
    b.cells("linux,initrd-start", {0, 0x48100000}).cells("linux,initrd-end", {0, 0x48101388});
  });
  ASSERT_TRUE(two.result.is_ok());
  EXPECT_EQ(two.info.initrd.base, 0x48100000u);
  EXPECT_EQ(two.info.initrd.size, 0x1388u);
  EXPECT_EQ(owners(two.info).back(), "initrd");

  Read one = read_machine([](Builder& b) {
    b.cells("linux,initrd-start", {0x48100000}).cells("linux,initrd-end", {0x48200000});
  });
  ASSERT_TRUE(one.result.is_ok());
  EXPECT_EQ(one.info.initrd.base, 0x48100000u);
  EXPECT_EQ(one.info.initrd.size, 0x100000u);
}

TEST(FdtMemory, NoInitrdWhenMissingInvertedEmptyOrMalformed) {
  const std::function<void(Builder&)> cases[] = {
      [](Builder& b) { b.cells("linux,initrd-start", {0x48100000}); },
      [](Builder& b) { b.cells("linux,initrd-end", {0x48100000}); },
      [](Builder& b) {
        b.cells("linux,initrd-start", {0x48200000}).cells("linux,initrd-end", {0x48100000});
      },
      [](Builder& b) {
        b.cells("linux,initrd-start", {0x48100000}).cells("linux,initrd-end", {0x48100000});
      },
      [](Builder& b) {
        b.cells("linux,initrd-start", {0, 0, 0x48100000}).cells("linux,initrd-end", {0x48200000});
      },
  };
  for (const auto& chosen : cases) {
    Read read = read_machine(chosen);
    ASSERT_TRUE(read.result.is_ok());
    EXPECT_EQ(read.info.initrd.size, 0u);
    EXPECT_EQ(owners(read.info).back(), "device tree");
  }
}

TEST(FdtMemory, NoMemoryNodeIsNotFound) {
  Builder b;
  b.begin("").begin("chosen").end().end();
  Read read = read_memory(b);
  ASSERT_TRUE(read.result.is_error());
  EXPECT_EQ(read.result.error(), Error::NotFound);
}

TEST(FdtMemory, FullTablesAreNoSpace) {
  Builder ram;
  ram.begin("").begin("memory");
  std::initializer_list<uint32_t> entry = {0, 0x40000000, 0, 0x1000};
  Bytes reg;
  for (size_t i = 0; i < BOOT_MAX_RAM_RANGES + 1; i++) {
    for (uint32_t cell : entry) {
      reg.push_back(cell >> 24);
      reg.push_back(cell >> 16);
      reg.push_back(cell >> 8);
      reg.push_back(cell);
    }
  }
  ram.prop("reg", reg).end().end();
  Read too_much_ram = read_memory(ram);
  ASSERT_TRUE(too_much_ram.result.is_error());
  EXPECT_EQ(too_much_ram.result.error(), Error::NoSpace);

  Builder reserved = machine([](Builder&) {});
  for (size_t i = 0; i < BOOT_MAX_RESERVED_RANGES; i++)
    reserved.reserve(0x50000000 + i * 0x1000, 1);
  Read too_many_reserved = read_memory(reserved);
  ASSERT_TRUE(too_many_reserved.result.is_error());
  EXPECT_EQ(too_many_reserved.result.error(), Error::NoSpace);
}

}  // namespace
