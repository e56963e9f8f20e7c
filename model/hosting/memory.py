"""Resident memory of a process and all its descendants, read from Linux's /proc.

The memory budget is about what the operating system (or a container's limit) counts: the
resident set of the server and of every training child. Elsewhere the figures are unknown (None)
and admission falls back to counting processes.
"""

import ctypes
import ctypes.util
from pathlib import Path

PROC = Path("/proc")


def process_tree_mb(pid):
    """Resident MB of ``pid`` and its descendants, or None where /proc is not available."""
    if not (PROC / str(pid) / "status").exists():
        return None
    return sum(resident_mb(member) or 0.0 for member in process_tree(pid))


def process_tree(pid):
    """``pid`` and the ids of all its descendants, from /proc."""
    children = _children_by_parent()
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending.extend(children.get(current, ()))
    return tree


def resident_mb(pid):
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None  # the process has ended, or is a zombie with no memory


def _children_by_parent():
    children = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command name in (parentheses) may hold spaces: split after its closing one.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def give_back_freed_memory():
    """Return the heap pages Python has freed to the system; True if it could (glibc only).

    When a visitor's session ends, Python frees its objects, but glibc's allocator keeps the
    pages for reuse, so the process' resident memory (what a container's limit and the training
    admission count) does not come down (measured: BENCHMARKS.md, "Memory as visitors come and
    go"). ``malloc_trim(0)`` hands them back; it takes milliseconds.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.malloc_trim(0))
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to ask
        return False
