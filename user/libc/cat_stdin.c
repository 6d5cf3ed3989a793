// Copies its standard input to its standard output, then prints nothing more: maplet-run's
// --stdin FILE must come back byte for byte.
#include <unistd.h>

int main(void) {
  char buffer[4096];
  for (;;) {
    ssize_t n = read(0, buffer, sizeof buffer);
    if (n == 0) return 0;
    if (n < 0) return 1;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(1, buffer + done, (size_t)(n - done));
      if (w <= 0) return 2;
      done += w;
    }
  }
}
