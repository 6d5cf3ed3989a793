// A file sent to the host on the console as the runner's artifact frame
// (tools/runner/README.md, "Reserved ~ lines"): "~file <name> <size> <crc32-hex>", the bytes as
// "~data <base64>" lines of 57 bytes (76 characters) each, then "~end <name>". The runner checks
// size and CRC and saves the file as <artifacts>/<config>/<name>. `name` must be the runner's
// artifact name ([A-Za-z0-9._-], 1 to 128 characters, not starting with '.'); the caller
// guarantees it.
#pragma once

#include <stddef.h>

#include "kernel/lib/format.h"

void send_console_artifact(Sink& console, const char* name, const char* data, size_t size);
