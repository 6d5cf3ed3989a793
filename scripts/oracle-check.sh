#!/usr/bin/env bash
# The Linux-oracle step of `make check`: fetches the reference kernels (or finds them cached),
# runs every differential program on Linux for both arches (oracle/run-linux.sh, cached), and
# compares each program's observations with Maplet's. One case
# per program and arch for the Linux run (its observation file exists and it exited 0, or was
# killed by a signal and left a core, or none if named core_*_none, or, named *_refused, exec
# refused it), and one per program
# and Maplet kernel for the comparison, failed where Maplet has no observation file for it (unless
# oracle/known-differences gives its reason with the key no-observation).
#   scripts/oracle-check.sh [BUILD_DIR]
# Maplet runs the same programs in the boot configurations arm64-oracle, powerpc-oracle and
# powerpc64le-oracle (maplet.oracle=1), which send each program's observations as the artifact
# <program>.obs; they are collected as BUILD_DIR/oracle/maplet/<kernel>/<program>.obs. arm64 and
# powerpc64le run the very binaries Linux runs (arm64, ppc64el); the big-endian powerpc kernel
# runs the big-endian builds, compared with Linux's ppc64el runs of the little-endian ones, so its
# comparisons also leave out what oracle/normalise-big-endian lists, and its cores what
# oracle/core-differences lists for powerpc alone. With $ORACLE_MAPLET_OBS set, Maplet is not
# booted and the observations are read from that directory instead. A program whose first
# difference is listed in oracle/known-differences is skipped with its reason. The last line is
# "oracle: N passed, N failed, N skipped".
# Cores: a program that leaves a core on Linux (oracle/init.c sends it) must leave one on Maplet
# (the artifact <program>.core, collected beside its observations), and oracle/core-compare
# compares the two with the entries of oracle/core-differences: one case per core and kernel; a
# core RLIMIT_CORE cut (core_cut_*) is compared by its size instead, and core_cut_none must leave
# none on either kernel.
set -uo pipefail
cd "$(dirname "$0")/.."

# Maplet's kernels and the Linux run each is compared with (oracle/run-linux.sh's arch).
KERNELS=(arm64 powerpc powerpc64le)
declare -A LINUX_OF=([arm64]=arm64 [powerpc]=powerpc [powerpc64le]=powerpc)

build=${1:-build}
maplet_obs=${ORACLE_MAPLET_OBS:-$build/oracle/maplet}
compare=$build/host/oracle-compare
known=oracle/known-differences
source scripts/case-counts.sh

summary() {
  echo "oracle: $passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
  exit
}

if ! scripts/fetch-linux.sh; then
  fail "the reference Linux kernels cannot be fetched or found in the cache"
  summary
fi
start=$SECONDS
if ! oracle/run-linux.sh "$build"; then
  fail "Linux did not run the differential programs"
fi
echo "   Linux runs took $((SECONDS - start)) s"

