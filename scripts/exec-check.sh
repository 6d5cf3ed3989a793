#!/usr/bin/env bash
# The `maplet-run --exec` step of `make check`: the static glibc and musl programs of user/libc
# (build/libc/<target>/) run on Maplet through `maplet-run --exec` and on Debian's Linux through
# the oracle's path (oracle/run-linux.sh, cached; arm64 and powerpc64le run the same binaries as
# Linux, big-endian powerpc its own builds against Linux's ppc64le ones), and each program's output
# and ending must agree: Maplet's stdout and its
# status ("status exit N" from maplet-run's exit status, "status signal N" when it said the
# program was killed) against Linux's observation file, byte for byte. A difference listed in
# user/libc/known-differences is a skip with its reason (and a failure once it matches). Then
# maplet-run's own cases: --stdin, arguments and environment, --timeout, and each refusal
# (missing file, directory, empty, truncated, dynamic, wrong arch) with its exit status and
# one-line message, none leaving QEMU running. Linux's own mm selftests
# (user/mm-selftests/mm-selftests.mk, build/mm-selftests/<target>/) run the same two ways, in the
# same Linux boot, and their TAP results are compared by scripts/tap-compare.py: the plan line,
# each "ok N ..." / "not ok N ..." line (its "# SKIP" reason included) by its number, and the
# status; the diagnostics ("# ..." lines, with times and addresses) are not. A difference is a
# failure unless user/mm-selftests/known-differences lists it with its reason (the keys and the
# entries: scripts/tap-compare.py's header).
# Last line: "exec: N passed, N failed, N skipped".
#   scripts/exec-check.sh [BUILD_DIR]
set -uo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
runner=$build/host/maplet-run
out=$build/exec-check
known=user/libc/known-differences
mm_known=user/mm-selftests/known-differences
compared=$(sed -n 's/^LIBC_COMPARED := //p' user/libc/libc.mk)
# The mm selftests of a binary directory, as user/mm-selftests/mm-selftests.mk lists them (the
# Linux runs of ppc64's are ppc64le's).
mm_list=$(make -s --no-print-directory BUILD="$build" mm-selftests-list)
mm_tests() { awk -v t="$1" '$1 == t { print $2 }' <<<"$mm_list"; }
source scripts/case-counts.sh
rm -rf "$out"
mkdir -p "$out"
[ -n "$mm_list" ] || fail "make mm-selftests-list named no mm selftests"

# The programs each arch runs: <binary dir> <name> pairs (musl builds of the C ones only).
programs() {
  local arch=$1 p
  [ "$arch" = arm64 ] && echo "arm64 hello-glibc-pie"
  for p in $compared; do
    if [ "$arch" = arm64 ]; then
      echo "arm64 $p-glibc"
      [ -f "$build/libc/arm64/$p-musl" ] && echo "arm64 $p-musl"
    elif [ "$arch" = powerpc64le ]; then
      echo "ppc64le $p-glibc"
      [ -f "$build/libc/ppc64le/$p-musl" ] && echo "ppc64le $p-musl"
    else
      echo "ppc64 $p-glibc"
    fi
  done
}

# Linux: the oracle's layout under $out/linux-build (its /init, the programs), one boot per arch.
stage=$out/linux-build
for t in arm64:arm64 ppc64le:powerpc; do
  target=${t%%:*}
  mkdir -p "$stage/oracle/$target/programs"
  cp "$build/oracle/$target/init" "$stage/oracle/$target/init" || fail "no oracle /init for $target"
done
cp "$build/libc/arm64/hello-glibc-pie" "$stage/oracle/arm64/programs/"
for p in $compared; do
  for dir in arm64 ppc64le; do
    cp "$build/libc/$dir/$p-glibc" "$stage/oracle/$dir/programs/"
    [ -f "$build/libc/$dir/$p-musl" ] && cp "$build/libc/$dir/$p-musl" "$stage/oracle/$dir/programs/"
  done
done
for dir in arm64 ppc64le; do
  for t in $(mm_tests $dir); do
    cp "$build/mm-selftests/$dir/$t" "$stage/oracle/$dir/programs/" || fail "mm selftest $dir $t is not built"
  done
done
start=$SECONDS
if oracle/run-linux.sh "$stage" >"$out/run-linux.log" 2>&1; then
  pass "Linux ran the programs ($(tr '\n' ' ' <"$out/run-linux.log"))"
else
  fail "Linux did not run the programs: $(tail -3 "$out/run-linux.log" | tr '\n' ' ')"
fi
echo "   Linux runs took $((SECONDS - start)) s"

