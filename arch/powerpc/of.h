// The Open Firmware client interface (IEEE 1275, "Client interface"), used only during early boot
// to read the device tree as Linux's prom_init does. Every call goes through the entry QEMU's
// Virtual Open Firmware passed in r5; after of_quiesce() the firmware's low memory belongs to the
// kernel.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"

namespace of {

using Phandle = uint32_t;

// Records the client-interface entry. Must precede every other call here.
void init(uint64_t entry);
// Whether the client interface may still be called (init done, not yet quiesced).
bool available();

// The package at `path` ("/memory", "/rtas"). Error::NotFound when there is none; Error::Io when
// the client-interface call itself failed (also for every call below).
Result<Phandle> find_device(const char* path);

// Walks the tree: the first child, the next sibling. Error::NotFound at the end.
Result<Phandle> child(Phandle node);
Result<Phandle> peer(Phandle node);

// The first processor node under /cpus (device_type "cpu"). Error::NotFound when there is none.
Result<Phandle> first_cpu();

// Length in bytes of a property; Error::NotFound when the node has no such property.
Result<uint32_t> get_prop_len(Phandle node, const char* name);
// Copies the property into buffer[capacity] and returns its full length. Error::NotFound when
// missing; Error::Range when the property does not fit.
Result<uint32_t> get_prop(Phandle node, const char* name, void* buffer, uint32_t capacity);
// A property holding one or two big-endian 32-bit cells, as a number. Error::Invalid for any
// other length.
Result<uint64_t> get_prop_number(Phandle node, const char* name);

// Tells the firmware the client is done with it (IEEE 1275 "quiesce"). No call is allowed after.
void quiesce();

}  // namespace of
