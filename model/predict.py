"""``python -m model.predict``: the same tool as ``python -m model predict``, kept under its first name."""

import sys

from model.cli import main

if __name__ == "__main__":
    sys.exit(main(["predict", *sys.argv[1:]]))
