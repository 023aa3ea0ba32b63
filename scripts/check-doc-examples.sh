#!/usr/bin/env bash
# Runs every example command the README and docs/ show (the `$B …` lines of their ```sh blocks, with `\`
# continuations) verbatim from the repository root, with B set to a built vitopt (default: the debug build
# `swift test` leaves; `make check-docs` uses the release one). Fails on the first command that fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
B="${B:-.build/debug/vitopt}"
[[ -x "$B" ]] || { echo "error: $B is not built" >&2; exit 1; }
export B
count=0
while IFS= read -r -d '' cmd; do
    count=$((count + 1))
    echo "== $cmd"
    if ! bash -c "$cmd" >/tmp/vitopt-doc-example.log 2>&1; then
        echo "FAIL: $cmd"; tail -n 20 /tmp/vitopt-doc-example.log; exit 1
    fi
done < <(python3 - README.md docs/*.md <<'PY'
import sys
for path in sys.argv[1:]:
    inside = False
    pending = ""
    for line in open(path, encoding="utf-8"):
        s = line.rstrip("\n")
        if s.startswith("```"):
            inside = s.strip() == "```sh" and not inside
            pending = ""
            continue
        if not inside:
            continue
        if pending:
            pending += " " + s.strip()
        elif s.startswith("$B "):
            pending = s
        else:
            continue
        if pending.endswith("\\"):
            pending = pending[:-1].rstrip()
            continue
        sys.stdout.write(pending.split("  #")[0].rstrip() + "\0")
        pending = ""
PY
)
rm -f /tmp/vitopt-doc-example.log
echo "$count passed, 0 failed: documented examples"
