// Prints a line, then abort(): SIGABRT's default action ends the program (status 134 from a
// shell, signal 6 in the wait status).
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  printf("abort.before yes\n");
  fflush(stdout);
  abort();
}
