#!/usr/bin/env bash
# Measures how long a 64 MiB core (user/core_big.cc) takes to reach the host: on arm64 through
# semihosting (the default) and through the console's ~file frames (maplet.host_dir= left
# empty), on powerpc through the console. Prints each boot's QEMU time from the runner's summary;
# the boot without a core (core_big's time to fill its memory is in both) is the baseline.
#   scripts/measure-core-transport.sh [ARCH...]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
arches=${*:-arm64 powerpc}
for arch in $arches; do
  make -s -j2 "$BUILD/$arch/user/core_big" "$BUILD/host/maplet-run" kernels
  list=$BUILD/measure/$arch.list
  mkdir -p "$BUILD/measure"
  echo "/bin/core_big 0755 core_big" >"$list"
  scripts/pack-initramfs.sh "$BUILD/measure/$arch.cpio" "$BUILD/$arch/user" "$list"
  boot() {
    "$BUILD/host/maplet-run" --arch "$arch" --filter 'user_core_big.*' --timeout 900 \
      --qemu-arg=-initrd --qemu-arg="$BUILD/measure/$arch.cpio" \
      --append "maplet.user_timeout=600 $1" --artifacts "$BUILD/measure/artifacts-$2" |
      grep -E "^$arch: " | sed "s/^/$2: /" || true
  }
  boot "" "$arch-default"
  [ "$arch" = arm64 ] && boot "maplet.host_dir=" "$arch-console"
  ls -l "$BUILD"/measure/artifacts-"$arch"-*/"$arch"/core_big.core
done
