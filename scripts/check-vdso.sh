#!/bin/sh
# check-vdso.sh VDSO VERSION "SYMBOL..." OBJECT...: the build-time checks of a vDSO image and the
# objects it was linked from. It must load as it
# is, wherever it is mapped: one PT_LOAD from file offset 0 at address 0, no relocation of any
# kind (so no text relocation), no DT_NEEDED or DT_TEXTREL, no undefined symbol; it must define
# the version VERSION and export exactly SYMBOL... at VERSION (the default version, name@@VERSION);
# and no object may refer to anything but PC-relatively outside its debug sections: no absolute
# address, nothing through a GOT or (powerpc) the TOC, since callers enter with their own r2 and
# the entries reach the C++ functions at their local entry points.
set -eu
so=$1 version=$2 symbols=$3
shift 3
fail() { echo "$so: $*" >&2; exit 1; }

loads=$(llvm-readelf -l "$so" | awk '$1 == "LOAD"')
[ "$(printf '%s\n' "$loads" | grep -c LOAD)" = 1 ] || fail "not exactly one PT_LOAD"
printf '%s\n' "$loads" | awk '{ exit !($2 == "0x000000" && $3 == "0x0000000000000000") }' ||
  fail "the PT_LOAD does not start at offset 0, address 0: $loads"
relocs=$(llvm-readelf -r "$so")
printf '%s\n' "$relocs" | grep -q 'There are no relocations' || fail "relocations: $relocs"
dynamic=$(llvm-readelf -d "$so")
if printf '%s\n' "$dynamic" | grep -Eq '\((TEXTREL|NEEDED|RELA|REL|JMPREL)\)'; then
  fail "dynamic tags a vDSO must not have: $dynamic"
fi
printf '%s\n' "$dynamic" | grep -q '(HASH)' || fail "no DT_HASH"
printf '%s\n' "$dynamic" | grep -q '(GNU_HASH)' || fail "no DT_GNU_HASH"
llvm-readelf -V "$so" | grep -q "Name: $version\$" || fail "no version definition $version"

dynsyms=$(llvm-readelf --dyn-syms "$so" | awk '$1 ~ /^[0-9]+:$/ && $1 != "0:"')
if printf '%s\n' "$dynsyms" | awk '$7 == "UND"' | grep -q .; then
  fail "undefined symbols: $(printf '%s\n' "$dynsyms" | awk '$7 == "UND"')"
fi
exported=$(printf '%s\n' "$dynsyms" | awk '$5 == "GLOBAL" { print $8 }' | sort)
expected=$(for s in $symbols; do echo "$s@@$version"; done | sort)
[ "$exported" = "$expected" ] || fail "exports
$exported
instead of
$expected"
for object in "$@"; do
  llvm-readelf -r "$object" | awk -v object="$object" '
    /^Relocation section/ { debug = ($3 ~ /debug/) }
    !debug && /R_(AARCH64|PPC64)_/ && !/R_AARCH64_(ADR_PREL_PG_HI21|ADD_ABS_LO12_NC|JUMP26|CALL26|CONDBR19)|R_PPC64_(REL16_HA|REL16_LO|REL24|REL14)/ {
      print object ": a relocation the vDSO cannot take:", $0; bad = 1 }
    END { exit bad }' >&2 || exit 1
done
