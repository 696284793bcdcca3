"""``python -m backtests.cli``: the ``scarcity`` command line."""

from __future__ import annotations

import sys

from backtests.cli.commands import main

if __name__ == "__main__":
    sys.exit(main())
