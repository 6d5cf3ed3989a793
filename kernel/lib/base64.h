// Base64 (RFC 4648 section 4, with '=' padding) for the console's "~out"/"~err" lines.
#pragma once

#include <stddef.h>

#include "kernel/lib/format.h"

// Writes the encoding of data[0, size) to `sink`: 4 characters for each 3 bytes or part of them.
void base64_encode(Sink& sink, const void* data, size_t size);
