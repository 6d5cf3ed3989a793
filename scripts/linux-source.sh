#!/usr/bin/env bash
# Parts of Linux's source, unpacked under a build directory from Debian's linux-source-6.12
# package at the version in oracle/linux-version. The package is downloaded once (apt-get
# download, never installed) into the cache scripts/fetch-linux.sh uses; nothing of it enters the
# repository. A DIR whose ready stamp names the version and the members is left as it is.
#   scripts/linux-source.sh DIR MEMBER...  leaves DIR/linux-source-6.12/<MEMBER> (paths in the
#                                          tree, files or directories) and DIR/ready
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
  echo "linux-source: $*" >&2
  exit 1
}

[ $# -ge 2 ] || die "usage: scripts/linux-source.sh DIR MEMBER..."
dir=$1
shift
version=$(sed -n 's/^version[[:space:]]\{1,\}//p' oracle/linux-version | head -1)
[ -n "$version" ] || die "oracle/linux-version names no version"
stamp="$version $*"
if [ -f "$dir/ready" ] && [ "$(cat "$dir/ready")" = "$stamp" ]; then exit 0; fi

cache=$(scripts/fetch-linux.sh --print)/source
mkdir -p "$cache"
deb=$(ls "$cache"/linux-source-6.12_*.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ] || [ "$(dpkg-deb -f "$deb" Version)" != "$version" ]; then
  rm -f "$cache"/linux-source-6.12_*.deb
  echo "linux-source: downloading linux-source-6.12=$version"
  # A fresh machine's package lists may not know the version yet: one apt-get update (as root),
  # then once more.
  download() {
    (cd "$cache" && apt-get download -q -o APT::Sandbox::User="$(id -un)" \
      "linux-source-6.12=$version" >/dev/null)
  }
  download || { [ "$(id -u)" -eq 0 ] && apt-get update -q >/dev/null && download; } ||
    die "apt-get download linux-source-6.12=$version failed (no network, or apt-get update needed)"
  deb=$(ls "$cache"/linux-source-6.12_*.deb)
  [ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || die "$deb is not version $version"
fi

echo "linux-source: unpacking $* from $(basename "$deb") into $dir"
rm -rf "$dir/linux-source-6.12" "$dir/ready"
mkdir -p "$dir"
dpkg-deb --fsys-tarfile "$deb" | tar -x -O ./usr/src/linux-source-6.12.tar.xz |
  tar -xJ -C "$dir" "${@/#/linux-source-6.12/}" ||
  die "cannot unpack linux-source-6.12 from $deb"
echo "$stamp" >"$dir/ready"
