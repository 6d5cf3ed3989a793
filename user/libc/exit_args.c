// Prints its arguments and environment, one a line, then exits with the status its first
// argument names (0 without one).
#include <stdio.h>
#include <stdlib.h>

extern char** environ;

int main(int argc, char** argv) {
  for (int i = 0; i < argc; i++) printf("argv[%d] %s\n", i, argv[i]);
  for (char** e = environ; *e != NULL; e++) printf("env %s\n", *e);
  return argc > 1 ? atoi(argv[1]) : 0;
}
