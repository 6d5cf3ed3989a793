// A file sent to the host through the arch's host-file channel (kernel/arch/host_file.h) instead
// of the console: the bytes go straight into "<dir>/<name>.part" on the host, and then one console
// line "~hostfile <name> <size> <crc32-hex>" tells the runner to check that file's size and
// CRC-32 and rename it to <dir>/<name>, as it does for a console artifact (tools/runner/README.md).
// `dir` is the runner's maplet.host_dir=; `name` follows the artifact name rules.
#pragma once

#include <stdint.h>

#include "kernel/lib/format.h"
#include "kernel/lib/result.h"
#include "kernel/lib/string_view.h"

// `write` puts exactly `size` bytes with CRC-32 `crc` into the sink it is given. Errors:
// NotSupported without a host channel (nothing was written), Io when the host refused (the part
// file may be incomplete; no ~hostfile line is sent), NoMemory for the write buffer, Invalid for
// a path longer than the kernel's buffer.
Result<void> send_host_artifact(Sink& console, StringView dir, const char* name, uint64_t size,
                                uint32_t crc, void (*write)(void* context, Sink& sink),
                                void* context);
