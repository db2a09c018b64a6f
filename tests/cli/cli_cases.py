"""The case runner that test_cli.py and test_circuit_files.py share: each script defines its cases
as functions `case_NAME` and calls `run_from_command_line`. Standard library only."""

import os
import subprocess
import sys

SKIP = 77  # ctest's SKIP_RETURN_CODE


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


def collect_cases(namespace):
    """The `case_NAME` functions of a module's globals(), by NAME."""
    return {name[len("case_"):]: fn for name, fn in namespace.items() if name.startswith("case_")}


def run_from_command_line(doc, cases, run_case):
    """`SCRIPT SPINDLE_BINARY CASE` runs one case via run_case(binary, fn) (exit 0 pass, 1 fail,
    SKIP when the case returns SKIP); `SCRIPT SPINDLE_BINARY --list` prints the case names."""
    if len(sys.argv) != 3:
        print(doc, file=sys.stderr)
        return 2
    binary, case = os.path.abspath(sys.argv[1]), sys.argv[2]
    if case == "--list":
        print("\n".join(cases))
        return 0
    if case not in cases:
        print(f"unknown case '{case}'; cases: {', '.join(cases)}", file=sys.stderr)
        return 2
    try:
        rc = run_case(binary, cases[case])
    except Failure as e:
        print(f"FAIL {case}: {e}", file=sys.stderr)
        return 1
    except subprocess.TimeoutExpired as e:
        print(f"FAIL {case}: timed out: {e}", file=sys.stderr)
        return 1
    if rc == SKIP:
        return SKIP
    print(f"ok {case}")
    return 0