# One program on Maplet: $out/<arch>/<name>.obs (stdout, then the status line), stderr beside it.
maplet_obs() {
  local arch=$1 binary=$2 name=$3 obs=$out/$1/$3.obs code
  mkdir -p "$out/$arch"
  "$runner" --exec "$binary" --artifacts "$out/$arch/$name.artifacts" \
    >"$obs" 2>"$out/$arch/$name.stderr"
  code=$?
  if grep -q "^maplet-run: .* killed by SIG.* (signal $((code - 128)))," "$out/$arch/$name.stderr"; then
    echo "status signal $((code - 128))" >>"$obs"
  else
    echo "status exit $code" >>"$obs"
  fi
}

start=$SECONDS
for arch in arm64 powerpc powerpc64le; do
  while read -r dir name; do
    maplet_obs "$arch" "$build/libc/$dir/$name" "$name"
    # Linux's powerpc observations are of the ppc64le binaries powerpc64le runs too.
    linux=$stage/oracle/linux/${arch%64le}/$name.obs
    mine=$out/$arch/$name.obs
    entry=$(awk -v a="$arch" -v n="$name" '$1 == a && $2 == n' "$known")
    if [ ! -f "$linux" ]; then
      fail "compare $arch $name: no Linux observation"
    elif cmp -s "$linux" "$mine"; then
      if [ -n "$entry" ]; then
        fail "compare $arch $name matches Linux now: remove its entry from $known"
      else
        pass "compare $arch $name: $(($(wc -l <"$mine") - 1)) lines and the status agree"
      fi
    elif [ -n "$entry" ]; then
      skip "compare $arch $name: known difference ($(cut -d' ' -f3- <<<"$entry"))"
    else
      fail "compare $arch $name"
      diff -u --label linux "$linux" --label maplet "$mine" | sed 's/^/        /'
      sed 's/^/        stderr: /' "$out/$arch/$name.stderr"
    fi
  done < <(programs "$arch")
done
echo "   Maplet runs took $((SECONDS - start)) s"

