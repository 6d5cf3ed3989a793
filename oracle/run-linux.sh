#!/usr/bin/env bash
# Runs the differential programs on Debian's Linux (the oracle) and leaves one observation file
# per program and arch: build/oracle/linux/<arch>/<program>.obs (the program's lines, then
# "status exit N" or "status signal N"), and beside it <program>.core when the program left a core
# (oracle/init.c sends it framed, with its size and CRC-32, which are checked). Each arch's programs share one newc initramfs with
# oracle/init.c as /init and one Linux boot under the QEMU machine Maplet uses; both arches boot
# in parallel. Results are cached under $MAPLET_CACHE/oracle/<arch>/ by a key over the program's
# bytes, /init's bytes, the kernel version and the boot configuration, so a warm run boots Linux
# only for programs whose key changed.
#   oracle/run-linux.sh BUILD_DIR      (BUILD_DIR/oracle/<target>/ holds init and programs/)
# Exit status 0 when every program has an observation file; 1 with the reason otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
CACHE=${MAPLET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/maplet}
BOOT_SECONDS=${ORACLE_BOOT_SECONDS:-180}
linux_dir=$(scripts/fetch-linux.sh --print)
version=$(sed -n 's/^version //p' oracle/linux-version)

# Maplet's arch name -> the build target whose programs Linux runs, the Debian image, QEMU.
declare -A TARGET=([arm64]=arm64 [powerpc]=ppc64le)
declare -A IMAGE=([arm64]=arm64 [powerpc]=ppc64el)
# The same machines as Maplet's runner (tools/runner/qemu.cc); arm64 without SVE/SME, whose
# signal-frame records and hwcaps Maplet does not implement. -no-reboot with panic=-1 turns a
# Linux panic into QEMU's exit instead of a reboot loop.
declare -A QEMU=(
  [arm64]="qemu-system-aarch64 -M virt,mte=on -cpu max,sve=off,sme=off -m 256M"
  [powerpc]="qemu-system-ppc64 -M pseries,x-vof=on -m 256M -vga none"
)
declare -A CMDLINE=([arm64]="console=ttyAMA0 quiet panic=-1" [powerpc]="console=hvc0 quiet panic=-1")
COMMON="-display none -monitor none -serial stdio -nic none -no-reboot"

hash_of() { sha256sum "$1" | cut -d' ' -f1; }

