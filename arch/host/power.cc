// Host stand-in: a kernel power-off in a host test is a test-process exit, so GoogleTest death
// tests can check panics.
#include <stdio.h>
#include <stdlib.h>

#include "kernel/arch/power.h"

void arch_power_off(bool success) {
  fprintf(stderr, "arch_power_off(%s)\n", success ? "success" : "failure");
  if (success) exit(0);
  abort();
}
