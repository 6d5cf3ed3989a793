// Capability queries: what the processor offers beyond the base architecture the kernel is built
// for. A test that needs a feature asks here and reports KTEST_SKIP with the reason when the
// answer is no, so a machine without it shows a skip, not a failure.
#pragma once

// True when memory tagging is usable: allocation tags in memory and tag-checked accesses. On
// arm64 that is FEAT_MTE2 or later (ID_AA64PFR1_EL1.MTE 2 or 3), the level Linux's
// system_supports_mte() requires (arch/arm64/kernel/cpufeature.c, ARM64_MTE). FEAT_MTE alone
// (MTE 1, "instructions only", what QEMU's virt reports without mte=on) does not count: it has
// no tag storage and checks nothing. False on every other arch and on the host.
bool arch_supports_mte();
