// Keeping instruction fetch coherent with stores (Power ISA v3.0B Book II, "Instruction Storage"
// and "Cache Management Instructions").
#pragma once

#include <stddef.h>

namespace cache {

// Makes instructions stored at [start, start + size) visible to instruction fetch: data cache
// blocks written back, instruction cache blocks invalidated, then a context synchronisation.
void sync_icache(const void* start, size_t size);

}  // namespace cache
