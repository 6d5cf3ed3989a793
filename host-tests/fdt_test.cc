// The flattened device tree reader against blobs built here: one shaped like QEMU virt's, and
// every kind of damage the parser promises to reject (bad header fields, blocks out of range,
// unterminated strings, bad tokens and nesting), plus every truncation and a sweep of
// single-byte corruptions that must never read outside the blob (ASan watches the heap copies).

#include "kernel/lib/fdt.h"

#include "host-tests/fdt_builder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "host-tests/error_of.h"
#include "host-tests/fdt_read_all.h"

namespace {

using namespace fdt_test;

std::optional<Error> parse_error(const Bytes& blob, const char** reason = nullptr) {
  HeapBlob heap(blob, blob.size());
  return error_of(heap.parse(reason));
}

TEST(Fdt, VirtLikeTreeParses) {
  const Bytes blob = virt_like().build();
  HeapBlob heap(blob, blob.size());
  const char* reason = nullptr;
  Result<Fdt> parsed = heap.parse(&reason);
  ASSERT_TRUE(parsed.is_ok()) << reason;
  const Fdt& fdt = parsed.value();
  EXPECT_EQ(fdt.total_size(), blob.size());
  EXPECT_STREQ(fdt.node_name(fdt.root()), "");

  Result<const char*> args = fdt.bootargs();
  ASSERT_TRUE(args.is_ok());
  EXPECT_STREQ(args.value(), "maplet.filter=* maplet.expect_mem=256M");

  FdtRange ranges[4];
  Result<size_t> count = fdt.memory_ranges(ranges, 4);
  ASSERT_TRUE(count.is_ok());
  ASSERT_EQ(count.value(), 1u);
  EXPECT_EQ(ranges[0].base, 0x40000000u);
  EXPECT_EQ(ranges[0].size, 0x10000000u);

  Result<FdtNode> psci = fdt.find_node("/psci");
  ASSERT_TRUE(psci.is_ok());
  Result<FdtProperty> method = fdt.property(psci.value(), "method");
  ASSERT_TRUE(method.is_ok());
  EXPECT_STREQ(method.value().string().value(), "hvc");
  EXPECT_EQ(fdt.property(psci.value(), "cpu_on").value().cell(0).value(), 0xc4000003u);
  EXPECT_EQ(fdt.property(psci.value(), "nonexistent").error(), Error::NotFound);

  Result<FdtNode> timer = fdt.find_node("/timer");
  ASSERT_TRUE(timer.is_ok());
  EXPECT_EQ(fdt.property(timer.value(), "clock-frequency").value().cell(0).value(), 62500000u);
  EXPECT_EQ(fdt.reserved_range(0).error(), Error::NotFound);
}

TEST(Fdt, FindNodeMatchesUnitAddressesAndNestedPaths) {
  Builder b;
  b.begin("")
      .begin("soc")
      .begin("uart@1000")
      .cells("reg", {0x1000})
      .end()
      .begin("uart@2000")
      .begin("port")
      .end()
      .end()
      .end()
      .begin("uart")
      .end()
      .end();
  const Bytes blob = b.build();
  HeapBlob heap(blob, blob.size());
  Result<Fdt> parsed = heap.parse();
  ASSERT_TRUE(parsed.is_ok());
  const Fdt& fdt = parsed.value();

  EXPECT_EQ(fdt.find_node("/").value(), fdt.root());
  EXPECT_STREQ(fdt.node_name(fdt.find_node("/soc/uart@2000").value()), "uart@2000");
  // Without a unit address the first node of that name matches.
  EXPECT_STREQ(fdt.node_name(fdt.find_node("/soc/uart").value()), "uart@1000");
  EXPECT_STREQ(fdt.node_name(fdt.find_node("/soc/uart@2000/port/").value()), "port");
  EXPECT_STREQ(fdt.node_name(fdt.find_node("/uart").value()), "uart");
  EXPECT_EQ(fdt.find_node("/soc/uart@3000").error(), Error::NotFound);
  EXPECT_EQ(fdt.find_node("/soc/uar").error(), Error::NotFound);
  EXPECT_EQ(fdt.find_node("/soc/uart@1000/x").error(), Error::NotFound);
  EXPECT_EQ(fdt.find_node("soc").error(), Error::Invalid);
  EXPECT_EQ(fdt.find_node(nullptr).error(), Error::Invalid);
}

TEST(Fdt, WalksChildrenSiblingsAndProperties) {
  Builder b;
  b.begin("").cells("a", {1}).nop().cells("b", {2}).begin("x").end().nop().begin("y");
  b.string("p", "q").begin("z").end().end().end();
  const Bytes blob = b.build();
  HeapBlob heap(blob, blob.size());
  Result<Fdt> parsed = heap.parse();
  ASSERT_TRUE(parsed.is_ok());
  const Fdt& fdt = parsed.value();
  EXPECT_STREQ(fdt.property_at(fdt.root(), 0).value().name, "a");
  EXPECT_STREQ(fdt.property_at(fdt.root(), 1).value().name, "b");
  EXPECT_EQ(fdt.property_at(fdt.root(), 2).error(), Error::NotFound);
  FdtNode x = fdt.first_child(fdt.root()).value();
  EXPECT_STREQ(fdt.node_name(x), "x");
  EXPECT_EQ(fdt.first_child(x).error(), Error::NotFound);
  FdtNode y = fdt.next_sibling(x).value();
  EXPECT_STREQ(fdt.node_name(y), "y");
  EXPECT_EQ(fdt.next_sibling(y).error(), Error::NotFound);
  EXPECT_STREQ(fdt.node_name(fdt.first_child(y).value()), "z");
  EXPECT_EQ(fdt.next_sibling(fdt.root()).error(), Error::NotFound);
  EXPECT_TRUE(fdt_read_all(fdt));
}

TEST(Fdt, BootargsAbsentIsEmpty) {
  const Bytes no_chosen = Builder().begin("").end().build();
  HeapBlob a(no_chosen, no_chosen.size());
  EXPECT_STREQ(a.parse().value().bootargs().value(), "");
  const Bytes no_bootargs = Builder().begin("").begin("chosen").end().end().build();
  HeapBlob b(no_bootargs, no_bootargs.size());
  EXPECT_STREQ(b.parse().value().bootargs().value(), "");
}

TEST(Fdt, BootargsMustBeATerminatedString) {
  for (const Bytes& value : {Bytes{'a', 'b'}, Bytes{}, Bytes{'a', 0, 'b', 0}}) {
    const Bytes blob =
        Builder().begin("").begin("chosen").prop("bootargs", value).end().end().build();
    HeapBlob heap(blob, blob.size());
    Result<Fdt> parsed = heap.parse();
    ASSERT_TRUE(parsed.is_ok());
    EXPECT_EQ(parsed.value().bootargs().error(), Error::Invalid);
  }
}

TEST(Fdt, MemoryRangesHonourCellCounts) {
  // One address cell and one size cell, two entries, plus a node found by device_type.
  Builder b;
  b.begin("")
      .cells("#address-cells", {1})
      .cells("#size-cells", {1})
      .begin("memory@80000000")
      .cells("reg", {0x80000000, 0x1000000, 0x90000000, 0x2000000})
      .end()
      .begin("ram")
      .string("device_type", "memory")
      .cells("reg", {0xa0000000, 0x3000000})
      .end()
      .begin("memory-controller")
      .cells("reg", {0x1, 0x2})
      .end()
      .end();
  const Bytes blob = b.build();
  HeapBlob heap(blob, blob.size());
  const Fdt fdt = heap.parse().value();
  FdtRange ranges[3];
  Result<size_t> count = fdt.memory_ranges(ranges, 3);
  ASSERT_TRUE(count.is_ok());
  ASSERT_EQ(count.value(), 3u);
  EXPECT_EQ(ranges[0].base, 0x80000000u);
  EXPECT_EQ(ranges[0].size, 0x1000000u);
  EXPECT_EQ(ranges[1].base, 0x90000000u);
  EXPECT_EQ(ranges[2].base, 0xa0000000u);
  EXPECT_EQ(ranges[2].size, 0x3000000u);
  EXPECT_EQ(fdt.memory_ranges(ranges, 2).error(), Error::NoSpace);
}

TEST(Fdt, MemoryRangesDefaultCellsAndErrors) {
  // Defaults: 2 address cells, 1 size cell.
  const Bytes defaults =
      Builder().begin("").begin("memory").cells("reg", {0x1, 0x0, 0x4000}).end().end().build();
  HeapBlob a(defaults, defaults.size());
  FdtRange range[1];
  ASSERT_EQ(a.parse().value().memory_ranges(range, 1).value(), 1u);
  EXPECT_EQ(range[0].base, 0x100000000u);
  EXPECT_EQ(range[0].size, 0x4000u);

  const Bytes none = Builder().begin("").begin("cpus").end().end().build();
  HeapBlob b(none, none.size());
  EXPECT_EQ(b.parse().value().memory_ranges(range, 1).error(), Error::NotFound);

  const Bytes ragged =
      Builder().begin("").begin("memory").cells("reg", {0x1, 0x0}).end().end().build();
  HeapBlob c(ragged, ragged.size());
  EXPECT_EQ(c.parse().value().memory_ranges(range, 1).error(), Error::Invalid);

  const Bytes three = Builder()
                          .begin("")
                          .cells("#address-cells", {3})
                          .begin("memory")
                          .cells("reg", {0, 0, 0, 0})
                          .end()
                          .end()
                          .build();
  HeapBlob d(three, three.size());
  EXPECT_EQ(d.parse().value().memory_ranges(range, 1).error(), Error::NotSupported);

  const Bytes wide = Builder()
                         .begin("")
                         .cells("#address-cells", {2, 2})
                         .begin("memory")
                         .cells("reg", {0, 0, 0})
                         .end()
                         .end()
                         .build();
  HeapBlob e(wide, wide.size());
  EXPECT_EQ(e.parse().value().memory_ranges(range, 1).error(), Error::Invalid);

  const Bytes huge = Builder().begin("").cells("#size-cells", {9}).end().build();
  HeapBlob f(huge, huge.size());
  EXPECT_EQ(f.parse().value().size_cells(f.parse().value().root()).error(), Error::Invalid);
}

TEST(Fdt, PropertyValueAccessorsStayInBounds) {
  const uint8_t data[] = {0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3};
  const FdtProperty p{"p", data, sizeof(data)};
  EXPECT_EQ(p.cell(2).value(), 3u);
  EXPECT_EQ(p.cell(3).error(), Error::Range);
  EXPECT_EQ(p.cells(0, 2).value(), 0x100000002u);
  EXPECT_EQ(p.cells(1, 2).value(), 0x200000003u);
  EXPECT_EQ(p.cells(2, 2).error(), Error::Range);
  EXPECT_EQ(p.cells(4, 1).error(), Error::Range);
  EXPECT_EQ(p.cells(0, 3).error(), Error::NotSupported);
  EXPECT_EQ(p.string().error(), Error::Invalid);
  const FdtProperty empty{"e", data, 0};
  EXPECT_EQ(empty.cell(0).error(), Error::Range);
  EXPECT_EQ(empty.string().error(), Error::Invalid);
  EXPECT_EQ(Fdt::reg_entry(p, 0, 1, 0).error(), Error::NotSupported);
  EXPECT_EQ(Fdt::reg_entry(p, 1, 3, 0).error(), Error::NotSupported);
  EXPECT_EQ(Fdt::reg_entry(p, 1, 0, 2).value().base, 3u);
  EXPECT_EQ(Fdt::reg_entry(p, 1, 0, 3).error(), Error::Range);
}

TEST(Fdt, ReservedRangesAreRead) {
  Builder b = virt_like();
  b.reserve(0x48000000, 0x100000).reserve(0x49000000, 0x2000);
  const Bytes blob = b.build();
  HeapBlob heap(blob, blob.size());
  const Fdt fdt = heap.parse().value();
  EXPECT_EQ(fdt.reserved_range(0).value().base, 0x48000000u);
  EXPECT_EQ(fdt.reserved_range(1).value().size, 0x2000u);
  EXPECT_EQ(fdt.reserved_range(2).error(), Error::NotFound);
}

TEST(Fdt, NestingUpToTheLimitIsAccepted) {
  Builder deep;
  deep.begin("");
  for (uint32_t i = 1; i < Fdt::MAX_DEPTH; i++) deep.begin("n");
  for (uint32_t i = 0; i < Fdt::MAX_DEPTH; i++) deep.end();
  const Bytes ok = deep.build();
  HeapBlob a(ok, ok.size());
  ASSERT_TRUE(a.parse().is_ok());
  EXPECT_TRUE(fdt_read_all(a.parse().value()));

  Builder deeper;
  deeper.begin("");
  for (uint32_t i = 0; i < Fdt::MAX_DEPTH; i++) deeper.begin("n");
  for (uint32_t i = 0; i <= Fdt::MAX_DEPTH; i++) deeper.end();
  EXPECT_EQ(parse_error(deeper.build()), Error::Invalid);
}

// --- Malformed headers --------------------------------------------------------------------

TEST(FdtMalformed, ShortOrMissingData) {
  const Bytes blob = virt_like().build();
  EXPECT_EQ(Fdt::parse(nullptr, 100).error(), Error::Range);
  HeapBlob short_header(blob, 39);
  EXPECT_EQ(short_header.parse().error(), Error::Range);
}

TEST(FdtMalformed, BadMagic) {
  Bytes blob = virt_like().build();
  put32(blob, 0, 0xedfe0dd0);  // little-endian magic
  const char* reason = nullptr;
  EXPECT_EQ(parse_error(blob, &reason), Error::Invalid);
  EXPECT_STREQ(reason, "bad magic");
}

TEST(FdtMalformed, UnsupportedVersions) {
  Bytes old_version = virt_like().build();
  put32(old_version, VERSION, 16);
  EXPECT_EQ(parse_error(old_version), Error::NotSupported);
  Bytes incompatible = virt_like().build();
  put32(incompatible, LAST_COMP, 18);
  EXPECT_EQ(parse_error(incompatible), Error::NotSupported);
  Bytes newer_but_compatible = virt_like().build();
  put32(newer_but_compatible, VERSION, 18);
  HeapBlob heap(newer_but_compatible, newer_but_compatible.size());
  EXPECT_TRUE(heap.parse().is_ok());
}

TEST(FdtMalformed, TotalSize) {
  Bytes too_big = virt_like().build();
  put32(too_big, TOTALSIZE, static_cast<uint32_t>(too_big.size() + 1));
  const char* reason = nullptr;
  EXPECT_EQ(parse_error(too_big, &reason), Error::Range);
  EXPECT_STREQ(reason, "truncated: totalsize exceeds the data");
  Bytes too_small = virt_like().build();
  put32(too_small, TOTALSIZE, 39);
  EXPECT_EQ(parse_error(too_small), Error::Range);
}

TEST(FdtMalformed, EveryTruncationIsAnError) {
  const Bytes blob = virt_like().build();
  for (size_t n = 0; n < blob.size(); n++) {
    HeapBlob heap(blob, n);
    EXPECT_TRUE(heap.parse().is_error()) << n;
  }
}

TEST(FdtMalformed, BlocksOutOfRange) {
  const Bytes good = virt_like().build();
  const uint32_t total = get32(good, TOTALSIZE);
  struct Case {
    size_t field;
    uint32_t value;
  };
  const Case cases[] = {
      {OFF_STRUCT, total},
      {OFF_STRUCT, 0},
      {OFF_STRUCT, 0xfffffff0},
      {SIZE_STRUCT, total},
      {OFF_STRUCT, get32(good, OFF_STRUCT) + 2},
      {OFF_STRINGS, total},
      {OFF_STRINGS, 8},
      {SIZE_STRINGS, 0xffffffff},
      {OFF_RSVMAP, total},
      {OFF_RSVMAP, 44},
      {OFF_RSVMAP, 0},
  };
  for (const Case& c : cases) {
    Bytes blob = good;
    put32(blob, c.field, c.value);
    EXPECT_EQ(parse_error(blob), Error::Invalid) << c.field << " = " << c.value;
  }
}

TEST(FdtMalformed, UnterminatedReservationBlock) {
  Bytes blob = virt_like().build();
  // Point the reservation block at the structure block's last 8-aligned bytes: no zero entry
  // follows before the blob ends... unless the strings are all zero, so fill them.
  const uint32_t total = get32(blob, TOTALSIZE);
  for (uint32_t i = get32(blob, OFF_STRUCT); i < total; i++) blob[i] = 0xaa;
  put32(blob, OFF_RSVMAP, (get32(blob, OFF_STRUCT) + 7) & ~7u);
  const char* reason = nullptr;
  EXPECT_EQ(parse_error(blob, &reason), Error::Invalid);
  EXPECT_STREQ(reason, "memory reservation block not terminated");
}

// --- Malformed structure blocks -----------------------------------------------------------

TEST(FdtMalformed, UnterminatedNodeName) {
  Builder b;
  b.begin("");
  b.token(BEGIN_NODE).token(0x61616161);  // "aaaa" and the block ends
  const char* reason = nullptr;
  EXPECT_EQ(parse_error(b.build(false), &reason), Error::Invalid);
  EXPECT_STREQ(reason, "unterminated node name");
}

TEST(FdtMalformed, PropertyNameOutsideStrings) {
  Builder b;
  b.begin("").prop_at(1000, {1, 2, 3, 4}).end();
  const char* reason = nullptr;
  EXPECT_EQ(parse_error(b.build(), &reason), Error::Invalid);
  EXPECT_STREQ(reason, "bad property name offset");
}

TEST(FdtMalformed, UnterminatedPropertyName) {
  Builder b;
  b.begin("").cells("ok", {1});
  const uint32_t at = b.strings_size();
  b.raw_strings("noterm").prop_at(at, {}).end();
  EXPECT_EQ(parse_error(b.build()), Error::Invalid);
}

TEST(FdtMalformed, PropertyPastTheStructureBlock) {
  Builder b;
  b.begin("").cells("x", {1}).end();
  Bytes blob = b.build();
  // The property's length field follows the root's BEGIN_NODE token (4) and empty name (4).
  const uint32_t len_at = get32(blob, OFF_STRUCT) + 8 + 4;
  for (uint32_t length : {0x100u, 0xfffffff0u, 0xffffffffu}) {
    put32(blob, len_at, length);
    const char* reason = nullptr;
    EXPECT_EQ(parse_error(blob, &reason), Error::Invalid);
    EXPECT_STREQ(reason, "property runs past the structure block");
  }
}

TEST(FdtMalformed, BadTokensAndNesting) {
  struct Case {
    Bytes blob;
    const char* reason;
  };
  Builder unknown;
  unknown.begin("").token(7).end();
  Builder stray_end;
  stray_end.begin("").end().end();
  Builder no_end;
  no_end.begin("").end();
  Builder end_inside;
  end_inside.begin("").begin("a").end();
  Builder two_roots;
  two_roots.begin("").end().begin("").end();
  Builder prop_outside;
  prop_outside.cells("x", {1}).begin("").end();
  Builder prop_after_child;
  prop_after_child.begin("").begin("a").end().cells("x", {1}).end();
  Builder no_root;
  no_root.nop();
  const Case cases[] = {
      {unknown.build(), "unknown structure token"},
      {stray_end.build(), "FDT_END_NODE without a node"},
      {no_end.build(false), "structure block ends before FDT_END"},
      {end_inside.build(), "FDT_END inside a node"},
      {two_roots.build(), "more than one root node"},
      {prop_outside.build(), "property outside a node"},
      {prop_after_child.build(), "property after a subnode"},
      {no_root.build(), "no root node"},
  };
  for (const Case& c : cases) {
    const char* reason = nullptr;
    EXPECT_EQ(parse_error(c.blob, &reason), Error::Invalid) << c.reason;
    EXPECT_STREQ(reason, c.reason);
  }
}

TEST(FdtMalformed, StructureBlockLengthNotAMultipleOfFour) {
  Bytes blob = virt_like().build();
  put32(blob, SIZE_STRUCT, get32(blob, SIZE_STRUCT) - 2);
  EXPECT_EQ(parse_error(blob), Error::Invalid);
}

// Every byte of a good blob, set to a few telling values: whatever parse() decides, nothing may
// read outside the blob or loop, and an accepted blob must be fully walkable.
TEST(FdtMalformed, SingleByteCorruptionsNeverEscapeTheBlob) {
  Builder b = virt_like();
  b.reserve(0x48000000, 0x1000);
  const Bytes good = b.build();
  size_t accepted = 0;
  for (size_t at = 0; at < good.size(); at++) {
    for (uint8_t value : {0x00, 0x01, 0x02, 0x03, 0x04, 0x09, 0x7f, 0x80, 0xff}) {
      Bytes blob = good;
      blob[at] = value;
      HeapBlob heap(blob, blob.size());
      Result<Fdt> parsed = heap.parse();
      if (parsed.is_error()) continue;
      accepted++;
      EXPECT_TRUE(fdt_read_all(parsed.value())) << "byte " << at << " = " << int{value};
    }
  }
  EXPECT_GT(accepted, 0u);
}

}  // namespace
