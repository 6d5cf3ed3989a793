// The whole of /proc/self/maps for a static program as the kernel lays it out at exec (Linux
// fs/binfmt_elf.c load_elf_binary, fs/proc/task_mmu.c show_map_vma): each line's permissions,
// name and, for what the kernel itself sizes ([vvar], [stack]), the size in pages, in address
// order. [vdso] is the kernel's own image, whose size is its build's: it is shown as whether it
// covers exactly that image's file, starts at AT_SYSINFO_EHDR and follows [vvar] directly. The
// program's own lines are shown as "[program] load <n>", the PT_LOAD (from AT_PHDR) they come from.
// Their sizes, like those of the bss and [heap] lines, follow from the binary, so they are printed
// on lines of their own ("build.maps.<n> pages <p>"), which the big-endian powerpc kernel's
// comparison leaves out: it runs the big-endian build where Linux runs the little-endian one
// (oracle/normalise-big-endian). Addresses are left out (randomised).
#include <elf.h>

#include "oracle/programs/obs.h"

// Whether [start, end) is exactly the page-rounded ELF file at start, up to the end of its
// section header table (both kernels map their whole image file, which ends with that table).
static const char* is_image(uintptr_t start, uintptr_t end) {
  const Elf64_Ehdr* eh = (const Elf64_Ehdr*)start;
  if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) return "no";
  uintptr_t size = eh->e_shoff + (uintptr_t)eh->e_shnum * eh->e_shentsize;
  size = (size + obs_page - 1) & ~(uintptr_t)(obs_page - 1);
  return end - start == size ? "yes" : "no";
}

// The index of the PT_LOAD whose page-rounded range holds addr, or -1.
static int load_index(uintptr_t addr) {
  const Elf64_Phdr* ph = (const Elf64_Phdr*)getauxval(AT_PHDR);
  unsigned long n = getauxval(AT_PHNUM);
  int load = 0;
  for (unsigned long i = 0; ph != NULL && i < n; i++) {
    if (ph[i].p_type != PT_LOAD) continue;
    uintptr_t start = ph[i].p_vaddr & ~(uintptr_t)(obs_page - 1);
    uintptr_t end = (ph[i].p_vaddr + ph[i].p_memsz + obs_page - 1) & ~(uintptr_t)(obs_page - 1);
    if (addr >= start && addr < end) return load;
    load++;
  }
  return -1;
}

int main(int argc, char** argv) {
  (void)argc;
  obs_page = (size_t)getauxval(AT_PAGESZ);
  const char* self = (const char*)getauxval(AT_EXECFN);
  static char text[64 * 1024];
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    obs("maps", "open error %s", errno_name(errno));
    return 1;
  }
  size_t used = 0;
  for (;;) {
    ssize_t n = read(fd, text + used, sizeof text - 1 - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      obs("maps", "read error %s", errno_name(errno));
      return 1;
    }
    used += (size_t)n;
    if (n == 0 || used == sizeof text - 1) break;
  }
  close(fd);
  text[used] = '\0';
  int index = 0;
  unsigned long vvar_end = 0;
  for (char* line = text; *line != '\0'; index++) {
    char* next = strchr(line, '\n');
    if (next != NULL) *next++ = '\0';
    unsigned long start, end, offset, inode;  // offset and inode: parsed, not printed
    char perms[8], dev[16];
    int path_at = 0;
    if (sscanf(line, "%lx-%lx %7s %lx %15s %lu %n", &start, &end, perms, &offset, dev, &inode,
               &path_at) < 6) {
      obs("maps.unparsed", "%s", line);
    } else {
      const char* path = path_at > 0 ? line + path_at : "";
      char key[32];
      snprintf(key, sizeof key, "maps.%d", index);
      char size_key[40];
      snprintf(size_key, sizeof size_key, "build.%s", key);
      if (self != NULL && strcmp(path, self) == 0) {
        obs(key, "%s [program] load %d", perms, load_index(start));
        obs(size_key, "pages %lu", (end - start) / obs_page);
      } else if (strcmp(path, "[vdso]") == 0) {
        obs(key, "%s %s image %s at_sysinfo_ehdr %s follows_vvar %s", perms, path,
            is_image(start, end), start == getauxval(AT_SYSINFO_EHDR) ? "yes" : "no",
            start == vvar_end ? "yes" : "no");
      } else if (strcmp(path, "[vvar]") == 0 || strcmp(path, "[stack]") == 0) {
        if (strcmp(path, "[vvar]") == 0) vvar_end = end;
        obs(key, "%s %s pages %lu", perms, path, (end - start) / obs_page);
      } else {
        obs(key, "%s %s", perms, *path ? path : "[anon]");
        // At exec the anonymous lines are the bss and the break's, both sized by the binary.
        if (*path == '\0' || strcmp(path, "[heap]") == 0) {
          obs(size_key, "pages %lu", (end - start) / obs_page);
        }
      }
    }
    line = next != NULL ? next : line + strlen(line);
  }
  obs("maps.lines", "%d", index);
  obs("argv0", "%s", argv[0]);
  return 0;
}
