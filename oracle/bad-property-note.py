#!/usr/bin/env python3
"""Writes a copy of a 64-bit little-endian ELF executable whose PT_GNU_PROPERTY note's first
property says its data is 8 bytes long instead of 4: a GNU_PROPERTY_AARCH64_FEATURE_1_AND that
Linux 6.12's arch_parse_elf_property() refuses with ENOEXEC. A file without PT_GNU_PROPERTY (the
powerpc builds) is copied unchanged.
  oracle/bad-property-note.py IN OUT"""
import struct
import sys

PT_GNU_PROPERTY = 0x6474E553
# Elf64_Nhdr (12 bytes) and its name "GNU\0", then the first property's {pr_type, pr_datasz}.
PR_DATASZ_AT = 12 + 4 + 4


def main():
    source, target = sys.argv[1], sys.argv[2]
    data = bytearray(open(source, "rb").read())
    if data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1:
        phoff, = struct.unpack_from("<Q", data, 32)
        phentsize, phnum = struct.unpack_from("<HH", data, 54)
        for i in range(phnum):
            at = phoff + i * phentsize
            p_type, = struct.unpack_from("<I", data, at)
            if p_type != PT_GNU_PROPERTY:
                continue
            p_offset, = struct.unpack_from("<Q", data, at + 8)
            datasz, = struct.unpack_from("<I", data, p_offset + PR_DATASZ_AT)
            if datasz != 4:
                sys.exit(f"{source}: the first property is {datasz} bytes long, not 4")
            struct.pack_into("<I", data, p_offset + PR_DATASZ_AT, 8)
    open(target, "wb").write(data)


main()
