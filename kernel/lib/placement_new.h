// Placement new. The kernel defines it; a hosted build takes the standard library's, which it
// must not redefine. This is the one place the two builds differ in what they include.
#pragma once

#include <stddef.h>

#if __STDC_HOSTED__
#include <new>
#else
inline void* operator new(size_t, void* where) noexcept { return where; }
inline void* operator new[](size_t, void* where) noexcept { return where; }
#endif
