#!/bin/sh
# Answers --version like Debian 12's QEMU 7.2, whose MTE tag store is broken.
echo "QEMU emulator version 7.2.15 (Debian 1:7.2+dfsg-7+deb12u16)"
echo "Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers"
