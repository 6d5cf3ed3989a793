#!/usr/bin/env bash
# Reads a core of user/core_dump.cc with gdb-multiarch and checks what the program left in it:
# the pc at its faulting store (in core_dump_crash, the store's address register holding the
# unmapped address), the link register and the backtrace back in main, a readable stack at sp,
# the string in its .bss, the page of counting words at 0x50000000, and the siginfo (SIGSEGV,
# SEGV_MAPERR, si_addr), and the vDSO's ELF magic at AT_SYSINFO_EHDR (info auxv, then x there).
# Prints each mismatch; exit status 1 if there is one.
#   scripts/check-core-gdb.sh ARCH PROGRAM CORE
# With --mte, CORE is user/core_mte.cc's: memory-tag print-allocation-tag gives the tags it set
# and memory-tag check names the mismatch that killed it (SEGV_MTESERR). Without HWCAP2_MTE in
# the core's auxv it prints why it skips and exits 2.
#   scripts/check-core-gdb.sh --mte PROGRAM CORE
# With --pac, CORE is user/core_pac.cc's (arm64, return addresses signed with pac-ret+leaf):
# gdb must find the PAC masks in the core (NT_ARM_PAC_MASK: $pauth_dmask, $pauth_cmask, bits
# [54:48] of 48-bit user addresses) and unwind through the signed return addresses in x30 and on
# the stack back to main. The core must come from a 48-bit user space (arm64-nomte): with 52-bit
# addresses a PAC has three bits, and one signature in eight is 0, which leaves nothing to see.
# Without HWCAP_PACA in the core's auxv it skips (exit 2).
#   scripts/check-core-gdb.sh --pac PROGRAM CORE
set -uo pipefail
mte=0
pac=0
if [ "${1:-}" = --mte ]; then
  mte=1
  shift
  set -- arm64 "$@"
elif [ "${1:-}" = --pac ]; then
  pac=1
  shift
  set -- arm64 "$@"
fi
arch=$1 program=$2 core=$3
if [ ! -s "$core" ]; then
  echo "   no core at $core"
  exit 1
fi
status=0
# want SECTION REGEX: the lines after "@SECTION" (up to the next "@") must match REGEX.
want() {
  local text
  text=$(awk -v s="@$1" '$0 == s {on = 1; next} /^@/ {on = 0} on' <<<"$out")
  if ! grep -Eq "$2" <<<"$text"; then
    echo "   $arch core, $1: wanted /$2/, gdb said: $text"
    status=1
  fi
}
gdb_core() { timeout 120 gdb-multiarch -nx -batch "$@" "$program" "$core" 2>&1; }

if [ $mte -eq 1 ]; then
  hwcap2=$(gdb_core -ex 'info auxv' | awk '$2 == "AT_HWCAP2" {print $NF}')
  if [ -z "$hwcap2" ] || [ $((hwcap2 & (1 << 18))) -eq 0 ]; then
    echo "   skip: the core's auxv has no HWCAP2_MTE (AT_HWCAP2 ${hwcap2:-missing})"
    exit 2
  fi
  # user/core_mte.cc: tags 0x3 at 0x60000000, 0xa at 0x60000010, 0x5 at 0x60001000, and the
  # store through logical tag 0x7 at 0x60000000.
  out=$(gdb_core \
    -ex 'echo @tag0\n' -ex 'memory-tag print-allocation-tag 0x60000000' \
    -ex 'echo @tag1\n' -ex 'memory-tag print-allocation-tag 0x60000010' \
    -ex 'echo @tag2\n' -ex 'memory-tag print-allocation-tag 0x60001000' \
    -ex 'echo @untagged\n' -ex 'memory-tag print-allocation-tag 0x60000020' \
    -ex 'echo @check\n' -ex 'memory-tag check 0x0700000060000000' \
    -ex 'echo @pc\n' -ex 'info symbol $pc' \
    -ex 'echo @word\n' -ex 'x/gx 0x60000000' \
    -ex 'echo @siginfo\n' -ex 'p $_siginfo.si_code' \
    -ex 'p/x $_siginfo._sifields._sigfault.si_addr')
  want tag0 '^\$[0-9]+ = 0x3$'
  want tag1 '^\$[0-9]+ = 0xa$'
  want tag2 '^\$[0-9]+ = 0x5$'
  want untagged '^\$[0-9]+ = 0x0$'
  want check '^Logical tag \(0x7\) does not match the allocation tag \(0x3\) for address 0x0?700000060000000\.$'
  want pc '^core_mte_crash\(unsigned long volatile\*\) \+ [0-9]+ in section \.text( of .*)?$'
  want word '^0x60000000:[[:space:]]+0x00000000007a66ed$'
  want siginfo '^\$[0-9]+ = 9$'  # SEGV_MTESERR
  # Still tagged: Linux clears the tag bits only for a handler (kernel/signal.c
  # hide_si_addr_tag_bits, after do_coredump).
  want siginfo '^\$[0-9]+ = 0x700000060000000$'
  # The tag segment itself, read by llvm-readelf: the mapping's two pages, 128 bytes each, and
  # the first byte of each page's tags (granule 0 low nibble, granule 1 high).
  segment=$(llvm-readelf -l --wide "$core" | awk '$2 == "0x70000002" && $4 == "0x0000000060000000"')
  read -r _ _ offset _ _ filesz memsz _ <<<"$segment"
  if [ "${filesz:-}" != 0x000100 ] || [ "${memsz:-}" != 0x002000 ]; then
    echo "   arm64 core: wanted a PT_AARCH64_MEMTAG_MTE of 0x100 bytes for 0x60000000 + 0x2000," \
      "llvm-readelf said: ${segment:-none}"
    status=1
  else
    bytes=$(od -An -tx1 -j $((offset)) -N 1 "$core")$(od -An -tx1 -j $((offset + 128)) -N 1 "$core")
    if [ "$(tr -d ' \n' <<<"$bytes")" != a305 ]; then
      echo "   arm64 core: the tag segment's first bytes per page are $bytes, wanted a3 05"
      status=1
    fi
  fi
  exit $status
