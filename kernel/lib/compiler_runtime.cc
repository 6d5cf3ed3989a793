// The C symbols clang may emit calls to even in freestanding code (struct copies, zeroing), and
// the C++ ABI hooks a kernel without libstdc++ must provide. A hosted build gets all of these from
// its C and C++ libraries, so this file is empty there.
#if !__STDC_HOSTED__

#include <stddef.h>

#include "kernel/lib/panic.h"
#include "kernel/lib/string.h"

extern "C" {

void* memcpy(void* dst, const void* src, size_t n) { return klib::mem_copy(dst, src, n); }
void* memmove(void* dst, const void* src, size_t n) { return klib::mem_move(dst, src, n); }
void* memset(void* dst, int value, size_t n) { return klib::mem_set(dst, value, n); }
int memcmp(const void* a, const void* b, size_t n) { return klib::mem_compare(a, b, n); }
size_t strlen(const char* s) { return klib::str_length(s); }

// A pure virtual call or a static destructor registration cannot happen in a kernel that never
// exits; if one does, it is a bug worth a panic.
void __cxa_pure_virtual() { PANIC("pure virtual function called"); }
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
void* __dso_handle = nullptr;

}  // extern "C"

#endif
