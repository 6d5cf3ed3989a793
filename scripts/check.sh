#!/usr/bin/env bash
# `make check`: the host tests (GoogleTest, ASan+UBSan), short fuzz runs, the kernels through the
# runner in the boot configurations of CHECK_CONFIGS (tools/runner/boot-configs.cfg), and
# end-to-end proofs that the runner catches failing and hanging kernels. The last line is the
# total of leaf tests: "N passed, N failed, N skipped"; a kernel case counts once per
# configuration it ran in.
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
RUNNER=$BUILD/host/maplet-run
FUZZ_SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-10}
# Configurations that pass today; the others in the table wait for kernel fixes.
CHECK_CONFIGS=${CHECK_CONFIGS:-arm64,arm64-nomte,arm64-1280M,powerpc,powerpc-power10,powerpc-1280M,powerpc64le}
source scripts/case-counts.sh
log_dir=$BUILD/check
mkdir -p "$log_dir"

# A GoogleTest binary: adds its passed/failed/skipped counts, read from its JSON report. A
# crash before the report is written is one failure, with the log kept.
run_gtest() {
  local bin=$1 log=$log_dir/$(basename "$1").log json=$log_dir/$(basename "$1").json
  echo "== $bin"
  rm -f "$json"
  "$bin" --gtest_brief=1 --gtest_output="json:$json" >"$log" 2>&1
  local status=$? counts
  if ! counts=$(gtest_counts "$json"); then
    fail "$bin exited with status $status without a readable report; log: $log"
    tail -20 "$log"
    return
  fi
  local p f s
  read -r p f s <<<"$(head -1 <<<"$counts")"
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + s))
  echo "   $(basename "$bin"): $p passed, $f failed, $s skipped"
  tail -n +2 <<<"$counts"
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    fail "$bin exited with status $status although no test failed; log: $log"
  fi
}

# Prints "PASSED FAILED SKIPPED" from a GoogleTest JSON report, then "   FAILED suite.name" for
# each failure. Fails when the report is missing or not GoogleTest's JSON.
gtest_counts() {
  python3 - "$1" <<'PY'
import json, sys
try:
    with open(sys.argv[1]) as f:
        report = json.load(f)
    cases = [(s["name"], t) for s in report["testsuites"] for t in s["testsuite"]]
except (OSError, ValueError, KeyError, TypeError):
    sys.exit(1)
counts = {"passed": 0, "failed": 0, "skipped": 0}
failures = []
for suite, t in cases:
    if t.get("status") != "RUN":
        continue  # Disabled or filtered out.
    if t.get("failures"):
        counts["failed"] += 1
        failures.append(suite + "." + t["name"])
    elif t.get("result") == "SKIPPED":
        counts["skipped"] += 1
    else:
        counts["passed"] += 1
print(counts["passed"], counts["failed"], counts["skipped"])
for name in failures:
    print("   FAILED " + name)
PY
}

# One check that passes when the command's exit status and output are as expected.
expect() {
  local name=$1
  shift
  if "$@"; then
    pass "$name"
  else
    fail "$name"
  fi
}

fuzz_smoke() {
  "$1" -max_total_time="$FUZZ_SMOKE_SECONDS" "$2" >"$log_dir/$(basename "$1").log" 2>&1
}

for bin in "$BUILD/host/unit-tests" "$BUILD/host/runner-tests"; do
  if [ -x "$bin" ]; then run_gtest "$bin"; fi
done

echo "== compile_commands.json (make compile_commands.json, for clangd)"
# The target's dry-run parse gives valid JSON with a compile entry for a kernel and a host source;
# the arm64 recipe with an `&&` inside a quoted awk program must not break it.
compile_commands_valid() {
  local out=$log_dir/compile_commands.json
  scripts/compile-commands.sh >"$out" 2>"$log_dir/compile_commands.log" || return 1
  python3 - "$out" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    entries = json.load(f)
def compiles(entry, source):
    words = entry["arguments"]
    return entry["file"] == source and words[words.index("-c") + 1] == source
for source in ("kernel/lib/string.cc", "host-tests/address_space_random_test.cc"):
    if not any(compiles(e, source) for e in entries):
        sys.exit(f"no compile entry for {source}")
PY
}
expect "compile_commands.json is valid JSON with entries for known sources" compile_commands_valid

echo "== fuzz smoke runs (${FUZZ_SMOKE_SECONDS} s each; make fuzz runs long)"
for f in "$BUILD"/host/fuzz/*; do
  [ -f "$f" ] && [ -x "$f" ] || continue
  corpus=$BUILD/fuzz-corpus/$(basename "$f")
  mkdir -p "$corpus"
  expect "fuzz $(basename "$f") for ${FUZZ_SMOKE_SECONDS} s" fuzz_smoke "$f" "$corpus"
done

echo "== kernels in the boot configurations $CHECK_CONFIGS"
mkdir -p "$BUILD/artifacts"
"$RUNNER" --config "$CHECK_CONFIGS" --junit "$BUILD/artifacts/junit.xml" | tee "$log_dir/runner.log"
if add_counts maplet-run "$(tail -1 "$log_dir/runner.log")"; then
  # The runner's per-configuration lines, for the closing summary.
  kernel_lines=$(grep -E '^[A-Za-z0-9._-]+: [0-9]+ passed, ' "$log_dir/runner.log" | grep -v '^maplet-run:' |
    sed 's/ (.*//')
