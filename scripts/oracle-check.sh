#!/usr/bin/env bash
# The Linux-oracle step of `make check`: fetches the reference kernels (or finds them cached),
# runs every differential program on Linux for both arches (oracle/run-linux.sh, cached), and
# compares each program's observations with Maplet's where Maplet has produced them. One case
# per program and arch for the Linux run (its observation file exists and it exited 0), and one
# per program and arch for the comparison, skipped while Maplet has no observation file for it.
#   scripts/oracle-check.sh [BUILD_DIR]
# Maplet's observations are read from $ORACLE_MAPLET_OBS (default BUILD_DIR/oracle/maplet),
# as <arch>/<program>.obs in the same text form. The last line is
# "oracle: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
maplet_obs=${ORACLE_MAPLET_OBS:-$build/oracle/maplet}
compare=$build/host/oracle-compare
passed=0
failed=0
skipped=0

summary() {
  echo "oracle: $passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
  exit
}

if ! scripts/fetch-linux.sh; then
  echo "   FAIL the reference Linux kernels cannot be fetched or found in the cache"
  failed=$((failed + 1))
  summary
fi
start=$SECONDS
if ! oracle/run-linux.sh "$build"; then
  echo "   FAIL Linux did not run the differential programs"
  failed=$((failed + 1))
fi
echo "   Linux runs took $((SECONDS - start)) s"

for arch in arm64 powerpc; do
  for obs in "$build/oracle/linux/$arch"/*.obs; do
    [ -f "$obs" ] || continue
    name=$(basename "$obs" .obs)
    status=$(tail -1 "$obs")
    if [ "$status" = "status exit 0" ]; then
      echo "   ok   linux $arch $name ($(($(wc -l <"$obs") - 1)) lines)"
      passed=$((passed + 1))
    else
      echo "   FAIL linux $arch $name: $status"
      failed=$((failed + 1))
    fi
    theirs=$maplet_obs/$arch/$name.obs
    if [ ! -f "$theirs" ]; then
      echo "   skip compare $arch $name: no Maplet observation ($theirs)"
      skipped=$((skipped + 1))
    elif out=$("$compare" oracle/normalise "$obs" "$theirs"); then
      echo "   ok   compare $arch $name: $(tail -1 <<<"$out")"
      passed=$((passed + 1))
    else
      echo "   FAIL compare $arch $name"
      sed 's/^/        /' <<<"$out"
      failed=$((failed + 1))
    fi
  done
done
# The comparison step itself: a Linux file against an exact copy agrees, against a copy with one
# value changed it fails and shows both sides.
sample=$(ls "$build"/oracle/linux/arm64/*.obs 2>/dev/null | head -1)
if [ -n "$sample" ]; then
  copy=$build/oracle/compare-selftest.obs
  cp "$sample" "$copy"
  if "$compare" oracle/normalise "$sample" "$copy" >/dev/null; then
    echo "   ok   compare agrees with an exact copy of $sample"
    passed=$((passed + 1))
  else
    echo "   FAIL compare rejects an exact copy of $sample"
    failed=$((failed + 1))
  fi
  sed -i '1s/$/ changed/' "$copy"
  out=$("$compare" oracle/normalise "$sample" "$copy")
  if [ $? -eq 1 ] && grep -q "^  maplet: .* changed$" <<<"$out"; then
    echo "   ok   compare catches one changed line and prints both sides"
    passed=$((passed + 1))
  else
    echo "   FAIL compare missed a changed line"
    failed=$((failed + 1))
  fi
fi
summary
