#!/usr/bin/env bash
# `make check`: the host tests (GoogleTest, ASan+UBSan), short fuzz runs, both kernels through the
# runner, and end-to-end proofs that the runner catches failing and hanging kernels. The last
# line is the total of leaf tests: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
RUNNER=$BUILD/host/maplet-run
FUZZ_SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-10}
passed=0
failed=0
skipped=0
log_dir=$BUILD/check
mkdir -p "$log_dir"

# A GoogleTest binary: adds its passed/failed/skipped counts. A crash before the summary is one
# failure, with the log kept.
run_gtest() {
  local bin=$1 log=$log_dir/$(basename "$1").log
  echo "== $bin"
  "$bin" --gtest_brief=1 >"$log" 2>&1
  local status=$?
  local p f s
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) tests\{0,1\}\..*/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) tests\{0,1\}[.,].*/\1/p' "$log" | tail -1)
  s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) tests\{0,1\}[.,].*/\1/p' "$log" | tail -1)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  skipped=$((skipped + ${s:-0}))
  echo "   $(basename "$bin"): ${p:-0} passed, ${f:-0} failed, ${s:-0} skipped"
  grep -E '^\[  FAILED  \] [A-Za-z]' "$log" || true
  if [ "$status" -ne 0 ] && [ -z "$f" ]; then
    echo "   $bin exited with status $status before its summary; log: $log"
    tail -20 "$log"
    failed=$((failed + 1))
  fi
}

# One check that passes when the command's exit status and output are as expected.
expect() {
  local name=$1
  shift
  if "$@"; then
    echo "   ok   $name"
    passed=$((passed + 1))
  else
    echo "   FAIL $name"
    failed=$((failed + 1))
  fi
}

fuzz_smoke() {
  "$1" -max_total_time="$FUZZ_SMOKE_SECONDS" "$2" >"$log_dir/$(basename "$1").log" 2>&1
}

for bin in "$BUILD/host/unit-tests" "$BUILD/host/runner-tests"; do
  if [ -x "$bin" ]; then run_gtest "$bin"; fi
done

echo "== fuzz smoke runs (${FUZZ_SMOKE_SECONDS} s each; make fuzz runs long)"
for f in "$BUILD"/host/fuzz/*; do
  [ -f "$f" ] && [ -x "$f" ] || continue
  corpus=$BUILD/fuzz-corpus/$(basename "$f")
  mkdir -p "$corpus"
  expect "fuzz $(basename "$f") for ${FUZZ_SMOKE_SECONDS} s" fuzz_smoke "$f" "$corpus"
done

echo "== kernels"
mkdir -p "$BUILD/artifacts"
"$RUNNER" --arch all --junit "$BUILD/artifacts/junit.xml" | tee "$log_dir/runner.log"
line=$(tail -1 "$log_dir/runner.log")
if [[ "$line" =~ ^maplet-run:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
  passed=$((passed + BASH_REMATCH[1]))
  failed=$((failed + BASH_REMATCH[2]))
  skipped=$((skipped + BASH_REMATCH[3]))
else
  echo "   the runner did not print its summary line"
  failed=$((failed + 1))
fi

echo "== the runner catches broken kernels"
selftest_fails() {
  local out
  out=$("$RUNNER" --arch all --filter 'selftest.*' --artifacts "$BUILD/artifacts/selftest" \
    2>/dev/null)
  [ $? -eq 1 ] && [ "$(tail -1 <<<"$out")" = "maplet-run: 2 passed, 8 failed, 2 skipped" ]
}
hang_times_out() {
  local err
  err=$("$RUNNER" --arch all --filter 'selftest_hang.spin' --timeout 5 \
    --artifacts "$BUILD/artifacts/hang" 2>&1 >/dev/null)
  [ $? -eq 1 ] && grep -q 'TIMEOUT' <<<"$err" &&
    [ -s "$BUILD/artifacts/hang/arm64/console.log" ] &&
    [ -s "$BUILD/artifacts/hang/powerpc/console.log" ]
}
expect "deliberate failures are reported per arch" selftest_fails
expect "a spinning test is killed at the timeout, logs kept" hang_times_out

echo "== boot configurations beyond the default run"
# powerpc stops on processors older than POWER9 before any POWER9 instruction can run.
old_cpu_refused() {
  local dir=$BUILD/artifacts/cpu-$1
  "$RUNNER" --arch powerpc --filter 'boot.*' --qemu-arg=-cpu --qemu-arg="$1" \
    --artifacts "$dir" >/dev/null 2>&1
  [ $? -eq 1 ] && grep -qx '~log Maplet needs POWER9 or newer (radix MMU)' \
    "$dir/powerpc/console.log"
}
for cpu in power8 970; do
  expect "powerpc on -cpu $cpu stops: it needs POWER9" old_cpu_refused "$cpu"
done
# Both kernels find QEMU's -initrd through /chosen and see exactly its bytes (size and zlib's
# CRC-32, read from gzip's trailer); a wrong expectation must fail on both.
initrd=$log_dir/initrd.bin
seq 1 20000 >"$initrd"
initrd_crc=$(gzip -c "$initrd" | tail -c 8 | od -An -tx4 -N4 | tr -d ' ')
initrd_summary() {
  "$RUNNER" --arch all --filter 'boot.initrd_matches_command_line' \
    --qemu-arg=-initrd --qemu-arg="$initrd" \
    --append "maplet.expect_initrd=$(stat -c %s "$initrd"):0x$1" \
    --artifacts "$BUILD/artifacts/initrd" 2>/dev/null | tail -1
}
expect "both kernels see the -initrd bytes" \
  test "$(initrd_summary "$initrd_crc")" = "maplet-run: 2 passed, 0 failed, 0 skipped"
expect "a wrong initrd checksum fails on both" \
  test "$(initrd_summary 0)" = "maplet-run: 0 passed, 2 failed, 0 skipped"

echo "== Linux as the oracle: the differential programs on Debian's Linux (oracle/README.md)"
run_gtest "$BUILD/host/oracle-tests"
scripts/oracle-check.sh "$BUILD" 2>&1 | tee "$log_dir/oracle.log"
line=$(tail -1 "$log_dir/oracle.log")
if [[ "$line" =~ ^oracle:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
  passed=$((passed + BASH_REMATCH[1]))
  failed=$((failed + BASH_REMATCH[2]))
  skipped=$((skipped + BASH_REMATCH[3]))
else
  echo "   the oracle step did not print its summary line"
  failed=$((failed + 1))
fi

echo
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
