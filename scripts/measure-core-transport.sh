#!/usr/bin/env bash
# Measures how long a 64 MiB core (user/core_big.cc) takes to reach the host, each arch through
# its host-file channel (the default: arm64 semihosting, powerpc guest RAM read by the runner,
# ~hostfile/~hostram) and through the console's ~file frames (maplet.host_dir= left empty).
# Prints each boot's QEMU time from the runner's summary and the core's size; core_big's time to
# fill its memory and the core writer's own time are in both boots.
#   [SKIP_CONSOLE=1] scripts/measure-core-transport.sh [ARCH...]   (SKIP_CONSOLE: no console boot)
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
  [ -n "${SKIP_CONSOLE:-}" ] || boot "maplet.host_dir=" "$arch-console"
  ls -l "$BUILD"/measure/artifacts-"$arch"-*/"$arch"/core_big.core
done
