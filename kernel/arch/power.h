// Power contract: how the kernel ends a run and hands its verdict to the host.
#pragma once

// Stops the machine. On arm64 the verdict becomes QEMU's exit status (semihosting; 0 or 1). On
// powerpc there is no exit code: success powers off, failure calls ibm,os-term (QEMU exits 1 under
// -action panic=exit-failure). The verdict is also on the console as the KTAP stream.
[[noreturn]] void arch_power_off(bool success);
