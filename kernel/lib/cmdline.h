// Kernel command line parsing: space-separated words, each "key=value" or a bare "key".
#pragma once

#include "kernel/lib/result.h"
#include "kernel/lib/string_view.h"

// The value of the first word "key=value" (or "" for a bare "key"); Error::NotFound if absent.
Result<StringView> cmdline_get(StringView cmdline, StringView key);

// A byte count written as decimal or 0x-hex digits with an optional K, M or G suffix (binary
// multiples, as QEMU's -m takes them). Error::Invalid for anything else, Error::Overflow when it
// does not fit in 64 bits.
Result<uint64_t> parse_size(StringView text);
