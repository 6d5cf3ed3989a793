#include "arch/arm64/gic.h"

#include "arch/arm64/kernel_map.h"
#include "arch/arm64/mmu_boot.h"
#include "arch/arm64/sysreg.h"
#include "kernel/lib/string.h"

namespace arm64 {
namespace {

// Distributor registers, both versions (IHI 0048B 4.3, IHI 0069 12.9).
constexpr uint64_t GICD_CTLR = 0x000;
constexpr uint64_t GICD_ISENABLER = 0x100;
constexpr uint64_t GICD_IPRIORITYR = 0x400;
// GICv2 CPU interface (IHI 0048B 4.4).
constexpr uint64_t GICC_CTLR = 0x00;
constexpr uint64_t GICC_PMR = 0x04;
constexpr uint64_t GICC_IAR = 0x0c;
constexpr uint64_t GICC_EOIR = 0x10;
// GICv3 redistributor (IHI 0069 12.10, 12.11): WAKER in the RD frame, the PPI registers in the
// SGI frame 64 KiB above it.
constexpr uint64_t GICR_WAKER = 0x14;
constexpr uint32_t GICR_WAKER_PROCESSOR_SLEEP = 1u << 1;
constexpr uint32_t GICR_WAKER_CHILDREN_ASLEEP = 1u << 2;
constexpr uint64_t GICR_SGI_FRAME = 0x10000;
constexpr uint64_t GICR_IGROUPR0 = 0x080;
constexpr uint64_t GICR_ISENABLER0 = 0x100;
constexpr uint64_t GICR_IPRIORITYR = 0x400;

// GICD_CTLR: v2 EnableGrp0 (bit 0) and EnableGrp1 (bit 1); v3 with one security state (QEMU virt
// without secure=on) EnableGrp1 (bit 1) and ARE (bit 4, affinity routing).
constexpr uint32_t GICD_CTLR_V2 = 0x3;
constexpr uint32_t GICD_CTLR_V3 = (1u << 1) | (1u << 4);
constexpr uint8_t PRIORITY = 0xa0;
constexpr uint32_t PRIORITY_MASK = 0xf0;  // every priority above 0xf0 (numerically below) passes

GicVersion g_version = GicVersion::None;
uint64_t g_distributor = 0;
uint64_t g_cpu_interface = 0;  // GICv2 GICC, GICv3 this CPU's redistributor

volatile uint32_t& reg32(uint64_t base, uint64_t offset) {
  return *reinterpret_cast<volatile uint32_t*>(base + offset);
}
volatile uint8_t& reg8(uint64_t base, uint64_t offset) {
  return *reinterpret_cast<volatile uint8_t*>(base + offset);
}

GicVersion version_of(const char* compatible) {
  if (klib::str_equal(compatible, "arm,cortex-a15-gic") ||
      klib::str_equal(compatible, "arm,gic-400")) {
    return GicVersion::V2;
  }
  if (klib::str_equal(compatible, "arm,gic-v3")) return GicVersion::V3;
  return GicVersion::None;
}

GicVersion controller_version(const Fdt& fdt, FdtNode node) {
  if (fdt.property(node, "interrupt-controller").is_error()) return GicVersion::None;
  Result<FdtProperty> compatible = fdt.property(node, "compatible");
  if (compatible.is_error()) return GicVersion::None;
  Result<const char*> name = compatible.value().string();
  return name.is_ok() ? version_of(name.value()) : GicVersion::None;
}

// The index-th reg frame, as a kernel address in the device GiB.
Result<uint64_t> frame(const Fdt& fdt, FdtNode node, size_t index) {
  const FdtProperty reg = TRY(fdt.property(node, "reg"));
  const uint32_t address_cells = TRY(fdt.address_cells(fdt.root()));
  const uint32_t size_cells = TRY(fdt.size_cells(fdt.root()));
  const FdtRange range = TRY(Fdt::reg_entry(reg, address_cells, size_cells, index));
  if (range.base >= RAM_MAP_BLOCK || range.size > RAM_MAP_BLOCK - range.base) {
    return Error::Invalid;
  }
  return kernel_va(range.base);
}

void init_v2(uint32_t intid) {
  reg8(g_distributor, GICD_IPRIORITYR + intid) = PRIORITY;
  reg32(g_distributor, GICD_ISENABLER + intid / 32 * 4) = 1u << (intid % 32);
  reg32(g_distributor, GICD_CTLR) = GICD_CTLR_V2;
  reg32(g_cpu_interface, GICC_PMR) = PRIORITY_MASK;
  reg32(g_cpu_interface, GICC_CTLR) = 1;  // EnableGrp0: group 0 signals IRQ (FIQEn clear)
}

void init_v3(uint32_t intid) {
  reg32(g_distributor, GICD_CTLR) = GICD_CTLR_V3;
  // Wake this CPU's redistributor (IHI 0069 11.1 "Power management").
  reg32(g_cpu_interface, GICR_WAKER) =
      reg32(g_cpu_interface, GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP;
  while (reg32(g_cpu_interface, GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP) {
  }
  const uint64_t sgi = g_cpu_interface + GICR_SGI_FRAME;
  reg32(sgi, GICR_IGROUPR0) = reg32(sgi, GICR_IGROUPR0) | (1u << intid);  // group 1: IRQ
  reg8(sgi, GICR_IPRIORITYR + intid) = PRIORITY;
  reg32(sgi, GICR_ISENABLER0) = 1u << intid;
  // The system-register CPU interface: ICC_SRE_EL1.SRE, the priority mask, group 1 enabled.
  ARM64_WRITE_SYSREG(S3_0_C12_C12_5, ARM64_READ_SYSREG(S3_0_C12_C12_5) | 1);  // ICC_SRE_EL1
  isb();
  ARM64_WRITE_SYSREG(S3_0_C4_C6_0, PRIORITY_MASK);  // ICC_PMR_EL1
  ARM64_WRITE_SYSREG(S3_0_C12_C12_7, 1);            // ICC_IGRPEN1_EL1
  isb();
}

}  // namespace

Result<void> gic_init(const Fdt& fdt, uint32_t intid) {
  if (intid < 16 || intid > 31) return Error::Invalid;
  Result<FdtNode> node = fdt.first_child(fdt.root());
  if (node.is_error()) return Error::NotFound;
  FdtNode current = node.value();
  for (;;) {
    const GicVersion version = controller_version(fdt, current);
    if (version != GicVersion::None) {
      g_distributor = TRY(frame(fdt, current, 0));
      g_cpu_interface = TRY(frame(fdt, current, 1));
      g_version = version;
      if (version == GicVersion::V2) {
        init_v2(intid);
      } else {
        init_v3(intid);
      }
      return {};
    }
    Result<FdtNode> next = fdt.next_sibling(current);
    if (next.is_error()) return Error::NotFound;
    current = next.value();
  }
}

GicVersion gic_version() { return g_version; }

uint32_t gic_acknowledge() {
  if (g_version == GicVersion::V2) return reg32(g_cpu_interface, GICC_IAR) & 0x3ff;
  if (g_version == GicVersion::V3) {
    return static_cast<uint32_t>(ARM64_READ_SYSREG(S3_0_C12_C12_0)) & 0xffffff;  // ICC_IAR1_EL1
  }
  return GIC_SPURIOUS;
}

void gic_end(uint32_t intid) {
  if (intid >= GIC_FIRST_SPECIAL) return;
  if (g_version == GicVersion::V2) reg32(g_cpu_interface, GICC_EOIR) = intid;
  if (g_version == GicVersion::V3) ARM64_WRITE_SYSREG(S3_0_C12_C12_1, intid);  // ICC_EOIR1_EL1
  isb();
}

}  // namespace arm64