fi
if [ $pac -eq 1 ]; then
  hwcap=$(gdb_core -ex 'info auxv' | awk '$2 == "AT_HWCAP" {print $NF}')
  if [ -z "$hwcap" ] || [ $((hwcap & (1 << 30))) -eq 0 ]; then
    echo "   skip: the core's auxv has no HWCAP_PACA (AT_HWCAP ${hwcap:-missing})"
    exit 2
  fi
  out=$(gdb_core \
    -ex 'echo @signs\n' -ex 'x/i core_pac_inner' -ex 'x/i core_pac_outer' \
    -ex 'echo @dmask\n' -ex 'p/x $pauth_dmask' -ex 'echo @cmask\n' -ex 'p/x $pauth_cmask' \
    -ex 'echo @x30\n' -ex 'p/x $x30' \
    -ex 'echo @bt\n' -ex 'bt 3')
  want signs '<_Z14core_pac_innerPVi>:[[:space:]]+paciasp$'
  want signs '<_Z14core_pac_outerPVi>:[[:space:]]+paciasp$'
  want dmask '^\$[0-9]+ = 0x7f000000000000$'
  want cmask '^\$[0-9]+ = 0x7f000000000000$'
  # The return address core_pac_inner signed is still signed in x30: PAC bits above bit 47.
  x30=$(awk -v s=@x30 '$0 == s {on = 1; next} /^@/ {on = 0} on {print $NF}' <<<"$out")
  if [ -z "$x30" ] || [ $((x30 >> 48)) -eq 0 ]; then
    echo "   arm64 core: x30 is ${x30:-missing}, wanted a signed return address"
    status=1
  fi
  want bt '^#0 +core_pac_inner '
  want bt '^#1 +0x[0-9a-f]+ \[PAC\] in core_pac_outer '
  want bt '^#2 +0x[0-9a-f]+ \[PAC\] in main '
  if grep -q 'unavailable' <<<"$out"; then
    echo "   arm64 core: gdb found something unavailable: $(grep unavailable <<<"$out" | head -3)"
    status=1
  fi
  exit $status
fi
case $arch in
  arm64) address_register='$x0' store='str[[:space:]]+w[0-9]+, \[x0\]' ;;
  powerpc | powerpc64le) address_register='$r3' store='stw[[:space:]]+r[0-9]+,0\(r3\)' ;;
  *) echo "   unknown arch $arch"; exit 1 ;;
esac
out=$(gdb_core \
  -ex 'echo @pc\n' -ex 'info symbol $pc' -ex 'x/i $pc' \
  -ex 'echo @address\n' -ex "p/x $address_register" \
  -ex 'echo @lr\n' -ex 'info symbol $lr' \
  -ex 'echo @bt\n' -ex 'bt 2' \
  -ex 'echo @sp\n' -ex 'x/gx $sp' \
  -ex 'echo @marker\n' -ex 'x/s &core_marker' \
  -ex 'echo @words\n' -ex 'x/2gx 0x50000000' -ex 'x/gx 0x50000ff8' \
  -ex 'echo @siginfo\n' -ex 'p $_siginfo.si_signo' -ex 'p $_siginfo.si_code' \
  -ex 'p/x $_siginfo._sifields._sigfault.si_addr' \
  -ex 'echo @auxv\n' -ex 'info auxv')
ehdr=$(awk '$2 == "AT_SYSINFO_EHDR" {print $NF}' <<<"$out")
if [ -n "$ehdr" ]; then
  out+=$'\n'$(gdb_core -ex 'echo @vdso\n' -ex "x/4xb $ehdr")
fi
want pc '^core_dump_crash\(int volatile\*\) \+ [0-9]+ in section \.text( of .*)?$'
want pc "=> 0x[0-9a-f]+ <[^>]+>:[[:space:]]+$store\$"
want address '^\$[0-9]+ = 0x100000000$'
want lr '^main\(StartInfo const&\) \+ [0-9]+ in section \.text( of .*)?$'
want bt '^#1 +0x[0-9a-f]+ in main '
want sp '^0x[0-9a-f]+:[[:space:]]+0x[0-9a-f]{16}$'
want marker '<core_marker>:[[:space:]]+"maplet core marker"$'
want words '^0x50000000:[[:space:]]+0x00000000c0de0000[[:space:]]+0x00000000c0de0001$'
want words '^0x50000ff8:[[:space:]]+0x00000000c0de01ff$'
want siginfo '^\$[0-9]+ = 11$'
want siginfo '^\$[0-9]+ = 1$'
want siginfo '^\$[0-9]+ = 0x100000000$'
want auxv '^33 +AT_SYSINFO_EHDR .* 0x[0-9a-f]+$'
want vdso '^0x[0-9a-f]+:[[:space:]]+0x7f[[:space:]]+0x45[[:space:]]+0x4c[[:space:]]+0x46$'
if grep -q 'Cannot access memory' <<<"$out"; then
  echo "   $arch core: gdb could not read memory the core should hold"
  status=1
fi
exit $status
