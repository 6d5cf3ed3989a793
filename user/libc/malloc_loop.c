// malloc and free, a few MiB in all: small blocks come from the heap (brk), large ones from
// their own mappings (mmap, above M_MMAP_THRESHOLD's 128 KiB default in glibc; musl maps
// anything above its own threshold too). Every block is filled and checked before it is freed.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ROUNDS = 8, SMALL = 256, SMALL_SIZE = 1000, LARGE = 4, LARGE_SIZE = 512 * 1024 };

static int fill_and_check(unsigned char* p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed + i * 7);
  for (size_t i = 0; i < n; i++) {
    if (p[i] != (unsigned char)(seed + i * 7)) return 0;
  }
  return 1;
}

int main(void) {
  char* brk_before = sbrk(0);
  int small_ok = 1, large_ok = 1, large_outside_heap = 1;
  size_t total = 0;
  for (unsigned round = 0; round < ROUNDS; round++) {
    unsigned char* small[SMALL];
    unsigned char* large[LARGE];
    for (int i = 0; i < SMALL; i++) {
      small[i] = malloc(SMALL_SIZE + (size_t)i);
      small_ok &= small[i] != NULL && fill_and_check(small[i], SMALL_SIZE + (size_t)i, round + i);
      total += SMALL_SIZE + (size_t)i;
    }
    for (int i = 0; i < LARGE; i++) {
      large[i] = malloc(LARGE_SIZE);
      large_ok &= large[i] != NULL && fill_and_check(large[i], LARGE_SIZE, round * 3 + i);
      total += LARGE_SIZE;
    }
    char* brk_now = sbrk(0);
    for (int i = 0; i < LARGE; i++) {
      // A mapping of its own lies outside [brk at start, brk now).
      large_outside_heap &= (char*)large[i] >= brk_now || (char*)large[i] + LARGE_SIZE <= brk_before;
      free(large[i]);
    }
    for (int i = 0; i < SMALL; i++) free(small[i]);
  }
  char* brk_after = sbrk(0);
  printf("malloc.small %s\n", small_ok ? "ok" : "corrupt");
  printf("malloc.large %s\n", large_ok ? "ok" : "corrupt");
  printf("malloc.total_mib %zu\n", total >> 20);
  printf("malloc.heap_grew %s\n", brk_after > brk_before ? "yes" : "no");
  printf("malloc.large_outside_heap %s\n", large_outside_heap ? "yes" : "no");
  return 0;
}
