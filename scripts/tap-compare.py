#!/usr/bin/env python3
"""Compares one Linux mm selftest's results on Maplet with Linux's (scripts/exec-check.sh).

Of each observation file (the program's output, then "status exit N" or "status signal N") only
these lines are compared, each under its key:
  plan     the TAP plan, "1..N" (with its "# SKIP reason" when the whole test skipped)
  N        the result line of test N: "ok N description" or "not ok N description", with its
           "# SKIP reason" or "# XFAIL reason" directive
  status   the status line
Every other line (the tests' "# ..." diagnostics, which carry times, addresses and seeds; the
"# Totals" line, which follows from the result lines; "Bail out!") is ignored. A key that one side
lacks compares as "(none)".

KNOWN (user/mm-selftests/known-differences) has lines "<arch> <test> <keys> <reason>", keys a
comma-separated list of the keys above or "all". A differing key that the test's entry lists is a
known difference; a listed key that agrees now means the entry is stale. A key written "?KEY" is
a result that may differ from run to run on Linux as on Maplet: a difference there is a skip, and
agreement is a pass.

  tap-compare.py LINUX_OBS MAPLET_OBS ARCH TEST KNOWN
prints one line, "pass TEXT", "skip TEXT" or "fail TEXT", then for a failure the first SHOWN
differing keys, Linux's line then Maplet's.
"""
import re
import sys

RESULT = re.compile(r"^(?:not )?ok ([0-9]+)\b")
PLAN = re.compile(r"^1\.\.[0-9]+")
SHOWN = 12  # differing keys shown of a failure


def results(path):
    keyed = {}
    order = []
    try:
        lines = open(path, errors="replace").read().splitlines()
    except OSError:
        return None, None
    for line in lines:
        m = RESULT.match(line)
        if m:
            key = m.group(1)
        elif PLAN.match(line):
            key = "plan"
        elif line.startswith("status "):
            key = "status"
        else:
            continue
        if key in keyed:
            # A repeated key (a second plan, a number used twice) keeps every line.
            keyed[key] += "\n" + line.rstrip()
        else:
            keyed[key] = line.rstrip()
            order.append(key)
    return keyed, order


def known_entry(known, arch, test):
    for line in open(known):
        words = line.split(None, 3)
        if len(words) == 4 and not line.startswith("#") and words[0] == arch and words[1] == test:
            keys = words[2].split(",")
            return keys, words[3].strip()
    return None, None


def main():
    linux_path, maplet_path, arch, test, known = sys.argv[1:6]
    linux, linux_order = results(linux_path)
    maplet, maplet_order = results(maplet_path)
    if linux is None:
        print("fail no Linux observation")
        return
    if maplet is None:
        print("fail no Maplet observation")
        return
    keys = linux_order + [k for k in maplet_order if k not in linux]
    differing = [k for k in keys if linux.get(k) != maplet.get(k)]
    listed, reason = known_entry(known, arch, test)
    tests = sum(1 for k in keys if k.isdigit())
    # "?KEY": a result that may go either way on both systems; it is never stale.
    unstable = {k[1:] for k in listed or [] if k.startswith("?")}
    listed = [k for k in listed or [] if not k.startswith("?")] if listed is not None else None
    if not differing:
        if listed:
            print(f"fail matches Linux now: remove its entry from {known}")
        else:
            print(f"pass {tests} results, the plan and the status agree")
        return
    if listed is not None:
        stale = [k for k in listed if k != "all" and linux.get(k) == maplet.get(k)]
        uncovered = [k for k in differing if "all" not in listed and k not in listed and k not in unstable]
        if stale:
            print(f"fail {','.join(stale)} agree with Linux now: take them out of {known}")
            return
        if not uncovered:
            which = ",".join(differing) if len(differing) <= 6 else f"{len(differing)} of {len(keys)} keys"
            print(f"skip known difference in {which} ({reason})")
            return
        differing = uncovered
    print(f"fail {len(differing)} of {len(keys)} keys differ")
    for k in differing[:SHOWN]:
        for side, values in (("linux ", linux), ("maplet", maplet)):
            for line in values.get(k, "(none)").split("\n"):
                print(f"{k:>6} {side}: {line}")
    if len(differing) > SHOWN:
        print(f"... and {len(differing) - SHOWN} more")


main()
