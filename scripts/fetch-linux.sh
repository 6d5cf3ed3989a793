#!/usr/bin/env bash
# Fetches the reference Linux kernels named in oracle/linux-version: Debian's linux-image 6.12
# for arm64 and ppc64el, downloaded with apt-get and unpacked (only their /boot) into the cache,
# never installed. Fails if the suite does not hold both images and linux-source-6.12 at that
# one version. Fast and offline once the cache holds the version.
#   scripts/fetch-linux.sh            fetch (or find cached) the recorded version
#   scripts/fetch-linux.sh --update   record the newest suite+version that has all three, fetch it
#   scripts/fetch-linux.sh --print    print the cache directory of the recorded version
# Cache: $MAPLET_CACHE (default ~/.cache/maplet)/linux/<version>/{arm64,ppc64el}/, each with the
# image's boot/ files and a "kernel" link to the file QEMU boots (arm64: vmlinuz, an
# uncompressed Image despite its name; ppc64el: the vmlinux ELF), and a "ready" stamp.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION_FILE=oracle/linux-version
CACHE=${MAPLET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/maplet}
# Debian architecture, the metapackage that names the versioned image, the file QEMU boots.
ARCHES=(arm64 ppc64el)
declare -A META=([arm64]=linux-image-6.12-arm64 [ppc64el]=linux-image-6.12-powerpc64le)
declare -A BOOT_FILE=([arm64]=vmlinuz [ppc64el]=vmlinux)

die() {
  echo "fetch-linux: $*" >&2
  exit 1
}

field() { sed -n "s/^$1[[:space:]]\{1,\}//p" "$VERSION_FILE" | head -1; }

# madison_has PACKAGE VERSION SUITE: the archive offers PACKAGE at VERSION in SUITE.
madison_has() {
  apt-cache madison "$1" 2>/dev/null |
    awk -F'|' -v v="$2" -v s="$3" '{gsub(/ /, "", $2); if ($2 == v && $3 ~ (" " s "/")) f = 1}
      END {exit !f}'
}

apt_ready=0
apt_prepare() {
  [ "$apt_ready" -eq 1 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "the reference kernels are not cached; run as root once: sudo $0"
  local a changed=0
  for a in "${ARCHES[@]}"; do
    if ! dpkg --print-foreign-architectures | grep -qx "$a"; then
      dpkg --add-architecture "$a"
      changed=1
    fi
  done
  if [ "$changed" -eq 1 ] || ! madison_has linux-source-6.12 "${1:-x}" "${2:-x}"; then
    local i
    for i in 1 2 3; do
      apt-get update -q >/dev/null && break
      [ "$i" -eq 3 ] && die "apt-get update failed 3 times (no network?): cannot fetch Linux"
      sleep 5
    done
  fi
  apt_ready=1
}

# image_package ARCH VERSION SUITE: prints the versioned image package (e.g.
# linux-image-6.12.117+deb12-arm64) that SUITE offers for ARCH at VERSION. The metapackage names
# it while it is at VERSION; once the metapackage has moved on to a newer upload (one arch's build
# often lands days before the other's), the versioned package is still in the archive and is
# found among the package names of the image's flavour.
image_package() {
  local a=$1 version=$2 suite=$3 pkg flavour
  if madison_has "${META[$a]}:$a" "$version" "$suite"; then
    pkg=$(apt-cache show "${META[$a]}:$a=$version" 2>/dev/null |
      sed -n 's/^Depends: \(linux-image-[^ ,]*\).*/\1/p' | head -1)
    [ -n "$pkg" ] && madison_has "$pkg:$a" "$version" "$suite" && { echo "$pkg"; return 0; }
  fi
  flavour=${META[$a]#linux-image-6.12-}
  while read -r pkg; do
    madison_has "$pkg:$a" "$version" "$suite" && { echo "$pkg"; return 0; }
  done < <(apt-cache pkgnames linux-image-6.12. 2>/dev/null |
    grep -E "^linux-image-6\.12\.[0-9]+\+[a-z0-9.]+-$flavour\$" | sort -r)
  return 1
}

# The newest "VERSION SUITE" in which linux-source-6.12 and an image for each arch agree.
newest_consistent() {
  local line version suite a ok
  while IFS='|' read -r _ version rest; do
    version=${version// /}
    suite=$(sed 's/^ *[^ ]* *\([^/ ]*\)\/.*/\1/' <<<"$rest")
    ok=1
    for a in "${ARCHES[@]}"; do image_package "$a" "$version" "$suite" >/dev/null || ok=0; done
    if [ "$ok" -eq 1 ]; then
      echo "$version $suite"
      return 0
    fi
  done < <(apt-cache madison linux-source-6.12 2>/dev/null | grep ' amd64 Packages$')
  return 1
}

if [ "${1:-}" = "--update" ]; then
  apt_prepare
  read -r version suite < <(newest_consistent) ||
    die "no suite has linux-source-6.12 and linux-image 6.12 for arm64 and ppc64el at one version"
  sed -i -e "s/^suite .*/suite $suite/" -e "s/^version .*/version $version/" "$VERSION_FILE"
  echo "fetch-linux: recorded $version from $suite in $VERSION_FILE"
fi

version=$(field version)
suite=$(field suite)
[ -n "$version" ] && [ -n "$suite" ] || die "$VERSION_FILE must name a suite and a version"
dir=$CACHE/linux/$version
if [ "${1:-}" = "--print" ]; then
  echo "$dir"
  exit 0
fi

for a in "${ARCHES[@]}"; do
  [ -f "$dir/$a/ready" ] && continue
  apt_prepare "$version" "$suite"
  madison_has linux-source-6.12 "$version" "$suite" ||
    die "$suite has no linux-source-6.12 at $version (the version read for semantics)"
  pkg=$(image_package "$a" "$version" "$suite") ||
    die "$suite has no linux-image 6.12 for $a at $version: the images and the source differ"
  tmp=$(mktemp -d "$CACHE/linux/.fetch-XXXXXX" 2>/dev/null || { mkdir -p "$CACHE/linux" &&
    mktemp -d "$CACHE/linux/.fetch-XXXXXX"; })
  echo "fetch-linux: downloading $pkg:$a=$version from $suite"
  (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg:$a=$version" >/dev/null) ||
    die "apt-get download $pkg:$a=$version failed (no network?)"
  deb=$(ls "$tmp"/*.deb)
  [ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || die "$deb is not version $version"
  mkdir -p "$tmp/$a"
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/$a" ./boot
  image=$(ls "$tmp/$a"/boot/"${BOOT_FILE[$a]}"-* 2>/dev/null | head -1)
  [ -n "$image" ] || die "$pkg has no /boot/${BOOT_FILE[$a]}-*"
  ln -s "boot/$(basename "$image")" "$tmp/$a/kernel"
  echo "$pkg $version $suite" >"$tmp/$a/ready"
  mkdir -p "$dir"
  rm -rf "${dir:?}/$a"
  mv "$tmp/$a" "$dir/$a"
  rm -rf "$tmp"
done
echo "fetch-linux: Linux $version ($suite) in $dir"