else
  fail "the runner did not print its summary line"
fi

echo "== cores in gdb"
# The runner saved each configuration's cores under its artifacts; core_dump's is read in gdb.
for arch in arm64 powerpc powerpc64le; do
  expect "$arch core_dump.core in gdb: pc, lr, sp, memory, siginfo, [vdso] at AT_SYSINFO_EHDR" \
    scripts/check-core-gdb.sh "$arch" "$BUILD/$arch/user/core_dump" \
    "$BUILD/artifacts/$arch/core_dump.core"
done
# ... and came aside from the console: arm64's through semihosting, powerpc's through guest RAM
# (extents from offset 0 up, then the ~hostfile that checks it), with no ~file frame of it. Both
# powerpc byte orders: the runner answers each extent with a big-endian word that the
# little-endian kernel must byte-swap (arch/powerpc/host_file.cc), else it falls back to frames.
came_aside() {
  local log=$BUILD/artifacts/$1/console.log core=$2
  if [ "$1" != arm64 ]; then grep -q "^~hostram [^ ]*/$core\.part 0 " "$log" || return 1; fi
  grep -q "^~hostfile $core " "$log" && ! grep -q "^~file $core " "$log"
}
expect "arm64 core_dump.core came through semihosting" came_aside arm64 core_dump.core
for arch in powerpc powerpc64le; do
  expect "$arch core_dump.core came through guest RAM" came_aside "$arch" core_dump.core
done
# core_mte's tag-check fault: the allocation tags and the mismatch in gdb, where MTE is.
mte_out=$(scripts/check-core-gdb.sh --mte "$BUILD/arm64/user/core_mte" \
  "$BUILD/artifacts/arm64/core_mte.core")
case $? in
  0) pass "arm64 core_mte.core in gdb: memory-tag print-allocation-tag, memory-tag check" ;;
  2) skip "arm64 core_mte.core's memory tags in gdb: ${mte_out#*skip: }" ;;
  *) echo "$mte_out"
     fail "arm64 core_mte.core in gdb: memory-tag print-allocation-tag, memory-tag check" ;;
esac

# core_pac's return addresses signed by pointer authentication: gdb unwinds them with the core's
# PAC masks, where the CPU has address authentication; the 48-bit configuration's core, whose
# PACs have seven bits (scripts/check-core-gdb.sh).
pac_out=$(scripts/check-core-gdb.sh --pac "$BUILD/arm64/user/core_pac" \
  "$BUILD/artifacts/arm64-nomte/core_pac.core")
case $? in
  0) echo "   ok   arm64 core_pac.core in gdb: the PAC masks, signed return addresses unwound to main"
     passed=$((passed + 1)) ;;
  2) echo "   skip arm64 core_pac.core in gdb: ${pac_out#*skip: }"
     skipped=$((skipped + 1)) ;;
  *) echo "$pac_out"
     echo "   FAIL arm64 core_pac.core in gdb: the PAC masks, signed return addresses unwound to main"
     failed=$((failed + 1)) ;;
esac

