#!/usr/bin/env bash
# `make bench`'s guest half: boots each arch's kernel in its <arch>-bench configuration
# (tools/runner/boot-configs.cfg), which runs only the speed measurement (user/bench.cc and the
# kernel's process start-to-exit figure), and turns its "# bench ..." diagnostics into one table
# per arch, written to build/bench-results/user-<arch>.txt and printed. Fails when a boot fails
# or gives no figures.
#   user-bench.sh RUNNER ARCH...
set -euo pipefail

runner=$1
shift
BUILD=${BUILD:-build}
results=$BUILD/bench-results
artifacts=$BUILD/bench-artifacts
mkdir -p "$results"
for arch in "$@"; do
  config=$arch-bench
  "$runner" --config "$config" --artifacts "$artifacts" >"$results/user-$arch.log" 2>&1 || {
    echo "user-bench: $config failed; see $results/user-$arch.log" >&2
    exit 1
  }
  log=$artifacts/$config/console.log
  table=$results/user-$arch.txt
  {
    echo "Maplet $arch ($config): ns of guest time, median of N runs."
    echo "Under QEMU TCG these are emulated-time figures, not hardware costs."
    printf '%-20s %12s %5s %12s %12s\n' operation median_ns N min_ns max_ns
    sed -n 's/^ *# bench //p' "$log" | awk '
      $2 ~ /^[0-9]+$/ && $3 == "ns" { gsub(/[(),]/, ""); printf "%-20s %12s %5s %12s %12s\n", $1, $2, $6, $8, $10; next }
      $2 == "not" { name = $1; $1 = ""; printf "%-20s %s\n", name, substr($0, 2); next }
      $1 == "counter" { counter = $2 " " $3 }
      END { if (counter != "") print "counter: " counter }'
  } >"$table"
  grep -q ' ns \| not available' <(sed -n 's/^ *# bench //p' "$log") || {
    echo "user-bench: no figures in $log" >&2
    exit 1
  }
  cat "$table"
  echo
done
