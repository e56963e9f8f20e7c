"""``python -m model.evaluate``: the same tool as ``python -m model evaluate``, kept under its first name."""

import sys

from model.cli import main

if __name__ == "__main__":
    sys.exit(main(["evaluate", *sys.argv[1:]]))