start=$SECONDS
for t in arm64:arm64 powerpc:ppc64 powerpc64le:ppc64le; do
  arch=${t%%:*}
  dir=${t#*:}
  for name in $(mm_tests "$dir"); do
    maplet_obs "$arch" "$build/mm-selftests/$dir/$name" "$name"
    verdict=$(scripts/tap-compare.py "$stage/oracle/linux/${arch%64le}/$name.obs" \
      "$out/$arch/$name.obs" "$arch" "$name" "$mm_known")
    case $verdict in
      pass*) pass "mm selftest $arch $name: ${verdict#pass }" ;;
      skip*) skip "mm selftest $arch $name: ${verdict#skip }" ;;
      *)
        fail "mm selftest $arch $name: $(head -1 <<<"${verdict#fail }")"
        tail -n +2 <<<"$verdict" | sed 's/^/        /'
        grep ENOSYS "$out/$arch/$name.stderr" | sed 's/^/        stderr: /'
        ;;
    esac
  done
done
echo "   Maplet's mm selftest runs took $((SECONDS - start)) s"

# A program killed by SIGABRT leaves its core beside it: maplet-run names the file, which is an
# ELF core whose NT_SIGINFO llvm-readelf reads.
for arch in arm64 powerpc powerpc64le; do
  stderr=$out/$arch/abort-glibc.stderr
  core=$(sed -n 's/^maplet-run: core file: //p' "$stderr" 2>/dev/null | head -1)
  if [ -z "$core" ] || [ ! -s "$core" ]; then
    fail "core $arch abort-glibc: maplet-run named no core file ($(tr '\n' ' ' <"$stderr"))"
  elif [[ $(llvm-readelf -h "$core") =~ Type:\ +CORE ]] && [[ $(llvm-readelf -n "$core") == *NT_SIGINFO* ]]; then
    pass "core $arch abort-glibc: $(basename "$core"), $(stat -c %s "$core") bytes, an ELF core with NT_SIGINFO"
  else
    fail "core $arch abort-glibc: $core is not an ELF core with NT_SIGINFO"
  fi
done

# maplet-run's own cases. No QEMU may outlive a run: none whose command line names $out and
# that runs in this checkout ($out is relative, so other checkouts' QEMUs match the pattern too).
no_qemu_left() {
  local pid
  for pid in $(pgrep -f "qemu-system.*$out/"); do
    [ "$(readlink "/proc/$pid/cwd")" = "$PWD" ] && return 1
  done
  return 0
}
# run_case NAME WANT_STATUS STDERR_REGEX ARGS...: the status and the one stderr line.
run_case() {
  local name=$1 want=$2 regex=$3 err code
  shift 3
  err=$("$runner" "$@" --artifacts "$out/case" 2>&1 >"$out/case.stdout")
  code=$?
  if [ "$code" -eq "$want" ] && grep -qE "$regex" <<<"$err" && [ "$(wc -l <<<"$err")" -eq 1 ] &&
    no_qemu_left; then
    pass "$name: status $code, '$err'"
  else
    fail "$name: status $code (want $want), stderr: $err"
  fi
}
seq 1 5000 >"$out/stdin.txt"
# <binary dir>:<cat_stdin's libc>:<exit_args' and spin's libc>; ppc64le's are musl builds only.
for t in arm64:musl:glibc ppc64:glibc:glibc ppc64le:musl:musl; do
  IFS=: read -r dir lib lib2 <<<"$t"
  if "$runner" --exec "$build/libc/$dir/cat_stdin-$lib" --stdin "$out/stdin.txt" \
    --artifacts "$out/case" 2>"$out/case.stderr" | cmp -s - "$out/stdin.txt"; then
    pass "$dir cat_stdin-$lib copies --stdin FILE back byte for byte"
  else
    fail "$dir cat_stdin-$lib: its output is not the --stdin file"
  fi
  "$runner" --exec "$build/libc/$dir/exit_args-$lib2" --artifacts "$out/case" -- 42 'two words' \
    >"$out/args.stdout" 2>/dev/null
  code=$?
  if [ $code -eq 42 ] && printf 'argv[0] exit_args-%s\nargv[1] 42\nargv[2] two words\nenv HOME=/\nenv TERM=linux\nenv PATH=/bin\n' "$lib2" |
    cmp -s - "$out/args.stdout"; then
    pass "$dir exit_args-$lib2 gets ARGS and the environment, and its status is maplet-run's"
  else
    fail "$dir exit_args-$lib2: status $code, output $(tr '\n' '|' <"$out/args.stdout")"
  fi
  run_case "$dir spin-$lib2 past --timeout 2" 124 "still running after 2 s \(--timeout\): killed" \
    --exec "$build/libc/$dir/spin-$lib2" --timeout 2
done
: >"$out/empty"
head -c 1000 "$build/libc/arm64/hello-glibc" >"$out/truncated"
printf 'int main(void) { return 0; }\n' >"$out/dynamic.c"
aarch64-linux-gnu-gcc "$out/dynamic.c" -o "$out/dynamic" 2>/dev/null
run_case "a missing file" 127 "^maplet-run: cannot run .*: no such file$" --exec "$out/none"
run_case "a directory" 126 "^maplet-run: cannot run .*: is a directory" --exec "$out"
run_case "an empty file" 126 "^maplet-run: cannot run .*: empty file" --exec "$out/empty"
run_case "a truncated ELF" 126 "^maplet-run: cannot run .*: truncated ELF" --exec "$out/truncated"
run_case "a dynamic executable" 126 "dynamically linked \(interpreter /lib/ld-linux-aarch64" \
  --exec "$out/dynamic"
run_case "a host (x86-64) program" 126 "x86-64 ELF; Maplet runs arm64 and powerpc64" \
  --exec "$(type -P true)"
run_case "--arch that the ELF contradicts" 126 "is an arm64 program, not powerpc" \
  --exec "$build/libc/arm64/hello-glibc" --arch powerpc
# Past the runner's checks, refused by the kernel's loader: the first PT_LOAD's p_vaddr moved by
# one byte, so it is no longer congruent with p_offset modulo the page size.
python3 - "$build/libc/arm64/hello-glibc" "$out/misaligned" <<'PY'
import struct, sys
elf = bytearray(open(sys.argv[1], "rb").read())
phoff, = struct.unpack_from("<Q", elf, 32)
phnum, = struct.unpack_from("<H", elf, 56)
for i in range(phnum):
    at = phoff + 56 * i
    if struct.unpack_from("<I", elf, at)[0] == 1:
        vaddr, = struct.unpack_from("<Q", elf, at + 16)
        struct.pack_into("<Q", elf, at + 16, vaddr + 1)
        break
open(sys.argv[2], "wb").write(elf)
PY
run_case "an ELF the kernel's loader refuses" 126 \
  "^maplet-run: cannot run .*: the kernel refused it: .*\((EINVAL|ENOEXEC)\)$" --exec "$out/misaligned"
run_case "an unknown option in exec mode" 125 "^maplet-run: unknown argument '--bogus'" \
  --exec "$build/libc/arm64/hello-glibc" --bogus

echo "exec: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
