#!/bin/sh
# Stands in for qemu-system-* in the runner's process tests. Answers --version like QEMU
# 10.0.2, prints the file given as -kernel (a recorded console transcript) to stdout, echoes
# its arguments to stderr, then does what the kernel command line (-append) asks. A transcript
# with "~fake-sleep S" or "~fake-clock HZ CLAIMED" lines is printed line by line, sleeping S
# seconds at each "~fake-sleep" line instead of printing it, and printing at each "~fake-clock"
# line a "~clock" line as a kernel would, whose counter is the host's clock now at HZ ticks per
# second (HZ divides 10^9) and whose frequency is CLAIMED (for the runner's clock check, which
# relies on the counter following the host's clock as QEMU's do); any other is printed byte for
# byte.
#   fake.hang          keep running (a hung kernel); sleep in a child, as QEMU has threads
#   fake.ignore_term   ignore SIGTERM (so only SIGKILL stops it)
#   fake.exit=N        exit with status N (default 0)
#   fake.signal        die by SIGSEGV (a QEMU crash)
#   fake.flood         then print "ok 1 flood" without end
#   fake.count_flood   then print "ok 1 flood", "ok 2 flood", ... without end
# Its first stderr line names its pid, so tests can check that it is gone after the runner.
if [ "$1" = "--version" ]; then
  echo "QEMU emulator version 10.0.2 (fake_qemu.sh)"
  echo "Copyright (c) 2003-2025 Fabrice Bellard and the QEMU Project developers"
  exit 0
fi
echo "fake_qemu pid: $$" >&2
echo "fake_qemu args: $*" >&2
kernel=
append=
while [ $# -gt 0 ]; do
  case "$1" in
    -kernel) kernel=$2; shift ;;
    -append) append=$2; shift ;;
  esac
  shift
done
if grep -q '^~fake-\(sleep\|clock\) ' "$kernel"; then
  while IFS= read -r line; do
    case "$line" in
      "~fake-sleep "*) sleep "${line#"~fake-sleep "}" ;;
      "~fake-clock "*)
        set -- ${line#"~fake-clock "}
        ns=$(date +%s%N)
        printf '~clock %s %s\n' "$((ns / (1000000000 / $1)))" "$2"
        ;;
      *) printf '%s\n' "$line" ;;
    esac
  done <"$kernel"
else
  cat "$kernel"
fi
status=0
for word in $append; do
  case "$word" in
    fake.ignore_term) trap '' TERM ;;
    fake.exit=*) status=${word#fake.exit=} ;;
  esac
done
for word in $append; do
  case "$word" in
    fake.hang) while :; do sleep 1; done ;;
    fake.flood) exec yes "ok 1 flood" ;;
    fake.count_flood) exec awk 'BEGIN { for (i = 1; ; i++) print "ok " i " flood" }' ;;
    fake.signal) kill -SEGV $$ ;;
  esac
done
exit "$status"
