"""How every command fails: one line on stderr and an exit status, never a traceback."""

import sys


def fail(message: object, status: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return status
