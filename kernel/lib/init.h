// Static constructors. The kernel has no C runtime to run .init_array, so kernel_main does it
// with the linker-provided bounds.
#pragma once

using InitFunction = void (*)();

// Calls every function in [begin, end) in order. Null entries are skipped.
void run_constructors(InitFunction* begin, InitFunction* end);