# run_arch ARCH: fills build/oracle/linux/ARCH/ from the cache, booting Linux for the misses.
run_arch() {
  local arch=$1 target=${TARGET[$1]}
  local bin=$build/oracle/$target out=$build/oracle/linux/$arch cache=$CACHE/oracle/$arch
  local kernel=$linux_dir/${IMAGE[$arch]}/kernel
  [ -e "$kernel" ] || { echo "run-linux: $arch: no kernel at $kernel (run scripts/fetch-linux.sh)"; return 1; }
  [ -x "$bin/init" ] || { echo "run-linux: $arch: $bin/init is not built"; return 1; }
  rm -rf "$out"
  mkdir -p "$out" "$cache"
  local config="${QEMU[$arch]} $COMMON -append ${CMDLINE[$arch]}"
  local init_hash
  init_hash=$(hash_of "$bin/init")
  local p name key missing=() all=()
  for p in "$bin"/programs/*; do
    name=$(basename "$p")
    all+=("$name")
    key=$(printf '%s\n' "$(hash_of "$p")" "$init_hash" "$version" "$config" | sha256sum | cut -c1-32)
    echo "$key" >"$out/$name.key"
    [ -f "$cache/$key.obs" ] || missing+=("$name")
  done
  [ "${#all[@]}" -gt 0 ] || { echo "run-linux: $arch: no programs in $bin/programs"; return 1; }
  # /init's own frame (its speed figures) is kept as the observation init.obs, keyed by its bytes.
  local programs=("${missing[@]}")
  all+=(init)
  key=$(printf '%s\n' "$init_hash" "$init_hash" "$version" "$config" | sha256sum | cut -c1-32)
  echo "$key" >"$out/init.key"
  [ -f "$cache/$key.obs" ] || missing+=(init)
  local start=$SECONDS
  if [ "${#missing[@]}" -gt 0 ]; then
    local stage=$out/initramfs
    mkdir -p "$stage/p"
    cp "$bin/init" "$stage/init"
    for name in "${programs[@]}"; do cp "$bin/programs/$name" "$stage/p/$name"; done
    printf '%s\n' "${programs[@]}" >"$stage/oracle-programs"
    (cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc) >"$out/initramfs.cpio"
    local status=0
    # shellcheck disable=SC2086  # the configuration is a list of words
    timeout "$BOOT_SECONDS" ${QEMU[$arch]} $COMMON -kernel "$kernel" -initrd "$out/initramfs.cpio" \
      -append "${CMDLINE[$arch]}" </dev/null >"$out/console.log" 2>&1 || status=$?
    tr -d '\r' <"$out/console.log" >"$out/console.txt"
    if ! grep -qx "~oracle done ${#programs[@]}" "$out/console.txt"; then
      echo "run-linux: $arch: Linux did not finish the programs (QEMU status $status" \
        "$([ "$status" -eq 124 ] && echo ", timeout after ${BOOT_SECONDS} s")); console: $out/console.log"
      tail -15 "$out/console.txt" | sed 's/^/    /'
      return 1
    fi
    split_cores "$out" "$cache" "${missing[@]}" || return 1
    split_console "$out" "$cache" "${missing[@]}" || return 1
  fi
  for name in "${all[@]}"; do
    key=$(cat "$out/$name.key")
    cp "$cache/$key.obs" "$out/$name.obs"
    if [ -f "$cache/$key.core" ]; then cp "$cache/$key.core" "$out/$name.core"; fi
  done
  echo "run-linux: $arch: ${#all[@]} programs, ${#missing[@]} run on Linux $version" \
    "($((SECONDS - start)) s), $((${#all[@]} - ${#missing[@]})) from the cache"
}

# split_cores OUT CACHE NAMES...: each program's core from its "~oracle file" frame (after its end
# line), its size and CRC-32 checked, into the cache as <key>.core. Run before split_console, whose
# <key>.obs marks a program as cached: a cached program without <key>.core left no core.
split_cores() {
  local out=$1 cache=$2
  shift 2
  python3 - "$out" "$cache" "$@" <<'PY'
import base64, os, sys, zlib
out, cache, names = sys.argv[1], sys.argv[2], sys.argv[3:]
lines = open(os.path.join(out, "console.txt"), errors="replace").read().split("\n")
files, current = {}, None
for line in lines:
    if line.startswith("~oracle file "):
        _, _, name, size, crc = line.split(" ")
        current = (name, int(size), int(crc, 16), [])
    elif current and line.startswith("~oracle data "):
        current[3].append(line[len("~oracle data "):])
    elif current and line == "~oracle fileend " + current[0]:
        name, size, crc, data = current
        blob = base64.b64decode("".join(data))
        if len(blob) != size or zlib.crc32(blob) != crc:
            sys.exit(f"run-linux: {name}: {len(blob)} bytes, CRC-32 {zlib.crc32(blob):08x}; "
                     f"the frame said {size} bytes, {crc:08x}")
        files[name] = blob
        current = None
if current:
    sys.exit(f"run-linux: {current[0]}: no ~oracle fileend")
for program in names:
    blob = files.get(program[:15] + ".core")
    if blob is None:
        continue
    key = open(os.path.join(out, program + ".key")).read().strip()
    tmp = os.path.join(cache, f".{program}.core.{os.getpid()}")
    open(tmp, "wb").write(blob)
    os.rename(tmp, os.path.join(cache, key + ".core"))
PY
}

# split_console OUT CACHE NAMES...: one observation file per program from the framed console.
split_console() {
  local out=$1 cache=$2 name tmp lines verdict
  shift 2
  for name in "$@"; do
    tmp=$out/$name.obs.tmp
    awk -v name="$name" '
      $0 == "~oracle begin " name { inside = 1; next }
      inside && index($0, "~oracle line ") == 1 { print substr($0, 14); next }
      inside && index($0, "~oracle end " name " ") == 1 {
        n = split($0, w, " ")
        printf "status"; for (i = 6; i <= n; i++) printf " %s", w[i]; printf "\n"
        printf "%s\n", w[5] > "/dev/stderr"; found = 1; exit }
      END { exit !found }' "$out/console.txt" >"$tmp" 2>"$out/$name.count" || {
      echo "run-linux: no complete output for $name in $out/console.log"
      return 1
    }
    lines=$(cat "$out/$name.count")
    # The frame's count must match what arrived, so a line lost on the console is caught.
    [ "$(($(wc -l <"$tmp") - 1))" -eq "$lines" ] || {
      echo "run-linux: $name printed $lines lines but $(($(wc -l <"$tmp") - 1)) arrived"
      return 1
    }
    # Copied in, then renamed inside the cache, so a concurrent run never reads half a file.
    cp "$tmp" "$cache/.$name.$$" && mv "$cache/.$name.$$" "$cache/$(cat "$out/$name.key").obs"
    rm -f "$tmp"
    rm -f "$out/$name.count"
  done
}

mkdir -p "$build/oracle"
declare -A pid
for arch in arm64 powerpc; do
  run_arch "$arch" >"$build/oracle/run-linux-$arch.log" 2>&1 &
  pid[$arch]=$!
done
failed=0
for arch in arm64 powerpc; do
  wait "${pid[$arch]}" || failed=1
  cat "$build/oracle/run-linux-$arch.log"
done
exit "$failed"
