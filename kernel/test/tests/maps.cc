// /proc/PID/maps lines, checked byte for byte against lines Linux printed: the [heap] and the
// unnamed VDSO line from Michael Ellerman's report (ppc64, 64 KiB pages) and a file line from
// an arm64/x86 /proc/self/maps.

#include "kernel/mm/maps.h"
#include "kernel/test/test.h"

namespace {

char g_text[256];

const char* render(const MapsLine& line) {
  BufferSink sink(g_text, sizeof(g_text));
  maps_render_line(sink, line);
  VERIFY(!sink.truncated());
  return sink.c_str();
}

}  // namespace

KTEST(maps, heap_line_pads_name_to_column_73) {
  MapsLine line;
  line.start = 0x126000000;
  line.end = 0x126030000;
  line.flags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
  line.name = "[heap]";
  EXPECT_STREQ(render(line),
               "126000000-126030000 rw-p 00000000 00:00 0                                "
               "[heap]\n");
}

KTEST(maps, unnamed_vdso_line_ends_with_a_space) {
  MapsLine line;
  line.start = 0x7fffa8d70000;
  line.end = 0x7fffa8d90000;
  line.flags = VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
  EXPECT_STREQ(render(line), "7fffa8d70000-7fffa8d90000 r-xp 00000000 00:00 0 \n");
  line.name = "[vdso]";
  EXPECT_STREQ(render(line),
               "7fffa8d70000-7fffa8d90000 r-xp 00000000 00:00 0                          "
               "[vdso]\n");
}

KTEST(maps, file_line_has_offset_device_and_inode) {
  MapsLine line;
  line.start = 0x55b2d9ef8000;
  line.end = 0x55b2d9f11000;
  line.flags = VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYEXEC;
  line.offset = 0x4000;
  line.dev_major = 0xfe;
  line.dev_minor = 0;
  line.inode = 247767;
  line.name = "/usr/bin/mawk";
  EXPECT_STREQ(render(line),
               "55b2d9ef8000-55b2d9f11000 r-xp 00004000 fe:00 247767                     "
               "/usr/bin/mawk\n");
}

KTEST(maps, short_addresses_are_zero_padded_to_eight_digits) {
  MapsLine line;
  line.start = 0x10000;
  line.end = 0x20000;
  line.flags = VM_READ | VM_WRITE;
  line.name = "buf";
  line.anon_name = true;
  EXPECT_STREQ(render(line),
               "00010000-00020000 rw-p 00000000 00:00 0                                  "
               "[anon:buf]\n");
}

KTEST(maps, mayshare_not_shared_decides_s) {
  MapsLine line;
  line.start = 0x1000;
  line.end = 0x2000;
  // A shared mapping of a read-only file keeps VM_MAYSHARE but drops VM_SHARED; it is still 's'.
  line.flags = VM_READ | VM_MAYSHARE;
  EXPECT_STREQ(render(line), "00001000-00002000 r--s 00000000 00:00 0 \n");
  line.flags = VM_SHARED;
  EXPECT_STREQ(render(line), "00001000-00002000 ---p 00000000 00:00 0 \n");
}
