"""``python -m model.evaluate``: ``python -m model evaluate`` under the name the design's contract gives it."""

import sys

from model.cli.main import main

if __name__ == "__main__":
    sys.exit(main(["evaluate", *sys.argv[1:]]))