echo "== the runner catches broken kernels"
# Per arch (arm64, powerpc, powerpc64le): 1 pass, 4 failures, 1 skip of the selftest suite, and
# the clock check's pass.
selftest_fails() {
  local out
  out=$("$RUNNER" --filter 'selftest.*' --artifacts "$BUILD/artifacts/selftest" 2>/dev/null)
  [ $? -eq 1 ] && [ "$(tail -1 <<<"$out")" = "maplet-run: 6 passed, 12 failed, 3 skipped" ]
}
# The deliberately failing cases are listed, not run, so nothing fails.
list_runs_nothing() {
  local out
  out=$("$RUNNER" --list --filter 'selftest.*' --artifacts "$BUILD/artifacts/list" 2>/dev/null)
  [ $? -eq 0 ] && grep -q '^  selftest.panic$' <<<"$out" &&
    [ "$(tail -1 <<<"$out")" = "maplet-run: 18 tests listed in 3 configurations" ]
}
# After the selftest run, --failed reruns exactly its four failing cases per arch.
failed_reruns_failures() {
  local out
  out=$("$RUNNER" --failed --artifacts "$BUILD/artifacts/selftest" 2>/dev/null)
  [ $? -eq 1 ] && [ "$(tail -1 <<<"$out")" = "maplet-run: 3 passed, 12 failed, 0 skipped" ]
}
hang_times_out() {
  local err
  err=$("$RUNNER" --arch all --filter 'selftest_hang.spin' --timeout 5 \
    --artifacts "$BUILD/artifacts/hang" 2>&1 >/dev/null)
  [ $? -eq 1 ] && grep -q 'TIMEOUT' <<<"$err" &&
    [ -s "$BUILD/artifacts/hang/arm64/console.log" ] &&
    [ -s "$BUILD/artifacts/hang/powerpc/console.log" ] &&
    [ -s "$BUILD/artifacts/hang/powerpc64le/console.log" ]
}
# A filter may match in one arch only: the other counts nothing (not even the clock check), and
# only a filter that matches nowhere fails the run.
filter_in_one_arch() {
  local out
  out=$("$RUNNER" --arch all --filter 'powerpc_timebase.*' --artifacts "$BUILD/artifacts/filter" \
    2>/dev/null)
  [ $? -eq 0 ] && grep -qF "arm64: no test matches 'powerpc_timebase.*' (" <<<"$out" &&
    [ "$(tail -1 <<<"$out")" = "maplet-run: 4 passed, 0 failed, 0 skipped" ]
}
filter_nowhere_fails() {
  local out
  out=$("$RUNNER" --arch all --filter 'nomatch.*' --artifacts "$BUILD/artifacts/filter" 2>/dev/null)
  [ $? -eq 1 ] && grep -q '^  FAILED filter.no_match: ' <<<"$out" &&
    [ "$(tail -1 <<<"$out")" = "maplet-run: 0 passed, 3 failed, 0 skipped" ]
}
expect "deliberate failures are reported per arch" selftest_fails
expect "--failed reruns only the failed cases" failed_reruns_failures
expect "--list lists the selected cases without running them" list_runs_nothing
expect "a spinning test is killed at the timeout, logs kept" hang_times_out
expect "a filter matching in one arch only passes" filter_in_one_arch
expect "a filter matching nowhere fails with filter.no_match" filter_nowhere_fails

echo "== boot configurations beyond the default run"
# powerpc stops on processors older than POWER9 before any POWER9 instruction can run; so does
# powerpc64le on POWER8 and on POWER7 (ISA 2.06, whose ldbrx its message path needs), before
# asking for little-endian interrupts, and on QEMU's 970 and POWER5+, which have no little-endian
# mode, from big-endian words right after the switch that did not happen (little_endian_check.h).
old_cpu_refused() {
  local dir=$BUILD/artifacts/cpu-$2
  "$RUNNER" --arch "$1" --filter 'boot.*' --qemu-arg=-cpu --qemu-arg="$2" \
    --artifacts "$dir" >/dev/null 2>&1
  [ $? -eq 1 ] && grep -qx '~log Maplet needs POWER9 or newer (radix MMU)' \
    "$dir/$1/console.log"
}
for arch_cpu in powerpc:power8 powerpc:970 powerpc64le:power8 powerpc64le:power7 powerpc64le:970 \
  powerpc64le:power5+; do
  expect "${arch_cpu%:*} on -cpu ${arch_cpu#*:} stops: it needs POWER9" old_cpu_refused \
    "${arch_cpu%:*}" "${arch_cpu#*:}"
done
# Every kernel finds QEMU's -initrd through /chosen and sees exactly its bytes (size and zlib's
# CRC-32, read from gzip's trailer); a wrong expectation must fail on each. Each arch also reports
# the runner's clock case, which passes in both runs.
initrd=$log_dir/initrd.bin
seq 1 20000 >"$initrd"
initrd_crc=$(gzip -c "$initrd" | tail -c 8 | od -An -tx4 -N4 | tr -d ' ')
initrd_summary() {
  "$RUNNER" --arch all --filter 'boot.initrd_matches_command_line' \
    --qemu-arg=-initrd --qemu-arg="$initrd" \
    --append "maplet.expect_initrd=$(stat -c %s "$initrd"):0x$1" \
    --artifacts "$BUILD/artifacts/initrd" 2>/dev/null | tail -1
}
expect "every kernel sees the -initrd bytes" \
  test "$(initrd_summary "$initrd_crc")" = "maplet-run: 6 passed, 0 failed, 0 skipped"
expect "a wrong initrd checksum fails on each kernel" \
  test "$(initrd_summary 0)" = "maplet-run: 3 passed, 3 failed, 0 skipped"

echo "== Linux as the oracle: the differential programs on Debian's Linux (oracle/README.md)"
run_gtest "$BUILD/host/oracle-tests"
scripts/oracle-check.sh "$BUILD" 2>&1 | tee "$log_dir/oracle.log"
add_counts oracle "$(tail -1 "$log_dir/oracle.log")" ||
  fail "the oracle step did not print its summary line"

echo "== static glibc and musl programs through maplet-run --exec, against Linux (user/libc)"
scripts/exec-check.sh "$BUILD" 2>&1 | tee "$log_dir/exec.log"
add_counts exec "$(tail -1 "$log_dir/exec.log")" ||
  fail "the exec step did not print its summary line"

echo
if [ -n "${kernel_lines:-}" ]; then
  echo "kernel cases, counted once per boot configuration they ran in:"
  sed 's/^/  /' <<<"$kernel_lines"
fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
