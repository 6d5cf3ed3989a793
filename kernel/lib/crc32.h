// CRC-32 as zlib's crc32() and the runner's artifact checks compute it (IEEE 802.3 polynomial,
// reflected 0xEDB88320, initial value and final xor 0xFFFFFFFF): crc32("123456789") is
// 0xCBF43926. Bit by bit, no table: it checks boot data of a few KiB to MiB, once.
#pragma once

#include <stddef.h>
#include <stdint.h>

// Extends a running CRC; start with crc = 0 and feed the bytes in any number of pieces.
uint32_t crc32_update(uint32_t crc, const void* data, size_t size);
