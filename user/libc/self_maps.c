// Reads its own /proc/self/maps with stdio and prints what does not vary between runs: the
// permissions of the executable's mappings (found by /proc/self/exe's path), and whether the
// heap and the stack are there.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  char exe[256];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) {
    printf("maps.readlink failed\n");
    return 1;
  }
  exe[n] = '\0';
  FILE* maps = fopen("/proc/self/maps", "r");
  if (maps == NULL) {
    printf("maps.open failed\n");
    return 1;
  }
  char line[512], exe_perms[128] = "";
  int heap = 0, stack = 0, lines = 0;
  while (fgets(line, sizeof line, maps) != NULL) {
    lines++;
    char perms[8] = "";
    sscanf(line, "%*s %7s", perms);
    size_t len = strlen(line);
    if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
    if (len >= (size_t)n && strcmp(line + len - (size_t)n, exe) == 0) {
      strcat(exe_perms, exe_perms[0] != '\0' ? " " : "");
      strncat(exe_perms, perms, sizeof exe_perms - strlen(exe_perms) - 1);
    }
    heap |= strstr(line, "[heap]") != NULL;
    stack |= strstr(line, "[stack]") != NULL;
  }
  fclose(maps);
  printf("maps.exe %s\n", exe_perms);
  printf("maps.heap %s\n", heap ? "yes" : "no");
  printf("maps.stack %s\n", stack ? "yes" : "no");
  printf("maps.some_lines %s\n", lines >= 4 ? "yes" : "no");
  return 0;
}
