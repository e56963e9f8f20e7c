"""``python -m model <command>``: the command-line tools (model/cli/)."""

import sys

from model.cli.main import main

sys.exit(main())
