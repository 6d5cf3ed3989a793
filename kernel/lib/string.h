// Memory and string primitives for the kernel, in namespace klib so that host builds can test
// them beside the C library's. The kernel's extern "C" memcpy & co. (compiler_runtime.cc) call
// these.
#pragma once

#include <stddef.h>

namespace klib {

void* mem_copy(void* dst, const void* src, size_t n);
void* mem_move(void* dst, const void* src, size_t n);
void* mem_set(void* dst, int value, size_t n);
int mem_compare(const void* a, const void* b, size_t n);
size_t str_length(const char* s);
int str_compare(const char* a, const char* b);
bool str_equal(const char* a, const char* b);

}  // namespace klib
