"""``python -m backtests.cli``: the ``scarcity`` command line."""

from __future__ import annotations

from backtests.cli.commands import run

if __name__ == "__main__":
    run()
