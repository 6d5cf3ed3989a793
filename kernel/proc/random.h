// The kernel's random numbers for AT_RANDOM, address randomisation and getrandom: a splitmix64
// generator (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014)
// whose state is mixed with the arch counter on every call, so the sequence depends on when the
// kernel asks. Not cryptographic: there is no entropy source behind it.
#pragma once

#include <stddef.h>
#include <stdint.h>

uint64_t random_u64();
void random_bytes(void* buffer, size_t size);
