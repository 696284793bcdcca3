"""The ``scarcity`` command line: ``args`` (flags, help and the parser) and ``commands``.

``python -m backtests.cli`` and the ``scarcity`` console script both run :func:`run`
(:func:`main`, then a quick exit: :mod:`backtests.cli.exit`).
The command line holds no library logic: each command calls the public API of ``data``,
``signals`` and ``backtests`` and prints a one-line summary.
"""

from __future__ import annotations

from backtests.cli.commands import main, run

__all__ = ["main", "run"]
