#!/usr/bin/env bash
# make oracle-fuzz: fuzz_mm with many seeds on Linux and Maplet, in chunks of CHUNK seeds (one
# Linux boot per arch and one Maplet boot per kernel each, so that no run reaches a program's time
# limit: 20 s on Linux, 5 s on Maplet), each compared as make check compares. Prints the chunks
# that differ; a seed that differs belongs in oracle/fuzz-seeds.
#   scripts/oracle-fuzz.sh BUILD_DIR SEED...
# Exit status 0 when every chunk agrees (known differences aside), 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
build=$1
shift
CHUNK=${ORACLE_FUZZ_CHUNK:-50}
seeds=("$@")
bad=()
for ((i = 0; i < ${#seeds[@]}; i += CHUNK)); do
  chunk="${seeds[*]:i:CHUNK}"
  echo "oracle-fuzz: seeds ${seeds[i]} to ${seeds[$((i + CHUNK < ${#seeds[@]} ? i + CHUNK - 1 : ${#seeds[@]} - 1))]}"
  if ! make --no-print-directory -j2 oracle kernels "$build/host/maplet-run" FUZZ_SEEDS="$chunk" \
    >"$build/oracle/fuzz-build.log" 2>&1; then
    echo "oracle-fuzz: the build failed: $build/oracle/fuzz-build.log"
    exit 1
  fi
  if ! scripts/oracle-check.sh "$build" >"$build/oracle/fuzz-check.log" 2>&1; then
    grep -E "FAIL" "$build/oracle/fuzz-check.log" | head -5
    # Each Maplet kernel against its Linux run (powerpc64le's is ppc64el Linux's, as powerpc's).
    for kernel in arm64:arm64 powerpc:powerpc powerpc64le:powerpc; do
      diff "$build/oracle/linux/${kernel#*:}/fuzz_mm.obs" \
        "$build/oracle/maplet/${kernel%:*}/fuzz_mm.obs" |
        grep -m1 -o 'fuzz\.[0-9]*\|seed_[0-9]*' |
        sed "s/^/oracle-fuzz: ${kernel%:*} first differs at /"
    done
    bad+=("$chunk")
  fi
done
echo "oracle-fuzz: ${#seeds[@]} seeds, $(( (${#seeds[@]} + CHUNK - 1) / CHUNK )) chunks, ${#bad[@]} with differences"
[ "${#bad[@]}" -eq 0 ]