if [ -z "${ORACLE_MAPLET_OBS:-}" ]; then
  start=$SECONDS
  runs=$build/oracle/maplet-run
  rm -rf "$maplet_obs" "$runs"
  configs=$(printf '%s-oracle,' "${KERNELS[@]}")
  if "$build/host/maplet-run" --config "${configs%,}" --filter 'oracle_*' --artifacts "$runs" \
    >"$build/oracle/maplet-run.log" 2>&1; then
    pass "Maplet ran the differential programs ($(tail -1 "$build/oracle/maplet-run.log"))"
  else
    fail "Maplet did not run the differential programs: $(tail -1 "$build/oracle/maplet-run.log")"
  fi
  for kernel in "${KERNELS[@]}"; do
    mkdir -p "$maplet_obs/$kernel"
    for obs in "$runs/$kernel-oracle"/*.obs "$runs/$kernel-oracle"/*.core; do
      [ -f "$obs" ] && cp "$obs" "$maplet_obs/$kernel/"
    done
  done
  echo "   Maplet runs took $((SECONDS - start)) s"
fi

# The key of the first difference in oracle-compare's output: the Linux side's, or Maplet's
# where Linux has no line there.
first_key() {
  awk '/^  linux:  / { if ($2 != "(missing)") { print $2; exit } missing = 1; next }
       /^  maplet: / && missing { print $2; exit }' <<<"$1"
}

# The normalisation list of a kernel's comparisons.
normalise_list() {
  if [ "$1" = powerpc ]; then
    cat oracle/normalise oracle/normalise-big-endian >"$build/oracle/normalise-powerpc"
    echo "$build/oracle/normalise-powerpc"
  else
    echo oracle/normalise
  fi
}

for arch in arm64 powerpc; do
  for obs in "$build/oracle/linux/$arch"/*.obs; do
    [ -f "$obs" ] || continue
    name=$(basename "$obs" .obs)
    status=$(tail -1 "$obs")
    core=${obs%.obs}.core
    if [ "$status" = "status exit 0" ]; then
      pass "linux $arch $name ($(($(wc -l <"$obs") - 1)) lines)"
    elif [[ $name == *_refused ]] && [ "$status" = "status exit 127" ] &&
      [[ $(head -1 "$obs") == "~exec-failed "* ]]; then
      # A program made for exec to refuse (oracle/oracle.mk): /init's child reports the errno.
      pass "linux $arch $name (exec refused it: $(head -1 "$obs"))"
    elif [[ $status == "status signal "* ]] && [ -f "$core" ] && [[ $name != *_none ]]; then
      # A program that dies on purpose (core_*) ends by its signal and leaves a core.
      pass "linux $arch $name ($(($(wc -l <"$obs") - 1)) lines, $status, a core of" \
        "$(stat -c %s "$core") bytes)"
    elif [[ $status == "status signal "* ]] && [ ! -f "$core" ] && [[ $name == core_*_none ]]; then
      # One made to leave none (core_cut_none: RLIMIT_CORE below a page).
      pass "linux $arch $name ($(($(wc -l <"$obs") - 1)) lines, $status, no core)"
    else
      fail "linux $arch $name: $status"
    fi
  done
done
for arch in "${KERNELS[@]}"; do
  rules=$(normalise_list "$arch")
  for obs in "$build/oracle/linux/${LINUX_OF[$arch]}"/*.obs; do
    [ -f "$obs" ] || continue
    name=$(basename "$obs" .obs)
    theirs=$maplet_obs/$arch/$name.obs
    entry=$(awk -v a="$arch" -v n="$name" '$1 == a && $2 == n' "$known")
    # A program Linux ran and Maplet did not observe fails, unless its entry's key says so.
    if [ ! -f "$theirs" ] && [ "$(awk '{ print $3 }' <<<"$entry")" = no-observation ]; then
      skip "compare $arch $name: no Maplet observation ($(cut -d' ' -f4- <<<"$entry"))"
      continue
    elif [ ! -f "$theirs" ]; then
      fail "compare $arch $name: Linux ran it, Maplet left no observation ($theirs)"
      continue
    fi
    out=$("$compare" "$rules" "$obs" "$theirs")
    code=$?
    if [ $code -eq 0 ] && [ -n "$entry" ]; then
      fail "compare $arch $name matches now: remove its entry from $known"
    elif [ $code -eq 0 ]; then
      pass "compare $arch $name: $(tail -1 <<<"$out")"
    elif [ $code -eq 1 ] && [ -n "$entry" ] &&
      [ "$(first_key "$out")" = "$(awk '{ print $3 }' <<<"$entry")" ]; then
      skip "compare $arch $name: known difference at $(awk '{ print $3 }' <<<"$entry")" \
        "($(cut -d' ' -f4- <<<"$entry")); $(tail -1 <<<"$out")"
    else
      fail "compare $arch $name"
      sed 's/^/        /' <<<"$out"
    fi
  done
done
# Cores: every core either kernel left, against the other's.
core_list=oracle/core-differences
for arch in "${KERNELS[@]}"; do
  for core in "$build/oracle/linux/${LINUX_OF[$arch]}"/*.core "$maplet_obs/$arch"/*.core; do
    [ -f "$core" ] || continue
    name=$(basename "$core" .core)
    linux=$build/oracle/linux/${LINUX_OF[$arch]}/$name.core
    mine=$maplet_obs/$arch/$name.core
    # Each pair once: from the Linux side, or from Maplet's when Linux has none.
    [ "$core" = "$mine" ] && [ -f "$linux" ] && continue
    if [ ! -f "$linux" ] || [ ! -f "$mine" ]; then
      fail "core $arch $name: only $([ -f "$linux" ] && echo Linux || echo Maplet) left a core"
      continue
    fi
    if [[ $name == core_cut_* ]]; then
      # A core RLIMIT_CORE cut (oracle/programs/core_cut.h): where it ends, an ELF file's start.
      lsize=$(stat -c %s "$linux") msize=$(stat -c %s "$mine")
      if [ "$lsize" = "$msize" ] && [ "$(head -c 4 "$linux" | od -An -tx1)" = " 7f 45 4c 46" ] &&
        [ "$(head -c 4 "$mine" | od -An -tx1)" = " 7f 45 4c 46" ]; then
        pass "core $arch $name: cut at $lsize bytes on both kernels"
      else
        fail "core $arch $name: cut at $lsize bytes on Linux, $msize on Maplet"
      fi
      continue
    fi
    out=$(oracle/core-compare "$arch" "$core_list" "$linux" "$mine")
    if [ $? -eq 0 ]; then
      pass "core $arch $name: $(tail -1 <<<"$out")"
    else
      fail "core $arch $name"
      sed 's/^/        /' <<<"$out"
    fi
  done
done

# Speed side by side: each time.* figure of the speed program and of /init (the boot and a
# program's whole life) on each Maplet kernel and on its Linux, and their ratio. Reported, never
# judged.
for arch in "${KERNELS[@]}"; do
  mine=$build/oracle/speed-maplet-$arch.obs
  ref=$build/oracle/speed-linux-$arch.obs
  linux=$build/oracle/linux/${LINUX_OF[$arch]}
  cat "$maplet_obs/$arch/speed.obs" "$maplet_obs/$arch/init.obs" >"$mine" 2>/dev/null
  cat "$linux/speed.obs" "$linux/init.obs" >"$ref" 2>/dev/null
  [ -s "$mine" ] && [ -s "$ref" ] || continue
  awk -v arch="$arch" 'FNR == NR && /^time\./ { linux[$1] = $2; order[++n] = $1; next }
    /^time\./ { maplet[$1] = $2 }
    END {
      for (i = 1; i <= n; i++) {
        k = order[i]; name = substr(k, 6)
        if (k in maplet && linux[k] > 0)
          printf "   speed %-11s %-24s linux %12.0f ns  maplet %12.0f ns  maplet/linux %.2f\n", arch,
            name, linux[k], maplet[k], maplet[k] / linux[k]
        else
          printf "   speed %-11s %-24s linux %12.0f ns  maplet (none)\n", arch, name, linux[k]
      }
    }' "$ref" "$mine"
done

# The comparison step itself: a Linux file against an exact copy agrees, against a copy with one
# value changed it fails and shows both sides.
sample=$(ls "$build"/oracle/linux/arm64/*.obs 2>/dev/null | head -1)
if [ -n "$sample" ]; then
  copy=$build/oracle/compare-selftest.obs
  cp "$sample" "$copy"
  if "$compare" oracle/normalise "$sample" "$copy" >/dev/null; then
    pass "compare agrees with an exact copy of $sample"
  else
    fail "compare rejects an exact copy of $sample"
  fi
  sed -i '1s/$/ changed/' "$copy"
  out=$("$compare" oracle/normalise "$sample" "$copy")
  if [ $? -eq 1 ] && grep -q "^  maplet: .* changed$" <<<"$out"; then
    pass "compare catches one changed line and prints both sides"
  else
    fail "compare missed a changed line"
  fi
fi

# What only the big-endian kernel's comparisons leave out: Linux's ppc64el observations and core
# against the big-endian kernel's differ where the two builds do (a build.* line; the core's byte
# order) when compared as the little-endian kernel's are.
linux_maps=$build/oracle/linux/powerpc/maps_layout.obs
big_maps=$maplet_obs/powerpc/maps_layout.obs
if [ -f "$linux_maps" ] && [ -f "$big_maps" ]; then
  out=$("$compare" "$(normalise_list powerpc64le)" "$linux_maps" "$big_maps")
  if [ $? -eq 1 ] && [[ $(first_key "$out") == build.* ]]; then
    pass "powerpc64le's comparison keeps the build facts the big-endian one leaves out"
  else
    fail "the big-endian build's maps_layout passes powerpc64le's comparison: $out"
  fi
fi
linux_core=$build/oracle/linux/powerpc/core_segv.core
big_core=$maplet_obs/powerpc/core_segv.core
if [ -f "$linux_core" ] && [ -f "$big_core" ]; then
  out=$(oracle/core-compare powerpc64le "$core_list" "$linux_core" "$big_core")
  if [ $? -eq 1 ] && grep -q "^  header.byte_order$" <<<"$out" &&
    grep -q "^  segment.window.word_bytes$" <<<"$out"; then
    pass "powerpc64le's core comparison keeps the byte orders the big-endian one leaves out"
  else
    fail "the big-endian kernel's core passes powerpc64le's comparison: $out"
  fi
fi

# The core comparison itself: Maplet's core against an exact copy agrees; against a copy with one
# byte of the window's pages changed (and on arm64 one of the tag segment), or one register moved
# by a few bytes (a stack pointer, where only its place in the stack is compared), it fails and
# names it.
# plant FILE OFFSET: the byte at OFFSET of FILE, inverted.
plant() {
  local byte
  byte=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
  printf "$(printf '\\%03o' $((255 - byte)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# add_to_note FILE TYPE OFFSET SIZE DELTA: the SIZE-byte word at OFFSET of the descriptor of FILE's
# first note of TYPE, DELTA added (an OFFSET of "auxv:KEY" names the value of auxv entry KEY).
add_to_note() {
  python3 - "$@" <<'PY'
import struct, sys
path, note, offset, size, delta = sys.argv[1], int(sys.argv[2], 0), sys.argv[3], int(sys.argv[4]), int(sys.argv[5], 0)
data = bytearray(open(path, "rb").read())
order = "<" if data[5] == 1 else ">"
kind = order + {4: "I", 8: "Q"}[size]
phoff, = struct.unpack_from(order + "Q", data, 32)
phentsize, phnum = struct.unpack_from(order + "HH", data, 54)
for i in range(phnum):
    ptype, _, start, _, _, length = struct.unpack_from(order + "IIQQQQ", data, phoff + i * phentsize)
    at = start
    while ptype == 4 and at < start + length:
        namesz, descsz, note_type = struct.unpack_from(order + "III", data, at)
        desc = at + 12 + (namesz + 3) // 4 * 4
        if note_type == note:
            if offset.startswith("auxv:"):
                key = int(offset[5:], 0)
                entries = [desc + 16 * k for k in range(descsz // 16)]
                found = [e for e in entries if struct.unpack_from(order + "Q", data, e)[0] == key]
                if not found:
                    sys.exit("no auxv entry %d in %s" % (key, path))
                word = found[0] + 8
            else:
                word = desc + int(offset, 0)
            value, = struct.unpack_from(kind, data, word)
            struct.pack_into(kind, data, word, (value + delta) % 2**(8 * size))
            open(path, "wb").write(data)
            sys.exit(0)
        at = desc + (descsz + 3) // 4 * 4
sys.exit("no note of type %#x in %s" % (note, path))
PY
}
# add_to_register FILE N DELTA: word N of pr_reg (at 112 in NT_PRSTATUS) in FILE, DELTA added.
add_to_register() { add_to_note "$1" 1 $((112 + 8 * $2)) 8 "$3"; }
# One word of each note compared by value moved (NT_PRSTATUS: a few registers, pr_reg's word N at
# 112 + 8N, among them a stack pointer, where only its place in the stack is compared): the fact
# it makes must fail. "<note type> <offset> <size> <delta> <fact>".
declare -A MOVED_NOTE_WORDS=(
  [arm64]="1 360 8 16 NT_PRSTATUS.sp;1 376 8 0x1000 NT_PRSTATUS.pstate;0x53494749 8 4 1 NT_SIGINFO.si_code;6 auxv:6 8 0x1000 NT_AUXV.AT_PAGESZ;0x404 0 4 1 NT_ARM_SYSTEM_CALL.syscallno;0x409 0 8 1 NT_ARM_TAGGED_ADDR_CTRL.value;2 512 4 0x8 NT_PRFPREG.fpsr"
  [powerpc64le]="1 120 8 16 NT_PRSTATUS.r1;1 384 8 4 NT_PRSTATUS.orig_gpr3;0x53494749 8 4 1 NT_SIGINFO.si_code;6 auxv:6 8 0x1000 NT_AUXV.AT_PAGESZ;0x105 0 8 1 NT_PPC_DSCR.dscr;0x104 0 8 1 NT_PPC_PPR.ppr;3 16 4 1 NT_PRPSINFO.pr_uid"
  [powerpc]="1 440 8 8 NT_PRSTATUS.dar;1 376 8 0x8000 NT_PRSTATUS.msr_but_le_fp_vec_vsx;0x53494749 0 4 1 NT_SIGINFO.si_signo;6 auxv:6 8 0x1000 NT_AUXV.AT_PAGESZ;0x103 0 8 4 NT_PPC_TAR.tar")
for arch in "${KERNELS[@]}"; do
  sample=$maplet_obs/$arch/core_segv.core
  [ -f "$sample" ] || continue
  IFS=';' read -ra moves <<<"${MOVED_NOTE_WORDS[$arch]}"
  for move in "${moves[@]}"; do
    read -r note offset size delta fact <<<"$move"
    copy=$build/oracle/core-compare-selftest.core
    cp "$sample" "$copy"
    add_to_note "$copy" "$note" "$offset" "$size" "$delta"
    out=$(oracle/core-compare "$arch" "$core_list" "$sample" "$copy")
    if [ $? -eq 1 ] && grep -q "^  $fact$" <<<"$out"; then
      pass "core-compare catches $fact moved by $delta on $arch"
    else
      fail "core-compare missed $fact moved by $delta on $arch: $out"
    fi
  done
done
# The scv registers are compared after an scv whether or not the trap word has its no-restart bit
# (word 40, bit 0): with the bit set on both sides, CTR moved on Maplet's must fail that fact.
for arch in powerpc powerpc64le; do
  sample=$maplet_obs/$arch/core_scv.core
  [ -f "$sample" ] || continue
  marked=$build/oracle/core-compare-selftest-norestart.core
  copy=$build/oracle/core-compare-selftest.core
  cp "$sample" "$marked"
  add_to_register "$marked" 40 1
  cp "$marked" "$copy"
  add_to_register "$copy" 35 4
  out=$(oracle/core-compare "$arch" "$core_list" "$marked" "$copy")
  if [ $? -eq 1 ] && grep -q "^  NT_PRSTATUS.scv_ctr_xer_r9_r12$" <<<"$out"; then
    pass "core-compare catches CTR moved after an scv with the no-restart bit on $arch"
  else
    fail "core-compare missed CTR moved after an scv with the no-restart bit on $arch: $out"
  fi
done
# A register inside the vDSO is compared by the vDSO symbol it follows: Linux's and Maplet's
# core_segv with the link register (x30 on arm64) at each image's signal trampoline agree; with
# Maplet's 4 bytes further on, they differ at that register.
# at_vdso_symbol FILE N SYMBOL DELTA: word N of pr_reg in FILE set to SYMBOL's address + DELTA.
at_vdso_symbol() {
  python3 - "$@" <<'PY'
import importlib.machinery, importlib.util, struct, subprocess, sys, tempfile
path, n, symbol, delta = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4], 0)
loader = importlib.machinery.SourceFileLoader("core_compare", "oracle/core-compare")
module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
loader.exec_module(module)
core = module.Core(path)
segment = [s for s, r in zip(core.segments, core.roles()) if r == "vdso"][0]
offset = dict((name, at) for at, name in core.vdso_symbols(segment))[symbol]
note = core.note(module.NOTE_NAMES["NT_PRSTATUS"])
data = bytearray(core.data)
at = core.data.index(note["bytes"]) + module.PRSTATUS_REGS + 8 * n
struct.pack_into(core.order + "Q", data, at, segment["vaddr"] + offset + delta)
open(path, "wb").write(data)
PY
}
declare -A LINK=([arm64]="30 __kernel_rt_sigreturn NT_PRSTATUS.x30"
  [powerpc64le]="36 __kernel_sigtramp_rt64 NT_PRSTATUS.link")
for arch in arm64 powerpc64le; do
  linux_core=$build/oracle/linux/${LINUX_OF[$arch]}/core_segv.core
  sample=$maplet_obs/$arch/core_segv.core
  [ -f "$sample" ] && [ -f "$linux_core" ] || continue
  read -r word symbol fact <<<"${LINK[$arch]}"
  theirs=$build/oracle/core-compare-selftest-linux.core
  copy=$build/oracle/core-compare-selftest.core
  cp "$linux_core" "$theirs"
  cp "$sample" "$copy"
  at_vdso_symbol "$theirs" "$word" "$symbol" 0
  at_vdso_symbol "$copy" "$word" "$symbol" 0
  agreed=$(oracle/core-compare "$arch" "$core_list" "$theirs" "$copy")
  agreed_code=$?
  at_vdso_symbol "$copy" "$word" "$symbol" 4
  out=$(oracle/core-compare "$arch" "$core_list" "$theirs" "$copy")
  code=$?
  if [ $agreed_code -eq 0 ] && [ $code -eq 1 ] && grep -q "^  $fact$" <<<"$out" &&
    grep -q "maplet: vdso:$symbol+0x4$" <<<"$out"; then
    pass "core-compare places $fact in the vDSO by $symbol on $arch"
  else
    fail "core-compare does not place $fact in the vDSO by $symbol on $arch: $agreed $out"
  fi
done
for arch in "${KERNELS[@]}"; do
  sample=$maplet_obs/$arch/core_segv.core
  [ -f "$sample" ] || continue
  copy=$build/oracle/core-compare-selftest.core
  cp "$sample" "$copy"
  if oracle/core-compare "$arch" "$core_list" "$sample" "$copy" >/dev/null; then
    pass "core-compare agrees with an exact copy of $sample"
  else
    fail "core-compare rejects an exact copy of $sample"
  fi
  marker=$(grep -obUaF maplet-oracle-core-window "$sample" | head -1 | cut -d: -f1)
  plant "$copy" $((marker + 100))
  out=$(oracle/core-compare "$arch" "$core_list" "$sample" "$copy")
  if [ $? -eq 1 ] && grep -q "^  segment.window.bytes$" <<<"$out"; then
    pass "core-compare catches one changed byte of the window and prints both sides"
  else
    fail "core-compare missed a changed window byte: $out"
  fi
  tagged=$maplet_obs/$arch/core_mte.core
  [ -f "$tagged" ] || continue
  cp "$tagged" "$copy"
  offset=$(llvm-readelf -l --wide "$copy" | awk '$2 == "0x70000002" { print $3; exit }')
  if [ -z "$offset" ]; then
    fail "$tagged has no PT_AARCH64_MEMTAG_MTE segment"
    continue
  fi
  plant "$copy" $((offset))
  out=$(oracle/core-compare "$arch" "$core_list" "$tagged" "$copy")
  if [ $? -eq 1 ] && grep -q "^  segment.tags.bytes$" <<<"$out"; then
    pass "core-compare catches one changed tag byte and prints both sides"
  else
    fail "core-compare missed a changed tag byte: $out"
  fi
done
summary
