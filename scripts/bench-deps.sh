#!/usr/bin/env bash
# What `make bench` needs beyond scripts/install-deps.sh: liburcu-dev (the RCU library Linux's
# user-space maple tree harness runs on) and libabsl-dev (absl::btree_map), installed with apt-get
# as root when missing; and the part of Linux's source the maple tree is built from, unpacked
# under the build directory from Debian's linux-source-6.12 package at the version in
# oracle/linux-version. The package is downloaded once (apt-get download, never installed) into
# the cache scripts/fetch-linux.sh uses; nothing of it enters the repository.
#   scripts/bench-deps.sh DIR    leaves DIR/linux-source-6.12/ and DIR/ready (the version)
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${1:?usage: scripts/bench-deps.sh DIR}
PKGS=(liburcu-dev libabsl-dev)
# The files the maple tree and the harness's kernel shims are built from.
MEMBERS=(lib/maple_tree.c include/linux tools/include tools/arch tools/lib tools/testing/shared
  tools/testing/radix-tree)

die() {
  echo "bench-deps: $*" >&2
  exit 1
}

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing ${missing[*]}; run as root: sudo $0 $dir"
  echo "bench-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${missing[@]}"; } ||
    die "apt-get install ${missing[*]} failed"
fi

version=$(sed -n 's/^version[[:space:]]\{1,\}//p' oracle/linux-version | head -1)
[ -n "$version" ] || die "oracle/linux-version names no version"
if [ -f "$dir/ready" ] && [ "$(cat "$dir/ready")" = "$version" ]; then exit 0; fi

cache=$(scripts/fetch-linux.sh --print)/source
mkdir -p "$cache"
deb=$(ls "$cache"/linux-source-6.12_*.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ] || [ "$(dpkg-deb -f "$deb" Version)" != "$version" ]; then
  rm -f "$cache"/linux-source-6.12_*.deb
  echo "bench-deps: downloading linux-source-6.12=$version"
  (cd "$cache" && apt-get download -q -o APT::Sandbox::User="$(id -un)" \
    "linux-source-6.12=$version" >/dev/null) ||
    die "apt-get download linux-source-6.12=$version failed (no network, or apt-get update needed)"
  deb=$(ls "$cache"/linux-source-6.12_*.deb)
  [ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || die "$deb is not version $version"
fi

echo "bench-deps: unpacking the maple tree and its harness from $(basename "$deb")"
rm -rf "$dir/linux-source-6.12" "$dir/ready"
mkdir -p "$dir"
dpkg-deb --fsys-tarfile "$deb" | tar -x -O ./usr/src/linux-source-6.12.tar.xz |
  tar -xJ -C "$dir" "${MEMBERS[@]/#/linux-source-6.12/}" ||
  die "cannot unpack linux-source-6.12 from $deb"
echo "$version" >"$dir/ready"
