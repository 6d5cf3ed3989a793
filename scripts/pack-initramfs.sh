#!/usr/bin/env bash
# Packs user programs into a newc cpio initramfs, reproducibly: every file and directory gets
# mtime 0 and owner 0:0, entries are sorted by name, and GNU cpio's --reproducible numbers the
# inodes itself instead of copying the build machine's.
#   pack-initramfs.sh OUT.cpio PROGRAM_DIR LIST
# LIST lines: "/path/in/archive MODE program" (program = a file in PROGRAM_DIR); '#' comments.
set -euo pipefail

out=$1
programs=$2
list=$3
root=$out.root
rm -rf "$root"
mkdir -p "$root"
while read -r path mode program; do
  case "$path" in '' | '#'*) continue ;; esac
  [ -f "$programs/$program" ] || { echo "pack-initramfs: no program $programs/$program" >&2; exit 1; }
  mkdir -p "$root/$(dirname "$path")"
  install -m "$mode" "$programs/$program" "$root/$path"
done <"$list"
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
  cpio --quiet -o -H newc --reproducible -R 0:0) >"$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$root"
