#include "kernel/mm/maps.h"

#include "kernel/mm/special_mapping.h"
#include "kernel/mm/vma.h"

namespace {

// Counts what passes through to the real sink, so the padding can be computed the way
// seq_pad() does it: from the number of bytes written since seq_setwidth().
struct CountingSink {
  Sink* inner;
  size_t count;
};

void counting_write(void* context, const char* s, size_t n) {
  auto* counter = static_cast<CountingSink*>(context);
  counter->inner->write(s, n);
  counter->count += n;
}

}  // namespace

void maps_render_line(Sink& sink, const MapsLine& line) {
  CountingSink counter{&sink, 0};
  Sink out(counting_write, &counter);
  // seq_put_hex_ll(m, NULL, start, 8) and friends: hex with a minimum width, never truncated.
  format(out, "%08llx-%08llx ", static_cast<unsigned long long>(line.start),
         static_cast<unsigned long long>(line.end));
  out.put(line.flags & VM_READ ? 'r' : '-');
  out.put(line.flags & VM_WRITE ? 'w' : '-');
  out.put(line.flags & VM_EXEC ? 'x' : '-');
  out.put(line.flags & VM_MAYSHARE ? 's' : 'p');
  format(out, " %08llx %02x:%02x %llu ", static_cast<unsigned long long>(line.offset),
         line.dev_major, line.dev_minor, static_cast<unsigned long long>(line.inode));
  if (line.name != nullptr && line.name[0] != '\0') {
    // seq_pad(m, ' '): spaces up to the width, then one separating space even when the prefix
    // already overran the width.
    while (counter.count < MAPS_NAME_COLUMN - 1) out.put(' ');
    out.put(' ');
    if (line.anon_name) {
      format(out, line.shmem ? "[anon_shmem:%s]" : "[anon:%s]", line.name);
    } else {
      out.write(line.name);
    }
  }
  out.put('\n');
}

const char* maps_vma_name(const Vma& vma, const MapsNaming& naming, bool* anon_name) {
  *anon_name = false;
  if (vma.vm_file != nullptr) return vma.vm_file->path;
  // The shmem file of shared anonymous memory, unlinked from the start.
  if (vma.shmem_inode != 0) {
    if (vma.anon_name != nullptr) {
      *anon_name = true;
      return vma.anon_name;
    }
    return "/dev/zero (deleted)";
  }
  if (vma.special != nullptr && vma.special->name != nullptr) return vma.special->name;
  // vma_is_initial_heap() and vma_is_initial_stack() of current Linux.
  if (vma.vm_start < naming.brk && vma.vm_end > naming.start_brk) return "[heap]";
  if (vma.vm_start <= naming.start_stack && vma.vm_end >= naming.start_stack) return "[stack]";
  if (vma.anon_name != nullptr) {
    *anon_name = true;
    return vma.anon_name;
  }
  return nullptr;
}

void maps_show_vma(Sink& sink, const Vma& vma, const MapsNaming& naming) {
  MapsLine line;
  line.start = vma.vm_start;
  line.end = vma.vm_end;
  line.flags = vma.vm_flags;
  if (vma.vm_file != nullptr) {
    line.offset = vma.vm_pgoff << PAGE_SHIFT;
    line.dev_major = vma.vm_file->dev_major;
    line.dev_minor = vma.vm_file->dev_minor;
    line.inode = vma.vm_file->inode;
  } else if (vma.shmem_inode != 0) {
    // shm_mnt's anonymous device; Debian's 6.12 numbers it 00:01.
    line.offset = vma.vm_pgoff << PAGE_SHIFT;
    line.dev_minor = 1;
    line.inode = vma.shmem_inode;
  }
  line.name = maps_vma_name(vma, naming, &line.anon_name);
  line.shmem = vma.shmem_inode != 0;
  maps_render_line(sink, line);
}
