#!/usr/bin/env bash
# What `make bench` needs beyond scripts/install-deps.sh: liburcu-dev (the RCU library Linux's
# user-space maple tree harness runs on) and libabsl-dev (absl::btree_map), installed with apt-get
# as root when missing; and the part of Linux's source the maple tree is built from, unpacked
# under the build directory by scripts/linux-source.sh.
#   scripts/bench-deps.sh DIR    leaves DIR/linux-source-6.12/ and DIR/ready
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

scripts/linux-source.sh "$dir" "${MEMBERS[@]}"
