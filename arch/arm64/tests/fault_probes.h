// The deliberate faults of arch/arm64/tests/fault_probes.S.
#pragma once

#include <stdint.h>

extern "C" uint64_t arm64_probe_load(uint64_t address);
extern "C" void arm64_probe_store(uint64_t address);
extern "C" uint64_t arm64_probe_load_exclusive(uint64_t address);
extern "C" void arm64_probe_brk();
// FMOV D0, XZR: an FP/SIMD instruction, which the kernel never runs enabled.
extern "C" void arm64_probe_fp();
// LDTR / STTR: the access as EL0 would make it.
extern "C" uint64_t arm64_probe_load_user(uint64_t address);
extern "C" void arm64_probe_store_user(uint64_t address, uint64_t value);

extern "C" const char arm64_probe_load_instruction[];
extern "C" const char arm64_probe_store_instruction[];
extern "C" const char arm64_probe_load_exclusive_instruction[];
extern "C" const char arm64_probe_brk_instruction[];
extern "C" const char arm64_probe_fp_instruction[];
extern "C" const char arm64_probe_load_user_instruction[];
extern "C" const char arm64_probe_store_user_instruction[];

// The immediate of the BRK in arm64_probe_brk, which ESR_EL1.ISS[15:0] reports.
constexpr uint64_t ARM64_PROBE_BRK_IMMEDIATE = 0x4d4c;
