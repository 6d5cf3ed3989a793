#!/usr/bin/env bash
# Reads a core of user/core_dump.cc with gdb-multiarch and checks what the program left in it:
# the pc at its faulting store (in core_dump_crash, the store's address register holding the
# unmapped address), the link register and the backtrace back in main, a readable stack at sp,
# the string in its .bss, the page of counting words at 0x50000000, and the siginfo (SIGSEGV,
# SEGV_MAPERR, si_addr). Prints each mismatch; exit status 1 if there is one.
#   scripts/check-core-gdb.sh ARCH PROGRAM CORE
set -uo pipefail
arch=$1 program=$2 core=$3
if [ ! -s "$core" ]; then
  echo "   no core at $core"
  exit 1
fi
case $arch in
  arm64) address_register='$x0' store='str[[:space:]]+w[0-9]+, \[x0\]' ;;
  powerpc) address_register='$r3' store='stw[[:space:]]+r[0-9]+,0\(r3\)' ;;
  *) echo "   unknown arch $arch"; exit 1 ;;
esac
out=$(timeout 120 gdb-multiarch -nx -batch \
  -ex 'echo @pc\n' -ex 'info symbol $pc' -ex 'x/i $pc' \
  -ex 'echo @address\n' -ex "p/x $address_register" \
  -ex 'echo @lr\n' -ex 'info symbol $lr' \
  -ex 'echo @bt\n' -ex 'bt 2' \
  -ex 'echo @sp\n' -ex 'x/gx $sp' \
  -ex 'echo @marker\n' -ex 'x/s &core_marker' \
  -ex 'echo @words\n' -ex 'x/2gx 0x50000000' -ex 'x/gx 0x50000ff8' \
  -ex 'echo @siginfo\n' -ex 'p $_siginfo.si_signo' -ex 'p $_siginfo.si_code' \
  -ex 'p/x $_siginfo._sifields._sigfault.si_addr' \
  "$program" "$core" 2>&1)
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
want pc '^core_dump_crash\(int volatile\*\) \+ [0-9]+ in section \.text$'
want pc "=> 0x[0-9a-f]+ <[^>]+>:[[:space:]]+$store\$"
want address '^\$[0-9]+ = 0x100000000$'
want lr '^main\(StartInfo const&\) \+ [0-9]+ in section \.text$'
want bt '^#1 +0x[0-9a-f]+ in main '
want sp '^0x[0-9a-f]+:[[:space:]]+0x[0-9a-f]{16}$'
want marker '<core_marker>:[[:space:]]+"maplet core marker"$'
want words '^0x50000000:[[:space:]]+0x00000000c0de0000[[:space:]]+0x00000000c0de0001$'
want words '^0x50000ff8:[[:space:]]+0x00000000c0de01ff$'
want siginfo '^\$[0-9]+ = 11$'
want siginfo '^\$[0-9]+ = 1$'
want siginfo '^\$[0-9]+ = 0x100000000$'
if grep -q 'Cannot access memory' <<<"$out"; then
  echo "   $arch core: gdb could not read memory the core should hold"
  status=1
fi
exit $status
