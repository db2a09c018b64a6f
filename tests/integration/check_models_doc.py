#!/usr/bin/env python3
"""docs/models.md is generated: fail when it differs from the program's own listing.

    check_models_doc.py SPINDLE DOCS_MODELS_MD

Regenerate with `cmake --build <build> --target models_doc`. Standard library only.
"""

import difflib
import subprocess
import sys
from pathlib import Path


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 1
    spindle, doc = argv[1], Path(argv[2])
    proc = subprocess.run([spindle, "models", "--markdown", "--no-default-plugins"],
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        print(f"spindle models --markdown failed ({proc.returncode}):\n{proc.stderr}",
              file=sys.stderr)
        return 1
    current = doc.read_text() if doc.exists() else ""
    if current == proc.stdout:
        print(f"ok: {doc} is up to date")
        return 0
    diff = difflib.unified_diff(current.splitlines(), proc.stdout.splitlines(), str(doc),
                                "spindle models --markdown", lineterm="")
    print("\n".join(list(diff)[:80]), file=sys.stderr)
    print(f"\n{doc} differs from `spindle models --markdown --no-default-plugins`: it is generated,"
          " never edited. Regenerate it with:\n  cmake --build <build folder> --target models_doc",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
