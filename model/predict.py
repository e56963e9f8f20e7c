"""``python -m model.predict``: ``python -m model predict`` under the name the design's contract gives it."""

import sys

from model.cli.main import main

if __name__ == "__main__":
    sys.exit(main(["predict", *sys.argv[1:]]))
