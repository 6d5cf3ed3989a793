// The interrupt controller: an Arm Generic Interrupt Controller, version 2 (QEMU virt's default,
// at 0x08000000/0x08010000) or 3, found through the device tree's root-level node with an
// "interrupt-controller" property and the compatible "arm,cortex-a15-gic", "arm,gic-400" or
// "arm,gic-v3" (Linux's arm,gic and arm,gic-v3 bindings). One CPU, one interrupt in use: the
// EL1 virtual timer's PPI, enabled at a middle priority (Arm IHI 0048B "GICv2 Architecture
// Specification", IHI 0069 "GICv3 and GICv4 Architecture Specification").
#pragma once

#include <stdint.h>

#include "kernel/lib/fdt.h"
#include "kernel/lib/result.h"

namespace arm64 {

enum class GicVersion : uint8_t { None, V2, V3 };

// Finds the controller, enables its distributor and this CPU's interface, and enables `intid`
// (a PPI, 16-31). Error::NotFound without a supported controller; Error::Invalid for a reg
// property that does not name its register frames inside the device GiB.
Result<void> gic_init(const Fdt& fdt, uint32_t intid);

GicVersion gic_version();

// The interrupt being signalled, acknowledged (1023 when none is: spurious).
uint32_t gic_acknowledge();
// Ends the handling of an interrupt gic_acknowledge returned (a spurious one needs none).
void gic_end(uint32_t intid);

constexpr uint32_t GIC_SPURIOUS = 1023;
// INTIDs 1020-1023 are special (spurious and the like) and are never ended.
constexpr uint32_t GIC_FIRST_SPECIAL = 1020;

}  // namespace arm64
