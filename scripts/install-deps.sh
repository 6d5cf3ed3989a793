#!/usr/bin/env bash
# Installs what Maplet needs to build and boot, with apt-get, as root. Idempotent: a tool that is
# already present is not reinstalled. QEMU comes from bookworm-backports because Debian 12's own
# QEMU 7.2 stores MTE tags per page instead of per granule (fixed in QEMU 8.0 by commit
# 28fb921f02ef).
set -euo pipefail

BASE_PKGS=(clang lld llvm gdb-multiarch googletest libgtest-dev libbenchmark-dev zlib1g-dev python3)
# Cross C toolchains and cpio for the user programs, the differential programs and the Linux
# oracle's initramfs.
BASE_PKGS+=(cpio gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-powerpc64le-linux-gnu
  libc6-dev-ppc64el-cross gcc-powerpc64-linux-gnu libc6-dev-ppc64-cross)
# The static C++ programs of user/libc (libstdc++), and musl for arm64 and ppc64el (packages of
# those foreign architectures: musl-dev:<arch> holds the static libc.a and the specs file for the
# cross gcc).
MUSL_ARCHES=(arm64 ppc64el)
BASE_PKGS+=(g++-aarch64-linux-gnu g++-powerpc64-linux-gnu g++-powerpc64le-linux-gnu
  "${MUSL_ARCHES[@]/#/musl-dev:}")
QEMU_PKGS=(qemu-system-arm qemu-system-ppc)
BACKPORTS_FILE=/etc/apt/sources.list.d/maplet-bookworm-backports.sources

missing_base() {
  local p
  for p in "${BASE_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

qemu_ok() {
  local bin ver
  for bin in qemu-system-aarch64 qemu-system-ppc64; do
    command -v "$bin" >/dev/null || return 1
    ver=$("$bin" --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p' | head -1)
    [ -n "$ver" ] && [ "$ver" -ge 8 ] || return 1
  done
}

mapfile -t need < <(missing_base)
if [ "${#need[@]}" -eq 0 ] && qemu_ok; then
  echo "install-deps: everything is installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing tools; run as root:" >&2
  echo "  sudo bash scripts/install-deps.sh" >&2
  exit 1
fi

# The backports suite uses the same mirror as the machine's own Debian entry.
# Only live entries count: deb822 'URIs:' fields and one-line 'deb' entries, never comments.
mirror=$( (grep -h -E '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | sed 's/^URIs:[[:space:]]*//'
  grep -h -E '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}') |
  tr ' ' '\n' | grep -E '^https?://.*/debian/?$' | head -1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
if ! qemu_ok; then
  echo "install-deps: adding bookworm-backports ($mirror) for QEMU >= 8.0"
  cat >"$BACKPORTS_FILE" <<SRC
Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

apt_retry() {
  local i
  for i in 1 2 3; do
    "$@" && return 0
    echo "install-deps: '$*' failed (try $i of 3), retrying" >&2
    sleep 5
  done
  return 1
}

export DEBIAN_FRONTEND=noninteractive
for arch in "${MUSL_ARCHES[@]}"; do
  dpkg --print-foreign-architectures | grep -qx "$arch" || dpkg --add-architecture "$arch"
done
apt_retry apt-get update -q
if [ "${#need[@]}" -gt 0 ]; then
  echo "install-deps: installing ${need[*]}"
  apt_retry apt-get install -y -q --no-install-recommends "${need[@]}"
fi
if ! qemu_ok; then
  echo "install-deps: installing ${QEMU_PKGS[*]} from bookworm-backports"
  apt_retry apt-get install -y -q --no-install-recommends -t bookworm-backports "${QEMU_PKGS[@]}"
fi
qemu_ok || { echo "install-deps: QEMU 8.0+ still missing after install" >&2; exit 1; }
echo "install-deps: done"
