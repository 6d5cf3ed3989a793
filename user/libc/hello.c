// Hello world through stdio: printf's formatting and stdout's buffer, flushed at exit.
#include <stdio.h>

int main(void) {
  printf("hello, world\n");
  printf("formatted %d %s %.3f %#x\n", 42, "text", 2.5, 255);
  return 0;
}
