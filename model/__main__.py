"""``python -m model <command>``: the command-line tools (see model/cli.py)."""

import sys

from model.cli import main

sys.exit(main())
