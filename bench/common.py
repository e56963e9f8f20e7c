"""What the benchmark scripts share: the machine description, percentiles, printing tables."""

import json
import os
import platform
import time
from pathlib import Path

import numpy as np


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    python = platform.python_version()
    return f"{os.cpu_count()} cores, {cpu}, {memory_gb:.0f} GB, Python {python}, {time.strftime('%Y-%m-%d')}"


def percentile_ms(seconds, q):
    return float(np.percentile(np.asarray(seconds) * 1000, q))


def print_table(title, header, rows):
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    print(f"\n{title}\n")
    print("  ".join(str(cell).ljust(width) for cell, width in zip(header, widths, strict=False)))
    print("  ".join("-" * width for width in widths))
    for row in rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)))
    print(f"\nmachine: {machine()}")


def print_json(result):
    print(json.dumps(result))
