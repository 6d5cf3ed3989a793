#!/usr/bin/env bash
# Prints compile_commands.json for clangd: every compile command `make` would run (kernels for
# both arches and the host builds), read from a dry run, so it always matches the Makefile.
# Each recipe line is tokenised the way the shell reads it, so an operator such as `&&` splits
# commands only outside quotes (an awk program may contain one). Fails, printing nothing, when
# the dry run fails, a line does not tokenise, or no compile command is found.
set -euo pipefail
cd "$(dirname "$0")/.."
dry_run=$(make --no-print-directory -Bn V=1 kernels host-tests)
python3 -c '
import json, os, shlex, sys

# Tokens that end one simple command and start the next.
SEPARATORS = {"&&", "||", ";", "|", "&", "(", ")"}

def commands(line):
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = []
    for token in lexer:
        if token in SEPARATORS:
            yield words
            words = []
        else:
            words.append(token)
    yield words

entries = []
for number, line in enumerate(sys.stdin.read().replace("\\\n", " ").splitlines(), 1):
    try:
        for words in commands(line):
            if words and words[0].endswith("++") and "-c" in words[:-1]:
                source = words[words.index("-c") + 1]
                entries.append({"directory": os.getcwd(), "arguments": words, "file": source})
    except ValueError as error:
        sys.exit(f"compile-commands: dry-run line {number}: {error}: {line[:200]}")
if not entries:
    sys.exit("compile-commands: the dry run has no compile command")
json.dump(entries, sys.stdout, indent=1)
print()
' <<<"$dry_run"
