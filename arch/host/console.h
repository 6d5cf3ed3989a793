// Host stand-in for the arch console: writes to stderr, or into a string a test installs to
// capture what the kernel code printed.
#pragma once

#include <string>

// Captures console output into *target until called again with nullptr.
void host_console_capture(std::string* target);
