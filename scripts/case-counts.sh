# Sourced by the check scripts (check.sh, oracle-check.sh, exec-check.sh): the three counts of
# cases, a case's one line as it is counted, and the adding of a step's closing counts.

passed=0
failed=0
skipped=0

pass() {
  echo "   ok   $*"
  passed=$((passed + 1))
}
fail() {
  echo "   FAIL $*"
  failed=$((failed + 1))
}
skip() {
  echo "   skip $*"
  skipped=$((skipped + 1))
}

# add_counts NAME LINE: adds the counts of LINE when it is NAME's closing
# "NAME: N passed, N failed, N skipped"; otherwise adds nothing and returns 1.
add_counts() {
  local closing="^$1: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$"
  [[ $2 =~ $closing ]] || return 1
  passed=$((passed + BASH_REMATCH[1]))
  failed=$((failed + BASH_REMATCH[2]))
  skipped=$((skipped + BASH_REMATCH[3]))
}
