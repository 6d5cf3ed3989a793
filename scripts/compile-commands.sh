#!/usr/bin/env bash
# Prints compile_commands.json for clangd: every compile command `make` would run (kernels for
# both arches and the host builds), read from a dry run, so it always matches the Makefile.
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory -Bn V=1 kernels host-tests 2>/dev/null | python3 -c '
import json, os, shlex, sys
entries = []
for line in sys.stdin.read().replace("\\\n", " ").splitlines():
    for part in line.split("&&"):
        words = shlex.split(part.strip())
        if "-c" in words and words and words[0].endswith("++"):
            source = words[words.index("-c") + 1]
            entries.append({"directory": os.getcwd(), "arguments": words, "file": source})
json.dump(entries, sys.stdout, indent=1)
print()
'
